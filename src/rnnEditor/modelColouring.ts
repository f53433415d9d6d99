// "Sequence Lab: Colour Text by Model…": the latest run (live in this window) whose data file is the active document
// colours its characters by surprisal, a unit of a gate / c / h, or ‖∂L/∂h_t‖; the hover gives the top-5 next
// characters, the gates of the pinned unit (or the mean over units) and ‖∂L/∂h_t‖; the status bar names the quantity,
// with the legend in its tooltip. The worker runs the model over what the editor shows plus a margin (after a
// warm-up prefix: see src/worker/textInference.ts), again on scrolling past it, 300 ms after an edit, and every few
// seconds while the run trains. One request per document in flight at most; the newest wanted window goes next.
// A word run colours whole words the same way (one model step per whitespace-separated word; the window is widened
// to whole words, the hover is the word's with the top-5 next words, unknown words are underlined whole: wordSteps.ts).
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import { documentLabel } from '../base/documentText';
import { expandedVisibleOffsets } from '../hmm/editorRanges';
import { WorkerShutDown } from '../base/workerClient';
import type { TextInference, TextQuantity } from '../shared/protocol/trainingWorker';
import type { RunPersistence } from '../training/runPersistence';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import { quantityArgument, quantityShort, scaleOf, SLOTS, slotColour } from './colourScale';
import { hoverMarkdown, legendText } from './hoverText';
import { covers, scoredLimit, windowFor, type InferenceWindow } from './inferenceWindow';
import { pickQuantity } from './pickQuantity';
import { TaggedColouring } from './taggedColouring';
import { visibleRuns } from './visibleColours';
import { bitsPerWord, MAX_WORD_EXTENSION, unknownWordRanges, wordAlignedWindow, wordStepAt } from './wordSteps';

export const COLOUR_TEXT_COMMAND = 'sequenceLab.colourTextByModel';
export const CLEAR_COLOURING_COMMAND = 'sequenceLab.clearModelColouring';
const EDIT_DEBOUNCE_MS = 300;
const SCROLL_COALESCE_MS = 50;
const TRAINING_REFRESH_MS = 5000;
const REQUEST_TIMEOUT_MS = 30_000;

interface Colouring {
  runId: string;
  runLabel: string;
  modelLabel: string;
  quantity: TextQuantity;
  scored?: { version: number; window: InferenceWindow; result: TextInference };
  /** The request in flight (its answer is taken only while this is still the colouring's pending request). */
  pending?: { version: number; window: InferenceWindow };
  /** Asked again while a request was in flight. */
  again: boolean;
  lastRequestAt: number;
}

/** The newest run of this window on `document` (its stored data file, else its file name), not failed. */
export function runForDocument(service: TrainingService, persistence: RunPersistence | undefined, document: vscode.TextDocument): RunRecord | undefined {
  const uri = document.uri.toString();
  const label = documentLabel(document);
  const runs = service.list().filter((r) => r.info.status !== 'failed').reverse();
  return (
    runs.find((r) => persistence?.storedRunOf(r.info.id)?.dataUri === uri) ??
    runs.find((r) => !persistence?.storedRunOf(r.info.id) && r.info.fileLabel === label)
  );
}

/**
 * The document's length in UTF-16 units, without reading its text: every scroll asks, and a whole-document
 * getText() per scroll copies megabytes for a number the last line's end gives.
 */
function documentLength(document: vscode.TextDocument): number {
  return document.lineCount === 0 ? 0 : document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}

function offsetRange(document: vscode.TextDocument, from: number, to: number): vscode.Range {
  return new vscode.Range(document.positionAt(from), document.positionAt(to));
}

/**
 * wordAlignedWindow over the only text it can look at: its edges move at most MAX_WORD_EXTENSION units, so the
 * slice from that far (and one more, for the space test) before the warm-up to as far after the end is enough.
 */
