// One layer-direction of a recurrent network run over T steps of B streams: the one driver of the cell equations.
// The batch-of-one cells of this folder (traces, bidirectional runs, RecurrentStack) are this chain with B = 1, and
// batchedStack.ts runs one chain per layer with the trainer's B streams; batchedStack32.ts uses the generated float32
// copy, cellChain32.ts. So each cell's maths exists once per dtype: the step equations in cellEquations.ts, and the
// products around them here.
//
// Rows are time-major: row r = t·B + b is time t of stream b (with B = 1, row t is step t). G gate blocks of H.
//   P = X W_ihᵀ + b_ih            all T·B rows at once (one-hot input: column id of W_ih)                   (P)
//   Q_t = H_{t−1} W_hhᵀ           B × G·H per step (gemmABt); the cell equations combine P_t, Q_t, b_hh      (Q)
// Backward, with dh = ∂L/∂h_T (and dc = ∂L/∂c_T) set by the caller and dY row r = ∂L/∂h_t from above:
//   per step t = T−1 … 0: the cell's δP_t, δQ_t (cellEquations.ts); then ∂L/∂H_{t−1} = dh + δQ_t W_hh        (B)
//   ∂L/∂W_hh += Σ_t δQ_tᵀ H_{t−1}   ∂L/∂b_hh += Σ_t δQ_t   ∂L/∂b_ih += Σ_t δP_t                            (W)
//   ∂L/∂W_ih += δPᵀ X   ∂L/∂X = δP W_ih                                                                      (X)
// Products with a transposed operand run on transposed copies (scratch gT, xT, wT) so that all of them are A Bᵀ
// (gemmABt, the fast kernel):  ∂W += δᵀ X = (δᵀ)(Xᵀ)ᵀ,  ∂X = δ W = δ (Wᵀ)ᵀ.  Gradients are ADDED.
// With at most MATVEC_MAX_STREAMS streams and at least MATVEC_MIN_STEPS steps, (Q) and the product of (B) run per
// stream as matrix-vector products on a copy of W_hh pinned in WebAssembly memory (wasmMatvec.ts):
// Q_t = W_hh h_{t−1} and ∂L/∂h_{t−1} += W_hhᵀ δQ_t. A float32 LSTM runs its whole forward step there instead (the
// product and (L1)–(L2), σ and tanh in f32x4: wasmMatvec.ts's pinLstmStep) when H is a multiple of 4, and with one
// stream its whole backward step too ((L3)–(L5) and the product: pinLstmBackStep). With more streams a float32 LSTM
// (and a float32 RNN) runs each forward step for all of them at once in the module (the product as a register-blocked
// matrix product on a packed W_hhᵀ, then (L1)–(L2) or (R1): pinLstmSteps, pinRnnSteps), and a float32 LSTM its
// backward steps too ((L3)–(L5) over all streams, then one product with W_hh: pinLstmBackSteps; an RNN's (R2):
// pinRnnBackSteps).
// W_hh is pinned afresh at the start of every forward pass and every backward pass and released at its end, so an
// update of the weights between passes is always seen; without WebAssembly SIMD (or with it turned off) gemmABt runs.
//
// Buffers (see cellEquations.ts for what each step reads and writes):
//   P   rows r, G·H    P_t until step t runs, then the gates' pre-activations; δP after backward unless kept apart
//   Z   rows r, G·H    gate values [r z n] / [i f g o] (empty for the RNN, whose a_t stays in P)
//   hs  slab 0 = h_0 (the caller writes it), slab t + 1 = h_t; (T + 1)·B × H
//   cs  LSTM: slab 0 = c_0, slab t + 1 = c_t;  tc  LSTM: tanh(c_t) slab t;  qn  GRU: Q_n + b_hn slab t
//   dP  δP rows: P itself (the batched stack's memory) or its own buffer (the cells keep the pre-activations)
//   dQ  δQ rows: dP, but for the GRU (δQ_n = δn ⊙ r)
import { gemmABt, transpose, type Floats } from '../batchedKernels';
import { throwIfAborted, type AbortCheck } from '../stepAbort';
import { matvecKernelFor } from '../wasmMatvec';
import {
  gruBackwardStep, gruForwardStep, lstmBackwardStep, lstmForwardStep, rnnBackwardStep, rnnForwardStep,
} from './cellEquations';

export type ChainKind = 'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm';

