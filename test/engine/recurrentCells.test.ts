// The cells on their own: the final-state gradient inputs (dhT, dcT) the stack never uses, the per-step traces,
// shorter sequences than the buffers, and input checks. The stack's golden and gradient tests cover the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCell } from '../../src/engine/cells/createCell';
import { GruCell } from '../../src/engine/cells/gruCell';
import { LstmCell } from '../../src/engine/cells/lstmCell';
import { gateCount, type CellKind, type CellWeights, type RecurrentCell } from '../../src/engine/cells/recurrentCell';
import { Prng } from '../../src/engine/prng';

const KINDS: CellKind[] = ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'];

function weights(kind: CellKind, I: number, H: number, rng?: Prng): CellWeights {
  const GH = gateCount(kind) * H;
  const make = (n: number): Float64Array => Float64Array.from({ length: n }, () => (rng ? rng.uniform(-0.9, 0.9) : 0));
  return { weightIh: make(GH * I), weightHh: make(GH * H), biasIh: make(GH), biasHh: make(GH) };
}

function makeCell(kind: CellKind, I: number, H: number, maxSteps: number, seed: number): { cell: RecurrentCell; w: CellWeights; g: CellWeights } {
  const rng = new Prng(seed);
  const w = weights(kind, I, H, rng);
  const g = weights(kind, I, H);
  return { cell: createCell(kind, I, H, maxSteps, w, g), w, g };
}

for (const kind of KINDS) {
  test(`${kind} cell: dx, dh0 (dc0) and every parameter gradient against central differences, with dhT (dcT) given`, () => {
    const I = 3;
    const H = 4;
    const T = 5;
    const { cell, w, g } = makeCell(kind, I, H, T + 3, 31);
    const rng = new Prng(5);
    const rand = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
    const x = rand(T * I);
    const h0 = rand(H);
    const c0 = rand(H);
    // L = Σ_t a_t · h_t + b · h_T (+ e · c_T): so ∂L/∂h_t = a_t from above, dhT = b, dcT = e.
    const a = rand(T * H);
    const b = rand(H);
    const e = rand(H);
    const lstm = cell instanceof LstmCell;
    const loss = (): number => {
      cell.forward(x, T, h0, lstm ? c0 : undefined);
      let s = 0;
      for (let i = 0; i < T * H; i++) s += a[i] * cell.hs[H + i];
      for (let i = 0; i < H; i++) s += b[i] * cell.lastHidden[i];
      if (cell instanceof LstmCell) for (let i = 0; i < H; i++) s += e[i] * cell.lastCell[i];
      return s;
    };
    loss();
    for (const v of Object.values(g)) v.fill(0);
    const dx = new Float64Array(T * I);
    cell.backward(a, b, dx, lstm ? e : null);
    const analytic: [string, Float64Array, Float64Array][] = [
      ['x', x, dx.slice()],
      ['h0', h0, cell.dh0.slice()],
      ['weightIh', w.weightIh, g.weightIh.slice()],
      ['weightHh', w.weightHh, g.weightHh.slice()],
      ['biasIh', w.biasIh, g.biasIh.slice()],
      ['biasHh', w.biasHh, g.biasHh.slice()],
    ];
    if (cell instanceof LstmCell) analytic.push(['c0', c0, cell.dc0.slice()]);
    const eps = 1e-5;
    for (const [name, v, grad] of analytic) {
      for (let i = 0; i < v.length; i++) {
        const saved = v[i];
        v[i] = saved + eps;
        const plus = loss();
        v[i] = saved - eps;
        const minus = loss();
        v[i] = saved;
        const numeric = (plus - minus) / (2 * eps);
        const err = Math.abs(grad[i] - numeric);
        assert.ok(err <= 1e-6 * Math.max(Math.abs(grad[i]), Math.abs(numeric)) + 1e-9, `${kind} ${name}[${i}]: ${grad[i]} vs ${numeric}`);
      }
    }
  });
}

test('backward adds into the gradient views and into dx (two directions can share them)', () => {
  const { cell, g } = makeCell('gru', 2, 3, 4, 1);
  const x = Float64Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8]);
  const dOut = Float64Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
  cell.forward(x, 4, new Float64Array(3));
  const dx = new Float64Array(8);
  cell.backward(dOut, null, dx);
  const once = { w: g.weightHh.slice(), dx: dx.slice() };
  cell.backward(dOut, null, dx);
  for (let i = 0; i < once.w.length; i++) assert.ok(Math.abs(g.weightHh[i] - 2 * once.w[i]) <= 1e-15 * Math.abs(once.w[i]) + 1e-300);
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(dx[i] - 2 * once.dx[i]) <= 1e-15 * Math.abs(once.dx[i]) + 1e-300);
});

