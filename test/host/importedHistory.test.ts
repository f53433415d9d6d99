// train.py's run history back in VS Code (src/training/importedHistory.ts and RunPersistence.importHistory, used by
// Open PyTorch Model…): metrics.jsonl is read line by line with every value checked (the file is untrusted), a line a
// crash cut short is dropped, anything else bad refuses the file naming the line; an accepted history becomes a
// stopped run of its own, thinned to the store's limit, whose steps continue the run it came from — and Compare Runs
// shows the two on one step axis.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { HostToComparePanel } from '../../src/shared/protocol/comparePanel';
import { consecutiveSegments, parseRunHistory } from '../../src/training/importedHistory';
import { RunStore } from '../../src/training/runStore';
import { FakeEventEmitter as EventEmitter, FakeWebviewPanel, installFakeVscode, l10nFormat, uninstallFakeVscode } from './fakeVscode';

const line = (step: number, loss: number, gradNorm = 0.5): string => JSON.stringify({ step, loss, gradNorm });

test('parseRunHistory reads train.py\'s lines and refuses what is not a history, naming the line', () => {
  const good = [line(4, 3.2), line(5, 3.1, 0.25), line(6, 3.0)].join('\n') + '\n';
  assert.deepEqual(parseRunHistory(good), { lines: [{ step: 4, loss: 3.2, gradNorm: 0.5 }, { step: 5, loss: 3.1, gradNorm: 0.25 }, { step: 6, loss: 3, gradNorm: 0.5 }] });
  // A crash mid-append leaves half a line at the end: the whole lines before it are the history.
  const cut = parseRunHistory(good + '{"step": 7, "lo');
  assert.ok('lines' in cut);
  assert.deepEqual(cut.lines.map((m) => m.step), [4, 5, 6]);
  // Extra fields (the CLI's metrics.jsonl has epoch, tokens…) are ignored.
  assert.ok('lines' in parseRunHistory('{"step":1,"epoch":0,"loss":2,"tokens":8,"gradNorm":1,"clipped":false}\n'));

  const refused: [string, RegExp][] = [
    ['', /^it has no training steps\.$/],
    ['\n\n', /^it has no training steps\.$/],
    [`${line(1, 2)}\nnot json\n${line(2, 2)}\n`, /^line 2 is not JSON\.$/],
    ['[1, 2]\n', /^line 1 is not a \{"step", "loss", "gradNorm"\} object\.$/],
    ['{"step": 1.5, "loss": 2, "gradNorm": 1}\n', /^line 1 has no step number/],
    ['{"step": 0, "loss": 2, "gradNorm": 1}\n', /^line 1 has no step number/],
    ['{"step": 3, "loss": null, "gradNorm": 1}\n', /^line 1 \(step 3\) has no finite loss ≥ 0\.$/],
    ['{"step": 3, "loss": -1, "gradNorm": 1}\n', /^line 1 \(step 3\) has no finite loss/],
    ['{"step": 3, "loss": "2", "gradNorm": 1}\n', /^line 1 \(step 3\) has no finite loss/],
    ['{"step": 3, "loss": 2}\n', /^line 1 \(step 3\) has no finite gradNorm ≥ 0\.$/],
    ['{"step": 3, "loss": 2, "gradNorm": 1e999}\n', /^line 1 \(step 3\) has no finite gradNorm/],
    [`${line(3, 2)}\n${line(3, 2)}\n`, /^line 2 goes back to step 3 after step 3\.$/],
    [`${line(5, 2)}\n${line(2, 2)}\n`, /^line 2 goes back to step 2 after step 5\.$/],
    ['\u0000\u0001binary\u00ff\n', /^line 1 is not JSON\.$/],
  ];
  for (const [text, message] of refused) {
    const r = parseRunHistory(text);
    assert.ok('error' in r, JSON.stringify(text));
    assert.match(r.error, message, JSON.stringify(text));
  }
  // NaN as Python's json.dumps writes it is not JSON (train.py writes null instead; either way it is refused).
  const nan = parseRunHistory(`${line(1, 2)}\n{"step": 2, "loss": NaN, "gradNorm": 1}\n${line(3, 2)}\n`);
  assert.ok('error' in nan && /^line 2 is not JSON\.$/.test(nan.error));
});

test('consecutiveSegments splits a history where steps jump', () => {
  const lines = [1, 2, 3, 7, 8, 10].map((step) => ({ step, loss: step, gradNorm: 1 }));
  assert.deepEqual(consecutiveSegments(lines).map((s) => [s.firstStep, s.losses]), [[1, [1, 2, 3]], [7, [7, 8]], [10, [10]]]);
});

// ── RunPersistence.importHistory with the real RunStore, and Compare Runs showing both parts ──

