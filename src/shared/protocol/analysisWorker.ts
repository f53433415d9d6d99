// Channel: the host's analysis client (src/hmm/analysisWorker.ts: Markov surprisal and orders, HMM decoding, fitting
// and sampling, CSV columns, the Gradient Lab) ↔ the worker (src/worker/analysis.ts, its own instance of
// dist/worker.js). A second pair of unions on the same worker script, so the training channel's exhaustive handler
// maps stay as they are. Every request carries a requestId; the worker answers each with exactly one result or
// `analysisFailed`. Both sides are this extension's own code: the host checks what reaches it from pages and files
// before it sends anything here.
// The worker checks each request once more on receipt (parseHostToAnalysisWorker), from the schema that gives
// HostToAnalysisWorker its type; the values' meaning (an order, a column, a model file) it checks in words.
import type { Exact } from './routing';
import { array, custom, FAIL, integer, lazy, literal, object, parser, picklist, string, transform, typedArray, variant, type Infer } from './schema';

/** A text the host read from an editor or a file (VS Code hands extensions no document over 50 MB). */
const MAX_ANALYSIS_TEXT = 64 * 1024 * 1024;
/**
 * A number of any value: the worker checks each one's range in words (an order, a length, a seed, a spectral radius:
 * "the sequence length must be a whole number from 2 to 200"), so the channel checks only that it is a number.
 */
const whole = /* @__PURE__ */ custom<number>('a number; its range is named in words by the worker', (v) => (typeof v === 'number' ? v : FAIL));
const finite = whole;
/** A choice the worker names in words when it is none of `values` (the type says what the host sends). */
/* @__NO_SIDE_EFFECTS__ */
function choice<const V extends readonly string[]>(values: V) {
  return transform(string({ max: 64 }), `${values.join(' or ')}, named in words by the worker otherwise`, (v) => v as V[number]);
}
const requestId = /* @__PURE__ */ string({ min: 1, max: 64 });
const text = /* @__PURE__ */ string({ max: MAX_ANALYSIS_TEXT });

const hmmModelSourceSchema = /* @__PURE__ */ lazy(() => variant('kind', [
  object({ kind: literal('tagged') }),
  object({ kind: literal('modelJson'), modelText: string({ max: MAX_ANALYSIS_TEXT }), modelLabel: string({ max: 1_000 }) }),
]));
export type HmmModelSource = Infer<typeof hmmModelSourceSchema>;

const hmmFitInputSchema = /* @__PURE__ */ lazy(() => variant('kind', [
  object({ kind: literal('symbols'), split: picklist(['chars', 'whitespace']) }),
  object({ kind: literal('tagged') }),
  /** 0-based columns of a CSV/TSV file, fitted with Gaussian emissions (one dimension per column). */
  object({ kind: literal('csv'), columns: array(integer(0, 1_000_000), { max: 10_000 }) }),
]));
/** What a fit reads from the file: its characters or whitespace words, a tagged file's tokens, or CSV columns. */
export type HmmFitInput = Infer<typeof hmmFitInputSchema>;

const hmmFitOptionsSchema = /* @__PURE__ */ lazy(() => object({ states: whole, restarts: whole, seed: whole, maxIterations: whole, tolerance: finite }));
export type HmmFitOptions = Infer<typeof hmmFitOptionsSchema>;

