// The Training panel's model: fed the host's messages, saved and restored (no DOM).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunInfo, StepBatch } from '../../src/shared/run';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { parseTemperature } from '../../webview/training/format';
import { TrainingModel } from '../../webview/training/trainingModel';

const RUN: RunInfo = { id: 'r1', fileLabel: 'a.txt', modelLabel: 'char RNN', config: DEFAULT_CONFIG, status: 'training' };

function batch(firstStep: number, losses: number[]): StepBatch {
  return {
    firstStep,
    losses: Float32Array.from(losses),
    gradNorms: Float32Array.from(losses, () => 1),
    clipped: new Uint8Array(losses.length),
    charsPerSecond: 1000,
  };
}

test('tracks step, first and last loss, and a smoothed loss between them', () => {
  const m = new TrainingModel();
  m.showRun(RUN, batch(1, [4, 3.5, 3]));
  m.appendSteps(batch(4, [2.5, 2]));
  assert.equal(m.step, 5);
  assert.equal(m.firstLoss, 4);
  assert.equal(m.lastLoss, 2);
  const smoothed = m.smoothedLoss ?? NaN;
  assert.ok(smoothed > 2 && smoothed < 4, `smoothed ${smoothed}`);
});

test('skips steps it already has (progress overlapping the showRun history)', () => {
  const m = new TrainingModel();
  m.showRun(RUN, batch(1, [4, 3]));
  m.appendSteps(batch(2, [3, 2.9]));
  assert.equal(m.step, 3);
  assert.equal(m.steps.total, 3);
});

test('showRun starts over; a status for another run is ignored', () => {
  const m = new TrainingModel();
  m.showRun(RUN, batch(1, [4, 3]));
  m.showSample({ step: 2, temperature: 1, text: 'hi' });
  m.showRun({ ...RUN, id: 'r2' }, batch(1, [5]));
  assert.equal(m.step, 1);
  assert.equal(m.sample, undefined);
  m.updateRun({ ...RUN, status: 'stopped' });
  assert.equal(m.run?.id, 'r2');
  assert.equal(m.run?.status, 'training');
});

test('restores what it saved (as JSON), and refuses junk', () => {
  const m = new TrainingModel();
  m.showRun(RUN, batch(1, Array.from({ length: 5000 }, (_, i) => 4 - i / 2000)));
  m.showSample({ step: 5000, temperature: 0.8, text: 'to be' });
  const restored = new TrainingModel();
  assert.equal(restored.restore(JSON.parse(JSON.stringify(m.save()))), true);
  assert.equal(restored.step, 5000);
  assert.equal(restored.sample?.text, 'to be');
  assert.ok(Math.abs((restored.smoothedLoss ?? 0) - (m.smoothedLoss ?? 1)) < 1e-9);
  assert.ok(JSON.stringify(m.save()).length < 200_000, 'saved state stays compact');
  assert.equal(new TrainingModel().restore({ version: 2 }), false);
  assert.equal(new TrainingModel().restore(null), false);
});

test('parseTemperature accepts numbers in [0.01, 10] only', () => {
  assert.equal(parseTemperature(' 0.8 '), 0.8);
  assert.equal(parseTemperature('.5'), 0.5);
  for (const bad of ['', 'abc', '0', '11', '-1', '1e3', '1.2.3']) assert.equal(parseTemperature(bad), undefined, bad);
});