test('traces: GRU gates in (0, 1) and h_t = (1 − z) n + z h_{t-1}; LSTM c_t = f c_{t-1} + i g and h_t = o tanh(c_t)', () => {
  const T = 6;
  const H = 3;
  const gru = makeCell('gru', 2, H, 10, 3).cell as GruCell;
  const lstm = makeCell('lstm', 2, H, 10, 4).cell as LstmCell;
  const x = Float64Array.from({ length: 2 * T }, (_, i) => Math.sin(i));
  const h0 = Float64Array.from([0.5, -0.5, 0.1]);
  gru.forward(x, T, h0);
  lstm.forward(x, T, h0, Float64Array.from([1, -1, 0.3]));
  assert.equal(gru.length, T);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) {
      const r = gru.gateValues[t * 3 * H + j];
      const z = gru.gateValues[t * 3 * H + H + j];
      const n = gru.gateValues[t * 3 * H + 2 * H + j];
      assert.ok(r > 0 && r < 1 && z > 0 && z < 1 && Math.abs(n) < 1);
      assert.ok(Math.abs(n - Math.tanh(gru.preActivations[t * 3 * H + 2 * H + j])) < 1e-15);
      assert.ok(Math.abs(gru.hs[(t + 1) * H + j] - ((1 - z) * n + z * gru.hs[t * H + j])) < 1e-15);
      const [i, f, g, o] = [0, 1, 2, 3].map((q) => lstm.gateValues[t * 4 * H + q * H + j]);
      const c = lstm.cs[(t + 1) * H + j];
      assert.ok(Math.abs(c - (f * lstm.cs[t * H + j] + i * g)) < 1e-15);
      assert.ok(Math.abs(lstm.hs[(t + 1) * H + j] - o * Math.tanh(c)) < 1e-15);
    }
  }
  assert.deepEqual(lstm.cs.subarray(0, H), Float64Array.from([1, -1, 0.3]));
});

test('one-hot input equals the dense one-hot matrix, forward and gradients', () => {
  const ids = Int32Array.from([2, 0, 1, 2]);
  const dense = new Float64Array(4 * 3);
  ids.forEach((id, t) => (dense[t * 3 + id] = 1));
  const a = makeCell('lstm', 3, 2, 4, 9);
  const b = makeCell('lstm', 3, 2, 4, 9);
  const dOut = Float64Array.from({ length: 8 }, (_, i) => i / 7 - 0.5);
  a.cell.forwardOneHot(ids, new Float64Array(2));
  b.cell.forward(dense, 4, new Float64Array(2));
  assert.deepEqual(a.cell.hs, b.cell.hs);
  a.cell.backward(dOut, null, null);
  b.cell.backward(dOut, null, null);
  for (let i = 0; i < a.g.weightIh.length; i++) assert.ok(Math.abs(a.g.weightIh[i] - b.g.weightIh[i]) < 1e-15);
  assert.deepEqual(a.g.weightHh, b.g.weightHh);
});

test('relu cell: h_t = max(a_t, 0) and no gradient through a unit at or below 0', () => {
  const { cell, w, g } = makeCell('rnn_relu', 1, 2, 2, 0);
  w.weightIh.set([1, -1]);
  w.weightHh.fill(0);
  w.biasIh.fill(0);
  w.biasHh.fill(0);
  cell.forward(Float64Array.from([2, 3]), 2, new Float64Array(2));
  assert.deepEqual(cell.hs, Float64Array.from([0, 0, 2, 0, 3, 0]));
  cell.backward(Float64Array.from([1, 1, 1, 1]), null, null);
  assert.deepEqual(g.weightIh, Float64Array.from([5, 0])); // Σ_t x_t for the live unit, nothing for the dead one
});

test('input checks: too many steps, wrong state sizes, ids outside the input, weight shapes', () => {
  const { cell } = makeCell('gru', 3, 2, 4, 0);
  assert.throws(() => cell.forward(new Float64Array(15), 5, new Float64Array(2)), /5 steps do not fit/);
  assert.throws(() => cell.forward(new Float64Array(12), 4, new Float64Array(3)), /h0 has 3 values/);
  assert.throws(() => cell.forwardOneHot(Int32Array.from([0, 3]), new Float64Array(2)), /id 3 at step 1/);
  assert.throws(() => cell.backward(null, null, null), /backward before forward/);
  assert.throws(() => new GruCell(3, 2, 4, weights('lstm', 3, 2), weights('gru', 3, 2)), /do not have the shapes/);
});
