// Traces: ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ against an independent computation (the stack's own ∂L/∂h0 when the suffix of the
// window is rerun from h_t), the Jacobian product norms against finite differences, shapes, bounds and spectra.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GruCell } from '../../src/engine/cells/gruCell';
import type { LstmCell } from '../../src/engine/cells/lstmCell';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { EngineInputError } from '../../src/engine/errors';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { largestSingularValue, spectralRadius } from '../../src/engine/spectral';
import { traceData, traceWindow } from '../../src/engine/traces';

const V = 5;
const T = 7;
const ids = Int32Array.from([0, 3, 1, 4, 2, 2, 0, 1]);

function makeStack(cell: CellKind, H: number, extra: { layers?: number; bidirectional?: boolean } = {}): RecurrentStack {
  const s = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: extra.layers ?? 1, bidirectional: extra.bidirectional ?? false, outputSize: V, maxSteps: T }, new Prng(5));
  // Larger recurrent weights than the default make the Jacobians and gradients less trivial.
  for (const t of s.tensors) if (t.name.startsWith('rnn.weight_hh')) s.param(t.name).forEach((v, i, a) => (a[i] = 2.5 * v));
  return s;
}

for (const cell of ['rnn_tanh', 'gru', 'lstm'] as CellKind[]) {
  test(`${cell}: ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) equal the suffix rerun’s ∂L/∂h0 plus the direct term`, () => {
    const H = 4;
    const model = makeStack(cell, H);
    const input = { ids: ids.subarray(0, T) };
    const target = { kind: 'cross-entropy' as const, targets: ids.subarray(1, T + 1) };
    const tr = traceWindow(model, input, target, { jacobian: false });
    const hs = tr.hidden.data;
    const cs = tr.cell?.data;
    // Direct term: ∂ℓ_t/∂h_t / T = W_headᵀ (softmax − onehot) / T.
    const headW = model.param('head.weight');
    const probe = new RecurrentStack({ ...model.config, maxSteps: T });
    probe.params.set(model.params);
    for (let t = 0; t < T; t++) {
      const g = new Float64Array(H);
      for (let k = 0; k < V; k++) {
        const delta = (tr.probabilities.data[t * V + k] - (k === ids[t + 1] ? 1 : 0)) / T;
        for (let j = 0; j < H; j++) g[j] += headW[k * H + j] * delta;
      }
      const gc = new Float64Array(H);
      if (t < T - 1) {
        const n = T - 1 - t;
        const h0 = hs.slice(t * H, t * H + H);
        const c0 = cs ? cs.slice(t * H, t * H + H) : undefined;
        probe.forwardBackwardNextToken(ids.subarray(t + 1, T + 1), h0, c0);
        for (let j = 0; j < H; j++) g[j] += (probe.dh0[j] * n) / T;
        if (cs) for (let j = 0; j < H; j++) gc[j] = (probe.dc0[j] * n) / T;
      }
      const norm = Math.hypot(...g);
      assert.ok(Math.abs(tr.hiddenGradNorm!.data[t] - norm) <= 1e-12 * norm + 1e-15, `t=${t}: ${tr.hiddenGradNorm!.data[t]} vs ${norm}`);
      if (cs) {
        // ∂L/∂c_t also gets the path through h_t = o tanh(c_t): the suffix run's dc0 covers only c_t → step t + 1.
        const gradH = g;
        let direct = 0;
        const full = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const oj = tr.gates.data[t * 4 * H + 3 * H + j];
          const tc = Math.tanh(cs[t * H + j]);
          full[j] = gc[j] + gradH[j] * oj * (1 - tc * tc);
          direct += full[j] * full[j];
        }
        const cn = Math.sqrt(direct);
        assert.ok(Math.abs(tr.cellGradNorm!.data[t] - cn) <= 1e-12 * cn + 1e-15, `c t=${t}: ${tr.cellGradNorm!.data[t]} vs ${cn}`);
      }
    }
  });

  test(`${cell}: ‖∂h_end/∂h_t‖ matches central differences of a rerun from a perturbed h_t`, () => {
    const H = 3;
    const model = makeStack(cell, H);
    const input = { ids: ids.subarray(0, T) };
    const tr = traceWindow(model, input, null);
    assert.equal(tr.jacobianMethod, 'exact');
    const probe = new RecurrentStack({ ...model.config, maxSteps: T });
    probe.params.set(model.params);
    const eps = 1e-6;
    for (let n = 1; n < T; n++) {
      const t = T - 1 - n;
      const h0 = tr.hidden.data.slice(t * H, t * H + H);
      const c0 = tr.cell ? tr.cell.data.slice(t * H, t * H + H) : undefined;
      const Jm = new Float64Array(H * H);
      for (let j = 0; j < H; j++) {
        const run = (delta: number): Float64Array => {
          const h = Float64Array.from(h0);
          h[j] += delta;
          probe.forward({ ids: ids.subarray(t + 1, T) }, h, c0);
          return Float64Array.from(probe.hN);
        };
        const plus = run(eps);
        const minus = run(-eps);
        for (let i = 0; i < H; i++) Jm[i * H + j] = (plus[i] - minus[i]) / (2 * eps);
      }
      const expected = largestSingularValue(Jm, H, H);
      const got = tr.jacobianNorm!.data[n];
      assert.ok(Math.abs(got - expected) <= 1e-7 * Math.max(expected, 1e-3), `distance ${n}: ${got} vs finite differences ${expected}`);
    }
    assert.equal(tr.jacobianNorm!.data[0], 1);
  });
}

