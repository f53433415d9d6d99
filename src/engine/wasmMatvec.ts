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
//
// The float32 LSTM step (pinLstmStep, float32 module only). A float32 LSTM's forward step is the product and then
// 4H sigmoids and tanhs and H more tanhs (cellEquations.ts (L1)–(L2)), which in JavaScript cost as much as the
// product itself (Math.exp and Math.tanh, ~8 ns each). pinLstmStep pins W_hh (as pinProduct) and b_hh, and one call
// of l runs (L1)–(L2) on the product's output in the module with σ and tanh in f32x4 arithmetic (lstmStepBody: within
// 3 float32 ulps of the exact values), so only h_{t−1}, c_{t−1}, P_t go in and the step's results come out. PyTorch's
// float32 LSTM evaluates its own float32 σ and tanh, so the float32 goldens hold the step as they hold the rest.
// pinLstmBackStep does the same for the backward of one stream: (L3)–(L5) (lstmBackBody) and the transposed product
// per step, with ∂L/∂h and ∂L/∂c kept in the module between steps and ‖∂L/∂h_t‖ summed there. wasmBatchSteps.ts's
// pins (pinLstmSteps, pinLstmBackSteps, pinRnnSteps) run them for many streams at once. pinLstmSteps runs the
// forward step of S streams at once (batch 32: the bench's and the Training panel's streams): W_hhᵀ packed in panels
// of 8 columns, the product of all S h_{t−1} with it as a register-blocked matrix product (batchBody: 4 streams × 8
// columns of sums per pass down a panel that stays in the cache), then lstmStepBody over the S rows; h_t and c_t stay
// in the module for the next step, so a step copies P_t in and its results out as whole slabs. The float64 kernel
// has none of the three: there the chain keeps the JavaScript steps, bit for bit.
import { F32, F64, instantiateModule, type Lanes, type WasmApi, type WasmMemory } from './wasmAssembler';
import { batchedPins, type PinnedLstmBackSteps, type PinnedLstmSteps, type PinnedRnnBackSteps, type PinnedRnnSteps } from './wasmBatchSteps';
import { matvecModuleBytes, ROWS } from './wasmMatvecKernels';

export type { PinnedLstmBackSteps, PinnedLstmSteps, PinnedRnnBackSteps, PinnedRnnSteps };

type Floats = Float64Array | Float32Array;

/**
 * The largest footprint pinned (elements of M padded, x, y and the transposition's strip of 16 rows): 4096 × 1024 —
 * the LSTM's W_hh at the hidden size limit of 1024 (src/shared/trainingConfig.ts) — and its vectors. About 32 MiB
 * of float64, 16 MiB of float32.
 */
export const MATVEC_MAX_ELEMENTS = 4096 * 1024 + 2 * 4096 + 16 * 4096 + 64;

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
  /**
   * Float32 only (absent from the float64 kernel, whose chain keeps the JavaScript step bit for bit): pins an LSTM's
   * W_hh (4H × H) and b_hh (4H) for whole forward steps (PinnedLstmStep); null when H is not a multiple of 4 or the
   * matrix is too large.
   */
  pinLstmStep?: (W: F, bhh: F, H: number) => PinnedLstmStep<F> | null;
  /**
   * Float32 only, likewise: pins an LSTM's W_hh (4H × H) and b_hh for whole forward steps of `streams` streams at once
   * (PinnedLstmSteps); null when H is not a multiple of 4 or the footprint is too large.
   */
  pinLstmSteps?: (W: F, bhh: F, H: number, streams: number) => PinnedLstmSteps<F> | null;
  /** Float32 only, likewise: pins an LSTM's W_hh for whole backward steps of `streams` streams at once (PinnedLstmBackSteps). */
  pinLstmBackSteps?: (W: F, H: number, streams: number) => PinnedLstmBackSteps<F> | null;
  /** Float32 only, likewise: pins an RNN's W_hh for whole backward steps of `streams` streams at once (PinnedRnnBackSteps). */
  pinRnnBackSteps?: (W: F, H: number, streams: number, relu: boolean) => PinnedRnnBackSteps<F> | null;
  /** Float32 only, likewise for a tanh (relu false) or ReLU RNN's W_hh (H × H) and b_hh (PinnedRnnSteps). */
  pinRnnSteps?: (W: F, bhh: F, H: number, streams: number, relu: boolean) => PinnedRnnSteps<F> | null;
  /** Float32 only, likewise: pins an LSTM's W_hh for whole backward steps of one stream (PinnedLstmBackStep). */
  pinLstmBackStep?: (W: F, H: number) => PinnedLstmBackStep<F> | null;
}

/**
 * A pinned LSTM W_hh for the backward of one stream: per step (L3)–(L5) and ∂L/∂h_{t−1} = W_hhᵀ δa_t in the module
 * (lstmBackBody, then the transposed product), with the running ∂L/∂h and ∂L/∂c kept there between steps.
 */
