// GENERATED from batchedStack.ts by scripts/generate-float32-engine.mjs: do not edit, edit batchedStack.ts and run the script.
// The float32 path's own copy, so that V8 compiles it for Float32Arrays only (see the script).
// A unidirectional RecurrentStack run on B streams at once, for training and inference on streamed data: the same
// model (it reads the stack's parameters by PyTorch name and writes gradients in the same layout), but every time step
// is one matrix-matrix product over the B streams instead of B matrix-vector products.
//
// Rows are time-major: row r = t·B + b is time t of stream b, so the B rows of one step are contiguous.
//   P = X W_ihᵀ + b_ih                 all T·B rows at once (one-hot input: column id of W_ih)            (P)
//   Q_t = H_{t−1} W_hhᵀ                B × G·H per step (gemmABt); the cell then combines P_t, Q_t, b_hh     (Q)
//   cells: the equations of cells/cellEquations.ts, the same functions the batch-of-one cells call
//   O = Y_top W_headᵀ + b_head         all rows at once
// Backward, from ∂L/∂O written by the caller into `outputs`:
//   ∂L/∂W_head += ∂Oᵀ Y_top,  ∂L/∂Y_top = ∂O W_head
//   per layer, t = T−1 … 0: the cell's δP_t, δQ_t from d = ∂L/∂h_t; then ∂L/∂H_{t−1} += δQ_t W_hh
//   ∂L/∂W_hh += Σ_t δQ_tᵀ H_{t−1},  ∂L/∂W_ih += δPᵀ X,  ∂L/∂X = δP W_ih  (all rows at once)
// (every product as gemmABt on transposed copies: see backward)
// Gradients are SUMS over the rows: the caller weights ∂L/∂O (e.g. by 1/(B·n) for a batch mean).
// States h0 / c0 and the states read back are stream-major like the trainer's: stream b, layer k at (b·L + k)·H.
//
// Precision: the buffers are Float64Arrays, or Float32Arrays when the gradient buffer given is one (the float32
// path, as PyTorch's default dtype): then the weights are rounded to a float32 copy at every forward, and every
// activation, gate, output and gradient is rounded to float32 where it is stored (the sums inside the kernels and
// the nonlinearities run in double precision).
import { gemmABt, transpose, type Floats } from './batchedKernels32';
import {
  gruBackwardStep, gruForwardStep, lstmBackwardStep, lstmForwardStep, rnnBackwardStep, rnnForwardStep,
} from './cells/cellEquations32';
import type { RecurrentStack } from './recurrentStack';
import { throwIfAborted, type AbortCheck } from './stepAbort';

interface LayerBuffers {
  I: number;
  wih: Floats;
  whh: Floats;
  bih: Floats;
  bhh: Floats;
  dWih: Floats;
  dWhh: Floats;
  dBih: Floats;
  dBhh: Floats;
  /** (P) rows, T·B × G·H; after forward the gates' pre-activations, during backward δP. */
  P: Floats;
  /** Gate values [r z n] / [i f g o], T·B × G·H (empty for the RNN, whose a_t stays in P). */
  Z: Floats;
  /** Slab 0 = h0, slab t + 1 = h_t; (T + 1)·B × H. */
  hs: Floats;
  /** LSTM: slab 0 = c0, slab t + 1 = c_t; tanh(c_t) slab t. GRU: Q_n slab t. */
  cs: Floats | null;
  tc: Floats | null;
  qn: Floats | null;
  /** δQ (GRU only: separate from δP). */
  dQ: Floats;
  /** ∂L/∂(this layer's output) from above, T·B × H. */
  dY: Floats;
}

export class BatchedStack32 {
  readonly model: RecurrentStack;
  readonly streams: number;
  readonly maxSteps: number;
  /** O rows (maxSteps·B × outputSize), time-major; the caller turns them into ∂L/∂O before backward. */
  readonly outputs: Floats;
  private readonly layers: LayerBuffers[];
  private readonly kind: RecurrentStack['config']['cell'];
  private readonly G: number;
  private readonly q: Floats;
  private readonly dh: Floats;
  private readonly dc: Floats;
  private readonly ids: Int32Array;
  private readonly x0: Floats;
  private readonly dx0: Floats;
  /** Transposed copies for the backward products, so that every product is an A Bᵀ (gemmABt, the fast kernel). */
  private readonly gT: Floats;
  private readonly xT: Floats;
  private readonly wT: Floats;
  /** Views of one tensor of the weights this stack computes with, and of the gradient buffer. */
  private readonly weight: (name: string) => Floats;
  private readonly gradView: (name: string) => Floats;
  /** Polled between time steps of forward and backward: true throws StepAbortedError (see stepAbort.ts). */
  abortCheck: AbortCheck | null = null;
  private steps = 0;
  private oneHot = false;

  /** The float32 copy of the parameters (float32 path only), refreshed at every forward. */
  private readonly weights32: Float32Array | null;

