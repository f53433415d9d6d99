// The character-level vanilla (Elman) RNN, with explicit forward and backward passes.
//
//   h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)      x_t one-hot, so W_xh x_t is column x_t of W_xh   (1)
//   y_t = W_hy h_t + b_y                                                                            (2)
//   p_t = softmax(y_t)                                                                              (3)
//   loss = (1/L) Σ_t −log p_t[target_t]                                                             (4)
//
// Shapes: W_xh H×V, W_hh H×H, b_h H, W_hy V×H, b_y V, all in ONE flat Float64Array (row-major, in that order), and
// the gradients in a second buffer with the same layout. Work buffers are sized once for the longest chunk.
import { addOuterProductsOverTime, addTransposedMatVec, dot } from './kernels';
import { Prng } from './prng';
import { layoutTensors, tensorView, type TensorInfo } from './tensorLayout';

export interface ForwardBackwardResult {
  /** Mean cross-entropy per character over the chunk, equation (4), in nats. */
  loss: number;
  /** h_L, the hidden state after the last character (a fresh array the caller may keep). */
  hLast: Float64Array;
}

export class CharRnn {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly maxSeqLength: number;
  readonly tensors: readonly TensorInfo[];
  readonly parameterCount: number;
  /** All parameters; the named views below share this memory. */
  readonly params: Float64Array;
  /** ∂loss/∂params, same layout; filled (overwritten) by forwardBackward. */
  readonly grads: Float64Array;

  readonly W_xh: Float64Array;
  readonly W_hh: Float64Array;
  readonly b_h: Float64Array;
  readonly W_hy: Float64Array;
  readonly b_y: Float64Array;
  readonly dW_xh: Float64Array;
  readonly dW_hh: Float64Array;
  readonly db_h: Float64Array;
  readonly dW_hy: Float64Array;
  readonly db_y: Float64Array;

  // Per-chunk work buffers, sized once for maxSeqLength: hidden states, probabilities (then δy), δa, and dh.
  private readonly hs: Float64Array;
  private readonly ps: Float64Array;
  private readonly das: Float64Array;
  private readonly dh: Float64Array;

  /**
   * @param rng when given, initialises like PyTorch's nn.RNN / nn.Linear: every entry uniform(−1/√H, 1/√H)
   *   (fan-in of the output layer is H too). Without it all parameters are zero.
   */
  constructor(vocabSize: number, hiddenSize: number, maxSeqLength: number, rng?: Prng) {
    if (!(vocabSize >= 1 && hiddenSize >= 1 && maxSeqLength >= 1)) {
      throw new RangeError(`bad CharRnn shape V=${vocabSize} H=${hiddenSize} L=${maxSeqLength}`);
    }
    const V = vocabSize;
    const H = hiddenSize;
    this.vocabSize = V;
    this.hiddenSize = H;
    this.maxSeqLength = maxSeqLength;
    const { tensors, length } = layoutTensors([
      { name: 'W_xh', rows: H, cols: V },
      { name: 'W_hh', rows: H, cols: H },
      { name: 'b_h', rows: H, cols: 1 },
      { name: 'W_hy', rows: V, cols: H },
      { name: 'b_y', rows: V, cols: 1 },
    ]);
    this.tensors = tensors;
    this.parameterCount = length;
    this.params = new Float64Array(length);
    this.grads = new Float64Array(length);
    [this.W_xh, this.W_hh, this.b_h, this.W_hy, this.b_y] = tensors.map((t) => tensorView(this.params, t));
    [this.dW_xh, this.dW_hh, this.db_h, this.dW_hy, this.db_y] = tensors.map((t) => tensorView(this.grads, t));

    this.hs = new Float64Array((maxSeqLength + 1) * H);
    this.ps = new Float64Array(maxSeqLength * V);
    this.das = new Float64Array(maxSeqLength * H);
    this.dh = new Float64Array(H);

    if (rng) {
      const bound = 1 / Math.sqrt(H);
      for (let i = 0; i < length; i++) this.params[i] = rng.uniform(-bound, bound);
    }
  }

  /** The parameter view of a tensor by name. */
  param(name: string): Float64Array {
    return tensorView(this.params, this.tensorInfo(name));
  }

  /** The gradient view of a tensor by name. */
  grad(name: string): Float64Array {
    return tensorView(this.grads, this.tensorInfo(name));
  }

  private tensorInfo(name: string): TensorInfo {
    const t = this.tensors.find((x) => x.name === name);
    if (!t) throw new RangeError(`no tensor named ${name}`);
    return t;
  }

