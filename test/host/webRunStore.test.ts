// Stored runs in VS Code for the Web (issue 17): the run store on an in-memory file system (memoryStoreFs.ts) that is
// loaded from and written behind to a fake workspace.fs (storeMirror.ts). A "reload" here is what the web does: the
// write-behind is flushed, and a new memory file system is loaded from storage for a new store. Checked: the memory
// file system's node:fs semantics, load, flush, atomic replace (temp name, then rename), bounds, deletions, a failed
// write reported once, the write-behind's timing, and the desktop store's behaviour (runStore.test.ts,
// resumedRunMetrics.test.ts) over it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { MemoryStoreFs } from '../../src/training/memoryStoreFs';
import { MAX_RUN_FILE_BYTES, MAX_MODEL_FILE_BYTES, RunStoreBase, type RunStoreOptions } from '../../src/training/runStoreBase';
import { FILE, FOLDER, METRICS_DELAY_MS, StoreMirror, SYMLINK, type MirrorFs } from '../../src/training/storeMirror';

const ROOT = '/user/workspaceStorage/abc/sequence-lab.sequence-lab/runs';
const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** workspace.fs over a map: folders are made by createDirectory (mkdirp); every call is logged. */
class FakeStorage implements MirrorFs {
  readonly files = new Map<string, Uint8Array>();
  readonly folders = new Set<string>(['/']);
  /** Paths that are symbolic links (to files) as workspace.fs reports them. */
  readonly symlinks = new Set<string>();
  /** The size stat reports instead of the bytes' (a large file without allocating it). */
  readonly statSize = new Map<string, number>();
  readonly log: string[] = [];
  /** Throws this (once per call it returns an error for) before doing `op` on `path`. */
  fail: ((op: string, path: string) => Error | undefined) | undefined;

  private check(op: string, path: string): void {
    this.log.push(`${op} ${path}`);
    const error = this.fail?.(op, path);
    if (error) throw error;
  }

  async readDirectory(path: string): Promise<[string, number][]> {
    this.check('readDirectory', path);
    if (!this.folders.has(path)) throw Object.assign(new Error(`no folder ${path}`), { code: 'FileNotFound' });
    const out: [string, number][] = [];
    for (const p of [...this.folders, ...this.files.keys()]) {
      if (p !== path && parentOf(p) === path) out.push([p.slice(path.length + 1), (this.folders.has(p) ? FOLDER : FILE) | (this.symlinks.has(p) ? SYMLINK : 0)]);
    }
    return out;
  }

  async stat(path: string): Promise<{ type: number; size: number }> {
    this.check('stat', path);
    const file = this.files.get(path);
    if (!file && !this.folders.has(path)) throw Object.assign(new Error(`nothing at ${path}`), { code: 'FileNotFound' });
    return { type: file ? FILE : FOLDER, size: this.statSize.get(path) ?? file?.length ?? 0 };
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.check('readFile', path);
    const file = this.files.get(path);
    if (!file) throw Object.assign(new Error(`no file ${path}`), { code: 'FileNotFound' });
    return file.slice();
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    this.check('writeFile', path);
    assert.ok(this.folders.has(parentOf(path)), `the folder of ${path} was made first`);
    this.files.set(path, data.slice());
  }

  async rename(from: string, to: string): Promise<void> {
    this.check('rename', `${from} -> ${to}`);
    const file = this.files.get(from);
    if (!file) throw new Error(`no file ${from}`);
    this.files.delete(from);
    this.files.set(to, file);
  }

  async delete(path: string): Promise<void> {
    this.check('delete', path);
    for (const p of [...this.files.keys()]) if (p === path || p.startsWith(path + '/')) this.files.delete(p);
    for (const p of [...this.folders]) if (p === path || p.startsWith(path + '/')) this.folders.delete(p);
  }

  async createDirectory(path: string): Promise<void> {
    this.check('createDirectory', path);
    for (let p = path; p !== '/'; p = parentOf(p)) this.folders.add(p);
  }