export interface PinnedLstmBackStep<F extends Floats> {
  /** Starts a pass from ∂L/∂h_T = dh and ∂L/∂c_T = dc (H each). */
  begin(dh: F, dc: F): void;
  /**
   * Step t, as CellChain's loop runs it with lstmBackwardStep and the product: reads [i f g o] at Z[row …], c_{t−1} at
   * cs[prev …], tanh(c_t) at tc[prev …], dY[prev …] (null: none); writes δP_t to dP[row …]; returns ‖dh + dY‖₂, the
   * whole ∂L/∂h_t (CellChain.gradNorms' h).
   */
  step(Z: F, row: number, cs: F, tc: F, prev: number, dY: F | null, dP: F): number;
  /** Ends a pass: ∂L/∂h_0 into dh, ∂L/∂c_0 into dc. */
  end(dh: F, dc: F): void;
  release(): void;
}

/**
 * A pinned LSTM W_hh and b_hh: one forward step of one stream, the product and cellEquations.ts (L1)–(L2) in the
 * module (the gates' σ and tanh in f32x4, see lstmStepBody). Retired like a PinnedProduct.
 */
export interface PinnedLstmStep<F extends Floats> {
  /**
   * From h_{t−1} = hs[prev …], c_{t−1} = cs[prev …] and P_t = P[row …] (4H): writes the pre-activations over
   * P[row …], the gates [i f g o] into Z[row …], tanh(c_t) into tc[prev …], c_t and h_t into cs[cur …], hs[cur …] —
   * what lstmForwardStep writes for one stream.
   */
  step(P: F, Z: F, row: number, hs: F, cs: F, tc: F, prev: number, cur: number): void;
  release(): void;
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
  let live: object | null = null;

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
      // x in: a long run as one memory copy (set; its view costs less than a loop from ~64 values on), a short one by hand.
      if (K >= 64) h.set(x.subarray(xOff, xOff + K), xAt);
      else for (let k = 0; k < K; k++) h[xAt + k] = x[xOff + k];
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
    const pinned = new Pinned(K, N, K2, N2, add);
    live = pinned;
    return pinned;
  };

  const checked = (W: F, wOff: number, rows: number, cols: number): void => {
    if (!(W instanceof View)) throw new TypeError(`a ${t === F64 ? 'float64' : 'float32'} kernel was given another array type`);
    if (!(Number.isInteger(rows) && Number.isInteger(cols) && wOff >= 0 && wOff + rows * cols <= W.length)) {
      throw new RangeError(`a ${rows} × ${cols} matrix from ${wOff} does not fit ${W.length} values`);
    }
  };

  // y = W x: M = Wᵀ (cols × rows), M[k, i] = W[i, k]: W is copied in a strip of rows at a time and transposed in
  // the module (a JavaScript transposition cost as much as ~20 products).
  const pinTransposing = (W: F, wOff: number, rows: number, cols: number, strip: number): Pinned | null =>
    pin(cols, rows, false, Math.max(strip, STRIP * cols), (h, N2, stripAt) => {
      for (let i0 = 0; i0 < rows; i0 += STRIP) {
        const n = Math.min(STRIP, rows - i0);
        h.set(W.subarray(wOff + i0 * cols, wOff + (i0 + n) * cols), stripAt);
        transposeStrip(stripAt << t.shift, i0 << t.shift, n, cols, N2);
      }
    });

  type StepKernel = (bias: number, a: number, q: number, c: number, z: number, tc: number, ht: number, hb: number, streams: number) => void;
  const lstmStep = wasm.exports.l as StepKernel | undefined;
  /** The LSTM step on a product pin: its strip, once transposed, holds the step's region (lstmStepBody). */
  const pinLstmStep = (W: F, bhh: F, H: number): PinnedLstmStep<F> | null => {
    checked(W, 0, 4 * H, H);
    if (!(H % 4 === 0 && bhh.length >= 4 * H)) return null;
    const GH = 4 * H;
    const inner = pinTransposing(W, 0, GH, H, 15 * H);
    if (inner === null) return null;
    // K2 = H, N2 = 4H (both multiples of ROWS and of the 4 lanes): x at xAt, y at yAt, the region R after them.
    const xAt = GH * H;
    const yAt = xAt + H;
    const R = yAt + GH;
    heap.set(bhh.subarray(0, GH), R);
    // The module's side of the copies, as views made once (the memory grows only at a pin, which retires this handle).
    const h = heap;
    const aOut = h.subarray(R + GH, R + 2 * GH);
    const cOut = h.subarray(R + 8 * H, R + 9 * H);
    const zOut = h.subarray(R + 9 * H, R + 13 * H);
    const tOut = h.subarray(R + 13 * H, R + 14 * H);
    const hOut = h.subarray(R + 14 * H, R + 15 * H);
    return {
      step(P, Z, row, hs, cs, tc, prev, cur) {
        if (live !== inner) throw new Error('this pinned matrix was released or replaced: pin it again');
        // Copies in and out as whole runs (set: a memory copy; per-element loops cost ~3× the step's arithmetic).
        h.set(hs.subarray(prev, prev + H), xAt);
        g(0, xAt << 2, yAt << 2, H, GH);
        h.set(P.subarray(row, row + GH), R + GH);
        h.set(cs.subarray(prev, prev + H), R + 8 * H);
        lstmStep!(R << 2, (R + GH) << 2, yAt << 2, (R + 8 * H) << 2, (R + 9 * H) << 2, (R + 13 * H) << 2, (R + 14 * H) << 2, H << 2, 1);
        P.set(aOut, row);
        Z.set(zOut, row);
        cs.set(cOut, cur);
        tc.set(tOut, prev);
        hs.set(hOut, cur);
      },
      release: () => inner.release(),
    };
  };

  const lstmBack = wasm.exports.b as ((...addresses: number[]) => void) | undefined;
  /** y += Wᵀ x: M = W (rows × cols), copied as it is (an unpadded W in one run). */
  const pinPlain = (W: F, wOff: number, rows: number, cols: number, strip: number): Pinned | null =>
    pin(rows, cols, true, strip, (h, N2) => {
      if (N2 === cols) h.set(W.subarray(wOff, wOff + rows * cols), 0);
      else for (let i = 0; i < rows; i++) h.set(W.subarray(wOff + i * cols, wOff + (i + 1) * cols), i * N2);
    });
  /** The LSTM's backward step on a transposed-product pin, its region after x and y (lstmBackBody). */
  const pinLstmBackStep = (W: F, H: number): PinnedLstmBackStep<F> | null => {
    checked(W, 0, 4 * H, H);
    if (H % 4 !== 0) return null;
    const GH = 4 * H;
    const inner = pinPlain(W, 0, GH, H, 8 * H + 4);
    if (inner === null) return null;
    // K2 = 4H, N2 = H: x (δa, 4H) at xAt, y (∂L/∂h, H) at yAt, the region R after them.
    const xAt = GH * H;
    const yAt = xAt + GH;
    const R = yAt + H;
    const live_ = (): F => {
      if (live !== inner) throw new Error('this pinned matrix was released or replaced: pin it again');
      return heap;
    };
    // δa's view in the module, made once (the memory grows only at a pin, which retires this handle).
    const dOut = heap.subarray(xAt, xAt + GH);
    return {
      begin(dh, dc) {
        const h = live_();
        h.set(dh.subarray(0, H), yAt);
        h.set(dc.subarray(0, H), R + 7 * H);
      },
      step(Z, row, cs, tc, prev, dY, dP) {
        const h = live_();
        h.set(Z.subarray(row, row + GH), R);
        h.set(cs.subarray(prev, prev + H), R + 4 * H);
        h.set(tc.subarray(prev, prev + H), R + 5 * H);
        if (dY) h.set(dY.subarray(prev, prev + H), R + 6 * H);
        else h.fill(0, R + 6 * H, R + 7 * H);
        lstmBack!(R << 2, (R + 4 * H) << 2, (R + 5 * H) << 2, (R + 6 * H) << 2, (R + 7 * H) << 2, (R + 8 * H) << 2, xAt << 2, yAt << 2, H << 2, H << 2, 1);
        // ∂L/∂h_{t−1} = W_hhᵀ δa_t (the LSTM's direct part is 0): the product overwrites y.
        g(0, xAt << 2, yAt << 2, GH, H);
        dP.set(dOut, row);
        const n = R + 8 * H;
        return Math.sqrt(h[n] + h[n + 1] + h[n + 2] + h[n + 3]);
      },
      end(dh, dc) {
        const h = live_();
        dh.set(h.subarray(yAt, yAt + H));
        dc.set(h.subarray(R + 7 * H, R + 8 * H));
      },
      release: () => inner.release(),
    };
  };

  return {
    pinProduct: (W, wOff, rows, cols) => {
      checked(W, wOff, rows, cols);
      return pinTransposing(W, wOff, rows, cols, 0);
    },
    ...(lstmStep && lstmBack && t === F32 ? { pinLstmStep, pinLstmBackStep } : {}),
    ...batchedPins<F>({
      t, View, exports: wasm.exports, memory, checked, lstmStep, lstmBack, maxElements: MATVEC_MAX_ELEMENTS,
      heap: () => heap, setHeap: (h) => { heap = h; }, live: () => live, setLive: (token) => { live = token; },
    }),
    pinTransposedProduct: (W, wOff, rows, cols) => {
      checked(W, wOff, rows, cols);
      return pinPlain(W, wOff, rows, cols, 0);
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
