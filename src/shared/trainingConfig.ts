// Settings of one character-model training run, shared by the host (which reads them from the user's settings),
// the worker (which trains with them) and the CLI. Limits are the same as in package.json's `configuration`.
// CharTrainingConfig holds the settings every run has (sizes, rate, clipping, steps, sampling); TrainingConfig adds
// the recurrent model's choices (cell, layers, optimiser, data kind) the worker trains with.

export interface CharTrainingConfig {
  /** Units of the hidden state h_t. */
  hiddenSize: number;
  /** Characters per truncated-BPTT chunk: the gradient flows back at most this many steps. */
  seqLength: number;
  /** The optimiser's step size α. */
  learningRate: number;
  /** Global L2 norm the gradient is clipped to; 0 disables clipping. */
  clipNorm: number;
  /** Optimisation steps (one chunk each) before the run ends by itself. */
  maxSteps: number;
  /** Softmax temperature used when sampling text from the model. */
  temperature: number;
  /** Seed of the PRNG: same seed + same file + same settings → identical loss sequence. */
  seed: number;
  /** Re-sample text every this many steps while training. */
  sampleEvery: number;
  /** Characters per sample. */
  sampleLength: number;
}

/** The recurrent cells the Training panel can train (the general trainer's `model`). */
export const MODEL_KINDS = ['rnn', 'gru', 'lstm'] as const;
export type TrainingModelKind = (typeof MODEL_KINDS)[number];

/** The optimisers the Training panel can train with (the general trainer's `optimizer.kind`). */
export const OPTIMIZER_KINDS = ['adam', 'sgd', 'rmsprop'] as const;
export type TrainingOptimizerKind = (typeof OPTIMIZER_KINDS)[number];

export interface TrainingConfig extends CharTrainingConfig {
  /** Elman RNN (tanh), GRU or LSTM. */
  model: TrainingModelKind;
  /** Recurrent layers stacked on each other (each reads the hidden states of the one below). */
  layers: number;
  optimizer: TrainingOptimizerKind;
  /** The worker posts a checkpoint (model + trainer state) every this many steps (default DEFAULT_CHECKPOINT_EVERY). */
  checkpointEvery?: number;
  // ── Optional choices of an experiment file (*.seqlab.json); absent: the Training panel's character model ──
  /** What the text is (default characters): see DATA_KINDS. */
  dataKind?: DataKind;
  /** RNN only (default tanh). */
  nonlinearity?: 'tanh' | 'relu';
  /** Tagging only: a forward and a backward chain. */
  bidirectional?: boolean;
  /** Learned token embedding of this width (default: one-hot input). */
  embedding?: number;
  /** k2 of truncated BPTT: steps backpropagated per update of seqLength new steps (default seqLength). */
  /** Most distinct tokens the vocabulary may have (sequenceLab.limits.maxVocabulary; the engine's default when absent). */
  maxVocabulary?: number;
  truncate?: number;
  /** Parallel streams (or tagged sequences) per update (default 1). */
  batch?: number;
  /** SGD momentum μ (default 0). */
  momentum?: number;
  /** How the weights start (default pytorch): see INIT_SCHEMES. */
  init?: InitScheme;
  /** Every H×H block of W_hh rescaled to this spectral radius after initialisation. */
  spectralRadius?: number;
}

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

export const EMBEDDING_LIMIT: Limit = { min: 1, max: 1024, integer: true };
export const BATCH_LIMIT: Limit = { min: 1, max: 256, integer: true };
export const MOMENTUM_LIMIT: Limit = { min: 0, max: 0.999, integer: false };
export const SPECTRAL_RADIUS_LIMIT: Limit = { min: 0, max: 10, integer: false };

export interface Limit {
  min: number;
  max: number;
  integer: boolean;
}

