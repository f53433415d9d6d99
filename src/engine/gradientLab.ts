// The vanishing/exploding gradient lab: a vanilla tanh RNN and an LSTM of the same hidden size, built from the same
// seed and fed the same characters, with every H×H block of W_hh rescaled to one spectral radius ρ. Each runs T steps
// forward; the loss is the cross-entropy of the LAST step only,
//
//   L_T = −log softmax(W_y h_{T−1} + b_y)[x_T]                                                                 (1)
//
// and backpropagation through time gives, for t = 0 … T−1 (distance d = T−1−t from the loss),
//
//   ∂L_T/∂h_{T−1} = W_yᵀ (p − e_{x_T})                                                                         (2)
//   ∂L_T/∂h_t     = W_hhᵀ δQ_{t+1}       (δQ from the cell's own backward: RNN eq. (4), LSTM eq. (7))          (3)
//
// so for the RNN ‖∂L_T/∂h_t‖ shrinks or grows like the product of Jacobians diag(1 − h²) W_hh (Pascanu et al. 2013,
// with tanh′ ≤ γ = 1: σ_max(W_hh) < 1 is sufficient for vanishing, σ_max(W_hh) > 1 necessary for exploding; ρ ≤ σ_max). For the LSTM the cell state c_t also
// carries gradient: with h_t = o_t ⊙ tanh(c_t) following c_t,
//
//   ∂L_T/∂c_t = ∂L_T/∂c_{t+1} ⊙ f_{t+1} + ∂L_T/∂h_t ⊙ o_t ⊙ (1 − tanh² c_t)                                   (4)
//
// (LSTM eqs. (5), (7)) — the constant error carousel: along c the gradient is multiplied by the forget gate, not by
// W_hh, so with f near 1 (forget bias 1) it survives many steps. The decay rate per step is exp(b) of the least-
// squares line ln ‖g_d‖ = a + b·d over the distances d with a non-zero norm.
import { EngineInputError } from './errors';
import type { LstmCell } from './cells/lstmCell';
import type { RecurrentCell } from './cells/recurrentCell';
import { applyInitialisation } from './initialisation';
import { Prng } from './prng';
import { RecurrentStack } from './recurrentStack';
import { largestSingularValue } from './spectral';

export const LAB_MIN_STEPS = 2;
export const LAB_MAX_STEPS = 200;
export const LAB_MIN_HIDDEN = 2;
export const LAB_MAX_HIDDEN = 128;
/** Largest ρ the engine accepts (the panel's slider stops at 1.5). */
export const LAB_MAX_RADIUS = 4;
export const LAB_MAX_FORGET_BIAS = 5;
/** Characters of the data the lab reads: the inputs x_0 … x_{T−1} and the target x_T of the longest run. */
export const LAB_SEQUENCE_LENGTH = LAB_MAX_STEPS + 1;
/** The generated sequence (no file): random letters from this alphabet, from a fixed seed. */
const GENERATED_ALPHABET = 'abcdefghijklmnop ';
const GENERATED_SEED = 1;

export interface LabSequence {
  /** LAB_SEQUENCE_LENGTH character ids (the text repeated when it is shorter). */
  ids: Int32Array;
  /** chars[id]: the characters, in code point order. */
  chars: string[];
  generated: boolean;
}

