// ParallelShards on a web page (VS Code for the Web, issue 17): AtomicShards with one nested Web Worker per remote
// shard, started from the training worker's own script (dist/web/worker.js, which serves a shard when its worker is
// named SHARD_WORKER_NAME). Only where the page is cross-origin isolated: SharedArrayBuffer, and posting one to a
// worker, need it. No Node here: this file is in the web worker's bundle.
import { AtomicShards } from './atomicShards';
import { SHARD_READY, SHARD_WORKER_NAME } from './shardLayout';

/** The parts of a browser's Worker used here (the project's types are Node's, not the DOM's). */
interface BrowserWorker {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string; preventDefault(): void }) => void) | null;
  onmessageerror: ((event: unknown) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}
type BrowserWorkerConstructor = new (url: string, options?: { name?: string }) => BrowserWorker;

/** Whether this realm can share memory with workers it starts: SharedArrayBuffer on a cross-origin isolated page. */
export function canShareMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown };
  return g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function' && typeof g.Worker === 'function';
}

/** Shards whose threads run `script` (a URL this worker may start: its own) in nested Web Workers. */
export function webShards(script: string, threads: number): AtomicShards {
  return new AtomicShards({
    threads,
    script,
    launch: (data) => {
      const WorkerClass = (globalThis as unknown as { Worker: BrowserWorkerConstructor }).Worker;
      let worker: BrowserWorker;
      try {
        worker = new WorkerClass(script, { name: SHARD_WORKER_NAME });
      } catch (error) {
        // Refused at once (a content security policy, a SecurityError): the trainer's wait for its threads says why.
        const refused = Promise.reject(error instanceof Error ? error : new Error(String(error)));
        refused.catch(() => undefined);
        return { started: refused, terminate: () => undefined };
      }
      // The shard says it serves once READY is set; a script that fails to load or throws is an error event.
      const started = new Promise<void>((resolve, reject) => {
        worker.onmessage = (event) => {
          if (event.data === SHARD_READY) resolve();
        };
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new Error(event.message || 'a shard worker failed to load or threw'));
        };
        worker.onmessageerror = () => reject(new Error('a shard worker could not read its data'));
      });
      started.catch(() => undefined); // awaited by the trainer; a trainer ended first never asks
      worker.postMessage(data);
      return { started, terminate: () => worker.terminate() };
    },
  });
}
