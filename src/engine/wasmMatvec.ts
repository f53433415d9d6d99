// The recurrence's matrix-vector products at batch one (and a few streams, one at a time) as WebAssembly SIMD kernels
// on a PINNED matrix: the weight matrix is copied into the module's memory once per pass and reused for every time
// step, so a step copies only its vectors in and out (issue 15: traces, Colour Text by Model, batch-1 inference and
// training run one G·H × H product per step forward and one backward, which gemmABt leaves to JavaScript below 8
// rows). cells/cellChain.ts uses it up to MATVEC_MAX_STREAMS streams.
//
// What it computes. With W the G·H × H recurrent matrix W_hh (cells/cellChain.ts):
//   forward   Q_t = W_hh h_{t−1}             y = W x,   y of W's rows, x of its columns       (pinProduct)
//   backward  ∂L/∂h_{t−1} += W_hhᵀ δQ_t     y += Wᵀ x, y of W's columns, x of its rows      (pinTransposedProduct)
// Both run the one kernel g(M, x, y, K, N):  y_j = Σ_{k<K} x_k M[k, j]  (j < N), M row-major K × N in the module's
// memory: M = Wᵀ for the forward (the transpose is taken while pinning), M = W for the backward. Each output is a
// column of lanes: a v128 holds outputs j … j + lanes − 1, and a step of k adds x_k (splat) × row k of M to it. A
// register block of 8 v128 sums (16 f64 / 32 f32 outputs) runs over 4 rows of M per pass, so each row segment and
// each x_k is loaded once per block; the outputs past the last whole block take one v128 at a time.
//
// Summation order: every output is the plain sequence ((0 + x_0 M_0j) + x_1 M_1j) + … + x_{K−1} M_{K−1,j}, each
// product rounded then added (no fused multiply-add), the order of the scalar loop in batchedKernels.ts's gemmABt
// for one row. So in float64 the results are bit-identical to the JavaScript path at B = 1 (the padding below adds
// 0·0 = +0, which changes no sum). The float32 kernel multiplies and adds in float32, as PyTorch's float32 products
// do, where the JavaScript float32 path sums in double precision and rounds once (within u·|s| of the exact sum s):
// the kernel's output is within the recursive-summation bound γ_K Σ_k |x_k M_kj| of s, γ_K = K·u/(1 − K·u),
// u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), which test/engine/wasmMatvec.test.ts
// asserts per output. With several streams gemmABt adds two products at a time, so there the float64 results
// differ from the JavaScript path's in the last bits.
//
// Why pinning is safe. The module holds ONE pinned matrix at a time. pin…() copies W's current values and returns a
// handle; pinning again (any matrix) or release() retires the handle, and apply() on a retired handle throws, so a
// copy can never be read after another matrix replaced it. The copy does not follow later writes to W: the caller
// pins at the start of a pass over the steps, during which W is only read, and releases at its end (cellChain.ts
// pins at the start of every forward pass and of every backward pass, so a training step that updates W in place
// between passes is always seen). Memory: one module memory per element type, grown at a pin to the largest
// matrix pinned so far and never beyond MATVEC_MAX_ELEMENTS padded elements; a larger matrix is not pinned (pin
// returns null) and the caller runs its JavaScript product.
import { F32, F64, FunctionBuilder, instantiateModule, moduleBytes, op, simd, uleb, type Lanes, type WasmApi, type WasmMemory } from './wasmAssembler';

type Floats = Float64Array | Float32Array;

/**
 * The largest footprint pinned (elements of M padded, x, y and the transposition's strip of 16 rows): 4096 × 1024 —
 * the LSTM's W_hh at the hidden size limit of 1024 (src/shared/trainingConfig.ts) — and its vectors. About 32 MiB
 * of float64, 16 MiB of float32.
 */
export const MATVEC_MAX_ELEMENTS = 4096 * 1024 + 2 * 4096 + 16 * 4096 + 64;

/** Rows of M per pass of the inner loop, and v128 sums per register block. */
const ROWS = 4;
const BLOCK = 8;