/**
 * Chains of at most this many streams run the recurrent products on a pinned W_hh (wasmMatvec.ts), one stream at a
 * time: below the 8 rows from which gemmABt hands the product to its WebAssembly kernel (which copies W_hh per call),
 * the JavaScript product is the alternative, and per-stream SIMD products beat it at every B up to 7 (forward +
 * backward 1.4–2.4× at H = 128, bench/pinnedMatvec.ts's way of measuring); from 8 streams on the two kernels were
 * measured even, and there a float32 LSTM or RNN runs whole steps of all its streams at once instead
 * (wasmBatchSteps.ts). At B = 1 the float64 results are those of the JavaScript product bit for bit; at 2 … 7 they
 * differ in the last bits (gemmABt adds two terms at a time there, see wasmMatvec.ts for the kernel's order).
 */
export const MATVEC_MAX_STREAMS = 7;

/**
 * Passes of fewer steps keep the JavaScript product: pinning copies W_hh once, which costs about as much as the one
 * product a single step would run on it (sampling a character at a time measured 0.84–1.08× at T = 1, 1.1–1.6× at
 * T = 2 … 4; H = 32, 128).
 */
export const MATVEC_MIN_STEPS = 2;

/** Views of one layer-direction's parameters (or of their gradients), PyTorch's layout. */
export interface ChainTensors {
  /** (G·H)×I, row-major. */
  weightIh: Floats;
  /** (G·H)×H, row-major. */
  weightHh: Floats;
  /** G·H. */
  biasIh: Floats;
  /** G·H. */
  biasHh: Floats;
}

/** Work buffers for the transposed copies of backward; one set can serve every chain that runs one at a time. */
export interface ChainScratch {
  gT: Floats;
  xT: Floats;
  wT: Floats;
}

/** Scratch for chains of up to `rows` rows (T·B), input widths up to `maxInput`, G·H, H. */
export function chainScratch(F: Float64ArrayConstructor | Float32ArrayConstructor, rows: number, GH: number, H: number, maxInput: number, extra = 0): ChainScratch {
  const widest = Math.max(GH, H, maxInput, extra);
  return { gT: new F(widest * rows), xT: new F(widest * rows), wT: new F(widest * widest) };
}

/** Gate blocks G per cell kind: RNN 1, GRU 3 (r, z, n), LSTM 4 (i, f, g, o). */
export function chainGates(kind: ChainKind): number {
  return kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
}

export class CellChain {
  readonly kind: ChainKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** G: gate blocks stacked in the weights. */
  readonly gates: number;
  readonly streams: number;
  readonly maxSteps: number;
  readonly P: Floats;
  readonly Z: Floats;
  readonly hs: Floats;
  readonly cs: Floats | null;
  readonly tc: Floats | null;
  readonly qn: Floats | null;
  readonly dP: Floats;
  readonly dQ: Floats;
  /** The running ∂L/∂h (B × H): ∂L/∂h_T on entry to backward, ∂L/∂h_0 after. */
  readonly dh: Floats;
  /** The running ∂L/∂c (LSTM), likewise. */
  readonly dc: Floats;
  protected readonly w: ChainTensors;
  protected readonly g: ChainTensors;
  private readonly q: Floats;
  private readonly scratch: ChainScratch;
  /** projectOneHot's table of the current weights, and backward's of the one-hot gradient rows (made afresh at every use). */
  private rowTable: Floats | null = null;
  /**
   * When set, backward records per step t and stream b, at index t·B + b (arrays of ≥ maxSteps·B):
   *   h  ‖∂L/∂h_t‖₂, the whole gradient at h_t as (B) has it on entering step t: the running dh (through h_{t+1},
   *      and for the GRU the direct path z_{t+1} ⊙ ∂L/∂h_{t+1}) plus dY row t (from above);
   *   c  (LSTM) ‖∂L/∂c_t‖₂ = ‖dc + ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh² c_t)‖₂, the running dc being f_{t+1} ⊙ ∂L/∂c_{t+1}
   *      (lstmBackwardStep's dcj).
   * The traces read these for the gradient-flow panels and Colour Text's ‖∂L/∂h_t‖; training leaves it null.
   */
  gradNorms: { h: Float64Array; c: Float64Array | null } | null = null;
  /**
   * false: backward leaves the parameter gradients as they are ((W) and ∂W_ih of (X) are skipped) and computes only
   * the gradients of the states and of the input, for a caller that reads those alone (the traces).
   */
  parameterGradients = true;
  /** Steps of the last forward. */
  protected steps = 0;

