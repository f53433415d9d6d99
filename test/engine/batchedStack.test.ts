// BatchedStack (B streams at once, matrix-matrix kernels) against B separate runs of RecurrentStack: outputs, final
// states and the summed parameter gradients, for every cell kind, 2 layers, one-hot / embedding / dense input, and
// shapes that exercise every remainder path of the kernels (odd B, H and G·H not multiples of 4); and B = 1 against
// the batch-of-one cells, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchedStack } from '../../src/engine/batchedStack';
import type { LstmCell } from '../../src/engine/cells/lstmCell';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';

const cases: [CellKind, 'onehot' | 'embed' | 'dense'][] = [
  ['rnn_tanh', 'onehot'], ['rnn_relu', 'dense'], ['gru', 'embed'], ['gru', 'dense'], ['lstm', 'onehot'], ['lstm', 'embed'],
];

for (const [cell, input] of cases) {
  test(`${cell}, ${input} input: B streams at once equal B single-stream runs`, () => {
    const V = 6;
    const H = 5;
    const T = 7;
    const B = 3;
    const L = 2;
    const rng = new Prng(9);
    const stack = new RecurrentStack(
      { cell, inputSize: V, hiddenSize: H, layers: L, bidirectional: false, outputSize: 4, embedding: input === 'embed' ? 3 : undefined, maxSteps: T },
      rng,
    );
    const ids = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * V));
    const xs = Float64Array.from({ length: B * T * V }, () => rng.normal());
    const h0 = Float64Array.from({ length: B * L * H }, () => rng.normal() * 0.5);
    const c0 = Float64Array.from({ length: B * L * H }, () => rng.normal() * 0.5);
    const dO = Float64Array.from({ length: B * T * 4 }, () => rng.normal()); // an arbitrary ∂L/∂O, stream-major
    const isLstm = cell === 'lstm';

    const grads = new Float64Array(stack.parameterCount);
    const batched = new BatchedStack(stack, B, T, grads);
    const o = batched.forward(
      T,
      input === 'dense'
        ? { row: (t, b, out, off) => out.set(xs.subarray((b * T + t) * V, (b * T + t + 1) * V), off) }
        : { id: (t, b) => ids[b * T + t] },
      h0, isLstm ? c0 : null,
    );
    const outs = Float64Array.from(o);
    const hN = new Float64Array(B * L * H);
    const cN = new Float64Array(B * L * H);
    batched.readStates(T, hN, isLstm ? cN : null);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) batched.outputs.set(dO.subarray((b * T + t) * 4, (b * T + t + 1) * 4), (t * B + b) * 4);
    batched.backward();

    const sum = new Float64Array(stack.parameterCount);
    let worst = 0;
    const close = (a: number, e: number, what: string): void => {
      const err = Math.abs(a - e) / Math.max(Math.abs(e), 1e-9);
      worst = Math.max(worst, err);
      assert.ok(err < 1e-12, `${what}: ${a} vs ${e}`);
    };
    for (let b = 0; b < B; b++) {
      const x = input === 'dense' ? { x: xs.subarray(b * T * V, (b + 1) * T * V), steps: T } : { ids: ids.subarray(b * T, (b + 1) * T) };
      const out = stack.forward(x, h0.subarray(b * L * H, (b + 1) * L * H), isLstm ? c0.subarray(b * L * H, (b + 1) * L * H) : undefined);
      for (let t = 0; t < T; t++) for (let j = 0; j < 4; j++) close(outs[(t * B + b) * 4 + j], out[t * 4 + j], `o[${b}, ${t}, ${j}]`);
      for (let i = 0; i < L * H; i++) close(hN[b * L * H + i], stack.hN[i], `hN[${b}]`);
      if (isLstm) for (let i = 0; i < L * H; i++) close(cN[b * L * H + i], stack.cN[i], `cN[${b}]`);
      stack.outputs.set(dO.subarray(b * T * 4, (b + 1) * T * 4));
      stack.backwardFromOutputGradient();
      for (let i = 0; i < sum.length; i++) sum[i] += stack.grads[i];
    }
    for (const t of stack.tensors) {
      for (let i = t.offset; i < t.offset + t.rows * t.cols; i++) close(grads[i], sum[i], `∂${t.name}`);
    }
    assert.ok(worst < 1e-12);
  });
}

