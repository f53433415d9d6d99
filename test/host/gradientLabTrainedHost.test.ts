// The Gradient Lab's host side in the trained-weights mode (src/panels/gradientLabPanel.ts), run against a stand-in
// for the `vscode` module and a run store on a temp folder: what it lists (and the message naming what to train when
// nothing fits), how it checks a request's run ids (unknown ids, runs of different files), that a run record cannot
// make it read a file outside the workspace, and that a good request reaches the worker with both checkpoints and
// the start of the runs' file, the answer going back with the runs' names.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { StoredRun } from '../../src/training/runStore';
import type { TrainedGradientLabAnswer } from '../../src/shared/protocol/analysisWorker';
import { FakeWebviewPanel as FakePanel, installFakeVscode, l10nFormat, uninstallFakeVscode } from './fakeVscode';

const root = mkdtempSync(path.join(tmpdir(), 'seqlab-lab-host-'));
const workspace = path.join(root, 'workspace');
mkdirSync(workspace);
const inside = path.join(workspace, 'embedded-reber.txt');
writeFileSync(inside, 'BTBTSSXXTVVETE\nBPBPVVEPE\n'.repeat(20));
const outside = path.join(root, 'secret.txt');
writeFileSync(outside, 'not for the lab');
// A symlink inside the workspace that leads out of it.
const link = path.join(workspace, 'link.txt');
symlinkSync(outside, link);

const uri = (p: string) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}` });
const fakeVscode = {
  ViewColumn: { Beside: -2 },
  FileType: { File: 1, Directory: 2 },
  Uri: {
    joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/'), toString: () => [base.path, ...parts].join('/') }),
    parse: (s: string) => uri(s.replace(/^file:\/\//, '')),
  },
  window: {
    showErrorMessage: async () => undefined,
  },
  workspace: {
    textDocuments: [],
    workspaceFolders: [{ uri: uri(workspace) }],
    getWorkspaceFolder: (u: { fsPath: string }) => (u.fsPath.startsWith(`${workspace}${path.sep}`) ? { uri: uri(workspace) } : undefined),
    getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }),
    fs: {
      stat: async (u: { fsPath: string }) => ({ type: 1, size: readFileSync(u.fsPath).length }),
      readFile: async (u: { fsPath: string }) => new Uint8Array(readFileSync(u.fsPath)),
    },
  },
  l10n: { t: l10nFormat },
};

before(async () => {
  installFakeVscode(fakeVscode);
  // As the desktop entry does at activation: local files are judged after resolving symlinks (dataPathGuard.ts).
  const { useLocalDataPaths } = await import('../../src/base/dataFileAccess');
  const { judgeDataPath, judgedFile, stillJudgedFile } = await import('../../src/base/dataPathGuard');
  useLocalDataPaths({ judgeDataPath, judgedFile, stillJudgedFile });
});
after(() => {
  uninstallFakeVscode();
  rmSync(root, { recursive: true, force: true });
});

function run(id: string, cell: 'rnn' | 'lstm', dataPath: string, sha = 'ab'.repeat(32)): StoredRun {
  return {
    version: 1, id, dataUri: `file://${dataPath}`, dataLabel: path.basename(dataPath), dataSha256: sha, modelLabel: `char ${cell.toUpperCase()} · H=32`,
    config: { seqLength: 50, hiddenSize: 32, learningRate: 0.01, steps: 200, seed: 42, cell: cell, layers: 1, optimizer: 'adam', clip: 5, temperature: 1, sampleEvery: 100, sampleLength: 100 },
    status: 'completed', step: 200, checkpointStep: 200, createdAt: '2026-12-05T13:00:00.000Z', updatedAt: '2026-12-05T13:01:00.000Z', metricsStride: 1,
  };
}

function store(runs: StoredRun[]) {
  return {
    list: () => runs,
    get: (id: string) => runs.find((r) => r.id === id),
    hasCheckpoint: () => true,
    readCheckpoint: (id: string) => ({ model: new TextEncoder().encode(`model of ${id}`) }),
  };
}

const answer: TrainedGradientLabAnswer = {
  steps: 3, rnnHidden: Float64Array.from([0.1, 0.5, 1]), lstmHidden: Float64Array.from([0.2, 0.5, 1]), lstmCell: Float64Array.from([0.7, 0.8, 1]),
  linearHidden: Float64Array.from([4, 2, 1]), meanForgetGate: 0.6, carouselFactor: 0.9, rnnDecay: 0.3, lstmHiddenDecay: 0.4, lstmCellDecay: 0.8,
  spectralRadius: 1.2, largestSingularValue: 2, rnnLoss: 1, lstmLoss: 1, rnnHiddenSize: 32, lstmHiddenSize: 32, lstmForgetBias: 0.5,
};

