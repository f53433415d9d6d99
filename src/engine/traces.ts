// Traces of a RecurrentStack over one bounded window of T time steps, for the panels: everything the lecture draws,
// as typed arrays with shapes (row-major). Cell index c = k·D + d (layer k, direction d); time t is INPUT time for
// every direction (a reverse chain's processing step s is time T−1−s).
//
//   hidden          [L·D, T, H]    h_t
//   cell            [L·D, T, H]    c_t (LSTM)
//   gates           [L·D, T, G, H] LSTM i, f, g, o; GRU r, z, n (after their σ / tanh); RNN: h_t itself (G = 1)
//   preActivations  [L·D, T, G·H]  the arguments of those nonlinearities (see each cell's file)
//   probabilities   [T, K]         softmax(o_t) for a cross-entropy target or no target; o_t itself for MSE and the final-target loss
//   hiddenGradNorm  [L·D, T]       ‖∂L/∂h_t‖, the TOTAL derivative (from above at t and through step t + 1)
//   cellGradNorm    [L·D, T]       ‖∂L/∂c_t‖ (LSTM)
//   jacobianNorm    [L·D, T]       entry n: ‖∂h_end/∂h_{end−n}‖₂ along the chain, end = its last processing step,
//                                  with the input held fixed; for the LSTM the partial holding c_{end−n} fixed
//   spectra         per W_hh tensor and gate block: spectral radius ρ and largest singular value σ_max
//
// Backward recursions (step s in processing order, d_s = ∂L/∂h_s total, u_s = ∂L/∂h_s from above):
//   d_{T−1} = u_{T−1},  d_s = u_s + W_hhᵀ δQ_{s+1}  (+ z_{s+1} ⊙ d_{s+1} for the GRU: h = (1−z)n + z h_prev)
//   LSTM: ∂L/∂c_s = d_s ⊙ o_s ⊙ (1 − tanh² c_s) + f_{s+1} ⊙ ∂L/∂c_{s+1}
// as the stack's backward runs them (cells/cellChain.ts, gradNorms), δQ the cell's hidden-projection gradient.
//
// Per-step Jacobians J_s = ∂state_s/∂state_{s−1} (state h, or [h; c] for the LSTM; W_x = gate block x of W_hh):
//   RNN   J = diag(act′(a_s)) W_hh
//   GRU   J = diag(z) + diag(1 − z) N + diag(h_{s−1} − n) diag(z(1 − z)) W_z,
//         N = diag(1 − n²) (diag(Q_n) diag(r(1 − r)) W_r + diag(r) W_n)
//   LSTM  ∂c/∂h = diag(c_{s−1} f(1−f)) W_f + diag(g i(1−i)) W_i + diag(i (1−g²)) W_g,   ∂c/∂c = diag(f)
//         ∂h/∂h = diag(tanh c · o(1−o)) W_o + diag(o (1 − tanh² c)) ∂c/∂h,           ∂h/∂c = diag(o (1 − tanh² c) f)
// and M_n = ∂h_end/∂state_{end−n} = M_{n−1} J_{end−n+1}, M_0 = [I 0]. Its norm is the largest singular value of the
// H×H h-block: EXACT (to rounding, spectral.ts's squaring) for H ≤ 16, power iteration (warm-started from the
// previous distance, up to 200 iterations, relative tolerance 1e-10) above; `jacobianMethod` says which.
import type { GruCell } from './cells/gruCell';
import type { LstmCell } from './cells/lstmCell';
import { EngineInputError } from './errors';
import { RecurrentStack, type LossTarget, type StackInput } from './recurrentStack';
import type { SequenceData } from './sequenceData';
import { largestSingularValue, largestSingularValuePower, spectralRadius } from './spectral';
import { recurrenceTerms, type RecurrenceTerms } from './recurrenceTerms';

export interface TracedTensor {
  data: Float64Array;
  shape: number[];
}

export interface RecurrentSpectrum {
  /** PyTorch name of the W_hh tensor. */
  name: string;
  /** Gate blocks in PyTorch order (i, f, g, o / r, z, n / the single RNN block). */
  gates: string[];
  spectralRadius: number[];
  largestSingularValue: number[];
  /** σ_max of the whole (G·H) × H tensor (equals the block's for the RNN). */
  largestSingularValueWhole: number;
}