/**
 * ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ per cell c = k·D + d and input time t, by the header's recursions from what a stack keeps
 * after its backward (the gradient from above, δQ, the gates): d_{T−1} = u_{T−1}, d_s = u_s + W_hhᵀ δQ_{s+1}
 * (+ z_{s+1} ⊙ d_{s+1} for the GRU); ∂L/∂c_s = d_s ⊙ o_s ⊙ (1 − tanh² c_s) + f_{s+1} ⊙ ∂L/∂c_{s+1}.
 */
function recursionNorms(stack: RecurrentStack): { h: Float64Array; c: Float64Array | null } {
  const { hiddenSize: H, layers, cell: kind } = stack.config;
  const T = stack.length;
  const D = stack.directions;
  const W = H * D;
  const G = stack.cells[0].gates;
  const hNorm = new Float64Array(layers * D * T);
  const cNorm = kind === 'lstm' ? new Float64Array(layers * D * T) : null;
  for (let k = 0; k < layers; k++) {
    const above = stack.layerOutputGradient(k);
    for (let dir = 0; dir < D; dir++) {
      const c = k * D + dir;
      const cell = stack.cells[c];
      const dQ = cell.hiddenProjectionGradient;
      const whh = stack.param(`rnn.weight_hh_l${k}${dir === 1 ? '_reverse' : ''}`);
      const Z = kind === 'gru' || kind === 'lstm' ? (cell as GruCell | LstmCell).gateValues : null;
      let dNext = new Float64Array(H);
      let dcNext = new Float64Array(H);
      for (let s = T - 1; s >= 0; s--) {
        const t = dir === 1 ? T - 1 - s : s;
        const d = new Float64Array(H);
        for (let j = 0; j < H; j++) d[j] = above[t * W + dir * H + j];
        if (s < T - 1) {
          for (let r = 0; r < G * H; r++) for (let j = 0; j < H; j++) d[j] += whh[r * H + j] * dQ[(s + 1) * G * H + r];
          if (kind === 'gru') for (let j = 0; j < H; j++) d[j] += Z![(s + 1) * G * H + H + j] * dNext[j];
        }
        hNorm[c * T + t] = Math.hypot(...d);
        if (cNorm) {
          const dc = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            const tc = (cell as LstmCell).tanhCs[s * H + j];
            const fNext = s < T - 1 ? Z![(s + 1) * 4 * H + H + j] : 0;
            dc[j] = d[j] * Z![s * 4 * H + 3 * H + j] * (1 - tc * tc) + fNext * dcNext[j];
          }
          cNorm[c * T + t] = Math.hypot(...dc);
          dcNext = dc;
        }
        dNext = d;
      }
    }
  }
  return { h: hNorm, c: cNorm };
}