  /**
   * `weights` and `grads` are views of the chain's tensors (the float type of `weights` is the chain's); `keepP`
   * gives δP its own buffer so that the pre-activations survive backward; `scratch` is shared with other chains
   * (allocated when omitted).
   */
  constructor(
    kind: ChainKind, inputSize: number, hiddenSize: number, streams: number, maxSteps: number,
    weights: ChainTensors, grads: ChainTensors, keepP: boolean, scratch?: ChainScratch,
  ) {
    if (!(inputSize >= 1 && hiddenSize >= 1 && streams >= 1 && maxSteps >= 1)) {
      throw new RangeError(`bad ${kind} cell shape I=${inputSize} H=${hiddenSize} B=${streams} T=${maxSteps}`);
    }
    const G = chainGates(kind);
    const H = hiddenSize;
    const GH = G * H;
    for (const [what, v] of [['weights', weights], ['gradients', grads]] as const) {
      if (v.weightIh.length !== GH * inputSize || v.weightHh.length !== GH * H || v.biasIh.length !== GH || v.biasHh.length !== GH) {
        throw new RangeError(`${kind} cell ${what} do not have the shapes ${GH}×${inputSize}, ${GH}×${H}, ${GH}, ${GH}`);
      }
    }
    this.kind = kind;
    this.inputSize = inputSize;
    this.hiddenSize = H;
    this.gates = G;
    this.streams = streams;
    this.maxSteps = maxSteps;
    this.w = weights;
    this.g = grads;
    const F = weights.weightIh instanceof Float32Array ? Float32Array : Float64Array;
    const R = maxSteps * streams;
    const S = streams * H;
    this.P = new F(R * GH);
    this.Z = new F(kind === 'lstm' || kind === 'gru' ? R * GH : 0);
    this.hs = new F(R * H + S);
    this.cs = kind === 'lstm' ? new F(R * H + S) : null;
    this.tc = kind === 'lstm' ? new F(R * H) : null;
    this.qn = kind === 'gru' ? new F(R * H) : null;
    this.dP = keepP ? new F(R * GH) : this.P;
    this.dQ = kind === 'gru' ? new F(R * GH) : this.dP;
    this.dh = new F(S);
    this.dc = new F(kind === 'lstm' ? S : 0);
    this.q = new F(streams * GH);
    this.scratch = scratch ?? chainScratch(F, R, GH, H, inputSize);
  }

  /** (P) for R rows of one-hot input: P_r = b_ih + column ids[r] of W_ih (the caller checks the ids). */
  projectOneHot(ids: Int32Array, R: number): void {
    const GH = this.gates * this.hiddenSize;
    const I = this.inputSize;
    // Many rows over a small vocabulary (a char model's chunk: 2048 rows of 65 ids): the table costs I·G·H strided
    // reads once, where R·G·H of them cost a cache line each. Same sums, so the same values, bit for bit; the table is
    // at most half of P's size.
    if (R >= 2 * I) {
      this.rowTable = this.oneHotTable(this.rowTable ?? undefined);
      this.projectOneHotRows(this.rowTable, ids, R);
      return;
    }
    const { P } = this;
    const { weightIh, biasIh } = this.w;
    for (let r = 0; r < R; r++) {
      const id = ids[r];
      const row = r * GH;
      for (let g = 0; g < GH; g++) P[row + g] = biasIh[g] + weightIh[g * I + id];
    }
  }

  /**
   * The table of (P) for one-hot input: row id (G·H) = b_ih + column id of W_ih, the values projectOneHot writes, laid
   * out so that a row is one contiguous run (a column of W_ih is strided by I). For a caller whose weights do not
   * change between passes (projectOneHotRows); `into` is reused when it is large enough.
   */
  oneHotTable(into?: Floats): Floats {
    const GH = this.gates * this.hiddenSize;
    const I = this.inputSize;
    const { weightIh, biasIh } = this.w;
    const table = into && into.length >= I * GH ? into : new (weightIh instanceof Float32Array ? Float32Array : Float64Array)(I * GH);
    for (let id = 0; id < I; id++) for (let g = 0; g < GH; g++) table[id * GH + g] = biasIh[g] + weightIh[g * I + id];
    return table;
  }

