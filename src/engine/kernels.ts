// The three dense kernels of the RNN passes, over flat row-major Float64Arrays with explicit offsets (no views,
// no allocation). Loops are unrolled by 4 so that V8 keeps several independent sums in flight; the order of the
// additions is fixed, so results are bit-for-bit reproducible.

/** Σ_j a[aOff + j] · b[bOff + j] for j < n (the dot product of a row of a matrix with a vector). */
export function dot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += a[aOff + j] * b[bOff + j];
    s1 += a[aOff + j + 1] * b[bOff + j + 1];
    s2 += a[aOff + j + 2] * b[bOff + j + 2];
    s3 += a[aOff + j + 3] * b[bOff + j + 3];
  }
  for (; j < n; j++) s0 += a[aOff + j] * b[bOff + j];
  return s0 + s1 + (s2 + s3);
}

/**
 * out[outOff + j] += Σ_i W[wOff + i·cols + j] · v[vOff + i]  — out += Wᵀ v, W of size rows×cols
 * (how a gradient flows back through y = W x: ∂/∂x = Wᵀ ∂/∂y). Four rows of W per pass over out.
 */
export function addTransposedMatVec(
  out: Float64Array, outOff: number,
  W: Float64Array, wOff: number, rows: number, cols: number,
  v: Float64Array, vOff: number,
): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const v0 = v[vOff + i];
    const v1 = v[vOff + i + 1];
    const v2 = v[vOff + i + 2];
    const v3 = v[vOff + i + 3];
    const r0 = wOff + i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    for (let j = 0; j < cols; j++) {
      out[outOff + j] += W[r0 + j] * v0 + W[r1 + j] * v1 + W[r2 + j] * v2 + W[r3 + j] * v3;
    }
  }
  for (; i < rows; i++) {
    const vi = v[vOff + i];
    const r = wOff + i * cols;
    for (let j = 0; j < cols; j++) out[outOff + j] += W[r + j] * vi;
  }
}

/**
 * dW[a, j] += Σ_{t<T} A[t·aCols + a] · B[bOff + t·n + j]   for a < aCols, j < n
 * — the weight gradient Σ_t δ_t x_tᵀ of y_t = W x_t over a whole chunk (δ_t rows of A, x_t rows of B) at once,
 * so each row of dW stays in cache while four time steps are added into it per pass.
 */
export function addOuterProductsOverTime(
  dW: Float64Array,
  A: Float64Array, aCols: number,
  B: Float64Array, bOff: number, n: number,
  T: number,
): void {
  for (let a = 0; a < aCols; a++) {
    const row = a * n;
    let t = 0;
    for (; t + 3 < T; t += 4) {
      const d0 = A[t * aCols + a];
      const d1 = A[(t + 1) * aCols + a];
      const d2 = A[(t + 2) * aCols + a];
      const d3 = A[(t + 3) * aCols + a];
      const b0 = bOff + t * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) dW[row + j] += d0 * B[b0 + j] + d1 * B[b1 + j] + d2 * B[b2 + j] + d3 * B[b3 + j];
    }
    for (; t < T; t++) {
      const d = A[t * aCols + a];
      const b = bOff + t * n;
      for (let j = 0; j < n; j++) dW[row + j] += d * B[b + j];
    }
  }
}
