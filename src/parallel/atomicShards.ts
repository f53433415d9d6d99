// ParallelShards on threads that share memory: one thread per remote shard, coordinated through SharedArrayBuffers
// and Atomics.wait / notify, so SequenceTrainer.step() stays synchronous (Atomics.wait is allowed in Node's threads
// and in a browser's workers, not on a page's main thread). Per update: the parameters and the shards' work states
// are copied into shared memory, every thread computes its shard's gradient with the same parameters, and finish()
// adds the gradients in shard order, so the result is the same bit for bit whatever the timing, and whatever starts
// the threads: worker_threads on the desktop and in the CLI (workerShards.ts), nested Web Workers on a cross-origin
// isolated web page (webShards.ts). Both run the same loop (shardLoop.ts).
import { throwIfAborted, type AbortCheck } from '../engine/stepAbort';
import { MIN_STREAMS_PER_SHARD, type ParallelShards, type ShardResult, type ShardSpec, type ShardWindow } from '../engine/streamShard';
import { allocateShard, DONE, IO_IN, IO_OUT, JOB, READY, STATUS, type ShardBuffers, type ShardWorkerData } from './shardLayout';

const START_TIMEOUT_MS = 60_000;

/** A started shard thread, as its launcher gives it. */
export interface ShardThread {
  /**
   * Settles once the thread is serving (or could not start). A launcher whose threads start while the coordinator's
   * thread blocks in Atomics.wait (Node) may omit it; a browser's nested worker needs its creator's event loop to
   * start, so the trainer awaits it (SequenceTrainer.threadsReady) before its first update.
   */
  started?: Promise<void>;
  terminate(): void;
}

/** Starts the thread of one remote shard, serving `data` with shardLoop.ts's serveShard. */
export type LaunchShard = (data: ShardWorkerData) => ShardThread;

export interface AtomicShardsOptions {
  /** Threads in all, the trainer's own included. */
  threads: number;
  launch: LaunchShard;
  /** Names the shard threads' script in an error message. */
  script: string;
  /** Streams per shard below which no thread is used (default MIN_STREAMS_PER_SHARD: one stream per thread is not worth the copies). */
  minStreamsPerShard?: number;
}

interface Remote {
  thread: ShardThread;
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

export class AtomicShards implements ParallelShards {
  private readonly threads: number;
  private readonly launch: LaunchShard;
  private readonly script: string;
  private readonly minStreams: number;
  private remotes: Remote[] = [];
  private params: Float64Array | null = null;
  private job = 0;
  private pending = false;
  private disposed = false;
  /** The trainer's abort check, as its last finish() gave it: a wait for the shards gives way to a stop or pause. */
  private abort: AbortCheck | null = null;

  constructor(options: AtomicShardsOptions) {
    this.threads = Math.max(1, Math.floor(options.threads));
    this.launch = options.launch;
    this.script = options.script;
    this.minStreams = Math.max(1, options.minStreamsPerShard ?? MIN_STREAMS_PER_SHARD);
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
      let thread: ShardThread;
      try {
        thread = this.launch({ spec: common, range, params: shared, buffers });
      } catch (error) {
        this.dispose(); // the threads started before this one end with it
        throw error;
      }
      this.remotes.push({
        thread, range, buffers,
        control: new Int32Array(buffers.control), io: new Float64Array(buffers.io), grads: new Float64Array(buffers.grads),
        h: new Float64Array(buffers.h), c: new Float64Array(buffers.c), hNext: new Float64Array(buffers.hNext), cNext: new Float64Array(buffers.cNext),
        ready: false,
      });
    }
  }

  async ready(): Promise<void> {
    await Promise.all(this.remotes.map((r) => r.thread.started));
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
      // A shard's thread that died mid-job (out of memory) never answers, and its error event cannot arrive while this
      // thread waits: once a second the trainer's abort check may end the wait (a stop or pause from the host), the
      // update abandoned as any other (StepAbortedError), so that the run can stop and end its threads.
      for (;;) {
        const done = Atomics.load(r.control, DONE);
        if (done === this.job) break;
        if (Atomics.wait(r.control, DONE, done, 1000) === 'timed-out') throwIfAborted(this.abort);
      }
    }
    this.pending = false;
  }

  finish(gradient: Float64Array, hNext: Float64Array, cNext: Float64Array | null, abort?: AbortCheck | null): ShardResult[] {
    this.abort = abort ?? null;
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
      r.thread.terminate();
    }
    this.remotes = [];
  }
}
