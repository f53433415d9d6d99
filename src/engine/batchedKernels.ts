// Matrix-matrix kernels for B streams at once (row-major Floatss, or Float32Arrays for the float32 path, with
// explicit offsets, no allocation; sums run in double precision, a Float32Array rounds each stored result). With
// B rows per call, every weight row is loaded once per time step for all streams instead of once per stream, and a
// register block of 2 × 4 independent sums keeps V8's loads and multiplies busy. Addition order is fixed, so the
// results are bit-for-bit reproducible (though not bit-identical to the one-stream kernels of kernels.ts).

import { wasmGemmABt32, wasmGemmABt64 } from './wasmGemm';
import { PANEL_MAX_K, PANEL_MIN_ROWS, wasmPanelGemm32 } from './wasmPanelGemm';

/** The element arrays of the engine's two precisions. */
export type Floats = Float64Array | Float32Array;

/**
 * C[cOff + m·N + n] = (accumulate ? C : 0) + Σ_{k<K} A[aOff + m·K + k] · Bm[bOff + n·K + k]   for m < M, n < N
 * — C = A Bᵀ, the product of stream rows (A, M×K) with the rows of a weight matrix (Bm, N×K), e.g. Q = H W_hhᵀ.
 */
export function gemmABt(
  C: Floats, cOff: number,
  A: Floats, aOff: number, M: number,
  Bm: Floats, bOff: number, N: number,
  K: number, accumulate: boolean,
): void {
  // Products of at least 8 rows (and 4 weight rows) run in a WebAssembly SIMD kernel (wasmGemm.ts); float32 ones of
  // many rows and short sums (the head's, a chunk's input projection) in the panel kernel (wasmPanelGemm.ts).
  if (M >= 8 && N >= 4) {
    if (
      wasmPanelGemm32 && M >= PANEL_MIN_ROWS && K <= PANEL_MAX_K && C instanceof Float32Array && A instanceof Float32Array
      && Bm instanceof Float32Array && wasmPanelGemm32(C, cOff, A, aOff, M, Bm, bOff, N, K, accumulate)
    ) return;
    if (wasmGemmABt64 && C instanceof Float64Array && A instanceof Float64Array && Bm instanceof Float64Array) {
      wasmGemmABt64(C, cOff, A, aOff, M, Bm, bOff, N, K, accumulate);
      return;
    }
    if (wasmGemmABt32 && C instanceof Float32Array && A instanceof Float32Array && Bm instanceof Float32Array) {
      wasmGemmABt32(C, cOff, A, aOff, M, Bm, bOff, N, K, accumulate);
      return;
    }
  }
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = aOff + m * K;
    const a1 = a0 + K;
    const c0 = cOff + m * N;
    const c1 = c0 + N;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const b0 = bOff + n * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let k = 0;
      // Two k per pass (fewer loop and bounds-check instructions per multiply-add); the pairs are added in order.
      for (; k + 1 < K; k += 2) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const y0 = A[a0 + k + 1];
        const y1 = A[a1 + k + 1];
        const w0 = Bm[b0 + k];
        const w1 = Bm[b1 + k];
        const w2 = Bm[b2 + k];
        const w3 = Bm[b3 + k];
        const v0 = Bm[b0 + k + 1];
        const v1 = Bm[b1 + k + 1];
        const v2 = Bm[b2 + k + 1];
        const v3 = Bm[b3 + k + 1];
        s00 += x0 * w0 + y0 * v0; s01 += x0 * w1 + y0 * v1; s02 += x0 * w2 + y0 * v2; s03 += x0 * w3 + y0 * v3;
        s10 += x1 * w0 + y1 * v0; s11 += x1 * w1 + y1 * v1; s12 += x1 * w2 + y1 * v2; s13 += x1 * w3 + y1 * v3;
      }
      if (k < K) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        s00 += x0 * Bm[b0 + k]; s01 += x0 * Bm[b1 + k]; s02 += x0 * Bm[b2 + k]; s03 += x0 * Bm[b3 + k];
        s10 += x1 * Bm[b0 + k]; s11 += x1 * Bm[b1 + k]; s12 += x1 * Bm[b2 + k]; s13 += x1 * Bm[b3 + k];
      }
      if (accumulate) {
        C[c0 + n] += s00; C[c0 + n + 1] += s01; C[c0 + n + 2] += s02; C[c0 + n + 3] += s03;
        C[c1 + n] += s10; C[c1 + n + 1] += s11; C[c1 + n + 2] += s12; C[c1 + n + 3] += s13;
      } else {
        C[c0 + n] = s00; C[c0 + n + 1] = s01; C[c0 + n + 2] = s02; C[c0 + n + 3] = s03;
        C[c1 + n] = s10; C[c1 + n + 1] = s11; C[c1 + n + 2] = s12; C[c1 + n + 3] = s13;
      }
    }
    for (; n < N; n++) {
      const b0 = bOff + n * K;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < K; k++) {
        s0 += A[a0 + k] * Bm[b0 + k];
        s1 += A[a1 + k] * Bm[b0 + k];
      }
      C[c0 + n] = accumulate ? C[c0 + n] + s0 : s0;
      C[c1 + n] = accumulate ? C[c1 + n] + s1 : s1;
    }
  }
  for (; m < M; m++) {
    // A single row (B = 1, or the odd last stream): four weight rows at a time, four independent sums.
    const a0 = aOff + m * K;
    const c0 = cOff + m * N;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const b0 = bOff + n * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a0 + k];
        s0 += x * Bm[b0 + k];
        s1 += x * Bm[b1 + k];
        s2 += x * Bm[b2 + k];
        s3 += x * Bm[b3 + k];
      }
      if (accumulate) {
        C[c0 + n] += s0; C[c0 + n + 1] += s1; C[c0 + n + 2] += s2; C[c0 + n + 3] += s3;
      } else {
        C[c0 + n] = s0; C[c0 + n + 1] = s1; C[c0 + n + 2] = s2; C[c0 + n + 3] = s3;
      }
    }
    for (; n < N; n++) {
      const b0 = bOff + n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * Bm[b0 + k];
      C[c0 + n] = accumulate ? C[c0 + n] + s : s;
    }
  }
}

