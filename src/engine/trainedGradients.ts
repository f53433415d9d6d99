// The gradient lab's "trained weights" mode: the same measurement as the lab's random models (gradientLab.ts), on a
// model a training run left behind. A one-layer, one-direction character model (a tanh RNN or an LSTM, one-hot or
// embedded input) reads T characters x_0 … x_{T−1} from the zero state; the loss is the cross-entropy of the LAST
// step only, against x_T,
//
//   L_T = −log softmax(W_y h_{T−1} + b_y)[x_T]                                                                 (1)
//
// so ∂L/∂o_t = 0 for t < T − 1 and p − e_{x_T} at T − 1. The stack's own backward (recurrentStack.ts) then gives the
// cell's δQ_t = ∂L/∂(W_hh h_{t−1} + b_hh), and
//
//   ∂L_T/∂h_{T−1} = W_yᵀ (p − e_{x_T})                                                                         (2)
//   ∂L_T/∂h_t     = W_hhᵀ δQ_{t+1}                           t < T − 1                                          (3)
//   ∂L_T/∂c_t     = ∂L_T/∂c_{t+1} ⊙ f_{t+1} + ∂L_T/∂h_t ⊙ o_t ⊙ (1 − tanh² c_t)        (LSTM, the carousel)      (4)
//
// exactly equations (2)–(4) of gradientLab.ts, with the trained W_hh instead of a rescaled random one. The linear RNN
// beside them keeps the tanh RNN's trained W_hh: ∂L/∂h_{T−1−d} = (W_hhᵀ)ᵈ ∂L/∂h_{T−1}.
import { EngineInputError } from './errors';
import type { LstmCell } from './cells/lstmCell';
import { decayPerStep } from './gradientLab';
import type { RecurrentStack } from './recurrentStack';
import { largestSingularValue, spectralRadius } from './spectral';

export interface TrainedModelGradients {
  /** ‖∂L_T/∂h_t‖, t = 0 … T−1 (eqs. 2, 3). */
  hidden: Float64Array;
  /** ∂L_T/∂h_t rows (T × H). */
  hiddenRows: Float64Array;
  /** LSTM only: ‖∂L_T/∂c_t‖ (eq. 4), its rows, the mean forget gate over all steps and units, the carousel's best factor. */
  cell?: Float64Array;
  cellRows?: Float64Array;
  meanForgetGate?: number;
  carouselFactor?: number;
  /** L_T in nats. */
  loss: number;
}

function norm(v: Float64Array, offset: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[offset + i] * v[offset + i];
  return Math.sqrt(s);
}

/** The lab reads one recurrence: a one-layer, one-direction stack with a tanh or LSTM cell. */
export function checkLabStack(stack: RecurrentStack, what: string): void {
  const c = stack.config;
  if (c.layers !== 1 || c.bidirectional) throw new EngineInputError(`${what} has ${c.layers} layer(s)${c.bidirectional ? ', bidirectional' : ''}; the lab reads one-layer, one-direction models.`);
  if (c.cell !== 'rnn_tanh' && c.cell !== 'lstm') throw new EngineInputError(`${what} is a ${c.cell} model; the lab compares a tanh RNN with an LSTM.`);
}

/** Log-softmax cross-entropy of logits `z` against `target`, and p − e_target written into `dz` when given. */
function crossEntropy(z: Float64Array, target: number, dz?: Float64Array): number {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - max);
  if (dz) for (let k = 0; k < z.length; k++) dz[k] = Math.exp(z[k] - max) / sum - (k === target ? 1 : 0);
  return max + Math.log(sum) - z[target];
}

/**
 * L_T of (1) when the model restarts from state h (and c) after step `from` and reads x_{from+1} … x_{T−1}
 * (from = T − 1: the head alone on h). For finite-difference checks; overwrites the stack's forward state.
 */
export function trainedLossFromState(stack: RecurrentStack, ids: Int32Array, steps: number, from: number, h: Float64Array, c?: Float64Array): number {
  const V = stack.config.outputSize;
  const H = stack.config.hiddenSize;
  let z: Float64Array;
  if (from < steps - 1) {
    const o = stack.forward({ ids: ids.subarray(from + 1, steps) }, h, stack.config.cell === 'lstm' ? c ?? new Float64Array(H) : undefined);
    z = o.slice((steps - 2 - from) * V, (steps - 1 - from) * V);
  } else {
    const W = stack.param('head.weight');
    const b = stack.param('head.bias');
    z = new Float64Array(V);
    for (let k = 0; k < V; k++) {
      let s = b[k];
      for (let j = 0; j < H; j++) s += W[k * H + j] * h[j];
      z[k] = s;
    }
  }
  return crossEntropy(z, ids[steps]);
}

