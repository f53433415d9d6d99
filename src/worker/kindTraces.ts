// The Gates, Unrolled Network and Gradient Flow traces of the runs that do not predict the next token: tagged runs
// (a tag per token, often bidirectional), series runs (the next row) and sequence-to-one runs (one target per block).
// A window is one whole unit of what the run trains on where that makes sense: a tagged run's window is one tagged
// sequence (the backward chain h← of a bidirectional tagger starts at the sequence's end, as in training), a
// sequence-to-one run's one block; a series run's a stretch of rows. Every step says where it sits in the file
// (code points of its token or row), and the window's `start` is the code point of its first step, so the host asks
// for "the window at the cursor" with a code point and gets the same window again on a refresh.
//
// One engine traceWindow (traces.ts) per request, on a copy of the parameters, from a zero state, with the run's own
// loss as the target: tagged L = (1/T) Σ_t −log p(tag_t | x_1..T), series L = mean over steps and columns of
// (ô_{t+1} − x_{t+1})², sequence-to-one L = (o_T − y)². Its total derivatives ‖∂L/∂h_t‖ per chain (the forward chain's
// flowing back toward t = 0, the backward chain's toward T) and every gate, c_t and h_t, mapped to the panels' layout.
import { EngineInputError } from '../engine/errors';
import type { FinalTargetData } from '../engine/finalTargetTrainer';
import type { RecurrentStack, StackInput } from '../engine/recurrentStack';
import type { SeriesData, TaggedData } from '../engine/sequenceData';
import { traceWindow, type SequenceTrace, type TraceTarget } from '../engine/traces';
import type { ActivationTrace, GradientTrace, RecurrenceAt, TracedOutputs } from '../shared/workerProtocol';
import { MAX_ACTIVATION_WINDOW, seriesNames, TOP_K, tracedInput } from './activationTrace';

/** Multiply-adds one trace may take (forward + backward, ~0.2–0.4 s); a bigger model's window is cut shorter. */
export const KIND_TRACE_WORK = 2.4e8;

/** Code-point places [starts[i], ends[i]) of the file's steps in data order: tagged tokens, or series rows. */
export interface StepPlaces {
  starts: Int32Array;
  ends: Int32Array;
}

const codePoints = (s: string) => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
};

/**
 * Where each step of the data sits, by the parsers' own line rules (sequenceData.ts): lines split at \r?\n, blank
 * lines skipped; a tagged step is the token before the tab of its line, a series row its whole line. `rows` keeps
 * the last `rows` lines (a header line, when the parser found one, is the first and is dropped so).
 */
export function stepPlaces(text: string, kind: 'tagged' | 'rows', rows = Number.MAX_SAFE_INTEGER): StepPlaces {
  const starts: number[] = [];
  const ends: number[] = [];
  let cp = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') {
      const shown = kind === 'tagged' ? line.split('\t')[0] : line;
      starts.push(cp);
      ends.push(cp + codePoints(shown));
    }
    cp += codePoints(raw) + 1;
  }
  const from = Math.max(0, starts.length - rows);
  return { starts: Int32Array.from(starts.slice(from)), ends: Int32Array.from(ends.slice(from)) };
}

/** The last index i with starts[i] ≤ position (0 when none). */
function stepAtPosition(starts: Int32Array, position: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= position) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/** A window of a run: its input and loss, the steps' labels and places, and what to show as outputs. */
export interface KindWindow {
  input: StackInput;
  target: TraceTarget;
  tokens: string[];
  /** Code points of the first step's place. */
  start: number;
  tokenStarts: Int32Array;
  tokenEnds: Int32Array;
  outputs(trace: SequenceTrace): { outputs: TracedOutputs; topChars: string[]; topProbabilities: Float32Array };
}

/** The longest window a model of this size may trace within KIND_TRACE_WORK (at least 1 step). */
function affordableSteps(model: RecurrentStack): number {
  const { layers, hiddenSize: H, outputSize: K, inputSize, cell } = model.config;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const perStep = layers * model.directions * G * H * (Math.max(inputSize, H * model.directions) + H) + K * H * model.directions;
  return Math.max(1, Math.floor(KIND_TRACE_WORK / (3 * perStep)));
}

const noTop = (T: number) => ({ topChars: new Array<string>(T * TOP_K).fill(''), topProbabilities: new Float32Array(T * TOP_K) });

/**
 * The tagged sequence at code point `position` (the one whose first token is the last at or before it; undefined:
 * the first sequence), whole up to MAX_ACTIVATION_WINDOW tokens (and what the model's size affords).
 */