export interface SequenceTrace {
  steps: number;
  layers: number;
  directions: number;
  hiddenSize: number;
  gateNames: string[];
  inputIds: Int32Array | null;
  /** Dense input rows [T, I], when the input was dense. */
  inputRows: TracedTensor | null;
  hidden: TracedTensor;
  cell: TracedTensor | null;
  gates: TracedTensor;
  preActivations: TracedTensor;
  probabilities: TracedTensor;
  /** Present when a target was given. */
  loss: number | null;
  hiddenGradNorm: TracedTensor | null;
  cellGradNorm: TracedTensor | null;
  jacobianNorm: TracedTensor | null;
  jacobianMethod: 'exact' | 'power-iteration' | null;
  spectra: RecurrentSpectrum[];
  /** Every term of the step options.recurrence asked for (recurrenceTerms.ts), when it lies inside the window. */
  recurrence?: RecurrenceTerms;
}

export interface TraceOptions {
  h0?: Float64Array;
  c0?: Float64Array;
  /** Compute jacobianNorm (default true). Cost ~T·H·S² per chain, S = H (2H for the LSTM). */
  jacobian?: boolean;
  /** Compute the spectra of W_hh (default true). Cost up to 64 H³ per gate block. */
  spectra?: boolean;
  /** Also the terms of chain `chain` at input time `t` (skipped when outside the model or the window). */
  recurrence?: { chain: number; t: number };
  /**
   * Trace `model` itself, built for ≥ T steps: its activations and gradients are overwritten, its parameters are not.
   * For a caller that already holds its own copy and traces window after window (Colour Text: ~1,600 windows for
   * 100,000 characters, each of which would otherwise copy the parameters and allocate a stack).
   */
  inPlace?: boolean;
}

/**
 * What a trace's backward pass differentiates: a per-step loss (sequenceLoss.ts), or a sequence-to-one run's
 * L = (o_{T−1} − target)², the squared error of the first output at the last step only (finalTargetTrainer.ts).
 */
export type TraceTarget = LossTarget | { kind: 'final-mse'; target: number };

/** The longest window a trace accepts: traces are for looking at, and their memory grows with T·L·D·G·H. */
export const MAX_TRACE_STEPS = 2048;

const GATE_NAMES: Record<string, string[]> = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'], rnn_tanh: ['h'], rnn_relu: ['h'] };
const EXACT_JACOBIAN_MAX_H = 16;

/** The spectra of every W_hh of a stack (per gate block). */
export function recurrentSpectra(stack: RecurrentStack): RecurrentSpectrum[] {
  const H = stack.config.hiddenSize;
  const gates = GATE_NAMES[stack.config.cell];
  return stack.tensors
    .filter((t) => t.name.startsWith('rnn.weight_hh'))
    .map((t) => {
      const w = stack.param(t.name);
      const blocks = gates.map((_, g) => w.subarray(g * H * H, (g + 1) * H * H));
      return {
        name: t.name, gates: [...gates],
        spectralRadius: blocks.map((b) => spectralRadius(b, H)),
        largestSingularValue: blocks.map((b) => largestSingularValue(b, H, H)),
        largestSingularValueWhole: largestSingularValue(w, gates.length * H, H),
      };
    });
}

/**
 * Traces `model` (its parameters are copied, unless options.inPlace; it is not changed) over the window `input` of T ≤ MAX_TRACE_STEPS
 * steps from h0/c0 (zero when omitted). With a target, also the loss and every backward quantity.
 */