/** The body of g(m, x, y, K, N): byte addresses m (K × N), x (K), y (N); K a multiple of ROWS, N of the lanes. */
function kernelBody(t: Lanes): number[] {
  const f = new FunctionBuilder(5);
  const [Mp, X, Y, K, N] = [0, 1, 2, 3, 4];
  const stride = f.i32(), strideRows = f.i32(), xEnd = f.i32(), nBytes = f.i32(), cb = f.i32(), xi = f.i32();
  const rows = Array.from({ length: ROWS }, () => f.i32()); // rows[r]: row k + r of M at the block's columns
  const acc = Array.from({ length: BLOCK }, () => f.v128());
  const xs = Array.from({ length: ROWS }, () => f.v128());
  const { emit, get, set, konst, simdOp } = f;
  const size = 1 << t.shift;

  /** One block of `width` v128 sums at output byte offset cb: acc_a = Σ_k x_k M[k, cb/size + a·lanes …]. */
  const block = (width: number): void => {
    for (let a = 0; a < width; a++) {
      emit(...t.zero);
      simdOp(t.splat);
      set(acc[a]);
    }
    // rows[0] = M + cb: row 0 of the block's columns
    get(Mp); get(cb); emit(op.i32Add); set(rows[0]);
    f.loop(xi, xEnd, ROWS * size, () => {
      // x_k … x_{k+ROWS−1} splat (xi = k·size); rows k … k+ROWS−1 of M
      for (let r = 0; r < ROWS; r++) {
        get(X); get(xi); emit(op.i32Add);
        simdOp(t.loadSplat, t.shift, ...uleb(r * size));
        set(xs[r]);
      }
      for (let r = 1; r < ROWS; r++) {
        get(rows[r - 1]); get(stride); emit(op.i32Add); set(rows[r]);
      }
      // acc_a += x_k M[k, ·] for k, k+1, … in turn: each sum adds in the order of k.
      for (let r = 0; r < ROWS; r++) {
        for (let a = 0; a < width; a++) {
          get(acc[a]);
          get(xs[r]);
          get(rows[r]);
          simdOp(simd.v128Load, 4, ...uleb(a * 16));
          simdOp(t.vMul);
          simdOp(t.vAdd);
          set(acc[a]);
        }
      }
      get(rows[0]); get(strideRows); emit(op.i32Add); set(rows[0]);
    });
    for (let a = 0; a < width; a++) {
      get(Y); get(cb); emit(op.i32Add);
      get(acc[a]);
      simdOp(simd.v128Store, 4, ...uleb(a * 16));
    }
  };

  // stride = N·size (bytes per row of M), strideRows = ROWS rows, xEnd = K·size, nBytes = N·size
  get(N); konst(t.shift); emit(op.i32Shl); set(stride);
  get(stride); konst(ROWS); emit(op.i32Mul); set(strideRows);
  get(K); konst(t.shift); emit(op.i32Shl); set(xEnd);
  get(stride); set(nBytes);
  konst(0); set(cb);
  // Whole blocks: while (cb + 8·16 ≤ nBytes) { block(8); cb += 8·16 }
  emit(op.block, 0x40, op.loop, 0x40);
  get(cb); konst(BLOCK * 16); emit(op.i32Add); get(nBytes); emit(op.i32GtU, op.brIf, 1);
  block(BLOCK);
  get(cb); konst(BLOCK * 16); emit(op.i32Add); set(cb);
  emit(op.br, 0, op.end, op.end);
  // The rest, one v128 at a time: while (cb < nBytes) { block(1); cb += 16 }
  emit(op.block, 0x40, op.loop, 0x40);
  get(cb); get(nBytes); emit(op.i32GeU, op.brIf, 1);
  block(1);
  get(cb); konst(16); emit(op.i32Add); set(cb);
  emit(op.br, 0, op.end, op.end);
  return f.encode();
}

/**
 * The body of t(s, d, R, C, N): d[k·N + r] = s[r·C + k] for r < R, k < C (byte addresses s, d): a strip of R rows of
 * W, copied in as it is, written transposed into M = Wᵀ (row stride N). Column k of the strip is read down its R
 * rows and written as one run of M's row k; the strip is short (16 rows) so its rows stay in the cache.
 */
