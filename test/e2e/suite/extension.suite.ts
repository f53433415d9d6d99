// Extension host tests: the real extension, loaded from source into code-server's Node extension host, driven
// through the `vscode` API. Registered on Mocha's bdd globals by ./index.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunInfo } from '../../../src/shared/run';

const EXTENSION_ID = 'sequence-lab.sequence-lab';
const COMMANDS = ['sequenceLab.trainCharModel', 'sequenceLab.trainModel', 'sequenceLab.stopTraining', 'sequenceLab.showTrainingPanel'];

interface SequenceLabApi {
  listRuns(): RunInfo[];
  shownModelPickStep(): number | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs` with `what` in the message. */
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Some text to train on: a .txt file of the opened workspace (examples/), else an untitled document. */
async function openTrainingDocument(): Promise<vscode.TextDocument> {
  const [file] = await vscode.workspace.findFiles('**/*.txt', '**/node_modules/**', 1);
  const doc = file
    ? await vscode.workspace.openTextDocument(file)
    : await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'to be or not to be, that is the question\n'.repeat(200) });
  await vscode.window.showTextDocument(doc);
  return doc;
}

describe('Sequence Lab in the extension host', function () {
  let api: SequenceLabApi;
  const training = () => vscode.workspace.getConfiguration('sequenceLab.training');
  let maxSteps: unknown;

  before(async function () {
    // Train until stopped: the default 2000 steps can finish within a second on a small file, before the stop.
    // Global = the user settings of this (scratch) profile, never the repository's examples/.vscode.
    maxSteps = training().inspect('maxSteps')?.globalValue;
    await training().update('maxSteps', 10_000_000, vscode.ConfigurationTarget.Global);
  });

  after(async function () {
    await training().update('maxSteps', maxSteps, vscode.ConfigurationTarget.Global);
    // Leave no worker running behind the test run.
    if (api?.listRuns().some((r) => r.status === 'training' || r.status === 'starting')) {
      await vscode.commands.executeCommand('sequenceLab.stopTraining');
    }
  });

  it(`activates ${EXTENSION_ID} and returns its test API`, async function () {
    const extension = vscode.extensions.getExtension<SequenceLabApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    assert.ok(extension.isActive, 'extension did not activate');
    assert.equal(typeof api?.listRuns, 'function', 'activate() must return an API with listRuns()');
    assert.ok(Array.isArray(api.listRuns()));
  });

  it('registers its commands', async function () {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const command of COMMANDS) assert.ok(all.has(command), `command ${command} is not registered`);
  });

  it('trains on the active document and stops when asked', async function () {
    this.timeout(90_000);
    assert.ok(api, 'the activation test must run first');
    const before = new Set(api.listRuns().map((r) => r.id));
    await openTrainingDocument();
    await vscode.commands.executeCommand('sequenceLab.trainCharModel');

    const run = await waitFor('a new run with status "training"', () => {
      const runs = api.listRuns().filter((r) => !before.has(r.id));
      const failed = runs.find((r) => r.status === 'failed');
      if (failed) throw new Error(`the run failed: ${failed.message ?? '(no message)'}`);
      return runs.find((r) => r.status === 'training');
    }, 60_000);

    const asked = Date.now();
    await vscode.commands.executeCommand('sequenceLab.stopTraining');
    const status = () => api.listRuns().find((r) => r.id === run.id)?.status;
    // How fast it stops is the bench's business (a timed assertion fails on a loaded machine); that it stops is ours.
    await waitFor(`run ${run.id} to be "stopped" (now "${status()}")`, () => (status() === 'stopped' ? true : undefined), 30_000, 10);
    console.log(`      stopped ${Date.now() - asked} ms after sequenceLab.stopTraining`);
  });

  it('trains the model chosen in sequenceLab.training.model (an LSTM) and labels the run with it', async function () {
    this.timeout(90_000);
    assert.ok(api, 'the activation test must run first');
    const previous = training().inspect('model')?.globalValue;
    await training().update('model', 'lstm', vscode.ConfigurationTarget.Global);
    try {
      const before = new Set(api.listRuns().map((r) => r.id));
      await openTrainingDocument();
      await vscode.commands.executeCommand('sequenceLab.trainCharModel');
      const run = await waitFor('a new LSTM run with status "training"', () => {
        const runs = api.listRuns().filter((r) => !before.has(r.id));
        const failed = runs.find((r) => r.status === 'failed');
        if (failed) throw new Error(`the run failed: ${failed.message ?? '(no message)'}`);
        return runs.find((r) => r.status === 'training');
      }, 60_000);
      assert.equal(run.config.cell, 'lstm');
      assert.match(run.modelLabel, /^char LSTM · /, `modelLabel ${JSON.stringify(run.modelLabel)}`);
      assert.doesNotMatch(run.modelLabel, /RNN|tanh/);

      await vscode.commands.executeCommand('sequenceLab.stopTraining');
      const status = () => api.listRuns().find((r) => r.id === run.id)?.status;
      await waitFor(`run ${run.id} to be "stopped" (now "${status()}")`, () => (status() === 'stopped' ? true : undefined), 30_000, 10);
      console.log(`      trained and stopped: ${run.modelLabel}`);
    } finally {
      await training().update('model', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('"Train Model on Active File…" asks for the model, hidden size and layers, prefilled from the settings', async function () {
    this.timeout(90_000);
    assert.ok(api, 'the activation test must run first');
    const previous = training().inspect('model')?.globalValue;
    await training().update('model', 'gru', vscode.ConfigurationTarget.Global);
    try {
      const before = new Set(api.listRuns().map((r) => r.id));
      await openTrainingDocument();
      // Not awaited: the command waits for the three quick picks.
      const command = Promise.resolve(vscode.commands.executeCommand('sequenceLab.trainModel'));
      const accept = async (step: number, moves: number) => {
        // Each pick opens after the previous one closes: answer it once the extension says it is on screen.
        await waitFor(`the model pick's step ${step} on screen (now ${api.shownModelPickStep()})`, () => (api.shownModelPickStep() === step ? true : undefined), 30_000);
        for (let i = 0; i < moves; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      };
      await accept(1, 0); // the model setting (GRU) is preselected
      await accept(2, 1); // the hidden size after the setting's 64: 128
      await accept(3, 1); // the layers after the setting's 1: 2
      await Promise.race([command, sleep(5000)]);
      const run = await waitFor('a new run with status "training"', () => {
        const runs = api.listRuns().filter((r) => !before.has(r.id));
        const failed = runs.find((r) => r.status === 'failed');
        if (failed) throw new Error(`the run failed: ${failed.message ?? '(no message)'}`);
        return runs.find((r) => r.status === 'training');
      }, 60_000);
      assert.equal(run.modelLabel, 'char GRU · 2 layers · H=128');
      assert.deepEqual([run.config.cell, run.config.hiddenSize, run.config.layers], ['gru', 128, 2]);
      await vscode.commands.executeCommand('sequenceLab.stopTraining');
      const status = () => api.listRuns().find((r) => r.id === run.id)?.status;
      await waitFor(`run ${run.id} to be "stopped" (now "${status()}")`, () => (status() === 'stopped' ? true : undefined), 30_000, 10);
      console.log(`      picked and trained: ${run.modelLabel}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await training().update('model', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('refuses an empty untitled document with an error and starts no training', async function () {
    this.timeout(30_000);
    assert.ok(api, 'the activation test must run first');
    const before = new Set(api.listRuns().map((r) => r.id));
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: '' });
    await vscode.window.showTextDocument(doc);

    // The test shares the extension's `vscode` API object (same extension folder), so it can watch its errors.
    const errors: string[] = [];
    const original = vscode.window.showErrorMessage;
    const spy = (message: string, ...rest: unknown[]) => {
      errors.push(message);
      return (original as (...args: unknown[]) => Thenable<unknown>)(message, ...rest);
    };
    (vscode.window as { showErrorMessage: unknown }).showErrorMessage = spy;
    const runs = () => JSON.stringify(api.listRuns().map((r) => `${r.id} ${r.fileLabel}: ${r.status}`));
    try {
      // Not awaited: the command may legitimately wait for the error message to be dismissed.
      const command = Promise.resolve(vscode.commands.executeCommand('sequenceLab.trainCharModel'))
        .catch((err: Error) => { errors.push(`(command threw) ${err.message}`); });
      await waitFor('an error message about the empty document', () => (errors.length > 0 ? true : undefined), 30_000)
        .catch((err: Error) => { throw new Error(`${err.message}; runs: ${runs()}`); });
      await Promise.race([command, sleep(1000)]); // and give a wrongly started run time to show up
    } finally {
      (vscode.window as { showErrorMessage: unknown }).showErrorMessage = original;
      await Promise.race([vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'), sleep(5000)]);
    }
    const started = api.listRuns().filter((r) => !before.has(r.id) && (r.status === 'training' || r.status === 'starting'));
    assert.deepEqual(started.map((r) => `${r.id}: ${r.status}`), [], 'an empty document must not start training');
    console.log(`      error shown: ${JSON.stringify(errors[0])}`);
  });

  it('writes an example through "Sequence Lab: New Example…" and opens its data file', async function () {
    this.timeout(30_000);
    // The command's test seam (src/examples/exampleArgs.ts): { example, folder } skip the quick pick and replace the
    // workspace folder, so the repository's examples/ workspace stays untouched.
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'seqlab-new-example-'));
    try {
      const written = (await vscode.commands.executeCommand('sequenceLab.newExample', {
        example: 'parity',
        folder: vscode.Uri.file(dir),
      })) as vscode.Uri[] | undefined;
      const expected = vscode.Uri.file(join(dir, 'sequence-lab-examples', 'parity.tagged.txt'));
      const experiment = vscode.Uri.file(join(dir, 'sequence-lab-examples', 'parity-gru.seqlab.json'));
      assert.deepEqual(written?.map((u) => u.fsPath), [expected.fsPath, experiment.fsPath]);
      const stat = await vscode.workspace.fs.stat(expected);
      assert.ok(stat.size > 0, 'the data file has content');
      const editor = await waitFor('the data file in the active editor', () =>
        vscode.window.activeTextEditor?.document.uri.fsPath === expected.fsPath ? vscode.window.activeTextEditor : undefined, 30_000);
      assert.match(editor.document.lineAt(0).text, /^[01]\t[01]$/);
      console.log(`      wrote and opened ${expected.fsPath}`);
    } finally {
      await Promise.race([vscode.commands.executeCommand('workbench.action.closeActiveEditor'), sleep(5000)]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trains an experiment file New Example wrote and records the file\'s SHA-256 on the run', async function () {
    this.timeout(30_000);
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'seqlab-experiment-'));
    try {
      if (api.listRuns().some((r) => r.status === 'training' || r.status === 'starting')) await vscode.commands.executeCommand('sequenceLab.stopTraining');
      await waitFor('no active run', () => (api.listRuns().some((r) => r.status === 'training' || r.status === 'starting') ? undefined : true), 30_000);
      await vscode.commands.executeCommand('sequenceLab.newExample', { example: 'reber', folder: vscode.Uri.file(dir) });
      const experiment = vscode.Uri.file(join(dir, 'sequence-lab-examples', 'reber-lstm.seqlab.json'));
      const runId = (await vscode.commands.executeCommand('sequenceLab.trainExperiment', experiment)) as string | undefined;
      assert.ok(runId, 'a run was started');
      const run = api.listRuns().find((r) => r.id === runId);
      const sha256 = createHash('sha256').update(readFileSync(experiment.fsPath)).digest('hex');
      assert.equal(run?.experiment?.sha256, sha256);
      assert.match(run?.experiment?.label ?? '', /reber-lstm\.seqlab\.json$/);
      assert.equal(run?.fileLabel, 'embedded-reber.txt');
      assert.deepEqual([run?.config.cell, run?.config.hiddenSize, run?.config.seqLength, run?.config.learningRate, run?.config.steps], ['lstm', 32, 50, 0.01, 3000]);
      await vscode.commands.executeCommand('sequenceLab.stopTraining');
      console.log(`      ${run?.modelLabel} on ${run?.fileLabel}, experiment ${run?.experiment?.label} ${sha256.slice(0, 12)}…`);
    } finally {
      await Promise.race([vscode.commands.executeCommand('workbench.action.closeAllEditors'), sleep(5000)]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
