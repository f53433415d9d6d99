import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam } from '../../src/engine/adam';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('Adam, first step: bias correction makes the update α·g/(|g|+ε), i.e. about α·sign(g)', () => {
  const params = Float64Array.from([1, -2, 0.5]);
  const adam = new Adam(3, { learningRate: 0.01 });
  adam.step(params, Float64Array.from([0.1, -0.3, 0]));
  // m̂ = g, v̂ = g², so θ ← θ − 0.01 · g / (|g| + 1e-8)
  close(params[0], 1 - (0.01 * 0.1) / (0.1 + 1e-8));
  close(params[1], -2 + (0.01 * 0.3) / (0.3 + 1e-8));
  assert.equal(params[2], 0.5); // zero gradient: no move
  assert.equal(adam.stepCount, 1);
});

test('Adam, second step against values computed by hand (β1 0.9, β2 0.999, ε 1e-8)', () => {
  const params = Float64Array.from([1, -2, 0.5]);
  const adam = new Adam(3, { learningRate: 0.01 });
  adam.step(params, Float64Array.from([0.1, -0.3, 0]));
  adam.step(params, Float64Array.from([0.2, 0.05, -1]));
  // θ0: m = 0.9·0.01 + 0.1·0.2 = 0.029, v = 0.999·1e-5 + 0.001·0.04 = 4.999e-5,
  //     m̂ = 0.029/0.19, v̂ = 4.999e-5/0.001999, θ0 = 0.99000000099999 − 0.01·m̂/(√v̂ + 1e-8) = 0.98034818135...
  close(params[0], 0.9803481813521252);
  close(params[1], -1.984614625064521);
  close(params[2], 0.5074413681304593);
});
