// The web's worker transport (VS Code for the Web, issue 17): a Web Worker running the browser bundle of the engine
// worker (dist/web/worker.js), for the worker client (workerClient.ts). No Node here: this file is in the web bundle.
// VS Code's web extension host runs in a Web Worker itself and starts nested workers from an extension's URL.
import { WORKER_SETTINGS, type WorkerSettingsMessage } from '../shared/webWorkerStart';
import type { EngineWorkers, StartWorker } from './workerTransport';

/** The parts of a browser's Worker used here (the project's types are Node's, not the DOM's). */
interface BrowserWorker {
  onmessage: ((event: { data: unknown }) => void) | null;
  onmessageerror: ((event: unknown) => void) | null;
  onerror: ((event: { message?: string; preventDefault(): void }) => void) | null;
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  terminate(): void;
}
type BrowserWorkerConstructor = new (url: string, options?: { name?: string }) => BrowserWorker;

/** Whether this JavaScript realm can start Web Workers. */
export function canStartWebWorkers(): boolean {
  return typeof (globalThis as { Worker?: unknown }).Worker === 'function';
}

/**
 * Starts `url` in a Web Worker each time the client asks; `workerData` goes first, as the settings message the web
 * entry reads before serving. A Web Worker has no exit event: a crash arrives as an error (the client then ends it).
 */
export function webWorker<In, Out>(url: string, options: { name?: string; workerData?: unknown } = {}): StartWorker<In, Out> {
  return (sink) => {
    const WorkerClass = (globalThis as unknown as { Worker: BrowserWorkerConstructor }).Worker;
    const worker = new WorkerClass(url, { name: options.name });
    worker.onmessage = (event) => sink.message(event.data as Out);
    // A script that fails to load or throws at the top level gives an error event with no message.
    worker.onerror = (event) => {
      event.preventDefault();
      sink.error(new Error(event.message || `the worker script ${url} failed to load or threw`));
    };
    worker.onmessageerror = () => sink.error(new Error('a message from the worker could not be read'));
    const settings: WorkerSettingsMessage = { type: WORKER_SETTINGS, workerData: options.workerData ?? {} };
    worker.postMessage(settings);
    return {
      post: (message, transfer) => worker.postMessage(message, transfer ?? []),
      terminate: async () => worker.terminate(),
    };
  };
}

/**
 * The web's engine worker: `url` (the extension's dist/web/worker.js) in a Web Worker per start. A heap limit cannot
 * be set on the web (heapMb is ignored); shared memory only where the page is cross-origin isolated.
 */
export function webEngineWorkers(url: string): EngineWorkers {
  return {
    start: ({ name, workerData }) => webWorker(url, { name, workerData }),
    sharedMemory: typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
}
