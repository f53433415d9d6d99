// A recording stand-in for the `vscode` module, for activating the web bundle (dist/web/extension.js) in a browser
// page: commands, views and messages are recorded; every other API is a stub that accepts any use (property, call,
// `new`) and returns another stub, so activation meets no missing API but only the real bundle's own code.

export interface WebActivation {
  commands: Map<string, (...args: unknown[]) => unknown>;
  views: string[];
  messages: string[];
}

function stub(): unknown {
  const target = function () {
    return undefined;
  };
  // What the code set on it (a status bar item's text, a panel's html…) reads back.
  const set = new Map<string | symbol, unknown>();
  return new Proxy(target, {
    get: (t, key) => (set.has(key) ? set.get(key) : typeof key === 'symbol' || key === 'then' ? undefined : key === 'prototype' ? t.prototype : stub()),
    set: (_t, key, value) => (set.set(key, value), true),
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

/** A prototype whose every (string-keyed) member is a stub. */
const STUBS = new Proxy({}, { get: (_t, key) => (typeof key === 'symbol' || key === 'then' ? undefined : stub()) });

/**
 * `real`'s own members, and a stub for anything else (through its prototype, so a bundle's ESM interop, which copies
 * a module's own members onto an object with the module's prototype, keeps both).
 */
function partly<T extends object>(real: T): T {
  return Object.setPrototypeOf(real, STUBS) as T;
}

const disposable = () => ({ dispose: () => undefined });

class EventEmitter<T> {
  private readonly listeners: ((value: T) => void)[] = [];
  readonly event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return disposable();
  };
  fire(value: T): void {
    for (const l of this.listeners) l(value);
  }
  dispose(): void {
    this.listeners.length = 0;
  }
}

class Uri {
  constructor(readonly scheme: string, readonly authority: string, readonly path: string) {}
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, base.authority, [base.path.replace(/\/$/, ''), ...parts].join('/'));
  }
  static parse(text: string): Uri {
    const url = new URL(text);
    return new Uri(url.protocol.slice(0, -1), url.host, url.pathname);
  }
  with(change: { path?: string }): Uri {
    return new Uri(this.scheme, this.authority, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}`;
  }
}

export function fakeWebVscode(): { vscode: object; activation: WebActivation } {
  const activation: WebActivation = { commands: new Map(), views: [], messages: [] };
  const show = (message: string) => {
    activation.messages.push(message);
    return Promise.resolve(undefined);
  };
  const vscode = partly({
    EventEmitter,
    Uri,
    Disposable: class FakeDisposable {
      static from(..._all: unknown[]): { dispose(): void } {
        return disposable();
      }
      constructor(readonly dispose: () => void) {}
    },
    TreeItem: class {
      command: unknown;
      constructor(readonly label: string) {}
    },
    l10n: { t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) },
    commands: partly({
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        if (activation.commands.has(id)) throw new Error(`command '${id}' already exists`);
        activation.commands.set(id, handler);
        return disposable();
      },
      executeCommand: () => Promise.resolve(undefined),
    }),
    window: partly({
      registerTreeDataProvider: (id: string) => (activation.views.push(id), disposable()),
      createTreeView: (id: string) => {
        activation.views.push(id);
        const view = stub() as { selection: unknown[] };
        view.selection = []; // nothing selected in the view
        return view;
      },
      registerWebviewViewProvider: (id: string) => (activation.views.push(id), disposable()),
      showInformationMessage: show,
      showWarningMessage: show,
      showErrorMessage: show,
      // No editor is open.
      activeTextEditor: undefined,
    }),
    workspace: partly({
      getConfiguration: () => ({ get: (_key: string, fallback?: unknown) => fallback }),
      textDocuments: [],
      workspaceFolders: undefined,
      // The extension's storage is empty: no stored runs to load (the web's run store, src/training/webRunStore.ts).
      fs: partly({ readDirectory: () => Promise.reject(Object.assign(new Error('FileNotFound'), { code: 'FileNotFound' })) }),
    }),
  });
  return { vscode, activation };
}

/** The extension context the web entry reads. */
export function fakeContext(extensionUrl: string): object {
  const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] };
  return partly({
    subscriptions: [], extensionUri: Uri.parse(extensionUrl), workspaceState: memento, globalState: memento,
    // No workspace: the extension's global storage holds its stored runs.
    storageUri: undefined, globalStorageUri: Uri.parse(`${extensionUrl}/global-storage`),
  });
}

/** Runs a registered command's handler (as the palette would) and returns the messages it showed, joined. */
export async function said(activation: WebActivation, command: string): Promise<string> {
  const before = activation.messages.length;
  const handler = activation.commands.get(command);
  if (!handler) return `(no command ${command})`;
  await handler();
  return activation.messages.slice(before).join(' | ');
}