for (const cell of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'] as CellKind[]) {
  test(`${cell}, 2 layers, bidirectional: the trace's gradient norms, read off the backward pass, follow the recursions per layer, direction and time`, () => {
    const model = makeStack(cell, 6, { layers: 2, bidirectional: true });
    const target = { kind: 'cross-entropy' as const, targets: ids.subarray(1, T + 1) };
    const tr = traceWindow(model, { ids: ids.subarray(0, T) }, target, { jacobian: false, spectra: false });
    const stack = new RecurrentStack({ ...model.config, maxSteps: T });
    stack.params.set(model.params);
    stack.forward({ ids: ids.subarray(0, T) });
    stack.backward(target);
    const want = recursionNorms(stack);
    const close = (got: Float64Array, expected: Float64Array, what: string) => {
      assert.equal(got.length, expected.length);
      for (let i = 0; i < got.length; i++) {
        assert.ok(Math.abs(got[i] - expected[i]) <= 1e-12 * expected[i] + 1e-16, `${what} ${i} (cell ${Math.floor(i / T)}, t ${i % T}): ${got[i]} vs ${expected[i]}`);
      }
    };
    close(tr.hiddenGradNorm!.data, want.h, '‖∂L/∂h‖');
    if (want.c) close(tr.cellGradNorm!.data, want.c, '‖∂L/∂c‖');
    else assert.equal(tr.cellGradNorm, null);
    // The reverse chains' norms are not the forward chains' read backwards (the test would not see a wrong order).
    assert.notDeepEqual([...want.h.subarray(T, 2 * T)], [...want.h.subarray(0, T)].reverse());
  });
}

test('shapes, probabilities, spectra, reverse chains, power iteration for larger H, and the window bound', () => {
  const model = makeStack('lstm', 20, { layers: 2, bidirectional: true });
  const tr = traceWindow(model, { ids: ids.subarray(0, T) }, { kind: 'cross-entropy', targets: ids.subarray(1, T + 1) });
  assert.deepEqual(tr.hidden.shape, [4, T, 20]);
  assert.deepEqual(tr.gates.shape, [4, T, 4, 20]);
  assert.deepEqual(tr.gateNames, ['i', 'f', 'g', 'o']);
  assert.equal(tr.hidden.data.length, 4 * T * 20);
  assert.equal(tr.jacobianMethod, 'power-iteration');
  for (let t = 0; t < T; t++) {
    const sum = tr.probabilities.data.slice(t * V, t * V + V).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-14);
  }
  // The reverse chain of layer 1 at time 0 is its last processing step: its h equals the stack's final state.
  const s = new RecurrentStack({ ...model.config, maxSteps: T });
  s.params.set(model.params);
  s.forward({ ids: ids.subarray(0, T) });
  assert.deepEqual([...tr.hidden.data.slice((3 * T + 0) * 20, (3 * T + 0) * 20 + 20)], [...s.hN.slice(3 * 20, 4 * 20)]);
  const spec = tr.spectra.find((x) => x.name === 'rnn.weight_hh_l1_reverse')!;
  const block = model.param('rnn.weight_hh_l1_reverse').subarray(20 * 20, 2 * 20 * 20);
  assert.equal(spec.spectralRadius[1], spectralRadius(block, 20));
  assert.equal(spec.largestSingularValue[1], largestSingularValue(block, 20, 20));
  // σ_max of the stacked blocks lies between the largest block's and the root of the sum of their squares.
  const blockMax = Math.max(...spec.largestSingularValue);
  assert.ok(spec.largestSingularValueWhole >= blockMax - 1e-12);
  assert.ok(spec.largestSingularValueWhole <= Math.hypot(...spec.largestSingularValue) + 1e-12);
  assert.ok(tr.jacobianNorm!.data.every((x) => Number.isFinite(x) && x >= 0));
  assert.throws(() => traceWindow(model, { ids: new Int32Array(5000) }, null), EngineInputError);
});

test('traceData slices a bounded window of next-token, series and tagged data', () => {
  const model = makeStack('gru', 4);
  const ids2 = Int32Array.from({ length: 10_000 }, (_, i) => (i * 7) % V);
  const tr = traceData(model, { kind: 'next-token', ids: ids2, vocabularySize: V }, 5000, 16);
  assert.deepEqual(tr.hidden.shape, [1, 16, 4]);
  assert.deepEqual([...tr.inputIds!], [...ids2.slice(5000, 5016)]);
  assert.ok(tr.loss! > 0);
  assert.throws(() => traceData(model, { kind: 'next-token', ids: ids2, vocabularySize: V }, 9990, 16), EngineInputError);
  const series = new RecurrentStack({ cell: 'lstm', inputSize: 2, hiddenSize: 3, layers: 1, bidirectional: false, outputSize: 2, maxSteps: 1 }, new Prng(1));
  const rows = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
  const ts = traceData(series, { kind: 'series', rows, length: 20, features: 2 }, 3, 5);
  assert.deepEqual(ts.probabilities.shape, [5, 2]);
  assert.deepEqual(ts.inputRows!.shape, [5, 2]);
  const tagger = makeStack('lstm', 3, { bidirectional: true });
  const tt = traceData(tagger, { kind: 'tagging', vocabularySize: V, tagCount: V, sequences: [{ ids: Int32Array.from([1, 2, 3]), tags: Int32Array.from([0, 1, 0]) }] }, 0, 0);
  assert.deepEqual(tt.cellGradNorm!.shape, [2, 3]);
});

