// What the recurrent cells share: one layer, one direction, a whole sequence of T steps at once, batch size 1,
// PyTorch's parameter layout (gate blocks stacked along the rows of weight_ih / weight_hh, G blocks of H rows).
//
//   P_t = W_ih x_t + b_ih     the input projection, (G·H) per step, all T steps before the recurrence      (P)
//   Q_t = W_hh h_{t-1}        the hidden projection, computed here inside each step                         (Q)
//
// The step h_t = f(P_t, Q_t + b_hh, h_{t-1}[, c_{t-1}]) and its backward, which leaves δP_t = ∂L/∂P_t and
// δQ_t = ∂L/∂Q_t per step, are the functions of cellEquations.ts, called with a batch of one (the batched stack
// calls the same functions for B streams); the concrete cell only owns its extra buffers. Everything else is common
// and done here:
//   ∂L/∂W_ih += Σ_t δP_t x_tᵀ   ∂L/∂b_ih += Σ_t δP_t   ∂L/∂W_hh += Σ_t δQ_t h_{t-1}ᵀ   ∂L/∂b_hh += Σ_t δQ_t
//   ∂L/∂x_t = W_ihᵀ δP_t,  ∂L/∂h_{t-1} += W_hhᵀ δQ_t
// "Step t" is the order of processing: a reverse-direction caller passes the sequence reversed.
// All buffers are sized once for maxSteps; forward and backward allocate nothing.
import { gemmABt } from '../batchedKernels';
import { addOuterProductsOverTime, addTransposedMatVec, dot } from '../kernels';

export type CellKind = 'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm';

/** Views of one layer-direction's parameters, or of their gradients, in PyTorch's layout. */
export interface CellWeights {
  /** (G·H)×I, row-major. */
  weightIh: Float64Array;
  /** (G·H)×H, row-major. */
  weightHh: Float64Array;
  /** G·H. */
  biasIh: Float64Array;
  /** G·H. */
  biasHh: Float64Array;
}

/** Gate blocks G per cell kind: RNN 1, GRU 3 (r, z, n), LSTM 4 (i, f, g, o). */
export function gateCount(kind: CellKind): number {
  return kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
}

export abstract class RecurrentCell {
  readonly kind: CellKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** G: gate blocks stacked in the weights. */
  readonly gates: number;
  readonly maxSteps: number;
  /** Only the LSTM carries a cell state c_t. */
  readonly hasCellState: boolean;

  /**
   * Row t (maxSteps × G·H): P_t = W_ih x_t + b_ih until step t runs, then the pre-activations of the gates at step t
   * (the arguments of the nonlinearities, cellEquations.ts (R1), (G1)–(G2), (L1)).
   */
  readonly preActivations: Float64Array;
  /** Row 0 is h_0 (the initial state), row t + 1 is h_t after step t ((maxSteps + 1) × H). */
  readonly hs: Float64Array;
  /** ∂L/∂h_0, valid after backward. */
  readonly dh0: Float64Array;

  protected readonly w: CellWeights;
  protected readonly g: CellWeights;
  /** δP_t rows (maxSteps × G·H). */
  protected readonly dP: Float64Array;
  /** δQ_t rows; the same buffer as dP for cells where Q_t enters only as P_t + Q_t (RNN, LSTM). */
  protected readonly dQ: Float64Array;
  /** The running ∂L/∂h_t during backward (H). */
  protected readonly dh: Float64Array;
  /** Q_t = W_hh h_{t-1} of the step being run (G·H). */
  protected readonly q: Float64Array;

  /** Steps of the last forward, and its input (kept by reference for the weight gradient). */
  protected steps = 0;
  private denseInput: Float64Array | null = null;
  private idInput: Int32Array | null = null;