const hostToAnalysisWorkerSchema = /* @__PURE__ */ lazy(() => variant('type', [
  /** Fit an interpolated Kneser-Ney character model of order k on `text` and score every character of it. */
  object({ type: literal('markovSurprisal'), requestId, text, order: whole }),
  /**
   * Decode the observations of `text` with a discrete HMM: fitted (supervised) on `text` itself when it is a tagged
   * file, or read from `modelText` (the JSON model file the host read for the user).
   */
  object({ type: literal('hmmDecode'), requestId, text, source: hmmModelSourceSchema }),
  /**
   * Fit interpolated Kneser-Ney models of order k = 0..8 over the characters or words of `text` on a train/held-out
   * split (the last 10% of the tokens held out), and sample `sampleLength` tokens from each (seeded).
   */
  object({ type: literal('markovOrders'), requestId, text, unit: choice(['char', 'word']), seed: whole, sampleLength: whole }),
  /**
   * Fit an HMM to `text` by Baum-Welch with restarts (discrete symbols, or Gaussian emissions for CSV columns).
   * Posts `hmmFitProgress` (≤ 10/s) while it runs, then one `hmmFitResult`, `hmmFitCancelled` or `analysisFailed`.
   */
  object({ type: literal('hmmFit'), requestId, text, input: hmmFitInputSchema, options: hmmFitOptionsSchema }),
  /** Stop the fit `requestId` after its current iteration (it answers `hmmFitCancelled`); no answer of its own. */
  object({ type: literal('hmmFitCancel'), requestId, fitRequestId: requestId }),
  /** Sample `length` steps from a model file's text (seeded). */
  object({ type: literal('hmmSample'), requestId, modelText: text, length: whole, seed: whole }),
  /** The columns of a CSV/TSV text as the one CSV reader (src/engine/csv.ts) reads them, for HMM Fit's column pick. */
  object({ type: literal('csvColumns'), requestId, text }),
  /** Fit one n-gram model of order k on all of `text` and sample `length` tokens from it (seeded). */
  object({
    type: literal('markovSample'), requestId, text, unit: choice(['char', 'word']), order: whole,
    smoothing: choice(['add-alpha', 'kneser-ney']), seed: whole, length: whole,
  }),
  /**
   * The vanishing/exploding gradient lab: a tanh RNN and an LSTM (same seed, same characters: the start of `text`, or
   * generated letters when it is empty) with W_hh at spectral radius `spectralRadius`, the loss at step `steps` only.
   */
  object({ type: literal('gradientLab'), requestId, text, spectralRadius: finite, steps: whole, hiddenSize: whole, seed: whole, forgetBias: finite }),
  /**
   * The lab's trained-weights mode: two runs' model.safetensors (a one-layer tanh RNN and a one-layer LSTM, character
   * models) read the start of `text` (the runs' data file) for `steps` steps; the loss at the last step only.
   */
  object({
    type: literal('gradientLabTrained'), requestId, rnnModel: typedArray<Uint8Array>(Uint8Array, { max: 2 ** 31 - 1 }),
    lstmModel: typedArray<Uint8Array>(Uint8Array, { max: 2 ** 31 - 1 }), text, steps: whole,
  }),
]));

export type HostToAnalysisWorker = Infer<typeof hostToAnalysisWorkerSchema>;

/** The worker's check of a request on receipt: the request, or undefined when it is malformed. Never throws. */
export const parseHostToAnalysisWorker = /* @__PURE__ */ parser(hostToAnalysisWorkerSchema);

/** The trained-weights answer (see src/engine/trainedGradients.ts): the lab's curves from two runs' checkpoints. */
export interface TrainedGradientLabAnswer {
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
  rnnHiddenSize: number;
  lstmHiddenSize: number;
  /** Mean of b_if + b_hf over the trained LSTM's units. */
  lstmForgetBias: number;
}

/** The learned model of the best restart and every restart's log-likelihood curve. */
export interface HmmFitResult {
  kind: 'discrete' | 'gaussian';
  states: string[];
  /** Discrete: the symbols (columns of the emission matrix). Gaussian: the CSV columns fitted. */
  symbols: string[];
  /** Observations fitted (T). */
  observations: number;
  start: Float64Array;
  /** N×N row-major. */
  transition: Float64Array;
  /** Discrete: N×M row-major B. Gaussian: empty. */
  emission: Float64Array;
  /** Gaussian: N×D row-major means and variances. Discrete: empty. */
  means: Float64Array;
  variances: Float64Array;
  /** log P(o | λ^(r)) per iteration, one array per restart. */
  logLikelihoods: Float64Array[];
  best: number;
  converged: boolean;
  /** The model file text (modelJson.ts format), for Save and Decode. */
  modelText: string;
  /** Gaussian only: the Viterbi state of every data row and the 0-based line it is on. */
  path?: Int32Array;
  rowLines?: Uint32Array;
  /** The fitted file decoded with the best model (the HMM Fit panel's decoded rows); absent with `decodingNote`. */
  decoding?: HmmFitDecoding;
  /** Why the file was not decoded (e.g. too many steps × states to keep its posteriors). */
  decodingNote?: string;
}

