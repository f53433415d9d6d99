// The LSTM cell path Gradient Flow draws: the trace's ‖∂L/∂c_t‖ against central finite differences of the window's
// loss in c_t (h_t = o_t ⊙ tanh(c_t) and the rest of the window recomputed), and the carousel's Jacobian
// ‖∂c_T/∂c_{T−n}‖ = max_j ∏ f against the product of the traced forget gates, shut at bias 0 and open at bias 3.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { traceWindow } from '../../src/engine/traces';
import { lstmCellPath } from '../../src/worker/windowGradients';

const V = 5;
const T = 8;
const H = 4;
const ids = Int32Array.from([0, 3, 1, 4, 2, 2, 0, 1, 3]);

function lstm(forgetBias = 0): RecurrentStack {
  const s = new RecurrentStack({ cell: 'lstm', inputSize: V, hiddenSize: H, layers: 1, bidirectional: false, outputSize: V, maxSteps: T }, new Prng(11));
  for (const t of s.tensors) if (t.name.startsWith('rnn.weight_hh')) s.param(t.name).forEach((v, i, a) => (a[i] = 2 * v));
  const b = s.param('rnn.bias_ih_l0');
  for (let j = 0; j < H; j++) b[H + j] += forgetBias;
  return s;
}

/** ℓ = −log softmax(W h + b)[target]. */
function headLoss(model: RecurrentStack, h: Float64Array, target: number): number {
  const W = model.param('head.weight');
  const b = model.param('head.bias');
  const z = Array.from({ length: V }, (_, k) => b[k] + h.reduce((s, hj, j) => s + W[k * H + j] * hj, 0));
  const max = Math.max(...z);
  return max + Math.log(z.reduce((s, zk) => s + Math.exp(zk - max), 0)) - z[target];
}

test('‖∂L/∂c_t‖ of the trace equals central finite differences of the window loss in c_t', () => {
  const model = lstm();
  const tr = traceWindow(model, { ids: ids.subarray(0, T) }, { kind: 'cross-entropy', targets: ids.subarray(1, T + 1) }, { jacobian: false });
  const probe = new RecurrentStack({ ...model.config, maxSteps: T });
  probe.params.set(model.params);
  const eps = 1e-6;
  for (let t = 0; t < T; t++) {
    const c = tr.cell!.data.slice(t * H, (t + 1) * H);
    const o = tr.gates.data.slice(t * 4 * H + 3 * H, t * 4 * H + 4 * H);
    // The part of L = (1/T) Σ_s ℓ_s that depends on c_t: ℓ_t through h_t, and the steps after t rerun from (h_t, c_t).
    const loss = (cc: Float64Array): number => {
      const h = Float64Array.from(cc, (v, j) => o[j] * Math.tanh(v));
      let sum = headLoss(model, h, ids[t + 1]);
      const n = T - 1 - t;
      if (n > 0) sum += n * probe.forwardBackwardNextToken(ids.subarray(t + 1, T + 1), h, cc.slice());
      return sum / T;
    };
    let squared = 0;
    for (let j = 0; j < H; j++) {
      const plus = c.slice();
      const minus = c.slice();
      plus[j] += eps;
      minus[j] -= eps;
      const g = (loss(plus) - loss(minus)) / (2 * eps);
      squared += g * g;
    }
    const fd = Math.sqrt(squared);
    const traced = tr.cellGradNorm!.data[t];
    assert.ok(Math.abs(traced - fd) <= 1e-6 * fd + 1e-9, `t=${t}: traced ${traced} vs finite differences ${fd}`);
  }
});

test('the carousel Jacobian ‖∂c_T/∂c_{T−n}‖ is the largest unit\'s product of forget gates, and open gates keep it', () => {
  for (const bias of [0, 3]) {
    const model = lstm(bias);
    const tr = traceWindow(model, { ids: ids.subarray(0, T) }, { kind: 'cross-entropy', targets: ids.subarray(1, T + 1) }, { jacobian: false });
    const path = lstmCellPath(tr.gates.data, tr.cellGradNorm!.data, T, H, tr.gateNames);
    assert.equal(path.cellPath!.length, T - 1);
    const f = (t: number, j: number) => tr.gates.data[(t * 4 + 1) * H + j];
    // Along c alone, c_{s} = f_s c_{s−1} + i_s g_s: a perturbation of c_{T−1−n} reaches c_{T−1} scaled by ∏ f.
    for (let n = 1; n < T; n++) {
      let largest = 0;
      for (let j = 0; j < H; j++) {
        let p = 1;
        for (let s = T - n; s < T; s++) p *= f(s, j);
        largest = Math.max(largest, p);
      }
      assert.ok(Math.abs(path.cellPath![n - 1] - largest) <= 1e-6 * largest, `n=${n}`);
    }
    let mean = 0;
    for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) mean += f(t, j) / (T * H);
    assert.ok(Math.abs(path.meanForgetGate! - mean) < 1e-12);
    if (bias === 3) assert.ok(path.cellPath![T - 2] > 0.5, `forget bias 3 keeps the cell path open: ${path.cellPath![T - 2]}`);
    else assert.ok(path.cellPath![T - 2] < 0.1, `forget bias 0 halves it per step: ${path.cellPath![T - 2]}`);
  }
  assert.deepEqual(lstmCellPath(new Float64Array(8), new Float64Array(2), 2, 2, ['h']), {}, 'no cell path for a tanh RNN');
});
