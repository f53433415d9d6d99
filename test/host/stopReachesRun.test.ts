// "Stop" must end a training run whichever way it is asked for (issue: a run kept training after Stop in the e2e
// tests on a loaded machine). The real host objects — TrainingService, its TrainingWorker with the shared interrupt
// counter, the Training panel's controller and its message validation, the NaN/Inf fix offer — drive the real
// bundled worker; only the `vscode` module and the webview page are stand-ins. The page's side is the panel's own
// TrainingModel fed with what the host posted, so the Stop it sends carries the run id the real page would send.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { HostToTrainingPanel } from '../../src/shared/protocol/trainingPanel';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { RunRecord, TrainingService as TrainingServiceType } from '../../src/training/trainingService';
import { TrainingModel } from '../../webview/training/trainingModel';
import { FakeEventEmitter, installFakeVscode, l10nFormat, uninstallFakeVscode } from './fakeVscode';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

// The worker bundled as the build does, where TrainingWorker looks for it (<extension>/dist/worker.js).
const extensionPath = mkdtempSync(join(tmpdir(), 'seqlab-stop-'));
mkdirSync(join(extensionPath, 'dist'));
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: join(extensionPath, 'dist', 'worker.js'), logLevel: 'silent' });

interface FakePanel {
  posted: HostToTrainingPanel[];
  receive(message: unknown): void;
  close(): void;
}
const panels: FakePanel[] = [];
/** What the NaN/Inf warning's buttons answer, in order (the fix offer awaits showWarningMessage). */
const warningAnswers: string[] = [];
const warnings: string[] = [];

const uri = (path: string) => ({ path, fsPath: path, toString: () => `file://${path}` });
const fakeVscode = {
  EventEmitter: FakeEventEmitter,
  l10n: { t: l10nFormat },
  Uri: { joinPath: (base: { path: string }, ...parts: string[]) => uri([base.path, ...parts].join('/')), file: uri },
  ViewColumn: { Beside: -2 },
  Disposable: { from: (...d: { dispose(): void }[]) => ({ dispose: () => d.forEach((x) => x.dispose()) }) },
  workspace: { getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }) },
  commands: { registerCommand: () => ({ dispose() {} }), executeCommand: async () => undefined },
  window: {
    showInformationMessage: async () => undefined,
    showErrorMessage: async () => undefined,
    showWarningMessage: async (message: string) => {
      warnings.push(message);
      return warningAnswers.shift();
    },
    createWebviewPanel: () => {
      const received = new FakeEventEmitter<unknown>();
      const disposed = new FakeEventEmitter<void>();
      let open = true;
      const fake: FakePanel = {
        posted: [],
        receive: (m) => received.fire(m),
        close: () => {
          if (!open) return;
          open = false;
          disposed.fire();
        },
      };
      panels.push(fake);
      return {
        title: '',
        iconPath: undefined,
        reveal: () => undefined,
        dispose: () => fake.close(),
        onDidDispose: disposed.event,
        webview: {
          options: {},
          html: '',
          cspSource: 'vscode-resource:',
          asWebviewUri: (u: unknown) => u,
          onDidReceiveMessage: received.event,
          postMessage: async (m: HostToTrainingPanel) => {
            if (open) fake.posted.push(m);
            return open;
          },
        },
      };
    },
  },
};

let TrainingService: typeof import('../../src/training/trainingService').TrainingService;
let TrainingPanel: typeof import('../../src/panels/trainingPanel').TrainingPanel;
let registerTrainingLifecycle: typeof import('../../src/commands/trainingLifecycle').registerTrainingLifecycle;
let service: TrainingServiceType;
const extensionUri = uri(extensionPath);

before(async () => {
  installFakeVscode(fakeVscode);
  ({ TrainingService } = await import('../../src/training/trainingService'));
  ({ TrainingPanel } = await import('../../src/panels/trainingPanel'));
  ({ registerTrainingLifecycle } = await import('../../src/commands/trainingLifecycle'));
  service = new TrainingService(nodeEngineWorkers(join(extensionPath, 'dist', 'worker.js')));
  registerTrainingLifecycle(service);
});
after(() => {
  service?.dispose();
  uninstallFakeVscode();
});

/** The page of a panel: the webview's own model fed with every message the host posted to it so far. */
function page(panel: FakePanel): TrainingModel {
  const model = new TrainingModel();
  for (const m of panel.posted) {
    if (m.type === 'showRun') model.showRun(m.run, m.history, m.storedRunId, m.heldOut);
    else if (m.type === 'status') model.updateRun(m.run);
    else if (m.type === 'progress') model.appendSteps(m);
  }
  return model;
}

/** A click on the page's Stop button: what webview/training/main.ts sends (only while the page says the run is active). */
function clickStop(panel: FakePanel): void {
  const model = page(panel);
  assert.ok(model.run && model.isActive, `the page shows an active run: ${JSON.stringify(model.run?.status)}`);
  panel.receive({ type: 'stop', runId: model.run.id });
}

