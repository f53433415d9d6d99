// Which engine worker this extension host starts, chosen once by its entry: the desktop's (extension.ts: a worker
// thread on dist/worker.js) or the web's (extensionWeb.ts: a Web Worker on dist/web/worker.js). Features ask here,
// so no feature module imports a transport and each bundle holds only its own platform's.
import type { EngineWorkers } from './workerTransport';

let chosen: EngineWorkers | undefined;

/** Called by the entry at activation, before any feature starts a worker. */
export function useEngineWorkers(workers: EngineWorkers): void {
  chosen = workers;
}

export function engineWorkers(): EngineWorkers {
  if (!chosen) throw new Error('Sequence Lab: no engine worker was chosen for this platform (the entry must call useEngineWorkers).');
  return chosen;
}
