// The Gates panel's trace (traceActivations): every gate, c_t and h_t of every layer over a window of ≤ 256
// characters of the training text, with the top-5 next-character probabilities per step. It runs on a snapshot of
// the parameters taken when the request arrives, in chunks that hand the recurrent state on (h0/c0 of chunk n+1 =
// h_T/c_T of chunk n, so the numbers equal one traceData of the whole window: the forward pass is the same arithmetic
// in the same order), yielding to the worker's message loop between chunks so training, pause and stop are never held
// up for long. Only the forward pass runs (no backward, no spectra): what traceWindow records of it, read the same way.
// Then, for the Unrolled panel's gradient arrows, ‖∂L/∂h_t‖ of every layer and step: one traceWindow of the whole
// window from the same zero state with the next characters as targets (BPTT down to the window's first step; L the
// mean cross-entropy over the window's T steps, L = (1/T) Σ_t −log p(x_{t+1} | x_≤t), src/engine/sequenceLoss.ts), when
// its forward + backward fits GRADIENT_WORK multiply-adds.
import type { GruCell } from '../engine/cells/gruCell';
import type { LstmCell } from '../engine/cells/lstmCell';
import { EngineInputError } from '../engine/errors';
import { RecurrentStack } from '../engine/recurrentStack';
import { recurrenceTerms, type RecurrenceTerms } from '../engine/recurrenceTerms';
import { traceWindow } from '../engine/traces';
import type { ActivationTrace, RecurrenceAt, TracedInput } from '../shared/protocol/traces';

/** The longest window the panel may ask for. */
export const MAX_ACTIVATION_WINDOW = 256;
/** The most steps traced before the worker yields. */
export const CHUNK_STEPS = 64;
/** Multiply-adds per chunk (~10–20 ms of forward pass): big models trace fewer steps between yields. */
const CHUNK_WORK = 2e7;
/** Multiply-adds the gradient pass may take (forward ≈ 1×, backward ≈ 2× the forward's; ~50–100 ms) in one go. */
export const GRADIENT_WORK = 6e7;
/** Next characters reported per step. */
export const TOP_K = 5;

/** Series per layer, in the order of `values`: the cell's gates (after σ / tanh), then c (LSTM) and h. */
export function seriesNames(cell: string): string[] {
  if (cell === 'lstm') return ['i', 'f', 'g', 'o', 'c', 'h'];
  if (cell === 'gru') return ['r', 'z', 'n', 'h'];
  return ['h'];
}

export interface ActivationSource {
  model: RecurrentStack;
  /** The whole text as ids. */
  ids: Int32Array;
  decode(id: number): string;
  step: number;
  /** Where training reads next (the default window ends here). */
  dataPosition: number;
  /** What one step reads, for messages (default 'characters'; a word run: 'words'). */
  unit?: string;
}

/** The window [start, start + T) a request means: clamped into the text (T ≤ N − 1 so every step has a next char). */
export function activationWindow(N: number, length: number, dataPosition: number, start?: number, unit = 'characters'): { start: number; length: number } {
  if (!(Number.isInteger(length) && length >= 1 && length <= MAX_ACTIVATION_WINDOW)) {
    throw new EngineInputError(`An activation trace covers 1 to ${MAX_ACTIVATION_WINDOW} ${unit} (got ${length}).`);
  }
  if (start !== undefined && !(Number.isInteger(start) && start >= 0)) throw new EngineInputError(`A window cannot start at ${start}.`);
  const T = Math.min(length, N - 1);
  if (T < 1) throw new EngineInputError(`The text is too short to trace: it needs at least two ${unit}.`);
  const wanted = start ?? dataPosition - T; // default: the last T characters trained on
  return { start: Math.max(0, Math.min(wanted, N - 1 - T)), length: T };
}

/**
 * The trace of the window from a zero state. The parameters are copied before the first await, so steps the run
 * takes meanwhile do not mix into the trace and the run's own model is never touched.
 */
