// How a Web Worker gets its settings (VS Code for the Web, issue 17). A worker_threads Worker receives workerData at
// its start; a Web Worker has none, so the host's web transport posts this message first, before any request, and
// the web worker entry (src/worker/webWorker.ts) reads it before it serves anything.

export const WORKER_SETTINGS = 'sequenceLab.workerSettings';

export interface WorkerSettingsMessage {
  type: typeof WORKER_SETTINGS;
  /** What a Node worker would get as workerData (structured-cloned). */
  workerData: unknown;
}

export function isWorkerSettingsMessage(value: unknown): value is WorkerSettingsMessage {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === WORKER_SETTINGS;
}