test('finite differences: ∂(Σ w ⊙ O)/∂θ of the batched backward for every parameter (GRU and LSTM, 2 layers)', () => {
  for (const cell of ['gru', 'lstm'] as CellKind[]) {
    const rng = new Prng(4);
    const T = 4;
    const B = 3;
    const stack = new RecurrentStack({ cell, inputSize: 4, hiddenSize: 3, layers: 2, bidirectional: false, outputSize: 2, embedding: 2, maxSteps: T }, rng);
    const ids = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * 4));
    const w = Float64Array.from({ length: T * B * 2 }, () => rng.normal());
    const h0 = Float64Array.from({ length: B * 2 * 3 }, () => rng.normal() * 0.5);
    const grads = new Float64Array(stack.parameterCount);
    const batched = new BatchedStack(stack, B, T, grads);
    const input = { id: (t: number, b: number) => ids[b * T + t] };
    const f = (): number => {
      const o = batched.forward(T, input, h0, cell === 'lstm' ? h0 : null);
      let s = 0;
      for (let i = 0; i < w.length; i++) s += w[i] * o[i];
      return s;
    };
    f();
    batched.outputs.set(w);
    batched.backward();
    const eps = 1e-6;
    for (let i = 0; i < stack.params.length; i++) {
      const saved = stack.params[i];
      stack.params[i] = saved + eps;
      const plus = f();
      stack.params[i] = saved - eps;
      const minus = f();
      stack.params[i] = saved;
      const numeric = (plus - minus) / (2 * eps);
      assert.ok(Math.abs(numeric - grads[i]) <= 1e-6 * Math.abs(numeric) + 1e-8, `${cell} θ[${i}]: analytic ${grads[i]} vs numeric ${numeric}`);
    }
  }
});

test('a batch of one is a batch: the cells and the batched stack at B = 1 give the same h_t and c_t, to the bit', () => {
  // Both call the equations of cells/cellEquations.ts and the same one-stream product for W_hh h_{t−1}; with one-hot
  // input (P_t = b_ih + column id of W_ih in both) the forward passes must agree exactly, for every cell kind.
  for (const cell of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'] as CellKind[]) {
    const rng = new Prng(16);
    const V = 7;
    const H = 9; // G·H and H not multiples of 4: the product's remainder rows too
    const T = 11;
    const stack = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: 1, bidirectional: false, outputSize: 3, maxSteps: T }, rng);
    const ids = Int32Array.from({ length: T }, () => Math.floor(rng.next() * V));
    const h0 = Float64Array.from({ length: H }, () => rng.normal() * 0.5);
    const c0 = Float64Array.from({ length: H }, () => rng.normal() * 0.5);
    const isLstm = cell === 'lstm';
    stack.forward({ ids }, h0, isLstm ? c0 : undefined);
    const batched = new BatchedStack(stack, 1, T, new Float64Array(stack.parameterCount));
    batched.forward(T, { id: (t) => ids[t] }, h0, isLstm ? c0 : null, true);
    const one = stack.cells[0];
    for (let t = 1; t <= T; t++) {
      assert.deepEqual([...batched.hidden(0, t, 0)], [...one.hs.subarray(t * H, (t + 1) * H)], `${cell} h_${t - 1}`);
      if (isLstm) {
        const cs = (one as LstmCell).cs;
        assert.deepEqual([...batched.cellState(0, t, 0)], [...cs.subarray(t * H, (t + 1) * H)], `${cell} c_${t - 1}`);
      }
    }
  }
});

