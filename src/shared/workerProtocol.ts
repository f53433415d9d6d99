// The host↔worker channel: one `type`-tagged union each way. The worker owns all numeric work; the host only
// sends intents and receives results. Numbers travel as typed arrays, batched (see `progress`).
import type { TrainingConfig } from './trainingConfig';
import type { ExampleId } from './examples';
import type { HeldOutInfo, HeldOutPoint, RunFault, StepBatch, TextSample } from './run';

export type HostToWorker =
  /** Build the vocabulary from `text` and train a character model (RNN, GRU or LSTM) on it until maxSteps or `stop`. */
  | {
      type: 'train'; runId: string; text: string; config: TrainingConfig;
      /**
       * Go on from a checkpoint: model.safetensors bytes (weights, checked against the config and the text's
       * vocabulary) and, optionally, trainer-state.safetensors (optimiser, counters, carried states; without it:
       * weights only, a fresh optimiser at step 0).
       */
      restore?: {
        model: Uint8Array; state?: Uint8Array;
        /**
         * The split the stored run recorded (run.json's heldOut), for checkpoints saved before trainer states recorded
         * it; absent for runs older than held-out data, which trained on the whole file (src/worker/checkpointFiles.ts).
         */
        heldOut?: Pick<HeldOutInfo, 'description' | 'trainCount' | 'heldOutCount'>;
      };
      /** Build the model, then wait paused at its step (posts `paused`) instead of training. */
      startPaused?: boolean;
    }
  /**
   * Stop the run at the next step boundary, or at once inside a long update (abandoned, changing nothing: the host counts
   * stop, pause and dispose in a shared counter, see stepInterrupt.ts). Works while paused.
   */
  | { type: 'stop'; runId: string }
  /** Pause at the next step boundary (a long update in progress is abandoned): posts progress, a checkpoint and `paused`. */
  | { type: 'pause'; runId: string }
  /** Go on training a paused run (posts `resumed`). */
  | { type: 'resume'; runId: string }
  /** A paused run takes exactly one update and posts its progress (it stays paused). */
  | { type: 'step'; runId: string }
  /** Apply `config.learningRate` and `config.clipNorm` to the live trainer from the next update (optimiser state kept). */
  | { type: 'reconfigure'; runId: string; config: TrainingConfig }
  /** Sample text from the run's current model at a temperature (works during and after training); greedy: argmax. */
  | { type: 'sample'; runId: string; temperature: number; length: number; greedy?: boolean }
  /** Forget a finished run's model to free memory. */
  | { type: 'dispose'; runId: string }
  /**
   * Trace ‖∂L/∂h_t‖, the Jacobian norm by distance and the spectra of W_hh of the run's current model over a window
   * of its training text (during or after training; the trace changes nothing). Without `start`: the `length`
   * characters before the data cursor, or the first `length` when the cursor is nearer the start. Answered by
   * `gradientTrace` or `traceFailed` with the same requestId (several askers share one run: each takes its own answers).
   */
  | { type: 'traceGradients'; runId: string; requestId: number; start?: number; length: number }
  /**
   * Trace every gate, c_t and h_t of the run's current model over `length` (≤ 256) characters from `start` (clamped
   * into the text; without it the last `length` characters trained on), for the Gates panel. Changes nothing.
   * Answered by `activationTrace` or `activationTraceFailed` with the same requestId (the Gates and Unrolled panels of
   * one run each follow their own window: each takes only the answer to its latest request). With `recurrence`, the
   * answer also carries every term of that chain's step (the Unrolled panel's recurrence with its numbers).
   */
  | { type: 'traceActivations'; runId: string; requestId: number; start?: number; length: number; recurrence?: RecurrenceAt }
  /**
   * "Colour Text by Model": run the model (a copy of its weights, its vocabulary) over `text`, a slice of an editor's
   * document; the first `warmup` UTF-16 units only warm up the hidden state. Answered by `textInference` or
   * `textInferenceFailed` with the same requestId (see src/worker/textInference.ts).
   */
  | ({ type: 'inferText'; runId: string; requestId: number } & TextInferenceRequest)
  /**
   * "Colour Text by Model" on a tagged run: tag every token of `text` (whole sentences of the token<TAB>tag file as the
   * editor holds it, at most MAX_INFERENCE_TEXT UTF-16 units). Answered by `taggedText` or `textInferenceFailed` with
   * the same requestId (see src/worker/tagText.ts).
   */
  | { type: 'tagText'; runId: string; requestId: number; text: string }
  /**
   * Find every stretch of `text` (the run's file as the editor holds it) where the query's units are all on (LSTMVis;
   * src/worker/unitSearch.ts). Answered by `unitSearch` or `unitSearchFailed`; a newer search of the run, or
   * `cancelUnitSearch`, ends it without an answer.
   */
  | ({ type: 'searchUnits'; runId: string; requestId: number } & UnitSearchRequest)
  | { type: 'cancelUnitSearch'; runId: string; requestId: number };

