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

function makeModel(): { model: CharRnn; hPrev: Float64Array } {
  const rng = new Prng(7);
  const model = new CharRnn(V, H, L, rng);
  // Larger weights than the default init make the tanh non-linearity and the recurrence matter.
  for (let i = 0; i < model.params.length; i++) model.params[i] = rng.uniform(-1, 1);
  const hPrev = Float64Array.from({ length: H }, () => rng.uniform(-0.9, 0.9));
  return { model, hPrev };
}

test('analytic gradient matches central differences for every parameter (rel. error < 1e-6)', () => {
  const { model, hPrev } = makeModel();
  const { loss } = model.forwardBackward(inputs, targets, hPrev);
  assert.ok(loss > 0 && Number.isFinite(loss));
  const analytic = model.grads.slice();
  const eps = 1e-5;
  let checked = 0;
  let worst = 0;
  for (const t of model.tensors) {
    for (let n = 0; n < t.rows * t.cols; n++) {
      const i = t.offset + n;
      const saved = model.params[i];
      model.params[i] = saved + eps;
      const plus = model.forwardBackward(inputs, targets, hPrev).loss;
      model.params[i] = saved - eps;
      const minus = model.forwardBackward(inputs, targets, hPrev).loss;
      model.params[i] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i];
      if (Math.abs(a) < 1e-10 && Math.abs(numeric) < 1e-10) continue;
      const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), 1e-300);
      worst = Math.max(worst, rel);
      assert.ok(rel < 1e-6, `${t.name}[${Math.floor(n / t.cols)},${n % t.cols}]: analytic ${a} vs numeric ${numeric} (rel ${rel})`);
      checked++;
    }
  }
  assert.equal(checked, model.parameterCount, 'every entry has a non-zero gradient and was compared');
  assert.ok(worst > 0, 'the comparison is not vacuous');
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
