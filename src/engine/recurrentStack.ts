// A stack of recurrent layers (RNN tanh/relu, GRU or LSTM), optionally bidirectional, with a linear head and a loss,
// laid out and named exactly like a PyTorch model made of
//   embed = nn.Embedding(V, E)              (optional; otherwise one-hot ids or dense rows go straight in)
//   rnn   = nn.RNN / nn.GRU / nn.LSTM(I, H, num_layers, bidirectional, batch_first=True)
//   head  = nn.Linear(H·D, out)             (D = 2 when bidirectional, else 1)
// so a state_dict maps name by name: embed.weight, rnn.weight_ih_l{k}[_reverse], rnn.weight_hh_l{k}[_reverse],
// rnn.bias_ih_l{k}[_reverse], rnn.bias_hh_l{k}[_reverse], head.weight, head.bias — all in ONE flat Float64Array
// (in that order, layer by layer, forward before reverse, as PyTorch registers them) with a gradient buffer of the
// same layout. Batch size 1.
//
//   y^k_t = [h^{k,fwd}_t ; h^{k,bwd}_t]  layer k's output at time t; the forward chain reads x_0 … x_{T−1},
//            the reverse chain x_{T−1} … x_0; layer k + 1 reads y^k (width H·D)                         (1)
//   o_t = W_head y^{top}_t + b_head                                                                    (2)
//   cross-entropy:  L = (1/T) Σ_t −log softmax(o_t)[target_t]                                          (3)
//   mean squared:   L = (1/(T·out)) Σ_t Σ_j (o_t[j] − target_t[j])²                                    (4)
//
// Initial states h0 (and c0 for the LSTM) are (layers·D) × H, row k·D + d for layer k, direction d — PyTorch's
// h_0 of shape (num_layers·num_directions, 1, H); final states hN / cN the same. After backward, dh0 / dc0 hold
// ∂L/∂h0 and ∂L/∂c0 in that layout.
import { gemmABt, transpose } from './batchedKernels';
import { addRowSums, chainScratch, type ChainScratch } from './cells/cellChain';
import { createCell } from './cells/createCell';
import { LstmCell } from './cells/lstmCell';
import { gateCount, type CellKind, type RecurrentCell } from './cells/recurrentCell';
import type { Prng } from './prng';
import { lossAndOutputGradient, type LossTarget } from './sequenceLoss';
import { layoutTensors, tensorView, type TensorInfo } from './tensorLayout';

export type { LossTarget };

export interface RecurrentStackConfig {
  cell: CellKind;
  /** Width of x_t: the vocabulary V for id input (one-hot or embedded), the feature count for dense input. */
  inputSize: number;
  hiddenSize: number;
  /** num_layers ≥ 1. */
  layers: number;
  bidirectional: boolean;
  /** Width of o_t: V for next-token prediction, the class count, or the regression outputs. */
  outputSize: number;
  /** E of embed.weight (V × E); omitted: ids enter layer 0 as one-hot vectors. */
  embedding?: number;
  /** Longest sequence forward will be given; all work buffers are sized for it once. */
  maxSteps: number;
}

/** A sequence of T ids (one-hot or embedded), or T dense rows x (T × inputSize, row-major). */
export type StackInput = { ids: Int32Array } | { x: Float64Array; steps: number };


export class RecurrentStack {
  readonly config: Readonly<RecurrentStackConfig>;
  /** D: 2 when bidirectional, else 1. */
  readonly directions: number;
  readonly tensors: readonly TensorInfo[];
  readonly parameterCount: number;
  readonly params: Float64Array;
  /** ∂L/∂params, same layout; overwritten by backward. */
  readonly grads: Float64Array;

  /** Final states after forward, row k·D + d. */
  readonly hN: Float64Array;
  readonly cN: Float64Array;
  /** ∂L/∂h0 and ∂L/∂c0 after backward, row k·D + d. */
  readonly dh0: Float64Array;
  readonly dc0: Float64Array;
  /** o_t of (2), row t (maxSteps × outputSize); during backward its rows become ∂L/∂o_t. */
  readonly outputs: Float64Array;
  /** ∂L/∂x_t for dense input after backward (maxSteps × inputSize); zero after id input. */
  readonly inputGradient: Float64Array;