/** The Gates panel's whole-file search: units of one layer's h_t (or an LSTM's c_t) all ≥ threshold together. */
export interface UnitSearchRequest {
  text: string;
  query: { layer: number; series: 'h' | 'c'; units: number[]; threshold: number; queryLength: number };
}

/** The matches, best first: code points [starts[i], ends[i]) of the text, steps, score (length match) and mean value. */
export interface UnitSearchAnswer {
  starts: Int32Array;
  ends: Int32Array;
  lengths: Int32Array;
  scores: Float32Array;
  means: Float32Array;
  /** Stretches found (the answer holds the best of them), steps searched, seconds taken. */
  total: number;
  steps: number;
  seconds: number;
  /** The file was read in `pieces` segments side by side, each after `warmup` steps from a zero state (engine/unitSearch.ts). */
  pieces?: number;
  warmup?: number;
}

/**
 * A tagged run's reading of a slice of its file (answer to `tagText`), per token n of the slice: where its token and its
 * tag sit (UTF-16 offsets into the slice), the first token of its sentence, the argmax tag, the file's tag and the
 * top-5 tags with p(y_t | x_1 … x_T), all ids into `tags`.
 */
export interface TaggedTextInference {
  step: number;
  /** The run's tags, by id. */
  tags: string[];
  /** Tokens in the slice. */
  count: number;
  tokenStarts: Int32Array;
  tokenEnds: Int32Array;
  tagStarts: Int32Array;
  tagEnds: Int32Array;
  sentenceStarts: Int32Array;
  predicted: Int32Array;
  /** The file's tag (−1: a tag the run never saw). */
  gold: Int32Array;
  /** 1 where the token is not in the run's vocabulary (it enters the model as a zero input). */
  unknown: Uint8Array;
  /** TEXT_TOP_K tag ids per token (−1 = none) and their probabilities, most probable first. */
  topIds: Int32Array;
  topProbabilities: Float32Array;
}

/** What "Colour Text by Model" colours each character by. */
export type TextQuantity =
  /** −log2 p(x_t | x_<t) under the model, in bits. */
  | { kind: 'surprisal' }
  /** One unit of a gate (LSTM i/f/g/o, GRU r/z/n), of c_t (LSTM) or of h_t, at the step that reads the character. */
  | { kind: 'series'; layer: number; series: string; unit: number }
  /** ‖∂L/∂h_t‖ of a layer, L the loss of the seqLength-character chunk holding the character. */
  | { kind: 'gradNorm'; layer: number };

export interface TextInferenceRequest {
  /** A slice of the document, at most MAX_INFERENCE_TEXT UTF-16 units. */
  text: string;
  /** UTF-16 units at the start of `text` that only warm up the hidden state (no values are returned for them). */
  warmup: number;
  quantity: TextQuantity;
}