  protected constructor(
    kind: CellKind, inputSize: number, hiddenSize: number, maxSteps: number,
    weights: CellWeights, grads: CellWeights, separateHiddenGradient: boolean,
  ) {
    if (!(inputSize >= 1 && hiddenSize >= 1 && maxSteps >= 1)) {
      throw new RangeError(`bad ${kind} cell shape I=${inputSize} H=${hiddenSize} T=${maxSteps}`);
    }
    const G = gateCount(kind);
    const GH = G * hiddenSize;
    for (const [what, v] of [['weights', weights], ['gradients', grads]] as const) {
      if (v.weightIh.length !== GH * inputSize || v.weightHh.length !== GH * hiddenSize || v.biasIh.length !== GH || v.biasHh.length !== GH) {
        throw new RangeError(`${kind} cell ${what} do not have the shapes ${GH}×${inputSize}, ${GH}×${hiddenSize}, ${GH}, ${GH}`);
      }
    }
    this.kind = kind;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.gates = G;
    this.maxSteps = maxSteps;
    this.hasCellState = kind === 'lstm';
    this.w = weights;
    this.g = grads;
    this.preActivations = new Float64Array(maxSteps * GH);
    this.hs = new Float64Array((maxSteps + 1) * hiddenSize);
    this.dh0 = new Float64Array(hiddenSize);
    this.dP = new Float64Array(maxSteps * GH);
    this.dQ = separateHiddenGradient ? new Float64Array(maxSteps * GH) : this.dP;
    this.dh = new Float64Array(hiddenSize);
    this.q = new Float64Array(GH);
  }

  /** Steps of the last forward pass. */
  get length(): number {
    return this.steps;
  }

  /** δQ_t = ∂L/∂(W_hh h_{t-1} + b_hh) of step t, row t (T × G·H), valid after backward (a view). */
  get hiddenProjectionGradient(): Float64Array {
    return this.dQ.subarray(0, this.steps * this.gates * this.hiddenSize);
  }

  /** h_T after the last forward pass (a view). */
  get lastHidden(): Float64Array {
    return this.hs.subarray(this.steps * this.hiddenSize, (this.steps + 1) * this.hiddenSize);
  }

