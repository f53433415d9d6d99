// The desktop's worker transport: a `node:worker_threads` Worker running a bundled script (dist/worker.js), for the
// worker client (workerClient.ts). The web build starts a Web Worker instead (see workerTransport.ts).
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { EngineWorkers, StartWorker, WorkerTransport } from './workerTransport';

/** A worker thread as the client holds it; its resource limits are readable (tests check the analysis worker's heap). */
export interface NodeWorkerTransport<In> extends WorkerTransport<In> {
  readonly resourceLimits: Worker['resourceLimits'];
}

/** Starts `script` in a worker thread with `options` (name, workerData, resourceLimits) each time the client asks. */
export function nodeWorker<In, Out>(script: string, options: WorkerOptions = {}): StartWorker<In, Out> {
  return (sink): NodeWorkerTransport<In> => {
    const worker = new Worker(script, options);
    worker.on('message', (message: Out) => sink.message(message));
    // Node passes what the worker threw, which need not be an Error.
    worker.on('error', (error: unknown) => sink.error(error instanceof Error ? error : new Error(String(error))));
    worker.on('exit', (code) => sink.exit(code));
    return {
      post: (message, transfer) => worker.postMessage(message, transfer as ArrayBuffer[] | undefined),
      terminate: async () => {
        await worker.terminate();
      },
      get resourceLimits() {
        return worker.resourceLimits;
      },
    };
  };
}

/** The desktop's engine worker: `script` (the extension's dist/worker.js) in a worker thread per start. */
export function nodeEngineWorkers(script: string): EngineWorkers {
  return {
    start: ({ name, workerData, heapMb }) => nodeWorker(script, {
      name,
      ...(workerData === undefined ? {} : { workerData }),
      ...(heapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: heapMb } }),
    }),
    sharedMemory: true,
  };
}