/** Per UTF-16 unit of text.slice(warmup): NaN where there is no value (second half of a surrogate pair, no context). */
export interface TextInference {
  step: number;
  /** text.length − warmup. */
  length: number;
  /** −log2 p(x_t | x_<t) in bits; NaN for the first character of the text and for unknown characters. */
  surprisal: Float32Array;
  /** The requested quantity (equals surprisal for 'surprisal'). */
  value: Float32Array;
  /** 1 where the character is not in the run's vocabulary (it enters the model as a zero input). */
  unknown: Uint8Array;
  /** ‖∂L/∂h_t‖ of the quantity's layer (the top layer for surprisal). */
  gradNorm: Float32Array;
  /** TEXT_TOP_K next-character ids per unit (−1 = none) and their probabilities, most probable first. */
  topIds: Int32Array;
  topProbabilities: Float32Array;
  /** The run's characters, by id. */
  vocabulary: string[];
  cell: 'rnn' | 'gru' | 'lstm';
  layers: number;
  hiddenSize: number;
  /** Names of the series in unitValues (seriesNames of the cell). */
  series: string[];
  /** Per unit × series: the pinned unit's values (quantity 'series'), else the mean over the layer's units. */
  unitValues: Float32Array;
  /** The unit unitValues shows, or null for the mean over the units of `summaryLayer`. */
  pinned: { layer: number; unit: number } | null;
  summaryLayer: number;
  /** Per unit of text: the TEXT_ACTIVE_UNITS units of `summaryLayer` with the largest |h_t| (−1 = none), and their h_t. */
  activeUnits: Int32Array;
  activeValues: Float32Array;
  /**
   * A word run only (one step per whitespace-separated word): step t's word is text.slice(warmup)[tokenStarts[t],
   * tokenEnds[t]) (clamped to the scored part), and every unit of it holds that step's values (whitespace: none);
   * topIds then name next words. Absent for a character run.
   */
  tokenStarts?: Int32Array;
  tokenEnds?: Int32Array;
}

/** Gates, cell and hidden states of one window (answer to `traceActivations`; values transferred). */
export interface ActivationTrace {
  /** The training step the model was at. */
  step: number;
  /** First step of the window within the data: a code point of the text, or for a word run a word index (see tokenStarts). */
  start: number;
  /** T, the window's steps. */
  length: number;
  cell: 'rnn' | 'gru' | 'lstm';
  layers: number;
  hiddenSize: number;
  /** Series per layer: LSTM i, f, g, o, c, h; GRU r, z, n, h; RNN h. */
  series: string[];
  /** Series s of layer k at step t, unit j: values[((k·S + s)·T + t)·H + j]. */
  values: Float32Array;
  /** The window's characters (a word run: words), one per step. */
  tokens: string[];
  /** Word runs only: step t reads the text's code points [tokenStarts[t], tokenEnds[t]) (absent: code point start + t). */
  tokenStarts?: Int32Array;
  tokenEnds?: Int32Array;
  /** The 5 most probable next characters after step t at topChars[t·5 + r], most probable first ('' if fewer). */
  topChars: string[];
  topProbabilities: Float32Array;
  /**
   * ‖∂L/∂h_t‖ of layer k at step t at gradNormH[k·length + t]: BPTT of the window's next-character loss down to its
   * first step (absent when the model is too big to run the backward pass between two yields).
   */
  gradNormH?: Float32Array;
  /**
   * D = 2 for a bidirectional run: values and gradNormH then hold 2·layers chains, chain c = k·D + d (d = 0 the
   * forward chain h→, d = 1 the backward chain h←) where they hold layer k above; t is input time for both chains.
   * Absent: one direction.
   */
  directions?: number;
  /** What the run predicts when it is not the next token (tagged, series, sequence-to-one runs); see TracedOutputs. */
  outputs?: TracedOutputs;
  /** An RNN cell's nonlinearity ('relu' for nn.RNN(nonlinearity='relu')); absent: tanh. */
  nonlinearity?: 'tanh' | 'relu';
  /** Every term of the step the request's `recurrence` named (absent when not asked, or outside the window). */
  recurrence?: RecurrenceTerms;
  /** What the first layer reads at each step (absent in traces made before it was recorded). */
  input?: TracedInput;
}

