// Settings of one training run, shared by the host (which reads them from the user's settings and experiment files),
// the worker (which trains with them) and the CLI. Limits are the same as in package.json's `configuration`.
// TrainingConfig's type, the worker's check of it (trainingConfigSchema, on the host → worker channel) and the
// problems in words (validateTrainingConfig) all come from ONE definition: trainingConfigSchema below.
// CharTrainingConfig is the part every run has (sizes, rate, clipping, steps, sampling); the rest are the recurrent
// model's choices (cell, layers, optimiser, data kind).
import { boolean, FAIL, lazy, number, object, optional, picklist, type Infer, type Schema } from './protocol/schema';

/** The recurrent cells the Training panel can train (TrainingConfig.cell, the experiment file's model.cell). */
export const MODEL_KINDS = ['rnn', 'gru', 'lstm'] as const;
export type TrainingModelKind = (typeof MODEL_KINDS)[number];

/** The optimisers the Training panel can train with (the general trainer's `optimizer.kind`). */
export const OPTIMIZER_KINDS = ['adam', 'sgd', 'rmsprop'] as const;
export type TrainingOptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/**
 * What a run's text is: characters or whitespace words (next token, cross-entropy), "token<TAB>tag" lines (a tag per
 * token), numeric columns (next row, mean squared error), or sequence-to-one: blocks of seqLength rows whose last
 * column is a target read on the block's last row (mean squared error on that one value: the adding problem).
 */
