// ParallelShards on worker_threads: one worker per remote shard, coordinated through SharedArrayBuffers and
// Atomics.wait / notify, so SequenceTrainer.step() stays synchronous (Atomics.wait is allowed on Node's main thread
// and in workers). Per update: the parameters and the shards' work states are copied into shared memory, every
// worker computes its shard's gradient with the same parameters, and finish() adds the gradients in shard order,
// so the result is the same bit for bit whatever the timing.
// It serves the extension's training worker (a run of batch ≥ 4 on a machine of several cores), `sequence-lab train
// --threads` and the bench: its own layer, which the worker and the CLI may import and which imports only the engine
// and shared/.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParallelShards, ShardResult, ShardSpec, ShardWindow } from '../engine/streamShard';
import { allocateShard, DONE, IO_IN, IO_OUT, JOB, READY, STATUS, type ShardBuffers, type ShardWorkerData } from './shardLayout';

const START_TIMEOUT_MS = 60_000;

interface Remote {
  worker: Worker;
  range: { first: number; count: number };
  buffers: ShardBuffers;
  control: Int32Array;
  io: Float64Array;
  grads: Float64Array;
  h: Float64Array;
  c: Float64Array;
  hNext: Float64Array;
  cNext: Float64Array;
  ready: boolean;
}

export interface WorkerShardsOptions {
  /** Threads in all, the trainer's own included (default: os.availableParallelism()). */
  threads?: number;
  /** The worker script: dist/shardWorker.js next to the bundle by default (shardWorker.ts when run through tsx). */
  script?: string;
  /** Streams per shard below which no worker is used (default 2: one stream per thread is not worth the copies). */
  minStreamsPerShard?: number;
}

/** The default worker script: the bundle's dist/shardWorker.js, or this folder's .ts source under tsx. */
function defaultScript(): string {
  return __filename.endsWith('.ts') ? join(__dirname, 'shardWorker.ts') : join(__dirname, 'shardWorker.js');
}

function startWorker(script: string, data: ShardWorkerData): Worker {
  const options = { workerData: data, name: 'sequence-lab-shard' };
  if (!script.endsWith('.ts')) return new Worker(script, options);
  // Sources (tests, bench): load tsx's require hook inside the worker first.
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(script)});`, { ...options, eval: true });
}

export class WorkerShards implements ParallelShards {
  private readonly threads: number;
  private readonly script: string;
  private readonly minStreams: number;
  private remotes: Remote[] = [];
  private params: Float64Array | null = null;
  private job = 0;
  private pending = false;
  private disposed = false;

  constructor(options: WorkerShardsOptions = {}) {
    this.threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    this.script = options.script ?? defaultScript();
    this.minStreams = Math.max(1, options.minStreamsPerShard ?? 2);
  }

  shardCount(B: number): number {
    return Math.max(1, Math.min(this.threads, Math.floor(B / this.minStreams)));
  }

  attach(spec: ShardSpec): void {
    if (this.remotes.length > 0) throw new Error('These worker shards already serve a trainer.');
    const { ranges, ...common } = spec;
    const P = spec.parameterCount;
    const shared = new SharedArrayBuffer(P * 8);
    this.params = new Float64Array(shared);
    for (const range of ranges) {
      const buffers = allocateShard(P, range.count * spec.stateSize, spec.lstm);
      const worker = startWorker(this.script, { spec: common, range, params: shared, buffers });
      worker.unref();
      this.remotes.push({
        worker, range, buffers,
        control: new Int32Array(buffers.control), io: new Float64Array(buffers.io), grads: new Float64Array(buffers.grads),
        h: new Float64Array(buffers.h), c: new Float64Array(buffers.c), hNext: new Float64Array(buffers.hNext), cNext: new Float64Array(buffers.cNext),
        ready: false,
      });
    }
  }

  start(params: Float64Array, win: ShardWindow, h: Float64Array, c: Float64Array | null): void {
    // Without its threads an update would run only the coordinator's shard: half a gradient, silently.
    if (this.disposed) throw new Error('These worker shards were ended (dispose): their trainer cannot take another step.');
    if (this.pending) this.waitAll(); // a previous update threw in the coordinator's own shard
    this.params!.set(params);
    this.job++;
    for (const r of this.remotes) {
      const n = r.range.count;
      const s = r.h.length / n;
      r.h.set(h.subarray(r.range.first * s, (r.range.first + n) * s));
      if (c) r.c.set(c.subarray(r.range.first * s, (r.range.first + n) * s));
      r.io.set([win.statePosition, win.w, win.T, win.lossFrom, win.keep, win.weight], IO_IN);
      Atomics.store(r.control, JOB, this.job);
      Atomics.notify(r.control, JOB);
    }
    this.pending = true;
  }

  private waitAll(): void {
    for (const r of this.remotes) {
      if (!r.ready) {
        const deadline = Date.now() + START_TIMEOUT_MS;
        while (Atomics.load(r.control, READY) !== 1) {
          if (Date.now() > deadline) throw new Error(`The parallel training worker (${this.script}) did not start within ${START_TIMEOUT_MS / 1000} s.`);
          Atomics.wait(r.control, READY, 0, 100);
        }
        r.ready = true;
      }
      for (;;) {
        const done = Atomics.load(r.control, DONE);
        if (done === this.job) break;
        Atomics.wait(r.control, DONE, done, 1000);
      }
    }
    this.pending = false;
  }

  finish(gradient: Float64Array, hNext: Float64Array, cNext: Float64Array | null): ShardResult[] {
    this.waitAll();
    const results: ShardResult[] = [];
    for (const r of this.remotes) {
      if (Atomics.load(r.control, STATUS) !== 0) {
        const bytes = new Uint8Array(r.buffers.error);
        const end = bytes.indexOf(0);
        throw new Error(`Parallel training worker failed: ${new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end))}`);
      }
      const g = r.grads;
      for (let i = 0; i < gradient.length; i++) gradient[i] += g[i];
      const s = r.hNext.length / r.range.count;
      hNext.set(r.hNext, r.range.first * s);
      if (cNext) cNext.set(r.cNext, r.range.first * s);
      const io = r.io;
      const kind = io[IO_OUT + 1];
      results.push({
        loss: io[IO_OUT],
        fault: kind === 0 ? null
          : kind === 1 ? { where: 'hidden', layer: io[IO_OUT + 2], t: io[IO_OUT + 3], stream: io[IO_OUT + 4], value: io[IO_OUT + 5] }
            : { where: 'output', t: io[IO_OUT + 3], stream: io[IO_OUT + 4], value: io[IO_OUT + 5] },
      });
    }
    return results;
  }

  dispose(): void {
    this.disposed = true;
    for (const r of this.remotes) {
      Atomics.store(r.control, JOB, -1);
      Atomics.notify(r.control, JOB);
      void r.worker.terminate();
    }
    this.remotes = [];
  }
}
