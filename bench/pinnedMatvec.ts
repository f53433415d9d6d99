// Issue 15: the recurrence at batch one with its products in JavaScript (gemmABt) against the pinned WebAssembly
// SIMD matrix-vector kernel (src/engine/wasmMatvec.ts), on the same model in the same process. Three workloads per
// cell kind (rnn_tanh, gru, lstm), one layer, one direction, one-hot input of V = 65:
//   trace     a Gates/Unrolled panel's trace window (traceWindow in place, next-character loss, forward + backward,
//             no Jacobians or spectra: the part Colour Text runs per window), float64
//   cells     RecurrentStack forward + backward from a given ∂L/∂O (bench/batchOfOne.ts's "cells"), float64
//   batch-1   BatchedStack32 at B = 1 forward + backward (the float32 trainer at batch 1)
//   batch-4   BatchedStack32 at B = 4 likewise (the kernel runs per stream up to cellChain.ts's MATVEC_MAX_STREAMS)
// Only RATIOS are printed, on purpose: the two paths are run interleaved (JS, wasm, JS, wasm, … after a warm-up of
// each, every sample ~40 ms of repeated runs), and the ratio is the median of the per-round ratios JS time ÷ wasm
// time, so load from other processes that shifts both paths alike cancels. Absolute times on a shared machine say
// little and are not printed. Above 1: the kernel is faster.
// Run: node --import tsx bench/pinnedMatvec.ts [T, default 128] [H, default 128] [rounds, default 21]
import { BatchedStack32 } from '../src/engine/batchedStack32';
import { Prng } from '../src/engine/prng';
import { RecurrentStack } from '../src/engine/recurrentStack';
import { traceWindow } from '../src/engine/traces';
import { setWasmMatvecEnabled, wasmMatvec32, wasmMatvec64 } from '../src/engine/wasmMatvec';

const T = Number(process.argv[2] ?? 128);
const H = Number(process.argv[3] ?? 128);
const ROUNDS = Number(process.argv[4] ?? 21);
const V = 65;
if (!wasmMatvec64 || !wasmMatvec32) throw new Error('this runtime has no WebAssembly SIMD: nothing to compare');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Median over rounds of (JS time ÷ wasm time), the two run alternately, and the quartiles of that ratio. Each
 * sample repeats `run` enough times to last ~40 ms (calibrated on the JavaScript path), so that a scheduler tick
 * of another process is a small part of it.
 */
function ratio(run: () => void): { median: number; q1: number; q3: number } {
  let reps = 1;
  const once = (wasm: boolean): number => {
    setWasmMatvecEnabled(wasm);
    const start = performance.now();
    for (let i = 0; i < reps; i++) run();
    return performance.now() - start;
  };
  for (let i = 0; i < 3; i++) {
    once(false);
    once(true);
  }
  reps = Math.max(1, Math.round(40 / Math.max(once(false), 0.01)));
  const r: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first, so a drift within a round favours neither.
    if (i % 2 === 0) {
      const js = once(false);
      r.push(js / once(true));
    } else {
      const wasm = once(true);
      r.push(once(false) / wasm);
    }
  }
  setWasmMatvecEnabled(true);
  const s = [...r].sort((a, b) => a - b);
  return { median: median(r), q1: s[Math.floor(s.length / 4)], q3: s[Math.floor((3 * s.length) / 4)] };
}

const rng = new Prng(16);
const ids = Int32Array.from({ length: T }, () => Math.floor(rng.next() * V));
const dO = Float64Array.from({ length: T * V }, () => (rng.next() - 0.5) / T);
const dO32 = Float32Array.from(dO);
console.log(`T = ${T}, H = ${H}, V = ${V}; JS time ÷ wasm time, median of ${ROUNDS} interleaved rounds [quartiles]:`);
console.log('cell      trace (f64)          cells (f64)          batch-1 (f32)        batch-4 (f32)');
for (const cell of ['rnn_tanh', 'gru', 'lstm'] as const) {
  const stack = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: 1, bidirectional: false, outputSize: V, maxSteps: T }, new Prng(1));
  const target = { kind: 'cross-entropy' as const, targets: Int32Array.from(ids, (_, t) => ids[(t + 1) % T]) };
  const trace = ratio(() => void traceWindow(stack, { ids }, target, { inPlace: true, jacobian: false, spectra: false }));
  const cells = ratio(() => {
    stack.forward({ ids });
    stack.outputs.set(dO);
    stack.backwardFromOutputGradient();
  });
  const batched = new BatchedStack32(stack, 1, T, new Float32Array(stack.parameterCount));
  const batch1 = ratio(() => {
    batched.forward(T, { id: (t) => ids[t] }, null, null);
    batched.outputs.set(dO32);
    batched.backward();
  });
  const batched4 = new BatchedStack32(stack, 4, T, new Float32Array(stack.parameterCount));
  const dO4 = Float32Array.from({ length: 4 * T * V }, (_, i) => dO32[i % dO32.length]);
  const batch4 = ratio(() => {
    batched4.forward(T, { id: (t, b) => ids[(t + 31 * b) % T] }, null, null);
    batched4.outputs.set(dO4);
    batched4.backward();
  });
  const show = (r: { median: number; q1: number; q3: number }): string => `${r.median.toFixed(2)}× [${r.q1.toFixed(2)}, ${r.q3.toFixed(2)}]`.padEnd(21);
  console.log(`${cell.padEnd(10)}${show(trace)}${show(cells)}${show(batch1)}${show(batch4)}`);
}
