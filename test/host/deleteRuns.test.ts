// The Runs view's Delete on several selected runs (src/commands/deleteRuns.ts), with the real RunPersistence and a
// RunStore on a temp folder, against a minimal stand-in for the `vscode` module that records the dialogs and answers
// them. What a user would notice: one confirmation naming how many runs and which; Delete removes every confirmed
// run's folder; a run still training is kept and the confirmation says so; a run whose folder cannot be removed is
// named in the error and the others are deleted anyway; Cancel deletes nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { RunDeletion, RunRows } from '../../src/commands/deleteRuns';
import type { RunPersistence } from '../../src/training/runPersistence';
import type { RunStore, StoredRun } from '../../src/training/runStore';
import type { RunRecord } from '../../src/training/trainingService';
import { installFakeVscode, uninstallFakeVscode, FakeEventEmitter as EventEmitter, l10nFormat } from './fakeVscode';


interface Shown {
  kind: 'warning' | 'error' | 'information';
  message: string;
  detail?: string;
  items: string[];
}

const shown: Shown[] = [];
/** The button the user presses in the next modal (undefined: Cancel / Escape). */
let answer: string | undefined;

const fakeVscode = {
  EventEmitter,
  l10n: { t: l10nFormat },
  window: {
    showWarningMessage: async (message: string, options: { modal?: boolean; detail?: string }, ...items: string[]) => {
      shown.push({ kind: 'warning', message, detail: options.detail, items });
      return answer;
    },
    showErrorMessage: async (message: string) => void shown.push({ kind: 'error', message, items: [] }),
    showInformationMessage: async (message: string) => void shown.push({ kind: 'information', message, items: [] }),
  },
  workspace: { getConfiguration: () => ({ get: (_: string, fallback: unknown) => fallback }) },
};

let deleteRuns: typeof import('../../src/commands/deleteRuns').deleteRuns;
let RunPersistenceClass: typeof import('../../src/training/runPersistence').RunPersistence;
let RunStoreClass: typeof import('../../src/training/runStore').RunStore;

before(async () => {
  installFakeVscode(fakeVscode);
  ({ deleteRuns } = await import('../../src/commands/deleteRuns'));
  ({ RunPersistence: RunPersistenceClass } = await import('../../src/training/runPersistence'));
  ({ RunStore: RunStoreClass } = await import('../../src/training/runStore'));
});

const roots: string[] = [];

after(() => {
  uninstallFakeVscode();
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  shown.length = 0;
  answer = undefined;
});

const config = { model: 'rnn', hiddenSize: 16, seqLength: 25, optimizer: 'adam', learningRate: 0.005, clipNorm: 5, seed: 42, maxSteps: 200 };

/**
 * A window with runs of this window on verse.txt (each stored by RunPersistence as it starts), with the statuses
 * given; `undeletable`: runs whose folder the file system refuses to remove.
 */
function windowWith(runs: { id: string; model: string; status: string }[], undeletable: string[] = []) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-delete-'));
  roots.push(root);
  const rmSync: typeof fs.rmSync = (target, options) => {
    if (undeletable.some((id) => path.basename(String(target)) === id)) throw new Error(`EBUSY: resource busy or locked, rmdir '${String(target)}'`);
    fs.rmSync(target, options);
  };
  const store: RunStore = new RunStoreClass(root, { fs: { ...fs, rmSync } });
  const records: RunRecord[] = [];
  const changed = new EventEmitter<RunRecord>();
  const source = { onDidChangeRun: changed.event, onDidProgress: new EventEmitter<never>().event, list: () => [...records] };
  const persistence: RunPersistence = new RunPersistenceClass(store, source);
  for (const r of runs) {
    const record = {
      info: { id: r.id, modelLabel: r.model, fileLabel: 'verse.txt', status: r.status, config, message: '' },
      history: { steps: 0 },
    } as unknown as RunRecord;
    persistence.startTracked({ uri: { toString: () => 'file:///ws/verse.txt' } as never, label: 'verse.txt', text: 'the verse\n' }, () => {
      records.push(record);
      changed.fire(record);
      return record;
    });
  }
  const hidden: string[] = [];
  const tree: RunRows & { refreshed: number } = { refreshed: 0, hide: (id) => void hidden.push(id), refresh: () => void tree.refreshed++ };
  const stored = (id: string): StoredRun => persistence.store.get(id)!;
  const onDisk = () => fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'run.json'))).sort();
  return { persistence: persistence as RunDeletion, tree, hidden, stored, onDisk, root };
}

