// Finite-difference check of EVERY parameter entry of CharRnn: ∂loss/∂θ_i ≈ (loss(θ_i + ε) − loss(θ_i − ε)) / 2ε.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CharRnn } from '../../src/engine/charRnn';
import { Prng } from '../../src/engine/prng';

const V = 5;
const H = 4;
const L = 6;
// Every character occurs as an input, so every column of W_xh gets a non-zero gradient.
const inputs = Int32Array.from([0, 1, 2, 3, 4, 2]);
const targets = Int32Array.from([1, 2, 3, 4, 2, 0]);

function makeModel(v = V, h = H, l = L, seed = 7): { model: CharRnn; hPrev: Float64Array } {
  const rng = new Prng(seed);
  const model = new CharRnn(v, h, l, rng);
  // Larger weights than the default init make the tanh non-linearity and the recurrence matter.
  for (let i = 0; i < model.params.length; i++) model.params[i] = rng.uniform(-1, 1);
  const hPrev = Float64Array.from({ length: h }, () => rng.uniform(-0.9, 0.9));
  return { model, hPrev };
}

/**
 * Compares every analytic gradient entry with central differences; returns the number of entries compared.
 * Rounding limits the finite difference to about 1e-16·loss/ε ≈ 1e-11 absolute, so a relative error below 1e-6
 * is only attainable for entries larger than ~1e-5: the fixed seeds below give gradients that are all ≥ 3e-4
 * (checked by the assertion on the smallest one), none that happen to pass near zero.
 */
function checkAllEntries(model: CharRnn, xs: Int32Array, ys: Int32Array, hPrev: Float64Array): number {
  const { loss } = model.forwardBackward(xs, ys, hPrev);
  assert.ok(loss > 0 && Number.isFinite(loss));
  const analytic = model.grads.slice();
  assert.ok(analytic.every((g) => Math.abs(g) > 1e-4), 'the setup has no near-zero gradient entries');
  const eps = 1e-5;
  let checked = 0;
  for (const t of model.tensors) {
    for (let n = 0; n < t.rows * t.cols; n++) {
      const i = t.offset + n;
      const saved = model.params[i];
      model.params[i] = saved + eps;
      const plus = model.forwardBackward(xs, ys, hPrev).loss;
      model.params[i] = saved - eps;
      const minus = model.forwardBackward(xs, ys, hPrev).loss;
      model.params[i] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i];
      if (Math.abs(a) < 1e-10 && Math.abs(numeric) < 1e-10) continue;
      const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), 1e-300);
      assert.ok(rel < 1e-6, `${t.name}[${Math.floor(n / t.cols)},${n % t.cols}]: analytic ${a} vs numeric ${numeric} (rel ${rel})`);
      checked++;
    }
  }
  return checked;
}

test('analytic gradient matches central differences for every parameter (V=5, H=4, L=6; rel. error < 1e-6)', () => {
  const { model, hPrev } = makeModel();
  assert.equal(checkAllEntries(model, inputs, targets, hPrev), model.parameterCount, 'every entry non-zero and compared');
});

test('gradient check with sizes that are not multiples of 4 (V=6, H=7, L=9: every kernel remainder path)', () => {
  const { model, hPrev } = makeModel(6, 7, 9, 7);
  const xs = Int32Array.from([0, 1, 2, 3, 4, 5, 2, 4, 1]);
  const ys = Int32Array.from([1, 2, 3, 4, 5, 2, 4, 1, 0]);
  assert.equal(checkAllEntries(model, xs, ys, hPrev), model.parameterCount);
  // A chunk shorter than the buffers were sized for works too.
  assert.equal(checkAllEntries(model, xs.subarray(0, 7), ys.subarray(0, 7), hPrev), model.parameterCount);
});

test('forwardBackward overwrites (does not accumulate) the gradient and leaves parameters alone', () => {
  const { model, hPrev } = makeModel();
  const before = model.params.slice();
  model.forwardBackward(inputs, targets, hPrev);
  const first = model.grads.slice();
  model.forwardBackward(inputs, targets, hPrev);
  assert.deepEqual(model.grads, first);
  assert.deepEqual(model.params, before);
});

test('loss of a zero model is log V per character, and hLast is h_L', () => {
  const model = new CharRnn(V, H, L);
  const { loss, hLast } = model.forwardBackward(inputs, targets, new Float64Array(H));
  assert.ok(Math.abs(loss - Math.log(V)) < 1e-15);
  assert.deepEqual(hLast, new Float64Array(H));
  model.b_h.fill(0.5);
  const r = model.forwardBackward(inputs, targets, new Float64Array(H));
  assert.ok(r.hLast.every((x) => Math.abs(x - Math.tanh(0.5)) < 1e-15));
});

test('stable softmax: huge logits give a finite loss', () => {
  const model = new CharRnn(3, 2, 2);
  model.b_y.set([1000, -1000, 0]);
  const { loss } = model.forwardBackward(Int32Array.from([0, 1]), Int32Array.from([0, 1]), new Float64Array(2));
  assert.ok(Number.isFinite(loss));
  assert.ok(Math.abs(loss - 1000) < 1e-9, `loss ${loss}`); // (0 + 2000) / 2
});

test('parameter layout: named views share the flat buffer in order W_xh, W_hh, b_h, W_hy, b_y', () => {
  const model = new CharRnn(V, H, L);
  assert.deepEqual(
    model.tensors.map((t) => [t.name, t.offset, t.rows, t.cols]),
    [['W_xh', 0, 4, 5], ['W_hh', 20, 4, 4], ['b_h', 36, 4, 1], ['W_hy', 40, 5, 4], ['b_y', 60, 5, 1]],
  );
  assert.equal(model.parameterCount, 65);
  model.param('W_hh')[1] = 3;
  assert.equal(model.params[21], 3);
  assert.equal(model.W_hh[1], 3);
});
