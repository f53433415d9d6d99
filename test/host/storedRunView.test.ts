// What the Training panel is sent for a run no worker holds after a window reload (src/panels/storedRunView.ts),
// built from a real RunStore on a temporary folder, as the host does: the run that was training when the window
// closed comes back interrupted with its curve (metrics.jsonl, compacted to a bounded number of window means) and
// Resume offered from its checkpoint; a run without a checkpoint is read-only without Resume.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { storedRunMessage } from '../../src/panels/storedRunView';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { RunStore } from '../../src/training/runStore';

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-stored-view-'));
}

/** Loss falling from ln 40 towards 1.5, one value per step first…first+n−1. */
function losses(first: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => 1.5 + (Math.log(40) - 1.5) * Math.exp(-(first + i) / 120));
}

test('a run training when the window closed: interrupted, its whole curve (window means), Resume from its checkpoint', () => {
  const root = tempRoot();
  const before = new RunStore(root, { maxMetricLines: 50 });
  before.create({
    id: 'run-live', dataUri: 'file:///w/verse.txt', dataLabel: 'verse.txt', dataSha256: 'cd'.repeat(32),
    modelLabel: 'char GRU · H=32', config: { ...DEFAULT_CONFIG, cell: 'gru', hiddenSize: 32 }, status: 'training', vocabSize: 37,
  });
  const all = losses(1, 400);
  for (let first = 1; first <= 400; first += 40) before.appendMetrics('run-live', first, all.slice(first - 1, first + 39), new Array(40).fill(2));
  before.saveCheckpoint('run-live', 380, Uint8Array.of(1), Uint8Array.of(2));
  before.update('run-live', { step: 400, lastLoss: all[399] });

  // The window reloads: a new store on the same folder.
  const after = new RunStore(root, { maxMetricLines: 50 });
  const stored = after.get('run-live')!;
  const metrics = after.readMetrics('run-live');
  const message = storedRunMessage(stored, metrics, true);

  assert.equal(message.run.status, 'interrupted');
  assert.equal(message.run.fileLabel, 'verse.txt');
  assert.equal(message.run.modelLabel, 'char GRU · H=32');
  assert.equal(message.run.vocabSize, 37);
  // The checkpoint named once: run.json's message says it, the note does not repeat it.
  assert.equal(message.run.message, 'The window closed while it was training (step 400). It can resume from the checkpoint of step 380. Shown from the stored run (read-only).');
  assert.equal(message.resumable, true);

  // The curve: every stored line, bounded (compacted to ≤ 50), spread over all 400 steps, each a mean of its window.
  const { steps, losses: curve } = message.metrics;
  assert.equal(steps.length, metrics.length);
  assert.ok(steps.length <= 50 && steps.length >= 25, `${steps.length} points`);
  assert.equal(steps[steps.length - 1], 400);
  const stride = steps[1] - steps[0];
  for (let i = 0; i < steps.length; i++) {
    const window = all.slice(steps[i] - stride, steps[i]);
    const mean = window.reduce((a, b) => a + b, 0) / window.length;
    assert.ok(Math.abs(curve[i] - mean) < 1e-4, `step ${steps[i]}: ${curve[i]} vs mean ${mean}`);
  }
  assert.ok(curve[curve.length - 1] < curve[0], 'the loss falls');
});

test('a stopped run without a checkpoint, or a service that cannot resume, gets no Resume', () => {
  const store = new RunStore(tempRoot());
  store.create({
    id: 'run-old', dataUri: 'file:///w/verse.txt', dataLabel: 'verse.txt', dataSha256: 'cd'.repeat(32),
    modelLabel: 'char RNN · tanh · H=16', config: DEFAULT_CONFIG, status: 'stopped',
  });
  store.appendMetrics('run-old', 1, [3, 2.5, 2.2], [1, 1, 1]);
  const message = storedRunMessage(store.get('run-old')!, store.readMetrics('run-old'), true);
  assert.equal(message.resumable, false);
  assert.equal(message.run.message, 'Shown from the stored run (read-only); it has no checkpoint to resume from.');
  assert.deepEqual([...message.metrics.steps], [1, 2, 3]);
  assert.deepEqual([...message.metrics.losses], [3, 2.5, 2.2].map(Math.fround));

  store.saveCheckpoint('run-old', 3, Uint8Array.of(1));
  assert.equal(storedRunMessage(store.get('run-old')!, store.readMetrics('run-old'), true).resumable, true);
  assert.equal(storedRunMessage(store.get('run-old')!, store.readMetrics('run-old'), false).resumable, false);
});

test('held-out scores are stored beside the metrics (bounded, dropped after a resumed checkpoint) and sent with the stored run; a run stored before them shows without', () => {
  const root = tempRoot();
  const store = new RunStore(root, { maxMetricLines: 20 });
  const heldOut = { description: 'the last 10% of the characters', trainCount: 899, heldOutCount: 100, stepsPerEpoch: 28 };
  store.create({
    id: 'run-held', dataUri: 'file:///w/verse.txt', dataLabel: 'verse.txt', dataSha256: 'ab'.repeat(32),
    modelLabel: 'char LSTM · H=32', config: { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 32 }, status: 'training', heldOut,
  });
  store.appendMetrics('run-held', 1, losses(1, 100), new Array(100).fill(1));
  for (let step = 0; step <= 100; step += 2) store.appendHeldOut('run-held', { step, loss: 3 - step / 100, count: 100 });
  const points = store.readHeldOut('run-held');
  assert.ok(points.length <= 21, `bounded: ${points.length} lines`);
  assert.equal(points[0].step, 0, 'the first score is kept');
  assert.equal(points.at(-1)!.step, 100, 'the newest score is kept');
  assert.ok(points.every((p, i) => i === 0 || p.step > points[i - 1].step), 'in step order');

  // Resumed from the checkpoint of step 60: its later scores go, as its metrics do.
  store.dropMetricsAfter('run-held', 60);
  assert.equal(store.readHeldOut('run-held').at(-1)!.step <= 60, true);

  const reloaded = new RunStore(root, { maxMetricLines: 20 });
  const message = storedRunMessage(reloaded.get('run-held')!, reloaded.readMetrics('run-held'), true, reloaded.readHeldOut('run-held'));
  assert.deepEqual(message.run.heldOut, heldOut);
  assert.ok(message.heldOut && message.heldOut.steps.length > 0);
  assert.equal(message.heldOut.losses[0], 3);

  // A run stored before held-out loss: no heldout.jsonl, no heldOut in run.json — its curves show as they did.
  store.create({
    id: 'run-old', dataUri: 'file:///w/verse.txt', dataLabel: 'verse.txt', dataSha256: 'ab'.repeat(32),
    modelLabel: 'char RNN · H=32', config: DEFAULT_CONFIG, status: 'completed',
  });
  store.appendMetrics('run-old', 1, losses(1, 10), new Array(10).fill(1));
  const old = storedRunMessage(store.get('run-old')!, store.readMetrics('run-old'), true, store.readHeldOut('run-old'));
  assert.equal(old.heldOut, undefined);
  assert.equal(old.run.heldOut, undefined);
  assert.equal(old.metrics.steps.length, 10);
});
