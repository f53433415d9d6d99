// Host code run in Node against a small stand-in for the `vscode` module (each test builds the parts its code
// touches). installFakeVscode makes `import * as vscode from 'vscode'` in code imported afterwards resolve to it.
import Module from 'node:module';

type Resolver = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> };
const realResolve = moduleInternals._resolveFilename;

/** Serves `fake` as the `vscode` module until uninstallFakeVscode. */
export function installFakeVscode(fake: object): void {
  moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : realResolve.call(this, request, ...rest);
  };
  moduleInternals._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake };
}

export function uninstallFakeVscode(): void {
  moduleInternals._resolveFilename = realResolve;
  delete moduleInternals._cache.vscode;
}

/** vscode.EventEmitter as far as the host code uses it: listeners called in order, synchronously. */
export class FakeEventEmitter<T> {
  private readonly listeners: ((value: T) => void)[] = [];
  readonly event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => undefined };
  };
  fire(value: T): void {
    for (const l of this.listeners) l(value);
  }
  dispose(): void {}
}

/** vscode.l10n.t without a bundle: {0}, {1}… replaced by the arguments. */
export function l10nFormat(text: string, ...args: unknown[]): string {
  return text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
}

export type Listener = (value: unknown) => void;

/** A webview panel whose `webview` throws once disposed, as VS Code's does. */
export class FakeWebviewPanel {
  disposed = false;
  readonly posted: unknown[] = [];
  readonly received: Listener[] = [];
  private readonly disposeListeners: Listener[] = [];
  title = '';
  iconPath: unknown;
  private readonly view = {
    options: {},
    html: '',
    cspSource: 'vscode-resource:',
    asWebviewUri: (uri: unknown) => uri,
    postMessage: async (message: unknown) => {
      this.posted.push(message);
      return true;
    },
    onDidReceiveMessage: (listener: Listener) => {
      this.received.push(listener);
      return { dispose: () => undefined };
    },
  };

  get webview(): typeof this.view {
    if (this.disposed) throw new Error('Webview is disposed');
    return this.view;
  }

  onDidDispose(listener: Listener): { dispose(): void } {
    this.disposeListeners.push(listener);
    return { dispose: () => undefined };
  }

  reveal(): void {}

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.disposeListeners.splice(0)) l(undefined);
  }

  /** The page sends a message (what VS Code does with webview.postMessage from the page). */
  fromPage(message: unknown): void {
    for (const l of this.received) l(message);
  }
}