function documentWordWindow(document: vscode.TextDocument, window: InferenceWindow, length: number): InferenceWindow {
  const base = Math.max(0, window.sliceStart - MAX_WORD_EXTENSION - 1);
  const end = Math.min(length, window.to + MAX_WORD_EXTENSION + 1);
  const text = document.getText(offsetRange(document, base, end));
  const aligned = wordAlignedWindow(text, { sliceStart: window.sliceStart - base, from: window.from - base, to: window.to - base });
  return { sliceStart: aligned.sliceStart + base, from: aligned.from + base, to: aligned.to + base };
}

export class ModelColouring extends Disposable {
  private readonly colourings = new Map<string, Colouring>();
  private readonly types: vscode.TextEditorDecorationType[];
  private readonly unknownType: vscode.TextEditorDecorationType;
  private readonly status: vscode.StatusBarItem;
  private readonly scrollTimers = new Map<vscode.TextEditor, ReturnType<typeof setTimeout>>();
  private readonly editTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly refreshTimer: ReturnType<typeof setInterval>;
  /** A tagged run's colouring (predicted tags), with its own decorations. */
  private readonly tagged: TaggedColouring;
  private readonly watched = new vscode.EventEmitter<{ runId: string; uri: vscode.Uri }>();
  /** A run's colouring started on a document (the gradient diagnostics follow it). */
  readonly onDidColour = this.watched.event;