/** Waits until the panel has posted a message of `type` (with `requestId` when given): the host reads files first. */
async function posted(panel: FakePanel, type: string, requestId?: number): Promise<Posted & { requestId?: number }> {
  for (;;) {
    const m = (panel.posted as (Posted & { requestId?: number })[]).find((x) => x.type === type && (requestId === undefined || x.requestId === requestId));
    if (m) return m;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The revived panel is the FakePanel passed in: keep a handle on it. */
async function openPanel(runs: StoredRun[]) {
  const { GradientLabPanel } = await import('../../src/panels/gradientLabPanel');
  const calls: { rnnModel: Uint8Array; lstmModel: Uint8Array; text: string; steps: number }[] = [];
  const worker = { gradientLabTrained: async (m: (typeof calls)[number]) => (calls.push(m), answer) };
  const panel = new FakePanel();
  GradientLabPanel.revive(panel as never, { path: '/ext' } as never, worker as never, { text: '', label: 'letters' }, () => store(runs));
  return { panel, calls };
}

type Posted = { type: string; runs?: { id: string }[]; missing?: string | null; message?: string; view?: { rnnRun: string; lstmRun: string; rnnTruncation: number } };

test('lists the finished runs it reads; with none, names what to train and the command', { timeout: 60_000 }, async () => {
  const { panel } = await openPanel([]);
  panel.fromPage({ type: 'listTrainedRuns' });
  const none = await posted(panel, 'trainedRuns');
  assert.deepEqual(none.runs, []);
  assert.match(none.missing ?? '', /^No finished a tanh RNN run and an LSTM run with a checkpoint yet.*"Sequence Lab: New Example…".*"Embedded Reber grammar".*"Sequence Lab: Train Experiment" on reber-rnn\.seqlab\.json and on reber-lstm\.seqlab\.json/);
  panel.dispose();
  const { panel: onlyRnn } = await openPanel([run('r1', 'rnn', inside)]);
  onlyRnn.fromPage({ type: 'listTrainedRuns' });
  assert.match((await posted(onlyRnn, 'trainedRuns')).missing ?? '', /^No finished an LSTM run with a checkpoint yet/);
  onlyRnn.dispose();
});

test('a good request reaches the worker with both checkpoints and the start of the file; the answer goes back with the runs\' names', { timeout: 60_000 }, async () => {
  const { panel, calls } = await openPanel([run('r1', 'rnn', inside), run('l1', 'lstm', inside)]);
  panel.fromPage({ type: 'computeTrained', requestId: 3, rnnRunId: 'r1', lstmRunId: 'l1', steps: 40 });
  const result = await posted(panel, 'trainedResult', 3);
  assert.equal(calls.length, 1);
  assert.equal(new TextDecoder().decode(calls[0].rnnModel), 'model of r1');
  assert.equal(new TextDecoder().decode(calls[0].lstmModel), 'model of l1');
  assert.equal(calls[0].steps, 40);
  assert.ok(calls[0].text.startsWith('BTBTSSXXTVVETE\n'));
  assert.match(result.view!.rnnRun, /^char RNN · H=32 · step 200 · embedded-reber\.txt/);
  assert.equal(result.view!.rnnTruncation, 50);
  panel.dispose();
});

test('unknown ids, runs of two files, and a data file outside the workspace are refused with a message; the worker is not asked', { timeout: 60_000 }, async () => {
  const runs = [
    run('r1', 'rnn', inside), run('l1', 'lstm', inside), run('l2', 'lstm', inside, 'cd'.repeat(32)),
    run('r-out', 'rnn', outside, 'ef'.repeat(32)), run('l-out', 'lstm', outside, 'ef'.repeat(32)),
    run('r-link', 'rnn', link, '01'.repeat(32)), run('l-link', 'lstm', link, '01'.repeat(32)),
  ];
  const { panel, calls } = await openPanel(runs);
  const failures: string[] = [];
  const ask = async (rnnRunId: string, lstmRunId: string, requestId: number) => {
    panel.fromPage({ type: 'computeTrained', requestId, rnnRunId, lstmRunId, steps: 20 });
    failures.push((await posted(panel, 'labFailed', requestId)).message ?? '(no message)');
  };
  await ask('nope', 'l1', 1);
  await ask('l1', 'r1', 2); // the cells swapped
  await ask('r1', 'l2', 3);
  await ask('r-out', 'l-out', 4);
  await ask('r-link', 'l-link', 5);
  assert.match(failures[0], /no longer a finished run with a checkpoint/);
  assert.match(failures[1], /no longer a finished run with a checkpoint/);
  assert.match(failures[2], /trained on different texts \(embedded-reber\.txt, embedded-reber\.txt\)/);
  assert.match(failures[3], /secret\.txt, the file these runs trained on, is not a file inside this workspace/);
  assert.match(failures[4], /link\.txt, the file these runs trained on, is not a file inside this workspace/);
  assert.equal(calls.length, 0, 'the worker was asked for a refused request');
  panel.dispose();
});
