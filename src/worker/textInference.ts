// "Sequence Lab: Colour Text by Model…": a run's model read over a slice of an editor's document. For every character
// x_t of the slice (after a warm-up prefix that only sets the hidden state) it returns
//   surprisal   s_t = −log2 p(x_t | x_<t),  p = softmax(o_{t−1}) of the step that read x_{t−1}         (1)
//   the top-5 of p(· | x_≤t): what the model expects after this character
//   one unit of a gate / c_t / h_t at the step that reads x_t
//   ‖∂L/∂h_t‖ with L = (1/seqLength) Σ_{τ in chunk} −log p(x_{τ+1} | x_≤τ), the mean loss of the seqLength-character
//            chunk holding t, backpropagated through the whole chunk (chunks counted from the slice's start)         (2)
//            This is like the run's training gradient, not equal to it: training stops backpropagation after
//            `truncate` steps when truncate < seqLength, also divides the loss by the batch size B, and its chunks
//            start wherever its data cursor puts them. (2) shows where, within a chunk, the loss reaches the state.
//
// Why a slice with a warm-up prefix rather than the whole file: inference is a forward (and backward, for (2)) pass
// per character, ~10⁵ multiply-adds per character for an LSTM of 64 units, so a 1 MB file would take seconds on every
// keystroke. The host sends what the editor shows plus a margin, preceded by WARMUP characters (see
// src/rnnEditor/inferenceWindow.ts): a recurrent state forgets its distant past (the Gradient Flow panel shows the
// Jacobian norm ‖∂h_T/∂h_t‖ falling by orders of magnitude within tens of steps), so a few hundred characters of
// context from a zero state give the same colours as the whole prefix, to the eye. The work is bounded by the slice,
// and it is chunked with yields so training, pause and stop are never held up for long.
//
// Characters the run never saw have no id: they enter the model as a zero input vector (one-hot of nothing), are
// flagged in `unknown`, and have no surprisal (p(x_t) is not defined for them) and no loss term.
//
// A word run (source.tokens === 'words') reads the slice's whitespace-separated words instead, one step per word
// (x_t a word, (1) is −log2 p(w_t | w_<t), (2)'s chunk is seqLength words, unknown words as unknown characters).
// Every UTF-16 unit of a word then carries its step's values, so the host colours whole words, and the result
// names the words' spans (tokenStarts/tokenEnds). A word cut by the warm-up boundary counts as scored.
import { EngineInputError } from '../engine/errors';
import { RecurrentStack, type StackInput } from '../engine/recurrentStack';
import { MAX_TRACE_STEPS, traceWindow, type SequenceTrace } from '../engine/traces';
import type { TextInference, TextInferenceRequest } from '../shared/protocol/trainingWorker';
import { seriesNames } from './activationTrace';

/** The longest slice a request may carry (UTF-16 units). */
export const MAX_INFERENCE_TEXT = 262_144;
/** Next characters reported per character. */
export const TEXT_TOP_K = 5;
/** The most active units (largest |h_t|) reported per character. */
export const TEXT_ACTIVE_UNITS = 3;
/** Multiply-adds between yields (~10–20 ms). */
const CHUNK_WORK = 2e7;

export interface TextInferenceSource {
  /** The live model: copied before the first await, never changed. */
  model: RecurrentStack;
  /** Id of a character (one code point), −1 when the run never saw it. */
  idOf(ch: string): number;
  vocabulary: readonly string[];
  step: number;
  /** The chunk length of (2): the run's seqLength. */
  seqLength: number;
  /** 'words': one step per whitespace-separated word, idOf given the word. Default: one step per code point. */
  tokens?: 'characters' | 'words';
}

function cellName(kind: string): 'rnn' | 'gru' | 'lstm' {
  return kind === 'lstm' ? 'lstm' : kind === 'gru' ? 'gru' : 'rnn';
}