export function taggedWindow(
  model: RecurrentStack, data: TaggedData, vocabulary: readonly string[], tags: readonly string[], places: StepPlaces, position: number | undefined,
): KindWindow {
  // First token index of every sequence, and its place.
  const firsts = new Int32Array(data.sequences.length);
  for (let s = 1; s < data.sequences.length; s++) firsts[s] = firsts[s - 1] + data.sequences[s - 1].ids.length;
  const firstPlaces = Int32Array.from(firsts, (i) => places.starts[i] ?? 0);
  const n = position === undefined ? 0 : stepAtPosition(firstPlaces, position);
  const seq = data.sequences[n];
  const T = Math.min(seq.ids.length, MAX_ACTIVATION_WINDOW, affordableSteps(model));
  const ids = seq.ids.slice(0, T);
  const at = firsts[n];
  return {
    input: { ids },
    target: { kind: 'cross-entropy', targets: seq.tags.slice(0, T) },
    tokens: Array.from(ids, (id) => vocabulary[id]),
    start: places.starts[at],
    tokenStarts: places.starts.slice(at, at + T),
    tokenEnds: places.ends.slice(at, at + T),
    outputs: (trace) => {
      // Top-5 tags per step from softmax(o_t).
      const K = tags.length;
      const p = trace.probabilities.data;
      const topChars: string[] = [];
      const topProbabilities = new Float32Array(T * TOP_K);
      for (let t = 0; t < T; t++) {
        const order = Array.from({ length: K }, (_, j) => j).sort((a, b) => p[t * K + b] - p[t * K + a] || a - b);
        for (let r = 0; r < TOP_K; r++) {
          topChars.push(r < K ? tags[order[r]] : '');
          topProbabilities[t * TOP_K + r] = r < K ? p[t * K + order[r]] : 0;
        }
      }
      return { outputs: { kind: 'tag', gold: Array.from(seq.tags.subarray(0, T), (g) => tags[g]) }, topChars, topProbabilities };
    },
  };
}

/**
 * Rows [from, from + T) of a series, each predicting the next: from the row at code point `position` (undefined: the
 * last `length` rows before the training cursor), T = min(length, N − 1).
 */
export function seriesWindow(
  model: RecurrentStack, data: SeriesData, names: readonly string[], places: StepPlaces, length: number, position: number | undefined, dataPosition: number,
): KindWindow {
  const N = data.length;
  const F = data.features;
  const T = Math.min(length, N - 1, MAX_ACTIVATION_WINDOW, affordableSteps(model));
  if (T < 1) throw new EngineInputError('The series is too short to trace: it needs at least two rows.');
  const wanted = position === undefined ? dataPosition - T : stepAtPosition(places.starts, position);
  const from = Math.max(0, Math.min(wanted, N - 1 - T));
  const x = data.rows.slice(from * F, (from + T) * F);
  const next = data.rows.slice((from + 1) * F, (from + T + 1) * F);
  return {
    input: { x, steps: T },
    target: { kind: 'mse', targets: next },
    tokens: Array.from({ length: T }, (_, t) => `row ${from + t + 1}`),
    start: places.starts[from],
    tokenStarts: places.starts.slice(from, from + T),
    tokenEnds: places.ends.slice(from, from + T),
    outputs: (trace) => ({
      outputs: { kind: 'series', names: [...names], predicted: Float32Array.from(trace.probabilities.data), actual: Float32Array.from(next) },
      ...noTop(T),
    }),
  };
}

/** The block of a sequence-to-one file at code point `position` (undefined: the first), its target at its last step. */
export function finalTargetWindow(model: RecurrentStack, data: FinalTargetData, names: readonly string[], places: StepPlaces, position: number | undefined): KindWindow {
  const { length: T, features: F } = data;
  if (T > MAX_ACTIVATION_WINDOW) throw new EngineInputError(`A block of ${T} rows is longer than the ${MAX_ACTIVATION_WINDOW} steps a panel traces.`);
  if (T > affordableSteps(model)) throw new EngineInputError(`This model is too big to trace a block of ${T} rows between two updates.`);
  const n = position === undefined ? 0 : Math.min(data.count - 1, Math.floor(stepAtPosition(places.starts, position) / T));
  const at = n * T;
  const target = data.targets[n];
  return {
    input: { x: data.inputs.slice(at * F, (at + T) * F), steps: T },
    target: { kind: 'final-mse', target },
    tokens: Array.from({ length: T }, (_, t) => `row ${at + t + 1}`),
    start: places.starts[at],
    tokenStarts: places.starts.slice(at, at + T),
    tokenEnds: places.ends.slice(at, at + T),
    outputs: (trace) => ({
      outputs: { kind: 'final', name: names[names.length - 1] ?? 'target', predicted: trace.probabilities.data[(T - 1) * trace.probabilities.shape[1]], actual: target },
      ...noTop(T),
    }),
  };
}