test('a batch of one is a batch with dense and embedded input and 2 layers: every layer\'s h_t and c_t, to the bit', () => {
  // The cells are cells/cellChain.ts with one stream, the driver the batched stack runs per layer: the input
  // projection (one product over all rows), W_hh h_{t−1} and the step equations are the same code, so a dense or
  // embedded input and the second layer (whose input is the first layer's h_t) agree exactly too.
  for (const [cell, input] of [['rnn_relu', 'dense'], ['gru', 'embed'], ['lstm', 'dense'], ['lstm', 'embed'], ['rnn_tanh', 'embed']] as const) {
    const rng = new Prng(61);
    const V = 6;
    const H = 9;
    const L = 2;
    const T = 13; // ≥ 8 rows: the projections run in the WebAssembly kernel when it is there
    const stack = new RecurrentStack(
      { cell, inputSize: V, hiddenSize: H, layers: L, bidirectional: false, outputSize: 3, embedding: input === 'embed' ? 5 : undefined, maxSteps: T },
      rng,
    );
    const ids = Int32Array.from({ length: T }, () => Math.floor(rng.next() * V));
    const xs = Float64Array.from({ length: T * V }, () => rng.normal());
    const h0 = Float64Array.from({ length: L * H }, () => rng.normal() * 0.5);
    const c0 = Float64Array.from({ length: L * H }, () => rng.normal() * 0.5);
    const isLstm = cell === 'lstm';
    stack.forward(input === 'dense' ? { x: xs, steps: T } : { ids }, h0, isLstm ? c0 : undefined);
    const batched = new BatchedStack(stack, 1, T, new Float64Array(stack.parameterCount));
    batched.forward(
      T,
      input === 'dense' ? { row: (t, _b, out, off) => out.set(xs.subarray(t * V, (t + 1) * V), off) } : { id: (t) => ids[t] },
      h0, isLstm ? c0 : null, true,
    );
    for (let k = 0; k < L; k++) {
      const one = stack.cells[k];
      for (let t = 1; t <= T; t++) {
        assert.deepEqual([...batched.hidden(k, t, 0)], [...one.hs.subarray(t * H, (t + 1) * H)], `${cell} ${input} layer ${k} h_${t - 1}`);
        if (isLstm) {
          const cs = (one as LstmCell).cs;
          assert.deepEqual([...batched.cellState(k, t, 0)], [...cs.subarray(t * H, (t + 1) * H)], `${cell} ${input} layer ${k} c_${t - 1}`);
        }
      }
    }
  }
});

test('parameterGradients false: the same ‖∂L/∂h_t‖ as a full backward records, the gradient buffer untouched', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    const V = 6;
    const H = 5;
    const T = 7;
    const B = 2;
    const rng = new Prng(4);
    const stack = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: 2, bidirectional: false, outputSize: 4, embedding: 3, maxSteps: T }, rng);
    const ids = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * V));
    const dO = Float64Array.from({ length: B * T * 4 }, () => rng.normal());
    const norms = (full: boolean): { h: Float64Array[]; grads: Float64Array } => {
      const grads = new Float64Array(stack.parameterCount);
      const batched = new BatchedStack(stack, B, T, grads);
      batched.parameterGradients = full;
      const h = [new Float64Array(B * T), new Float64Array(B * T)];
      h.forEach((n, k) => batched.recordGradNorms(k, { h: n, c: null }));
      batched.forward(T, { id: (t, b) => ids[b * T + t] }, null, null);
      batched.outputs.set(dO);
      batched.backward();
      return { h, grads };
    };
    const full = norms(true);
    const alone = norms(false);
    assert.ok(full.h[0].every((v) => v > 0) && full.grads.some((v) => v !== 0), `${cell}: the full backward records norms and gradients`);
    assert.deepEqual(alone.h, full.h, `${cell}: the same norms, bit for bit`);
    assert.ok(alone.grads.every((v) => v === 0), `${cell}: no parameter gradient`);
  }
});

test('refreshWeights false (the weights promised unchanged): the same outputs and states, bit for bit, chunk after chunk', () => {
  for (const F of [Float64Array, Float32Array]) {
    const V = 6;
    const T = 5;
    const rng = new Prng(8);
    const stack = new RecurrentStack({ cell: 'lstm', inputSize: V, hiddenSize: 4, layers: 2, bidirectional: false, outputSize: V, maxSteps: T }, rng);
    const ids = Int32Array.from({ length: 3 * T }, () => Math.floor(rng.next() * V));
    const run = (refresh: boolean): number[] => {
      const batched = new BatchedStack(stack, 1, T, new F(stack.parameterCount) as Float64Array);
      batched.refreshWeights = refresh;
      const h = new Float64Array(2 * 4);
      const c = new Float64Array(2 * 4);
      const out: number[] = [];
      for (let chunk = 0; chunk < 3; chunk++) {
        out.push(...batched.forward(T, { id: (t) => ids[chunk * T + t] }, h, c));
        batched.readStates(T, h, c);
      }
      return [...out, ...h, ...c];
    };
    assert.deepEqual(run(false), run(true), F.name);
  }
});