  put(path: string, data: Uint8Array | string): void {
    void this.createDirectory(parentOf(path));
    this.files.set(path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  under(folder: string): string[] {
    return [...this.files.keys()].filter((p) => p.startsWith(folder + '/')).map((p) => p.slice(folder.length + 1)).sort();
  }
}

interface Window {
  store: RunStoreBase;
  mirror: StoreMirror;
  memory: MemoryStoreFs;
  skipped: string[];
  errors: string[];
  /** Timers the write-behind set: [delay, run]. */
  timers: { ms: number; run: () => void; done: boolean }[];
}

/** A window opening on `storage`: the store's files loaded into memory, the store on them. */
async function open(storage: FakeStorage, options: Partial<RunStoreOptions> = {}, maxLoadedBytes?: number): Promise<Window & { overBudget: string[] }> {
  const memory = new MemoryStoreFs();
  const errors: string[] = [];
  const timers: Window['timers'] = [];
  const mirror = new StoreMirror(storage, memory, ROOT, {
    onError: (m) => errors.push(m),
    setTimer: (run, ms) => {
      const timer = { ms, done: false, run: () => ((timer.done = true), run()) };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => void ((timer as { done: boolean }).done = true),
    ...(maxLoadedBytes !== undefined ? { maxLoadedBytes } : {}),
  });
  const { skipped, overBudget } = await mirror.load();
  const store = new RunStoreBase(ROOT, { fs: memory, onError: (m) => errors.push(m), ...options });
  return { store, mirror, memory, skipped, overBudget, errors, timers };
}

/** Reload Window on the web: the write-behind is flushed, and a new window loads from storage. */
async function reload(storage: FakeStorage, window: Window, options: Partial<RunStoreOptions> = {}): Promise<Window> {
  await window.mirror.flush();
  window.mirror.dispose();
  return open(storage, options);
}

function newRun(store: RunStoreBase, id = 'run-a') {
  return store.create({
    id,
    dataUri: 'vscode-vfs://github/user/repo/tiny.txt',
    dataLabel: 'tiny.txt',
    dataSha256: 'ab'.repeat(32),
    modelLabel: 'char LSTM · H=8',
    config: { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 8 },
    status: 'starting',
  });
}

test('the memory file system answers as node:fs does for the calls the store makes', () => {
  const fs = new MemoryStoreFs();
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return 'no error';
  };
  assert.equal(code(() => fs.lstatSync('/a')), 'ENOENT');
  assert.equal(code(() => fs.readdirSync('/a')), 'ENOENT');
  assert.equal(code(() => fs.openSync('/a/f', fs.constants.O_RDONLY)), 'ENOENT');
  assert.equal(code(() => fs.openSync('/a/f', 'w')), 'ENOENT', 'no folder to create it in');
  fs.mkdirSync('/a/b', { recursive: true });
  assert.ok(fs.lstatSync('/a').isDirectory());
  // Append writes at the end, whatever the position; O_TRUNC empties.
  const append = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT;
  for (const line of ['one\n', 'two\n']) {
    const fd = fs.openSync('/a/b/log', append);
    fs.writeSync(fd, line);
    fs.closeSync(fd);
  }
  assert.equal(text(fs.fileBytes('/a/b/log')), 'one\ntwo\n');
  assert.equal(fs.lstatSync('/a/b/log').size, 8);
  const fd = fs.openSync('/a/b/log', fs.constants.O_RDONLY);
  const into = new Uint8Array(3);
  assert.equal(fs.readSync(fd, into, 0, 3, 4), 3);
  assert.equal(text(into), 'two');
  assert.equal(code(() => fs.writeSync(fd, 'x')), 'EBADF', 'read-only descriptor');
  fs.closeSync(fd);
  assert.equal(code(() => fs.fstatSync(fd)), 'EBADF');
  // Rename replaces the target; a folder is not opened as a file.
  const w = fs.openSync('/a/b/new', 'w');
  fs.writeSync(w, bytes(1, 2, 3, 4), 1, 2);
  fs.closeSync(w);
  fs.renameSync('/a/b/new', '/a/b/log');
  assert.deepEqual([...fs.fileBytes('/a/b/log')!], [2, 3]);
  assert.deepEqual(fs.readdirSync('/a/b'), ['log']);
  assert.equal(code(() => fs.openSync('/a/b', 'w')), 'EISDIR');
  assert.equal(code(() => fs.mkdirSync('/a/b/log/c', { recursive: true })), 'EEXIST');
  const trunc = fs.openSync('/a/b/log', fs.constants.O_WRONLY | fs.constants.O_TRUNC);
  fs.closeSync(trunc);
  assert.equal(fs.lstatSync('/a/b/log').size, 0);
  // rm: recursive removes what is inside; force ignores what is not there.
  assert.equal(code(() => fs.rmSync('/a', {})), 'ENOTEMPTY');
  fs.rmSync('/a', { recursive: true, force: true });
  assert.equal(code(() => fs.lstatSync('/a/b/log')), 'ENOENT');
  assert.equal(code(() => fs.rmSync('/a', {})), 'ENOENT');
  fs.rmSync('/a', { force: true });
  assert.deepEqual(fs.takeChanged().sort(), ['/a', '/a/b/log', '/a/b/new']);
  assert.deepEqual(fs.takeChanged(), [], 'each change is taken once');
});

test('a run, its checkpoint and its metrics survive a reload through storage; every file is replaced by a rename', async () => {
  const storage = new FakeStorage();
  const first = await open(storage);
  assert.deepEqual(first.store.list(), [], 'no storage folder yet: no runs');
  newRun(first.store);
  first.store.update('run-a', { status: 'completed', step: 3, lastLoss: 1.25, message: 'Completed 3 steps.' });
  first.store.appendMetrics('run-a', 1, [3, 2, 1.25], [0.5, 0.25, 0.125]);
  assert.equal(first.store.saveCheckpoint('run-a', 3, bytes(1, 2, 3), bytes(9, 9)), true);
  assert.deepEqual(storage.under(ROOT), [], 'written behind, not at once');

  const second = await reload(storage, first);
  assert.deepEqual(storage.under(ROOT), ['.gitignore', 'run-a/metrics.jsonl', 'run-a/model.safetensors', 'run-a/run.json', 'run-a/trainer-state.safetensors']);
  // Atomic replace: a stored file is only ever made by renaming a temp file beside it over it.
  const written = storage.log.filter((l) => l.startsWith('writeFile ')).map((l) => l.slice('writeFile '.length));
  assert.ok(written.length >= 5);
  for (const path of written) assert.match(path.slice(path.lastIndexOf('/') + 1), /^\..+\.tmp$/, `${path} is a temp name`);
  for (const path of written) assert.ok(storage.log.some((l) => l.startsWith(`rename ${path} -> `)), `${path} renamed over its file`);
  // In the store's own order: the optimiser state, the model, then the run.json that names their step.
  const renamed = storage.log.filter((l) => l.startsWith('rename ')).map((l) => l.slice(l.lastIndexOf('/') + 1));
  assert.deepEqual(renamed.filter((n) => /safetensors|run\.json/.test(n)), ['trainer-state.safetensors', 'model.safetensors', 'run.json']);
  const [run] = second.store.list();
  assert.equal(run.id, 'run-a');
  assert.equal(run.status, 'completed');
  assert.equal(run.step, 3);
  assert.equal(run.checkpointStep, 3);
  assert.deepEqual(second.store.readMetrics('run-a').map((m) => m.loss), [3, 2, 1.25]);
  const checkpoint = second.store.readCheckpoint('run-a')!;
  assert.deepEqual([...checkpoint.model], [1, 2, 3]);
  assert.deepEqual([...checkpoint.state!], [9, 9]);
  assert.deepEqual(second.skipped, []);
  assert.deepEqual([...first.errors, ...second.errors], []);
});

test('a run that was training when the window closed is interrupted after the reload; finished runs keep their status', async () => {
  const storage = new FakeStorage();
  const first = await open(storage);
  newRun(first.store, 'run-live');
  first.store.update('run-live', { status: 'training', step: 41 });
  first.store.saveCheckpoint('run-live', 40, bytes(4), bytes(2));
  newRun(first.store, 'run-done');
  first.store.update('run-done', { status: 'stopped', step: 10 });
  const second = await reload(storage, first);
  const byId = new Map(second.store.list().map((r) => [r.id, r]));
  assert.equal(byId.get('run-live')!.status, 'interrupted');
  assert.match(byId.get('run-live')!.message!, /step 40/);
  assert.equal(byId.get('run-done')!.status, 'stopped');
  // The verdict is written back: a third window sees it in storage too.
  await second.mirror.flush();
  assert.equal(JSON.parse(text(storage.files.get(`${ROOT}/run-live/run.json`))).status, 'interrupted');
});

test('a failed write keeps the previous file in storage, is reported once, and is written at the next flush', async () => {
  const storage = new FakeStorage();
  const window = await open(storage);
  newRun(window.store);
  window.store.saveCheckpoint('run-a', 10, bytes(1, 1, 1), bytes(7));
  await window.mirror.flush();
  const model = `${ROOT}/run-a/model.safetensors`;
  // A reload cut short between the temp file and the rename: the rename never comes.
  storage.fail = (op) => (op === 'rename' ? Object.assign(new Error('the storage is full'), { code: 'NoPermissions' }) : undefined);
  for (let step = 20; step <= 60; step += 10) {
    window.store.saveCheckpoint('run-a', step, bytes(2, 2, 2, 2), bytes(8));
    await window.mirror.flush();
  }
  assert.equal(window.errors.length, 1, 'once, not once per flush');
  assert.match(window.errors[0], /NoPermissions/);
  assert.match(window.errors[0], /what was saved before is kept/);
  assert.deepEqual([...storage.files.get(model)!], [1, 1, 1], 'the previous checkpoint whole');
  assert.deepEqual(storage.under(`${ROOT}/run-a`).filter((n) => n.endsWith('.tmp')), [], 'temp files removed');
  const meanwhile = await open(storage);
  assert.equal(meanwhile.store.get('run-a')!.checkpointStep, 10, 'storage holds the old pair');
  // Writing works again: the next flush writes what failed; a later failure is news again.
  storage.fail = undefined;
  await window.mirror.flush();
  assert.deepEqual([...storage.files.get(model)!], [2, 2, 2, 2]);
  assert.equal(JSON.parse(text(storage.files.get(`${ROOT}/run-a/run.json`))).checkpointStep, 60);
  storage.fail = (op) => (op === 'writeFile' ? new Error('EIO') : undefined);
  window.store.saveCheckpoint('run-a', 70, bytes(3), bytes(3));
  await window.mirror.flush();
  assert.equal(window.errors.length, 2);
});

test('load reads only what the store would: files over its bounds, symlinks and stray names stay unread; leftover temp files go', async () => {
  const storage = new FakeStorage();
  const first = await open(storage);
  newRun(first.store, 'run-big');
  newRun(first.store, 'run-link');
  newRun(first.store, 'run-ok');
  first.store.saveCheckpoint('run-ok', 5, bytes(5), bytes(6));
  await first.mirror.flush();
  // A model over the store's bound (reported by its size: never read, never allocated), a run.json over its bound.
  storage.put(`${ROOT}/run-big/model.safetensors`, bytes(1));
  storage.statSize.set(`${ROOT}/run-big/model.safetensors`, MAX_MODEL_FILE_BYTES + 1);
  storage.put(`${ROOT}/run-huge/run.json`, ' '.repeat(MAX_RUN_FILE_BYTES + 1));
  storage.symlinks.add(`${ROOT}/run-link/run.json`);
  storage.put(`${ROOT}/run-ok/notes.txt`, 'not a store file');
  storage.put(`${ROOT}/run-ok/.model.safetensors.x1.tmp`, bytes(9, 9));
  const second = await open(storage);
  assert.deepEqual(second.skipped.sort(), [`${ROOT}/run-big/model.safetensors`, `${ROOT}/run-huge/run.json`]);
  assert.deepEqual(second.store.list().map((r) => r.id).sort(), ['run-big', 'run-ok'], 'the symlinked run.json is not followed; the huge one not read');
  assert.equal(second.store.readCheckpoint('run-big'), undefined);
  assert.deepEqual([...second.store.readCheckpoint('run-ok')!.model], [5]);
  assert.equal(second.memory.fileBytes(`${ROOT}/run-ok/notes.txt`), undefined);
  assert.ok(!storage.files.has(`${ROOT}/run-ok/.model.safetensors.x1.tmp`), 'a write cut short by a reload is cleaned up');
  assert.ok(!storage.log.some((l) => l === `readFile ${ROOT}/run-big/model.safetensors`), 'the oversized model is never read');
  // Deleting a run deletes its folder in storage, with what was left unread in it.
  second.store.delete('run-big');
  second.store.delete('run-ok');
  await second.mirror.flush();
  assert.deepEqual(storage.under(`${ROOT}/run-big`), []);
  assert.deepEqual(storage.under(`${ROOT}/run-ok`), []);
  assert.equal(storage.log.filter((l) => l === `delete ${ROOT}/run-ok`).length, 1, 'a folder once, not each file in it');
  const third = await open(storage);
  assert.deepEqual(third.store.list().map((r) => r.id), []);
});

test('delete all empties storage; stray folders are ignored; the store lists nothing before it is ready, and this window\'s runs stay its own', async () => {
  const storage = new FakeStorage();
  const first = await open(storage);
  for (const id of ['run-1', 'run-2', 'run-3']) newRun(first.store, id);
  storage.put(`${ROOT}/not-a-run/run.json`, '{ broken');
  first.store.delete('run-2');
  const second = await reload(storage, first);
  assert.deepEqual(second.store.list().map((r) => r.id).sort(), ['run-1', 'run-3']);
  assert.equal(second.store.deleteAll(), 2);
  const third = await reload(storage, second);
  assert.deepEqual(third.store.list(), []);

  // A run left training by an earlier window, then a window whose storage is not read yet (ready false): a run can
  // already start there; once ready, it is this window's (training), the earlier one interrupted.
  newRun(third.store, 'run-old');
  third.store.update('run-old', { status: 'training' });
  await third.mirror.flush();
  let ready = false;
  const early = await open(storage, { ready: () => ready });
  assert.deepEqual(early.store.list(), []);
  newRun(early.store, 'run-new');
  early.store.update('run-new', { status: 'training' });
  ready = true;
  const byId = new Map(early.store.list().map((r) => [r.id, r.status]));
  assert.deepEqual(Object.fromEntries(byId), { 'run-new': 'training', 'run-old': 'interrupted' });
});

test('metrics of a long run stay bounded through the write-behind; a resumed run drops the steps after its checkpoint', async () => {
  const storage = new FakeStorage();
  const first = await open(storage, { maxMetricLines: 100 });
  newRun(first.store);
  const steps = 20_000;
  const lossAt = (s: number) => 4 - (3 * (s - 1)) / (steps - 1);
  for (let start = 1; start <= steps; start += 250) {
    const losses = Array.from({ length: 250 }, (_, i) => lossAt(start + i));
    first.store.appendMetrics('run-a', start, losses, losses.map(() => 1));
  }
  first.store.update('run-a', { status: 'training' });
  first.store.saveCheckpoint('run-a', 15_000, bytes(1), bytes(2));
  const second = await reload(storage, first, { maxMetricLines: 100 });
  const lines = second.store.readMetrics('run-a');
  assert.ok(lines.length <= 101 && lines.length >= 25, `${lines.length} lines`);
  assert.ok(lines[lines.length - 1].step >= steps * 0.95);
  assert.ok(storage.files.get(`${ROOT}/run-a/metrics.jsonl`)!.length < 10_000);
  // Resume from the checkpoint at 15 000 (resumedRunMetrics.test.ts on the desktop): the curve stops there, then goes on.
  const stored = second.store.get('run-a')!;
  assert.equal(stored.status, 'interrupted');
  second.store.dropMetricsAfter('run-a', stored.checkpointStep!);
  const next = Math.ceil(15_001 / stored.metricsStride) * stored.metricsStride; // the first window end after the checkpoint
  second.store.appendMetrics('run-a', 15_001, new Array(next - 15_000).fill(0.5), new Array(next - 15_000).fill(1));
  const third = await reload(storage, second, { maxMetricLines: 100 });
  const after = third.store.readMetrics('run-a');
  for (let i = 1; i < after.length; i++) assert.ok(after[i].step > after[i - 1].step);
  assert.ok(after.every((m) => m.step <= 15_000 || m.step === next), 'nothing of the lost steps after the checkpoint');
  assert.equal(after.at(-1)!.step, next);
  assert.equal(after.at(-1)!.loss, 0.5);
});

test('the write-behind writes run files at once, metrics after a delay, and nothing twice', async () => {
  const storage = new FakeStorage();
  const window = await open(storage);
  newRun(window.store);
  const pending = () => window.timers.filter((t) => !t.done);
  assert.deepEqual(pending().map((t) => t.ms), [0], 'run.json: at once (one timer for the burst of calls)');
  pending()[0].run();
  await window.mirror.flush();
  assert.ok(storage.files.has(`${ROOT}/run-a/run.json`));
  window.store.appendMetrics('run-a', 1, [3], [1]);
  assert.deepEqual(pending().map((t) => t.ms), [METRICS_DELAY_MS], 'metrics wait for more lines');
  window.store.saveCheckpoint('run-a', 1, bytes(1), bytes(2));
  assert.deepEqual(pending().map((t) => t.ms), [0], 'a checkpoint brings the write forward');
  const writes = storage.log.length;
  pending()[0].run();
  await window.mirror.flush();
  assert.deepEqual(storage.under(`${ROOT}/run-a`), ['metrics.jsonl', 'model.safetensors', 'run.json', 'trainer-state.safetensors']);
  const again = storage.log.length;
  await window.mirror.flush();
  assert.ok(again > writes);
  assert.equal(storage.log.length, again, 'a flush with nothing changed writes nothing');
});

test('load keeps at most maxLoadedBytes in memory: every run listed, then checkpoints in pairs while they fit; the rest never read', async () => {
  const storage = new FakeStorage();
  const first = await open(storage);
  for (const id of ['run-1', 'run-2', 'run-3']) {
    newRun(first.store, id);
    first.store.saveCheckpoint(id, 5, new Uint8Array(1000).fill(1), new Uint8Array(2000).fill(2));
  }
  await first.mirror.flush();
  const checkpointFiles = [...storage.files.keys()].filter((p) => /(model|trainer-state)\.safetensors$/.test(p));
  assert.equal(checkpointFiles.length, 6);
  const small = [...storage.files].filter(([p]) => !checkpointFiles.includes(p)).reduce((n, [, b]) => n + b.length, 0);
  // Room for every run's small files and one checkpoint pair (3000 bytes), not two.
  storage.log.length = 0;
  const second = await open(storage, {}, small + 3000 + 2999);
  assert.deepEqual(second.store.list().map((r) => r.id).sort(), ['run-1', 'run-2', 'run-3'], 'every run is listed');
  const loaded = ['run-1', 'run-2', 'run-3'].filter((id) => second.store.readCheckpoint(id) !== undefined);
  assert.equal(loaded.length, 1, `one checkpoint pair fits: ${loaded.join(', ')}`);
  assert.equal(second.overBudget.length, 4, 'the other two pairs, model and state together');
  for (const path of second.overBudget) assert.ok(!storage.log.includes(`readFile ${path}`), `${path} is never read`);
  assert.ok(second.overBudget.every((p) => !p.includes(`/${loaded[0]}/`)), 'a pair is kept or left whole');
  assert.deepEqual(second.skipped, []);
  // The default budget holds all of them.
  const third = await open(storage);
  assert.deepEqual(third.overBudget, []);
  assert.ok(['run-1', 'run-2', 'run-3'].every((id) => third.store.readCheckpoint(id) !== undefined));
});