  /**
   * Forward over one chunk, then full backpropagation through time inside it (no gradient flows into hPrev).
   * Overwrites `grads` with ∂loss/∂params. inputs[t] is x_t, targets[t] the id that should follow it.
   */
  forwardBackward(inputs: Int32Array, targets: Int32Array, hPrev: Float64Array): ForwardBackwardResult {
    const L = inputs.length;
    const V = this.vocabSize;
    const H = this.hiddenSize;
    if (L < 1 || L > this.maxSeqLength || targets.length !== L || hPrev.length !== H) {
      throw new RangeError(`chunk of ${L} inputs / ${targets.length} targets / h of ${hPrev.length} does not fit`);
    }
    for (let t = 0; t < L; t++) {
      // An id ≥ V would silently read a neighbouring row of W_xh.
      if (!(inputs[t] >= 0 && inputs[t] < V && targets[t] >= 0 && targets[t] < V)) {
        throw new RangeError(`character id out of range at position ${t} (vocabulary of ${V})`);
      }
    }
    const { W_xh, W_hh, b_h, W_hy, b_y, dW_xh, dW_hh, db_h, dW_hy, db_y, hs, ps, das, dh } = this;

    // ---- Forward. hs row t holds h_{t-1} (row 0 = hPrev, row t+1 = h_t); ps row t holds p_t.
    hs.set(hPrev, 0);
    let loss = 0;
    for (let t = 0; t < L; t++) {
      const x = inputs[t];
      const prev = t * H;
      const cur = prev + H;
      // (1) h_t = tanh(W_xh[:, x_t] + W_hh h_{t-1} + b_h)
      for (let i = 0; i < H; i++) {
        hs[cur + i] = Math.tanh(W_xh[i * V + x] + b_h[i] + dot(W_hh, i * H, hs, prev, H));
      }
      // (2) y_t = W_hy h_t + b_y, written into ps row t and turned into (3) p_t = softmax(y_t) below.
      const pRow = t * V;
      let max = -Infinity;
      for (let k = 0; k < V; k++) {
        const y = b_y[k] + dot(W_hy, k * H, hs, cur, H);
        ps[pRow + k] = y;
        if (y > max) max = y;
      }
      // (4) −log p_t[target] = log Σ_k exp(y_k − max) − (y[target] − max): finite even when p_t[target] underflows.
      // Subtracting the max keeps every exp ≤ 1 (stable softmax).
      const yTarget = ps[pRow + targets[t]];
      let sum = 0;
      for (let k = 0; k < V; k++) {
        const e = Math.exp(ps[pRow + k] - max);
        ps[pRow + k] = e;
        sum += e;
      }
      loss += Math.log(sum) - (yTarget - max);
      const inv = 1 / sum;
      for (let k = 0; k < V; k++) ps[pRow + k] *= inv;
    }

    // ---- Backward through time. With the mean in (4): δy_t = ∂loss/∂y_t = (p_t − onehot(target_t)) / L,
    // stored over p_t in ps. dh = ∂loss/∂h_t = W_hyᵀ δy_t + W_hhᵀ δa_{t+1}; δa_t = (1 − h_t²) ⊙ dh is the gradient
    // at the tanh input (tanh' = 1 − tanh²), stored in das row t. dh for t = 0 is not propagated into hPrev.
    const scale = 1 / L;
    dh.fill(0);
    for (let t = L - 1; t >= 0; t--) {
      const cur = (t + 1) * H;
      const pRow = t * V;
      for (let k = 0; k < V; k++) ps[pRow + k] *= scale;
      ps[pRow + targets[t]] -= scale;
      addTransposedMatVec(dh, 0, W_hy, 0, V, H, ps, pRow); // dh += W_hyᵀ δy_t
      const aRow = t * H;
      for (let i = 0; i < H; i++) {
        const h = hs[cur + i];
        das[aRow + i] = (1 - h * h) * dh[i];
      }
      if (t > 0) {
        dh.fill(0);
        addTransposedMatVec(dh, 0, W_hh, 0, H, H, das, aRow); // ∂loss/∂h_{t-1} from step t: W_hhᵀ δa_t
      }
    }

    // ---- Parameter gradients, summed over the chunk:
    //   dW_hy = Σ_t δy_t h_tᵀ   db_y = Σ_t δy_t   dW_hh = Σ_t δa_t h_{t-1}ᵀ   db_h = Σ_t δa_t   dW_xh[:, x_t] += δa_t
    this.grads.fill(0);
    addOuterProductsOverTime(dW_hy, ps, V, hs, H, H, L);
    addOuterProductsOverTime(dW_hh, das, H, hs, 0, H, L);
    for (let t = 0; t < L; t++) {
      const pRow = t * V;
      for (let k = 0; k < V; k++) db_y[k] += ps[pRow + k];
      const aRow = t * H;
      const x = inputs[t];
      for (let i = 0; i < H; i++) {
        const da = das[aRow + i];
        db_h[i] += da;
        dW_xh[i * V + x] += da;
      }
    }
    return { loss: loss * scale, hLast: hs.slice(L * H, (L + 1) * H) };
  }

  /** One step of (1) without gradients, for sampling: hOut = tanh(W_xh[:, x] + W_hh h + b_h). hOut ≠ h. */
  stepHidden(x: number, h: Float64Array, hOut: Float64Array): void {
    const V = this.vocabSize;
    const H = this.hiddenSize;
    const { W_xh, W_hh, b_h } = this;
    for (let i = 0; i < H; i++) hOut[i] = Math.tanh(W_xh[i * V + x] + b_h[i] + dot(W_hh, i * H, h, 0, H));
  }

  /** (2) then (3) at temperature T: probsOut = softmax(y / T), y = W_hy h + b_y. */
  probabilities(h: Float64Array, temperature: number, probsOut: Float64Array): void {
    const V = this.vocabSize;
    const H = this.hiddenSize;
    const { W_hy, b_y } = this;
    let max = -Infinity;
    for (let k = 0; k < V; k++) {
      const y = (b_y[k] + dot(W_hy, k * H, h, 0, H)) / temperature;
      probsOut[k] = y;
      if (y > max) max = y;
    }
    let sum = 0;
    for (let k = 0; k < V; k++) {
      const e = Math.exp(probsOut[k] - max);
      probsOut[k] = e;
      sum += e;
    }
    for (let k = 0; k < V; k++) probsOut[k] /= sum;
  }
}