  /**
   * Forward over T dense input rows x (T × I, row-major; kept by reference until backward). c0 only for the LSTM
   * (zero when omitted).
   */
  forward(x: Float64Array, T: number, h0: Float64Array, c0?: Float64Array): void {
    this.checkSteps(T, h0, c0);
    const I = this.inputSize;
    if (x.length < T * I) throw new RangeError(`input of ${x.length} values is shorter than ${T} steps × ${I}`);
    const GH = this.gates * this.hiddenSize;
    const { weightIh, biasIh } = this.w;
    const P = this.preActivations;
    // (P) P_t = W_ih x_t + b_ih
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < GH; k++) P[t * GH + k] = biasIh[k] + dot(weightIh, k * I, x, t * I, I);
    }
    this.denseInput = x;
    this.idInput = null;
    this.run(T, h0, c0);
  }

  /** Forward over one-hot inputs given by their ids (x_t = onehot(ids[t]), so W_ih x_t is column ids[t] of W_ih). */
  forwardOneHot(ids: Int32Array, h0: Float64Array, c0?: Float64Array): void {
    const T = ids.length;
    this.checkSteps(T, h0, c0);
    const I = this.inputSize;
    const GH = this.gates * this.hiddenSize;
    const { weightIh, biasIh } = this.w;
    const P = this.preActivations;
    for (let t = 0; t < T; t++) {
      const id = ids[t];
      // An id ≥ I would silently read a neighbouring row of W_ih.
      if (!(id >= 0 && id < I)) throw new RangeError(`id ${id} at step ${t} is outside the input size ${I}`);
      for (let k = 0; k < GH; k++) P[t * GH + k] = biasIh[k] + weightIh[k * I + id];
    }
    this.denseInput = null;
    this.idInput = ids;
    this.run(T, h0, c0);
  }

  /**
   * Backpropagation through the T steps of the last forward. dOut row t (T × H) is ∂L/∂h_t from above (null: none);
   * dhT / dcT the gradient arriving at the final state (null: zero). ADDS the parameter gradients into the gradient
   * views and, when dx is given, ∂L/∂x_t into its row t (T × I; dense input only). Leaves ∂L/∂h_0 in dh0 (and
   * ∂L/∂c_0 in dc0 for the LSTM).
   */
  backward(dOut: Float64Array | null, dhT: Float64Array | null, dx: Float64Array | null, dcT: Float64Array | null = null): void {
    const T = this.steps;
    const H = this.hiddenSize;
    const I = this.inputSize;
    const GH = this.gates * H;
    if (T === 0) throw new RangeError('backward before forward');
    if (dOut && dOut.length < T * H) throw new RangeError(`dOut of ${dOut.length} values is shorter than ${T} steps × ${H}`);
    if (dx && dx.length < T * I) throw new RangeError(`dx of ${dx.length} values is shorter than ${T} steps × ${I}`);
    if (dhT) this.dh.set(dhT);
    else this.dh.fill(0);
    this.backwardSteps(T, dOut, dcT);
    this.dh0.set(this.dh);

    const { dP, dQ, hs } = this;
    const { weightIh, biasIh, weightHh, biasHh } = this.g;
    // ∂L/∂W_hh += Σ_t δQ_t h_{t-1}ᵀ (hs rows 0 … T−1 are h_{t-1}),  ∂L/∂b_hh += Σ_t δQ_t,  ∂L/∂b_ih += Σ_t δP_t
    addOuterProductsOverTime(weightHh, dQ, GH, hs, 0, H, T);
    for (let t = 0; t < T; t++) {
      const row = t * GH;
      for (let k = 0; k < GH; k++) {
        biasHh[k] += dQ[row + k];
        biasIh[k] += dP[row + k];
      }
    }
    if (this.idInput) {
      // One-hot x_t: δP_t x_tᵀ is δP_t in column ids[t].
      const ids = this.idInput;
      for (let t = 0; t < T; t++) {
        const id = ids[t];
        const row = t * GH;
        for (let k = 0; k < GH; k++) weightIh[k * I + id] += dP[row + k];
      }
      if (dx) throw new RangeError('dx asked for a one-hot input');
    } else {
      // ∂L/∂W_ih += Σ_t δP_t x_tᵀ,  ∂L/∂x_t = W_ihᵀ δP_t
      addOuterProductsOverTime(weightIh, dP, GH, this.denseInput!, 0, I, T);
      if (dx) for (let t = 0; t < T; t++) addTransposedMatVec(dx, t * I, this.w.weightIh, 0, GH, I, dP, t * GH);
    }
  }

  /** Runs the recurrence over the T steps whose input projections are in preActivations. */
  private run(T: number, h0: Float64Array, c0: Float64Array | undefined): void {
    this.hs.set(h0, 0);
    this.steps = T;
    this.recur(T, c0);
  }

  private checkSteps(T: number, h0: Float64Array, c0: Float64Array | undefined): void {
    if (!(T >= 1 && T <= this.maxSteps)) throw new RangeError(`${T} steps do not fit a cell built for 1…${this.maxSteps}`);
    if (h0.length !== this.hiddenSize) throw new RangeError(`h0 has ${h0.length} values, expected ${this.hiddenSize}`);
    if (c0 && c0.length !== this.hiddenSize) throw new RangeError(`c0 has ${c0.length} values, expected ${this.hiddenSize}`);
  }

  /**
   * (Q) q = W_hh h_{t-1} for step t (hs row t is h_{t-1}): the batched stack's product with one stream, so that a
   * cell's forward pass is the batched stack's at B = 1, to the bit.
   */
  protected hiddenProjection(t: number): void {
    const H = this.hiddenSize;
    gemmABt(this.q, 0, this.hs, t * H, 1, this.w.weightHh, 0, this.gates * H, H, false);
  }

  /** dh += W_hhᵀ δQ_t: the part of ∂L/∂h_{t-1} that flows through the hidden projection Q_t. */
  protected addHiddenGradient(t: number): void {
    const GH = this.gates * this.hiddenSize;
    addTransposedMatVec(this.dh, 0, this.w.weightHh, 0, GH, this.hiddenSize, this.dQ, t * GH);
  }

  /**
   * The recurrence over steps 0 … T−1: per step, hiddenProjection(t), then the cell's forward step of
   * cellEquations.ts; reads P_t, h_{t-1} = hs row t; writes hs row t + 1 and the traces.
   */
  protected abstract recur(T: number, c0: Float64Array | undefined): void;

  /**
   * Steps T−1 … 0 backwards: with dh = ∂L/∂h_T on entry (dcT likewise), per step the cell's backward step of
   * cellEquations.ts then addHiddenGradient(t); writes δP_t and δQ_t rows and leaves dh = ∂L/∂h_0 (and the cell's
   * ∂L/∂c_0).
   */
  protected abstract backwardSteps(T: number, dOut: Float64Array | null, dcT: Float64Array | null): void;
}