export function traceWindow(model: RecurrentStack, input: StackInput, target: TraceTarget | null, options: TraceOptions = {}): SequenceTrace {
  const T = 'ids' in input ? input.ids.length : input.steps;
  if (!(T >= 1 && T <= MAX_TRACE_STEPS)) throw new EngineInputError(`A trace window has 1 to ${MAX_TRACE_STEPS} steps (got ${T}).`);
  let stack = model;
  if (!options.inPlace) {
    stack = new RecurrentStack({ ...model.config, maxSteps: T });
    stack.params.set(model.params);
  } else if (model.config.maxSteps < T) throw new RangeError(`a stack built for ${model.config.maxSteps} steps cannot trace ${T} in place`);
  const { hiddenSize: H, layers, outputSize: K, cell: kind } = stack.config;
  const D = stack.directions;
  const C = layers * D;
  const G = stack.cells[0].gates;
  const isLstm = kind === 'lstm';

  const o = stack.forward(input, options.h0, options.c0);
  const asked = options.recurrence;
  const recurrence = asked && Number.isInteger(asked.chain) && Number.isInteger(asked.t) && asked.chain >= 0 && asked.chain < C && asked.t >= 0 && asked.t < T ? recurrenceTerms(stack, input, asked.chain, asked.t) : undefined;
  const probabilities = new Float64Array(T * K);
  if (target && (target.kind === 'mse' || target.kind === 'final-mse')) probabilities.set(o);
  else {
    for (let t = 0; t < T; t++) {
      let max = -Infinity;
      for (let j = 0; j < K; j++) max = Math.max(max, o[t * K + j]);
      let sum = 0;
      for (let j = 0; j < K; j++) sum += probabilities[t * K + j] = Math.exp(o[t * K + j] - max);
      for (let j = 0; j < K; j++) probabilities[t * K + j] /= sum;
    }
  }

  const hidden = new Float64Array(C * T * H);
  const cellState = isLstm ? new Float64Array(C * T * H) : null;
  const gates = new Float64Array(C * T * G * H);
  const pre = new Float64Array(C * T * G * H);
  for (let c = 0; c < C; c++) {
    const cell = stack.cells[c];
    const rev = c % D === 1;
    for (let s = 0; s < T; s++) {
      const t = rev ? T - 1 - s : s;
      const at = (c * T + t) * H;
      hidden.set(cell.hs.subarray((s + 1) * H, (s + 2) * H), at);
      if (cellState) cellState.set((cell as LstmCell).cs.subarray((s + 1) * H, (s + 2) * H), at);
      const g = (c * T + t) * G * H;
      pre.set(cell.preActivations.subarray(s * G * H, (s + 1) * G * H), g);
      if (kind === 'lstm' || kind === 'gru') gates.set((cell as LstmCell | GruCell).gateValues.subarray(s * G * H, (s + 1) * G * H), g);
      else gates.set(cell.hs.subarray((s + 1) * H, (s + 2) * H), g);
    }
  }

  let loss: number | null = null;
  let hiddenGradNorm: Float64Array | null = null;
  let cellGradNorm: Float64Array | null = null;
  if (target) {
    // ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) as the backward pass computes them (CellChain.gradNorms), in processing order.
    hiddenGradNorm = new Float64Array(C * T);
    cellGradNorm = isLstm ? new Float64Array(C * T) : null;
    for (let c = 0; c < C; c++) {
      stack.cells[c].recordGradNorms({ h: hiddenGradNorm.subarray(c * T, (c + 1) * T), c: cellGradNorm?.subarray(c * T, (c + 1) * T) ?? null });
    }
    // A trace reads no parameter gradient: the backward skips their products. Restored in `finally`: traced in place,
    // the stack is the live model, which must not keep training without parameter gradients (or keep recording
    // into this trace's arrays) after a backward pass that threw.
    const parameterGradients = stack.parameterGradients;
    stack.parameterGradients = false;
    try {
      if (target.kind === 'final-mse') {
        // ∂L/∂o: zero but for the last step's first output, 2 (o_{T−1} − target).
        const e = o[(T - 1) * K] - target.target;
        loss = e * e;
        stack.outputs.fill(0, 0, T * K);
        stack.outputs[(T - 1) * K] = 2 * e;
        stack.backwardFromOutputGradient();
      } else loss = stack.backward(target);
    } finally {
      stack.parameterGradients = parameterGradients;
      for (let c = 0; c < C; c++) stack.cells[c].recordGradNorms(null);
    }
    for (let c = 0; c < C; c++) {
      // A reverse chain's step s is time T−1−s.
      if (c % D === 1) {
        hiddenGradNorm.subarray(c * T, (c + 1) * T).reverse();
        cellGradNorm?.subarray(c * T, (c + 1) * T).reverse();
      }
    }
  }
  const jacobian = options.jacobian ?? true;
  const jacobianNorm = jacobian ? new Float64Array(C * T) : null;
  if (jacobianNorm) for (let c = 0; c < C; c++) jacobianNorms(stack, c, jacobianNorm.subarray(c * T, (c + 1) * T));

  const I = stack.config.embedding === undefined ? stack.config.inputSize : 0;
  return {
    steps: T, layers, directions: D, hiddenSize: H, gateNames: [...GATE_NAMES[kind]],
    inputIds: 'ids' in input ? Int32Array.from(input.ids) : null,
    inputRows: 'ids' in input ? null : { data: Float64Array.from(input.x.subarray(0, T * I)), shape: [T, I] },
    hidden: { data: hidden, shape: [C, T, H] },
    cell: cellState ? { data: cellState, shape: [C, T, H] } : null,
    gates: { data: gates, shape: [C, T, G, H] },
    preActivations: { data: pre, shape: [C, T, G * H] },
    probabilities: { data: probabilities, shape: [T, K] },
    loss,
    hiddenGradNorm: hiddenGradNorm ? { data: hiddenGradNorm, shape: [C, T] } : null,
    cellGradNorm: cellGradNorm ? { data: cellGradNorm, shape: [C, T] } : null,
    jacobianNorm: jacobianNorm ? { data: jacobianNorm, shape: [C, T] } : null,
    jacobianMethod: jacobian ? (H <= EXACT_JACOBIAN_MAX_H ? 'exact' : 'power-iteration') : null,
    spectra: options.spectra === false ? [] : recurrentSpectra(stack),
    ...(recurrence ? { recurrence } : {}),
  };
}