/** Throws EngineInputError, in words, for a request the model cannot answer. */
export function checkTextRequest(model: RecurrentStack, request: TextInferenceRequest): void {
  const { text, warmup, quantity } = request;
  if (typeof text !== 'string' || text.length === 0) throw new EngineInputError('There is no text to colour.');
  if (text.length > MAX_INFERENCE_TEXT) throw new EngineInputError(`A slice of ${text.length} characters is longer than ${MAX_INFERENCE_TEXT}.`);
  if (!(Number.isInteger(warmup) && warmup >= 0 && warmup < text.length)) throw new EngineInputError(`A warm-up of ${warmup} does not fit a slice of ${text.length}.`);
  const { layers, hiddenSize, cell } = model.config;
  if (model.directions !== 1) throw new EngineInputError('Only one-directional models can colour text.');
  if (quantity.kind === 'surprisal') return;
  if (!(Number.isInteger(quantity.layer) && quantity.layer >= 0 && quantity.layer < layers)) {
    throw new EngineInputError(`The model has ${layers} layer(s); there is no layer ${quantity.layer + 1}.`);
  }
  if (quantity.kind === 'gradNorm') return;
  const names = seriesNames(cellName(cell));
  if (!names.includes(quantity.series)) {
    throw new EngineInputError(`A ${cellName(cell).toUpperCase()} has no ${quantity.series} (it has ${names.join(', ')}).`);
  }
  if (!(Number.isInteger(quantity.unit) && quantity.unit >= 0 && quantity.unit < hiddenSize)) {
    throw new EngineInputError(`Layer ${quantity.layer + 1} has ${hiddenSize} units; there is no unit ${quantity.unit}.`);
  }
}

/** A run of steps [from, to) traced together: with targets (every next character known) or forward only. */
interface Segment {
  from: number;
  to: number;
  withTargets: boolean;
}

/** Cuts P steps into segments of ≤ `size` steps; a step whose next character is missing or unknown has no target. */
export function segmentsOf(ids: Int32Array, size: number): Segment[] {
  const P = ids.length;
  const hasTarget = (t: number) => t + 1 < P && ids[t + 1] >= 0;
  const out: Segment[] = [];
  let from = 0;
  while (from < P) {
    const kind = hasTarget(from);
    let to = from + 1;
    while (to < P && to - from < size && hasTarget(to) === kind) to++;
    out.push({ from, to, withTargets: kind });
    from = to;
  }
  return out;
}