/**
 * Every step of the fitted file under the best model: the Viterbi path and the forward-backward posteriors, and where
 * each step sits in the text. A tagged file's sentences are decoded one by one (each starts from π).
 */
export interface HmmFitDecoding {
  /** The Viterbi state of each step (T): argmax over whole paths of P(s, o). */
  path: Int32Array;
  /** log P(path, o) (nats; a log density for Gaussian emissions), summed over a tagged file's sentences. */
  pathLogProbability: number;
  /** log P(o | λ) of the best model (nats), summed over sentences. */
  logLikelihood: number;
  /** γ_t(i) = P(s_t = i | o) at posteriors[t·N + i]. */
  posteriors: Float32Array;
  /** Discrete: the symbol id of each step (T). Gaussian: empty. */
  observations: Int32Array;
  /** Gaussian: x_t at values[t·D + d]. Discrete: empty. */
  values: Float64Array;
  /** UTF-16 offsets of each step's text: [starts[t], ends[t]) (a CSV row: its line without the line break). */
  starts: Uint32Array;
  ends: Uint32Array;
}

export interface HmmSampleResult {
  states: string[];
  /** Hidden state id per step. */
  path: Int32Array;
  /** Discrete: the emitted symbol per step. Gaussian: empty. */
  symbols: string[];
  /** Gaussian: x_t at values[t·D + d]. Discrete: empty. */
  values: Float64Array;
  dimension: number;
}

/** Per order k = 0..K (index k of every array). */
export interface MarkovOrdersResult {
  unit: 'char' | 'word';
  trainTokens: number;
  heldOutTokens: number;
  /** Distinct training tokens |V| (without <unk>). */
  vocabularySize: number;
  /** Held-out tokens never seen in training (scored as <unk>). */
  heldOutUnknown: number;
  trainPerplexity: Float64Array;
  heldOutPerplexity: Float64Array;
  /** Distinct contexts of k tokens seen in training. */
  observedContexts: Float64Array;
  /** log10 |V|^k = k · log10 |V| (the count itself overflows for words at k = 8). */
  log10PossibleContexts: Float64Array;
  /** A seeded sample of each order, detokenized. */
  samples: string[];
}

/** The gradient lab's answer: per step t = 0 … T−1 of the last step's loss L_T (see src/engine/gradientLab.ts). */
export interface GradientLabAnswer {
  steps: number;
  spectralRadius: number;
  hiddenSize: number;
  seed: number;
  forgetBias: number;
  /** The data was generated (no text was given). */
  generated: boolean;
  vocabularySize: number;
  /** ‖∂L_T/∂h_t‖ of the RNN and of the LSTM, ‖∂L_T/∂c_t‖ of the LSTM (the carousel). */
  rnnHidden: Float64Array;
  lstmHidden: Float64Array;
  lstmCell: Float64Array;
  meanForgetGate: number;
  /** Fitted factor per step back in time (NaN when it cannot be fitted). */
  rnnDecay: number;
  lstmHiddenDecay: number;
  lstmCellDecay: number;
  rnnLoss: number;
  lstmLoss: number;
  /** A linear RNN with the tanh RNN's W_hh (closed form (W_hhᵀ)ᵈ), σ_max(W_hh), the carousel's best factor per step. */
  linearHidden?: Float64Array;
  largestSingularValue?: number;
  carouselFactor?: number;
}

export interface MarkovSurprisalResult {
  order: number;
  /**
   * −log2 P(x_t | x_<t) per UTF-16 code unit of the text (the editor's offsets): a character outside the Basic
   * Multilingual Plane has its value at its first code unit and NaN at its second.
   */
  surprisal: Float32Array;
  /** Characters (code points) scored. */
  characters: number;
  /** exp of the mean negative natural log-probability per character. */
  perplexity: number;
  bitsPerCharacter: number;
  vocabularySize: number;
  /** Distinct contexts of k characters observed in the text. */
  observedContexts: number;
}