  /** cells[k·D + d]; a reverse cell's step s is time T−1−s. */
  readonly cells: readonly RecurrentCell[];
  /** ys[k]: layer k's output y^k, row t (maxSteps × H·D); dys[k] its gradient during backward. */
  private readonly ys: Float64Array[];
  private readonly dys: Float64Array[];
  /** Per cell: the time-reversed input rows (reverse cells), ∂L/∂h from above, the reversed ∂L/∂x (reverse cells). */
  private readonly revInputs: (Float64Array | null)[];
  private readonly revIds: Int32Array;
  private readonly dOuts: Float64Array[];
  private readonly revDx: (Float64Array | null)[];
  /** Layer 0's dense input rows: the embedded ids, or a copy of the dense x. */
  private readonly x0: Float64Array;
  private readonly zeroState: Float64Array;
  private readonly headW: Float64Array;
  private readonly headB: Float64Array;
  private readonly dHeadW: Float64Array;
  private readonly dHeadB: Float64Array;
  private readonly embed: Float64Array | null;
  private readonly dEmbed: Float64Array | null;
  /** The backward's transposed copies, shared by the head and every cell (they run one at a time). */
  private readonly scratch: ChainScratch;
  private paramGrads = true;

  private steps = 0;
  private ids: Int32Array | null = null;

  /**
   * @param rng when given, initialises like PyTorch: recurrent weights and biases uniform(−1/√H, 1/√H), the head
   *   uniform(−1/√(H·D), 1/√(H·D)), the embedding N(0, 1). Without it all parameters are zero.
   */
  constructor(config: RecurrentStackConfig, rng?: Prng) {
    const { cell, inputSize, hiddenSize: H, layers, bidirectional, outputSize, embedding, maxSteps } = config;
    for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', H], ['layers', layers], ['outputSize', outputSize], ['maxSteps', maxSteps]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`RecurrentStack: ${name} must be a whole number ≥ 1, got ${v}`);
    }
    if (embedding !== undefined && !(Number.isInteger(embedding) && embedding >= 1)) {
      throw new RangeError(`RecurrentStack: embedding must be a whole number ≥ 1, got ${embedding}`);
    }
    this.config = { ...config };
    const D = bidirectional ? 2 : 1;
    this.directions = D;
    const GH = gateCount(cell) * H;
    const I0 = embedding ?? inputSize;
    const layerInput = (k: number): number => (k === 0 ? I0 : H * D);

    const shapes: { name: string; rows: number; cols: number }[] = [];
    if (embedding !== undefined) shapes.push({ name: 'embed.weight', rows: inputSize, cols: embedding });
    for (let k = 0; k < layers; k++) {
      for (let d = 0; d < D; d++) {
        const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
        shapes.push(
          { name: `rnn.weight_ih${suffix}`, rows: GH, cols: layerInput(k) },
          { name: `rnn.weight_hh${suffix}`, rows: GH, cols: H },
          { name: `rnn.bias_ih${suffix}`, rows: GH, cols: 1 },
          { name: `rnn.bias_hh${suffix}`, rows: GH, cols: 1 },
        );
      }
    }
    shapes.push({ name: 'head.weight', rows: outputSize, cols: H * D }, { name: 'head.bias', rows: outputSize, cols: 1 });
    const { tensors, length } = layoutTensors(shapes);
    this.tensors = tensors;
    this.parameterCount = length;
    this.params = new Float64Array(length);
    this.grads = new Float64Array(length);

    this.headW = this.param('head.weight');
    this.headB = this.param('head.bias');
    this.dHeadW = this.grad('head.weight');
    this.dHeadB = this.grad('head.bias');
    this.embed = embedding !== undefined ? this.param('embed.weight') : null;
    this.dEmbed = embedding !== undefined ? this.grad('embed.weight') : null;

