// The float32 recurrence's steps for many streams at once (batch 32: the bench's, the Training panel's and Colour
// Text's chunks), in the matvec module (wasmMatvec.ts, whose header says how pins live and retire): W_hh packed in
// panels of 8 columns for the batched product p (wasmMatvecKernels.ts), then the step bodies of wasmLstmSteps.ts over
// S rows. A step copies its slabs in and out whole; h_t (forward) or ∂L/∂h_{t−1} (backward) stays in the module for
// the next step. Each stream's results are bit-identical to the one-stream pins' (pinLstmStep, pinLstmBackStep): the
// product sums in the same order and the bodies are the same code; test/engine/wasmMatvec.test.ts asserts it.
import type { Lanes, WasmMemory } from './wasmAssembler';
import { PANEL_BYTES } from './wasmMatvecKernels';

type Floats = Float64Array | Float32Array;

/**
 * A pinned LSTM W_hh and b_hh for forward steps of S streams at once: the product of every stream's h_{t−1} with W_hh
 * (batchBody) and cellEquations.ts (L1)–(L2) (lstmStepBody over S rows), on time-major slabs of S rows as CellChain
 * lays them out. Retired like a PinnedProduct.
 */
export interface PinnedLstmSteps<F extends Floats> {
  readonly streams: number;
  /**
   * One step: h_{t−1} = hs[prev …], c_{t−1} = cs[prev …] (S·H each; not read when `carried`: they are the last step's
   * h_t and c_t, still in the module) and P_t = P[row …] (S·4H); writes what lstmForwardStep writes for S streams:
   * the pre-activations over P, [i f g o] into Z[row …], tanh(c_t) into tc[prev …], c_t and h_t into cs[cur …], hs[cur …].
   */
  step(P: F, Z: F, row: number, hs: F, cs: F, tc: F, prev: number, cur: number, carried: boolean): void;
  release(): void;
}

/**
 * A pinned LSTM W_hh for the backward steps of S streams at once: per step (L3)–(L5) over the S rows (lstmBackBody)
 * and ∂L/∂h_{t−1} = W_hhᵀ δa_t as one batched product, with ∂L/∂h and ∂L/∂c kept in the module between steps. As
 * PinnedLstmBackStep, on time-major slabs of S rows; dh and dc are S rows of H (stream-major, as CellChain's).
 */
export interface PinnedLstmBackSteps<F extends Floats> {
  readonly streams: number;
  begin(dh: F, dc: F): void;
  /**
   * Step t: reads [i f g o] at Z[row …] (S·4H), c_{t−1} and tanh(c_t) at cs[prev …], tc[prev …], dY[prev …] (null:
   * none; S·H each); writes δP_t to dP[row …] and, when `norms` is given, ‖dh + dY‖₂ of stream s to norms[normAt + s].
   */
  step(Z: F, row: number, cs: F, tc: F, prev: number, dY: F | null, dP: F, norms: Float64Array | null, normAt: number): void;
  end(dh: F, dc: F): void;
  release(): void;
}

/** A pinned RNN W_hh and b_hh for forward steps of S streams at once (batchBody, then rnnStepBody): as PinnedLstmSteps. */
export interface PinnedRnnSteps<F extends Floats> {
  readonly streams: number;
  /**
   * One step: h_{t−1} = hs[prev …] (S·H; not read when `carried`) and P_t = P[row …] (S·H); writes what rnnForwardStep
   * writes for S streams: the pre-activations a over P, h_t into hs[cur …].
   */
  step(P: F, row: number, hs: F, prev: number, cur: number, carried: boolean): void;
  release(): void;
}


/** A pinned RNN W_hh for the backward steps of S streams at once ((R2) over S rows, then one product): as PinnedLstmBackSteps. */
export interface PinnedRnnBackSteps<F extends Floats> {
  readonly streams: number;
  /** Starts a pass from ∂L/∂h_T = dh (S rows of H). */
  begin(dh: F): void;
  /**
   * Step t: reads h_t at hs[cur …] and dY[prev …] (null: none; S·H each); writes δP_t to dP[prev …] and, when `norms`
   * is given, ‖dh + dY‖₂ of stream s to norms[normAt + s].
   */
  step(hs: F, cur: number, dY: F | null, prev: number, dP: F, norms: Float64Array | null, normAt: number): void;
  /** Ends a pass: ∂L/∂h_0 into dh. */
  end(dh: F): void;
  release(): void;
}

