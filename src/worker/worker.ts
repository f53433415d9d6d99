// Entry of the training worker on the desktop: a worker_threads Worker started by the host (dist/worker.js), its
// settings in workerData. The message loop itself is platform-neutral (workerMain.ts); webWorker.ts is the web's entry.
import { parentPort, workerData } from 'node:worker_threads';
import { WorkerShards } from '../parallel/workerShards';
import type { TrainingWorkerData } from '../shared/stepInterrupt';
import { useParallelThreads } from './parallelThreads';
import { serveWorker } from './workerMain';

const port = parentPort;
if (!port) throw new Error('worker.ts must run inside a worker thread');
// A run of several streams uses the machine's cores (os.availableParallelism(), this thread included): the shard
// threads run dist/shardWorker.js, next to this bundle.
useParallelThreads(() => new WorkerShards());
serveWorker(
  { postMessage: (message, transfer) => port.postMessage(message, transfer), onMessage: (listener) => port.on('message', listener) },
  (workerData ?? {}) as TrainingWorkerData,
);