function transposeBody(t: Lanes): number[] {
  const f = new FunctionBuilder(5);
  const [S, D, R, C, N] = [0, 1, 2, 3, 4];
  const rowBytes = f.i32(), dStride = f.i32(), rEnd = f.i32(), kb = f.i32(), rb = f.i32(), sp = f.i32(), dp = f.i32();
  const { emit, get, set, konst } = f;
  const size = 1 << t.shift;
  get(C); konst(t.shift); emit(op.i32Shl); set(rowBytes);
  get(N); konst(t.shift); emit(op.i32Shl); set(dStride);
  get(R); konst(t.shift); emit(op.i32Shl); set(rEnd);
  get(D); set(dp);
  f.loop(kb, rowBytes, size, () => {
    get(S); get(kb); emit(op.i32Add); set(sp);
    f.loop(rb, rEnd, size, () => {
      get(dp); get(rb); emit(op.i32Add);
      get(sp); emit(t.load, t.shift, 0);
      emit(t.store, t.shift, 0);
      get(sp); get(rowBytes); emit(op.i32Add); set(sp);
    });
    get(dp); get(dStride); emit(op.i32Add); set(dp);
  });
  return f.encode();
}

/** The module of the kernels for one element type: g, the product, and t, the transposition of a pin. */
export function matvecModuleBytes(t: Lanes): Uint8Array {
  return moduleBytes([{ name: 'g', params: 5, body: kernelBody(t) }, { name: 't', params: 5, body: transposeBody(t) }]);
}

/** Rows of W per strip of the transposition at a pin. */
const STRIP = 16;

/** A matrix held in the module's memory for repeated products; see the file header. */
export interface PinnedProduct<F extends Floats> {
  /** Length of x. */
  readonly inputs: number;
  /** Length of y. */
  readonly outputs: number;
  /**
   * pinProduct: y[yOff + i] = Σ_k W[i, k] x[xOff + k]  (overwrites y);
   * pinTransposedProduct: y[yOff + j] += Σ_i W[i, j] x[xOff + i]  (adds to y).
   * Throws when the handle was released or another matrix was pinned since.
   */
  apply(x: F, xOff: number, y: F, yOff: number): void;
  /** Retires the handle (apply throws from now on). */
  release(): void;
}

export interface MatvecKernel<F extends Floats> {
  /** Pins W (rows × cols, row-major from wOff) for y = W x; null when W is larger than MATVEC_MAX_ELEMENTS allows. */
  pinProduct(W: F, wOff: number, rows: number, cols: number): PinnedProduct<F> | null;
  /** Pins W (rows × cols, row-major from wOff) for y += Wᵀ x; null likewise. */
  pinTransposedProduct(W: F, wOff: number, rows: number, cols: number): PinnedProduct<F> | null;
}

type Kernel = (m: number, x: number, y: number, k: number, n: number) => void;

