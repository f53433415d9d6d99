// Channel: the host's training client (src/training/trainingWorker.ts, for the training session, the panels and
// "Colour Text by Model") ↔ the worker (src/worker/worker.ts, dist/worker.js): one `type`-tagged union each way. The
// worker owns all numeric work; the host only sends intents and receives results. Numbers travel as typed arrays,
// batched (see `progress`). Both sides are this extension's own code: the host checks what reaches it from pages,
// files and settings before it sends anything here, so messages are not re-checked on receipt.
import type { TrainingConfig } from '../trainingConfig';
import type { HeldOutInfo, HeldOutPoint, RunFault, StepBatch, TextSample } from '../run';
import type { ActivationTrace, GradientTrace, RecurrenceAt } from './traces';

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
  /**
   * The file was read in `pieces` segments side by side, each after `warmup` steps from a zero state, then `reread`
   * steps again from the state carried from the file's start where the warm-up had not reached it (engine/unitSearch.ts).
   */
  pieces?: number;
  warmup?: number;
  reread?: number;
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