/**
 * The first layer's x_t: a one-hot vector over a vocabulary of `vocabulary` tokens; a learned embedding row
 * E[id] of `size` numbers (E is vocabulary × size); or a data row of `size` numbers (the file's columns).
 */
export type TracedInput =
  | { kind: 'one-hot'; vocabulary: number }
  | { kind: 'embedding'; vocabulary: number; size: number }
  | { kind: 'rows'; size: number };

/** One step of one chain: chain c = k·D + d (layer k, direction d; d = 1 the backward chain h←), input time t. */
export interface RecurrenceAt {
  chain: number;
  t: number;
}

/**
 * Every term of one step of one chain with its numbers, all H units, in PyTorch's names and gate order (G blocks:
 * RNN one; GRU r, z, n; LSTM i, f, g, o; entry g·H + j is gate g, unit j), as src/engine/recurrenceTerms.ts reads them:
 * a = W_ih x_t + b_ih + W_hh h_prev + b_hh (GRU n: W_in x_t + b_in + r ⊙ (W_hn h_prev + b_hn)), h_prev = h_{t−1}, or
 * h_{t+1} for the backward chain h←. Float64, so the panel prints what the worker computed.
 */
export interface RecurrenceTerms extends RecurrenceAt {
  /** x_t: a one-hot token (W_ih x_t is W_ih's column `id`), an embedding row, a dense row, or the layer below's h. */
  input: 'one-hot' | 'embedding' | 'rows' | 'below';
  /** The token id of a one-hot or embedded input, else −1. */
  id: number;
  /** x_t (empty for one-hot): E, the row's features, or H·D values [h→_t ; h←_t] of the layer below. */
  x: Float64Array;
  /** W_ih x_t and W_hh h_prev, G·H each. */
  inputTerm: Float64Array;
  hiddenTerm: Float64Array;
  /** b_ih and b_hh, G·H each. */
  biasIh: Float64Array;
  biasHh: Float64Array;
  /** The argument of each gate's nonlinearity and its value (RNN: h_t), G·H each. */
  preActivation: Float64Array;
  activation: Float64Array;
  hPrev: Float64Array;
  h: Float64Array;
  /** LSTM: c_prev, c_t, tanh(c_t). */
  cPrev?: Float64Array;
  c?: Float64Array;
  tanhC?: Float64Array;
}

/**
 * A tagged, series or sequence-to-one run's outputs over a traced window. Its `start` is then the code point of the
 * text where the window's first step sits, and tokenStarts/tokenEnds give every step's place (a tagged token, a row).
 *   tag     topChars/topProbabilities hold the top-5 predicted tags per step; gold[t] is the file's tag of step t.
 *   series  predicted[t·F + j] is ô_{t+1} (the run's prediction of the next row), actual[t·F + j] that next row.
 *   final   one prediction, at the block's last step, against the block's target (sequence-to-one).
 */
export type TracedOutputs =
  | { kind: 'tag'; gold: string[] }
  | { kind: 'series'; names: string[]; predicted: Float32Array; actual: Float32Array }
  | { kind: 'final'; name: string; predicted: number; actual: number };