/** The engine's trace of a window, with its backward pass (no Jacobians, no spectra). */
function traceOf(model: RecurrentStack, window: KindWindow, recurrence?: RecurrenceAt): SequenceTrace {
  return traceWindow(model, window.input, window.target, { jacobian: false, spectra: false, ...(recurrence ? { recurrence } : {}) });
}

/**
 * The Gates / Unrolled trace of a window: values[((c·S + s)·T + t)·H + j] for chain c = k·D + d, series s (gates,
 * then c for the LSTM, then h), input time t (a backward chain's values stand at the input step they were computed
 * for), gradNormH[c·T + t].
 */
export function kindActivationTrace(model: RecurrentStack, window: KindWindow, step: number, recurrence?: RecurrenceAt): ActivationTrace {
  const trace = traceOf(model, window, recurrence);
  const { hiddenSize: H, layers, cell: kind } = model.config;
  const D = trace.directions;
  const C = layers * D;
  const T = trace.steps;
  const names = seriesNames(kind);
  const S = names.length;
  const G = trace.gateNames.length;
  const gated = kind === 'lstm' || kind === 'gru';
  const values = new Float32Array(C * S * T * H);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < T; t++) {
      const at = (series: number) => ((c * S + series) * T + t) * H;
      if (gated) for (let g = 0; g < G; g++) values.set(trace.gates.data.subarray(((c * T + t) * G + g) * H, ((c * T + t) * G + g + 1) * H), at(g));
      if (trace.cell) values.set(trace.cell.data.subarray((c * T + t) * H, (c * T + t + 1) * H), at(S - 2));
      values.set(trace.hidden.data.subarray((c * T + t) * H, (c * T + t + 1) * H), at(S - 1));
    }
  }
  const shown = window.outputs(trace);
  return {
    step,
    start: window.start,
    length: T,
    cell: kind === 'lstm' ? 'lstm' : kind === 'gru' ? 'gru' : 'rnn',
    ...(kind === 'rnn_relu' ? { nonlinearity: 'relu' as const } : {}),
    ...(trace.recurrence ? { recurrence: trace.recurrence } : {}),
    layers,
    hiddenSize: H,
    series: names,
    values,
    tokens: window.tokens,
    tokenStarts: window.tokenStarts,
    tokenEnds: window.tokenEnds,
    topChars: shown.topChars,
    topProbabilities: shown.topProbabilities,
    gradNormH: Float32Array.from(trace.hiddenGradNorm!.data),
    ...(D > 1 ? { directions: D } : {}),
    outputs: shown.outputs,
    input: tracedInput(model.config, window.input),
  };
}

/**
 * The Gradient Flow trace of a window: ‖∂L/∂h_t‖ of every chain (gradNormH[c·T + t], c = k·D + d), the first forward
 * chain's ‖∂h_T/∂h_{T−n}‖ and, per layer, the spectra of its forward chain's W_hh (the candidate block).
 */
export function kindGradientTrace(model: RecurrentStack, window: KindWindow, step: number, runKind: GradientTrace['runKind']): GradientTrace {
  const trace = traceWindow(model, window.input, window.target, { jacobian: true, spectra: true });
  const T = trace.steps;
  const D = trace.directions;
  const forward = trace.spectra.filter((s) => !s.name.endsWith('_reverse'));
  const block = (gates: string[]) => Math.max(0, gates.findIndex((g) => g === 'h' || g === 'n' || g === 'g'));
  return {
    step,
    start: window.start,
    length: T,
    layers: trace.layers,
    gradNormH: Float32Array.from(trace.hiddenGradNorm!.data),
    jacobianNorm: Float32Array.from(trace.jacobianNorm!.data.subarray(1, T)),
    spectralRadius: forward.map((s) => s.spectralRadius[block(s.gates)]),
    largestSingularValue: forward.map((s) => s.largestSingularValue[block(s.gates)]),
    tokens: window.tokens,
    tokenStarts: window.tokenStarts,
    tokenEnds: window.tokenEnds,
    ...(D > 1 ? { directions: D } : {}),
    runKind,
  };
}
