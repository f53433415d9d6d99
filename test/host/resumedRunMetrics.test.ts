// A run resumed from its checkpoint trains the steps after the checkpoint again (src/training/runStore.ts
// dropMetricsAfter, called by runPersistence when a resumed run continues a stored one): its stored curve must not run
// past the checkpoint and then jump back, and what the resumed run trains replaces the lost steps.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { RunStore } from '../../src/training/runStore';

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-resumed-metrics-'));
}

test('resuming from a checkpoint drops the steps after it, and the resumed steps follow on in order', () => {
  const root = tempRoot();
  const before = new RunStore(root, { maxMetricLines: 1000 });
  before.create({
    id: 'run-a', dataUri: 'file:///w/verse.txt', dataLabel: 'verse.txt', dataSha256: 'ab'.repeat(32),
    modelLabel: 'char RNN · tanh · H=16', config: DEFAULT_CONFIG, status: 'training',
  });
  // Steps 1…300 at loss 3, a checkpoint at 240, then the window closes while step 300 trains.
  before.appendMetrics('run-a', 1, new Array(300).fill(3), new Array(300).fill(1));
  before.saveCheckpoint('run-a', 240, Uint8Array.of(1), Uint8Array.of(2));

  const after = new RunStore(root, { maxMetricLines: 1000 });
  const stored = after.get('run-a')!;
  assert.equal(stored.status, 'interrupted');
  assert.equal(after.readMetrics('run-a').at(-1)?.step, 300, 'the interrupted run keeps the steps it trained');

  // Resume: steps 241… are trained again, at loss 2 this time.
  after.dropMetricsAfter('run-a', stored.checkpointStep!);
  after.appendMetrics('run-a', 241, new Array(100).fill(2), new Array(100).fill(1));
  const steps = after.readMetrics('run-a').map((m) => m.step);
  for (let i = 1; i < steps.length; i++) assert.ok(steps[i] > steps[i - 1], `step ${steps[i]} after step ${steps[i - 1]}`);
  assert.equal(steps.at(-1), 340);
  const loss = new Map(after.readMetrics('run-a').map((m) => [m.step, m.loss]));
  assert.equal(loss.get(240), 3, 'the steps up to the checkpoint stay');
  assert.equal(loss.get(241), 2, 'step 241 is the resumed run\'s');
  assert.equal(loss.get(300), 2, 'step 300 is the resumed run\'s, not the lost one');

  // A third store on the folder (another reload) reads the same curve.
  assert.deepEqual(new RunStore(root).readMetrics('run-a').map((m) => m.step), steps);
});

test('dropping after the last step keeps every line', () => {
  const store = new RunStore(tempRoot());
  store.create({
    id: 'run-b', dataUri: 'file:///w/verse.txt', dataLabel: 'verse.txt', dataSha256: 'ab'.repeat(32),
    modelLabel: 'char RNN · tanh · H=16', config: DEFAULT_CONFIG, status: 'stopped',
  });
  store.appendMetrics('run-b', 1, [3, 2.5, 2.2], [1, 1, 1]);
  store.dropMetricsAfter('run-b', 3);
  assert.deepEqual(store.readMetrics('run-b').map((m) => m.step), [1, 2, 3]);
  store.dropMetricsAfter('run-b', 1);
  assert.deepEqual(store.readMetrics('run-b').map((m) => m.step), [1]);
});