/** The kernel for one element type, or null where WebAssembly SIMD is unavailable (`api`: see instantiateModule). */
export function createMatvecKernel<F extends Floats>(
  t: Lanes, View: new (buffer: ArrayBuffer) => F, api?: WasmApi,
): MatvecKernel<F> | null {
  const wasm = instantiateModule<Kernel>(matvecModuleBytes(t), ...(api ? [api] : []));
  if (wasm === null) return null;
  const g = wasm.g;
  const transposeStrip = wasm.exports.t as Kernel;
  const memory: WasmMemory = wasm.memory;
  let heap = new View(memory.buffer);
  /** The live handle; every pin replaces it. */
  let live: Pinned | null = null;

  class Pinned implements PinnedProduct<F> {
    constructor(
      readonly inputs: number, readonly outputs: number, private readonly K2: number, private readonly N2: number,
      private readonly add: boolean,
    ) {}

    apply(x: F, xOff: number, y: F, yOff: number): void {
      if (live !== this) throw new Error('this pinned matrix was released or replaced: pin it again');
      const K = this.inputs;
      const N = this.outputs;
      const K2 = this.K2;
      const N2 = this.N2;
      const h = heap;
      const xAt = K2 * N2;
      const yAt = xAt + K2;
      for (let k = 0; k < K; k++) h[xAt + k] = x[xOff + k];
      g(0, xAt << t.shift, yAt << t.shift, K2, N2);
      if (this.add) for (let j = 0; j < N; j++) y[yOff + j] += h[yAt + j];
      else for (let j = 0; j < N; j++) y[yOff + j] = h[yAt + j];
    }

    release(): void {
      if (live === this) live = null;
    }
  }

  /**
   * Lays out M (K × N) padded to K2 × N2 with zeros, x (K2, zero past K), y (N2) and `strip` more elements from
   * stripAt; fill(heap, N2, stripAt) writes M.
   */
  const pin = (K: number, N: number, add: boolean, strip: number, fill: (h: F, N2: number, stripAt: number) => void): Pinned | null => {
    live = null;
    const K2 = Math.ceil(K / ROWS) * ROWS;
    const N2 = Math.ceil(N / t.lanes) * t.lanes;
    const stripAt = K2 * N2 + K2 + N2;
    const need = stripAt + strip;
    if (!(K >= 1 && N >= 1) || need > MATVEC_MAX_ELEMENTS) return null;
    if (need > heap.length) {
      try {
        memory.grow(Math.ceil(((need << t.shift) - memory.buffer.byteLength) / 65536));
      } catch {
        return null; // the runtime would not give the memory: the JavaScript product runs
      }
      heap = new View(memory.buffer);
    }
    // Zero the padding only (columns N … N2 − 1 of M's rows, rows K … K2 − 1, x past K); fill writes the rest.
    const h = heap;
    if (N2 > N) for (let k = 0; k < K; k++) h.fill(0, k * N2 + N, (k + 1) * N2);
    h.fill(0, K * N2, K2 * N2);
    h.fill(0, K2 * N2 + K, K2 * N2 + K2);
    fill(h, N2, stripAt);
    live = new Pinned(K, N, K2, N2, add);
    return live;
  };

  const checked = (W: F, wOff: number, rows: number, cols: number): void => {
    if (!(W instanceof View)) throw new TypeError(`a ${t === F64 ? 'float64' : 'float32'} kernel was given another array type`);
    if (!(Number.isInteger(rows) && Number.isInteger(cols) && wOff >= 0 && wOff + rows * cols <= W.length)) {
      throw new RangeError(`a ${rows} × ${cols} matrix from ${wOff} does not fit ${W.length} values`);
    }
  };

  return {
    // y = W x: M = Wᵀ (cols × rows), M[k, i] = W[i, k]: W is copied in a strip of rows at a time and transposed in
    // the module (a JavaScript transposition cost as much as ~20 products).
    pinProduct: (W, wOff, rows, cols) => {
      checked(W, wOff, rows, cols);
      return pin(cols, rows, false, STRIP * cols, (h, N2, stripAt) => {
        for (let i0 = 0; i0 < rows; i0 += STRIP) {
          const n = Math.min(STRIP, rows - i0);
          h.set(W.subarray(wOff + i0 * cols, wOff + (i0 + n) * cols), stripAt);
          transposeStrip(stripAt << t.shift, i0 << t.shift, n, cols, N2);
        }
      });
    },
    // y += Wᵀ x: M = W (rows × cols).
    pinTransposedProduct: (W, wOff, rows, cols) => {
      checked(W, wOff, rows, cols);
      return pin(rows, cols, true, 0, (h, N2) => {
        for (let i = 0; i < rows; i++) h.set(W.subarray(wOff + i * cols, wOff + (i + 1) * cols), i * N2);
      });
    },
  };
}

export const wasmMatvec64 = createMatvecKernel<Float64Array>(F64, Float64Array);
export const wasmMatvec32 = createMatvecKernel<Float32Array>(F32, Float32Array);

let enabled = true;

/**
 * Turns the pinned kernels off (false) or back on for every chain's next pass: the JavaScript products run instead.
 * For the benches' JavaScript-against-WebAssembly comparisons and the fallback's tests; on by default.
 */
export function setWasmMatvecEnabled(on: boolean): void {
  enabled = on;
}

/** The pinned kernel for the element type of `a`, or null when WebAssembly SIMD is unavailable or turned off. */
export function matvecKernelFor(a: Floats): MatvecKernel<Floats> | null {
  if (!enabled) return null;
  return (a instanceof Float32Array ? wasmMatvec32 : wasmMatvec64) as MatvecKernel<Floats> | null;
}
