// Finite-difference check of RecurrentStack: every parameter entry, every entry of h0 (and c0) and of a dense input,
// for a GRU and an LSTM of 2 layers, bidirectional. ∂L/∂θ_i ≈ (L(θ_i + ε) − L(θ_i − ε)) / 2ε in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack, type LossTarget, type StackInput } from '../../src/engine/recurrentStack';

const EPS = 1e-5;
/**
 * Central differences have truncation error O(ε²)·L''' ≈ 1e-10 and rounding error ≈ 1e-16·L/ε ≈ 1e-11, absolute.
 * So an entry passes when |analytic − numeric| ≤ 1e-6 · max(|analytic|, |numeric|) + 1e-9: relative for every entry
 * above ~1e-3, absolute below (where the finite difference itself has no more correct digits).
 */
const REL = 1e-6;
const ABS = 1e-9;

/** Compares ∂L/∂v[i] with central differences for every i; `analytic` was taken at the unperturbed point. */
function checkEntries(what: string, v: Float64Array, analytic: Float64Array, loss: () => number): number {
  let compared = 0;
  for (let i = 0; i < v.length; i++) {
    const saved = v[i];
    v[i] = saved + EPS;
    const plus = loss();
    v[i] = saved - EPS;
    const minus = loss();
    v[i] = saved;
    const numeric = (plus - minus) / (2 * EPS);
    const a = analytic[i];
    const err = Math.abs(a - numeric);
    assert.ok(err <= REL * Math.max(Math.abs(a), Math.abs(numeric)) + ABS, `${what}[${i}]: analytic ${a} vs numeric ${numeric} (error ${err})`);
    compared++;
  }
  return compared;
}

function gradientCheck(cell: CellKind, embedding: number | undefined, dense: boolean): void {
  const V = 5;
  const H = 3;
  const T = 6;
  const rng = new Prng(cell === 'gru' ? 21 : 22);
  const outputSize = dense ? 2 : V;
  const stack = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: 2, bidirectional: true, outputSize, embedding, maxSteps: T }, rng);
  // Weights of up to ±0.9 drive the gates away from their linear middle, so the non-linearities matter.
  for (let i = 0; i < stack.params.length; i++) stack.params[i] = rng.uniform(-0.9, 0.9);
  const states = 2 * 2 * H;
  const h0 = Float64Array.from({ length: states }, () => rng.uniform(-0.8, 0.8));
  const c0 = cell === 'lstm' ? Float64Array.from({ length: states }, () => rng.uniform(-0.8, 0.8)) : undefined;
  const x = Float64Array.from({ length: T * V }, () => rng.uniform(-1, 1));
  const input: StackInput = dense ? { x, steps: T } : { ids: Int32Array.from([0, 3, 1, 4, 2, 3]) };
  const target: LossTarget = dense
    ? { kind: 'mse', targets: Float64Array.from({ length: T * outputSize }, () => rng.uniform(-1, 1)) }
    : { kind: 'cross-entropy', targets: Int32Array.from([3, 1, 4, 2, 3, 0]) };
  const loss = (): number => {
    stack.forward(input, h0, c0);
    return stack.backward(target);
  };

  assert.ok(Number.isFinite(loss()));
  const grads = stack.grads.slice();
  const dh0 = stack.dh0.slice();
  const dc0 = stack.dc0.slice();
  const dx = stack.inputGradient.slice(0, T * V);
  // A check over near-zero gradients proves nothing: most entries must be large enough for the relative test.
  const large = grads.filter((g) => Math.abs(g) > 1e-4).length;
  assert.ok(large > 0.9 * grads.length, `${large} of ${grads.length} gradient entries above 1e-4`);

  assert.equal(checkEntries('params', stack.params, grads, loss), stack.parameterCount);
  checkEntries('h0', h0, dh0, loss);
  if (c0) checkEntries('c0', c0, dc0, loss);
  if (dense) checkEntries('x', x, dx, loss);
}

test('GRU, 2 layers bidirectional, embedding input, cross-entropy: every gradient entry against central differences', () => {
  gradientCheck('gru', 3, false);
});

test('GRU, 2 layers bidirectional, dense input, MSE: every parameter, h0 and x entry', () => {
  gradientCheck('gru', undefined, true);
});

test('LSTM, 2 layers bidirectional, one-hot input, cross-entropy: every parameter, h0 and c0 entry', () => {
  gradientCheck('lstm', undefined, false);
});

test('LSTM, 2 layers bidirectional, embedding input, cross-entropy: every parameter, h0 and c0 entry', () => {
  gradientCheck('lstm', 4, false);
});
