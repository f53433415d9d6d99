// One remote shard's loop, whatever thread runs it: a worker_threads Worker on the desktop and in the CLI
// (shardWorker.ts) or a Web Worker nested in the web's training worker (src/worker/webWorker.ts, on a cross-origin
// isolated page). It runs one StreamShard of every streamed update of a SequenceTrainer whose coordinator
// (AtomicShards) hands it jobs through shared memory (see shardLayout.ts), and never returns: the thread blocks in
// Atomics.wait between jobs and leaves the loop when the coordinator writes JOB = −1.
import { RecurrentStack } from '../engine/recurrentStack';
import { StreamShard } from '../engine/streamShard';
import { DONE, ERROR_BYTES, IO_IN, IO_OUT, JOB, READY, STATUS, type ShardWorkerData } from './shardLayout';

/** Serves `data`'s shard until told to stop; `onReady` runs once the shard can take jobs (READY is then 1). */
export function serveShard({ spec, range, params, buffers }: ShardWorkerData, onReady?: () => void): void {
  const control = new Int32Array(buffers.control);
  const io = new Float64Array(buffers.io);
  const shared = new Float64Array(params);
  const h = new Float64Array(buffers.h);
  const c = spec.lstm ? new Float64Array(buffers.c) : null;
  const hNext = new Float64Array(buffers.hNext);
  const cNext = spec.lstm ? new Float64Array(buffers.cNext) : null;
  const model = new RecurrentStack(spec.model);
  // The gradient is computed in private memory and copied out once per update.
  const grads = new Float64Array(model.parameterCount);
  const sharedGrads = new Float64Array(buffers.grads);
  const shard = new StreamShard(model, spec.data, range.first, range.count, spec.segmentLength, spec.maxSteps, grads, spec.dtype);

  const runJob = (): void => {
    model.params.set(shared);
    const win = {
      statePosition: io[IO_IN], w: io[IO_IN + 1], T: io[IO_IN + 2], lossFrom: io[IO_IN + 3], keep: io[IO_IN + 4], weight: io[IO_IN + 5],
    };
    const r = shard.run(win, h, c, hNext, cNext);
    sharedGrads.set(grads);
    const f = r.fault;
    io[IO_OUT] = r.loss;
    io[IO_OUT + 1] = f === null ? 0 : f.where === 'hidden' ? 1 : 2;
    io[IO_OUT + 2] = f?.where === 'hidden' ? f.layer : 0;
    io[IO_OUT + 3] = f ? f.t : 0;
    io[IO_OUT + 4] = f ? f.stream : 0;
    io[IO_OUT + 5] = f ? f.value : 0;
  };

  Atomics.store(control, READY, 1);
  Atomics.notify(control, READY);
  onReady?.();
  let seen = 0;
  for (;;) {
    Atomics.wait(control, JOB, seen);
    const job = Atomics.load(control, JOB);
    if (job < 0) break;
    if (job === seen) continue;
    seen = job;
    try {
      runJob();
      Atomics.store(control, STATUS, 0);
    } catch (e) {
      const bytes = new TextEncoder().encode(e instanceof Error ? e.message : String(e)).subarray(0, ERROR_BYTES - 1);
      const out = new Uint8Array(buffers.error);
      out.fill(0);
      out.set(bytes);
      Atomics.store(control, STATUS, 1);
    }
    Atomics.store(control, DONE, job);
    Atomics.notify(control, DONE);
  }
}
