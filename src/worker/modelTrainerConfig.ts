// The SequenceTrainer settings of a TrainingConfig, shared by CharModel and SequenceModel, so the editor trains the
// model `sequence-lab train` trains for the same options (cell, layers, embedding, truncation, batch, momentum,
// initialisation and W_hh spectral radius).
import type { SequenceTrainerConfig } from '../engine/sequenceTrainer';
import { initialisationOptions } from '../engine/trainingSetup';
import type { TrainingConfig } from '../shared/trainingConfig';

/** The general trainer's settings for a TrainingConfig (optional experiment fields included). */
export function trainerConfigOf(config: TrainingConfig): SequenceTrainerConfig {
  return {
    model: config.model,
    ...(config.model === 'rnn' && config.nonlinearity !== undefined ? { nonlinearity: config.nonlinearity } : {}),
    layers: config.layers,
    hiddenSize: config.hiddenSize,
    bidirectional: config.bidirectional === true,
    ...(config.embedding !== undefined ? { embeddingDim: config.embedding } : {}),
    seqLength: config.seqLength,
    ...(config.truncate !== undefined ? { backpropSteps: config.truncate } : {}),
    batchSize: config.batch ?? 1,
    optimizer: { kind: config.optimizer, learningRate: config.learningRate, ...(config.momentum !== undefined ? { momentum: config.momentum } : {}) },
    clipNorm: config.clipNorm,
    ...withInit(initialisationOptions(config.init, config.spectralRadius)),
    seed: config.seed,
  };
}

function withInit(init: SequenceTrainerConfig['init']): { init?: SequenceTrainerConfig['init'] } {
  return init === undefined ? {} : { init };
}