/**
 * C[cOff + m·N + j] += Σ_{k<K} A[aOff + m·K + k] · Bm[bOff + k·N + j]   for m < M, j < N
 * — C += A B, e.g. ∂L/∂H += δQ W_hh (the gradient flowing back through Q = H W_hhᵀ). Four rows of Bm per pass.
 */
export function gemmAddAB(
  C: Floats, cOff: number,
  A: Floats, aOff: number, M: number, K: number,
  Bm: Floats, bOff: number, N: number,
): void {
  for (let m = 0; m < M; m++) {
    const am = aOff + m * K;
    const cm = cOff + m * N;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const x0 = A[am + k];
      const x1 = A[am + k + 1];
      const x2 = A[am + k + 2];
      const x3 = A[am + k + 3];
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const r0 = bOff + k * N;
      const r1 = r0 + N;
      const r2 = r1 + N;
      const r3 = r2 + N;
      for (let j = 0; j < N; j++) C[cm + j] += x0 * Bm[r0 + j] + x1 * Bm[r1 + j] + x2 * Bm[r2 + j] + x3 * Bm[r3 + j];
    }
    for (; k < K; k++) {
      const x = A[am + k];
      const r = bOff + k * N;
      for (let j = 0; j < N; j++) C[cm + j] += x * Bm[r + j];
    }
  }
}

/**
 * dW[a·N + j] += Σ_{r<R} A[aOff + r·aCols + a] · X[xOff + r·N + j]   for a < aCols, j < N
 * — the weight gradient Σ_r δ_r x_rᵀ over R rows (all time steps of all streams). Blocked by 4 rows of dW and 4
 * data rows, so each loaded x row feeds four dW rows.
 */
export function gemmAddAtB(
  dW: Floats,
  A: Floats, aOff: number, aCols: number,
  X: Floats, xOff: number, N: number,
  R: number,
): void {
  let a = 0;
  for (; a + 3 < aCols; a += 4) {
    const w0 = a * N;
    const w1 = w0 + N;
    const w2 = w1 + N;
    const w3 = w2 + N;
    for (let r = 0; r < R; r++) {
      const ar = aOff + r * aCols + a;
      const d0 = A[ar];
      const d1 = A[ar + 1];
      const d2 = A[ar + 2];
      const d3 = A[ar + 3];
      if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
      const xr = xOff + r * N;
      for (let j = 0; j < N; j++) {
        const x = X[xr + j];
        dW[w0 + j] += d0 * x;
        dW[w1 + j] += d1 * x;
        dW[w2 + j] += d2 * x;
        dW[w3 + j] += d3 * x;
      }
    }
  }
  for (; a < aCols; a++) {
    const w0 = a * N;
    for (let r = 0; r < R; r++) {
      const d = A[aOff + r * aCols + a];
      if (d === 0) continue;
      const xr = xOff + r * N;
      for (let j = 0; j < N; j++) dW[w0 + j] += d * X[xr + j];
    }
  }
}

/** dst[c·rows + r] = src[srcOff + r·cols + c] for r < rows, c < cols (dst = srcᵀ), in 32 × 32 tiles for the cache. */
export function transpose(src: Floats, srcOff: number, rows: number, cols: number, dst: Floats): void {
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const s = srcOff + r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[s + c];
      }
    }
  }
}
