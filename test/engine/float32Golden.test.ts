// The float32 path (BatchedStack32 on Float32Arrays, SequenceTrainer dtype 'float32') against PyTorch in float32:
// fixtures/float32_golden.json, made by fixtures/make_float32_golden.py. Forward outputs, final states, the loss and
// every gradient agree within 1e-4 relative. Relative to what: an entry e of a tensor whose largest entry is m is
// compared as |a − e| / max(|e|, 1e-2·m), so entries that are 100× smaller than their tensor's largest (where a
// float32 sum of mixed signs loses its relative accuracy in both implementations alike) are held to 1e-6·m.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BatchedStack } from '../../src/engine/batchedStack';
import { BatchedStack32 } from '../../src/engine/batchedStack32';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { SequenceTrainer, type SequenceTrainerConfig } from '../../src/engine/sequenceTrainer';
import { crossEntropyStep, squaredErrorStep } from '../../src/engine/stepLoss';
import { gemmABt } from '../../src/engine/batchedKernels';
import { gemmABt as gemmABt32 } from '../../src/engine/batchedKernels32';
import { wasmGemmABt32, wasmGemmABt64 } from '../../src/engine/wasmGemm';

interface GoldenCase {
  name: string; cell: CellKind; layers: number; H: number; V: number; out: number; loss: 'ce' | 'mse'; B: number; T: number;
  ids?: number[][]; x?: number[][][];
  weights: Record<string, number[]>; h0: number[]; c0: number[] | null;
  outputs: number[]; hN: number[]; cN: number[] | null; lossValue: number; grads: Record<string, number[]>;
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/float32_golden.json', import.meta.url), 'utf8')) as { dtype: string; cases: GoldenCase[] };

function worst(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(expected[i]));
  let w = 0;
  for (let i = 0; i < expected.length; i++) w = Math.max(w, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-2 * m, 1e-30));
  return w;
}

assert.equal(golden.dtype, 'float32');
assert.ok(golden.cases.length >= 9);
for (const c of golden.cases) {
  test(`float32 matches PyTorch float32 within 1e-4: ${c.name} (${c.layers} layer(s), H=${c.H}, B=${c.B}, T=${c.T}, ${c.loss})`, () => {
    const model = new RecurrentStack({ cell: c.cell, inputSize: c.V, hiddenSize: c.H, layers: c.layers, bidirectional: false, outputSize: c.out, maxSteps: c.T });
    for (const [name, values] of Object.entries(c.weights)) model.param(name).set(values);
    const grads = new Float32Array(model.parameterCount);
    const stack = new BatchedStack32(model, c.B, c.T, grads);
    const input = c.ids
      ? { id: (t: number, b: number) => c.ids![b][t] }
      : { row: (t: number, b: number, out: Float32Array | Float64Array, off: number) => out.set(c.x![b][t], off) };
    const o = stack.forward(c.T, input, Float64Array.from(c.h0), c.c0 ? Float64Array.from(c.c0) : null);
    assert.ok(o instanceof Float32Array, 'the float32 path computes in Float32Arrays');
    const errors: Record<string, number> = { outputs: worst(o, c.outputs) };
    const hN = new Float64Array(c.B * c.layers * c.H);
    const cN = new Float64Array(hN.length);
    stack.readStates(c.T, hN, c.cN ? cN : null);
    errors.hN = worst(hN, c.hN);
    if (c.cN) errors.cN = worst(cN, c.cN);
    const N = c.B * c.T;
    let loss = 0;
    for (let t = 0; t < c.T; t++) {
      for (let b = 0; b < c.B; b++) {
        loss += c.loss === 'ce'
          ? crossEntropyStep(o, t * c.B + b, c.out, c.ids![b][t + 1], 1 / N)
          : squaredErrorStep(o, t * c.B + b, c.out, Float64Array.from(c.x![b][t + 1]), 0, 1 / (N * c.out));
      }
    }
    loss /= c.loss === 'ce' ? N : N * c.out;
    errors.loss = Math.abs(loss - c.lossValue) / Math.abs(c.lossValue);
    stack.backward();
    for (const [name, expected] of Object.entries(c.grads)) {
      const t = model.tensorInfo(name);
      errors[name] = worst(grads.subarray(t.offset, t.offset + t.rows * t.cols), expected);
    }
    for (const [what, e] of Object.entries(errors)) assert.ok(e < 1e-4, `${c.name} ${what}: relative error ${e.toExponential(2)}`);
    // Not trivially equal: float32 rounding is visible against the float64 path on the same weights.
    const g64 = new Float64Array(model.parameterCount);
    const s64 = new BatchedStack(model, c.B, c.T, g64);
    const o64 = s64.forward(c.T, input, Float64Array.from(c.h0), c.c0 ? Float64Array.from(c.c0) : null);
    assert.ok(o64 instanceof Float64Array && worst(o64, c.outputs) > 0);
  });
}