test('parameterGradients off: the same state and input gradients as a full backward, and no parameter gradient', () => {
  for (const cell of ['rnn_tanh', 'gru', 'lstm'] as CellKind[]) {
    for (const embedding of [undefined, 3]) {
      const config = { cell, inputSize: V, hiddenSize: 4, layers: 2, bidirectional: true, outputSize: V, maxSteps: T, ...(embedding ? { embedding } : {}) };
      const full = new RecurrentStack(config, new Prng(9));
      const lean = new RecurrentStack(config);
      lean.params.set(full.params);
      lean.parameterGradients = false;
      const x = new Float64Array(T * V).map((_, i) => Math.sin(i));
      const input = embedding ? { ids: ids.subarray(0, T) } : { x, steps: T };
      const target = { kind: 'cross-entropy' as const, targets: ids.subarray(1, T + 1) };
      const lossFull = full.forwardBackward(input, target);
      const lossLean = lean.forwardBackward(input, target);
      assert.equal(lossLean, lossFull);
      assert.deepEqual([...lean.dh0], [...full.dh0], `${cell}: ∂L/∂h_0`);
      if (cell === 'lstm') assert.deepEqual([...lean.dc0], [...full.dc0], `${cell}: ∂L/∂c_0`);
      if (!embedding) assert.deepEqual([...lean.inputGradient], [...full.inputGradient], `${cell}: ∂L/∂x`);
      for (let k = 0; k < 2; k++) assert.deepEqual([...lean.layerOutputGradient(k)], [...full.layerOutputGradient(k)], `${cell}: ∂L/∂y^${k}`);
      assert.ok(full.grads.some((g) => g !== 0), 'the full backward has parameter gradients');
      assert.ok(lean.grads.every((g) => g === 0), `${cell}${embedding ? ' with an embedding' : ''}: no parameter gradient`);
      lean.parameterGradients = true;
      lean.forwardBackward(input, target);
      assert.deepEqual([...lean.grads], [...full.grads], 'switched back on, the same parameter gradients');
    }
  }
});

test('a trace in place whose backward pass throws leaves the stack as it found it: parameter gradients on, nothing recorded', () => {
  const model = new RecurrentStack({ cell: 'lstm', inputSize: 5, hiddenSize: 4, layers: 1, bidirectional: false, outputSize: 5, maxSteps: 6 }, new Prng(3));
  const window = Int32Array.from([0, 1, 2, 3, 4, 0]);
  // A target outside the 5 classes: the loss throws, after the trace has turned parameter gradients off.
  assert.throws(() => traceWindow(model, { ids: window }, { kind: 'cross-entropy', targets: Int32Array.from([1, 2, 3, 4, 0, 9]) }, { inPlace: true }), /outside the 5 classes/);
  const targets = Int32Array.from([1, 2, 3, 4, 0, 1]);
  model.forward({ ids: window });
  model.backward({ kind: 'cross-entropy', targets });
  const fresh = new RecurrentStack({ ...model.config });
  fresh.params.set(model.params);
  fresh.forward({ ids: window });
  fresh.backward({ kind: 'cross-entropy', targets });
  assert.ok(fresh.grads.some((g) => g !== 0));
  assert.deepEqual(model.grads, fresh.grads, 'the next backward pass computes every parameter gradient');
  // And a later trace in place records its own gradient norms, not into the failed one's arrays.
  const trace = traceWindow(model, { ids: window }, { kind: 'cross-entropy', targets }, { inPlace: true });
  assert.ok(trace.hiddenGradNorm!.data.every((n) => Number.isFinite(n) && n > 0));
});
