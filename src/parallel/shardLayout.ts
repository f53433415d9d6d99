// The shared memory of one remote shard (SharedArrayBuffers, so nothing is copied through messages per update):
//   control  Int32Array  [JOB, DONE, READY, STATUS]: the coordinator bumps JOB and notifies; the worker runs the job,
//            sets STATUS (0 ok, 1 error) and DONE = JOB and notifies. JOB = −1 asks the worker to stop.
//   io       Float64Array the window in (statePosition, w, T, lossFrom, keep, weight), the result out
//            (loss, fault kind 0 none / 1 hidden / 2 output, layer, t, stream, value)
//   grads    this shard's gradient (the stack's parameter layout)
//   h, c     the shard's work states in; hNext, cNext the carried states out (count × stateSize)
//   error    the message of an exception in the worker (UTF-8, zero-terminated)
// The parameters are one more SharedArrayBuffer common to all shards, written once per update.
import type { ShardSpec } from '../engine/streamShard';

export const JOB = 0;
export const DONE = 1;
export const READY = 2;
export const STATUS = 3;
export const IO_IN = 0;
export const IO_OUT = 8;
export const ERROR_BYTES = 2048;

export interface ShardBuffers {
  control: SharedArrayBuffer;
  io: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  h: SharedArrayBuffer;
  c: SharedArrayBuffer;
  hNext: SharedArrayBuffer;
  cNext: SharedArrayBuffer;
  error: SharedArrayBuffer;
}

/** What the shard worker receives as workerData. */
export interface ShardWorkerData {
  spec: Omit<ShardSpec, 'ranges'>;
  range: { first: number; count: number };
  params: SharedArrayBuffer;
  buffers: ShardBuffers;
}

export function allocateShard(parameterCount: number, states: number, lstm: boolean): ShardBuffers {
  const f64 = (n: number): SharedArrayBuffer => new SharedArrayBuffer(n * 8);
  return {
    control: new SharedArrayBuffer(4 * 4),
    io: f64(16),
    grads: f64(parameterCount),
    h: f64(states),
    c: f64(lstm ? states : 0),
    hNext: f64(states),
    cNext: f64(lstm ? states : 0),
    error: new SharedArrayBuffer(ERROR_BYTES),
  };
}

/** The name of a web shard's Web Worker: the web worker's script serves a shard under it, a training worker otherwise. */
export const SHARD_WORKER_NAME = 'sequence-lab-shard';
/** What a web shard posts once it serves (shardLoop.ts's onReady). */
export const SHARD_READY = 'sequence-lab-shard-ready';