/** A gradient-flow trace of one window (answer to `traceGradients`). */
export interface GradientTrace {
  /** The training step the model was at. */
  step: number;
  /** First step of the window within the data: a code point of the text, or for a word run a word index (see tokenStarts). */
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
  /** The window's characters (a word run: words), one per step. */
  tokens: string[];
  /** Word runs only: step t reads the text's code points [tokenStarts[t], tokenEnds[t]) (absent: code point start + t). */
  tokenStarts?: Int32Array;
  tokenEnds?: Int32Array;
  /** The run's gradient history over training (src/worker/gradientHistory.ts), when the worker keeps one. */
  history?: GradientHistorySnapshot;
  /** LSTM runs, first layer: ‖∂L/∂c_t‖ at t in the window (beside gradNormH's ‖∂L/∂h_t‖). */
  cellGradNorm?: Float32Array;
  /**
   * LSTM runs, first layer: the cell path's Jacobian along the carousel, ‖∂c_T/∂c_{T−n}‖ = max_j ∏ f_{s,j} over the n
   * steps s = T − n + 1 … T, at cellPath[n − 1] (as jacobianNorm).
   */
  cellPath?: Float32Array;
  /** LSTM runs, first layer: the forget gate's mean over the window's steps and units. */
  meanForgetGate?: number;
  /**
   * D = 2 for a bidirectional run: gradNormH then holds ‖∂L/∂h_t‖ of chain c = k·D + d at gradNormH[c·length + t]
   * (d = 0 forward h→, d = 1 backward h←). Absent: one direction.
   */
  directions?: number;
  /** 'tagged' | 'series' | 'sequence-to-one' runs (start is then a code point of the text, see TracedOutputs). */
  runKind?: 'tagged' | 'series' | 'sequence-to-one';
}

/**
 * Gradient flow over training: every `every` steps a trace of one fixed window (rows, at most 200: when full, every
 * second row is dropped, first and last kept, and `every` doubles), and every step's gradient norm before and after
 * clipping in buckets (at most 1000: when full, neighbours merge).
 */
export interface GradientHistorySnapshot {
  /** The fixed window: its first character, its length T, its characters. */
  start: number;
  length: number;
  layers: number;
  tokens: string[];
  /** Steps between two rows now. */
  every: number;
  /** The training step of each row. */
  steps: Float64Array;
  /** ‖∂L/∂h_t‖ of row r, layer k, step t of the window at gradNormH[(r·layers + k)·length + t]. */
  gradNormH: Float32Array;
  /** Per row and layer (r·layers + k): spectral radius and σ_max of W_hh (candidate block for gated cells). */
  spectralRadius: Float32Array;
  largestSingularValue: Float32Array;
  /** Clipping buckets: the last step of each, the largest norm before and after clipping in it, its share clipped. */
  clipSteps: Float64Array;
  gradNormBefore: Float32Array;
  gradNormAfter: Float32Array;
  clippedShare: Float32Array;
  /** Steps seen and steps clipped since the history began. */
  stepsSeen: number;
  stepsClipped: number;
}