  /** (P) for R rows of one-hot input from a oneHotTable of the current weights: P_r = row ids[r] of the table. */
  projectOneHotRows(table: Floats, ids: Int32Array, R: number): void {
    const GH = this.gates * this.hiddenSize;
    const { P } = this;
    for (let r = 0; r < R; r++) P.set(table.subarray(ids[r] * GH, (ids[r] + 1) * GH), r * GH);
  }

  /** (P) for R dense rows of X (R × I from xOff). */
  projectDense(X: Floats, xOff: number, R: number): void {
    const GH = this.gates * this.hiddenSize;
    const { P } = this;
    const { weightIh, biasIh } = this.w;
    gemmABt(P, 0, X, xOff, R, weightIh, 0, GH, this.inputSize, false);
    for (let r = 0; r < R; r++) {
      const row = r * GH;
      for (let g = 0; g < GH; g++) P[row + g] += biasIh[g];
    }
  }

  /**
   * The recurrence over steps 0 … T−1 from the projections in P and the initial states in hs (and cs) slab 0:
   * per step (Q), then the cell's forward step. `abort` is polled before every step.
   */
  recur(T: number, abort: AbortCheck | null): void {
    if (!(T >= 1 && T <= this.maxSteps)) throw new RangeError(`${T} steps do not fit a cell built for 1…${this.maxSteps}`);
    this.steps = T;
    const H = this.hiddenSize;
    const B = this.streams;
    const GH = this.gates * H;
    const { P, Z, hs, q } = this;
    const { weightHh: whh, biasHh: bhh } = this.w;
    const kind = this.kind;
    const relu = kind === 'rnn_relu';
    // W_hh as it is now, pinned for this pass alone (null: the JavaScript product). A float32 LSTM pins whole steps:
    // the product and (L1)–(L2) in the module, stream by stream up to MATVEC_MAX_STREAMS (wasmMatvec.ts's
    // pinLstmStep), all streams at once beyond (pinLstmSteps), and so does a float32 RNN beyond (pinRnnSteps); the
    // float64 kernel has neither.
    const kernel = B <= MATVEC_MAX_STREAMS && T >= MATVEC_MIN_STEPS ? matvecKernelFor(whh) : null;
    const wide = B > MATVEC_MAX_STREAMS ? matvecKernelFor(whh) : null;
    const batched = kind === 'lstm' ? (wide?.pinLstmSteps?.(whh, bhh, H, B) ?? null) : null;
    const batchedRnn = kind === 'rnn_tanh' || relu ? (wide?.pinRnnSteps?.(whh, bhh, H, B, relu) ?? null) : null;
    const fused = kind === 'lstm' ? (kernel?.pinLstmStep?.(whh, bhh, H) ?? null) : null;
    const pinned = kernel && !fused ? kernel.pinProduct(whh, 0, GH, H) : null;
    try {
      for (let t = 0; t < T; t++) {
        throwIfAborted(abort);
        // h_{t−1} (and c_{t−1}) stay in the module from the step before (carried) but at t = 0.
        if (batched) {
          batched.step(P, Z, t * B * GH, hs, this.cs!, this.tc!, t * B * H, (t + 1) * B * H, t > 0);
          continue;
        }
        if (batchedRnn) {
          batchedRnn.step(P, t * B * H, hs, t * B * H, (t + 1) * B * H, t > 0);
          continue;
        }
        if (fused) {
          for (let b = 0; b < B; b++) fused.step(P, Z, (t * B + b) * GH, hs, this.cs!, this.tc!, (t * B + b) * H, (t * B + b + B) * H);
          continue;
        }
        // (Q) q = H_{t−1} W_hhᵀ: row b of q is Q_t = W_hh h_{t−1} of stream b
        if (pinned) for (let b = 0; b < B; b++) pinned.apply(hs, (t * B + b) * H, q, b * GH);
        else gemmABt(q, 0, hs, t * B * H, B, whh, 0, GH, H, false);
        if (kind === 'lstm') lstmForwardStep(P, q, bhh, Z, this.cs!, this.tc!, hs, t, B, H);
        else if (kind === 'gru') gruForwardStep(P, q, bhh, Z, this.qn!, hs, t, B, H);
        else rnnForwardStep(relu, P, q, bhh, hs, t, B, H);
      }
    } finally {
      pinned?.release();
      fused?.release();
      batched?.release();
      batchedRnn?.release();
    }
  }