/** The first LAB_SEQUENCE_LENGTH characters of `text` (repeated when shorter), or generated letters for no text. */
export function labSequence(text: string): LabSequence {
  let source = [...text.slice(0, 4 * LAB_SEQUENCE_LENGTH)].slice(0, LAB_SEQUENCE_LENGTH);
  const generated = source.length === 0;
  if (generated) {
    const rng = new Prng(GENERATED_SEED);
    source = Array.from({ length: LAB_SEQUENCE_LENGTH }, () => GENERATED_ALPHABET[Math.floor(rng.next() * GENERATED_ALPHABET.length)]);
  }
  const chars = [...new Set(source)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const idOf = new Map(chars.map((c, i) => [c, i]));
  const ids = Int32Array.from({ length: LAB_SEQUENCE_LENGTH }, (_, i) => idOf.get(source[i % source.length])!);
  return { ids, chars, generated };
}

export interface GradientLabOptions {
  hiddenSize: number;
  seed: number;
  /** b_if + b_hf of the LSTM (0 as PyTorch's default has on average; 1 the usual remedy). */
  forgetBias: number;
}

export interface GradientLabResult {
  steps: number;
  spectralRadius: number;
  /** ‖∂L_T/∂h_t‖ of the RNN, index t = 0 … T−1 (eq. 2, 3). */
  rnnHidden: Float64Array;
  /** ‖∂L_T/∂h_t‖ of the LSTM (eq. 2, 3). */
  lstmHidden: Float64Array;
  /** ‖∂L_T/∂c_t‖ of the LSTM (eq. 4). */
  lstmCell: Float64Array;
  /** Mean of f_t over all steps and units. */
  meanForgetGate: number;
  /** Per-step factors exp(b) of the fitted ln-norm lines (NaN with fewer than two non-zero norms). */
  rnnDecay: number;
  lstmHiddenDecay: number;
  lstmCellDecay: number;
  /**
   * ‖∂L_T/∂h_t‖ of a LINEAR RNN (h_t = W_hh h_{t−1} + …) with the tanh RNN's W_hh and its ∂L/∂h_{T−1}: in closed form
   * ∂L/∂h_{T−1−d} = (W_hhᵀ)ᵈ ∂L/∂h_{T−1}, which grows or shrinks like ρᵈ far back (the lecture's picture without the
   * saturation of tanh).
   */
  linearHidden: Float64Array;
  /** σ_max(W_hh) of the RNN (Pascanu et al. 2013: < 1 sufficient for vanishing, > 1 necessary for exploding). */
  largestSingularValue: number;
  /**
   * The carousel's factor per step of the unit that carries most: max_j (∏_{t=1…T−1} f_{t,j})^(1/(T−1)). Along c alone
   * (eq. 4 without its h term) ∂L/∂c_0 = (∏ f_t) ⊙ ∂L/∂c_{T−1}; the h term of eq. 4 adds gradient at every step,
   * so the measured cell gradient can fall more slowly than this.
   */
  carouselFactor: number;
  /** L_T of each model (nats). */
  rnnLoss: number;
  lstmLoss: number;
}

type ModelName = 'rnn' | 'lstm';

interface LabModel {
  stack: RecurrentStack;
  cell: RecurrentCell;
  /** W_hh with every H×H block at spectral radius 1 (initialisation.ts), scaled by ρ for each run. */
  unitHiddenWeights: Float64Array;
  hiddenWeights: Float64Array;
}

function checkWhole(name: string, v: number, lo: number, hi: number): void {
  if (!(Number.isInteger(v) && v >= lo && v <= hi)) throw new EngineInputError(`The ${name} must be a whole number from ${lo} to ${hi}, not ${v}.`);
}

/** exp of the least-squares slope of ln values[T−1−d] against d: the mean factor per step back in time. */
export function decayPerStep(values: Float64Array): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  const T = values.length;
  for (let t = 0; t < T; t++) {
    const v = values[t];
    if (!(v > 0 && Number.isFinite(v))) continue;
    const d = T - 1 - t;
    const y = Math.log(v);
    n++;
    sx += d;
    sy += y;
    sxx += d * d;
    sxy += d * y;
  }
  const denominator = n * sxx - sx * sx;
  if (n < 2 || denominator === 0) return NaN;
  return Math.exp((n * sxy - sx * sy) / denominator);
}

function norm(v: Float64Array, offset: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[offset + i] * v[offset + i];
  return Math.sqrt(s);
}

export class GradientLab {
  readonly vocabularySize: number;
  readonly hiddenSize: number;
  private readonly models: Record<ModelName, LabModel>;
  private readonly ids: Int32Array;
  private radius = NaN;
  private readonly logits: Float64Array;
  private readonly dh: Float64Array;
  /** The last run's gradient vectors, row t (T × H): ∂L/∂h_t of each model and ∂L/∂c_t of the LSTM. */
  private lastGradients: { rnn: Float64Array; lstm: Float64Array; cell: Float64Array } | undefined;