test('Delete on three selected runs asks once, naming the count, the file and the runs, then removes all three', async () => {
  const w = windowWith([
    { id: 'r1', model: 'char RNN · H=16', status: 'stopped' },
    { id: 'r2', model: 'char LSTM · H=16', status: 'completed' },
    { id: 'r3', model: 'char GRU · H=16', status: 'stopped' },
    { id: 'other', model: 'char RNN · H=8', status: 'stopped' },
  ]);
  assert.deepEqual(w.onDisk(), ['other', 'r1', 'r2', 'r3']);
  answer = 'Delete';
  await deleteRuns(['r1', 'r2', 'r3'].map(w.stored), w.persistence, w.tree);
  const dialogs = shown.filter((s) => s.kind === 'warning');
  assert.equal(dialogs.length, 1, 'one confirmation for the whole selection');
  assert.equal(dialogs[0].message, 'Delete 3 runs of verse.txt and their checkpoints?');
  assert.match(dialogs[0].detail ?? '', /^char RNN · H=16, char LSTM · H=16, char GRU · H=16\n/);
  assert.ok(dialogs[0].detail?.includes(w.root), 'the confirmation says where the folders are');
  assert.deepEqual(dialogs[0].items, ['Delete']);
  assert.deepEqual(w.onDisk(), ['other'], 'the three selected runs are gone, the other one stays');
  assert.deepEqual(shown.filter((s) => s.kind === 'error'), []);
  assert.deepEqual(w.hidden.sort(), ['r1', 'r2', 'r3'], 'their rows leave the Runs view');
  assert.ok(w.tree.refreshed > 0);
});

