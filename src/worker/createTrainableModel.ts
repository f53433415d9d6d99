// The model for a run, picked by the config's data kind (see trainableModel.ts for what a TrainingRun drives).
import type { HeldOutRecord } from './checkpointFiles';
import type { TrainingConfig } from '../shared/trainingConfig';
import { CharModel } from './charModel';
import { releasedOnThrow } from './parallelThreads';
import { SequenceModel } from './sequenceModel';
import type { TrainableModel } from './trainableModel';

/**
 * The model for a run: characters → CharModel, every other data kind → SequenceModel. Throws EngineInputError, having
 * ended any threads the model's trainer had started.
 */
export function createTrainableModel(text: string, config: TrainingConfig, restore?: { model: Uint8Array; state?: Uint8Array; heldOut?: HeldOutRecord }): TrainableModel {
  const kind = config.dataKind ?? 'characters';
  return releasedOnThrow(() => (kind === 'characters' ? new CharModel(text, config, restore) : new SequenceModel(text, config, restore)));
}