  /** `ids`: the data (at least T + 1 ids for a run of T steps), each below `vocabularySize`. */
  constructor(ids: Int32Array, vocabularySize: number, options: GradientLabOptions) {
    checkWhole('hidden size', options.hiddenSize, LAB_MIN_HIDDEN, LAB_MAX_HIDDEN);
    checkWhole('seed', options.seed, 0, 2 ** 32 - 1);
    if (!(Math.abs(options.forgetBias) <= LAB_MAX_FORGET_BIAS)) {
      throw new EngineInputError(`The forget-gate bias must be a number from −${LAB_MAX_FORGET_BIAS} to ${LAB_MAX_FORGET_BIAS}, not ${options.forgetBias}.`);
    }
    if (!(vocabularySize >= 1) || ids.some((id) => !(id >= 0 && id < vocabularySize))) throw new RangeError('GradientLab: ids outside the vocabulary');
    this.ids = ids;
    this.vocabularySize = vocabularySize;
    this.hiddenSize = options.hiddenSize;
    const make = (cell: 'rnn_tanh' | 'lstm'): LabModel => {
      const maxSteps = Math.max(1, Math.min(LAB_MAX_STEPS, ids.length - 1));
      const config = { cell, inputSize: vocabularySize, hiddenSize: options.hiddenSize, layers: 1, bidirectional: false, outputSize: vocabularySize, maxSteps };
      // The same seed for both: PyTorch's uniform initialisation, then every W_hh block rescaled to ρ = 1.
      const stack = new RecurrentStack(config, new Prng(options.seed));
      applyInitialisation(stack, { spectralRadius: 1, ...(cell === 'lstm' ? { forgetBias: options.forgetBias } : {}) }, new Prng(options.seed));
      const hiddenWeights = stack.param('rnn.weight_hh_l0');
      return { stack, cell: stack.cells[0], unitHiddenWeights: Float64Array.from(hiddenWeights), hiddenWeights };
    };
    this.models = { rnn: make('rnn_tanh'), lstm: make('lstm') };
    this.logits = new Float64Array(vocabularySize);
    this.dh = new Float64Array(options.hiddenSize);
  }

  /** The cell of a model, with its states of the last forward (hs, and cs / gateValues for the LSTM). */
  cell(model: ModelName): RecurrentCell {
    return this.models[model].cell;
  }

  /** ∂L_T/∂h_t ('rnn', 'lstm') or ∂L_T/∂c_t ('cell') of step t in the last run (a copy). */
  gradient(which: 'rnn' | 'lstm' | 'cell', t: number): Float64Array {
    if (!this.lastGradients) throw new RangeError('gradient before run');
    const H = this.hiddenSize;
    return this.lastGradients[which].slice(t * H, (t + 1) * H);
  }

  /** Rescales both models' W_hh to spectral radius ρ (every H×H block: ρ · its radius-1 version). */
  setSpectralRadius(rho: number): void {
    if (!(rho > 0 && rho <= LAB_MAX_RADIUS)) throw new EngineInputError(`The spectral radius must be above 0 and at most ${LAB_MAX_RADIUS}, not ${rho}.`);
    if (rho === this.radius) return;
    for (const m of Object.values(this.models)) {
      for (let i = 0; i < m.hiddenWeights.length; i++) m.hiddenWeights[i] = rho * m.unitHiddenWeights[i];
    }
    this.radius = rho;
  }

  private checkSteps(steps: number): void {
    checkWhole('sequence length', steps, LAB_MIN_STEPS, Math.min(LAB_MAX_STEPS, this.ids.length - 1));
  }

  /**
   * L_T of (1) when the model restarts from state h (and c) after step `from` (−1: from the zero state before step 0)
   * and runs steps from + 1 … T − 1; writes ∂L_T/∂h_{T−1} of (2) into `dh` when given. Overwrites the cell's states.
   */
  lossFromState(model: ModelName, steps: number, from: number, h: Float64Array, c?: Float64Array, dh?: Float64Array): number {
    this.checkSteps(steps);
    const { stack, cell } = this.models[model];
    const H = this.hiddenSize;
    const V = this.vocabularySize;
    let last = h;
    if (from < steps - 1) {
      if (cell.hasCellState) cell.forwardOneHot(this.ids.subarray(from + 1, steps), h, c ?? new Float64Array(H));
      else cell.forwardOneHot(this.ids.subarray(from + 1, steps), h);
      last = cell.lastHidden;
    }
    // (1) logits z = W_y h_{T−1} + b_y,  L = logsumexp(z) − z[target]
    const W = stack.param('head.weight');
    const b = stack.param('head.bias');
    const z = this.logits;
    let max = -Infinity;
    for (let k = 0; k < V; k++) {
      let s = b[k];
      for (let j = 0; j < H; j++) s += W[k * H + j] * last[j];
      z[k] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let k = 0; k < V; k++) sum += Math.exp(z[k] - max);
    const target = this.ids[steps];
    const loss = max + Math.log(sum) - z[target];
    if (dh) {
      // (2) ∂L/∂h_{T−1} = W_yᵀ (p − e_target)
      dh.fill(0);
      for (let k = 0; k < V; k++) {
        const g = Math.exp(z[k] - max) / sum - (k === target ? 1 : 0);
        for (let j = 0; j < H; j++) dh[j] += W[k * H + j] * g;
      }
    }
    return loss;
  }

