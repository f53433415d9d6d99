// The Gradient Lab's host side (src/panels/gradientLabPanel.ts) when its panel is closed while the worker computes:
// the answer (or the failure) arriving afterwards must not throw out of the panel — in VS Code, touching a disposed
// panel's webview throws, and a rejection nobody handles is reported as an extension error. The test runs the real
// panel class against a minimal stand-in for the `vscode` module whose disposed webview throws like VS Code's.
import assert from 'node:assert/strict';
import Module from 'node:module';
import { after, before, test } from 'node:test';
import { AnalysisError } from '../../src/hmm/analysisWorker';
import type { GradientLabAnswer } from '../../src/shared/workerProtocol';
import { gradientLab } from '../../src/worker/gradientLab';

type Listener = (value: unknown) => void;

/** A webview panel whose `webview` throws once disposed, as VS Code's does. */
class FakePanel {
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

const panels: FakePanel[] = [];
const fakeVscode = {
  ViewColumn: { Beside: -2 },
  Uri: { joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/'), toString: () => [base.path, ...parts].join('/') }) },
  window: {
    createWebviewPanel: () => {
      const panel = new FakePanel();
      panels.push(panel);
      return panel;
    },
    showErrorMessage: async () => undefined,
  },
  l10n: { t: (text: string, ...args: unknown[]) => text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) },
};

type Resolver = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> };
const realResolve = moduleInternals._resolveFilename;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

before(() => {
  moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : realResolve.call(this, request, ...rest);
  };
  moduleInternals._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
  process.on('unhandledRejection', onUnhandled);
});

after(() => {
  moduleInternals._resolveFilename = realResolve;
  delete moduleInternals._cache.vscode;
  process.off('unhandledRejection', onUnhandled);
});

/** A worker whose computations the test finishes by hand, counting how many it was asked for. */
function handWorker() {
  const calls: { resolve(a: GradientLabAnswer): void; reject(e: Error): void }[] = [];
  return {
    calls,
    gradientLab: () => new Promise<GradientLabAnswer>((resolve, reject) => calls.push({ resolve, reject })),
  };
}

const settings = { spectralRadius: 0.9, steps: 20, hiddenSize: 8, seed: 1, forgetBias: 0 };

/** Lets the promise callbacks and the unhandled-rejection check run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('closing the lab while the worker computes: the late failure, and the request waiting behind it, go nowhere', async () => {
  const { GradientLabPanel } = await import('../../src/panels/gradientLabPanel');
  const worker = handWorker();
  GradientLabPanel.show({ path: '/ext' } as never, worker as never, { text: 'abcabc', label: 'letters' });
  const panel = panels.at(-1)!;
  panel.fromPage({ type: 'compute', requestId: 1, ...settings });
  panel.fromPage({ type: 'compute', requestId: 2, ...settings, seed: 2 }); // waits behind request 1
  assert.equal(worker.calls.length, 1);
  panel.dispose(); // the user closes the tab
  worker.calls[0].reject(new AnalysisError('the worker stopped'));
  await settle();
  assert.deepEqual(unhandled, [], 'a rejection escaped the closed panel');
  assert.equal(worker.calls.length, 1, 'the closed panel still asked the worker for the waiting request');
  assert.deepEqual(panel.posted, []);
});

test('closing the lab while the worker computes: the late answer is dropped without an error', async () => {
  const { GradientLabPanel } = await import('../../src/panels/gradientLabPanel');
  const worker = handWorker();
  GradientLabPanel.show({ path: '/ext' } as never, worker as never, { text: 'abcabc', label: 'letters' });
  const panel = panels.at(-1)!;
  panel.fromPage({ type: 'compute', requestId: 1, ...settings });
  panel.dispose();
  worker.calls[0].resolve(gradientLab({ type: 'gradientLab', requestId: 'a1', text: 'abcabcabcabc', ...settings }));
  await settle();
  assert.deepEqual(unhandled, []);
  assert.deepEqual(panel.posted, []);
});
