// The float32 panel kernel (src/engine/wasmPanelGemm.ts) that gemmABt uses for products of many rows and short sums:
// every output against the exact sum, within the recursive-summation bound γ_K Σ_k |a_k b_k| (u = 2⁻²⁴; Higham,
// Accuracy and Stability of Numerical Algorithms, §3.1) plus the rounding of the stored result; shapes on and off the
// panel (8 columns) and the block (4 rows); offsets; accumulate; and gemmABt's routing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gemmABt } from '../../src/engine/batchedKernels32';
import { Prng } from '../../src/engine/prng';
import { createPanelGemm, PANEL_MAX_K, PANEL_MIN_ROWS, wasmPanelGemm32, type PanelGemm } from '../../src/engine/wasmPanelGemm';

const U = 2 ** -24;
const gamma = (n: number): number => (n * U) / (1 - n * U);

function check(M: number, N: number, K: number, accumulate: boolean, rng: Prng, kernel: PanelGemm = wasmPanelGemm32!): void {
  const aOff = 3, bOff = 5, cOff = 7;
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
  const A = rand(aOff + M * K);
  const Bm = rand(bOff + N * K);
  const C0 = rand(cOff + M * N + 2);
  const C = C0.slice();
  assert.equal(kernel(C, cOff, A, aOff, M, Bm, bOff, N, K, accumulate), true, 'the kernel took the product');
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let exact = accumulate ? C0[cOff + m * N + n] : 0;
      let size = Math.abs(exact);
      for (let k = 0; k < K; k++) {
        const p = A[aOff + m * K + k] * Bm[bOff + n * K + k];
        exact += p;
        size += Math.abs(p);
      }
      const got = C[cOff + m * N + n];
      // γ_{K+1}: K products and sums, the accumulate's add, then the store's rounding.
      const bound = gamma(K + 1) * size + U * Math.abs(exact) + 1e-30;
      if (!(Math.abs(got - exact) <= bound)) assert.fail(`M=${M} N=${N} K=${K} acc=${accumulate} C[${m},${n}] = ${got}, exact ${exact}, bound ${bound}`);
    }
  }
  // Nothing outside C's rows is touched.
  for (let i = 0; i < cOff; i++) assert.equal(C[i], C0[i]);
  assert.equal(C[cOff + M * N], C0[cOff + M * N]);
  assert.equal(C[cOff + M * N + 1], C0[cOff + M * N + 1]);
}

test('the panel kernel: every output within γ_K Σ|a_k b_k| of the exact sum, on and off the 8-column panel and the 4-row block, with offsets, accumulating or not', () => {
  assert.ok(wasmPanelGemm32, 'this Node has WebAssembly SIMD');
  const rng = new Prng(61);
  for (const [M, N, K] of [[64, 65, 128], [64, 8, 1], [65, 3, 7], [67, 16, 512], [2048, 65, 128], [100, 512, 36], [1, 1, 1], [4, 9, 33]]) {
    for (const accumulate of [false, true]) check(M, N, K, accumulate, rng);
  }
});

test('a second instance computes the same; through gemmABt a shape it routes here (K ≤ 512) and one it keeps (K = 600) both stay within the bound', () => {
  const rng = new Prng(62);
  check(70, 20, 40, true, rng, createPanelGemm()!);
  assert.equal(PANEL_MIN_ROWS, 64);
  assert.equal(PANEL_MAX_K, 512);
  // Through gemmABt: a routed shape (M = 128, K = 128) and a kept one (K = 600) both stay within the bound.
  for (const [M, N, K] of [[128, 65, 128], [128, 20, 600]]) {
    const A = Float32Array.from({ length: M * K }, () => rng.next() - 0.5);
    const Bm = Float32Array.from({ length: N * K }, () => rng.next() - 0.5);
    const C = new Float32Array(M * N);
    gemmABt(C, 0, A, 0, M, Bm, 0, N, K, false);
    for (let i = 0; i < M * N; i += 97) {
      const m = Math.floor(i / N), n = i % N;
      let exact = 0, size = 0;
      for (let k = 0; k < K; k++) {
        exact += A[m * K + k] * Bm[n * K + k];
        size += Math.abs(A[m * K + k] * Bm[n * K + k]);
      }
      assert.ok(Math.abs(C[i] - exact) <= gamma(K) * size + U * Math.abs(exact), `M=${M} K=${K} [${i}]`);
    }
  }
});

test('a product past the element bound is declined (false) with C untouched, so that gemmABt goes on to its other kernel; a small one is still taken', () => {
  const small = createPanelGemm(undefined, 10_000)!;
  const rng = new Prng(63);
  const [M, N, K] = [64, 40, 128]; // 40·128 + 64·128 + 64·40 = 15,872 elements > 10,000
  const A = Float32Array.from({ length: M * K }, () => rng.next() - 0.5);
  const Bm = Float32Array.from({ length: N * K }, () => rng.next() - 0.5);
  const C = new Float32Array(M * N).fill(7);
  assert.equal(small(C, 0, A, 0, M, Bm, 0, N, K, false), false);
  assert.ok(C.every((x) => x === 7), 'C untouched');
  check(8, 8, 8, false, rng, small); // a small one it still takes
});
