// How the host talks to one worker, whatever runs it: a `node:worker_threads` Worker on the desktop
// (nodeWorkerTransport.ts), a Web Worker in VS Code for the Web (issue 17). The worker client (workerClient.ts) owns
// the request ids, timeouts, crash and dispose, and sees only this interface, so it imports nothing of Node.
//
// A transport is started by a function given the sink its worker's messages, errors and exit go to. In a browser:
//   (sink) => { const w = new Worker(url); w.onmessage = (e) => sink.message(e.data);
//               w.onerror = (e) => { e.preventDefault(); sink.error(new Error(e.message)); };
//               return { post: (m, transfer) => w.postMessage(m, transfer ?? []), terminate: async () => w.terminate() }; }
// (a Web Worker has no exit event: it never calls sink.exit, and its crash arrives as an error).

/** Where one worker's traffic goes. Each call may come at any time after the start function returned. */
export interface WorkerSink<Out> {
  /** A message the worker posted (structured-cloned; not yet checked by anyone). */
  message(message: Out): void;
  /** The worker threw an uncaught error, or failed to start. */
  error(error: Error): void;
  /** The worker ended (Node only). Any exit the client did not ask for is a crash. */
  exit(code: number): void;
}

/** One running worker, as the client holds it. */
export interface WorkerTransport<In> {
  /** Posts a message; `transfer` lists buffers whose ownership moves to the worker (they are detached here). */
  post(message: In, transfer?: readonly ArrayBuffer[]): void;
  /** Ends the worker. No exit or error reported after this call is a crash: the client ignores them. */
  terminate(): Promise<void>;
}

/** Starts a worker whose traffic goes to `sink`. Called by the client on first use and after a crash. */
export type StartWorker<In, Out> = (sink: WorkerSink<Out>) => WorkerTransport<In>;

/** What a feature asks of the engine worker it starts (the same bundle on both platforms). */
export interface EngineWorkerOptions {
  /** The worker's name in a debugger's thread list. */
  name: string;
  /** The worker's settings (workerData on the desktop, a first message on the web); structured-cloned. */
  workerData?: unknown;
  /** A heap limit of its own (the desktop only: a browser gives a Web Worker none to set). */
  heapMb?: number;
}

/**
 * The platform's engine worker, as each feature starts it: dist/worker.js in a worker thread on the desktop
 * (nodeEngineWorkers), dist/web/worker.js in a Web Worker on the web (webEngineWorkers). Features take this, so a
 * feature module never imports either transport and the web bundle holds nothing of Node.
 */
export interface EngineWorkers {
  start<In, Out>(options: EngineWorkerOptions): StartWorker<In, Out>;
  /** Whether a SharedArrayBuffer can be made and given to a worker (Node; a cross-origin-isolated page). */
  readonly sharedMemory: boolean;
}
