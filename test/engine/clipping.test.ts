import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipGradients, globalNorm } from '../../src/engine/clipping';

test('global norm is the L2 norm of the whole buffer', () => {
  assert.equal(globalNorm(Float64Array.from([3, 4])), 5);
  assert.equal(globalNorm(Float64Array.from([1, 2, 2, 0, -4])), 5);
  assert.equal(globalNorm(new Float64Array(3)), 0);
});

test('a gradient longer than maxNorm is scaled to length maxNorm, direction kept', () => {
  const g = Float64Array.from([3, 0, -4, 12]); // norm 13
  const { norm, clipped } = clipGradients(g, 2.6);
  assert.equal(norm, 13);
  assert.equal(clipped, true);
  assert.ok(Math.abs(globalNorm(g) - 2.6) < 1e-12);
  const f = 2.6 / 13;
  [3, 0, -4, 12].forEach((v, i) => assert.ok(Math.abs(g[i] - v * f) < 1e-15));
});

test('a gradient within maxNorm, or maxNorm = 0, is left alone', () => {
  const g = Float64Array.from([3, 4]);
  assert.deepEqual(clipGradients(g, 5), { norm: 5, clipped: false });
  assert.deepEqual(g, Float64Array.from([3, 4]));
  const big = Float64Array.from([300, 400]);
  assert.deepEqual(clipGradients(big, 0), { norm: 500, clipped: false });
  assert.deepEqual(big, Float64Array.from([300, 400]));
});
