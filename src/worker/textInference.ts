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
import { BatchedStack32 } from '../engine/batchedStack32';
import { RecurrentStack, type StackInput } from '../engine/recurrentStack';
import { MAX_TRACE_STEPS, traceWindow } from '../engine/traces';
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

/**
 * The arithmetic of a request: 'float32' (the default) runs the model as PyTorch's float32 would, on the engine's
 * float32 path (BatchedStack32 with one stream: its recurrent products on the WebAssembly f32x4 kernel, four lanes
 * where float64 has two); 'float64' runs the engine's float64 trace (traceWindow), the reference the float32 answer
 * is tested against (test/host/textInferenceFloat32.test.ts). Both fill the same answer the same way.
 */
export type TextPrecision = 'float32' | 'float64';

/** One series (a gate, c or h) of one layer over a segment's steps: unit j at step s is data[base + s·stride + j]. */
interface SeriesView {
  data: Float64Array | Float32Array;
  base: number;
  stride: number;
}

/** What a segment's pass leaves for the per-character read-out: see segmentValues. */
interface SegmentPass {
  /** p(· | x_≤t) of step s at s·K (double precision). */
  probabilities: Float64Array;
  /** The series of the summary layer, in the order of seriesNames. */
  series: SeriesView[];
  /** ‖∂L/∂h_t‖ of the summary layer at norms[normBase + s], or null for a segment without targets. */
  norms: Float64Array | null;
  normBase: number;
}

