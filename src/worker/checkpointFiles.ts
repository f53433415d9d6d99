// The two files of a worker checkpoint, for every model kind (CharModel, SequenceModel): model.safetensors (the
// weights by PyTorch's state_dict names, with Sequence Lab's model description in __metadata__.sequence_lab) and
// trainer-state.safetensors (optimiser, counters, carried state, and the sampling PRNG, so samples continue too).
import { EngineInputError } from '../engine/errors';
import type { Prng } from '../engine/prng';
import { decodeSafetensors, loadIntoLayout } from '../engine/safetensors';
import type { RecurrentStack } from '../engine/recurrentStack';
import { decodeTrainerState, encodeTrainerState, prngState, restorePrngState, type TrainerState } from '../engine/trainerState';
import { encodeModel, type ModelMetadata } from '../engine/modelFile';
import { ModelMetadataError, parseModelMetadata } from '../shared/modelMetadata';

/** What a checkpoint is written from and restored into. */
export interface CheckpointedTrainer {
  readonly model: RecurrentStack;
  exportState(): TrainerState;
  importState(state: TrainerState): void;
}

export function encodeCheckpoint(trainer: CheckpointedTrainer, metadata: ModelMetadata, samplingRng: Prng): { model: Uint8Array; state: Uint8Array } {
  const rng = prngState(samplingRng);
  return {
    model: encodeModel(trainer.model, metadata),
    state: encodeTrainerState(trainer.exportState(), { sampling_prng: JSON.stringify([rng.state, Number.isNaN(rng.spare) ? null : rng.spare]) }),
  };
}

/**
 * Restores a checkpoint: `check` gets the model description (undefined for a plain PyTorch state_dict) and throws
 * EngineInputError when it does not fit the run; then the weights, and when given the trainer state and the PRNG
 * (without a state the optimiser starts afresh at step 0: weights only, e.g. a model imported from PyTorch).
 */
export function restoreCheckpoint(
  trainer: CheckpointedTrainer,
  samplingRng: Prng,
  modelBytes: Uint8Array,
  stateBytes: Uint8Array | undefined,
  check: (meta: Partial<ModelMetadata> | undefined) => void,
): void {
  const file = decodeSafetensors(modelBytes);
  const raw = file.metadata.sequence_lab;
  let meta: Partial<ModelMetadata> | undefined;
  if (raw !== undefined) {
    try {
      meta = parseModelMetadata(raw);
    } catch (e) {
      if (e instanceof ModelMetadataError) throw new EngineInputError(`The checkpoint cannot be used: ${e.message}`);
      throw e;
    }
  }
  check(meta);
  loadIntoLayout(file, trainer.model.params, trainer.model.tensors);
  if (!stateBytes) return;
  const { state, metadata } = decodeTrainerState(stateBytes);
  trainer.importState(state);
  const rng = metadata.sampling_prng === undefined ? undefined : (JSON.parse(metadata.sampling_prng) as [number, number | null]);
  if (rng) restorePrngState(samplingRng, { state: rng[0], spare: rng[1] ?? NaN });
}
