// The host↔worker channel: one `type`-tagged union each way. The worker owns all numeric work; the host only
// sends intents and receives results. Numbers travel as typed arrays, batched (see `progress`).
import type { TrainingConfig } from './trainingConfig';
import type { ExampleId } from './examples';
import type { StepBatch, TextSample } from './run';

export type HostToWorker =
  /** Build the vocabulary from `text` and train a character model (RNN, GRU or LSTM) on it until maxSteps or `stop`. */
  | { type: 'train'; runId: string; text: string; config: TrainingConfig }
  /** Stop the run at the next step boundary (steps take milliseconds, so this acts at once). */
  | { type: 'stop'; runId: string }
  /** Sample text from the run's current model at a temperature (works during and after training). */
  | { type: 'sample'; runId: string; temperature: number; length: number }
  /** Forget a finished run's model to free memory. */
  | { type: 'dispose'; runId: string }
  /**
   * Trace ‖∂L/∂h_t‖, the Jacobian norm by distance and the spectra of W_hh of the run's current model over a window
   * of its training text (during or after training; the trace changes nothing). Without `start`: the `length`
   * characters before the data cursor, or the first `length` when the cursor is nearer the start.
   */
  | { type: 'traceGradients'; runId: string; start?: number; length: number };

/** A gradient-flow trace of one window (answer to `traceGradients`). */
export interface GradientTrace {
  /** The training step the model was at. */
  step: number;
  /** First character of the window within the text (code points). */
  start: number;
  length: number;
  layers: number;
  /** ‖∂L/∂h_t‖ at gradNormH[k·length + t] (layer k, t in the window). */
  gradNormH: Float32Array;
  /** ‖∂h_T/∂h_{T−n}‖ of the first layer at jacobianNorm[n − 1], n = 1 … length − 1. */
  jacobianNorm: Float32Array;
  /** Per layer: spectral radius and σ_max of W_hh (for gated cells, of the candidate block: RNN h, GRU n, LSTM g). */
  spectralRadius: number[];
  largestSingularValue: number[];
  /** The window's characters, one per step. */
  tokens: string[];
}

export type WorkerToHost =
  | {
      type: 'started';
      runId: string;
      vocabSize: number;
      dataLength: number;
      parameterCount: number;
    }
  /** Steps since the previous progress message; posted at most every ~100 ms. */
  | ({ type: 'progress'; runId: string } & StepBatch)
  | ({ type: 'sample'; runId: string } & TextSample)
  | { type: 'finished'; runId: string; reason: 'completed' | 'stopped'; steps: number; finalLoss: number }
  /** The run cannot go on; `message` says why in words a user understands. */
  | { type: 'failed'; runId: string; message: string }
  | ({ type: 'gradientTrace'; runId: string } & GradientTrace)
  /** A trace could not be made (the run goes on); `message` says why. */
  | { type: 'traceFailed'; runId: string; message: string };

// ── Analysis requests (Markov surprisal, HMM decoding) ──────────────────────────────────────────────────────────
// A second pair of unions on the same worker script, so the training channel's exhaustive handler maps stay as
// they are. The host's analysis client (src/hmm/analysisWorker.ts) starts its own instance of dist/worker.js.
// Every request carries a requestId; the worker answers each with exactly one result or `analysisFailed`.

export type HostToAnalysisWorker =
  /** Fit an interpolated Kneser-Ney character model of order k on `text` and score every character of it. */
  | { type: 'markovSurprisal'; requestId: string; text: string; order: number }
  /**
   * Decode the observations of `text` with a discrete HMM: fitted (supervised) on `text` itself when it is a tagged
   * file, or read from `modelText` (the JSON model file the host read for the user).
   */
  | { type: 'hmmDecode'; requestId: string; text: string; source: HmmModelSource }
  /**
   * Fit interpolated Kneser-Ney models of order k = 0..8 over the characters or words of `text` on a train/held-out
   * split (the last 10% of the tokens held out), and sample `sampleLength` tokens from each (seeded).
   */
  | { type: 'markovOrders'; requestId: string; text: string; unit: 'char' | 'word'; seed: number; sampleLength: number };

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

export type HmmModelSource = { kind: 'tagged' } | { kind: 'modelJson'; modelText: string; modelLabel: string };

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
  /** The request cannot be answered; `message` says why in words a user understands. */
  | { type: 'analysisFailed'; requestId: string; message: string };

const ANALYSIS_REQUEST_TYPES: ReadonlySet<string> = new Set(['markovSurprisal', 'hmmDecode', 'markovOrders']);

/** True for the analysis requests (the worker routes these apart from the training channel). */
export function isAnalysisRequestType(type: string): boolean {
  return ANALYSIS_REQUEST_TYPES.has(type);
}

// ── Examples (Sequence Lab: New Example…): one request, one answer; generation takes milliseconds. ──

/** Ask the worker for one example's files (the first file is the main data file). */
export interface GenerateExampleRequest {
  type: 'generateExample';
  requestId: string;
  example: ExampleId;
  seed?: number;
  /** The adding problem's T. */
  length?: number;
}

export type GenerateExampleAnswer =
  | { type: 'exampleGenerated'; requestId: string; files: { name: string; content: string }[] }
  | { type: 'exampleFailed'; requestId: string; message: string };

export function isGenerateExampleRequest(value: { type: string }): value is GenerateExampleRequest {
  return value.type === 'generateExample';
}
