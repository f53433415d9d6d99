// The Gradient Lab's host side (src/panels/gradientLabPanel.ts) when its panel is closed while the worker computes:
// the answer (or the failure) arriving afterwards must not throw out of the panel — in VS Code, touching a disposed
// panel's webview throws, and a rejection nobody handles is reported as an extension error. The test runs the real
// panel class against a minimal stand-in for the `vscode` module whose disposed webview throws like VS Code's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AnalysisError } from '../../src/hmm/analysisWorker';
import type { GradientLabAnswer } from '../../src/shared/protocol/analysisWorker';
import { gradientLab } from '../../src/worker/gradientLab';
import { FakeWebviewPanel as FakePanel, installFakeVscode, l10nFormat, uninstallFakeVscode } from './fakeVscode';


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
  l10n: { t: l10nFormat },
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

before(() => {
  installFakeVscode(fakeVscode);
  process.on('unhandledRejection', onUnhandled);
});

after(() => {
  uninstallFakeVscode();
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
