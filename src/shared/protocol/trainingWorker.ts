// Channel: the host's training client (src/training/trainingWorker.ts, for the training session, the panels and
// "Colour Text by Model") ↔ the worker (src/worker/worker.ts, dist/worker.js): one `type`-tagged union each way. The
// worker owns all numeric work; the host only sends intents and receives results. Numbers travel as typed arrays,
// batched (see `progress`). The host checks what reaches it from pages, files and settings before it sends anything
// here; the worker checks each request once more on receipt (parseHostToWorker: the host → worker trust boundary),
// from the same schema that gives HostToWorker its type. Answers from the worker are not re-checked.
import { trainingConfigSchema } from '../trainingConfig';
import type { HeldOutInfo, HeldOutPoint, OneThreadReason, RunFault, StepBatch, TextSample } from '../run';
import { MAX_SEARCH_UNITS } from './gatesPanel';
import { array, boolean, integer, lazy, literal, number, object, optional, parser, picklist, string, typedArray, variant, type Infer } from './schema';
import type { ActivationTrace, GradientTrace } from './traces';

/**
 * The longest text a request may carry, in UTF-16 units: every text the host sends is an editor document's, and VS Code
 * hands extensions no document over 50 MB (src/base/documentText.ts), which is at most 50 Mi units.
 */
export const MAX_WORKER_TEXT = 64 * 1024 * 1024;
/** The largest checkpoint file a run may be restored from. */
export const MAX_CHECKPOINT_BYTES = 2 ** 31 - 1;
/** A run's id as the host makes it (run-…) or reads it from the run store. */
const runId = /* @__PURE__ */ string({ min: 1, max: 128 });
/** A request's id (the worker client counts them). */
const requestId = /* @__PURE__ */ integer(0, Number.MAX_SAFE_INTEGER);
/** A step or a position in a text: a whole number the worker clamps or refuses in words. */
const position = /* @__PURE__ */ integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);

const textQuantitySchema = /* @__PURE__ */ lazy(() => variant('kind', [
  /** −log2 p(x_t | x_<t) under the model, in bits. */
  object({ kind: literal('surprisal') }),
  /** One unit of a gate (LSTM i/f/g/o, GRU r/z/n), of c_t (LSTM) or of h_t, at the step that reads the character. */
  object({ kind: literal('series'), layer: integer(0, 64), series: string({ min: 1, max: 16 }), unit: integer(0, 1_000_000) }),
  /** ‖∂L/∂h_t‖ of a layer, L the loss of the seqLength-character chunk holding the character. */
  object({ kind: literal('gradNorm'), layer: integer(0, 64) }),
]));

/** What "Colour Text by Model" colours each character by. */
export type TextQuantity = Infer<typeof textQuantitySchema>;

const textInferenceFields = {
  /** A slice of the document, at most MAX_INFERENCE_TEXT UTF-16 units (the worker refuses more in words). */
  text: /* @__PURE__ */ string({ max: MAX_WORKER_TEXT }),
  /** UTF-16 units at the start of `text` that only warm up the hidden state (no values are returned for them). */
  warmup: /* @__PURE__ */ integer(0, MAX_WORKER_TEXT),
  quantity: textQuantitySchema,
};

const unitSearchFields = {
  text: /* @__PURE__ */ string({ max: MAX_WORKER_TEXT }),
  /** The Gates panel's whole-file search: units of one layer's h_t (or an LSTM's c_t) all ≥ threshold together. */
  query: /* @__PURE__ */ lazy(() => object({
    layer: integer(0, 64),
    series: picklist(['h', 'c']),
    units: array(integer(0, MAX_SEARCH_UNITS - 1), { min: 1, max: MAX_SEARCH_UNITS, unique: true }),
    threshold: number({ min: -1e6, max: 1e6 }),
    queryLength: integer(1, 1_000_000),
  })),
};