export const DATA_KINDS = ['characters', 'words', 'tagged', 'series', 'sequence-to-one'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/**
 * Initialisations (src/engine/initialisation.ts): pytorch U(−1/√H, 1/√H); xavier Xavier-uniform weights and zero
 * biases; orthogonal W_hh blocks; identity W_hh blocks (IRNN, zero recurrent biases).
 */
export const INIT_SCHEMES = ['pytorch', 'xavier', 'orthogonal', 'identity'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

/**
 * The arithmetic of a run's forward and backward passes (TrainingConfig.dtype, the experiment file's training.dtype,
 * the CLI's --dtype, the setting sequenceLab.training.dtype, train.py's --dtype). Parameters, clipping and the
 * optimiser stay float64 in both; float32 rounds the passes as PyTorch's default dtype does and is the fast path.
 */
export const DTYPES = ['float32', 'float64'] as const;
export type TrainingDtype = (typeof DTYPES)[number];

/** The data kinds the engine trains in float32 too: streamed data (the others train in float64 only). */
export function float32Trains(dataKind: DataKind | undefined): boolean {
  return dataKind !== 'tagged' && dataKind !== 'sequence-to-one';
}

/**
 * The dtype of a run that names none: float32 (the fast path) for streamed data (characters, words, series);
 * float64 for tagged and sequence-to-one data, which the engine trains in float64 only.
 */
export function defaultDtype(dataKind: DataKind | undefined): TrainingDtype {
  return float32Trains(dataKind) ? 'float32' : 'float64';
}

export const FLOAT32_STREAMED_ONLY = 'dtype float32 is for streamed data (characters, words, series); tagged and sequence-to-one data train in float64';

/** The dtype a run trains in: its own, or the default for its data. */
export function dtypeOf(config: Pick<TrainingConfig, 'dtype' | 'dataKind'>): TrainingDtype {
  return config.dtype ?? defaultDtype(config.dataKind);
}

export const EMBEDDING_LIMIT: Limit = { min: 1, max: 1024, integer: true };
export const BATCH_LIMIT: Limit = { min: 1, max: 256, integer: true };
export const MOMENTUM_LIMIT: Limit = { min: 0, max: 0.999, integer: false };
export const SPECTRAL_RADIUS_LIMIT: Limit = { min: 0, max: 10, integer: false };

export interface Limit {
  min: number;
  max: number;
  integer: boolean;
}

export const CONFIG_LIMITS: Record<CharConfigKey, Limit> = {
  hiddenSize: { min: 1, max: 1024, integer: true },
  seqLength: { min: 1, max: 1000, integer: true },
  learningRate: { min: 1e-6, max: 1, integer: false },
  clip: { min: 0, max: 1000, integer: false },
  steps: { min: 1, max: 10_000_000, integer: true },
  temperature: { min: 0.01, max: 10, integer: false },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  sampleEvery: { min: 1, max: 1_000_000, integer: true },
  sampleLength: { min: 1, max: 10_000, integer: true },
};

/** Limit of TrainingConfig.layers (sequenceLab.training.layers). */
export const LAYERS_LIMIT: Limit = { min: 1, max: 4, integer: true };

/** Limit and default of TrainingConfig.checkpointEvery (sequenceLab.training.checkpointEvery). */
export const CHECKPOINT_EVERY_LIMIT: Limit = { min: 1, max: 10_000_000, integer: true };
export const DEFAULT_CHECKPOINT_EVERY = 200;
/** sequenceLab.limits.maxVocabulary: the range the setting allows. */
export const VOCABULARY_LIMIT: Limit = { min: 2, max: 1_000_000, integer: true };

/** A number within `limit` (whole when the limit says so). */
/* @__NO_SIDE_EFFECTS__ */
function limited(limit: Limit): Schema<number> {
  return number(limit);
}

/**
 * Every setting of a run, in the order validateTrainingConfig names problems. Keys it does not name are dropped (a
 * stored run.json may carry keys of another version).
 */
export const trainingConfigSchema = /* @__PURE__ */ lazy(() => object({
  /** Elman RNN (tanh), GRU or LSTM. */
  cell: picklist(MODEL_KINDS),
  /** Recurrent layers stacked on each other (each reads the hidden states of the one below). */
  layers: limited(LAYERS_LIMIT),
  optimizer: picklist(OPTIMIZER_KINDS),
  /** The worker posts a checkpoint (model + trainer state) every this many steps (default DEFAULT_CHECKPOINT_EVERY). */
  checkpointEvery: optional(limited(CHECKPOINT_EVERY_LIMIT)),
  // ── Optional choices of an experiment file (*.seqlab.json); absent: the Training panel's character model ──
  /** What the text is (default characters): see DATA_KINDS. */
  dataKind: optional(picklist(DATA_KINDS)),
  /** RNN only (default tanh). */
  nonlinearity: optional(picklist(['tanh', 'relu'] as const)),
  /** How the weights start (default pytorch): see INIT_SCHEMES. */
  init: optional(picklist(INIT_SCHEMES)),
  /** Tagging only: a forward and a backward chain. */
  bidirectional: optional(boolean()),
  /** Arithmetic of the forward and backward passes (default: defaultDtype of dataKind); see DTYPES. */
  dtype: optional(picklist(DTYPES)),
  /** Learned token embedding of this width (default: one-hot input). */
  embedding: optional(limited(EMBEDDING_LIMIT)),
  /** k2 of truncated BPTT: steps backpropagated per update of seqLength new steps (default seqLength). */
  truncate: optional(limited(CONFIG_LIMITS.seqLength)),
  /** Parallel streams (or tagged sequences) per update (default 1). */
  batch: optional(limited(BATCH_LIMIT)),
  /** SGD momentum μ (default 0). */
  momentum: optional(limited(MOMENTUM_LIMIT)),
  /** Every H×H block of W_hh rescaled to this spectral radius after initialisation. */
  spectralRadius: optional(limited(SPECTRAL_RADIUS_LIMIT)),
  /** Most distinct tokens the vocabulary may have (sequenceLab.limits.maxVocabulary; the engine's default when absent). */
  maxVocabulary: optional(limited(VOCABULARY_LIMIT)),
  /** Units of the hidden state h_t. */
  hiddenSize: limited(CONFIG_LIMITS.hiddenSize),
  /** Characters per truncated-BPTT chunk: the gradient flows back at most this many steps. */
  seqLength: limited(CONFIG_LIMITS.seqLength),
  /** The optimiser's step size α. */
  learningRate: limited(CONFIG_LIMITS.learningRate),
  /** Global L2 norm the gradient is clipped to; 0 disables clipping. */
  clip: limited(CONFIG_LIMITS.clip),
  /** Optimisation steps (one chunk each) before the run ends by itself. */
  steps: limited(CONFIG_LIMITS.steps),
  /** Softmax temperature used when sampling text from the model. */
  temperature: limited(CONFIG_LIMITS.temperature),
  /** Seed of the PRNG: same seed + same file + same settings → identical loss sequence. */
  seed: limited(CONFIG_LIMITS.seed),
  /** Re-sample text every this many steps while training. */
  sampleEvery: limited(CONFIG_LIMITS.sampleEvery),
  /** Characters per sample. */
  sampleLength: limited(CONFIG_LIMITS.sampleLength),
}, { unknownKeys: 'strip' }));

export type TrainingConfig = Infer<typeof trainingConfigSchema>;

/** The settings every run has (sizes, rate, clipping, steps, sampling): the keys of CONFIG_LIMITS. */
export type CharTrainingConfig = Pick<TrainingConfig, CharConfigKey>;
type CharConfigKey = 'hiddenSize' | 'seqLength' | 'learningRate' | 'clip' | 'steps' | 'temperature' | 'seed' | 'sampleEvery' | 'sampleLength';

export const DEFAULT_CONFIG: TrainingConfig = {
  cell: 'rnn',
  layers: 1,
  optimizer: 'adam',
  hiddenSize: 64,
  seqLength: 32,
  learningRate: 0.005,
  clip: 5,
  steps: 2000,
  temperature: 0.8,
  seed: 42,
  sampleEvery: 100,
  sampleLength: 200,
};

/** How a refused value is named in "(got …)": strings quoted where a choice was expected, scalars as they print. */
function shown(value: unknown, quoteStrings: boolean): string {
  if (typeof value === 'string') return quoteStrings ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : value.slice(0, 40);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return typeof value === 'symbol' ? 'a symbol' : typeof value === 'function' ? 'a function' : String(value);
}

/** What `key`'s field of trainingConfigSchema says of `value`, or undefined when the field accepts it. */
function fieldProblem(key: string, field: Schema<unknown>, value: unknown): string | undefined {
  if (field.check(value) !== FAIL) return undefined;
  const info = field.info;
  if (info.kind === 'picklist') {
    const allowed = info.values.map(String);
    const options = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
    return `${key} must be ${options} (got ${shown(value, true)})`;
  }
  if (info.kind === 'boolean') return `${key} must be true or false (got ${shown(value, false)})`;
  if (info.kind === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${key} must be a finite number (got ${shown(value, false)})`;
    if (info.integer && !Number.isInteger(value)) return `${key} must be a whole number (got ${value})`;
    return `${key} must be between ${info.min} and ${info.max} (got ${value})`;
  }
  return `${key} is not valid (got ${shown(value, false)})`;
}

/** The problems in words of the fields named by `keys` (all of trainingConfigSchema's when absent), in the schema's order. */
function problemsOf(config: Record<string, unknown>, keys?: readonly string[]): string[] {
  const info = trainingConfigSchema.info;
  if (info.kind !== 'object') return [];
  const problems: string[] = [];
  for (const [key, field] of Object.entries(info.shape)) {
    if (keys && !keys.includes(key)) continue;
    const value = config[key];
    if (value === undefined && field.optional) continue;
    const problem = fieldProblem(key, field, value);
    if (problem) problems.push(problem);
  }
  return problems;
}

const CHAR_CONFIG_KEYS = Object.keys(CONFIG_LIMITS);

/**
 * Checks every field against its limits. Returns the list of problems in words (empty when the config is valid),
 * so the caller can show them to the user instead of training on nonsense.
 */
export function validateConfig(config: CharTrainingConfig): string[] {
  return problemsOf(config as unknown as Record<string, unknown>, CHAR_CONFIG_KEYS);
}

/**
 * validateConfig, and the model's choices: the cell, the number of layers, the optimiser and an experiment's options.
 * Exactly what trainingConfigSchema refuses, in words (the model's choices first, then the sizes and rates).
 */
export function validateTrainingConfig(config: TrainingConfig): string[] {
  const problems = problemsOf(config as unknown as Record<string, unknown>);
  if (config.dtype === 'float32' && !float32Trains(config.dataKind)) problems.push(FLOAT32_STREAMED_ONLY);
  return problems;
}

const MODEL_NAMES: Record<TrainingModelKind, string> = { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' };

/** The run's model in a few words, e.g. "char RNN · tanh · H=64" or "char LSTM · 2 layers · H=64". */
export function modelLabel(config: TrainingConfig): string {
  const cell = `${config.bidirectional ? 'Bi' : ''}${MODEL_NAMES[config.cell] ?? String(config.cell)}`;
  const kind = config.dataKind ?? 'characters';
  const prefix = kind === 'characters' ? 'char' : kind === 'words' ? 'word' : kind === 'tagged' ? 'tagger' : kind === 'series' ? 'series' : 'seq-to-one';
  const parts = [`${prefix} ${cell}`];
  if (config.cell === 'rnn') parts.push(config.nonlinearity ?? 'tanh');
  if (config.layers !== 1) parts.push(`${config.layers} layers`);
  parts.push(`H=${config.hiddenSize}`);
  if (config.optimizer !== 'adam') parts.push(config.optimizer === 'sgd' ? 'SGD' : 'RMSProp');
  if (config.batch !== undefined && config.batch !== 1) parts.push(`B=${config.batch}`);
  if (config.dtype !== undefined && config.dtype !== defaultDtype(config.dataKind)) parts.push(config.dtype);
  return parts.join(' · ');
}