export interface HmmDecodeResult {
  /** 'tagged': fitted on the file's own tags; 'modelJson': read from a model file. */
  source: 'tagged' | 'modelJson';
  modelLabel: string;
  /** 'chars' when every symbol of the model is one character, else whitespace-separated tokens ('tokens'). */
  split: 'chars' | 'tokens' | 'tagged';
  states: string[];
  symbols: string[];
  /** Observation ids, one per step (T). */
  observations: Int32Array;
  /** UTF-16 offsets of each step's token in the text: [tokenStarts[t], tokenEnds[t]). */
  tokenStarts: Uint32Array;
  tokenEnds: Uint32Array;
  /** The Viterbi path (state ids, T), log P(path, o) and log P(o) in nats. */
  path: Int32Array;
  pathLogProbability: number;
  logLikelihood: number;
  /** γ_t(i) = P(s_t = i | o) at posteriors[t·N + i]. */
  posteriors: Float32Array;
  /** ψ_t(j): the best predecessor of state j at step t (−1 at t = 0), at backpointers[t·N + j]. */
  backpointers: Int32Array;
  /** δ_t(j) = max over paths ending in j at t of log P(s_0..s_t, o_0..o_t), at delta[t·N + j] (nats). */
  delta: Float64Array;
  /** log π (N), log A (N×N row-major), log B (N×M row-major), natural logs (−Infinity for 0). */
  logStart: Float64Array;
  logTransition: Float64Array;
  logEmission: Float64Array;
  /** Tagged files only: the file's own tags (state ids, T), so the host can report the tagger's accuracy. */
  trueStates?: Int32Array;
}

export type AnalysisWorkerToHost =
  | ({ type: 'markovSurprisalResult'; requestId: string } & MarkovSurprisalResult)
  | ({ type: 'hmmDecodeResult'; requestId: string } & HmmDecodeResult)
  | ({ type: 'markovOrdersResult'; requestId: string } & MarkovOrdersResult)
  /** New log-likelihoods of one restart: iterations fromIteration, fromIteration + 1, ... */
  | { type: 'hmmFitProgress'; requestId: string; restart: number; fromIteration: number; logLikelihoods: Float64Array }
  | ({ type: 'hmmFitResult'; requestId: string } & HmmFitResult)
  | { type: 'hmmFitCancelled'; requestId: string }
  | ({ type: 'hmmSampleResult'; requestId: string } & HmmSampleResult)
  /** Header names (or "column k") and which columns hold a number in the first data row; none for an empty text. */
  | { type: 'csvColumnsResult'; requestId: string; names: string[]; numericInFirstRow: boolean[] }
  | { type: 'markovSampleResult'; requestId: string; text: string }
  | ({ type: 'gradientLabResult'; requestId: string } & GradientLabAnswer)
  | ({ type: 'gradientLabTrainedResult'; requestId: string } & TrainedGradientLabAnswer)
  /** The request cannot be answered; `message` says why in words a user understands. */
  | { type: 'analysisFailed'; requestId: string; message: string };

/** Every analysis request's type, once: the worker routes these apart from the training channel. */
const ANALYSIS_REQUEST_TYPES = [
  'markovSurprisal', 'hmmDecode', 'markovOrders', 'hmmFit', 'hmmFitCancel', 'hmmSample', 'markovSample', 'gradientLab',
  'csvColumns', 'gradientLabTrained',
] as const;
/** Compiles only while the list above names every HostToAnalysisWorker type and nothing else. */
const analysisTypesExact: Exact<(typeof ANALYSIS_REQUEST_TYPES)[number], HostToAnalysisWorker['type']> = true;
const analysisRequestTypes: ReadonlySet<string> = new Set(analysisTypesExact ? ANALYSIS_REQUEST_TYPES : []);

/** True for the analysis requests (the worker routes these apart from the training channel). */
export function isAnalysisRequestType(type: string): boolean {
  return analysisRequestTypes.has(type);
}
