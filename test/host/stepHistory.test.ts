// A run's step history on the host is bounded by a count of steps (not by time or bytes): however long a run, it keeps
// at most `capacity` steps, the most recent ones, numbered as the run numbers them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepBatch } from '../../src/shared/run';
import { StepHistory } from '../../src/training/stepHistory';

/** A batch of steps first … first + n − 1 whose loss is the step number (so any step can be checked). */
function batch(first: number, n: number): StepBatch {
  const losses = Float32Array.from({ length: n }, (_, i) => first + i);
  return { firstStep: first, losses, gradNorms: losses.map((l) => l / 2), clipped: Uint8Array.from(losses, (l) => l % 3 === 0 ? 1 : 0), charsPerSecond: first };
}

test('a long run keeps at most `capacity` steps, the most recent, with their step numbers', () => {
  const capacity = 1000;
  const history = new StepHistory(capacity);
  let step = 1;
  // Batches of every size, including ones larger than the capacity; 200 000 steps in all.
  for (const size of [1, 7, 100, 999, 1000, 1001, 3500]) {
    for (let repeat = 0; repeat < 20 && step <= 200_000; repeat++) {
      history.append(batch(step, size));
      step += size;
      assert.ok(history.retained <= capacity, `${history.retained} steps kept after step ${step - 1}`);
      assert.equal(history.steps, step - 1, 'every step counted');
      assert.equal(history.lastLoss, step - 1);
      const all = history.snapshot();
      assert.equal(all.firstStep + all.losses.length - 1, step - 1, 'the kept steps end at the last one');
      // Step numbers and values line up: the loss of step s is s.
      assert.equal(all.losses[0], all.firstStep);
      assert.equal(all.gradNorms.at(-1), (step - 1) / 2);
      assert.equal(all.clipped.at(-1), (step - 1) % 3 === 0 ? 1 : 0);
    }
  }
  assert.ok(history.steps > 10 * capacity);
  assert.ok(history.retained >= capacity * 0.75, `still ${history.retained} recent steps to draw`);
});

test('a run resumed from a checkpoint numbers its kept steps from there', () => {
  const history = new StepHistory(16);
  history.startAt(500);
  history.append(batch(501, 10));
  history.append(batch(511, 10));
  const all = history.snapshot();
  assert.equal(history.steps, 520);
  assert.equal(all.firstStep + all.losses.length - 1, 520);
  assert.equal(all.losses[0], all.firstStep);
  assert.ok(all.losses.length <= 16);
});
