// The gradient lab's trained-weights mode on small models: every ‖∂L_T/∂h_t‖ and ‖∂L_T/∂c_t‖ it reports is the norm
// of a gradient that central finite differences of L_T (restarting the model from a perturbed state) reproduce,
// component by component, for one-hot and embedded input; the linear curve is (W_hhᵀ)ᵈ applied to ∂L/∂h_{T−1}; and
// models the lab does not read are refused with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LstmCell } from '../../src/engine/cells/lstmCell';
import { EngineInputError } from '../../src/engine/errors';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { largestSingularValue, spectralRadius } from '../../src/engine/spectral';
import { trainedLab, trainedLossFromState, trainedModelGradients } from '../../src/engine/trainedGradients';

const V = 5;
const ids = Int32Array.from({ length: 40 }, (_, i) => (i * 7 + (i >> 2)) % V);

function stack(cell: 'rnn_tanh' | 'lstm', seed: number, embedding?: number, H = 4): RecurrentStack {
  return new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: 1, bidirectional: false, outputSize: V, maxSteps: 30, ...(embedding ? { embedding } : {}) }, new Prng(seed));
}

/** Central differences of L_T along each unit of the state after step t (h; or c, with h = o ⊙ tanh(c) following it). */
function numericGradient(s: RecurrentStack, steps: number, t: number, which: 'h' | 'c'): Float64Array {
  const H = s.config.hiddenSize;
  s.forward({ ids: ids.subarray(0, steps) });
  const cell = s.cells[0];
  const h = cell.hs.slice((t + 1) * H, (t + 2) * H);
  const lstm = s.config.cell === 'lstm' ? (cell as LstmCell) : undefined;
  const c = lstm?.cs.slice((t + 1) * H, (t + 2) * H);
  const o = lstm?.gateValues.slice(t * 4 * H + 3 * H, t * 4 * H + 4 * H);
  const eps = 1e-6;
  const g = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const loss = (sign: number): number => {
      const h2 = h.slice();
      const c2 = c?.slice();
      if (which === 'h') h2[j] += sign * eps;
      else {
        c2![j] += sign * eps;
        h2[j] = o![j] * Math.tanh(c2![j]);
      }
      return trainedLossFromState(s, ids, steps, t, h2, c2);
    };
    g[j] = (loss(1) - loss(-1)) / (2 * eps);
  }
  return g;
}

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

test('trained mode: ∂L_T/∂h_t (RNN, LSTM) and ∂L_T/∂c_t (LSTM) equal central finite differences, one-hot and embedded input', () => {
  const steps = 14;
  for (const embedding of [undefined, 3]) {
    for (const [cell, seed] of [['rnn_tanh', 3], ['lstm', 4]] as const) {
      const s = stack(cell, seed, embedding);
      // (1e-9 absolute: the differences' rounding floor, ε·L_T / 1e-6 ≈ 2e-10.)
      // Weights away from the initial ones, as after training: a larger W_hh, and a forget bias for the LSTM.
      const Whh = s.param('rnn.weight_hh_l0');
      for (let i = 0; i < Whh.length; i++) Whh[i] *= 2.5;
      const r = trainedModelGradients(s, ids, steps);
      const H = s.config.hiddenSize;
      for (const t of [0, 5, steps - 2, steps - 1]) {
        const checks: ['h' | 'c', Float64Array, number][] = [['h', r.hiddenRows.slice(t * H, (t + 1) * H), r.hidden[t]]];
        if (cell === 'lstm') checks.push(['c', r.cellRows!.slice(t * H, (t + 1) * H), r.cell![t]]);
        for (const [which, analytic, reported] of checks) {
          assert.ok(reported > 0, `${cell} ${which} t=${t} is zero`);
          assert.ok(Math.abs(norm(analytic) - reported) <= 1e-12 * reported, 'the reported norm is the gradient\'s');
          const numeric = numericGradient(s, steps, t, which);
          for (let j = 0; j < H; j++) {
            assert.ok(Math.abs(analytic[j] - numeric[j]) <= 1e-6 * reported + 1e-9, `${cell} emb=${embedding} ∂L/∂${which} t=${t} unit ${j}: ${analytic[j]} vs ${numeric[j]}`);
          }
        }
      }
    }
  }
});

test('trained mode: both models on the same ids; the linear curve is (W_hhᵀ)ᵈ ∂L/∂h_{T−1}; ρ and σ_max are the trained W_hh\'s', () => {
  const rnn = stack('rnn_tanh', 8, undefined, 6);
  const lstm = stack('lstm', 9, undefined, 6);
  const steps = 20;
  const r = trainedLab(rnn, ids, lstm, ids, steps);
  const alone = trainedModelGradients(stack('rnn_tanh', 8, undefined, 6), ids, steps);
  assert.deepEqual(r.rnnHidden, alone.hidden);
  assert.equal(r.lstmCell.length, steps);
  const H = 6;
  const W = rnn.param('rnn.weight_hh_l0');
  // Recompute (W_hhᵀ)ᵈ g by explicit matrix powers for d = 3.
  let g = Array.from(alone.hiddenRows.subarray((steps - 1) * H));
  for (let d = 0; d < 3; d++) g = Array.from({ length: H }, (_, j) => g.reduce((s, gk, k) => s + W[k * H + j] * gk, 0));
  assert.ok(Math.abs(r.linearHidden[steps - 4] - norm(g)) <= 1e-12 * norm(g));
  assert.equal(r.spectralRadius, spectralRadius(W, H));
  assert.equal(r.largestSingularValue, largestSingularValue(W, H, H));
  assert.ok(r.meanForgetGate > 0 && r.meanForgetGate < 1);
});

test('trained mode refuses models it does not read, and lengths it cannot run, with a message', () => {
  const gru = new RecurrentStack({ cell: 'gru', inputSize: V, hiddenSize: 4, layers: 1, bidirectional: false, outputSize: V, maxSteps: 30 }, new Prng(1));
  assert.throws(() => trainedModelGradients(gru, ids, 10), (e: Error) => e instanceof EngineInputError && /tanh RNN with an LSTM/.test(e.message));
  const deep = new RecurrentStack({ cell: 'lstm', inputSize: V, hiddenSize: 4, layers: 2, bidirectional: false, outputSize: V, maxSteps: 30 }, new Prng(1));
  assert.throws(() => trainedModelGradients(deep, ids, 10), /one-layer/);
  assert.throws(() => trainedModelGradients(stack('lstm', 1), ids, 31), /sequence length/);
  assert.throws(() => trainedLab(stack('lstm', 1), ids, stack('lstm', 2), ids, 10), /tanh RNN/);
});