export type WorkerToHost =
  | {
      type: 'started';
      runId: string;
      vocabSize: number;
      dataLength: number;
      parameterCount: number;
      /** Updates already taken (a run restored from a checkpoint starts at its step; else 0). */
      step?: number;
      /** What is held out of training (src/engine/heldOut.ts). */
      heldOut?: HeldOutInfo;
    }
  /** The loss on the held-out part after `step` updates (scored now and then, at most ~5% of the training time). */
  | ({ type: 'heldOut'; runId: string } & HeldOutPoint)
  /** Steps since the previous progress message; posted at most every ~100 ms. */
  | ({ type: 'progress'; runId: string } & StepBatch)
  | ({ type: 'sample'; runId: string } & TextSample)
  | { type: 'finished'; runId: string; reason: 'completed' | 'stopped'; steps: number; finalLoss: number }
  /** The run is paused after `step` updates: asked to, started paused, or (with `fault`) a NaN/Inf at step + 1. */
  | { type: 'paused'; runId: string; step: number; fault?: RunFault }
  | { type: 'resumed'; runId: string; step: number }
  /**
   * The run's state after `step` updates (every checkpointEvery steps, on pause, stop, completion and before a
   * fault): model.safetensors and trainer-state.safetensors bytes (transferred, not copied).
   */
  | { type: 'checkpoint'; runId: string; step: number; model: Uint8Array; state: Uint8Array }
  /** The run cannot go on; `message` says why in words a user understands. */
  | { type: 'failed'; runId: string; message: string }
  | ({ type: 'gradientTrace'; runId: string; requestId: number } & GradientTrace)
  | ({ type: 'activationTrace'; runId: string; requestId: number } & ActivationTrace)
  /** An activation trace could not be made (the run goes on); `message` says why. */
  | { type: 'activationTraceFailed'; runId: string; requestId: number; message: string }
  /** A trace could not be made (the run goes on); `message` says why. */
  | { type: 'traceFailed'; runId: string; requestId: number; message: string }
  /** Answer to `inferText` (typed arrays transferred). */
  | ({ type: 'textInference'; runId: string; requestId: number } & TextInference)
  /** Answer to `tagText` (typed arrays transferred). */
  | ({ type: 'taggedText'; runId: string; requestId: number } & TaggedTextInference)
  /** `inferText` or `tagText` could not be answered (the run goes on); `message` says why. */
  | { type: 'textInferenceFailed'; runId: string; requestId: number; message: string }
  | ({ type: 'unitSearch'; runId: string; requestId: number } & UnitSearchAnswer)
  | { type: 'unitSearchFailed'; runId: string; requestId: number; message: string }
  /** How far a `searchUnits` request has got (0…1), a few times a second while it runs. */
  | { type: 'unitSearchProgress'; runId: string; requestId: number; share: number };

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
  | { type: 'markovOrders'; requestId: string; text: string; unit: 'char' | 'word'; seed: number; sampleLength: number }
  /**
   * Fit an HMM to `text` by Baum-Welch with restarts (discrete symbols, or Gaussian emissions for CSV columns).
   * Posts `hmmFitProgress` (≤ 10/s) while it runs, then one `hmmFitResult`, `hmmFitCancelled` or `analysisFailed`.
   */
  | { type: 'hmmFit'; requestId: string; text: string; input: HmmFitInput; options: HmmFitOptions }
  /** Stop the fit `requestId` after its current iteration (it answers `hmmFitCancelled`); no answer of its own. */
  | { type: 'hmmFitCancel'; requestId: string; fitRequestId: string }
  /** Sample `length` steps from a model file's text (seeded). */
  | { type: 'hmmSample'; requestId: string; modelText: string; length: number; seed: number }
  /** The columns of a CSV/TSV text as the one CSV reader (src/engine/csv.ts) reads them, for HMM Fit's column pick. */
  | { type: 'csvColumns'; requestId: string; text: string }
  /** Fit one n-gram model of order k on all of `text` and sample `length` tokens from it (seeded). */
  | {
      type: 'markovSample'; requestId: string; text: string; unit: 'char' | 'word'; order: number;
      smoothing: 'add-alpha' | 'kneser-ney'; seed: number; length: number;
    }
  /**
   * The vanishing/exploding gradient lab: a tanh RNN and an LSTM (same seed, same characters: the start of `text`, or
   * generated letters when it is empty) with W_hh at spectral radius `spectralRadius`, the loss at step `steps` only.
   */
  | {
      type: 'gradientLab'; requestId: string; text: string; spectralRadius: number; steps: number;
      hiddenSize: number; seed: number; forgetBias: number;
    }
  /**
   * The lab's trained-weights mode: two runs' model.safetensors (a one-layer tanh RNN and a one-layer LSTM, character
   * models) read the start of `text` (the runs' data file) for `steps` steps; the loss at the last step only.
   */
  | { type: 'gradientLabTrained'; requestId: string; rnnModel: Uint8Array; lstmModel: Uint8Array; text: string; steps: number };

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

/** What a fit reads from the file: its characters or whitespace words, a tagged file's tokens, or CSV columns. */
export type HmmFitInput =
  | { kind: 'symbols'; split: 'chars' | 'whitespace' }
  | { kind: 'tagged' }
  /** 0-based columns of a CSV/TSV file, fitted with Gaussian emissions (one dimension per column). */
  | { kind: 'csv'; columns: number[] };