    const cells: RecurrentCell[] = [];
    const scratch = chainScratch(Float64Array, maxSteps, GH, H, Math.max(I0, H * D), outputSize);
    this.scratch = scratch;
    this.revInputs = [];
    this.dOuts = [];
    this.revDx = [];
    for (let k = 0; k < layers; k++) {
      for (let d = 0; d < D; d++) {
        const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
        const views = (get: (name: string) => Float64Array) => ({
          weightIh: get(`rnn.weight_ih${suffix}`),
          weightHh: get(`rnn.weight_hh${suffix}`),
          biasIh: get(`rnn.bias_ih${suffix}`),
          biasHh: get(`rnn.bias_hh${suffix}`),
        });
        const I = layerInput(k);
        cells.push(createCell(cell, I, H, maxSteps, views((n) => this.param(n)), views((n) => this.grad(n)), scratch));
        this.revInputs.push(d === 1 ? new Float64Array(maxSteps * I) : null);
        this.revDx.push(d === 1 ? new Float64Array(maxSteps * I) : null);
        this.dOuts.push(new Float64Array(maxSteps * H));
      }
    }
    this.cells = cells;
    this.ys = Array.from({ length: layers }, () => new Float64Array(maxSteps * H * D));
    this.dys = Array.from({ length: layers }, () => new Float64Array(maxSteps * H * D));
    this.revIds = new Int32Array(maxSteps);
    this.x0 = new Float64Array(maxSteps * I0);
    this.inputGradient = new Float64Array(maxSteps * I0);
    this.zeroState = new Float64Array(H);
    this.hN = new Float64Array(layers * D * H);
    this.cN = new Float64Array(cell === 'lstm' ? layers * D * H : 0);
    this.dh0 = new Float64Array(layers * D * H);
    this.dc0 = new Float64Array(cell === 'lstm' ? layers * D * H : 0);
    this.outputs = new Float64Array(maxSteps * outputSize);