/** Runs the model over the request's text; see the header. */
export async function inferText(
  source: TextInferenceSource,
  request: TextInferenceRequest,
  pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
  precision: TextPrecision = 'float32',
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
  const startAt = new Int32Array(P);
  for (let t = 0; t < P; t++) startAt[t] = !words ? offsets[t] - warmup : ends[t] > warmup ? Math.max(offsets[t], warmup) - warmup : -1;

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
  // Every per-layer read-out is of this layer: the top one for surprisal, else the quantity's (= the pinned unit's).
  const summaryLayer = quantity.kind === 'surprisal' ? layers - 1 : quantity.layer;
  const quantitySeries = quantity.kind === 'series' ? names.indexOf(quantity.series) : -1;
  const hSeries = names.indexOf('h');
  const best = { ids: new Int32Array(TEXT_TOP_K), values: new Float64Array(TEXT_TOP_K) };

  /** The per-character answer of steps [from, from + T) from one segment's pass. */
  const segmentValues = (from: number, T: number, pass: SegmentPass): void => {
    const { probabilities: p, series, norms, normBase } = pass;
    const h = series[hSeries];
    for (let s = 0; s < T; s++) {
      const t = from + s;
      const at = startAt[t];
      // (1) for the next character, read off this step's p.
      const next = t + 1 < P ? startAt[t + 1] : -1;
      const row = s * K;
      if (next >= 0 && ids[t + 1] >= 0) surprisal[next] = -Math.log2(p[row + ids[t + 1]]);
      if (at < 0) continue;
      if (ids[t] < 0) unknown[at] = 1;
      // The top-5 of p, and the units of largest |h_t|.
      let n = largest(p, row, K, false, best.ids, best.values, TEXT_TOP_K);
      for (let r = 0; r < n; r++) {
        topIds[at * TEXT_TOP_K + r] = best.ids[r];
        topProbabilities[at * TEXT_TOP_K + r] = p[row + best.ids[r]];
      }
      const hAt = h.base + s * h.stride;
      n = largest(h.data, hAt, H, true, best.ids, best.values, TEXT_ACTIVE_UNITS);
      for (let r = 0; r < n; r++) {
        activeUnits[at * TEXT_ACTIVE_UNITS + r] = best.ids[r];
        activeValues[at * TEXT_ACTIVE_UNITS + r] = h.data[hAt + best.ids[r]];
      }
      for (let q = 0; q < S; q++) {
        const { data, base, stride } = series[q];
        const off = base + s * stride;
        if (pinned) unitValues[at * S + q] = data[off + pinned.unit];
        else unitValues[at * S + q] = sumOf(data, off, H) / H;
      }
      // (2): the pass's L is the mean over the T steps of the segment; rescaled to the mean over a full chunk.
      if (norms) gradNorm[at] = (norms[normBase + s] * T) / size;
      if (quantitySeries >= 0) {
        const { data, base, stride } = series[quantitySeries];
        value[at] = data[base + s * stride + (quantity as { unit: number }).unit];
      } else if (quantity.kind === 'gradNorm') value[at] = gradNorm[at];
    }
  };

  const h0 = new Float64Array(layers * H);
  const c0 = kind === 'lstm' ? new Float64Array(layers * H) : undefined;
  // `size`, the chunk of (2): the run's seqLength (not its truncate: the whole chunk is backpropagated, see the header).
  const pass = precision === 'float32' ? float32Pass(snapshot, size, summaryLayer, names) : float64Pass(snapshot, summaryLayer, names);
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
    const input = inputOf(ids.subarray(segment.from, segment.to), inputSize, embedding !== undefined);
    const targets = segment.withTargets ? ids.subarray(segment.from + 1, segment.to + 1) : null;
    // The segment's final (h, c) per layer start the next one (pass overwrites h0 and c0).
    segmentValues(segment.from, T, pass(input, T, targets, h0, c0));
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

/** One segment's pass: the model over T steps of `input` from h0 (and c0), which it overwrites with the final states. */
type Pass = (input: StackInput, T: number, targets: Int32Array | null, h0: Float64Array, c0: Float64Array | undefined) => SegmentPass;

/** The float64 reference: the engine's trace of each segment (forward, softmax, and backward when it has targets). */
function float64Pass(model: RecurrentStack, layer: number, names: readonly string[]): Pass {
  const { layers, hiddenSize: H } = model.config;
  return (input, T, targets, h0, c0) => {
    const trace = traceWindow(model, input, targets ? { kind: 'cross-entropy', targets } : null, { h0, ...(c0 ? { c0 } : {}), jacobian: false, spectra: false, inPlace: true });
    for (let k = 0; k < layers; k++) {
      h0.set(trace.hidden.data.subarray((k * T + T - 1) * H, (k * T + T) * H), k * H);
      c0?.set(trace.cell!.data.subarray((k * T + T - 1) * H, (k * T + T) * H), k * H);
    }
    const G = trace.gates.shape[2];
    const series = names.map((name): SeriesView => {
      if (name === 'h') return { data: trace.hidden.data, base: layer * T * H, stride: H };
      if (name === 'c') return { data: trace.cell!.data, base: layer * T * H, stride: H };
      return { data: trace.gates.data, base: (layer * T * G + trace.gateNames.indexOf(name)) * H, stride: G * H };
    });
    return { probabilities: trace.probabilities.data, series, norms: trace.hiddenGradNorm?.data ?? null, normBase: layer * T };
  };
}

/**
 * The float32 path: BatchedStack32 with one stream over a float32 copy of the parameters, made once. Per segment
 *   o_t = the head's logits (float32),  p_t = softmax(o_t) in double precision from them,
 *   with targets: ∂L/∂o_t = (p_t − onehot(x_{t+1})) / T (sequenceLoss.ts's mean cross-entropy) written over o_t, and
 *   the backward of the states alone (no parameter gradient) records ‖∂L/∂h_t‖ of the summary layer.
 */
function float32Pass(model: RecurrentStack, size: number, layer: number, names: readonly string[]): Pass {
  const { hiddenSize: H, outputSize: K, inputSize: I } = model.config;
  const G = model.cells[0].gates;
  const stack = new BatchedStack32(model, 1, size, new Float32Array(model.parameterCount));
  stack.parameterGradients = false;
  stack.refreshWeights = false;
  const norms = new Float64Array(size);
  stack.recordGradNorms(layer, { h: norms, c: null });
  const probabilities = new Float64Array(size * K);
  // One stream: step s of layer k is slab s + 1 of its h (and c), row s of its gates.
  const series = names.map((name): SeriesView => {
    if (name === 'h' || name === 'c') return { data: stack.stateBuffer(layer, name) as Float32Array, base: H, stride: H };
    return { data: stack.gateBuffer(layer) as Float32Array, base: names.indexOf(name) * H, stride: G * H };
  });
  return (input, T, targets, h0, c0) => {
    const o = stack.forward(
      T,
      'ids' in input ? { id: (t) => input.ids[t] } : { row: (t, _b, out, off) => out.set(input.x.subarray(t * I, (t + 1) * I), off) },
      h0, c0 ?? null,
    );
    const scale = 1 / T;
    for (let s = 0; s < T; s++) {
      const row = s * K;
      let max = -Infinity;
      for (let j = 0; j < K; j++) if (o[row + j] > max) max = o[row + j];
      let sum = 0;
      for (let j = 0; j < K; j++) sum += probabilities[row + j] = Math.exp(o[row + j] - max);
      const inv = 1 / sum;
      if (targets) {
        for (let j = 0; j < K; j++) {
          const p = (probabilities[row + j] *= inv);
          o[row + j] = p * scale;
        }
        o[row + targets[s]] -= scale;
      } else for (let j = 0; j < K; j++) probabilities[row + j] *= inv;
    }
    if (targets) stack.backward();
    stack.readStates(T, h0, c0 ?? null);
    return { probabilities, series, norms: targets ? norms : null, normBase: 0 };
  };
}

/** Σ x[from … from + n), in four running sums (independent additions pipeline; the order is not the answer's). */
function sumOf(x: Float64Array | Float32Array, from: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += x[from + j];
    s1 += x[from + j + 1];
    s2 += x[from + j + 2];
    s3 += x[from + j + 3];
  }
  for (; j < n; j++) s0 += x[from + j];
  return s0 + s1 + (s2 + s3);
}

/**
 * The n largest of x[from … from + K) (by |x| when `abs`), descending, ties to the lower index: their indices into
 * ids[0 … n) and their (absolute) values into values; returns how many there are (min(n, K)).
 */
function largest(x: ArrayLike<number>, from: number, K: number, abs: boolean, ids: Int32Array, values: Float64Array, n: number): number {
  let m = 0;
  for (let j = 0; j < K; j++) {
    const v = abs ? Math.abs(x[from + j]) : x[from + j];
    let i = m;
    while (i > 0 && values[i - 1] < v) i--;
    if (i >= n) continue;
    for (let r = Math.min(m, n - 1); r > i; r--) {
      ids[r] = ids[r - 1];
      values[r] = values[r - 1];
    }
    ids[i] = j;
    values[i] = v;
    if (m < n) m++;
  }
  return m;
}