  constructor(private readonly service: TrainingService, private readonly persistence: RunPersistence | undefined) {
    super();
    this.types = SLOTS.map((slot) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(slotColour(slot)),
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.unknownType = vscode.window.createTextEditorDecorationType({
      textDecoration: 'underline wavy',
      borderColor: new vscode.ThemeColor('editorWarning.foreground'),
      border: '0 0 1px 0',
    });
    this.status = vscode.window.createStatusBarItem('sequenceLab.modelColouring', vscode.StatusBarAlignment.Left, 48);
    this.status.name = vscode.l10n.t('Sequence Lab Model Colouring');
    this.status.command = CLEAR_COLOURING_COMMAND;
    this.refreshTimer = setInterval(() => this.refreshWhileTraining(), TRAINING_REFRESH_MS);
    this.tagged = new TaggedColouring(service, CLEAR_COLOURING_COMMAND);
    this._register(this.tagged);
    for (const item of this.types) this._register(item);
    this._register(this.unknownType);
    this._register(this.status);
    this._register(this.watched);
    this._register(vscode.commands.registerCommand(COLOUR_TEXT_COMMAND, (arg?: unknown) => this.colour(arg)));
    this._register(vscode.commands.registerCommand(CLEAR_COLOURING_COMMAND, () => this.clear()));
    this._register(vscode.languages.registerHoverProvider('*', { provideHover: (d, p) => this.hover(d, p) }));
    this._register(vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.scheduleScroll(e.textEditor)));
    this._register(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.scheduleScroll(e))));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.refreshStatus()));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && this.colourings.has(e.document.uri.toString())) this.scheduleEdit(e.document);
    }));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.colourings.delete(d.uri.toString())));
  }

  private async colour(arg?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: open the file a model was trained on, then colour it by the model.'));
      return;
    }
    const document = editor.document;
    const run = runForDocument(this.service, this.persistence, document);
    if (!run) {
      const label = documentLabel(document);
      const stored = this.persistence?.store.list().some((r) => r.dataUri === document.uri.toString());
      if (stored) {
        const show = vscode.l10n.t('Show Runs');
        const choice = await vscode.window.showErrorMessage(
          vscode.l10n.t('Sequence Lab: the runs on {0} are stored but not loaded. In the Runs view, right-click one → Resume (then Pause), and colour again.', label),
          show,
        );
        if (choice === show) void vscode.commands.executeCommand('sequenceLab.runs.focus');
      } else {
        void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: no model was trained on {0} in this window. Run "Sequence Lab: Train Model on Active File…" first.', label));
      }
      return;
    }
    const { cell, layers, hiddenSize } = run.info.config;
    const modelLabel = run.info.modelLabel;
    const runLabel = vscode.l10n.t('{0} on {1}', modelLabel, run.info.fileLabel);
    if (run.info.config.dataKind === 'tagged') {
      // A tagger colours its tokens by the tags it predicts (taggedColouring.ts); nothing to pick.
      this.colourings.delete(document.uri.toString());
      this.undecorate(editor);
      this.tagged.colour(editor, run, runLabel);
      void vscode.commands.executeCommand('setContext', 'sequenceLab.modelColouringShown', true);
      this.refreshStatus();
      return;
    }
    const quantity = quantityArgument(arg, cell, layers, hiddenSize) ?? (await pickQuantity(cell, layers, hiddenSize, runLabel));
    if (!quantity) return;
    const key = document.uri.toString();
    if (this.tagged.has(document)) this.tagged.remove(document);
    this.colourings.set(key, { runId: run.info.id, runLabel, modelLabel, quantity, again: false, lastRequestAt: 0 });
    void vscode.commands.executeCommand('setContext', 'sequenceLab.modelColouringShown', true);
    this.watched.fire({ runId: run.info.id, uri: document.uri });
    this.request(editor);
    this.refreshStatus();
  }

  private clear(): void {
    this.colourings.clear();
    this.tagged.clear();
    void vscode.commands.executeCommand('setContext', 'sequenceLab.modelColouringShown', false);
    for (const editor of vscode.window.visibleTextEditors) this.undecorate(editor);
    this.refreshStatus();
  }

  /** Asks the worker for the window `editor` shows (plus margin), or queues it behind the request in flight. */
  private request(editor: vscode.TextEditor): void {
    const document = editor.document;
    const colouring = this.colourings.get(document.uri.toString());
    if (!colouring) return;
    // A request with no answer after REQUEST_TIMEOUT_MS (the worker was restarted) no longer blocks the next one.
    if (colouring.pending && Date.now() - colouring.lastRequestAt < REQUEST_TIMEOUT_MS) {
      colouring.again = true;
      return;
    }
    const length = documentLength(document);
    const run = this.service.get(colouring.runId);
    const words = run?.info.config.dataKind === 'words';
    const limit = run ? scoredLimit(run.info.config.cell, run.info.config.layers, run.info.config.hiddenSize, words ? (run.info.vocabSize ?? 0) : undefined) : undefined;
    const wanted = windowFor(expandedVisibleOffsets(editor), length, limit);
    if (!wanted) return;
    // A word run reads whole words: the window does not start or end inside one.
    const window = words ? documentWordWindow(document, wanted, length) : wanted;
    const text = document.getText(offsetRange(document, window.sliceStart, window.to));
    let warmup = window.from - window.sliceStart;
    // Never split a surrogate pair: the scored part starts on a whole character.
    const c = text.charCodeAt(warmup);
    if (warmup > 0 && c >= 0xdc00 && c <= 0xdfff) {
      warmup -= 1;
      window.from -= 1;
    }
    if (text.length === 0) return;
    colouring.again = false;
    colouring.lastRequestAt = Date.now();
    const answer = this.service.inferText(colouring.runId, { text, warmup, quantity: colouring.quantity });
    if (!answer) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab: {0} has no model to read the text with yet (it is starting or failed).', colouring.runLabel));
      return;
    }
    const pending = { version: document.version, window };
    colouring.pending = pending;
    const key = document.uri.toString();
    answer.then(
      (result) => this.answered(key, colouring, pending, { result }),
      (error: Error) => {
        // The worker was shut down with the extension: nobody is left to tell.
        if (!(error instanceof WorkerShutDown)) this.answered(key, colouring, pending, { error: error.message });
      },
    );
  }

  private answered(key: string, colouring: Colouring, pending: NonNullable<Colouring['pending']>, answer: { result: TextInference } | { error: string }): void {
    // A colouring cleared meanwhile, or a request given up on (timed out and asked again), drops its answer.
    if (this.colourings.get(key) !== colouring || colouring.pending !== pending) return;
    colouring.pending = undefined;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if ('error' in answer) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot colour the text by {0}: {1}', colouring.runLabel, answer.error));
      this.colourings.delete(key);
      for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === key) this.undecorate(editor);
      this.refreshStatus();
      return;
    }
    if (!document) return;
    if (document.version === pending.version) {
      colouring.scored = { version: pending.version, window: pending.window, result: answer.result };
      for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.decorate(editor);
      this.refreshStatus();
    } else colouring.again = true;
    if (colouring.again) {
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
      if (editor) this.request(editor);
    }
  }

  private scheduleScroll(editor: vscode.TextEditor): void {
    if (!this.colourings.has(editor.document.uri.toString()) || this.scrollTimers.has(editor)) return;
    this.scrollTimers.set(
      editor,
      setTimeout(() => {
        this.scrollTimers.delete(editor);
        this.decorate(editor);
      }, SCROLL_COALESCE_MS),
    );
  }

  /** An edit: the decorations move with the text meanwhile; 300 ms after the last keystroke the model reads it again. */
  private scheduleEdit(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const old = this.editTimers.get(key);
    if (old) clearTimeout(old);
    this.editTimers.set(
      key,
      setTimeout(() => {
        this.editTimers.delete(key);
        const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
        if (editor) this.request(editor);
      }, EDIT_DEBOUNCE_MS),
    );
  }

  /** While the run trains, its weights change: read the visible text again every few seconds. */
  private refreshWhileTraining(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const colouring = this.colourings.get(editor.document.uri.toString());
      const run = colouring && this.service.get(colouring.runId);
      if (run && isActive(run.info) && run.info.status === 'training' && !colouring.pending) this.request(editor);
    }
  }

  private undecorate(editor: vscode.TextEditor): void {
    for (const type of this.types) editor.setDecorations(type, []);
    editor.setDecorations(this.unknownType, []);
  }

  private decorate(editor: vscode.TextEditor): void {
    const document = editor.document;
    const colouring = this.colourings.get(document.uri.toString());
    if (!colouring) return this.undecorate(editor);
    const wanted = expandedVisibleOffsets(editor);
    const scored = colouring.scored;
    const length = documentLength(document);
    if (!scored || scored.version !== document.version || !covers(scored.window, wanted, length)) this.request(editor);
    if (!scored || scored.version !== document.version) return; // keep what is drawn: VS Code moves it with the edits
    const { result, window } = scored;
    const scale = scaleOf(colouring.quantity);
    // Only the text the decorations can touch: the wanted ranges within the scored window, and one unit past them
    // (is the next unit the second half of a surrogate pair?).
    const lo = wanted.length === 0 ? 0 : Math.min(length, Math.max(window.from, wanted[0][0]));
    const hi = wanted.length === 0 ? 0 : Math.max(lo, Math.min(length, window.to + 1, wanted[wanted.length - 1][1] + 1));
    const text = hi > lo ? document.getText(offsetRange(document, lo, hi)) : '';
    const lowSurrogate = (offset: number) => {
      const c = text.charCodeAt(offset - lo);
      return c >= 0xdc00 && c <= 0xdfff;
    };
    const perSlot: vscode.Range[][] = SLOTS.map(() => []);
    const unknown: vscode.Range[] = [];
    const range = (a: number, b: number) => new vscode.Range(document.positionAt(a), document.positionAt(b));
    visibleRuns(result.value, window.from, wanted, scale, lowSurrogate).forEach((runs, slot) => {
      for (const [a, b] of runs) perSlot[slot].push(range(a, b));
    });
    if (result.tokenStarts && result.tokenEnds) {
      const spans = { tokenStarts: result.tokenStarts, tokenEnds: result.tokenEnds };
      for (const [a, b] of unknownWordRanges(spans, result.unknown, window.from, wanted)) unknown.push(range(a, b));
    } else {
      for (const [from, to] of wanted) {
        for (let offset = Math.max(from, window.from); offset < Math.min(to, window.to); offset++) {
          if (result.unknown[offset - window.from]) unknown.push(range(offset, offset + (lowSurrogate(offset + 1) ? 2 : 1)));
        }
      }
    }
    this.types.forEach((type, slot) => editor.setDecorations(type, perSlot[slot]));
    editor.setDecorations(this.unknownType, unknown);
  }

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const colouring = this.colourings.get(document.uri.toString());
    const scored = colouring?.scored;
    if (!colouring || !scored || scored.version !== document.version) return undefined;
    let offset = document.offsetAt(position);
    const { window, result } = scored;
    if (offset < window.from || offset >= window.to) return undefined;
    if (result.tokenStarts && result.tokenEnds) {
      // A word run: the hover is the word's, over the whole word.
      const spans = { tokenStarts: result.tokenStarts, tokenEnds: result.tokenEnds };
      const t = wordStepAt(spans, offset - window.from);
      if (t < 0) return undefined;
      const start = window.from + spans.tokenStarts[t];
      const end = window.from + spans.tokenEnds[t];
      const word = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));
      const markdown = new vscode.MarkdownString(hoverMarkdown(result, spans.tokenStarts[t], word, colouring.quantity, colouring.runLabel));
      return new vscode.Hover(markdown, new vscode.Range(document.positionAt(start), document.positionAt(end)));
    }
    // On the second half of a surrogate pair, the character is the pair.
    const code = document.getText(new vscode.Range(document.positionAt(offset), document.positionAt(offset + 1))).charCodeAt(0);
    if (code >= 0xdc00 && code <= 0xdfff && offset > window.from) offset -= 1;
    const cp = document.getText(new vscode.Range(document.positionAt(offset), document.positionAt(offset + 2))).codePointAt(0);
    if (cp === undefined) return undefined;
    const character = String.fromCodePoint(cp);
    const markdown = new vscode.MarkdownString(hoverMarkdown(result, offset - window.from, character, colouring.quantity, colouring.runLabel));
    return new vscode.Hover(markdown, new vscode.Range(document.positionAt(offset), document.positionAt(offset + character.length)));
  }

  private refreshStatus(): void {
    const document = vscode.window.activeTextEditor?.document;
    const colouring = document ? this.colourings.get(document.uri.toString()) : undefined;
    if (!colouring) {
      this.status.hide();
      return;
    }
    const result = colouring.scored?.result;
    let bits = '';
    if (result?.tokenStarts && result.tokenEnds) {
      const perWord = bitsPerWord({ tokenStarts: result.tokenStarts, tokenEnds: result.tokenEnds }, result.surprisal);
      if (Number.isFinite(perWord)) bits = vscode.l10n.t(' · {0} bits/word in view', perWord.toFixed(2));
    } else if (result) {
      let sum = 0;
      let n = 0;
      for (const s of result.surprisal) {
        if (!Number.isFinite(s)) continue;
        sum += s;
        n++;
      }
      if (n > 0) bits = vscode.l10n.t(' · {0} bits/char in view', (sum / n).toFixed(2));
    }
    this.status.text = `$(symbol-color) ${colouring.modelLabel}: ${quantityShort(colouring.quantity)}${bits}`;
    this.status.tooltip = legendText(colouring.quantity, result?.layers ?? 1, colouring.runLabel);
    this.status.show();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearInterval(this.refreshTimer);
    for (const timer of [...this.scrollTimers.values(), ...this.editTimers.values()]) clearTimeout(timer);
    super.dispose();
  }
}
