// ParallelShards on worker_threads (AtomicShards, with one worker thread per remote shard running
// dist/shardWorker.js). It serves the extension's training worker on the desktop (a run of batch ≥ 4 on a machine of
// several cores), `sequence-lab train --threads` and the bench: its own layer, which the worker and the CLI may import
// and which imports only the engine and shared/.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AtomicShards } from './atomicShards';
import { SHARD_WORKER_NAME, type ShardWorkerData } from './shardLayout';

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
  const options = { workerData: data, name: SHARD_WORKER_NAME };
  if (!script.endsWith('.ts')) return new Worker(script, options);
  // Sources (tests, bench): load tsx's require hook inside the worker first.
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(script)});`, { ...options, eval: true });
}

export class WorkerShards extends AtomicShards {
  constructor(options: WorkerShardsOptions = {}) {
    const script = options.script ?? defaultScript();
    super({
      threads: options.threads ?? availableParallelism(),
      script,
      minStreamsPerShard: options.minStreamsPerShard,
      // A worker thread starts while the coordinator blocks in Atomics.wait: no `started` to await.
      launch: (data) => {
        const worker = startWorker(script, data);
        worker.unref();
        return { terminate: () => void worker.terminate() };
      },
    });
  }
}
