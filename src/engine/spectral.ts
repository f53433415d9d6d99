// Spectral radius and largest singular value of small dense matrices (row-major Float64Array), for the
// vanishing/exploding-gradient lab: ρ(W_hh) = max |λ_i| and σ_max(W_hh) = ‖W_hh‖₂.
//
// spectralRadius uses Gelfand's formula ρ(A) = lim_m ‖A^m‖^{1/m} with m = 2^k by repeated squaring, normalising each
// square so nothing overflows:
//   B_0 = A / ‖A‖_F,  L_0 = ln ‖A‖_F;   B_{j+1} = B_j² / s_{j+1},  s_{j+1} = ‖B_j²‖_F,  L_{j+1} = 2 L_j + ln s_{j+1}
//   so A^{2^j} = e^{L_j} B_j (‖B_j‖_F = 1) and ρ ≈ exp(L_j / 2^j).
// For diagonalisable A, ‖A^m‖_F = c_m ρ^m with c_m bounded by n·cond(V), so the error factor c_m^{1/m} → 1 like
// ln(c_m)/2^j — at j = 40 far below rounding. Complex pairs are no problem: the norm of a matrix power does not
// oscillate the way a vector's component does in plain power iteration. Cost: one n³ product per squaring (≤ 64).
//
// largestSingularValue: σ_max(A)² = ρ(AᵀA) with AᵀA symmetric, either by the same squaring ("exact", to rounding)
// or by power iteration on AᵀA (cheap O(n²) per iteration, the choice for repeated calls in traces).

/** Frobenius norm of the first `n` entries. */
function frobenius(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** out = a · b for n×n row-major matrices (out must not alias a or b). i-k-j order: rows of b stream through. */
function squareProduct(a: Float64Array, b: Float64Array, out: Float64Array, n: number): void {
  out.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[oi + k];
      if (aik === 0) continue;
      const bk = k * n;
      for (let j = 0; j < n; j++) out[oi + j] += aik * b[bk + j];
    }
  }
}

/** ρ(A) = max |λ_i| of the n×n matrix `a` (row-major; not modified), by normalised repeated squaring. */
export function spectralRadius(a: Float64Array, n: number): number {
  if (!(Number.isInteger(n) && n >= 1) || a.length < n * n) throw new RangeError(`spectralRadius: need an n×n matrix, n=${n}, ${a.length} values`);
  const norm0 = frobenius(a, n * n);
  if (norm0 === 0) return 0;
  if (!Number.isFinite(norm0)) return NaN;
  let b = new Float64Array(n * n);
  let next = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) b[i] = a[i] / norm0;
  let logScale = Math.log(norm0); // L_j
  let estimate = norm0;
  for (let j = 1; j <= 64; j++) {
    squareProduct(b, b, next, n);
    const s = frobenius(next, n * n);
    if (s === 0) return 0; // nilpotent: A^m = 0 for some m, so every eigenvalue is 0
    for (let i = 0; i < n * n; i++) next[i] /= s;
    logScale = 2 * logScale + Math.log(s);
    const swap = b;
    b = next;
    next = swap;
    const e = Math.exp(logScale / 2 ** j);
    // Converged when the 2^j-th root no longer moves (the remaining change is ≤ ln(c)/2^j).
    if (j >= 8 && Math.abs(e - estimate) <= 1e-15 * e) return e;
    estimate = e;
  }
  return estimate;
}

/** AᵀA (cols × cols) of the rows×cols matrix `a`. */
function gram(a: Float64Array, rows: number, cols: number): Float64Array {
  const g = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    const ar = r * cols;
    for (let i = 0; i < cols; i++) {
      const v = a[ar + i];
      if (v === 0) continue;
      const gi = i * cols;
      for (let j = 0; j < cols; j++) g[gi + j] += v * a[ar + j];
    }
  }
  return g;
}

/** σ_max(A) = ‖A‖₂ of the rows×cols matrix `a`, to rounding: sqrt(ρ(AᵀA)) by repeated squaring. */
export function largestSingularValue(a: Float64Array, rows: number, cols: number): number {
  if (!(rows >= 1 && cols >= 1) || a.length < rows * cols) throw new RangeError(`largestSingularValue: bad shape ${rows}×${cols}`);
  return Math.sqrt(spectralRadius(gram(a, rows, cols), cols));
}

/**
 * Power iteration for σ_max(A): v ← AᵀA v / ‖AᵀA v‖ until the Rayleigh quotient ‖A v‖ changes by less than `tol`
 * (relative) or `maxIterations` pass. `start` (length cols) is the initial vector and receives the final one, so a
 * caller computing σ_max of a slowly changing sequence of matrices can warm-start. Work buffers `av` (rows) and `v`
 * (cols) may be passed to avoid allocation. An estimate from below: exact only in the limit (and when start is not
 * orthogonal to the top singular vector).
 */
export function largestSingularValuePower(
  a: Float64Array, rows: number, cols: number,
  start: Float64Array, maxIterations = 300, tol = 1e-12,
  av: Float64Array = new Float64Array(rows),
): number {
  const v = start;
  let nv = frobenius(v, cols);
  if (nv === 0) {
    for (let j = 0; j < cols; j++) v[j] = 1 / Math.sqrt(cols);
    nv = 1;
  }
  for (let j = 0; j < cols; j++) v[j] /= nv;
  let sigma = 0;
  for (let it = 0; it < maxIterations; it++) {
    // av = A v;  σ ≈ ‖A v‖ for unit v;  v ← Aᵀ(A v) / ‖·‖
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const ar = r * cols;
      for (let j = 0; j < cols; j++) s += a[ar + j] * v[j];
      av[r] = s;
    }
    const next = frobenius(av, rows);
    if (next === 0) return 0;
    v.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) {
      const x = av[r];
      const ar = r * cols;
      for (let j = 0; j < cols; j++) v[j] += a[ar + j] * x;
    }
    const n = frobenius(v, cols);
    for (let j = 0; j < cols; j++) v[j] /= n;
    const done = Math.abs(next - sigma) <= tol * next;
    sigma = next;
    if (done) break;
  }
  return sigma;
}