/** Forward over x_0 … x_{T−1} from the zero state, the loss (1) at the last step only, and eqs. (2)–(4) back. */
export function trainedModelGradients(stack: RecurrentStack, ids: Int32Array, steps: number): TrainedModelGradients {
  checkLabStack(stack, 'The model');
  const { hiddenSize: H, outputSize: V, maxSteps } = stack.config;
  if (!(Number.isInteger(steps) && steps >= 2 && steps <= maxSteps && steps < ids.length)) {
    throw new EngineInputError(`The sequence length must be a whole number from 2 to ${Math.min(maxSteps, ids.length - 1)}, not ${steps}.`);
  }
  const o = stack.forward({ ids: ids.subarray(0, steps) });
  // (1): ∂L/∂o_t = 0 except the last row, p − e_{x_T}; the stack backpropagates from the rows we write.
  const last = o.slice((steps - 1) * V, steps * V);
  o.fill(0);
  const loss = crossEntropy(last, ids[steps], o.subarray((steps - 1) * V, steps * V));
  stack.backwardFromOutputGradient();
  const cell = stack.cells[0];
  const GH = cell.gates * H;
  const Whh = stack.param('rnn.weight_hh_l0');
  const dQ = cell.hiddenProjectionGradient;
  const fromAbove = stack.layerOutputGradient(0);
  // (2) is the head's part of row T − 1 (zero elsewhere); (3) adds W_hhᵀ δQ_{t+1}.
  const rows = Float64Array.from(fromAbove.subarray(0, steps * H));
  for (let t = 0; t < steps - 1; t++) {
    const q = (t + 1) * GH;
    for (let k = 0; k < GH; k++) {
      const d = dQ[q + k];
      if (d === 0) continue;
      for (let j = 0; j < H; j++) rows[t * H + j] += Whh[k * H + j] * d;
    }
  }
  const hidden = new Float64Array(steps);
  for (let t = 0; t < steps; t++) hidden[t] = norm(rows, t * H, H);
  if (stack.config.cell !== 'lstm') return { hidden, hiddenRows: rows, loss };

  // (4) backwards from ∂L/∂c_{T−1} = ∂L/∂h_{T−1} ⊙ o ⊙ (1 − tanh² c) with the gates (i, f, g, o) of the forward.
  const lstm = cell as LstmCell;
  const dc = new Float64Array(H);
  const cellRows = new Float64Array(steps * H);
  const cellNorms = new Float64Array(steps);
  let forgetSum = 0;
  for (let t = steps - 1; t >= 0; t--) {
    const row = t * 4 * H;
    for (let j = 0; j < H; j++) {
      const carried = t < steps - 1 ? dc[j] * lstm.gateValues[(t + 1) * 4 * H + H + j] : 0;
      const tc = lstm.tanhCs[t * H + j];
      dc[j] = carried + rows[t * H + j] * lstm.gateValues[row + 3 * H + j] * (1 - tc * tc);
      forgetSum += lstm.gateValues[row + H + j];
    }
    cellNorms[t] = norm(dc, 0, H);
    cellRows.set(dc, t * H);
  }
  // The unit that carries most along c alone: max_j (∏_{t=1…T−1} f_{t,j})^(1/(T−1)).
  let bestLog = -Infinity;
  for (let j = 0; j < H; j++) {
    let sum = 0;
    for (let t = 1; t < steps; t++) sum += Math.log(lstm.gateValues[t * 4 * H + H + j]);
    bestLog = Math.max(bestLog, sum);
  }
  return {
    hidden, hiddenRows: rows, cell: cellNorms, cellRows, loss,
    meanForgetGate: forgetSum / (steps * H),
    carouselFactor: Math.exp(bestLog / (steps - 1)),
  };
}

/** ‖(W_hhᵀ)ᵈ g‖ for d = T − 1 − t, t = 0 … T − 1: the linear RNN with the given W_hh (H × H) from g = ∂L/∂h_{T−1}. */
export function linearGradientNorms(Whh: Float64Array, H: number, lastGradient: Float64Array, steps: number): Float64Array {
  const out = new Float64Array(steps);
  let g = lastGradient.slice(0, H);
  out[steps - 1] = norm(g, 0, H);
  for (let t = steps - 2; t >= 0; t--) {
    const next = new Float64Array(H);
    for (let k = 0; k < H; k++) {
      const gk = g[k];
      for (let j = 0; j < H; j++) next[j] += Whh[k * H + j] * gk;
    }
    g = next;
    out[t] = norm(g, 0, H);
  }
  return out;
}

export interface TrainedLabResult {
  steps: number;
  rnnHidden: Float64Array;
  lstmHidden: Float64Array;
  lstmCell: Float64Array;
  meanForgetGate: number;
  carouselFactor: number;
  rnnDecay: number;
  lstmHiddenDecay: number;
  lstmCellDecay: number;
  linearHidden: Float64Array;
  /** ρ and σ_max of the trained tanh RNN's W_hh. */
  spectralRadius: number;
  largestSingularValue: number;
  rnnLoss: number;
  lstmLoss: number;
}

/** Both trained models on the same characters (as ids of each model's vocabulary): the lab's curves after training. */
export function trainedLab(rnn: RecurrentStack, rnnIds: Int32Array, lstm: RecurrentStack, lstmIds: Int32Array, steps: number): TrainedLabResult {
  checkLabStack(rnn, 'The RNN run\'s model');
  checkLabStack(lstm, 'The LSTM run\'s model');
  if (rnn.config.cell !== 'rnn_tanh') throw new EngineInputError('The first model must be a tanh RNN.');
  if (lstm.config.cell !== 'lstm') throw new EngineInputError('The second model must be an LSTM.');
  const r = trainedModelGradients(rnn, rnnIds, steps);
  const l = trainedModelGradients(lstm, lstmIds, steps);
  const H = rnn.config.hiddenSize;
  const Whh = rnn.param('rnn.weight_hh_l0');
  return {
    steps,
    rnnHidden: r.hidden,
    lstmHidden: l.hidden,
    lstmCell: l.cell!,
    meanForgetGate: l.meanForgetGate!,
    carouselFactor: l.carouselFactor!,
    rnnDecay: decayPerStep(r.hidden),
    lstmHiddenDecay: decayPerStep(l.hidden),
    lstmCellDecay: decayPerStep(l.cell!),
    linearHidden: linearGradientNorms(Whh, H, r.hiddenRows.subarray((steps - 1) * H, steps * H), steps),
    spectralRadius: spectralRadius(Whh, H),
    largestSingularValue: largestSingularValue(Whh, H, H),
    rnnLoss: r.loss,
    lstmLoss: l.loss,
  };
}
