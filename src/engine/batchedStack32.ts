// GENERATED from batchedStack.ts by scripts/generate-float32-engine.mjs: do not edit, edit batchedStack.ts and run the script.
// The float32 path's own copy, so that V8 compiles it for Float32Arrays only (see the script).
// A unidirectional RecurrentStack run on B streams at once, for training and inference on streamed data: the same
// model (it reads the stack's parameters by PyTorch name and writes gradients in the same layout), but every time step
// is one matrix-matrix product over the B streams instead of B matrix-vector products.
//
// Rows are time-major: row r = t·B + b is time t of stream b, so the B rows of one step are contiguous.
//   layers: one chain per layer (cells/cellChain.ts, the driver the batch-of-one cells run with B = 1): the input
//           projection of all T·B rows at once, then per step H_{t−1} W_hhᵀ and the equations of cellEquations.ts
//   O = Y_top W_headᵀ + b_head         all rows at once
// Backward, from ∂L/∂O written by the caller into `outputs`:
//   ∂L/∂W_head += ∂Oᵀ Y_top,  ∂L/∂Y_top = ∂O W_head   (on transposed copies, so that both run in gemmABt)
//   per layer, top down: the chain's backward, whose ∂L/∂X is the layer below's ∂L/∂Y (or the embedded rows')
// Gradients are SUMS over the rows: the caller weights ∂L/∂O (e.g. by 1/(B·n) for a batch mean).
// States h0 / c0 and the states read back are stream-major like the trainer's: stream b, layer k at (b·L + k)·H.
//
// Precision: the buffers are Float64Arrays, or Float32Arrays when the gradient buffer given is one (the float32
// path, as PyTorch's default dtype): then the weights are rounded to a float32 copy at every forward, and every
// activation, gate, output and gradient is rounded to float32 where it is stored (the sums inside the kernels and
// the nonlinearities run in double precision).
import { gemmABt, transpose, type Floats } from './batchedKernels32';
import { addRowSums, CellChain, chainScratch, type ChainScratch } from './cells/cellChain32';
import type { RecurrentStack } from './recurrentStack';
import type { AbortCheck } from './stepAbort';

export class BatchedStack32 {
  readonly model: RecurrentStack;
  readonly streams: number;
  readonly maxSteps: number;
  /** O rows (maxSteps·B × outputSize), time-major; the caller turns them into ∂L/∂O before backward. */
  readonly outputs: Floats;
  /** One chain per layer; chain k's hs slabs 1 … T are layer k + 1's input rows. */
  private readonly layers: CellChain[];
  /** ∂L/∂(layer k's output) from above (the head or layer k + 1), T·B × H. */
  private readonly dYs: Floats[];
  private readonly ids: Int32Array;
  private readonly x0: Floats;
  private readonly dx0: Floats;
  /** Transposed copies for the backward products (the head's, and every chain's in turn). */
  private readonly scratch: ChainScratch;
  /** Views of one tensor of the weights this stack computes with, and of the gradient buffer. */
  private readonly weight: (name: string) => Floats;
  private readonly gradView: (name: string) => Floats;
  /** Polled between time steps of forward and backward: true throws StepAbortedError (see stepAbort.ts). */
  abortCheck: AbortCheck | null = null;
  /**
   * false: backward computes the gradients of the outputs, states and input only, and leaves the gradient buffer as
   * it is (the head's, each chain's (W) and the embedding's products are skipped): for a caller that reads ‖∂L/∂h_t‖
   * alone (Colour Text by Model). Training leaves it true.
   */
  parameterGradients = true;
  /**
   * false: the caller promises that the model's parameters do not change between forwards (a snapshot read in chunks,
   * Colour Text): what forward derives from them is made at the first forward and kept — the float32 copy of the
   * parameters, and layer 0's one-hot projections as contiguous rows (CellChain.oneHotTable) — so it costs once, not
   * per chunk.
   */
  refreshWeights = true;
  private steps = 0;
  private oneHot = false;
  private weightsCopied = false;
  /** With refreshWeights false: layer 0's one-hot projections as contiguous rows (CellChain.oneHotTable), made once. */
  private oneHotTable: Floats | null = null;

  /** The float32 copy of the parameters (float32 path only), refreshed at every forward. */
  private readonly weights32: Float32Array | null;