  /** Both models at spectral radius ρ over T steps from the zero state: the gradient norms of (2)–(4) per step. */
  run(rho: number, steps: number): GradientLabResult {
    this.checkSteps(steps);
    this.setSpectralRadius(rho);
    const rnn = this.backpropagate('rnn', steps);
    const lstm = this.backpropagate('lstm', steps);
    const cell = this.models.lstm.cell as LstmCell;
    const H = this.hiddenSize;
    // (4) backwards from ∂L/∂c_{T−1} = ∂L/∂h_{T−1} ⊙ o ⊙ (1 − tanh² c), with the gates and tanh(c_t) of the forward.
    const dc = new Float64Array(H);
    const dcRows = new Float64Array(steps * H);
    const lstmCell = new Float64Array(steps);
    let forgetSum = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const row = t * 4 * H;
      for (let j = 0; j < H; j++) {
        const carried = t < steps - 1 ? dc[j] * cell.gateValues[(t + 1) * 4 * H + H + j] : 0;
        const tc = cell.tanhCs[t * H + j];
        dc[j] = carried + lstm.dh[t * H + j] * cell.gateValues[row + 3 * H + j] * (1 - tc * tc);
        forgetSum += cell.gateValues[row + H + j];
      }
      lstmCell[t] = norm(dc, 0, H);
      dcRows.set(dc, t * H);
    }
    this.lastGradients = { rnn: rnn.dh, lstm: lstm.dh, cell: dcRows };
    // Per unit ∏_{t=1…T−1} f_{t,j} (in logs), its largest, per step.
    let bestLog = -Infinity;
    for (let j = 0; j < H; j++) {
      let sum = 0;
      for (let t = 1; t < steps; t++) sum += Math.log(cell.gateValues[t * 4 * H + H + j]);
      bestLog = Math.max(bestLog, sum);
    }
    const carouselFactor = Math.exp(bestLog / (steps - 1));
    const W = this.models.rnn.hiddenWeights;
    // Linear RNN: g_{t} = W_hhᵀ g_{t+1} from g_{T−1} = the tanh RNN's ∂L/∂h_{T−1} (the same head and data).
    const linearHidden = new Float64Array(steps);
    let g = rnn.dh.slice((steps - 1) * H, steps * H);
    const next = new Float64Array(H);
    linearHidden[steps - 1] = norm(g, 0, H);
    for (let t = steps - 2; t >= 0; t--) {
      next.fill(0);
      for (let k = 0; k < H; k++) {
        const gk = g[k];
        for (let j = 0; j < H; j++) next[j] += W[k * H + j] * gk;
      }
      g = next.slice();
      linearHidden[t] = norm(g, 0, H);
    }
    const rnnHidden = rnn.norms;
    const lstmHidden = lstm.norms;
    return {
      steps,
      spectralRadius: rho,
      rnnHidden,
      lstmHidden,
      lstmCell,
      meanForgetGate: forgetSum / (steps * H),
      rnnDecay: decayPerStep(rnnHidden),
      lstmHiddenDecay: decayPerStep(lstmHidden),
      lstmCellDecay: decayPerStep(lstmCell),
      linearHidden,
      largestSingularValue: largestSingularValue(W, H, H),
      carouselFactor,
      rnnLoss: rnn.loss,
      lstmLoss: lstm.loss,
    };
  }

  /** Forward over T steps, then the cell's BPTT from the last step's loss: every ∂L_T/∂h_t (rows t) and its norm. */
  private backpropagate(model: ModelName, steps: number): { loss: number; dh: Float64Array; norms: Float64Array } {
    const { stack, cell, hiddenWeights } = this.models[model];
    const H = this.hiddenSize;
    const GH = cell.gates * H;
    const zero = new Float64Array(H);
    cell.forwardOneHot(this.ids.subarray(0, steps), zero, cell.hasCellState ? zero : undefined);
    const loss = this.lossFromState(model, steps, steps - 1, cell.lastHidden.slice(), undefined, this.dh);
    stack.grads.fill(0);
    cell.backward(null, this.dh, null);
    const dQ = cell.hiddenProjectionGradient;
    const dh = new Float64Array(steps * H);
    dh.set(this.dh, (steps - 1) * H);
    // (3) ∂L/∂h_t = W_hhᵀ δQ_{t+1} for t < T − 1
    for (let t = 0; t < steps - 1; t++) {
      const q = (t + 1) * GH;
      for (let k = 0; k < GH; k++) {
        const d = dQ[q + k];
        if (d === 0) continue;
        for (let j = 0; j < H; j++) dh[t * H + j] += hiddenWeights[k * H + j] * d;
      }
    }
    const norms = new Float64Array(steps);
    for (let t = 0; t < steps; t++) norms[t] = norm(dh, t * H, H);
    return { loss, dh, norms };
  }
}