test("SequenceTrainer dtype 'float32' follows the float64 trainer within float32 rounding, and learns", () => {
  const rng = new Prng(9);
  const ids = new Int32Array(3000);
  for (let i = 1; i < ids.length; i++) ids[i] = rng.next() < 0.85 ? (ids[i - 1] + 1) % 11 : Math.floor(rng.next() * 11);
  const config: SequenceTrainerConfig = {
    cell: 'lstm', layers: 2, hiddenSize: 16, bidirectional: false, seqLength: 10, batch: 4,
    optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 4,
  };
  const data = { kind: 'next-token' as const, ids, vocabularySize: 11 };
  const f64 = new SequenceTrainer(data, config);
  const f32 = new SequenceTrainer(data, { ...config, dtype: 'float32' });
  const first64 = f64.step();
  const first32 = f32.step();
  assert.ok(Math.abs(first32.loss - first64.loss) / first64.loss < 1e-5, `${first32.loss} vs ${first64.loss}`);
  assert.ok(Math.abs(first32.gradNorm - first64.gradNorm) / first64.gradNorm < 1e-4);
  assert.notEqual(first32.loss, first64.loss, 'the float32 path rounds');
  let last = first32.loss;
  for (let i = 0; i < 60; i++) last = f32.step().loss;
  assert.ok(last < 0.7 * first32.loss, `float32 training lowers the loss: ${first32.loss} → ${last}`);
});

test('a dtype other than float32 / float64, or float32 for tagging, is refused in words', () => {
  const data = { kind: 'next-token' as const, ids: new Int32Array([0, 1, 2, 1, 0, 2]), vocabularySize: 3 };
  const config: SequenceTrainerConfig = {
    cell: 'rnn', layers: 1, hiddenSize: 3, bidirectional: false, seqLength: 2, batch: 1,
    optimizer: { kind: 'sgd', learningRate: 0.1 }, clip: 0, seed: 1,
  };
  assert.throws(() => new SequenceTrainer(data, { ...config, dtype: 'float16' as never }), /dtype must be float32 or float64 \(got float16\)/);
  const tagged = { kind: 'tagging' as const, sequences: [{ ids: new Int32Array([0, 1]), tags: new Int32Array([1, 0]) }], vocabularySize: 2, tagCount: 2 };
  assert.throws(() => new SequenceTrainer(tagged, { ...config, dtype: 'float32' }), /float32 is available for streamed data/);
});

test('the float32 copies of the batched engine are generated from the current float64 sources', async () => {
  // A path in a variable: the generator is plain JavaScript without type declarations.
  const generator = new URL('../../scripts/generate-float32-engine.mjs', import.meta.url).href;
  const { float32Sources } = (await import(generator)) as { float32Sources: () => Record<string, string> };
  for (const [name, text] of Object.entries(float32Sources())) {
    const committed = readFileSync(new URL(`../../src/engine/${name}`, import.meta.url), 'utf8');
    assert.ok(committed === text, `src/engine/${name} is out of date: run node scripts/generate-float32-engine.mjs`);
  }
});

test('the WebAssembly SIMD products agree with a plain triple loop, in float64 and float32', () => {
  assert.ok(wasmGemmABt64 && wasmGemmABt32, 'Node has WebAssembly SIMD');
  const rng = new Prng(7);
  // Shapes the kernels take directly, and shapes padded with zeros (odd M, N not a multiple of 4, odd K).
  for (const [M, N, K] of [[8, 4, 4], [10, 12, 36], [32, 64, 128], [9, 13, 65], [11, 5, 3]]) {
    for (const accumulate of [false, true]) {
      const A = Float64Array.from({ length: M * K + 3 }, () => rng.next() - 0.5);
      const B = Float64Array.from({ length: N * K + 5 }, () => rng.next() - 0.5);
      const C = Float64Array.from({ length: M * N + 7 }, () => rng.next());
      const expected = C.slice();
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A[3 + m * K + k] * B[5 + n * K + k];
          expected[7 + m * N + n] = (accumulate ? C[7 + m * N + n] : 0) + s;
        }
      }
      const c64 = C.slice();
      gemmABt(c64, 7, A, 3, M, B, 5, N, K, accumulate);
      const c32 = Float32Array.from(C);
      gemmABt32(c32, 7, Float32Array.from(A), 3, M, Float32Array.from(B), 5, N, K, accumulate);
      for (let i = 0; i < C.length; i++) {
        assert.ok(Math.abs(c64[i] - expected[i]) < 1e-13, `float64 ${M}×${N}×${K} entry ${i}: ${c64[i]} vs ${expected[i]}`);
        assert.ok(Math.abs(c32[i] - expected[i]) < 1e-5, `float32 ${M}×${N}×${K} entry ${i}: ${c32[i]} vs ${expected[i]}`);
      }
      assert.equal(c64[0], C[0], 'entries before cOff stay');
    }
  }
});
