// The SequenceTrainer settings of a TrainingConfig, shared by CharModel and SequenceModel, so the editor trains the
// model `sequence-lab train` trains for the same options (cell, layers, embedding, truncation, batch, momentum,
// initialisation, W_hh spectral radius and dtype).
import { EngineInputError } from '../engine/errors';
import type { SequenceTrainerConfig } from '../engine/sequenceTrainer';
import { initialisationOptions } from '../engine/trainingSetup';
import { dtypeOf, type TrainingConfig } from '../shared/trainingConfig';

/**
 * The general trainer's settings for a TrainingConfig (optional experiment fields included): the same names on both
 * sides (cell, embedding, truncate, batch, clip), so this picks them; only the optimiser and the initialisation are
 * grouped as the engine takes them.
 */
export function trainerConfigOf(config: TrainingConfig): SequenceTrainerConfig {
  const { cell, layers, hiddenSize, seqLength, clip, seed, embedding, truncate } = config;
  return {
    cell,
    ...(cell === 'rnn' && config.nonlinearity !== undefined ? { nonlinearity: config.nonlinearity } : {}),
    layers,
    hiddenSize,
    bidirectional: config.bidirectional === true,
    ...(embedding !== undefined ? { embedding } : {}),
    seqLength,
    ...(truncate !== undefined ? { truncate } : {}),
    batch: config.batch ?? 1,
    optimizer: { kind: config.optimizer, learningRate: config.learningRate, ...(config.momentum !== undefined ? { momentum: config.momentum } : {}) },
    clip,
    ...withInit(initialisationOptions(config.init, config.spectralRadius)),
    seed,
    // float32 passes (the fast path) unless the run asks for float64; tagged data is float64 (defaultDtype).
    dtype: dtypeOf(config),
  };
}

function withInit(init: SequenceTrainerConfig['init']): { init?: SequenceTrainerConfig['init'] } {
  return init === undefined ? {} : { init };
}


/**
 * Runs `build` (which reads the training text into a vocabulary); a vocabulary over its limit is refused by the engine
 * in words, and here the message also names the setting that raises the limit.
 */
export function withVocabularyHint<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof EngineInputError && /different \w+, more than the limit of \d+/.test(error.message)) {
      throw new EngineInputError(`${error.message.replace(/\.$/, '')}. Raise "sequenceLab.limits.maxVocabulary" to train on it anyway.`);
    }
    throw error;
  }
}
