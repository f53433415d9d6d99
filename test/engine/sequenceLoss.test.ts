import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lossAndOutputGradient } from '../../src/engine/sequenceLoss';

test('cross-entropy: mean over steps, gradient (softmax − onehot) / T, finite for huge logits', () => {
  const o = Float64Array.from([0, 0, 0, 1000, -1000, 0]);
  const loss = lossAndOutputGradient(o, 2, 3, { kind: 'cross-entropy', targets: Int32Array.from([2, 1]) });
  // step 0: log 3; step 1: −log softmax = 2000 (up to e^-1000)
  assert.ok(Math.abs(loss - (Math.log(3) + 2000) / 2) < 1e-12, `loss ${loss}`);
  const third = 1 / 6;
  assert.deepEqual([...o].map((x) => Math.round(x * 1e12) / 1e12), [third, third, third - 0.5, 0.5, -0.5, 0].map((x) => Math.round(x * 1e12) / 1e12));
});

test('mean squared error: mean over steps and outputs, gradient 2 (o − target) / (T·K)', () => {
  const o = Float64Array.from([1, 2, 3, 4]);
  const loss = lossAndOutputGradient(o, 2, 2, { kind: 'mse', targets: Float64Array.from([0, 2, 3, 6]) });
  assert.equal(loss, (1 + 0 + 0 + 4) / 4);
  assert.deepEqual(o, Float64Array.from([0.5, 0, 0, -1]));
});

test('a refused target leaves the outputs unchanged', () => {
  const o = Float64Array.from([1, 2, 3, 4]);
  assert.throws(() => lossAndOutputGradient(o, 2, 2, { kind: 'cross-entropy', targets: Int32Array.from([0, 2]) }), /target 2 at step 1/);
  assert.deepEqual(o, Float64Array.from([1, 2, 3, 4]));
});