/** Resolves when `check` holds (polled as the worker's messages arrive); fails with `what` after 60 s. */
async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Asserts the run ended as stopped and trains no more: its step count stays where the worker said it stopped. */
async function assertStopped(run: RunRecord, what: string): Promise<void> {
  await until(`${what}: the run stopped`, () => run.info.status !== 'training' && run.info.status !== 'paused' && run.info.status !== 'starting');
  assert.equal(run.info.status, 'stopped', `${what}: ${run.info.message ?? ''}`);
  const steps = run.history.steps;
  assert.match(run.info.message ?? '', new RegExp(`^Stopped at step ${steps}\\.$`), `${what}: every step trained was reported`);
  // The worker's model has not moved since: a sample asked for now says at which step the model is (the worker
  // answers in order, after any progress a still-running loop would have posted by then).
  const samples: number[] = [];
  const subscription = service.onDidSample(({ run: r, sample }) => {
    if (r === run) samples.push(sample.step);
  });
  await new Promise((resolve) => setTimeout(resolve, 300)); // long enough for a loop still running to post progress
  service.resample(run.info.id, 0.8);
  await until(`${what}: the sample answer`, () => samples.length > 0);
  subscription.dispose();
  assert.equal(samples[0], steps, `${what}: the model is at the step it stopped at`);
  assert.equal(run.history.steps, steps, `${what}: no step reported after the stop`);
}

const verse = readFileSync('examples/verse.txt', 'utf8');
const small: TrainingConfig = { ...DEFAULT_CONFIG, hiddenSize: 16, steps: 10_000_000, checkpointEvery: 20 };

test('the Stop button of a Training panel closed and reopened from the status bar stops the run', async () => {
  const run = service.start(verse, 'verse.txt', small);
  TrainingPanel.show(extensionUri as never, service, run);
  await until('the run trained 100 steps', () => run.history.steps >= 100);
  // View: Close All Editors, then a click on the status-bar item (sequenceLab.showTrainingPanel: no run given).
  panels.at(-1)!.close();
  TrainingPanel.show(extensionUri as never, service);
  const reopened = panels.at(-1)!;
  reopened.receive({ type: 'ready' });
  await until('the reopened page shows progress', () => reopened.posted.some((m) => m.type === 'progress'));
  assert.equal(page(reopened).run?.status, 'training');
  clickStop(reopened);
  await assertStopped(run, 'reopened panel');
  await until('the page says stopped', () => page(reopened).run?.status === 'stopped');
});

test('a run paused by NaN/Inf, fixed with Enable clipping and Halve learning rate (each resuming it), is stopped by the panel', async () => {
  // A ReLU RNN with W_hh at spectral radius 1.5, SGD at learning rate 1, no clipping: it overflows at once, and the
  // last good state overflows again after each fix (the e2e's "boom" run).
  const boom: TrainingConfig = {
    ...small, nonlinearity: 'relu', init: 'identity', spectralRadius: 1.5, optimizer: 'sgd', learningRate: 1, clip: 0, seqLength: 64, hiddenSize: 32,
  } as TrainingConfig;
  warningAnswers.push('Enable clipping (5)', 'Halve learning rate');
  const run = service.start(verse, 'boom.txt', boom);
  TrainingPanel.show(extensionUri as never, service, run);
  await until('three NaN/Inf warnings (the fault, and again after each fix)', () => warnings.length >= 3 && run.info.status === 'paused');
  assert.equal(run.info.config.clip, 5);
  assert.equal(run.info.config.learningRate, 0.5);
  panels.at(-1)!.close();
  TrainingPanel.show(extensionUri as never, service);
  const reopened = panels.at(-1)!;
  reopened.receive({ type: 'ready' });
  clickStop(reopened);
  await assertStopped(run, 'paused on a fault after two fixes');
});

test('after a run was paused, faulted, reconfigured and resumed, the next run still pauses and stops within a slice', async () => {
  const first = service.start(verse, 'verse.txt', small);
  await until('the first run trains', () => first.history.steps >= 50);
  assert.ok(service.pause(first.info.id));
  await until('paused', () => first.info.status === 'paused');
  assert.deepEqual(service.reconfigure(first.info.id, { learningRate: 0.001, clip: 1 }), []);
  assert.ok(service.resume(first.info.id));
  await until('resumed and training on', () => first.info.status === 'training' && first.history.steps > 60);
  // sequenceLab.stopTraining: every active run.
  for (const r of service.list()) if (r.info.status === 'training' || r.info.status === 'paused') service.stop(r.info.id);
  await assertStopped(first, 'palette stop after pause/reconfigure/resume');

  const second = service.start(verse, 'verse.txt', small);
  TrainingPanel.show(extensionUri as never, service, second);
  await until('the second run trains', () => second.history.steps >= 50);
  assert.ok(service.pause(second.info.id));
  await until('the second run pauses', () => second.info.status === 'paused');
  const pausedAt = second.history.steps;
  assert.ok(service.resume(second.info.id));
  await until('the second run trains past its pause', () => second.history.steps > pausedAt + 20);
  clickStop(panels.at(-1)!);
  await assertStopped(second, 'the next run');
});
