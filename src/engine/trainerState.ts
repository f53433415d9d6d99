// Everything a SequenceTrainer needs, beyond its parameters, to go on bit for bit after a checkpoint:
//   optimiser state   Adam m, v (moment estimates) and t (the bias corrections' step count)
//                     SGD b (momentum buffer) · RMSProp v (running mean of g²)
//   counters          updates taken, epoch, next position p, position of the carried states, tagging cursor
//   carried states    h (and c for the LSTM) of every stream, detached between updates
// The parameters travel separately in model.safetensors (PyTorch names, see src/engine/modelFile.ts); this is
// trainer-state.safetensors: the buffers as F64 tensors (exact), the counters as decimal strings in __metadata__.
import { Adam } from './adam';
import { EngineInputError } from './errors';
import { RmsProp, Sgd, type Optimizer, type OptimizerKind } from './optimizers';
import { Prng } from './prng';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors';

export interface TrainerCounters {
  steps: number;
  epochs: number;
  position: number;
  statePosition: number;
  cursor: number;
}

export interface OptimizerState {
  kind: OptimizerKind;
  /** Adam's t (0 for the others). */
  t: number;
  /** Adam: m, v · SGD with momentum: momentum · RMSProp: square_avg. */
  buffers: Record<string, Float64Array>;
}

export interface TrainerState {
  counters: TrainerCounters;
  optimizer: OptimizerState;
  h: Float64Array;
  c: Float64Array;
}

const FORMAT = 'sequence-lab-trainer-state/1';

/** The optimiser's kind, update count and state buffers (views, not copies). */
export function optimizerState(optimizer: Optimizer): OptimizerState {
  const kind = optimizer instanceof Adam ? 'adam' : optimizer instanceof Sgd ? 'sgd' : optimizer instanceof RmsProp ? 'rmsprop' : undefined;
  if (!kind) throw new RangeError('unknown optimiser');
  return { kind, t: optimizer.stepCount, buffers: optimizer.stateBuffers() };
}

/** Copies a saved optimiser state into `optimizer` (same kind and sizes, else EngineInputError). */
export function restoreOptimizerState(optimizer: Optimizer, saved: OptimizerState): void {
  const live = optimizerState(optimizer);
  if (live.kind !== saved.kind) {
    throw new EngineInputError(`The trainer state was saved with the ${saved.kind} optimiser, but this run uses ${live.kind}.`);
  }
  for (const [name, buffer] of Object.entries(live.buffers)) {
    const from = saved.buffers[name];
    if (!from) throw new EngineInputError(`The trainer state has no "${name}" for the ${live.kind} optimiser.`);
    if (from.length !== buffer.length) {
      throw new EngineInputError(`The trainer state's "${name}" has ${from.length} values, but the model has ${buffer.length} parameters.`);
    }
    buffer.set(from);
  }
  optimizer.restoreStepCount(saved.t);
}

/** The state of a PRNG (mulberry32 word and the spare Box-Muller value), to continue its stream exactly. */
export function prngState(rng: Prng): { state: number; spare: number } {
  return rng.snapshot();
}

export function restorePrngState(rng: Prng, saved: { state: number; spare: number }): void {
  rng.restore(saved);
}

/** trainer-state.safetensors: buffers as F64 tensors, counters and `extra` strings in __metadata__. */
export function encodeTrainerState(state: TrainerState, extra: Record<string, string> = {}): Uint8Array {
  const tensor = (name: string, data: Float64Array): SafetensorsTensor => ({ name, dtype: 'F64', shape: [data.length], data: data.slice() });
  const tensors = [tensor('state.h', state.h), tensor('state.c', state.c)];
  for (const [name, data] of Object.entries(state.optimizer.buffers)) tensors.push(tensor(`optimizer.${name}`, data));
  const { counters: k, optimizer } = state;
  return encodeSafetensors(tensors, {
    ...extra,
    format: FORMAT,
    optimizer: optimizer.kind,
    optimizer_t: String(optimizer.t),
    steps: String(k.steps),
    epochs: String(k.epochs),
    position: String(k.position),
    state_position: String(k.statePosition),
    cursor: String(k.cursor),
  });
}

export function decodeTrainerState(bytes: Uint8Array): { state: TrainerState; metadata: Record<string, string> } {
  const file = decodeSafetensors(bytes);
  const meta = file.metadata;
  if (meta.format !== FORMAT) throw new EngineInputError(`This is not a Sequence Lab trainer state (format ${JSON.stringify(meta.format ?? null)}).`);
  const whole = (key: string): number => {
    const v = Number(meta[key]);
    if (!(Number.isSafeInteger(v) && v >= 0)) throw new EngineInputError(`The trainer state's ${key} is not a whole number ≥ 0 (got ${JSON.stringify(meta[key] ?? null)}).`);
    return v;
  };
  const kind = meta.optimizer;
  if (kind !== 'adam' && kind !== 'sgd' && kind !== 'rmsprop') throw new EngineInputError(`The trainer state names an unknown optimiser ${JSON.stringify(kind ?? null)}.`);
  const byName = new Map(file.tensors.map((t) => [t.name, t.data]));
  const need = (name: string): Float64Array => {
    const data = byName.get(name);
    if (!data) throw new EngineInputError(`The trainer state has no tensor "${name}".`);
    return data;
  };
  const buffers: Record<string, Float64Array> = {};
  for (const [name, data] of byName) if (name.startsWith('optimizer.')) buffers[name.slice('optimizer.'.length)] = data;
  return {
    state: {
      counters: { steps: whole('steps'), epochs: whole('epochs'), position: whole('position'), statePosition: whole('state_position'), cursor: whole('cursor') },
      optimizer: { kind, t: whole('optimizer_t'), buffers },
      h: need('state.h'),
      c: need('state.c'),
    },
    metadata: meta,
  };
}
