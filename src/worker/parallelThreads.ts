// Data-parallel training threads for the worker's runs. The desktop's entry (worker.ts) gives serveWorker a factory
// that starts worker_threads (src/parallel/workerShards.ts). The web's entry (webWorker.ts) gives one that starts
// nested Web Workers (src/parallel/webShards.ts) where the page is cross-origin isolated, and none elsewhere: a Web
// Worker outside such a page has no SharedArrayBuffer, and there every run trains on the worker's one thread.
// The trainer asks the factory's shards how many to use: a batch of B streams runs on min(threads, ⌊B/2⌋) threads
// (one stream per thread is not worth the copies), so the default batch of 1 stays on one thread. The gradients of
// the shards are added in shard order: a run on the same number of threads is the same bit for bit.
import type { ParallelShards } from '../engine/streamShard';
import type { OneThreadReason } from '../shared/run';

/** Makes the shards one trainer uses (a trainer owns them and ends them with dispose()). */
export type ParallelFactory = () => ParallelShards;

let factory: ParallelFactory | undefined;
/** Why there is no factory, in the Training panel's terms (undefined: the entry gave one). */
let missing: OneThreadReason | undefined;

/**
 * Set once by the worker's entry; undefined leaves every run on one thread, for `reason` if one is given (the
 * Training panel shows it beside a run that would have used more threads).
 */
export function useParallelThreads(make: ParallelFactory | undefined, reason?: OneThreadReason): void {
  factory = make;
  missing = make ? undefined : reason;
}

/** The shards made while releasedOnThrow runs (undefined outside it). */
let made: ParallelShards[] | undefined;

/** Shards for a new trainer, or undefined (no factory: one thread). */
export function parallelShards(): ParallelShards | undefined {
  const shards = factory?.();
  if (shards) made?.push(shards);
  return shards;
}

/**
 * Builds a model with `build`; if it throws after its trainer started threads (a checkpoint that does not fit, say),
 * those threads are ended before the error goes on: no model holds them any more.
 */
export function releasedOnThrow<T>(build: () => T): T {
  const outer = made;
  const mine: ParallelShards[] = [];
  made = mine;
  try {
    return build();
  } catch (error) {
    for (const shards of mine) shards.dispose();
    throw error;
  } finally {
    made = outer;
  }
}

/** Why runs that could use several threads use one here, or undefined when they use the factory's. */
export function oneThreadReason(): OneThreadReason | undefined {
  return missing;
}

/**
 * A trainer's threads did not start (a browser refused the nested workers): the run fails saying why, and the runs
 * after it in this worker train on one thread.
 */
export function parallelThreadsFailed(): void {
  useParallelThreads(undefined, 'threads-did-not-start');
}