/** What the batched pins need of the module and of its one live handle (see createMatvecKernel). */
export interface ModuleContext<F extends Floats> {
  t: Lanes;
  View: new (buffer: ArrayBuffer) => F;
  exports: Record<string, unknown>;
  memory: WasmMemory;
  /** The module's memory as it is now (a pin may grow it). */
  heap(): F;
  /** Replaces the heap view after a grow. */
  setHeap(h: F): void;
  /** The live handle (every pin replaces it). */
  live(): object | null;
  setLive(token: object | null): void;
  /** Throws unless W is of the kernel's type and holds rows × cols from wOff. */
  checked(W: F, wOff: number, rows: number, cols: number): void;
  /** The largest footprint of the one-stream pins (elements). */
  maxElements: number;
  lstmStep: ((...addresses: number[]) => void) | undefined;
  lstmBack: ((...addresses: number[]) => void) | undefined;
}

/** The batched pins of a float32 module, or none (float64, or a module without the kernels). */
export function batchedPins<F extends Floats>(ctx: ModuleContext<F>): {
  pinLstmSteps?: (W: F, bhh: F, H: number, streams: number) => PinnedLstmSteps<F> | null;
  pinRnnSteps?: (W: F, bhh: F, H: number, streams: number, relu: boolean) => PinnedRnnSteps<F> | null;
  pinLstmBackSteps?: (W: F, H: number, streams: number) => PinnedLstmBackSteps<F> | null;
  pinRnnBackSteps?: (W: F, H: number, streams: number, relu: boolean) => PinnedRnnBackSteps<F> | null;
} {
  const { t, View, exports, memory, checked, lstmStep, lstmBack } = ctx;
  const MATVEC_MAX_ELEMENTS = ctx.maxElements;
  const batchProduct = exports.p as ((m: number, x: number, y: number, k: number, p: number, s: number) => void) | undefined;
  const lanes2 = PANEL_BYTES >> t.shift;
  /**
   * The batched pins' common part: W (N × H, row-major) as M = Wᵀ (plain: W, H × N, as M = W) packed in panels of
   * `lanes2` columns (N padded to N2 with zero columns), then Ht (S4 × H: the product's x, for a forward pin h_t out
   * and the next step's x; rows past S stay 0) and Y (S4 × N2), S4 = S rounded up to 4, then `extra` elements for the
   * step's own slabs. Retires the live handle; null when too large.
   */
  const pinBatch = (W: F, N: number, H: number, S: number, extra: number, plain = false) => {
    const N2 = Math.ceil(N / lanes2) * lanes2;
    const S4 = Math.ceil(S / 4) * 4;
    const htAt = N2 * H;
    const yAt = htAt + S4 * H;
    const restAt = yAt + S4 * N2;
    const need = restAt + extra;
    ctx.setLive(null);
    if (need > MATVEC_MAX_ELEMENTS * 2) return null;
    if (need > ctx.heap().length) {
      try {
        memory.grow(Math.ceil(((need << t.shift) - memory.buffer.byteLength) / 65536));
      } catch {
        return null;
      }
      ctx.setHeap(new View(memory.buffer));
    }
    const h = ctx.heap();
    // M[k, j] = W[j, k] (plain: W[k, j]): column j = lanes2·p + c of panel p, row k at (p·H + k)·lanes2 + c.
    if (N2 > N) h.fill(0, 0, htAt);
    if (plain) {
      for (let k = 0; k < H; k++) {
        for (let j0 = 0; j0 < N; j0 += lanes2) {
          const at = (j0 / lanes2) * H * lanes2 + k * lanes2;
          const n = Math.min(lanes2, N - j0);
          for (let c = 0; c < n; c++) h[at + c] = W[k * N + j0 + c];
        }
      }
    } else {
      for (let j = 0; j < N; j++) {
        const base = Math.floor(j / lanes2) * H * lanes2 + (j % lanes2);
        const row = j * H;
        for (let k = 0; k < H; k++) h[base + k * lanes2] = W[row + k];
      }
    }
    h.fill(0, htAt + S * H, htAt + S4 * H);
    const token = {};
    ctx.setLive(token);
    return {
      h, token, htAt, yAt, restAt, N2,
      ht: h.subarray(htAt, htAt + S * H),
      /** (Q): row s of Y = W h_{t−1} of stream s (row s of Ht), for every stream (the product p). */
      product: () => batchProduct!(0, htAt << t.shift, yAt << t.shift, H, N2 / lanes2, S4),
      check: () => {
        if (ctx.live() !== token) throw new Error('this pinned matrix was released or replaced: pin it again');
      },
      release: () => {
        if (ctx.live() === token) ctx.setLive(null);
      },
    };
  };

  /**
   * Whole forward LSTM steps of S streams (PinnedLstmSteps): pinBatch's layout with N = 4H, then Bias (4H) | A (S × 4H)
   * | C (S × H) | Z (S × 4H) | TC (S × H).
   */
  const pinLstmSteps = (W: F, bhh: F, H: number, S: number): PinnedLstmSteps<F> | null => {
    checked(W, 0, 4 * H, H);
    if (!(H % 4 === 0 && bhh.length >= 4 * H && Number.isInteger(S) && S >= 1)) return null;
    const GH = 4 * H;
    const pin = pinBatch(W, GH, H, S, GH + 2 * S * GH + 2 * S * H);
    if (pin === null) return null;
    const { h, htAt, yAt, restAt: biasAt } = pin;
    const aAt = biasAt + GH;
    const cAt = aAt + S * GH;
    const zAt = cAt + S * H;
    const tcAt = zAt + S * GH;
    h.set(bhh.subarray(0, GH), biasAt);
    const a = h.subarray(aAt, aAt + S * GH), c = h.subarray(cAt, cAt + S * H);
    const z = h.subarray(zAt, zAt + S * GH), tcv = h.subarray(tcAt, tcAt + S * H);
    return {
      streams: S,
      step(P, Z, row, hs, cs, tc, prev, cur, carried) {
        pin.check();
        if (!carried) {
          pin.ht.set(hs.subarray(prev, prev + S * H));
          c.set(cs.subarray(prev, prev + S * H));
        }
        // (Q) Q_t = W_hh h_{t−1} for every stream, then (L1)–(L2): copies in and out as whole slabs.
        pin.product();
        a.set(P.subarray(row, row + S * GH));
        lstmStep!(biasAt << 2, aAt << 2, yAt << 2, cAt << 2, zAt << 2, tcAt << 2, htAt << 2, H << 2, S);
        P.set(a, row);
        Z.set(z, row);
        cs.set(c, cur);
        tc.set(tcv, prev);
        hs.set(pin.ht, cur);
      },
      release: pin.release,
    };
  };

  const rnnSteps = { tanh: exports.r, relu: exports.u } as Record<'tanh' | 'relu', ((bias: number, a: number, q: number, ht: number, hb: number, qb: number, s: number) => void) | undefined>;
  /** Whole forward RNN steps of S streams (PinnedRnnSteps): pinBatch's layout with N = H, then Bias (H) | A (S × H). */
  const pinRnnSteps = (W: F, bhh: F, H: number, S: number, relu: boolean): PinnedRnnSteps<F> | null => {
    checked(W, 0, H, H);
    if (!(H % 4 === 0 && bhh.length >= H && Number.isInteger(S) && S >= 1)) return null;
    const pin = pinBatch(W, H, H, S, H + S * H);
    if (pin === null) return null;
    const { h, htAt, yAt, restAt: biasAt, N2 } = pin;
    const aAt = biasAt + H;
    h.set(bhh.subarray(0, H), biasAt);
    const a = h.subarray(aAt, aAt + S * H);
    const kernel = rnnSteps[relu ? 'relu' : 'tanh']!;
    return {
      streams: S,
      step(P, row, hs, prev, cur, carried) {
        pin.check();
        if (!carried) pin.ht.set(hs.subarray(prev, prev + S * H));
        // (Q) Q_t = W_hh h_{t−1} for every stream, then (R1).
        pin.product();
        a.set(P.subarray(row, row + S * H));
        kernel(biasAt << 2, aAt << 2, yAt << 2, htAt << 2, H << 2, N2 << 2, S);
        P.set(a, row);
        hs.set(pin.ht, cur);
      },
      release: pin.release,
    };
  };

  /**
   * Whole backward LSTM steps of S streams (PinnedLstmBackSteps): pinBatch's layout for y += Wᵀ x (plain M = W_hh,
   * K = 4H, N = H; its x is δa, its y ∂L/∂h), then Zs (S × 4H) | Cs | TCs | DY | DC (S × H each) | Ns (S × 4).
   */
  const pinLstmBackSteps = (W: F, H: number, S: number): PinnedLstmBackSteps<F> | null => {
    checked(W, 0, 4 * H, H);
    if (!(H % 4 === 0 && Number.isInteger(S) && S >= 1)) return null;
    const GH = 4 * H;
    const pin = pinBatch(W, H, GH, S, S * GH + 4 * S * H + 4 * S, true);
    if (pin === null) return null;
    const { h, htAt: xAt, yAt, restAt: zAt, N2 } = pin;
    const cAt = zAt + S * GH, tcAt = cAt + S * H, dyAt = tcAt + S * H, dcAt = dyAt + S * H, nAt = dcAt + S * H;
    const z = h.subarray(zAt, zAt + S * GH), c = h.subarray(cAt, cAt + S * H), tcv = h.subarray(tcAt, tcAt + S * H);
    const dy = h.subarray(dyAt, dyAt + S * H), dcv = h.subarray(dcAt, dcAt + S * H), x = h.subarray(xAt, xAt + S * GH);
    return {
      streams: S,
      begin(dh, dc) {
        pin.check();
        for (let s = 0; s < S; s++) h.set(dh.subarray(s * H, (s + 1) * H), yAt + s * N2);
        dcv.set(dc.subarray(0, S * H));
      },
      step(Z, row, cs, tc, prev, dY, dP, norms, normAt) {
        pin.check();
        z.set(Z.subarray(row, row + S * GH));
        c.set(cs.subarray(prev, prev + S * H));
        tcv.set(tc.subarray(prev, prev + S * H));
        if (dY) dy.set(dY.subarray(prev, prev + S * H));
        else dy.fill(0);
        // (L3)–(L5) for every stream, then ∂L/∂h_{t−1} = W_hhᵀ δa_t (the LSTM's direct part is 0): y is overwritten.
        lstmBack!(zAt << 2, cAt << 2, tcAt << 2, dyAt << 2, dcAt << 2, nAt << 2, xAt << 2, yAt << 2, H << 2, N2 << 2, S);
        pin.product();
        dP.set(x, row);
        if (norms) for (let s = 0; s < S; s++) norms[normAt + s] = Math.sqrt(h[nAt + 4 * s] + h[nAt + 4 * s + 1] + h[nAt + 4 * s + 2] + h[nAt + 4 * s + 3]);
      },
      end(dh, dc) {
        pin.check();
        for (let s = 0; s < S; s++) dh.set(h.subarray(yAt + s * N2, yAt + s * N2 + H), s * H);
        dc.set(dcv);
      },
      release: pin.release,
    };
  };

  const rnnBacks = { tanh: exports.rb, relu: exports.ub } as Record<'tanh' | 'relu', ((...addresses: number[]) => void) | undefined>;
  /**
   * Whole backward RNN steps of S streams (PinnedRnnBackSteps): pinBatch's layout for y += Wᵀ x (plain M = W_hh,
   * K = N = H; its x is δP, its y ∂L/∂h), then Hs | DY (S × H each) | Ns (S × 4).
   */
  const pinRnnBackSteps = (W: F, H: number, S: number, relu: boolean): PinnedRnnBackSteps<F> | null => {
    checked(W, 0, H, H);
    if (!(H % 4 === 0 && Number.isInteger(S) && S >= 1)) return null;
    const pin = pinBatch(W, H, H, S, 2 * S * H + 4 * S, true);
    if (pin === null) return null;
    const { h, htAt: xAt, yAt, restAt: hsAt, N2 } = pin;
    const dyAt = hsAt + S * H, nAt = dyAt + S * H;
    const hv = h.subarray(hsAt, hsAt + S * H), dy = h.subarray(dyAt, dyAt + S * H), x = h.subarray(xAt, xAt + S * H);
    const kernel = rnnBacks[relu ? 'relu' : 'tanh']!;
    return {
      streams: S,
      begin(dh) {
        pin.check();
        for (let s = 0; s < S; s++) h.set(dh.subarray(s * H, (s + 1) * H), yAt + s * N2);
      },
      step(hs, cur, dY, prev, dP, norms, normAt) {
        pin.check();
        hv.set(hs.subarray(cur, cur + S * H));
        if (dY) dy.set(dY.subarray(prev, prev + S * H));
        else dy.fill(0);
        // (R2) for every stream, then ∂L/∂h_{t−1} = W_hhᵀ δP_t: y is overwritten.
        kernel(hsAt << 2, dyAt << 2, nAt << 2, xAt << 2, yAt << 2, H << 2, N2 << 2, S);
        pin.product();
        dP.set(x, prev);
        if (norms) for (let s = 0; s < S; s++) norms[normAt + s] = Math.sqrt(h[nAt + 4 * s] + h[nAt + 4 * s + 1] + h[nAt + 4 * s + 2] + h[nAt + 4 * s + 3]);
      },
      end(dh) {
        pin.check();
        for (let s = 0; s < S; s++) dh.set(h.subarray(yAt + s * N2, yAt + s * N2 + H), s * H);
      },
      release: pin.release,
    };
  };

  return {
    ...(lstmStep && lstmBack && batchProduct && t.lanes === 4 ? { pinLstmSteps, pinLstmBackSteps } : {}),
    ...(rnnSteps.tanh && rnnSteps.relu && rnnBacks.tanh && rnnBacks.relu && batchProduct && t.lanes === 4 ? { pinRnnSteps, pinRnnBackSteps } : {}),
  };
}