/** out[n] = ‖∂h_end/∂h_{end−n}‖₂ for chain c, n = 0 … T−1 (out[0] = 1). */
function jacobianNorms(stack: RecurrentStack, c: number, out: Float64Array): void {
  const { hiddenSize: H, cell: kind } = stack.config;
  const T = stack.length;
  const D = stack.directions;
  const k = Math.floor(c / D);
  const whh = stack.param(`rnn.weight_hh_l${k}${c % D === 1 ? '_reverse' : ''}`);
  const cell = stack.cells[c];
  const isLstm = kind === 'lstm';
  const S = isLstm ? 2 * H : H;
  const J = new Float64Array(S * S);
  let M = new Float64Array(H * S);
  let next = new Float64Array(H * S);
  const block = new Float64Array(H * H);
  const v = new Float64Array(H).fill(1);
  const av = new Float64Array(H);
  for (let i = 0; i < H; i++) M[i * S + i] = 1;
  out[0] = 1;
  for (let n = 1; n < T; n++) {
    const s = T - n; // J_s = ∂state_s/∂state_{s−1}
    stepJacobian(kind, cell, whh, s, H, J);
    // next = M · J  (H×S · S×S)
    next.fill(0);
    for (let i = 0; i < H; i++) {
      for (let a = 0; a < S; a++) {
        const m = M[i * S + a];
        if (m === 0) continue;
        const ja = a * S;
        const ni = i * S;
        for (let b = 0; b < S; b++) next[ni + b] += m * J[ja + b];
      }
    }
    const swap = M;
    M = next;
    next = swap;
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) block[i * H + j] = M[i * S + j];
    out[n] = H <= EXACT_JACOBIAN_MAX_H ? largestSingularValue(block, H, H) : largestSingularValuePower(block, H, H, v, 200, 1e-10, av);
  }
}

