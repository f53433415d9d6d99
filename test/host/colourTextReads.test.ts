// "Colour Text by Model" (src/rnnEditor/modelColouring.ts) against a stand-in for the `vscode` module: scrolling a
// large coloured document must not read the whole document's text (issue 19: it called document.getText() on all
// of it several times per scroll). The fake document counts whole-text reads and the units read through ranges; the
// colouring must still send the worker exactly the visible window's text (word runs: widened to whole words as
// wordAlignedWindow does over the whole text) and decorate what is visible.
import assert from 'node:assert/strict';
import { after, before, mock, test } from 'node:test';
import type { TextInference, TextInferenceRequest } from '../../src/shared/protocol/trainingWorker';
import { installFakeVscode, uninstallFakeVscode, FakeEventEmitter, l10nFormat } from './fakeVscode';

class Position {
  constructor(readonly line: number, readonly character: number) {}
}
class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c as number, d as number) : (b as Position);
  }
}

/** A TextDocument over `text` that counts whole-document reads and the units read through ranges. */
class FakeDocument {
  wholeReads = 0;
  rangeUnits = 0;
  readonly version = 1;
  readonly isUntitled = false;
  readonly uri = { scheme: 'file', path: '/w/big.txt', fsPath: '/w/big.txt', toString: () => 'file:///w/big.txt' };
  private readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }
  get lineCount(): number {
    return this.lineStarts.length;
  }
  private lineEnd(line: number): number {
    return line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] - 1 : this.text.length;
  }
  lineAt(line: number) {
    return { range: new Range(new Position(line, 0), new Position(line, this.lineEnd(line) - this.lineStarts[line])) };
  }
  offsetAt(p: Position): number {
    if (p.line >= this.lineStarts.length) return this.text.length;
    const line = Math.max(0, p.line);
    return Math.min(this.lineStarts[line] + Math.max(0, p.character), this.lineEnd(line));
  }
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return new Position(lo, o - this.lineStarts[lo]);
  }
  getText(range?: Range): string {
    if (!range) {
      this.wholeReads++;
      return this.text;
    }
    const part = this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
    this.rangeUnits += part.length;
    return part;
  }
}

const visibleRangesChanged = new FakeEventEmitter<{ textEditor: unknown }>();
const window = {
  activeTextEditor: undefined as unknown,
  visibleTextEditors: [] as unknown[],
  createTextEditorDecorationType: () => ({ dispose: () => undefined }),
  createStatusBarItem: () => ({ show: () => undefined, hide: () => undefined, dispose: () => undefined }),
  onDidChangeTextEditorVisibleRanges: visibleRangesChanged.event,
  onDidChangeVisibleTextEditors: () => ({ dispose: () => undefined }),
  onDidChangeActiveTextEditor: () => ({ dispose: () => undefined }),
  showErrorMessage: async (m: string) => assert.fail(`error shown: ${m}`),
  showWarningMessage: async (m: string) => assert.fail(`warning shown: ${m}`),
};
const commands = new Map<string, (...args: unknown[]) => unknown>();
const fakeVscode = {
  Position,
  Range,
  EventEmitter: FakeEventEmitter,
  ThemeColor: class { constructor(readonly id: string) {} },
  MarkdownString: class { constructor(readonly value: string) {} },
  Hover: class { constructor(readonly contents: unknown, readonly range: unknown) {} },
  StatusBarAlignment: { Left: 1, Right: 2 },
  DecorationRangeBehavior: { ClosedClosed: 1 },
  l10n: { t: l10nFormat },
  window,
  commands: {
    registerCommand: (id: string, f: (...args: unknown[]) => unknown) => {
      commands.set(id, f);
      return { dispose: () => undefined };
    },
    executeCommand: async () => undefined,
  },
  languages: { registerHoverProvider: () => ({ dispose: () => undefined }) },
  workspace: {
    textDocuments: [] as unknown[],
    onDidChangeTextDocument: () => ({ dispose: () => undefined }),
    onDidCloseTextDocument: () => ({ dispose: () => undefined }),
    getConfiguration: () => ({ get: (_: string, fallback: unknown) => fallback }),
  },
};

before(() => installFakeVscode(fakeVscode));
after(() => uninstallFakeVscode());

