// A recurrent cell on its own: one layer, one direction, a whole sequence of T steps at once, batch size 1,
// PyTorch's parameter layout (gate blocks stacked along the rows of weight_ih / weight_hh, G blocks of H rows).
//
//   P_t = W_ih x_t + b_ih     the input projection, (G·H) per step, all T steps before the recurrence      (P)
//   Q_t = W_hh h_{t-1}        the hidden projection, inside each step                                       (Q)
//   ∂L/∂W_ih += Σ_t δP_t x_tᵀ   ∂L/∂b_ih += Σ_t δP_t   ∂L/∂W_hh += Σ_t δQ_t h_{t-1}ᵀ   ∂L/∂b_hh += Σ_t δQ_t
//   ∂L/∂x_t = W_ihᵀ δP_t,  ∂L/∂h_{t-1} += W_hhᵀ δQ_t
// A batch of one is a batch: every product and every step is cellChain.ts run with B = 1 streams, the driver the
// batched stack runs with B streams, around the equations of cellEquations.ts. This class only checks its inputs,
// writes the initial states and names the chain's buffers for the panels (traces, the gradient lab).
// "Step t" is the order of processing: a reverse-direction caller passes the sequence reversed.
// All buffers are sized once for maxSteps; forward and backward allocate nothing.
import { CellChain, chainGates, type ChainKind, type ChainScratch } from './cellChain';

export type CellKind = ChainKind;

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
export const gateCount = chainGates;

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

  /** The weights the cell computes with (views of the stack's parameters). */
  protected readonly w: CellWeights;
  /** The chain this cell runs with one stream. */
  protected readonly chain: CellChain;

  private denseInput: Float64Array | null = null;
  private idInput: Int32Array | null = null;
  private steps = 0;

  /** `scratch`: the backward's transposed copies, shared between the cells of a stack (allocated when omitted). */
  protected constructor(
    kind: CellKind, inputSize: number, hiddenSize: number, maxSteps: number,
    weights: CellWeights, grads: CellWeights, scratch?: ChainScratch,
  ) {
    this.chain = new CellChain(kind, inputSize, hiddenSize, 1, maxSteps, weights, grads, true, scratch);
    this.w = weights;
    this.kind = kind;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.gates = this.chain.gates;
    this.maxSteps = maxSteps;
    this.hasCellState = kind === 'lstm';
    this.preActivations = this.chain.P as Float64Array;
    this.hs = this.chain.hs as Float64Array;
    this.dh0 = new Float64Array(hiddenSize);
  }

  /** Steps of the last forward pass. */
  get length(): number {
    return this.steps;
  }

  /** δQ_t = ∂L/∂(W_hh h_{t-1} + b_hh) of step t, row t (T × G·H), valid after backward (a view). */
  get hiddenProjectionGradient(): Float64Array {
    return (this.chain.dQ as Float64Array).subarray(0, this.steps * this.gates * this.hiddenSize);
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
    this.chain.projectDense(x, 0, T); // (P)
    this.denseInput = x;
    this.idInput = null;
    this.run(T, h0, c0);
  }

  /** Forward over one-hot inputs given by their ids (x_t = onehot(ids[t]), so W_ih x_t is column ids[t] of W_ih). */
  forwardOneHot(ids: Int32Array, h0: Float64Array, c0?: Float64Array): void {
    const T = ids.length;
    this.checkSteps(T, h0, c0);
    const I = this.inputSize;
    for (let t = 0; t < T; t++) {
      const id = ids[t];
      // An id ≥ I would silently read a neighbouring row of W_ih.
      if (!(id >= 0 && id < I)) throw new RangeError(`id ${id} at step ${t} is outside the input size ${I}`);
    }
    this.chain.projectOneHot(ids, T); // (P)
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
    if (T === 0) throw new RangeError('backward before forward');
    if (dOut && dOut.length < T * H) throw new RangeError(`dOut of ${dOut.length} values is shorter than ${T} steps × ${H}`);
    if (dx && dx.length < T * I) throw new RangeError(`dx of ${dx.length} values is shorter than ${T} steps × ${I}`);
    if (dx && this.idInput) throw new RangeError('dx asked for a one-hot input');
    const { dh, dc } = this.chain;
    if (dhT) dh.set(dhT);
    else dh.fill(0);
    if (dcT && this.hasCellState) dc.set(dcT);
    else dc.fill(0);
    this.chain.backward(dOut, null, this.idInput ? { ids: this.idInput } : { X: this.denseInput!, xOff: 0 }, dx, 0, true);
    this.dh0.set(dh);
    this.backwardDone();
  }

  /**
   * From now on backward writes ‖∂L/∂h_s‖ into h[s] and, for the LSTM, ‖∂L/∂c_s‖ into c[s], s in processing order
   * (CellChain.gradNorms says which gradient); null stops it.
   */
  recordGradNorms(norms: { h: Float64Array; c: Float64Array | null } | null): void {
    this.chain.gradNorms = norms;
  }

  /** false: backward adds nothing to the parameter gradients (CellChain.parameterGradients). */
  set parameterGradients(on: boolean) {
    this.chain.parameterGradients = on;
  }

  /** What a cell keeps of backward besides ∂L/∂h_0 (the LSTM: ∂L/∂c_0). */
  protected backwardDone(): void {}

  private run(T: number, h0: Float64Array, c0: Float64Array | undefined): void {
    this.hs.set(h0, 0);
    const cs = this.chain.cs;
    if (cs) {
      if (c0) cs.set(c0, 0);
      else cs.fill(0, 0, this.hiddenSize);
    }
    this.steps = T;
    this.chain.recur(T, null);
  }

  private checkSteps(T: number, h0: Float64Array, c0: Float64Array | undefined): void {
    if (!(T >= 1 && T <= this.maxSteps)) throw new RangeError(`${T} steps do not fit a cell built for 1…${this.maxSteps}`);
    if (h0.length !== this.hiddenSize) throw new RangeError(`h0 has ${h0.length} values, expected ${this.hiddenSize}`);
    if (c0 && c0.length !== this.hiddenSize) throw new RangeError(`c0 has ${c0.length} values, expected ${this.hiddenSize}`);
  }
}