    if (rng) this.initialise(rng);
  }

  /** The parameter view of a tensor by its PyTorch name. */
  param(name: string): Float64Array {
    return tensorView(this.params, this.tensorInfo(name));
  }

  /** The gradient view of a tensor by its PyTorch name. */
  grad(name: string): Float64Array {
    return tensorView(this.grads, this.tensorInfo(name));
  }

  tensorInfo(name: string): TensorInfo {
    const t = this.tensors.find((x) => x.name === name);
    if (!t) throw new RangeError(`no tensor named ${name}`);
    return t;
  }

  /** Steps of the last forward. */
  get length(): number {
    return this.steps;
  }

  /** Layer k's output y^k of (1), row t (T × H·D) after forward (a view). */
  layerOutput(k: number): Float64Array {
    return this.ys[k].subarray(0, this.steps * this.config.hiddenSize * this.directions);
  }

  /** Forward through every layer and the head; returns o_t rows (a view of T × outputSize). */
  forward(input: StackInput, h0?: Float64Array, c0?: Float64Array): Float64Array {
    const { inputSize, hiddenSize: H, layers, outputSize, embedding, maxSteps } = this.config;
    const D = this.directions;
    const isLstm = this.config.cell === 'lstm';
    const ids = 'ids' in input ? input.ids : null;
    const T = ids ? ids.length : (input as { steps: number }).steps;
    if (!(T >= 1 && T <= maxSteps)) throw new RangeError(`${T} steps do not fit a stack built for 1…${maxSteps}`);
    if (h0 && h0.length !== layers * D * H) throw new RangeError(`h0 has ${h0.length} values, expected ${layers * D}×${H}`);
    if (c0 && (!isLstm || c0.length !== layers * D * H)) throw new RangeError(`c0 is only for the LSTM, ${layers * D}×${H} values`);
    if (ids) {
      for (let t = 0; t < T; t++) {
        if (!(ids[t] >= 0 && ids[t] < inputSize)) throw new RangeError(`id ${ids[t]} at step ${t} is outside the vocabulary of ${inputSize}`);
      }
    } else if (this.embed) {
      throw new RangeError('a stack with an embedding reads ids, not dense rows');
    } else if ((input as { x: Float64Array }).x.length < T * inputSize) {
      throw new RangeError(`x has ${(input as { x: Float64Array }).x.length} values, expected ${T}×${inputSize}`);
    }
    // Every check is done: from here on the stack's state changes.
    this.steps = T;
    this.ids = ids;

    // Layer 0's input: embedded rows x_t = embed.weight[id_t], dense rows, or (one-hot) ids.
    let oneHot: Int32Array | null = null;
    if (ids && this.embed) {
      const E = embedding!;
      for (let t = 0; t < T; t++) copy(this.embed, ids[t] * E, this.x0, t * E, E);
    } else if (ids) {
      oneHot = ids;
      for (let t = 0; t < T; t++) this.revIds[t] = ids[T - 1 - t];
    } else {
      this.x0.set((input as { x: Float64Array }).x.subarray(0, T * inputSize));
    }

    const W = H * D;
    for (let k = 0; k < layers; k++) {
      const x = k === 0 ? this.x0 : this.ys[k - 1];
      const I = k === 0 ? embedding ?? inputSize : W;
      const y = this.ys[k];
      for (let d = 0; d < D; d++) {
        const c = k * D + d;
        const cell = this.cells[c];
        const hInit = h0 ? h0.subarray(c * H, c * H + H) : this.zeroState;
        const cInit = c0 ? c0.subarray(c * H, c * H + H) : undefined;
        if (k === 0 && oneHot) {
          cell.forwardOneHot(d === 0 ? oneHot : this.revIds.subarray(0, T), hInit, cInit);
        } else if (d === 0) {
          cell.forward(x, T, hInit, cInit);
        } else {
          const rev = this.revInputs[c]!;
          for (let t = 0; t < T; t++) copy(x, (T - 1 - t) * I, rev, t * I, I);
          cell.forward(rev, T, hInit, cInit);
        }
        // (1) y^k_t[d·H … d·H + H) = h of time t: step t forward, step T−1−t in reverse (hs row step + 1).
        for (let t = 0; t < T; t++) {
          const s = d === 0 ? t : T - 1 - t;
          copy(cell.hs, (s + 1) * H, y, t * W + d * H, H);
        }
        this.hN.set(cell.lastHidden, c * H);
        if (isLstm) this.cN.set((cell as LstmCell).lastCell, c * H);
      }
    }

    // (2) o_t = W_head y_t + b_head, the T rows in one product (O = Y W_headᵀ)
    const top = this.ys[layers - 1];
    const o = this.outputs;
    gemmABt(o, 0, top, 0, T, this.headW, 0, outputSize, W, false);
    for (let t = 0; t < T; t++) for (let j = 0; j < outputSize; j++) o[t * outputSize + j] += this.headB[j];
    return o.subarray(0, T * outputSize);
  }

  /**
   * The loss of the last forward against `target`, (3) or (4), then backpropagation through the head and every
   * layer and direction. Overwrites grads, dh0, dc0 and inputGradient; turns outputs into ∂L/∂o_t.
   */
  backward(target: LossTarget): number {
    const T = this.steps;
    if (T === 0) throw new RangeError('backward before forward');
    const loss = lossAndOutputGradient(this.outputs, T, this.config.outputSize, target);
    this.backpropagate();
    return loss;
  }

  /** forward, then backward: returns the loss. */
  forwardBackward(input: StackInput, target: LossTarget, h0?: Float64Array, c0?: Float64Array): number {
    this.forward(input, h0, c0);
    return this.backward(target);
  }

  /** Next-token prediction on T + 1 ids: inputs ids[0 … T−1], targets ids[1 … T], loss (3). */
  forwardBackwardNextToken(ids: Int32Array, h0?: Float64Array, c0?: Float64Array): number {
    if (ids.length < 2) throw new RangeError('next-token prediction needs at least two ids');
    return this.forwardBackward({ ids: ids.subarray(0, ids.length - 1) }, { kind: 'cross-entropy', targets: ids.subarray(1) }, h0, c0);
  }

  /**
   * Backpropagation from ∂L/∂o_t that the caller wrote into the rows of `outputs` (T × outputSize, T of the last
   * forward), for losses the stack does not compute itself (masked or weighted steps). Overwrites grads, dh0, dc0
   * and inputGradient, exactly as backward does after its own loss.
   */
  backwardFromOutputGradient(): void {
    if (this.steps === 0) throw new RangeError('backward before forward');
    this.backpropagate();
  }

  /**
   * ∂L/∂y^k_t after a backward: row t (T × H·D) is the gradient arriving at layer k's output from the head (top
   * layer) or from layer k + 1's input — the "from above" part of ∂L/∂h_t (a view, overwritten by the next backward).
   */
  layerOutputGradient(k: number): Float64Array {
    return this.dys[k].subarray(0, this.steps * this.config.hiddenSize * this.directions);
  }

  /** Backward from ∂L/∂o_t (in outputs) to every parameter, h0, c0 and the input. */
  private backpropagate(): void {
    const { inputSize, hiddenSize: H, layers, outputSize: K, embedding } = this.config;
    const T = this.steps;
    const D = this.directions;
    const W = H * D;
    const isLstm = this.config.cell === 'lstm';
    this.grads.fill(0);
    this.inputGradient.fill(0);
    const dO = this.outputs;

    // (2) backward: ∂L/∂W_head = Σ_t δo_t y_tᵀ, ∂L/∂b_head = Σ_t δo_t, ∂L/∂y_t = W_headᵀ δo_t; as products over
    // all T rows on transposed copies (∂W = δOᵀ Y = (δOᵀ)(Yᵀ)ᵀ, ∂Y = δO W = δO (Wᵀ)ᵀ), as the batched stack does
    const top = this.ys[layers - 1];
    const dTop = this.dys[layers - 1];
    const { gT, xT, wT } = this.scratch;
    if (this.paramGrads) {
      transpose(dO, 0, T, K, gT);
      transpose(top, 0, T, W, xT);
      gemmABt(this.dHeadW, 0, gT, 0, K, xT, 0, W, T, true);
      addRowSums(this.dHeadB, gT, K, T);
    }
    transpose(this.headW, 0, K, W, wT);
    gemmABt(dTop, 0, dO, 0, T, wT, 0, W, K, false);

    for (let k = layers - 1; k >= 0; k--) {
      const dy = this.dys[k];
      const oneHotLayer = k === 0 && this.ids !== null && this.embed === null;
      const I = k === 0 ? embedding ?? inputSize : W;
      // ∂L/∂(layer k's input): dys[k − 1], or inputGradient for layer 0 (embedded rows or dense x).
      const dx = oneHotLayer ? null : k > 0 ? this.dys[k - 1] : this.inputGradient;
      if (dx) dx.fill(0, 0, T * I);
      for (let d = 0; d < D; d++) {
        const c = k * D + d;
        const cell = this.cells[c];
        // ∂L/∂h of step s: column block d of dy at time t (s = t forward, s = T−1−t reverse).
        const dOut = this.dOuts[c];
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? s : T - 1 - s;
          copy(dy, t * W + d * H, dOut, s * H, H);
        }
        if (d === 0 || !dx) {
          cell.backward(dOut, null, dx, null);
        } else {
          const rdx = this.revDx[c]!;
          rdx.fill(0, 0, T * I);
          cell.backward(dOut, null, rdx, null);
          for (let s = 0; s < T; s++) {
            const to = (T - 1 - s) * I;
            const from = s * I;
            for (let i = 0; i < I; i++) dx[to + i] += rdx[from + i];
          }
        }
        this.dh0.set(cell.dh0, c * H);
        if (isLstm) this.dc0.set((cell as LstmCell).dc0, c * H);
      }
    }

    // Embedding: ∂L/∂embed.weight[id_t] += ∂L/∂x_t (then inputGradient is not an input gradient: clear it).
    if (this.embed && this.ids && this.paramGrads) {
      const E = embedding!;
      const dE = this.dEmbed!;
      const ids = this.ids;
      for (let t = 0; t < T; t++) {
        const r = ids[t] * E;
        for (let e = 0; e < E; e++) dE[r + e] += this.inputGradient[t * E + e];
      }
      this.inputGradient.fill(0);
    } else if (this.embed) this.inputGradient.fill(0);
  }

  /**
   * false: backward computes the gradients of the outputs, states and input only, and grads stay zero (the head's,
   * each chain's (W) and the embedding's products are skipped): for the traces, which read ‖∂L/∂h_t‖ and nothing of
   * grads. Training leaves it true.
   */
  set parameterGradients(on: boolean) {
    this.paramGrads = on;
    for (const cell of this.cells) cell.parameterGradients = on;
  }

  get parameterGradients(): boolean {
    return this.paramGrads;
  }

  private initialise(rng: Prng): void {
    const { hiddenSize: H } = this.config;
    const headBound = 1 / Math.sqrt(H * this.directions);
    for (const t of this.tensors) {
      const v = tensorView(this.params, t);
      if (t.name === 'embed.weight') for (let i = 0; i < v.length; i++) v[i] = rng.normal();
      else {
        const bound = t.name.startsWith('head.') ? headBound : 1 / Math.sqrt(H);
        for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-bound, bound);
      }
    }
  }
}

/** dst[dstOff … dstOff + n) = src[srcOff … srcOff + n), without the view object that subarray + set would allocate. */
function copy(src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i];
}