/** Runs the model over the request's text; see the header. */
export async function inferText(
  source: TextInferenceSource,
  request: TextInferenceRequest,
  pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
): Promise<TextInference> {
  checkTextRequest(source.model, request);
  // The parameters are copied at once: steps the run takes while we yield do not mix into the answer.
  // It is traced in place, window after window (chunks of at most `size` steps, below).
  const size = Math.max(1, source.seqLength);
  if (size > MAX_TRACE_STEPS) throw new EngineInputError(`A chunk of ${size} steps is longer than a trace's ${MAX_TRACE_STEPS}.`);
  const snapshot = new RecurrentStack({ ...source.model.config, maxSteps: size });
  snapshot.params.set(source.model.params);
  const { text, warmup, quantity } = request;
  const { layers, hiddenSize: H, outputSize: K, inputSize, cell: kind, embedding } = snapshot.config;
  const names = seriesNames(cellName(kind));
  const S = names.length;
  const M = text.length - warmup;

  // The steps of the slice (code points, or words), their UTF-16 offsets [offsets, ends) and ids (−1: unknown).
  const words = source.tokens === 'words';
  const { offsets, ends, idList } = words ? wordSteps(text, source.idOf) : characterSteps(text, source.idOf);
  const ids = Int32Array.from(idList);
  const P = ids.length;
  // Where step t's values go in the scored part: its first unit (a word cut by the warm-up: its first scored unit).
  const startOf = (t: number) => (!words ? offsets[t] - warmup : ends[t] > warmup ? Math.max(offsets[t], warmup) - warmup : -1);

  const surprisal = new Float32Array(M).fill(NaN);
  const value = new Float32Array(M).fill(NaN);
  const gradNorm = new Float32Array(M).fill(NaN);
  const unknown = new Uint8Array(M);
  const topIds = new Int32Array(M * TEXT_TOP_K).fill(-1);
  const topProbabilities = new Float32Array(M * TEXT_TOP_K);
  const unitValues = new Float32Array(M * S).fill(NaN);
  const activeUnits = new Int32Array(M * TEXT_ACTIVE_UNITS).fill(-1);
  const activeValues = new Float32Array(M * TEXT_ACTIVE_UNITS);
  const pinned = quantity.kind === 'series' ? { layer: quantity.layer, unit: quantity.unit } : null;
  const summaryLayer = quantity.kind === 'surprisal' ? layers - 1 : quantity.layer;
  const normLayer = summaryLayer;

  const h0 = new Float64Array(layers * H);
  const c0 = kind === 'lstm' ? new Float64Array(layers * H) : undefined;
  // `size`, the chunk of (2): the run's seqLength (not its truncate: the whole chunk is backpropagated, see the header).
  // Forward + backward per step: every layer's G·H × (input + H) projections and the K × H head, about three times.
  const G = snapshot.cells[0].gates;
  const perStep = 3 * (layers * G * H * (Math.max(embedding ?? 1, H) + H) + K * H);
  let work = 0;
  for (const segment of segmentsOf(ids, size)) {
    if (work > CHUNK_WORK) {
      work = 0;
      await pause();
    }
    const T = segment.to - segment.from;
    work += T * perStep;
    const stepIds = ids.subarray(segment.from, segment.to);
    const trace = traceWindow(
      snapshot,
      inputOf(stepIds, inputSize, embedding !== undefined),
      segment.withTargets ? { kind: 'cross-entropy', targets: ids.slice(segment.from + 1, segment.to + 1) } : null,
      { h0, ...(c0 ? { c0 } : {}), jacobian: false, spectra: false, inPlace: true },
    );
    for (let s = 0; s < T; s++) {
      const t = segment.from + s;
      const at = startOf(t);
      // (1) for the next character, read off this step's p.
      const next = t + 1 < P ? startOf(t + 1) : -1;
      const row = s * K;
      if (next >= 0 && ids[t + 1] >= 0) surprisal[next] = -Math.log2(trace.probabilities.data[row + ids[t + 1]]);
      if (at < 0) continue;
      if (ids[t] < 0) unknown[at] = 1;
      topNext(trace.probabilities.data, row, K, topIds, topProbabilities, at * TEXT_TOP_K);
      for (let series = 0; series < S; series++) {
        if (pinned) unitValues[at * S + series] = seriesValue(trace, names[series], pinned.layer, s, pinned.unit);
        else {
          const [data, from] = seriesRow(trace, names[series], summaryLayer, s);
          let sum = 0;
          for (let j = 0; j < H; j++) sum += data[from + j];
          unitValues[at * S + series] = sum / H;
        }
      }
      mostActive(trace, summaryLayer, s, activeUnits, activeValues, at * TEXT_ACTIVE_UNITS);
      // (2): traceWindow's L is the mean over the T steps of the segment; rescaled to the mean over a full chunk.
      if (trace.hiddenGradNorm) gradNorm[at] = (trace.hiddenGradNorm.data[normLayer * T + s] * T) / size;
      if (quantity.kind === 'series') value[at] = seriesValue(trace, quantity.series, quantity.layer, s, quantity.unit);
      else if (quantity.kind === 'gradNorm') value[at] = gradNorm[at];
    }
    // The segment's final (h, c) per layer start the next one.
    for (let k = 0; k < layers; k++) {
      h0.set(trace.hidden.data.subarray((k * T + T - 1) * H, (k * T + T) * H), k * H);
      c0?.set(trace.cell!.data.subarray((k * T + T - 1) * H, (k * T + T) * H), k * H);
    }
  }
  // The first character of the slice has no context unless the warm-up precedes it.
  if (quantity.kind === 'surprisal') value.set(surprisal);
  const spans = words ? scoredSpans(offsets, ends, warmup) : undefined;
  if (spans) {
    const perUnit: [ArrayLike<number> & { copyWithin(target: number, start: number, end: number): unknown }, number][] = [
      [surprisal, 1], [value, 1], [gradNorm, 1], [unknown, 1], [topIds, TEXT_TOP_K], [topProbabilities, TEXT_TOP_K],
      [unitValues, S], [activeUnits, TEXT_ACTIVE_UNITS], [activeValues, TEXT_ACTIVE_UNITS],
    ];
    for (let w = 0; w < spans.starts.length; w++) {
      for (let u = spans.starts[w] + 1; u < spans.ends[w]; u++) {
        for (const [array, n] of perUnit) array.copyWithin(u * n, spans.starts[w] * n, (spans.starts[w] + 1) * n);
      }
    }
  }
  return {
    step: source.step,
    length: M,
    surprisal, value, unknown, gradNorm, topIds, topProbabilities,
    vocabulary: [...source.vocabulary],
    cell: cellName(kind),
    layers,
    hiddenSize: H,
    series: names,
    unitValues,
    pinned,
    summaryLayer,
    activeUnits,
    activeValues,
    ...(spans ? { tokenStarts: spans.starts, tokenEnds: spans.ends } : {}),
  };
}

interface Steps {
  offsets: number[];
  ends: number[];
  idList: number[];
}

