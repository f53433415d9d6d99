// A stored run's dataUri (run.json in the workspace's .sequence-lab/runs, or the global store) is a repository's
// file like an experiment's data.path: Resume, Export as PyTorch Project… and Duplicate with Changes… read the file
// it names only when it lies inside the workspace folder (or the run's own folder) after resolving symlinks; a
// regular file elsewhere only after the user confirms its resolved path, and then exactly that file (a swap after the
// confirmation is refused); a FIFO or device never. The real commands run against a small stand-in for `vscode` on
// real folders, files, symlinks and FIFOs in a temp dir.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { RunPersistence } from '../../src/training/runPersistence';
import type { RunStore, StoredRun } from '../../src/training/runStore';
import { FakeEventEmitter, installFakeVscode, l10nFormat, uninstallFakeVscode } from './fakeVscode';

class FakeUri {
  constructor(readonly scheme: string, readonly authority: string, readonly path: string) {}
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${encodeURI(this.path)}`;
  }
  static file(p: string): FakeUri {
    return new FakeUri('file', '', p);
  }
  static parse(s: string): FakeUri {
    const u = new URL(s);
    return new FakeUri(u.protocol.slice(0, -1), u.host, decodeURIComponent(u.pathname));
  }
  static joinPath(u: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(u.scheme, u.authority, path.posix.join(u.path, ...parts));
  }
}
class Stub {
  constructor(..._args: unknown[]) {}
}

const base = fs.realpathSync(fs.mkdtempSync(path.join(tmpdir(), 'seqlab-stored-data-')));
const ws = path.join(base, 'repo');
const storeRoot = path.join(ws, '.sequence-lab', 'runs');
fs.mkdirSync(storeRoot, { recursive: true });
const VERSE = 'the verse of the repository\n';
const SECRET = 'a secret outside the workspace\n';
fs.writeFileSync(path.join(ws, 'verse.txt'), VERSE);
fs.writeFileSync(path.join(base, 'secret.txt'), SECRET);
// A committed symlink inside the workspace that leads out of it.
fs.symlinkSync(path.join(base, 'secret.txt'), path.join(ws, 'innocent.txt'));
const fifo = spawnSync('mkfifo', [path.join(ws, 'pipe.txt')]).status === 0;

interface Shown {
  kind: 'warning' | 'error' | 'information';
  message: string;
  items: string[];
}
const shown: Shown[] = [];
/** Paths openTextDocument was asked for (what the extension would read). */
const opened: string[] = [];
/** The button pressed in the next modal (undefined: Cancel); `onAsk` runs while the dialog is up. */
let answer: ((items: string[]) => string | undefined) = () => undefined;
let onAsk: () => void = () => undefined;
const commands = new Map<string, (...args: unknown[]) => unknown>();
const workspace = {
  isTrusted: true,
  workspaceFolders: [{ uri: FakeUri.file(ws), name: 'repo', index: 0 }],
  getConfiguration: () => ({ get: (_: string, fallback: unknown) => fallback }),
  asRelativePath: (u: FakeUri) => u.path,
  textDocuments: [] as unknown[],
  openTextDocument: async (u: FakeUri) => {
    opened.push(u.fsPath);
    // (A real read of a FIFO would block: the stand-in fails instead, the test sees it was attempted.)
    if (!fs.statSync(u.fsPath).isFile()) throw new Error(`EINVAL: not a regular file, open '${u.fsPath}'`);
    const text = fs.readFileSync(u.fsPath, 'utf8');
    return { uri: u, isUntitled: false, getText: () => text };
  },
  onDidChangeConfiguration: () => ({ dispose: () => undefined }),
  onDidGrantWorkspaceTrust: () => ({ dispose: () => undefined }),
};

installFakeVscode({
  ThemeIcon: Stub, ThemeColor: Stub, TreeItem: Stub, MarkdownString: Stub, TreeItemCollapsibleState: {}, ViewColumn: {}, UIKind: { Desktop: 1 },
  EventEmitter: FakeEventEmitter,
  Uri: FakeUri,
  l10n: { t: l10nFormat },
  env: { uiKind: 1, remoteName: undefined },
  workspace,
  commands: {
    registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
      commands.set(id, handler);
      return { dispose: () => undefined };
    },
    executeCommand: async () => undefined,
  },
  window: {
    showWarningMessage: async (message: string, ...rest: unknown[]) => {
      const items = rest.filter((r): r is string => typeof r === 'string');
      shown.push({ kind: 'warning', message, items });
      onAsk();
      return answer(items);
    },
    showErrorMessage: async (message: string) => void shown.push({ kind: 'error', message, items: [] }),
    showInformationMessage: async (message: string) => void shown.push({ kind: 'information', message, items: [] }),
    showOpenDialog: async () => undefined,
  },
});

let RunStoreClass: typeof import('../../src/training/runStore').RunStore;
let registerRunCommands: typeof import('../../src/commands/runCommands').registerRunCommands;
let registerDuplicateRun: typeof import('../../src/commands/duplicateRun').registerDuplicateRun;
let exportRunAsPytorchProject: typeof import('../../src/commands/exportRunCommand').exportRunAsPytorchProject;

let store: RunStore;
/** Checkpoints the fake worker was asked to resume from, with the text it would train on. */
const resumed: { uri: string; text: string }[] = [];
const duplicated: string[] = [];

before(async () => {
  ({ RunStore: RunStoreClass } = await import('../../src/training/runStore'));
  // What the desktop entry does at activation: local data paths are judged on the disk.
  const { useLocalDataPaths } = await import('../../src/base/dataFileAccess');
  useLocalDataPaths(await import('../../src/base/dataPathGuard'));
  ({ registerRunCommands } = await import('../../src/commands/runCommands'));
  ({ registerDuplicateRun } = await import('../../src/commands/duplicateRun'));
  ({ exportRunAsPytorchProject } = await import('../../src/commands/exportRunCommand'));
  store = new RunStoreClass(storeRoot);
  const persistence = {
    store,
    canStartFromCheckpoint: true,
    liveRuns: () => new Map(),
    storedRunOf: () => undefined,
    startFromCheckpoint: (data: { uri: FakeUri; text: string }) => {
      resumed.push({ uri: data.uri.fsPath, text: data.text });
      return undefined;
    },
  } as unknown as RunPersistence;
  const tree = { hide: () => undefined, refresh: () => undefined };
  registerRunCommands({ extensionUri: FakeUri.file('/ext'), storageUri: FakeUri.file(path.join(base, 'storage')) } as never, { activeRun: () => undefined } as never, persistence, tree as never);
  const modelView = {
    duplicate: async (_settings: unknown, uri: FakeUri) => void duplicated.push(uri.fsPath),
  };
  registerDuplicateRun(modelView as never, persistence);
});

after(() => {
  uninstallFakeVscode();
  fs.rmSync(base, { recursive: true, force: true });
});

beforeEach(() => {
  shown.length = 0;
  opened.length = 0;
  resumed.length = 0;
  duplicated.length = 0;
  answer = () => undefined;
  onAsk = () => undefined;
  workspace.isTrusted = true;
});

const config = { model: 'rnn', hiddenSize: 16, seqLength: 25, optimizer: 'adam', learningRate: 0.005, clipNorm: 5, seed: 42, maxSteps: 200 };
let runs = 0;

/** A run folder as a repository could commit it: run.json naming `dataFile`, and a checkpoint. */
function committedRun(dataFile: string, text = VERSE): StoredRun {
  const id = `run-${++runs}`;
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  store.create({ id, dataUri: FakeUri.file(dataFile).toString(), dataLabel: path.basename(dataFile), dataSha256: sha(text), modelLabel: 'char RNN · H=16', config: config as never, status: 'stopped' });
  store.saveCheckpoint(id, 10, new Uint8Array([1, 2, 3]));
  return store.get(id)!;
}

const node = (run: StoredRun) => ({ kind: 'stored', run });
const resume = (run: StoredRun) => commands.get('sequenceLab.runs.resume')!(node(run), undefined);
const exportIt = (run: StoredRun) => exportRunAsPytorchProject(run, store);
const duplicate = (run: StoredRun) => commands.get('sequenceLab.runs.duplicate')!(node(run), undefined);
const ACTIONS = { resume, export: exportIt, duplicate } as const;
/** What the action read or used: the files opened, resumed or bound to the Model view. */
const reached = () => [...opened, ...resumed.map((r) => r.uri), ...duplicated];

for (const [name, act] of Object.entries(ACTIONS)) {
  test(`${name}: a run whose run.json names a file outside the workspace asks first, showing the resolved path; Cancel reads nothing`, async () => {
    const run = committedRun(path.join(ws, '..', 'secret.txt'), SECRET);
    await act(run);
    const asked = shown.filter((s) => s.kind === 'warning');
    assert.equal(asked.length, 1, `one confirmation: ${JSON.stringify(shown)}`);
    assert.ok(asked[0].message.includes(path.join(base, 'secret.txt')), asked[0].message);
    assert.deepEqual(reached(), [], 'nothing outside the workspace was read');
  });

  test(`${name}: a committed symlink leading out is judged where it lands; after Confirm exactly the resolved file is read`, async () => {
    const run = committedRun(path.join(ws, 'innocent.txt'), SECRET);
    answer = (items) => items[0];
    await act(run);
    const asked = shown.filter((s) => s.kind === 'warning');
    assert.equal(asked.length, 1);
    assert.ok(asked[0].message.includes(path.join(base, 'secret.txt')), 'the resolved path is shown, not the link');
    assert.ok(reached().length > 0 && reached().every((p) => p === path.join(base, 'secret.txt')), `read the resolved path only: ${JSON.stringify(reached())}`);
  });

  // Duplicate reads the data only later, at Train, through the same openAllowedDocument (its swap test is in
  // test/host/dataPathGuard.test.ts): there is no read here to swap the file under.
  if (name !== 'duplicate') test(`${name}: a file swapped after the user confirmed it is not read`, async () => {
    const link = path.join(ws, `swap-${name}.txt`);
    fs.writeFileSync(path.join(base, `shown-${name}.txt`), SECRET);
    fs.writeFileSync(path.join(base, `other-${name}.txt`), 'another file\n');
    fs.symlinkSync(path.join(base, `shown-${name}.txt`), link);
    const run = committedRun(link, SECRET);
    answer = (items) => items[0];
    // While the dialog is up, the file the user was shown is replaced by another one (a new inode at that path).
    onAsk = () => fs.renameSync(path.join(base, `other-${name}.txt`), path.join(base, `shown-${name}.txt`));
    await act(run);
    assert.deepEqual(reached(), [], `nothing read after the swap: ${JSON.stringify(reached())}`);
    assert.ok(shown.some((s) => s.kind === 'error' && /changed/.test(s.message)), JSON.stringify(shown));
  });

  test(`${name}: a file inside the workspace is used without a question (trusted), and asked about in Restricted Mode`, async () => {
    const run = committedRun(path.join(ws, 'verse.txt'));
    answer = (items) => items[0];
    await act(run);
    assert.equal(shown.filter((s) => s.kind === 'warning').length, 0, JSON.stringify(shown));
    assert.ok(reached().includes(path.join(ws, 'verse.txt')));
    shown.length = 0;
    opened.length = resumed.length = duplicated.length = 0;
    workspace.isTrusted = false;
    answer = () => undefined;
    await act(run);
    assert.equal(shown.filter((s) => s.kind === 'warning').length, 1, 'Restricted Mode asks first');
    assert.deepEqual(reached(), []);
  });

  test(`${name}: a FIFO named by run.json is refused without opening it`, { skip: !fifo }, async () => {
    const run = committedRun(path.join(ws, 'pipe.txt'));
    answer = (items) => items[0];
    await act(run);
    assert.deepEqual(reached(), []);
    assert.ok(shown.some((s) => s.kind === 'error' && /named pipe/.test(s.message)), JSON.stringify(shown));
  });
}