/** J = ∂state_s/∂state_{s−1} (S×S row-major) of processing step s of a cell, from its forward traces. */
function stepJacobian(kind: string, cell: RecurrentStack['cells'][number], whh: Float64Array, s: number, H: number, J: Float64Array): void {
  const hs = cell.hs;
  const prev = s * H; // hs row s is h_{s−1}
  if (kind === 'rnn_tanh' || kind === 'rnn_relu') {
    const A = cell.preActivations;
    for (let i = 0; i < H; i++) {
      const h = hs[prev + H + i];
      const act = kind === 'rnn_tanh' ? 1 - h * h : A[s * H + i] > 0 ? 1 : 0;
      for (let j = 0; j < H; j++) J[i * H + j] = act * whh[i * H + j];
    }
    return;
  }
  if (kind === 'gru') {
    const gru = cell as GruCell;
    const Z = gru.gateValues;
    const row = s * 3 * H;
    for (let i = 0; i < H; i++) {
      const r = Z[row + i];
      const z = Z[row + H + i];
      const nn = Z[row + 2 * H + i];
      const qn = gru.hiddenN[s * H + i];
      const dn = 1 - nn * nn;
      const cz = (hs[prev + i] - nn) * z * (1 - z);
      const cr = dn * qn * r * (1 - r);
      for (let j = 0; j < H; j++) {
        const wr = whh[i * H + j];
        const wz = whh[(H + i) * H + j];
        const wn = whh[(2 * H + i) * H + j];
        J[i * H + j] = (i === j ? z : 0) + (1 - z) * (cr * wr + dn * r * wn) + cz * wz;
      }
    }
    return;
  }
  const lstm = cell as LstmCell;
  const Z = lstm.gateValues;
  const S = 2 * H;
  const row = s * 4 * H;
  for (let i = 0; i < H; i++) {
    const ig = Z[row + i];
    const f = Z[row + H + i];
    const g = Z[row + 2 * H + i];
    const o = Z[row + 3 * H + i];
    const tc = lstm.tanhCs[s * H + i];
    const cPrev = lstm.cs[prev + i];
    const ci = g * ig * (1 - ig);
    const cf = cPrev * f * (1 - f);
    const cg = ig * (1 - g * g);
    const ho = tc * o * (1 - o);
    const hc = o * (1 - tc * tc);
    for (let j = 0; j < H; j++) {
      const dcdh = cf * whh[(H + i) * H + j] + ci * whh[i * H + j] + cg * whh[(2 * H + i) * H + j];
      J[(H + i) * S + j] = dcdh; // ∂c/∂h
      J[i * S + j] = ho * whh[(3 * H + i) * H + j] + hc * dcdh; // ∂h/∂h
      J[(H + i) * S + H + j] = i === j ? f : 0; // ∂c/∂c
      J[i * S + H + j] = i === j ? hc * f : 0; // ∂h/∂c
    }
  }
}

/**
 * A trace of `length` steps of training data starting at position `start` (next-token: ids[start …] predicting the
 * following id; series: rows predicting the next row; tagging: sequence number `start`, whole, `length` ignored),
 * from a zero state. Only the window is copied, so a trace of a 10 MB file costs the window, not the file.
 */
export function traceData(model: RecurrentStack, data: SequenceData, start: number, length: number, options: TraceOptions = {}): SequenceTrace {
  if (data.kind === 'tagging') {
    const s = data.sequences[start];
    if (!s) throw new EngineInputError(`There is no tagged sequence number ${start} (the file has ${data.sequences.length}).`);
    return traceWindow(model, { ids: s.ids }, { kind: 'cross-entropy', targets: s.tags }, options);
  }
  const N = data.kind === 'next-token' ? data.ids.length : data.length;
  if (!(Number.isInteger(start) && start >= 0 && Number.isInteger(length) && length >= 1 && start + length < N)) {
    throw new EngineInputError(`A trace window of ${length} steps from position ${start} does not fit the ${N - 1} predictable positions.`);
  }
  if (data.kind === 'next-token') {
    return traceWindow(model, { ids: data.ids.slice(start, start + length) }, { kind: 'cross-entropy', targets: data.ids.slice(start + 1, start + length + 1) }, options);
  }
  const F = data.features;
  return traceWindow(
    model,
    { x: data.rows.slice(start * F, (start + length) * F), steps: length },
    { kind: 'mse', targets: data.rows.slice((start + 1) * F, (start + length + 1) * F) },
    options,
  );
}
