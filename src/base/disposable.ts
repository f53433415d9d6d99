// The host's ground floor: one Disposable base (in the spirit of vscode-hexeditor's). A class that owns listeners,
// workers, panels or timers registers each with `_register` and releases all of them, newest first, in `dispose()`.
// It imports nothing (not even `vscode`), so the worker client and the web build can use it too.

/** Anything with a `dispose()`: a vscode.Disposable, a worker client, a panel. */
export interface IDisposable {
  dispose(): void;
}

/** Releases every item, newest first; one item's throw does not keep the others alive (the first error is rethrown). */
export function disposeAll(items: IDisposable[]): void {
  let first: unknown;
  let failed = false;
  while (items.length > 0) {
    const item = items.pop()!;
    try {
      item.dispose();
    } catch (error) {
      if (!failed) first = error;
      failed = true;
    }
  }
  if (failed) throw first;
}

/** A disposable made of a function (for timers, callbacks and the like). */
export function toDisposable(release: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      release();
    },
  };
}

export abstract class Disposable implements IDisposable {
  private readonly _store: IDisposable[] = [];
  private _isDisposed = false;

  /** True once `dispose()` has run: late callbacks (a worker's answer, a timer) check it before touching anything. */
  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Owns `value` from now on: disposed with this object, or at once if this object is already disposed. */
  protected _register<T extends IDisposable>(value: T): T {
    if (this._isDisposed) value.dispose();
    else this._store.push(value);
    return value;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    disposeAll(this._store);
  }
}

/**
 * Disposables that are released together and then replaced (the listeners of a view's current page): `clear()`
 * releases them and keeps the store usable; `dispose()` releases them for good.
 */
export class DisposableStore implements IDisposable {
  private readonly items: IDisposable[] = [];
  private disposed = false;

  add<T extends IDisposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.items.push(value);
    return value;
  }

  clear(): void {
    disposeAll(this.items);
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }
}