  /** `grads` has the stack's parameter layout (Float32Array: the float32 path); backward ADDS into it. */
  constructor(model: RecurrentStack, streams: number, maxSteps: number, grads: Floats) {
    if (model.directions !== 1) throw new RangeError('BatchedStack runs unidirectional stacks only');
    if (grads.length !== model.parameterCount) throw new RangeError('gradient buffer does not match the stack');
    const { hiddenSize: H, layers, outputSize: K, inputSize, embedding, cell } = model.config;
    this.model = model;
    this.streams = streams;
    this.maxSteps = maxSteps;
    const F = grads instanceof Float32Array ? Float32Array : Float64Array;
    this.weights32 = grads instanceof Float32Array ? new Float32Array(model.parameterCount) : null;
    const weights = this.weights32 ?? model.params;
    const view = (buffer: Floats, name: string): Floats => {
      const t = model.tensorInfo(name);
      return buffer.subarray(t.offset, t.offset + t.rows * t.cols);
    };
    this.weight = (name) => view(weights, name);
    this.gradView = (name) => view(grads, name);
    const G = model.cells[0].gates;
    const R = maxSteps * streams;
    const GH = G * H;
    const I0 = embedding ?? inputSize;
    this.scratch = chainScratch(F, R, GH, H, Math.max(I0, H), K);
    this.layers = [];
    this.dYs = [];
    for (let k = 0; k < layers; k++) {
      this.dYs.push(new F(R * H));
      const tensors = (view: (name: string) => Floats) => ({
        weightIh: view(`rnn.weight_ih_l${k}`), weightHh: view(`rnn.weight_hh_l${k}`),
        biasIh: view(`rnn.bias_ih_l${k}`), biasHh: view(`rnn.bias_hh_l${k}`),
      });
      // δP overwrites P (keepP false): training never reads the pre-activations after backward.
      this.layers.push(new CellChain(cell, k === 0 ? I0 : H, H, streams, maxSteps, tensors(this.weight), tensors(this.gradView), false, this.scratch));
    }
    this.ids = new Int32Array(R);
    this.x0 = new F(R * I0);
    this.dx0 = new F(embedding !== undefined ? R * I0 : 0);
    this.outputs = new F(R * K);
  }

  get length(): number {
    return this.steps;
  }

  /** h of layer k after step t − 1 (slab t; slab 0 = h0), stream b: a view of H values. */
  hidden(k: number, t: number, b: number): Floats {
    const H = this.model.config.hiddenSize;
    const at = (t * this.streams + b) * H;
    return this.layers[k].hs.subarray(at, at + H);
  }

  /** c of layer k (LSTM), same indexing as hidden. */
  cellState(k: number, t: number, b: number): Floats {
    const H = this.model.config.hiddenSize;
    const at = (t * this.streams + b) * H;
    return this.layers[k].cs!.subarray(at, at + H);
  }

  /**
   * The whole buffer of layer k's h (or an LSTM's c) of the last forward, without a view per read: h of step slab t,
   * stream b, unit j sits at (t·B + b)·H + j, as hidden()/cellState() index it (the unit search reads every step).
   */
  stateBuffer(k: number, series: 'h' | 'c'): Floats {
    const layer = this.layers[k];
    if (series === 'c' && !layer.cs) throw new RangeError('Only an LSTM has a cell state c_t.');
    return series === 'h' ? layer.hs : layer.cs!;
  }

  /** Layer k's gate values of the last forward: row t·B + b holds G·H ([r z n] GRU, [i f g o] LSTM; none for the RNN). */
  gateBuffer(k: number): Floats {
    return this.layers[k].Z;
  }

  /**
   * From the next backward on, layer k records ‖∂L/∂h_t‖ (and an LSTM's ‖∂L/∂c_t‖) of stream b at t·B + b
   * (CellChain.gradNorms says which gradient); null stops it.
   */
  recordGradNorms(k: number, norms: { h: Float64Array; c: Float64Array | null } | null): void {
    this.layers[k].gradNorms = norms;
  }

  /** The first non-finite hidden value of the last forward, layer by layer, then time: [layer, t, stream, value]. */
  firstNonFiniteHidden(): [number, number, number, number] | null {
    const H = this.model.config.hiddenSize;
    const B = this.streams;
    for (let k = 0; k < this.layers.length; k++) {
      const hs = this.layers[k].hs;
      for (let i = B * H; i < (this.steps + 1) * B * H; i++) {
        const v = hs[i];
        if (v - v !== 0) {
          const r = Math.floor(i / H) - B;
          return [k, Math.floor(r / B), r % B, v];
        }
      }
    }
    return null;
  }

  /** Copies the states after `t` steps (slab t) of every layer into h (and c), stream-major (b·L + k)·H. */
  readStates(t: number, h: Float64Array, c: Float64Array | null): void {
    const { hiddenSize: H, layers: L } = this.model.config;
    for (let b = 0; b < this.streams; b++) {
      for (let k = 0; k < L; k++) {
        h.set(this.hidden(k, t, b), (b * L + k) * H);
        if (c) c.set(this.cellState(k, t, b), (b * L + k) * H);
      }
    }
  }