  /** `grads` has the stack's parameter layout (Float32Array: the float32 path); backward ADDS into it. */
  constructor(model: RecurrentStack, streams: number, maxSteps: number, grads: Floats) {
    if (model.directions !== 1) throw new RangeError('BatchedStack runs unidirectional stacks only');
    if (grads.length !== model.parameterCount) throw new RangeError('gradient buffer does not match the stack');
    const { hiddenSize: H, layers, outputSize: K, inputSize, embeddingDim, cell } = model.config;
    this.model = model;
    this.streams = streams;
    this.maxSteps = maxSteps;
    this.kind = cell;
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
    this.G = G;
    const R = maxSteps * streams;
    const GH = G * H;
    const I0 = embeddingDim ?? inputSize;
    this.layers = [];
    for (let k = 0; k < layers; k++) {
      const n = (name: string): string => `rnn.${name}_l${k}`;
      const w = this.weight;
      const g = this.gradView;
      this.layers.push({
        I: k === 0 ? I0 : H,
        wih: w(n('weight_ih')), whh: w(n('weight_hh')), bih: w(n('bias_ih')), bhh: w(n('bias_hh')),
        dWih: g(n('weight_ih')), dWhh: g(n('weight_hh')), dBih: g(n('bias_ih')), dBhh: g(n('bias_hh')),
        P: new F(R * GH),
        Z: new F(cell === 'lstm' || cell === 'gru' ? R * GH : 0),
        hs: new F(R * H + streams * H),
        cs: cell === 'lstm' ? new F(R * H + streams * H) : null,
        tc: cell === 'lstm' ? new F(R * H) : null,
        qn: cell === 'gru' ? new F(R * H) : null,
        dQ: cell === 'gru' ? new F(R * GH) : new F(0),
        dY: new F(R * H),
      });
    }
    this.q = new F(streams * GH);
    this.dh = new F(streams * H);
    this.dc = new F(streams * H);
    this.ids = new Int32Array(R);
    this.x0 = new F(R * I0);
    this.dx0 = new F(embeddingDim !== undefined ? R * I0 : 0);
    this.outputs = new F(R * K);
    const widest = Math.max(GH, K, I0, H);
    this.gT = new F(widest * R);
    this.xT = new F(widest * R);
    this.wT = new F(widest * Math.max(GH, K, I0, H));
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
    const { hiddenSize: H, layers: L, outputSize: K, inputSize, embeddingDim } = this.model.config;
    const B = this.streams;
    if (!(T >= 1 && T <= this.maxSteps)) throw new RangeError(`${T} steps do not fit a batched stack built for 1…${this.maxSteps}`);
    const R = T * B;
    this.steps = T;
    if (this.weights32) this.weights32.set(this.model.params);
    const embed = embeddingDim !== undefined ? this.weight('embed.weight') : null;
    const I0 = embeddingDim ?? inputSize;
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
      this.inputProjection(k, R);
      for (let t = 0; t < T; t++) {
        throwIfAborted(this.abortCheck);
        this.stepForward(layer, t);
      }
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

  /** (P) for all rows of layer k. */
  private inputProjection(k: number, R: number): void {
    const layer = this.layers[k];
    const GH = this.G * this.model.config.hiddenSize;
    const { P, wih, bih, I } = layer;
    if (k === 0 && this.oneHot) {
      for (let r = 0; r < R; r++) {
        const id = this.ids[r];
        const row = r * GH;
        for (let g = 0; g < GH; g++) P[row + g] = bih[g] + wih[g * I + id];
      }
      return;
    }
    const X = k === 0 ? this.x0 : this.layers[k - 1].hs;
    const xOff = k === 0 ? 0 : this.streams * this.model.config.hiddenSize;
    gemmABt(P, 0, X, xOff, R, wih, 0, GH, I, false);
    for (let r = 0; r < R; r++) {
      const row = r * GH;
      for (let g = 0; g < GH; g++) P[row + g] += bih[g];
    }
  }

  /** One time step of one layer for all streams: (Q), then the cell's equations (cells/cellEquations.ts). */
  private stepForward(layer: LayerBuffers, t: number): void {
    const H = this.model.config.hiddenSize;
    const B = this.streams;
    const { P, Z, hs, whh, bhh } = layer;
    const q = this.q;
    // (Q) q = H_{t−1} W_hhᵀ
    gemmABt(q, 0, hs, t * B * H, B, whh, 0, this.G * H, H, false);
    const kind = this.kind;
    if (kind === 'lstm') lstmForwardStep(P, q, bhh, Z, layer.cs!, layer.tc!, hs, t, B, H);
    else if (kind === 'gru') gruForwardStep(P, q, bhh, Z, layer.qn!, hs, t, B, H);
    else rnnForwardStep(kind === 'rnn_relu', P, q, bhh, hs, t, B, H);
  }

  /**
   * Backpropagation from ∂L/∂O in `outputs`; ADDS every parameter gradient into the gradient buffer. Products with
   * a transposed operand are done on transposed copies (gT, xT, wT) so that all of them run in gemmABt:
   *   ∂W += δᵀ X  =  (δᵀ)(Xᵀ)ᵀ,   ∂X = δ W  =  δ (Wᵀ)ᵀ.
   */
  backward(): void {
    const { hiddenSize: H, layers: L, outputSize: K, embeddingDim } = this.model.config;
    const T = this.steps;
    if (T === 0) throw new RangeError('backward before forward');
    const B = this.streams;
    const R = T * B;
    const GH = this.G * H;
    const { gT, xT, wT } = this;
    const dO = this.outputs;
    const top = this.layers[L - 1];
    // Head: ∂W_head += ∂Oᵀ Y_top, ∂b_head += Σ_r ∂O_r, ∂Y_top = ∂O W_head
    const dW = this.gradView('head.weight');
    const dB = this.gradView('head.bias');
    transpose(dO, 0, R, K, gT);
    transpose(top.hs, B * H, R, H, xT);
    gemmABt(dW, 0, gT, 0, K, xT, 0, H, R, true);
    addRowSums(dB, gT, K, R);
    transpose(this.weight('head.weight'), 0, K, H, wT);
    gemmABt(top.dY, 0, dO, 0, R, wT, 0, H, K, false);

    for (let k = L - 1; k >= 0; k--) {
      const layer = this.layers[k];
      this.dh.fill(0);
      this.dc.fill(0);
      transpose(layer.whh, 0, GH, H, wT);
      for (let t = T - 1; t >= 0; t--) {
        throwIfAborted(this.abortCheck);
        this.stepBackward(layer, t, wT);
      }
      const dQ = this.kind === 'gru' ? layer.dQ : layer.P;
      const dP = layer.P; // δP overwrote P during stepBackward
      // ∂W_hh += Σ_t δQ_tᵀ H_{t−1} (hs rows 0 … R−1 are the previous states), ∂b_hh += Σ_t δQ_t
      transpose(dQ, 0, R, GH, gT);
      transpose(layer.hs, 0, R, H, xT);
      gemmABt(layer.dWhh, 0, gT, 0, GH, xT, 0, H, R, true);
      addRowSums(layer.dBhh, gT, GH, R);
      if (dP !== dQ) transpose(dP, 0, R, GH, gT);
      addRowSums(layer.dBih, gT, GH, R);
      if (k === 0 && this.oneHot) {
        const I = layer.I;
        for (let r = 0; r < R; r++) {
          const id = this.ids[r];
          const row = r * GH;
          for (let g = 0; g < GH; g++) layer.dWih[g * I + id] += dP[row + g];
        }
        continue;
      }
      // ∂W_ih += δPᵀ X
      const X = k === 0 ? this.x0 : this.layers[k - 1].hs;
      const xOff = k === 0 ? 0 : B * H;
      transpose(X, xOff, R, layer.I, xT);
      gemmABt(layer.dWih, 0, gT, 0, GH, xT, 0, layer.I, R, true);
      // ∂X = δP W_ih: into the layer below's ∂Y, or the embedded rows
      const dX = k > 0 ? this.layers[k - 1].dY : embeddingDim !== undefined ? this.dx0 : null;
      if (dX) {
        transpose(layer.wih, 0, GH, layer.I, wT);
        gemmABt(dX, 0, dP, 0, R, wT, 0, layer.I, GH, false);
      }
    }
    if (embeddingDim !== undefined) {
      const E = embeddingDim;
      const dE = this.gradView('embed.weight');
      for (let r = 0; r < R; r++) {
        const at = this.ids[r] * E;
        for (let e = 0; e < E; e++) dE[at + e] += this.dx0[r * E + e];
      }
    }
  }

  /** One step backwards for all streams: δP_t (into P), δQ_t, then dh ← ∂L/∂H_{t−1}. */
  private stepBackward(layer: LayerBuffers, t: number, whhT: Floats): void {
    const H = this.model.config.hiddenSize;
    const B = this.streams;
    const { P, Z, hs, dY } = layer;
    const dh = this.dh;
    const kind = this.kind;
    if (kind === 'lstm') lstmBackwardStep(Z, layer.cs!, layer.tc!, dY, dh, this.dc, P, t, B, H);
    else if (kind === 'gru') gruBackwardStep(Z, layer.qn!, hs, dY, dh, P, layer.dQ, t, B, H);
    else rnnBackwardStep(kind === 'rnn_relu', hs, dY, dh, P, t, B, H);
    // dh += δQ_t W_hh = δQ_t (W_hhᵀ)ᵀ
    const dQ = kind === 'gru' ? layer.dQ : P;
    gemmABt(dh, 0, dQ, t * B * this.G * H, B, whhT, 0, H, this.G * H, true);
  }
}

/** out[i] += Σ_{r<R} Mᵀ[i·R + r] for i < n: the column sums of a matrix given transposed (n × R). */
function addRowSums(out: Floats, mT: Floats, n: number, R: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * R;
    for (let r = 0; r < R; r++) s += mT[row + r];
    out[i] += s;
  }
}
