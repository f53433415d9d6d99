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
import type { HeldOutInfo } from '../shared/run';

/**
 * The held-out split a run trained beside, as its checkpoints record it (trainer-state metadata `held_out`), so a
 * resumed run can tell whether its held-out part is still data it never trained on. Checkpoints saved before runs
 * held data out (and before the split was recorded) have none; a run resumed from one records 'whole-file'.
 */
export type HeldOutRecord = Pick<HeldOutInfo, 'description' | 'trainCount' | 'heldOutCount'>;
/** What a checkpoint's model trained beside: a split, or the whole file (a run resumed from before held-out data). */
export type TrainedBeside = HeldOutRecord | 'whole-file';
const HELD_OUT_KEY = 'held_out';

/** The record of a trainer state's metadata, or undefined when it has none (or an unreadable one). */
function readHeldOutRecord(raw: string | undefined): TrainedBeside | undefined {
  if (raw === undefined || raw.length > 10_000) return undefined;
  try {
    const v = JSON.parse(raw) as (Partial<HeldOutRecord> & { wholeFile?: unknown }) | null;
    const whole = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;
    if (v?.wholeFile === true) return 'whole-file';
    if (v && typeof v.description === 'string' && whole(v.trainCount) && whole(v.heldOutCount)) {
      return { description: v.description, trainCount: v.trainCount!, heldOutCount: v.heldOutCount! };
    }
  } catch {
    // An unreadable record is no record.
  }
  return undefined;
}

/**
 * The held-out part of a run resumed from a checkpoint. `recorded` is the split the checkpoint (or, for checkpoints
 * saved before splits were recorded, the stored run) says the model trained beside; undefined means the model was
 * trained before runs held data out, i.e. on the whole file. When that is not today's split, today's held-out part
 * holds data the model trained on: nothing is held out from here on and the description says why (the panels
 * print "No held-out loss: …"), rather than a held-out curve measured on training data.
 */
export function heldOutAfterRestore(current: HeldOutInfo, recorded: TrainedBeside): HeldOutInfo {
  if (current.heldOutCount === 0) return current;
  if (recorded === 'whole-file') {
    return {
      ...current,
      heldOutCount: 0,
      description:
        `the checkpoint this run resumed from was saved before runs held data out, so the model trained on the whole ` +
        `file, ${current.description} included (a loss on them would not be a held-out loss)`,
    };
  }
  if (recorded.description === current.description && recorded.trainCount === current.trainCount && recorded.heldOutCount === current.heldOutCount) return current;
  return {
    ...current,
    heldOutCount: 0,
    description:
      `the checkpoint this run resumed from held out ${recorded.description} (${recorded.heldOutCount} of ${recorded.heldOutCount + recorded.trainCount}), ` +
      `but the file now splits as ${current.description} (${current.heldOutCount} of ${current.heldOutCount + current.trainCount}): ` +
      `the model may have trained on part of that`,
  };
}

/** What a checkpoint is written from and restored into. */
export interface CheckpointedTrainer {
  readonly model: RecurrentStack;
  exportState(): TrainerState;
  importState(state: TrainerState): void;
}

export function encodeCheckpoint(
  trainer: CheckpointedTrainer,
  metadata: ModelMetadata,
  samplingRng: Prng,
  heldOut?: TrainedBeside,
): { model: Uint8Array; state: Uint8Array } {
  const rng = prngState(samplingRng);
  const record: Record<string, string> = heldOut === undefined ? {}
    : { [HELD_OUT_KEY]: JSON.stringify(heldOut === 'whole-file' ? { wholeFile: true } : { description: heldOut.description, trainCount: heldOut.trainCount, heldOutCount: heldOut.heldOutCount }) };
  return {
    model: encodeModel(trainer.model, metadata),
    state: encodeTrainerState(trainer.exportState(), { sampling_prng: JSON.stringify([rng.state, Number.isNaN(rng.spare) ? null : rng.spare]), ...record }),
  };
}

/**
 * Restores a checkpoint: `check` gets the model description (undefined for a plain PyTorch state_dict) and throws
 * EngineInputError when it does not fit the run; then the weights, and when given the trainer state and the PRNG
 * (without a state the optimiser starts afresh at step 0: weights only, e.g. a model imported from PyTorch).
 * Returns whether a trainer state was restored and the held-out split it records (undefined: none recorded).
 */
export function restoreCheckpoint(
  trainer: CheckpointedTrainer,
  samplingRng: Prng,
  modelBytes: Uint8Array,
  stateBytes: Uint8Array | undefined,
  check: (meta: Partial<ModelMetadata> | undefined) => void,
): { resumed: boolean; heldOut: TrainedBeside | undefined } {
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
  if (!stateBytes) return { resumed: false, heldOut: undefined };
  const { state, metadata } = decodeTrainerState(stateBytes);
  trainer.importState(state);
  const rng = metadata.sampling_prng === undefined ? undefined : (JSON.parse(metadata.sampling_prng) as [number, number | null]);
  if (rng) restorePrngState(samplingRng, { state: rng[0], spare: rng[1] ?? NaN });
  return { resumed: true, heldOut: readHeldOutRecord(metadata[HELD_OUT_KEY]) };
}

/**
 * After a checkpoint was restored: the held-out info the run reports and what its own checkpoints record from now
 * on. `hostRecord` is the split the stored run recorded (runs since held-out data, whose checkpoints predate the
 * record); a trainer state with neither trained on the whole file. Weights alone (no trainer state: a model
 * imported from elsewhere) keep today's split.
 */
export function splitAfterRestore(
  current: HeldOutInfo,
  restored: { resumed: boolean; heldOut: TrainedBeside | undefined },
  hostRecord: HeldOutRecord | undefined,
): { info: HeldOutInfo; beside: TrainedBeside } {
  if (!restored.resumed) return { info: current, beside: current };
  const recorded = restored.heldOut ?? hostRecord ?? 'whole-file';
  const info = heldOutAfterRestore(current, recorded);
  return { info, beside: info === current ? current : recorded };
}
