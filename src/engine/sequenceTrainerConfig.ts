// What a SequenceTrainer is asked to train (the model, truncated BPTT, batch, optimiser, clipping, seed, dtype) and
// the engine's own check of it against the data: whole numbers where it counts, finite rates and thresholds, and the
// combinations that cannot train (a bidirectional next-token model, an embedded series, float32 tagging) refused with
// a message. The caller's own validation comes first; this is the engine's invariant.
import type { CellKind } from './cells/recurrentCell';
import { EngineInputError } from './errors';
import type { InitialisationOptions } from './initialisation';
import type { OptimizerConfig } from './optimizers';
import type { SequenceData } from './sequenceData';
import type { Dtype } from './streamShard';

export type ModelKind = 'rnn' | 'gru' | 'lstm';

export interface SequenceModelConfig {
  cell: ModelKind;
  /** RNN only (default tanh). */
  nonlinearity?: 'tanh' | 'relu';
  layers: number;
  hiddenSize: number;
  bidirectional: boolean;
  /** Learned embedding of this width; omitted: one-hot input. Token data only. */
  embedding?: number;
}

export interface SequenceTrainerConfig extends SequenceModelConfig {
  /** k1: new positions per update per stream. */
  seqLength: number;
  /** k2: steps backpropagated (default k1). */
  truncate?: number;
  /** B: parallel streams (or tagged sequences) per update. */
  batch: number;
  optimizer: OptimizerConfig;
  /** Global-norm clipping threshold (0: off). */
  clip: number;
  /** Per-value clipping threshold (0 or omitted: off). */
  clipValue?: number;
  init?: InitialisationOptions;
  seed: number;
  /**
   * Precision of the forward and backward pass of streamed data (default float64; float32 rounds like PyTorch's
   * default dtype). Parameters, clipping and the optimiser stay float64.
   */
  dtype?: Dtype;
}

/** The stack's cell kind for a model config. */
export function cellKindOf(config: SequenceModelConfig): CellKind {
  if (config.cell === 'rnn') return config.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh';
  if (config.nonlinearity !== undefined) throw new EngineInputError(`--nonlinearity applies to the RNN only, not the ${config.cell.toUpperCase()}.`);
  return config.cell;
}

/** Throws EngineInputError, naming the field, when `c` cannot train on `data`. */
export function checkTrainerConfig(data: SequenceData, c: SequenceTrainerConfig): void {
  const whole = (name: string, v: number | undefined, min = 1): void => {
    if (!(Number.isInteger(v) && (v as number) >= min)) throw new EngineInputError(`${name} must be a whole number ≥ ${min} (got ${String(v)}).`);
  };
  if (!['rnn', 'gru', 'lstm'].includes(c.cell)) throw new EngineInputError(`cell must be rnn, gru or lstm (got ${String(c.cell)}).`);
  whole('layers', c.layers);
  whole('hiddenSize', c.hiddenSize);
  whole('seqLength', c.seqLength);
  whole('batch', c.batch);
  if (c.truncate !== undefined) whole('truncate', c.truncate);
  if (c.embedding !== undefined) whole('embedding', c.embedding);
  if (!(c.optimizer.learningRate > 0 && Number.isFinite(c.optimizer.learningRate))) {
    throw new EngineInputError(`The learning rate must be a positive number (got ${String(c.optimizer.learningRate)}).`);
  }
  if (!(c.clip >= 0 && Number.isFinite(c.clip))) throw new EngineInputError(`clip must be a number ≥ 0 (got ${String(c.clip)}).`);
  if (c.clipValue !== undefined && !(c.clipValue >= 0 && Number.isFinite(c.clipValue))) {
    throw new EngineInputError(`clipValue must be a number ≥ 0 (got ${String(c.clipValue)}).`);
  }
  if (!Number.isInteger(c.seed)) throw new EngineInputError(`seed must be a whole number (got ${String(c.seed)}).`);
  if (c.dtype !== undefined && c.dtype !== 'float32' && c.dtype !== 'float64') throw new EngineInputError(`dtype must be float32 or float64 (got ${String(c.dtype)}).`);
  if (c.dtype === 'float32' && data.kind === 'tagging') throw new EngineInputError('float32 is available for streamed data (text, series); tagging trains in float64.');
  if (c.bidirectional && data.kind !== 'tagging') {
    throw new EngineInputError(
      data.kind === 'next-token'
        ? 'A bidirectional model cannot be trained to predict the next token: its backward chain would read the very token it is asked to predict. Use it for tagging, or train a unidirectional model.'
        : 'A bidirectional model cannot be trained to predict the next value of a series: its backward chain would read the future. Train a unidirectional model.',
    );
  }
  if (c.embedding !== undefined && data.kind === 'series') throw new EngineInputError('An embedding needs token input; a numeric series enters the model directly.');
  if (data.kind === 'next-token' && data.ids.length < 2) throw new EngineInputError('The data has fewer than two tokens: there is nothing to predict.');
  if (data.kind === 'series' && data.length < 2) throw new EngineInputError('The series has fewer than two rows.');
  if (data.kind === 'tagging' && data.sequences.length === 0) throw new EngineInputError('The tagged data has no sequences.');
}
