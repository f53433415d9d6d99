// Data-parallel training threads for the worker's runs. The desktop's entry (worker.ts) gives serveWorker a factory
// that starts worker_threads (src/parallel/workerShards.ts); the web's entry gives none (a Web Worker outside a
// cross-origin-isolated page has no SharedArrayBuffer), and there every run trains on the worker's one thread.
// The trainer asks the factory's shards how many to use: a batch of B streams runs on min(threads, ⌊B/2⌋) threads
// (one stream per thread is not worth the copies), so the default batch of 1 stays on one thread. The gradients of
// the shards are added in shard order: a run on the same number of threads is the same bit for bit.
import type { ParallelShards } from '../engine/streamShard';

/** Makes the shards one trainer uses (a trainer owns them and ends them with dispose()). */
export type ParallelFactory = () => ParallelShards;

let factory: ParallelFactory | undefined;

/** Set once by the worker's entry; undefined leaves every run on one thread. */
export function useParallelThreads(make: ParallelFactory | undefined): void {
  factory = make;
}

/** Shards for a new trainer, or undefined (no factory: one thread). */
export function parallelShards(): ParallelShards | undefined {
  return factory?.();
}