  /**
   * (B) steps T−1 … 0 of the last forward, with dh (and dc) = the gradient at the final state on entry and dY rows
   * (or null) the gradient from above; writes δP and δQ and leaves ∂L/∂h_0 in dh (∂L/∂c_0 in dc). Then (W), and
   * (X) when the input is dense: X from xOff (null: one-hot `ids`), ∂L/∂X into dX from dxOff (null: not wanted),
   * added when `addDx`, else overwritten.
   */
  backward(
    dY: Floats | null, abort: AbortCheck | null,
    input: { X: Floats; xOff: number } | { ids: Int32Array },
    dX: Floats | null, dxOff: number, addDx: boolean,
  ): void {
    const T = this.steps;
    if (T === 0) throw new RangeError('backward before forward');
    const H = this.hiddenSize;
    const B = this.streams;
    const I = this.inputSize;
    const GH = this.gates * H;
    const R = T * B;
    const { Z, hs, dh, dP, dQ } = this;
    const { gT, xT, wT } = this.scratch;
    const kind = this.kind;
    const relu = kind === 'rnn_relu';
    const whh = this.w.weightHh;
    const norms = this.gradNorms;
    // W_hh as it is now, pinned for this pass alone (null: the JavaScript product on its transpose). A float32 LSTM of
    // one stream pins whole steps ((L3)–(L5) and the product: wasmMatvec.ts's pinLstmBackStep), unless ‖∂L/∂c_t‖ is asked.
    const kernel = B <= MATVEC_MAX_STREAMS && T >= MATVEC_MIN_STEPS ? matvecKernelFor(whh) : null;
    const fused = kind === 'lstm' && B === 1 && !norms?.c ? (kernel?.pinLstmBackStep?.(whh, H) ?? null) : null;
    // With more streams than MATVEC_MAX_STREAMS, all of them at once (pinLstmBackSteps).
    const wideKernel = B > MATVEC_MAX_STREAMS ? matvecKernelFor(whh) : null;
    const wide = kind === 'lstm' && !norms?.c ? (wideKernel?.pinLstmBackSteps?.(whh, H, B) ?? null) : null;
    const wideRnn = kind === 'rnn_tanh' || relu ? (wideKernel?.pinRnnBackSteps?.(whh, H, B, relu) ?? null) : null;
    const pinned = kernel && !fused ? kernel.pinTransposedProduct(whh, 0, GH, H) : null;
    if (!pinned && !fused && !wide && !wideRnn) transpose(whh, 0, GH, H, wT);
    try {
      if (fused) {
        fused.begin(dh, this.dc);
        for (let t = T - 1; t >= 0; t--) {
          throwIfAborted(abort);
          const n = fused.step(Z, t * GH, this.cs!, this.tc!, t * H, dY, dP);
          if (norms) norms.h[t] = n;
        }
        fused.end(dh, this.dc);
      }
      if (wide) {
        wide.begin(dh, this.dc);
        for (let t = T - 1; t >= 0; t--) {
          throwIfAborted(abort);
          wide.step(Z, t * B * GH, this.cs!, this.tc!, t * B * H, dY, dP, norms?.h ?? null, t * B);
        }
        wide.end(dh, this.dc);
      }
      if (wideRnn) {
        wideRnn.begin(dh);
        for (let t = T - 1; t >= 0; t--) {
          throwIfAborted(abort);
          wideRnn.step(hs, (t + 1) * B * H, dY, t * B * H, dP, norms?.h ?? null, t * B);
        }
        wideRnn.end(dh);
      }
      for (let t = fused || wide || wideRnn ? -1 : T - 1; t >= 0; t--) {
        throwIfAborted(abort);
        if (norms) this.recordGradNorms(norms, dY, t);
        if (kind === 'lstm') lstmBackwardStep(Z, this.cs!, this.tc!, dY, dh, this.dc, dP, t, B, H);
        else if (kind === 'gru') gruBackwardStep(Z, this.qn!, hs, dY, dh, dP, dQ, t, B, H);
        else rnnBackwardStep(relu, hs, dY, dh, dP, t, B, H);
        // dh += δQ_t W_hh = δQ_t (W_hhᵀ)ᵀ: row b of dh gets ∂L/∂h_{t−1} += W_hhᵀ δQ_t of stream b
        if (pinned) for (let b = 0; b < B; b++) pinned.apply(dQ, (t * B + b) * GH, dh, b * H);
        else gemmABt(dh, 0, dQ, t * B * GH, B, wT, 0, H, GH, true);
      }
    } finally {
      pinned?.release();
      fused?.release();
      wide?.release();
      wideRnn?.release();
    }
    if (!this.parameterGradients) {
      // ∂X = δP W_ih alone (dense input, when wanted).
      if (dX && !('ids' in input)) {
        transpose(this.w.weightIh, 0, GH, I, wT);
        gemmABt(dX, dxOff, dP, 0, R, wT, 0, I, GH, addDx);
      }
      return;
    }
    // (W) ∂W_hh += Σ_t δQ_tᵀ H_{t−1} (hs rows 0 … R−1 are the previous states), ∂b_hh += Σ_t δQ_t
    const { weightIh: dWih, weightHh: dWhh, biasIh: dBih, biasHh: dBhh } = this.g;
    transpose(dQ, 0, R, GH, gT);
    transpose(hs, 0, R, H, xT);
    gemmABt(dWhh, 0, gT, 0, GH, xT, 0, H, R, true);
    addRowSums(dBhh, gT, GH, R);
    if (dP !== dQ) transpose(dP, 0, R, GH, gT);
    addRowSums(dBih, gT, GH, R);
    if ('ids' in input) {
      // One-hot x_r: δP_r x_rᵀ is δP_r in column ids[r]. Many rows over a small vocabulary (as projectOneHot): the rows
      // of each id are summed into a contiguous row of a table first (in the order of r, from 0), and the table's rows
      // are added into W_ih's strided columns once; otherwise every row is added into its column directly.
      const ids = input.ids;
      if (R >= 2 * I) {
        const table = (this.rowTable = this.rowTable && this.rowTable.length >= I * GH ? this.rowTable : new (dP instanceof Float32Array ? Float32Array : Float64Array)(I * GH));
        table.fill(0, 0, I * GH);
        for (let r = 0; r < R; r++) {
          const at = ids[r] * GH;
          const row = r * GH;
          for (let g = 0; g < GH; g++) table[at + g] += dP[row + g];
        }
        for (let id = 0; id < I; id++) for (let g = 0; g < GH; g++) dWih[g * I + id] += table[id * GH + g];
        return;
      }
      for (let r = 0; r < R; r++) {
        const id = ids[r];
        const row = r * GH;
        for (let g = 0; g < GH; g++) dWih[g * I + id] += dP[row + g];
      }
      return;
    }
    // (X) ∂W_ih += δPᵀ X,  ∂X = δP W_ih
    transpose(input.X, input.xOff, R, I, xT);
    gemmABt(dWih, 0, gT, 0, GH, xT, 0, I, R, true);
    if (dX) {
      transpose(this.w.weightIh, 0, GH, I, wT);
      gemmABt(dX, dxOff, dP, 0, R, wT, 0, I, GH, addDx);
    }
  }