export const CONFIG_LIMITS: Record<keyof CharTrainingConfig, Limit> = {
  hiddenSize: { min: 1, max: 1024, integer: true },
  seqLength: { min: 1, max: 1000, integer: true },
  learningRate: { min: 1e-6, max: 1, integer: false },
  clipNorm: { min: 0, max: 1000, integer: false },
  maxSteps: { min: 1, max: 10_000_000, integer: true },
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

export const DEFAULT_CONFIG: TrainingConfig = {
  model: 'rnn',
  layers: 1,
  optimizer: 'adam',
  hiddenSize: 64,
  seqLength: 32,
  learningRate: 0.005,
  clipNorm: 5,
  maxSteps: 2000,
  temperature: 0.8,
  seed: 42,
  sampleEvery: 100,
  sampleLength: 200,
};

/**
 * Checks every field against its limits. Returns the list of problems in words (empty when the config is valid),
 * so the caller can show them to the user instead of training on nonsense.
 */
export function validateConfig(config: CharTrainingConfig): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(CONFIG_LIMITS) as (keyof CharTrainingConfig)[]) {
    const problem = checkNumber(key, config[key], CONFIG_LIMITS[key]);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** validateConfig, and the model's choices: the cell, the number of layers and the optimiser. */
export function validateTrainingConfig(config: TrainingConfig): string[] {
  const problems: string[] = [];
  const choice = (key: string, value: unknown, allowed: readonly string[]): void => {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      const options = `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
      problems.push(`${key} must be ${options} (got ${typeof value === 'string' ? JSON.stringify(value) : String(value)})`);
    }
  };
  choice('model', config.model, MODEL_KINDS);
  const layers = checkNumber('layers', config.layers, LAYERS_LIMIT);
  if (layers) problems.push(layers);
  choice('optimizer', config.optimizer, OPTIMIZER_KINDS);
  if (config.checkpointEvery !== undefined) {
    const every = checkNumber('checkpointEvery', config.checkpointEvery, CHECKPOINT_EVERY_LIMIT);
    if (every) problems.push(every);
  }
  const optionalNumber = (key: string, value: number | undefined, limit: Limit): void => {
    const problem = value === undefined ? undefined : checkNumber(key, value, limit);
    if (problem) problems.push(problem);
  };
  if (config.dataKind !== undefined) choice('dataKind', config.dataKind, DATA_KINDS);
  if (config.nonlinearity !== undefined) choice('nonlinearity', config.nonlinearity, ['tanh', 'relu']);
  if (config.init !== undefined) choice('init', config.init, INIT_SCHEMES);
  if (config.bidirectional !== undefined && typeof config.bidirectional !== 'boolean') problems.push(`bidirectional must be true or false (got ${String(config.bidirectional)})`);
  optionalNumber('embedding', config.embedding, EMBEDDING_LIMIT);
  optionalNumber('truncate', config.truncate, CONFIG_LIMITS.seqLength);
  optionalNumber('batch', config.batch, BATCH_LIMIT);
  optionalNumber('momentum', config.momentum, MOMENTUM_LIMIT);
  optionalNumber('spectralRadius', config.spectralRadius, SPECTRAL_RADIUS_LIMIT);
  optionalNumber('maxVocabulary', config.maxVocabulary, VOCABULARY_LIMIT);
  return [...problems, ...validateConfig(config)];
}

function checkNumber(key: string, value: unknown, limit: Limit): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${key} must be a finite number (got ${String(value)})`;
  if (limit.integer && !Number.isInteger(value)) return `${key} must be a whole number (got ${value})`;
  if (value < limit.min || value > limit.max) return `${key} must be between ${limit.min} and ${limit.max} (got ${value})`;
  return undefined;
}

const MODEL_NAMES: Record<TrainingModelKind, string> = { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' };

/** The run's model in a few words, e.g. "char RNN · tanh · H=64" or "char LSTM · 2 layers · H=64". */
export function modelLabel(config: TrainingConfig): string {
  const cell = `${config.bidirectional ? 'Bi' : ''}${MODEL_NAMES[config.model] ?? String(config.model)}`;
  const kind = config.dataKind ?? 'characters';
  const prefix = kind === 'characters' ? 'char' : kind === 'words' ? 'word' : kind === 'tagged' ? 'tagger' : kind === 'series' ? 'series' : 'seq-to-one';
  const parts = [`${prefix} ${cell}`];
  if (config.model === 'rnn') parts.push(config.nonlinearity ?? 'tanh');
  if (config.layers !== 1) parts.push(`${config.layers} layers`);
  parts.push(`H=${config.hiddenSize}`);
  if (config.optimizer !== 'adam') parts.push(config.optimizer === 'sgd' ? 'SGD' : 'RMSProp');
  if (config.batch !== undefined && config.batch !== 1) parts.push(`B=${config.batch}`);
  return parts.join(' · ');
}
