// The Runs view's provider (src/sidebar/runsTree.ts) against a minimal stand-in for the `vscode` module. What a user
// would notice: a context-menu action chosen on rows while runs train must reach its command with those rows. VS Code
// forgets every row's handle when a tree refreshes from its root, so progress and status changes must refresh the
// rows in place (same objects), and rows must not change places while they train.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunRecord } from '../../src/training/trainingService';
import type { StoredRun } from '../../src/training/runStore';
import { installFakeVscode, uninstallFakeVscode, FakeEventEmitter as EventEmitter } from './fakeVscode';


const fakeVscode = {
  EventEmitter,
  TreeItem: class {
    id?: string;
    description?: string;
    constructor(readonly label: string, readonly collapsibleState: number) {}
  },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: Object.assign(class { constructor(readonly id: string) {} }, { File: { id: 'file' } }),
  ThemeColor: class { constructor(readonly id: string) {} },
  MarkdownString: class { constructor(readonly value: string) {} },
  Uri: { parse: (s: string) => ({ scheme: 'file', fsPath: s.replace(/^file:\/\//, ''), toString: () => s }) },
  workspace: { asRelativePath: (uri: { fsPath: string }) => uri.fsPath.split('/').pop() },
};


before(() => {
  installFakeVscode(fakeVscode);
});

after(() => {
  uninstallFakeVscode();
});

const config = { seqLength: 25, optimizer: 'adam', learningRate: 0.005, clipNorm: 5, seed: 42, maxSteps: 200 };

function liveRun(id: string, modelLabel: string): RunRecord {
  return {
    info: { id, modelLabel, fileLabel: 'verse.txt', status: 'training', config },
    history: { steps: 0, lastLoss: undefined },
  } as unknown as RunRecord;
}

function storedRun(id: string, modelLabel: string, createdAt: string, updatedAt: string): StoredRun {
  return {
    id, modelLabel, createdAt, updatedAt, status: 'completed', step: 200, lastLoss: 2.1, config,
    dataUri: 'file:///ws/verse.txt', dataLabel: 'verse.txt',
  } as unknown as StoredRun;
}

function world() {
  const runs: RunRecord[] = [];
  const stored: StoredRun[] = [];
  const storedIdOf = new Map<string, string>();
  const change = new EventEmitter<void>();
  const progress = new EventEmitter<void>();
  const persisted = new EventEmitter<void>();
  const service = { list: () => [...runs], onDidChangeRun: change.event, onDidProgress: progress.event };
  const persistence = {
    onDidChange: persisted.event,
    store: { list: () => [...stored] },
    storedRunOf: (liveId: string) => stored.find((s) => s.id === storedIdOf.get(liveId)),
    liveRuns: () => new Map(runs.filter((r) => storedIdOf.has(r.info.id)).map((r) => [storedIdOf.get(r.info.id)!, r])),
  };
  return { runs, stored, storedIdOf, change, progress, persisted, service, persistence };
}

async function provider(w: ReturnType<typeof world>) {
  const { RunsTreeProvider } = await import('../../src/sidebar/runsTree');
  const tree = new RunsTreeProvider(w.service as never, w.persistence as never);
  const fired: unknown[] = [];
  tree.onDidChangeTreeData((value) => fired.push(value));
  return { tree, fired };
}

const rowsOf = (tree: { getChildren(e?: never): unknown[] }) => tree.getChildren().flatMap((g) => tree.getChildren(g as never));
const labelOf = (tree: { getTreeItem(n: never): { label?: unknown } }, node: unknown) => tree.getTreeItem(node as never).label;

test('a run that trains, completes and is saved is refreshed in place: same row objects, same order, no refresh from the root', async () => {
  const w = world();
  w.runs.push(liveRun('r1', 'char RNN'), liveRun('r2', 'char LSTM'));
  w.storedIdOf.set('r1', 's1').set('r2', 's2');
  w.stored.push(storedRun('s1', 'char RNN', '2026-11-27T10:00:00.000Z', '2026-11-27T10:00:00.000Z'));
  w.stored.push(storedRun('s2', 'char LSTM', '2026-11-27T10:01:00.000Z', '2026-11-27T10:01:00.000Z'));
  const { tree, fired } = await provider(w);
  const before = rowsOf(tree);
  assert.deepEqual(before.map((n) => labelOf(tree, n)), ['char LSTM', 'char RNN'], 'newest start first');

  // The older run is saved again later (its updatedAt moves past the newer one's): its row stays where it was.
  w.stored[0].updatedAt = '2026-11-27T10:05:00.000Z';
  w.runs[0].info.status = 'completed';
  w.change.fire();
  assert.equal(fired.length, 1);
  assert.ok(Array.isArray(fired[0]), `a refresh of the rows, not of the root: ${String(fired[0])}`);
  assert.deepEqual(fired[0], before, 'the rows VS Code already holds');
  assert.deepEqual(rowsOf(tree), before);
  assert.equal((tree.getTreeItem(before[1] as never) as { contextValue?: string }).contextValue, 'run.completed');
});

test('stored runs of earlier windows keep their node objects across refreshes', async () => {
  const w = world();
  w.stored.push(storedRun('s1', 'char GRU', '2026-11-26T09:00:00.000Z', '2026-11-26T09:00:00.000Z'));
  const { tree, fired } = await provider(w);
  const before = rowsOf(tree);
  w.stored[0] = { ...w.stored[0], status: 'interrupted' } as StoredRun; // read anew from disk: a new object
  w.persisted.fire();
  await new Promise((resolve) => setTimeout(resolve, 1100)); // persistence changes are coalesced over a second
  assert.equal(fired.length, 1);
  assert.deepEqual(fired[0], before);
  assert.match((tree.getTreeItem(before[0] as never) as { contextValue?: string }).contextValue ?? '', /^storedRun\.interrupted/);
  tree.dispose();
});

test('a new run, a deleted run or a new file group refreshes from the root', async () => {
  const w = world();
  w.runs.push(liveRun('r1', 'char RNN'));
  const { tree, fired } = await provider(w);
  rowsOf(tree);
  w.runs.push(liveRun('r2', 'char LSTM'));
  w.change.fire();
  assert.deepEqual(fired, [undefined]);
  rowsOf(tree);
  tree.hide('r1');
  assert.deepEqual(fired, [undefined, undefined]);
  assert.deepEqual(rowsOf(tree).map((n) => labelOf(tree, n)), ['char LSTM']);
  // Before VS Code has fetched anything, a refresh is from the root.
  const fresh = await provider(w);
  fresh.tree.refresh();
  assert.deepEqual(fresh.fired, [undefined]);
});

test('a row VS Code never fetched under its group (the fetch came between two changes) is refreshed from the root, not in place', async () => {
  const w = world();
  w.runs.push(liveRun('r1', 'char RNN'));
  const { tree, fired } = await provider(w);
  // VS Code fetched the root, then the group's rows while they were not yet listed under it: it holds no row.
  const [group] = tree.getChildren();
  w.runs.splice(0, 1);
  assert.deepEqual(tree.getChildren(group as never), []);
  w.runs.push(liveRun('r1', 'char RNN'));
  // The shape is the root fetch's again, but the row is not one VS Code holds: only a refresh from the root shows it.
  w.change.fire();
  assert.deepEqual(fired, [undefined]);
  assert.deepEqual(rowsOf(tree).map((n) => labelOf(tree, n)), ['char RNN']);
  w.change.fire();
  assert.ok(Array.isArray(fired[1]), 'rows fetched under their group are refreshed in place again');
});