  /** gradNorms of step t (see there), before (B) runs step t. */
  private recordGradNorms(norms: { h: Float64Array; c: Float64Array | null }, dY: Floats | null, t: number): void {
    const H = this.hiddenSize;
    const B = this.streams;
    const { dh, dc, Z, tc } = this;
    const cNorms = this.kind === 'lstm' ? norms.c : null;
    for (let b = 0; b < B; b++) {
      const hb = b * H;
      const row = (t * B + b) * H;
      const oRow = (t * B + b) * 4 * H + 3 * H;
      let n2 = 0;
      let m2 = 0;
      for (let j = 0; j < H; j++) {
        const d = dY ? dh[hb + j] + dY[row + j] : dh[hb + j];
        n2 += d * d;
        if (cNorms) {
          const th = tc![row + j];
          const c = dc[hb + j] + d * Z[oRow + j] * (1 - th * th);
          m2 += c * c;
        }
      }
      norms.h[t * B + b] = Math.sqrt(n2);
      if (cNorms) cNorms[t * B + b] = Math.sqrt(m2);
    }
  }
}

/** out[i] += Σ_{r<R} Mᵀ[i·R + r] for i < n: the column sums of a matrix given transposed (n × R). */
export function addRowSums(out: Floats, mT: Floats, n: number, R: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * R;
    for (let r = 0; r < R; r++) s += mT[row + r];
    out[i] += s;
  }
}
