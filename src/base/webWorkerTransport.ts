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
 * `url` may still be on its way (a Blob URL being made from the script's bytes): messages posted meanwhile wait, in
 * order, and go to the worker once it exists; a URL that cannot be made is the worker's error.
 */
export function webWorker<In, Out>(url: string | (() => Promise<string>), options: { name?: string; workerData?: unknown } = {}): StartWorker<In, Out> {
  return (sink) => {
    let worker: BrowserWorker | undefined;
    let waiting: [unknown, readonly ArrayBuffer[]][] | undefined;
    let ended = false;
    const settings: WorkerSettingsMessage = { type: WORKER_SETTINGS, workerData: options.workerData ?? {} };
    const create = (scriptUrl: string): void => {
      const WorkerClass = (globalThis as unknown as { Worker: BrowserWorkerConstructor }).Worker;
      const created = new WorkerClass(scriptUrl, { name: options.name });
      created.onmessage = (event) => sink.message(event.data as Out);
      // A script that fails to load or throws at the top level gives an error event with no message.
      created.onerror = (event) => {
        event.preventDefault();
        sink.error(new Error(event.message || `the worker script ${typeof url === 'string' ? url : 'of the extension'} failed to load or threw`));
      };
      created.onmessageerror = () => sink.error(new Error('a message from the worker could not be read'));
      created.postMessage(settings);
      worker = created;
    };
    if (typeof url === 'string') {
      create(url);
    } else {
      waiting = [];
      url().then(
        (scriptUrl) => {
          if (ended) return;
          try {
            create(scriptUrl);
          } catch (error) {
            sink.error(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          for (const [message, transfer] of waiting ?? []) worker?.postMessage(message, transfer);
          waiting = undefined;
        },
        (error: unknown) => {
          if (!ended) sink.error(new Error(`the worker script could not be read: ${error instanceof Error ? error.message : String(error)}`));
        },
      );
    }
    return {
      post: (message, transfer) => {
        if (worker) worker.postMessage(message, transfer ?? []);
        else waiting?.push([message, transfer ?? []]);
      },
      terminate: async () => {
        ended = true;
        waiting = undefined;
        worker?.terminate();
      },
    };
  };
}

/**
 * The web's engine worker: `url` (the extension's dist/web/worker.js, or how to make a URL of it) in a Web Worker per
 * start. A heap limit cannot
 * be set on the web (heapMb is ignored); shared memory only where the page is cross-origin isolated.
 */
export function webEngineWorkers(url: string | (() => Promise<string>)): EngineWorkers {
  return {
    start: ({ name, workerData }) => webWorker(url, { name, workerData }),
    sharedMemory: typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
}