export async function traceActivations(
  source: ActivationSource,
  length: number,
  start: number | undefined,
  pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
  recurrence?: RecurrenceAt,
): Promise<ActivationTrace> {
  const window = activationWindow(source.ids.length, length, source.dataPosition, start, source.unit);
  const T = window.length;
  const { layers, hiddenSize: H, cell, outputSize: K, inputSize } = source.model.config;
  const gated = cell === 'lstm' || cell === 'gru';
  const names = seriesNames(cell);
  const G = names.length - (cell === 'lstm' ? 2 : 1); // gate series before c / h
  // Per step: every layer's G·H × (input + H) projections and the K × H head.
  const perStep = layers * Math.max(1, G) * H * (Math.max(inputSize, H) + H) + K * H;
  const chunk = Math.max(1, Math.min(CHUNK_STEPS, Math.floor(CHUNK_WORK / perStep)));
  const snapshot = new RecurrentStack({ ...source.model.config, maxSteps: chunk });
  snapshot.params.set(source.model.params);
  const step = source.step;
  const ids = source.ids.slice(window.start, window.start + T);
  if (snapshot.directions !== 1) throw new EngineInputError('The Gates panel traces one-directional models only.');
  const S = names.length;
  const values = new Float32Array(layers * S * T * H);
  const topIds = new Int32Array(T * TOP_K);
  const topProbabilities = new Float32Array(T * TOP_K);
  const probabilities = new Float64Array(chunk * K);
  const h0 = new Float64Array(layers * H);
  const c0 = cell === 'lstm' ? new Float64Array(layers * H) : undefined;
  // The Unrolled panel's recurrence: read from the chunk holding step t, whose h0/c0 carry the state across chunks.
  const wantsTerms = recurrence && Number.isInteger(recurrence.chain) && Number.isInteger(recurrence.t) && recurrence.chain >= 0 && recurrence.chain < layers && recurrence.t >= 0 && recurrence.t < T;
  let terms: RecurrenceTerms | undefined;
  for (let from = 0; from < T; from += chunk) {
    if (from > 0) await pause();
    const n = Math.min(chunk, T - from);
    const chunkInput = { ids: ids.subarray(from, from + n) };
    const o = snapshot.forward(chunkInput, h0, c0);
    if (wantsTerms && recurrence.t >= from && recurrence.t < from + n) terms = { ...recurrenceTerms(snapshot, chunkInput, recurrence.chain, recurrence.t - from), t: recurrence.t };
    softmaxRows(o, n, K, probabilities);
    topNext(probabilities, K, n, from, topIds, topProbabilities);
    for (let k = 0; k < layers; k++) {
      const c = snapshot.cells[k];
      // Processing step s has h_s at hs row s + 1 (row 0 is h0), gates at row s (see traces.ts).
      for (let s = 0; s < n; s++) {
        const at = (series: number) => ((k * S + series) * T + from + s) * H;
        if (gated) {
          const z = (c as LstmCell | GruCell).gateValues;
          for (let g = 0; g < G; g++) values.set(z.subarray((s * G + g) * H, (s * G + g + 1) * H), at(g));
        }
        if (cell === 'lstm') values.set((c as LstmCell).cs.subarray((s + 1) * H, (s + 2) * H), at(S - 2));
        values.set(c.hs.subarray((s + 1) * H, (s + 2) * H), at(S - 1));
      }
      // (h_n, c_n) of this chunk start the next one, row k (layer k) as the stack expects.
      h0.set(c.hs.subarray(n * H, (n + 1) * H), k * H);
      c0?.set((c as LstmCell).cs.subarray(n * H, (n + 1) * H), k * H);
    }
  }
  let gradNormH: Float32Array | undefined;
  if (3 * perStep * T <= GRADIENT_WORK) {
    await pause();
    const targets = source.ids.slice(window.start + 1, window.start + T + 1);
    const trace = traceWindow(snapshot, { ids }, { kind: 'cross-entropy', targets }, { jacobian: false, spectra: false });
    gradNormH = Float32Array.from(trace.hiddenGradNorm!.data);
  }
  return {
    ...(gradNormH ? { gradNormH } : {}),
    step,
    start: window.start,
    length: T,
    cell: cell === 'lstm' ? 'lstm' : cell === 'gru' ? 'gru' : 'rnn',
    ...(cell === 'rnn_relu' ? { nonlinearity: 'relu' as const } : {}),
    ...(terms ? { recurrence: terms } : {}),
    layers,
    hiddenSize: H,
    series: names,
    values,
    tokens: Array.from(ids, (id) => source.decode(id)),
    topChars: Array.from(topIds, (id) => (id < 0 ? '' : source.decode(id))),
    topProbabilities,
    input: tracedInput(source.model.config, { ids }),
  };
}

/** What layer 0 of a stack reads: dense rows, an embedding row of each id, or each id one-hot. */
export function tracedInput(config: { inputSize: number; embedding?: number }, input: { ids: ArrayLike<number> } | { x: ArrayLike<number> }): TracedInput {
  if ('x' in input) return { kind: 'rows', size: config.inputSize };
  if (config.embedding !== undefined) return { kind: 'embedding', vocabulary: config.inputSize, size: config.embedding };
  return { kind: 'one-hot', vocabulary: config.inputSize };
}

/** p_t = softmax(o_t) per row, with the max subtracted first (as traces.ts computes it). */
function softmaxRows(o: Float64Array, n: number, K: number, p: Float64Array): void {
  for (let t = 0; t < n; t++) {
    let max = -Infinity;
    for (let j = 0; j < K; j++) max = Math.max(max, o[t * K + j]);
    let sum = 0;
    for (let j = 0; j < K; j++) sum += p[t * K + j] = Math.exp(o[t * K + j] - max);
    for (let j = 0; j < K; j++) p[t * K + j] /= sum;
  }
}

/** The TOP_K most probable next ids per step (descending), ties to the lower id. */
function topNext(p: Float64Array, K: number, n: number, from: number, ids: Int32Array, probs: Float32Array): void {
  for (let t = 0; t < n; t++) {
    const best: number[] = [];
    for (let j = 0; j < K; j++) {
      const v = p[t * K + j];
      let i = best.length;
      while (i > 0 && p[t * K + best[i - 1]] < v) i--;
      if (i < TOP_K) {
        best.splice(i, 0, j);
        if (best.length > TOP_K) best.pop();
      }
    }
    for (let r = 0; r < TOP_K; r++) {
      ids[(from + t) * TOP_K + r] = r < best.length ? best[r] : -1;
      probs[(from + t) * TOP_K + r] = r < best.length ? p[t * K + best[r]] : 0;
    }
  }
}