/** What the worker would answer for `request`: a value per scored unit, nothing unknown. */
function inference(request: TextInferenceRequest, words: boolean): TextInference {
  const n = request.text.length - request.warmup;
  const value = new Float32Array(n).map((_, i) => (i % 7) + 0.5);
  const starts: number[] = [];
  const ends: number[] = [];
  if (words) {
    const scored = request.text.slice(request.warmup);
    for (const m of scored.matchAll(/\S+/g)) {
      starts.push(m.index);
      ends.push(m.index + m[0].length);
    }
  }
  return {
    step: 1, length: n, surprisal: value, value, unknown: new Uint8Array(n), gradNorm: new Float32Array(n),
    topIds: new Int32Array(0), topProbabilities: new Float32Array(0), vocabulary: [], cell: 'rnn', layers: 1, hiddenSize: 8,
    series: [], unitValues: new Float32Array(0), pinned: null, summaryLayer: 0, activeUnits: new Int32Array(0), activeValues: new Float32Array(0),
    ...(words ? { tokenStarts: Int32Array.from(starts), tokenEnds: Int32Array.from(ends) } : {}),
  } as TextInference;
}

for (const dataKind of ['characters', 'words'] as const) {
  test(`scrolling a coloured ${dataKind} document reads no whole-document text, and sends the visible window's text`, async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    const { ModelColouring } = await import('../../src/rnnEditor/modelColouring');
    const { wordAlignedWindow } = await import('../../src/rnnEditor/wordSteps');
    const { windowFor } = await import('../../src/rnnEditor/inferenceWindow');
    // 40,000 lines, 1.4 MB: reading all of it per scroll is what the user feels.
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i} of the corpus, words words\n`);
    const document = new FakeDocument(lines.join(''));
    const decorations: unknown[][] = [];
    const editor = {
      document,
      visibleRanges: [new Range(0, 0, 40, 0)],
      setDecorations: (_type: unknown, ranges: unknown[]) => decorations.push(ranges),
    };
    window.activeTextEditor = editor;
    window.visibleTextEditors = [editor];
    fakeVscode.workspace.textDocuments = [document];
    // Each request the colouring makes, with the resolver of its answer (the worker client's promise).
    const requests: { request: TextInferenceRequest; answer: (result: TextInference) => void }[] = [];
    const run = { info: { id: 'r1', status: 'paused', fileLabel: 'big.txt', modelLabel: 'char RNN', vocabSize: 40, config: { cell: 'rnn', layers: 1, hiddenSize: 8, dataKind } } };
    const service = {
      list: () => [run],
      get: () => run,
      inferText: (_runId: string, request: TextInferenceRequest) => new Promise<TextInference>((resolve) => requests.push({ request, answer: resolve })),
    };
    const colouring = new ModelColouring(service as never, undefined);
    try {
      await commands.get('sequenceLab.colourTextByModel')!({ kind: 'surprisal' });
      /** Answers the latest request, and lets the colouring take the answer. */
      const answer = async () => {
        const last = requests[requests.length - 1];
        last.answer(inference(last.request, dataKind === 'words'));
        await Promise.resolve();
      };
      assert.equal(requests.length, 1, 'colouring asks the worker once');
      await answer();

      document.wholeReads = 0;
      document.rangeUnits = 0;
      // Twenty scrolls of 2,000 lines each: each leaves the scored window, so each decorates and asks again.
      for (let i = 1; i <= 20; i++) {
        const top = i * 2_000;
        editor.visibleRanges = [new Range(top, 0, top + 40, 0)];
        visibleRangesChanged.fire({ textEditor: editor });
        mock.timers.tick(60);
        assert.equal(requests.length, 1 + i, `scroll ${i} asks for the newly visible text`);
        const request: TextInferenceRequest = requests[requests.length - 1].request;
        // What was sent is exactly the document's text over the window the whole text would give.
        const first = Math.max(0, top - 60);
        const wanted: [number, number][] = [[document.offsetAt(new Position(first, 0)), document.offsetAt(document.lineAt(top + 40 + 60).range.end) + 1]];
        const plain = windowFor(wanted, document.text.length)!;
        const expected = dataKind === 'words' ? wordAlignedWindow(document.text, plain) : plain;
        assert.equal(request.text, document.text.slice(expected.sliceStart, expected.to), `scroll ${i}: the text sent`);
        assert.equal(request.warmup, expected.from - expected.sliceStart);
        decorations.length = 0;
        await answer();
        assert.ok(decorations.some((r) => r.length > 0), `scroll ${i}: the visible text is coloured`);
      }
      assert.equal(document.wholeReads, 0, 'whole-document getText() calls during 20 scrolls');
      // Per scroll: the window sent (~10 K units) and what the decorations touch, never the 1.4 MB.
      const perScroll = document.rangeUnits / 20;
      assert.ok(perScroll < 40_000, `${perScroll} units read per scroll`);
    } finally {
      colouring.dispose();
      mock.timers.reset();
    }
  });
}