test('a run whose folder cannot be removed is named in the error; the other selected runs are deleted', async () => {
  const w = windowWith([
    { id: 'r1', model: 'char RNN · H=16', status: 'stopped' },
    { id: 'r2', model: 'char LSTM · H=16', status: 'stopped' },
    { id: 'r3', model: 'char GRU · H=16', status: 'stopped' },
  ], ['r2']);
  answer = 'Delete';
  await deleteRuns(['r1', 'r2', 'r3'].map(w.stored), w.persistence, w.tree);
  assert.deepEqual(w.onDisk(), ['r2'], 'the runs after the failing one are deleted too');
  const errors = shown.filter((s) => s.kind === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /could not delete the run of char LSTM · H=16 on verse\.txt \(EBUSY/);
  assert.deepEqual(w.hidden.sort(), ['r1', 'r3'], 'the run that is still on disk keeps its row');
});

test('several failures are named in one error', async () => {
  const w = windowWith([
    { id: 'r1', model: 'char RNN · H=16', status: 'stopped' },
    { id: 'r2', model: 'char LSTM · H=16', status: 'stopped' },
    { id: 'r3', model: 'char GRU · H=16', status: 'stopped' },
  ], ['r1', 'r3']);
  answer = 'Delete';
  await deleteRuns(['r1', 'r2', 'r3'].map(w.stored), w.persistence, w.tree);
  assert.deepEqual(w.onDisk(), ['r1', 'r3']);
  const errors = shown.filter((s) => s.kind === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /2 of 3 runs could not be deleted: char RNN · H=16 on verse\.txt \(EBUSY.*\); char GRU · H=16 on verse\.txt \(EBUSY/);
});

test('a selected run still training is kept, and the confirmation says so before anything is deleted', async () => {
  const w = windowWith([
    { id: 'r1', model: 'char RNN · H=16', status: 'stopped' },
    { id: 'r2', model: 'char LSTM · H=16', status: 'training' },
    { id: 'r3', model: 'char GRU · H=16', status: 'completed' },
  ]);
  answer = 'Delete';
  await deleteRuns(['r1', 'r2', 'r3'].map(w.stored), w.persistence, w.tree);
  const [dialog] = shown.filter((s) => s.kind === 'warning');
  assert.equal(dialog.message, 'Delete 2 runs of verse.txt and their checkpoints?');
  assert.match(dialog.detail ?? '', /^char RNN · H=16, char GRU · H=16\n/);
  assert.match(dialog.detail ?? '', /Kept, still training or paused \(stop a run before deleting it\): char LSTM · H=16 on verse\.txt\./);
  assert.deepEqual(w.onDisk(), ['r2'], 'the training run keeps its folder');
  assert.deepEqual(w.hidden.sort(), ['r1', 'r3'], 'the training run keeps its row');
});

test('one run selected: the confirmation names it as before', async () => {
  const w = windowWith([{ id: 'r1', model: 'char RNN · H=16', status: 'stopped' }]);
  answer = 'Delete';
  await deleteRuns([w.stored('r1')], w.persistence, w.tree);
  const [dialog] = shown.filter((s) => s.kind === 'warning');
  assert.equal(dialog.message, 'Delete the run of char RNN · H=16 on verse.txt?');
  assert.deepEqual(w.onDisk(), []);
});

test('Cancel deletes nothing; a selection of training runs only asks to stop them first', async () => {
  const w = windowWith([
    { id: 'r1', model: 'char RNN · H=16', status: 'stopped' },
    { id: 'r2', model: 'char LSTM · H=16', status: 'stopped' },
    { id: 't1', model: 'char GRU · H=16', status: 'training' },
    { id: 't2', model: 'char GRU · H=32', status: 'paused' },
  ]);
  answer = undefined;
  await deleteRuns(['r1', 'r2'].map(w.stored), w.persistence, w.tree);
  assert.equal(shown.filter((s) => s.kind === 'warning').length, 1);
  assert.deepEqual(w.onDisk(), ['r1', 'r2', 't1', 't2']);

  shown.length = 0;
  answer = 'Delete';
  await deleteRuns(['t1', 't2'].map(w.stored), w.persistence, w.tree);
  assert.deepEqual(shown.map((s) => [s.kind, s.message]), [['information', 'Sequence Lab: stop the runs before deleting them.']]);
  assert.deepEqual(w.onDisk(), ['r1', 'r2', 't1', 't2']);
});

test('Delete that reaches no run says so instead of doing nothing', async () => {
  const w = windowWith([{ id: 'r1', model: 'char RNN · H=16', status: 'stopped' }]);
  await deleteRuns([], w.persistence, w.tree);
  assert.deepEqual(shown.map((s) => s.kind), ['information']);
  assert.match(shown[0].message, /no run to delete/);
  assert.deepEqual(w.onDisk(), ['r1']);
});

test('runs of different files are each named with their file', async () => {
  const w = windowWith([
    { id: 'r1', model: 'char RNN · H=16', status: 'stopped' },
    { id: 'r2', model: 'char LSTM · H=16', status: 'stopped' },
  ]);
  const poem = { ...w.stored('r2'), dataLabel: 'poem.txt', dataUri: 'file:///ws/poem.txt' };
  answer = 'Delete';
  await deleteRuns([w.stored('r1'), poem], w.persistence, w.tree);
  const [dialog] = shown.filter((s) => s.kind === 'warning');
  assert.equal(dialog.message, 'Delete 2 runs and their checkpoints?');
  assert.match(dialog.detail ?? '', /^char RNN · H=16 on verse\.txt, char LSTM · H=16 on poem\.txt\n/);
  assert.deepEqual(w.onDisk(), []);
});

test('two files of the same name in different folders are two files', async () => {
  const w = windowWith([
    { id: 'r1', model: 'char RNN · H=16', status: 'stopped' },
    { id: 'r2', model: 'char LSTM · H=16', status: 'stopped' },
  ]);
  const other = { ...w.stored('r2'), dataUri: 'file:///elsewhere/verse.txt' };
  answer = undefined;
  await deleteRuns([w.stored('r1'), other], w.persistence, w.tree);
  const [dialog] = shown.filter((s) => s.kind === 'warning');
  assert.equal(dialog.message, 'Delete 2 runs and their checkpoints?');
});
