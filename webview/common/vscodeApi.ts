// The webview side of the VS Code API: `acquireVsCodeApi()` may be called only once per page, so every panel goes
// through this module. Messages from the host are routed with the project's one dispatcher.
import { createDispatcher, isTagged, type HandlerMap, type Tagged } from '../../src/shared/messages';
import { installImageExport } from './exportImage';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

function vscode(): VsCodeApi {
  if (!api) {
    api = acquireVsCodeApi();
    // Every panel answers "Export as PNG…/SVG…" (exportImage.ts): installed with the API, so no panel has to ask.
    installImageExport((m) => api?.postMessage(m));
  }
  return api;
}

/** Sends one message to the extension host. */
export function post<M extends Tagged>(message: M): void {
  vscode().postMessage(message);
}

/** The state saved with `setState` before the page was last reloaded (hidden, moved or window reloaded). */
export function getState<T>(): T | undefined {
  return (vscode().getState() ?? undefined) as T | undefined;
}

/** Saves plain JSON-able data that VS Code keeps across reloads of this webview. */
export function setState<T>(state: T): void {
  vscode().setState(state);
}

/**
 * Routes every message from the host to its handler. Messages without a string `type`, or of a type with no
 * handler, go to `onUnknown`. Returns a function that stops listening.
 */
export function onMessage<M extends Tagged>(
  handlers: HandlerMap<M>,
  onUnknown: (message: unknown) => void = (m) => console.warn('[sequence-lab] unexpected message', m),
): () => void {
  const dispatch = createDispatcher<M>(handlers, onUnknown);
  const listener = (event: MessageEvent<unknown>): void => {
    if (!isTagged(event.data)) {
      onUnknown(event.data);
      return;
    }
    if (event.data.type === 'exportImage') return; // answered by exportImage.ts, not by the panel
    void dispatch(event.data as M);
  };
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}
