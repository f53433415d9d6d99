// Settings of one character-model training run, shared by the host (which reads them from the user's settings),
// the worker (which trains with them) and the CLI. Limits are the same as in package.json's `configuration`.

export interface CharTrainingConfig {
  /** Units of the hidden state h_t. */
  hiddenSize: number;
  /** Characters per truncated-BPTT chunk: the gradient flows back at most this many steps. */
  seqLength: number;
  /** Adam's step size α. */
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

export const DEFAULT_CONFIG: CharTrainingConfig = {
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
    const value = config[key];
    const limit = CONFIG_LIMITS[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${key} must be a finite number (got ${String(value)})`);
    } else if (limit.integer && !Number.isInteger(value)) {
      problems.push(`${key} must be a whole number (got ${value})`);
    } else if (value < limit.min || value > limit.max) {
      problems.push(`${key} must be between ${limit.min} and ${limit.max} (got ${value})`);
    }
  }
  return problems;
}