export interface HmmFitOptions {
  states: number;
  restarts: number;
  seed: number;
  maxIterations: number;
  tolerance: number;
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

const ANALYSIS_REQUEST_TYPES: ReadonlySet<string> = new Set(['markovSurprisal', 'hmmDecode', 'markovOrders', 'hmmFit', 'hmmFitCancel', 'hmmSample', 'markovSample', 'gradientLab', 'csvColumns', 'gradientLabTrained']);

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

// ── Tagger comparison (Sequence Lab: Compare HMM and RNN Taggers on Active File) ─────────────────────────────────
// Its own dist/worker.js instance (src/taggers/taggersWorker.ts), so comparing taggers never delays the Training
// panel's worker. One comparison at a time: it posts progress of the RNN's loss (≤ 10/s), then one result, which
// after `stopTaggers` scores the RNN as far as it got.

/** What the user chooses in the Tagger Comparison panel (validated by parseTaggersPanelMessage). */
export interface TaggerSettings {
  cell: 'rnn' | 'gru' | 'lstm';
  bidirectional: boolean;
  hiddenSize: number;
  embeddingSize: number;
  /** Passes over the training sequences (8 sequences per update). */
  epochs: number;
  /** Adam's step size. */
  learningRate: number;
  /** Seeds the held-out split and the RNN's initial weights. */
  seed: number;
  /** Share of the sequences held out when `heldOut` is 'split' (0.05–0.5). */
  heldOutShare: number;
  /** 'split': a seeded share of the file's sequences; 'sibling': the file's *-test.tsv sibling. */
  heldOut: 'split' | 'sibling';
}

/** One tagger's held-out scores. Arrays are plain (JSON-able: the panel saves them with setState). */
export interface TaggerScoresView {
  accuracy: number;
  correct: number;
  total: number;
  /** N×N row-major: row = true tag, column = predicted tag. */
  confusion: number[];
  precision: (number | null)[];
  recall: (number | null)[];
  f1: (number | null)[];
  /** Held-out tokens whose true tag is i. */
  support: number[];
  /** Wall-clock time of training (HMM: counting) in milliseconds. */
  trainMs: number;
  /** Free parameters (HMM: probabilities less one per distribution; RNN: every weight). */
  parameterCount: number;
}

export interface TaggerComparison {
  settings: TaggerSettings;
  tags: string[];
  trainSequences: number;
  trainTokens: number;
  heldOutSequences: number;
  heldOutTokens: number;
  /** Distinct training tokens kept as themselves (the rest read as <unk>). */
  vocabularySize: number;
  /** Training token types seen once, read as <unk> by both taggers. */
  rareTypes: number;
  /** Held-out tokens never seen in training (read as <unk>). */
  heldOutUnknown: number;
  /** The tag most frequent in training, and its accuracy on the held-out tokens. */
  majorityTag: string;
  majorityAccuracy: number;
  /** Held-out tokens only the HMM tags right, and only the RNN (the tokens McNemar's test looks at). */
  hmmOnlyCorrect: number;
  rnnOnlyCorrect: number;
  hmm: TaggerScoresView & { alpha: number };
  rnn: TaggerScoresView & { steps: number; plannedSteps: number; stopped: boolean; finalLoss: number };
}

export type HostToTaggersWorker =
  /** Train both taggers on `trainText` and score them on `heldOutText` (or on a seeded split of `trainText`). */
  | { type: 'compareTaggers'; requestId: string; trainText: string; heldOutText?: string; settings: TaggerSettings }
  /** Stop the RNN at the next update; the result is still sent, with `rnn.stopped`. */
  | { type: 'stopTaggers'; requestId: string };

export type TaggersWorkerToHost =
  | { type: 'taggersStarted'; requestId: string; plannedSteps: number }
  /** RNN updates firstStep … firstStep + n − 1: mean cross-entropy per tag in nats. */
  | { type: 'taggersProgress'; requestId: string; firstStep: number; losses: Float32Array }
  | { type: 'taggersResult'; requestId: string; result: TaggerComparison }
  | { type: 'taggersFailed'; requestId: string; message: string };

export function isTaggersRequest(value: { type: string }): value is HostToTaggersWorker {
  return value.type === 'compareTaggers' || value.type === 'stopTaggers';
}
