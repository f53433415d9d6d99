// The training status-bar item (src/statusBar.ts) against a stand-in `vscode`: while a run trains it says step, loss
// and chars/s and a click runs "Show Training Panel"; paused, it says so; with no active run it hides. The context
// keys for `when` clauses are sent to the workbench only when they change: a run's progress batches (several a
// second) once each sent all four, a round trip each, which with the batches of a fast run kept the workbench busy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunRecord, TrainingService } from '../../src/training/trainingService';
import { FakeEventEmitter, installFakeVscode, l10nFormat, uninstallFakeVscode } from './fakeVscode';

const contextCalls: [string, unknown][] = [];
const item = { text: '', tooltip: '', name: '', command: '', visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
const fakeVscode = {
  l10n: { t: l10nFormat },
  StatusBarAlignment: { Left: 1, Right: 2 },
  Disposable: { from: (...d: { dispose(): void }[]) => ({ dispose: () => d.forEach((x) => x.dispose()) }) },
  window: { createStatusBarItem: () => item },
  commands: {
    executeCommand: async (command: string, key: string, value: unknown) => {
      if (command === 'setContext') contextCalls.push([key, value]);
    },
  },
};

let trackTrainingState: typeof import('../../src/statusBar').trackTrainingState;
before(async () => {
  installFakeVscode(fakeVscode);
  ({ trackTrainingState } = await import('../../src/statusBar'));
});
after(() => uninstallFakeVscode());

test('the status bar follows a run (step, loss, chars/s; paused; hidden once stopped) and sends each context key only when it changes', () => {
  const changed = new FakeEventEmitter<RunRecord>();
  const progress = new FakeEventEmitter<unknown>();
  const history = { steps: 0, lastLoss: undefined as number | undefined, charsPerSecond: 0 };
  const run = {
    info: { status: 'training', config: { steps: 1_000_000 }, modelLabel: 'char RNN · tanh · H=24', fileLabel: 'verse.txt' },
    history,
  } as unknown as RunRecord;
  let runs: RunRecord[] = [run];
  const active = () => runs.find((r) => r.info.status === 'training' || r.info.status === 'paused');
  const service = {
    activeRun: active,
    list: () => runs,
    onDidChangeRun: changed.event,
    onDidProgress: progress.event,
  } as unknown as TrainingService;

  const tracking = trackTrainingState(service);
  assert.equal(item.command, 'sequenceLab.showTrainingPanel', 'a click opens the Training panel');
  for (let step = 1; step <= 200; step++) {
    Object.assign(history, { steps: step * 50, lastLoss: 3 / step, charsPerSecond: 123_456 });
    progress.fire({});
  }
  assert.ok(item.visible);
  assert.equal(item.text, '$(pulse) Sequence Lab · step 10000/1000000 · loss 0.015 · 123.5k chars/s');
  assert.equal(item.tooltip, 'Training char RNN · tanh · H=24 on verse.txt. Click to show the Training panel.');
  assert.deepEqual(contextCalls, [
    ['sequenceLab.training', true], ['sequenceLab.trainingRunning', true], ['sequenceLab.trainingPaused', false], ['sequenceLab.hasRuns', true],
  ], '200 progress batches: each key sent once');

  (run.info as { status: string }).status = 'paused';
  changed.fire(run);
  assert.equal(item.text, '$(debug-pause) Sequence Lab · step 10000/1000000 · loss 0.015 · paused');
  assert.deepEqual(contextCalls.slice(4), [['sequenceLab.trainingRunning', false], ['sequenceLab.trainingPaused', true]]);

  (run.info as { status: string }).status = 'stopped';
  changed.fire(run);
  assert.equal(item.visible, false, 'hidden with no run training or paused');
  assert.deepEqual(contextCalls.slice(6), [['sequenceLab.training', false], ['sequenceLab.trainingPaused', false]]);
  // A run that blew up (the NaN/Inf e2e's, paused at a loss of ~7.5e8): the loss as the Training panel shows it.
  (run.info as { status: string }).status = 'paused';
  history.lastLoss = 751_057_408;
  changed.fire(run);
  assert.equal(item.text, '$(debug-pause) Sequence Lab · step 10000/1000000 · loss 7.51e+8 · paused');
  (run.info as { status: string }).status = 'stopped';
  changed.fire(run);
  contextCalls.splice(8); // that pause and stop set training and trainingPaused as above
  runs = [];
  changed.fire(run);
  assert.deepEqual(contextCalls.slice(8), [['sequenceLab.hasRuns', false]]);
  tracking.dispose();
});
