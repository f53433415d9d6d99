// Entry of the training worker in VS Code for the Web: a Web Worker (dist/web/worker.js) started by the host's web
// transport (src/base/webWorkerTransport.ts). The message loop is the desktop's (workerMain.ts); only the port, the
// settings (a first message instead of workerData) and setImmediate differ.
// On a cross-origin isolated page, a run of several streams trains data-parallel: this same script, started again
// as a nested worker named SHARD_WORKER_NAME, serves one shard (src/parallel/shardLoop.ts) through shared memory.
// Elsewhere runs train on this one thread, and the Training panel says why (parallelThreads.ts).
import { SHARD_READY, SHARD_WORKER_NAME, type ShardWorkerData } from '../parallel/shardLayout';
import { serveShard } from '../parallel/shardLoop';
import { canShareMemory, webShards } from '../parallel/webShards';
import { isWorkerSettingsMessage } from '../shared/webWorkerStart';
import type { TrainingWorkerData } from '../shared/stepInterrupt';
import { useParallelThreads } from './parallelThreads';
import { serveWorker } from './workerMain';

/** The parts of a DedicatedWorkerGlobalScope used here (the project's types are Node's, not the DOM's). */
interface WorkerScope {
  readonly name: string;
  readonly location: { readonly href: string };
  readonly navigator: { readonly hardwareConcurrency?: number };
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

// The worker's loops yield to incoming messages with setImmediate (Node). A browser has none: a MessageChannel's
// message is a task queued behind those already waiting (a host's stop or pause among them), without the 4 ms
// clamp nested setTimeout(0) gets, so a slice of training yields as fast here as on the desktop.
const globals = globalThis as { setImmediate?: (callback: () => void) => unknown };
if (typeof globals.setImmediate !== 'function') {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  // onmessage (not addEventListener) starts the port in a browser.
  (channel.port1 as unknown as { onmessage: () => void }).onmessage = () => queue.shift()?.();
  globals.setImmediate = (callback: () => void) => {
    queue.push(callback);
    channel.port2.postMessage(null);
    return undefined;
  };
}

const port = {
  postMessage: (message: unknown, transfer?: ArrayBuffer[]) => scope.postMessage(message, transfer ?? []),
  onMessage: (listener: (message: unknown) => void) => scope.addEventListener('message', (event) => listener(event.data)),
};

/** A shard's thread: its first message is its ShardWorkerData; it serves until its coordinator stops it. */
function serveAsShard(): void {
  const first = (event: { data: unknown }): void => {
    scope.removeEventListener('message', first);
    serveShard(event.data as ShardWorkerData, () => scope.postMessage(SHARD_READY));
  };
  scope.addEventListener('message', first);
}

/** The training worker: threads from this script where memory can be shared, else one thread (and the reason). */
function serveAsTrainingWorker(): void {
  const cores = Math.max(1, Math.floor(scope.navigator.hardwareConcurrency ?? 1));
  // One core: one thread whatever the page, and nothing to explain.
  useParallelThreads(canShareMemory() ? () => webShards(scope.location.href, cores) : undefined, cores > 1 ? 'no-shared-memory' : undefined);
  scope.addEventListener('message', first);
}

// The first message is the settings (the web transport posts it before anything else); a worker started by anyone
// else serves with the defaults and handles that first message as a request.
const first = (event: { data: unknown }): void => {
  scope.removeEventListener('message', first);
  const settings = isWorkerSettingsMessage(event.data) ? event.data.workerData : undefined;
  let replay: ((message: unknown) => void) | undefined;
  serveWorker(
    { postMessage: port.postMessage, onMessage: (listener) => { replay = listener; port.onMessage(listener); } },
    (typeof settings === 'object' && settings !== null ? settings : {}) as TrainingWorkerData,
  );
  if (!isWorkerSettingsMessage(event.data)) replay?.(event.data);
};

if (scope.name === SHARD_WORKER_NAME) serveAsShard();
else serveAsTrainingWorker();