  /**
   * Forward over T steps. `fill(t, b)` gives the id (token input) of stream b at time t, or `fillRow(t, b, row)`
   * writes its dense row. h0 / c0 stream-major (zero when null). `layersOnly`: the layers' states only, no head
   * output (the unit search reads h_t and c_t; returns an empty view).
   */
  forward(
    T: number,
    input: { id: (t: number, b: number) => number } | { row: (t: number, b: number, out: Floats, off: number) => void },
    h0: Float64Array | null, c0: Float64Array | null,
    layersOnly = false,
  ): Floats {
    const { hiddenSize: H, layers: L, outputSize: K, inputSize, embedding } = this.model.config;
    const B = this.streams;
    if (!(T >= 1 && T <= this.maxSteps)) throw new RangeError(`${T} steps do not fit a batched stack built for 1…${this.maxSteps}`);
    const R = T * B;
    this.steps = T;
    if (this.weights32 && (this.refreshWeights || !this.weightsCopied)) {
      this.weights32.set(this.model.params);
      this.weightsCopied = true;
    }
    const embed = embedding !== undefined ? this.weight('embed.weight') : null;
    const I0 = embedding ?? inputSize;
    this.oneHot = false;
    if ('id' in input) {
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          const id = input.id(t, b);
          if (!(id >= 0 && id < inputSize)) throw new RangeError(`id ${id} at step ${t} of stream ${b} is outside the vocabulary of ${inputSize}`);
          this.ids[t * B + b] = id;
        }
      }
      if (embed) {
        for (let r = 0; r < R; r++) {
          const from = this.ids[r] * I0;
          for (let e = 0; e < I0; e++) this.x0[r * I0 + e] = embed[from + e];
        }
      } else this.oneHot = true;
    } else {
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) input.row(t, b, this.x0, (t * B + b) * I0);
    }

    for (let k = 0; k < L; k++) {
      const layer = this.layers[k];
      const { hs, cs } = layer;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          hs[b * H + j] = h0 ? h0[(b * L + k) * H + j] : 0;
          if (cs) cs[b * H + j] = c0 ? c0[(b * L + k) * H + j] : 0;
        }
      }
      if (k === 0 && this.oneHot && !this.refreshWeights) {
        this.oneHotTable ??= layer.oneHotTable();
        layer.projectOneHotRows(this.oneHotTable, this.ids, R);
      } else if (k === 0 && this.oneHot) layer.projectOneHot(this.ids, R);
      else if (k === 0) layer.projectDense(this.x0, 0, R);
      else layer.projectDense(this.layers[k - 1].hs, B * H, R);
      layer.recur(T, this.abortCheck);
    }

    // O = Y_top W_headᵀ + b_head
    if (layersOnly) return this.outputs.subarray(0, 0);
    const top = this.layers[L - 1].hs;
    const W = this.weight('head.weight');
    const bias = this.weight('head.bias');
    const O = this.outputs;
    gemmABt(O, 0, top, B * H, R, W, 0, K, H, false);
    for (let r = 0; r < R; r++) for (let j = 0; j < K; j++) O[r * K + j] += bias[j];
    return O.subarray(0, R * K);
  }

  /**
   * Backpropagation from ∂L/∂O in `outputs`; ADDS every parameter gradient into the gradient buffer. Products with
   * a transposed operand are done on transposed copies (gT, xT, wT) so that all of them run in gemmABt:
   *   ∂W += δᵀ X  =  (δᵀ)(Xᵀ)ᵀ,   ∂X = δ W  =  δ (Wᵀ)ᵀ.
   */
  backward(): void {
    const { hiddenSize: H, layers: L, outputSize: K, embedding } = this.model.config;
    const T = this.steps;
    if (T === 0) throw new RangeError('backward before forward');
    const B = this.streams;
    const R = T * B;
    const { gT, xT, wT } = this.scratch;
    const dO = this.outputs;
    const top = this.layers[L - 1];
    // Head: ∂W_head += ∂Oᵀ Y_top, ∂b_head += Σ_r ∂O_r, ∂Y_top = ∂O W_head
    if (this.parameterGradients) {
      const dW = this.gradView('head.weight');
      const dB = this.gradView('head.bias');
      transpose(dO, 0, R, K, gT);
      transpose(top.hs, B * H, R, H, xT);
      gemmABt(dW, 0, gT, 0, K, xT, 0, H, R, true);
      addRowSums(dB, gT, K, R);
    }
    transpose(this.weight('head.weight'), 0, K, H, wT);
    gemmABt(this.dYs[L - 1], 0, dO, 0, R, wT, 0, H, K, false);

    // Each layer from ∂L/∂(its output); its ∂L/∂X is the layer below's ∂L/∂Y, or the embedded rows'.
    for (let k = L - 1; k >= 0; k--) {
      const layer = this.layers[k];
      layer.dh.fill(0);
      layer.dc.fill(0);
      layer.parameterGradients = this.parameterGradients;
      const input = k === 0 && this.oneHot ? { ids: this.ids } : { X: k === 0 ? this.x0 : this.layers[k - 1].hs, xOff: k === 0 ? 0 : B * H };
      const dX = k > 0 ? this.dYs[k - 1] : embedding !== undefined && this.parameterGradients ? this.dx0 : null;
      layer.backward(this.dYs[k], this.abortCheck, input, dX, 0, false);
    }
    if (embedding !== undefined && this.parameterGradients) {
      const E = embedding;
      const dE = this.gradView('embed.weight');
      for (let r = 0; r < R; r++) {
        const at = this.ids[r] * E;
        for (let e = 0; e < E; e++) dE[at + e] += this.dx0[r * E + e];
      }
    }
  }
}