const hostToWorkerSchema = /* @__PURE__ */ lazy(() => variant('type', [
  /** Build the vocabulary from `text` and train a model (RNN, GRU or LSTM) on it until config.steps or `stop`. */
  object({
    type: literal('train'), runId, text: string({ max: MAX_WORKER_TEXT }), config: trainingConfigSchema,
    /**
     * Go on from a checkpoint: model.safetensors bytes (weights, checked against the config and the text's
     * vocabulary) and, optionally, trainer-state.safetensors (optimiser, counters, carried states; without it:
     * weights only, a fresh optimiser at step 0).
     */
    restore: optional(object({
      model: typedArray<Uint8Array>(Uint8Array, { max: MAX_CHECKPOINT_BYTES }),
      state: optional(typedArray<Uint8Array>(Uint8Array, { max: MAX_CHECKPOINT_BYTES })),
      /**
       * The split the stored run recorded (run.json's heldOut), for checkpoints saved before trainer states recorded
       * it; absent for runs older than held-out data, which trained on the whole file (src/worker/checkpointFiles.ts).
       */
      heldOut: optional(object({
        description: string({ max: 10_000 }),
        trainCount: integer(0, Number.MAX_SAFE_INTEGER),
        heldOutCount: integer(0, Number.MAX_SAFE_INTEGER),
      })),
    })),
    /** Build the model, then wait paused at its step (posts `paused`) instead of training. */
    startPaused: optional(boolean()),
  }),
  /**
   * Stop the run at the next step boundary, or at once inside a long update (abandoned, changing nothing: the host counts
   * stop, pause and dispose in a shared counter, see stepInterrupt.ts). Works while paused.
   */
  object({ type: literal('stop'), runId }),
  /** Pause at the next step boundary (a long update in progress is abandoned): posts progress, a checkpoint and `paused`. */
  object({ type: literal('pause'), runId }),
  /** Go on training a paused run (posts `resumed`). */
  object({ type: literal('resume'), runId }),
  /** A paused run takes exactly one update and posts its progress (it stays paused). */
  object({ type: literal('step'), runId }),
  /** Apply `config.learningRate` and `config.clip` to the live trainer from the next update (optimiser state kept). */
  object({ type: literal('reconfigure'), runId, config: trainingConfigSchema }),
  /** Sample text from the run's current model at a temperature (works during and after training); greedy: argmax. */
  object({ type: literal('sample'), runId, temperature: number({ min: 0.01, max: 10 }), length: integer(0, 1_000_000), greedy: optional(boolean()) }),
  /** Forget a finished run's model to free memory. */
  object({ type: literal('dispose'), runId }),
  /**
   * Trace ‖∂L/∂h_t‖, the Jacobian norm by distance and the spectra of W_hh of the run's current model over a window
   * of its training text (during or after training; the trace changes nothing). Without `start`: the `length`
   * characters before the data cursor, or the first `length` when the cursor is nearer the start. Answered by
   * `gradientTrace` or `traceFailed` with the same requestId (several askers share one run: each takes its own answers).
   */
  object({ type: literal('traceGradients'), runId, requestId, start: optional(position), length: position }),
  /**
   * Trace every gate, c_t and h_t of the run's current model over `length` (≤ 256) characters from `start` (clamped
   * into the text; without it the last `length` characters trained on), for the Gates panel. Changes nothing.
   * Answered by `activationTrace` or `activationTraceFailed` with the same requestId (the Gates and Unrolled panels of
   * one run each follow their own window: each takes only the answer to its latest request). With `recurrence`, the
   * answer also carries every term of that chain's step (the Unrolled panel's recurrence with its numbers).
   */
  object({
    type: literal('traceActivations'), runId, requestId, start: optional(position), length: position,
    recurrence: optional(object({ chain: integer(0, 1_000), t: position })),
  }),
  /**
   * "Colour Text by Model": run the model (a copy of its weights, its vocabulary) over `text`, a slice of an editor's
   * document; the first `warmup` UTF-16 units only warm up the hidden state. Answered by `textInference` or
   * `textInferenceFailed` with the same requestId (see src/worker/textInference.ts).
   */
  object({ type: literal('inferText'), runId, requestId, ...textInferenceFields }),
  /**
   * "Colour Text by Model" on a tagged run: tag every token of `text` (whole sentences of the token<TAB>tag file as the
   * editor holds it, at most MAX_INFERENCE_TEXT UTF-16 units). Answered by `taggedText` or `textInferenceFailed` with
   * the same requestId (see src/worker/tagText.ts).
   */
  object({ type: literal('tagText'), runId, requestId, text: string({ max: MAX_WORKER_TEXT }) }),
  /**
   * Find every stretch of `text` (the run's file as the editor holds it) where the query's units are all on (LSTMVis;
   * src/worker/unitSearch.ts). Answered by `unitSearch` or `unitSearchFailed`; a newer search of the run, or
   * `cancelUnitSearch`, ends it without an answer.
   */
  object({ type: literal('searchUnits'), runId, requestId, ...unitSearchFields }),
  object({ type: literal('cancelUnitSearch'), runId, requestId }),
]));

export type HostToWorker = Infer<typeof hostToWorkerSchema>;

/**
 * The worker's check of every request on receipt: the request if it is well-formed (its config within the limits of
 * trainingConfigSchema), otherwise undefined. Never throws.
 */
export const parseHostToWorker = /* @__PURE__ */ parser(hostToWorkerSchema);

/** The Gates panel's whole-file search. */
export type UnitSearchRequest = Pick<Extract<HostToWorker, { type: 'searchUnits' }>, 'text' | 'query'>;

export interface TextInferenceRequest {
  /** A slice of the document, at most MAX_INFERENCE_TEXT UTF-16 units. */
  text: string;
  /** UTF-16 units at the start of `text` that only warm up the hidden state (no values are returned for them). */
  warmup: number;
  quantity: TextQuantity;
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
      /** Threads each update runs on: 1, or more for a run of several streams where the worker has threads. */
      threads: number;
      /** Set when the run could have used several threads (a batch of 4 streams or more) but uses one: why. */
      oneThreadReason?: OneThreadReason;
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