class FakePanel extends FakeWebviewPanel {}
const panels: FakePanel[] = [];
const fakeVscode = {
  EventEmitter,
  ThemeIcon: class { constructor(readonly id: string, readonly color?: unknown) {} },
  ThemeColor: class { constructor(readonly id: string) {} },
  ViewColumn: { Beside: -2 },
  Uri: { joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/'), toString: () => [base.path, ...parts].join('/') }) },
  window: {
    createWebviewPanel: () => {
      const panel = new FakePanel();
      panels.push(panel);
      return panel;
    },
    activeTextEditor: undefined,
    visibleTextEditors: [],
    showErrorMessage: async () => undefined,
    showInformationMessage: async () => undefined,
  },
  workspace: { textDocuments: [] },
  l10n: { t: l10nFormat },
};

before(() => installFakeVscode(fakeVscode));
after(() => uninstallFakeVscode());

function fakeService() {
  const changed = new EventEmitter<unknown>();
  const progressed = new EventEmitter<unknown>();
  return { onDidChangeRun: changed.event, onDidProgress: progressed.event, list: () => [], get: () => undefined };
}

test('an imported history is a stopped run of its own, thinned to the store\'s limit, continuing the VS Code run\'s steps on Compare Runs', async () => {
  const { RunPersistence } = await import('../../src/training/runPersistence');
  const { CompareRunsPanel } = await import('../../src/panels/comparePanel');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-imported-history-'));
  const store = new RunStore(root, { maxMetricLines: 64 });
  const service = fakeService();
  const persistence = new RunPersistence(store, service as never);
  let changes = 0;
  persistence.onDidChange(() => changes++);

  // The run trained in VS Code: 300 steps, exported at its checkpoint.
  const config = { ...DEFAULT_CONFIG, cell: 'lstm' as const, hiddenSize: 16 };
  store.create({ id: 'run-local', dataUri: 'file:///w/verse.txt', dataLabel: 'verse.txt', dataSha256: 'ab'.repeat(32), modelLabel: 'char LSTM · H=16', config, status: 'stopped' });
  store.appendMetrics('run-local', 1, Array.from({ length: 300 }, (_, i) => 3 - i / 300), Array.from({ length: 300 }, () => 1));
  store.update('run-local', { step: 300, lastLoss: 2 });

  // train.py continued it for 5,000 updates on 2 processes: steps 301 … 5300.
  const text = Array.from({ length: 5000 }, (_, i) => line(301 + i, 2 - i / 10000, 0.4)).join('\n') + '\n';
  const parsed = parseRunHistory(text);
  assert.ok('lines' in parsed);
  const data = { uri: { toString: () => 'file:///w/verse.txt' }, label: 'verse.txt', text: 'the verse' };
  const imported = persistence.importHistory(data as never, config, 'char LSTM · H=16 · train.py', parsed.lines, 'History of train.py, steps 301–5300, imported with model.safetensors.');
  assert.equal(changes, 1, 'the Runs view is told');

  const stored = store.get(imported.id)!;
  assert.equal(stored.status, 'stopped');
  assert.equal(stored.step, 5300);
  assert.equal(stored.lastLoss, parsed.lines.at(-1)!.loss);
  assert.equal(stored.checkpointStep, undefined, 'a history, not a checkpoint');
  assert.equal(stored.dataUri, 'file:///w/verse.txt');
  // On disk (read again by a fresh store, as after a reload): at most the limit, spread over 301 … 5300, means kept.
  const reread = new RunStore(root).readMetrics(imported.id);
  assert.ok(reread.length <= 64 && reread.length >= 32, `${reread.length} lines`);
  assert.ok(reread[0].step > 300 && reread.at(-1)!.step <= 5300 && reread.at(-1)!.step > 5300 - 5000 / 32, `${reread[0].step} … ${reread.at(-1)!.step}`);
  for (const m of reread) assert.ok(m.loss < 2 && m.loss > 1.49 && Math.abs(m.gradNorm - 0.4) < 1e-6, JSON.stringify(m));

  // Compare Runs: the local part ends where the imported part begins.
  CompareRunsPanel.show({ path: '/ext' } as never, service as never, persistence, ['run-local', imported.id]);
  const shown = panels.at(-1)!.posted.at(-1) as Extract<HostToComparePanel, { type: 'showComparison' }>;
  assert.equal(shown.type, 'showComparison');
  const [local, grown] = shown.runs;
  assert.deepEqual([local.id, grown.id], ['run-local', imported.id]);
  assert.equal(local.step, 300);
  assert.equal(grown.step, 5300);
  assert.equal(local.curve.steps.at(-1), 300);
  assert.ok(grown.curve.steps[0] > 300, `the imported curve starts after step 300, at ${grown.curve.steps[0]}`);
});