/** One step per code point. */
function characterSteps(text: string, idOf: (token: string) => number): Steps {
  const offsets: number[] = [];
  const ends: number[] = [];
  const idList: number[] = [];
  for (let u = 0; u < text.length; ) {
    const cp = text.codePointAt(u)!;
    const ch = String.fromCodePoint(cp);
    offsets.push(u);
    idList.push(idOf(ch));
    u += ch.length;
    ends.push(u);
  }
  return { offsets, ends, idList };
}

/** One step per maximal run of non-whitespace: the words splitWords (engine/tokenVocabulary.ts) trains on. */
function wordSteps(text: string, idOf: (token: string) => number): Steps {
  const offsets: number[] = [];
  const ends: number[] = [];
  const idList: number[] = [];
  for (const m of text.matchAll(/\S+/gu)) {
    offsets.push(m.index);
    ends.push(m.index + m[0].length);
    idList.push(idOf(m[0]));
  }
  return { offsets, ends, idList };
}

/** The steps' [start, end) within the scored part text.slice(warmup), for the steps that reach into it. */
function scoredSpans(offsets: readonly number[], ends: readonly number[], warmup: number): { starts: Int32Array; ends: Int32Array } {
  const starts: number[] = [];
  const to: number[] = [];
  offsets.forEach((start, t) => {
    if (ends[t] <= warmup) return;
    starts.push(Math.max(start, warmup) - warmup);
    to.push(ends[t] - warmup);
  });
  return { starts: Int32Array.from(starts), ends: Int32Array.from(to) };
}

/** Ids as they are, or (when some are unknown) one-hot rows with a zero row for each unknown character. */
export function inputOf(ids: Int32Array, inputSize: number, embedded: boolean): StackInput {
  if (ids.every((id) => id >= 0)) return { ids };
  // An embedding reads ids only: there an unknown character enters as id 0 (still flagged as unknown).
  if (embedded) return { ids: ids.map((id) => Math.max(0, id)) };
  const x = new Float64Array(ids.length * inputSize);
  ids.forEach((id, t) => {
    if (id >= 0) x[t * inputSize + id] = 1;
  });
  return { x, steps: ids.length };
}

/** Unit j of a series (a gate, c or h) of layer k at step s of a one-directional trace. */
function seriesValue(trace: SequenceTrace, name: string, k: number, s: number, j: number): number {
  const [data, at] = seriesRow(trace, name, k, s);
  return data[at + j];
}

/** Where the H units of one series of layer k at step s lie: unit j is data[at + j]. */
function seriesRow(trace: SequenceTrace, name: string, k: number, s: number): [Float64Array, number] {
  const T = trace.steps;
  const H = trace.hiddenSize;
  if (name === 'h') return [trace.hidden.data, (k * T + s) * H];
  if (name === 'c') return [trace.cell!.data, (k * T + s) * H];
  const G = trace.gates.shape[2];
  return [trace.gates.data, ((k * T + s) * G + trace.gateNames.indexOf(name)) * H];
}

/** The TEXT_ACTIVE_UNITS units of layer k with the largest |h| at step s, descending (ties to the lower unit). */
function mostActive(trace: SequenceTrace, k: number, s: number, units: Int32Array, values: Float32Array, out: number): void {
  const H = trace.hiddenSize;
  const h = trace.hidden.data.subarray((k * trace.steps + s) * H, (k * trace.steps + s + 1) * H);
  const best: number[] = [];
  for (let j = 0; j < H; j++) {
    let i = best.length;
    while (i > 0 && Math.abs(h[best[i - 1]]) < Math.abs(h[j])) i--;
    if (i < TEXT_ACTIVE_UNITS) {
      best.splice(i, 0, j);
      if (best.length > TEXT_ACTIVE_UNITS) best.pop();
    }
  }
  best.forEach((j, r) => {
    units[out + r] = j;
    values[out + r] = h[j];
  });
}

/** The TEXT_TOP_K most probable ids of one row of p, descending (ties to the lower id). */
function topNext(p: Float64Array, row: number, K: number, ids: Int32Array, probs: Float32Array, out: number): void {
  const best: number[] = [];
  for (let j = 0; j < K; j++) {
    const v = p[row + j];
    let i = best.length;
    while (i > 0 && p[row + best[i - 1]] < v) i--;
    if (i < TEXT_TOP_K) {
      best.splice(i, 0, j);
      if (best.length > TEXT_TOP_K) best.pop();
    }
  }
  best.forEach((id, r) => {
    ids[out + r] = id;
    probs[out + r] = p[row + id];
  });
}

