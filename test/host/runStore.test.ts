// Runs that outlive the window (issue 6): the store on a temp folder — round trip, atomic checkpoints that survive
// a failed write, one error message for many failures, interrupted runs after a "reload", bounded metrics.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { MAX_JSONL_BYTES, MODEL_FILE, RunStore, type StoreFs } from '../../src/training/runStore';
import { assertUserMessage } from '../fixtures/badInputs';

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-runs-'));
}

function newRun(store: RunStore, id = 'run-a') {
  return store.create({
    id,
    dataUri: 'file:///work/data/tiny.txt',
    dataLabel: 'tiny.txt',
    dataSha256: 'ab'.repeat(32),
    modelLabel: 'char LSTM · H=8',
    config: { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 8 },
    status: 'starting',
  });
}

const bytes = (...values: number[]) => Uint8Array.from(values);

test('a run, its checkpoint and its metrics read back from a new store on the same folder', () => {
  const root = tempRoot();
  const store = new RunStore(root);
  newRun(store);
  store.update('run-a', { status: 'completed', step: 3, lastLoss: 1.25, message: 'Completed 3 steps.' });
  store.appendMetrics('run-a', 1, [3, 2, 1.25], [0.5, 0.25, 0.125]);
  assert.equal(store.saveCheckpoint('run-a', 3, bytes(1, 2, 3), bytes(9, 9)), true);

  const reloaded = new RunStore(root);
  const [run] = reloaded.list();
  assert.equal(run.id, 'run-a');
  assert.equal(run.dataUri, 'file:///work/data/tiny.txt');
  assert.equal(run.status, 'completed');
  assert.equal(run.step, 3);
  assert.equal(run.lastLoss, 1.25);
  assert.equal(run.checkpointStep, 3);
  assert.deepEqual(run.config, { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 8 });
  assert.deepEqual(reloaded.readMetrics('run-a').map((m) => m.loss), [3, 2, 1.25]);
  const checkpoint = reloaded.readCheckpoint('run-a');
  assert.deepEqual([...checkpoint!.model], [1, 2, 3]);
  assert.deepEqual([...checkpoint!.state!], [9, 9]);
  // No temp files left behind by the atomic writes.
  assert.deepEqual(fs.readdirSync(path.join(root, 'run-a')).sort(), ['metrics.jsonl', 'model.safetensors', 'run.json', 'trainer-state.safetensors']);
});

test('a run that was training when the window died is interrupted after a reload; finished runs keep their status', () => {
  const root = tempRoot();
  const store = new RunStore(root);
  newRun(store, 'run-live');
  store.update('run-live', { status: 'training', step: 40 });
  store.saveCheckpoint('run-live', 40, bytes(4), bytes(2));
  newRun(store, 'run-done');
  store.update('run-done', { status: 'stopped', step: 10 });

  const reloaded = new RunStore(root);
  const byId = new Map(reloaded.list().map((r) => [r.id, r]));
  assert.equal(byId.get('run-live')!.status, 'interrupted');
  assert.match(byId.get('run-live')!.message!, /step 40/);
  assert.equal(byId.get('run-done')!.status, 'stopped');
  // The verdict is written back: a third window sees it too.
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, 'run-live', 'run.json'), 'utf8')).status, 'interrupted');
});

test('a failing write keeps the previous checkpoint readable and reports once, not once per checkpoint', () => {
  const root = tempRoot();
  const errors: string[] = [];
  let failRenames = false;
  const failing: StoreFs = {
    ...fs,
    renameSync: (from, to) => {
      if (failRenames) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      fs.renameSync(from, to);
    },
  };
  const store = new RunStore(root, { fs: failing, onError: (m) => errors.push(m) });
  newRun(store);
  assert.equal(store.saveCheckpoint('run-a', 10, bytes(1, 1, 1), bytes(7)), true);
  failRenames = true;
  for (let step = 20; step <= 60; step += 10) assert.equal(store.saveCheckpoint('run-a', step, bytes(2, 2, 2, 2), bytes(8)), false);
  assert.equal(errors.length, 1);
  assertUserMessage(errors[0]);
  assert.match(errors[0], /EIO/);
  assert.match(errors[0], /what was saved before is kept/);
  const kept = new RunStore(root).readCheckpoint('run-a')!;
  assert.deepEqual([...kept.model], [1, 1, 1]);
  assert.deepEqual([...kept.state!], [7]);
  assert.equal(new RunStore(root).get('run-a')!.checkpointStep, 10);
  assert.deepEqual(fs.readdirSync(path.join(root, 'run-a')).filter((n) => n.endsWith('.tmp')), []);
  // Once writing works again, a later failure is news again.
  failRenames = false;
  assert.equal(store.saveCheckpoint('run-a', 70, bytes(3), bytes(3)), true);
  failRenames = true;
  store.saveCheckpoint('run-a', 80, bytes(4), bytes(4));
  assert.equal(errors.length, 2);
});

test('a read-only folder: the old checkpoint stays, one message', () => {
  const root = tempRoot();
  const errors: string[] = [];
  // Root (CI's containers) ignores a folder's mode bits, so there the folder refuses writes as the kernel does for
  // everyone else: creating a file in it fails with EACCES. Anyone else gets the real chmod.
  const asRoot = process.getuid?.() === 0;
  let readOnly = false;
  const runFolder = path.join(root, 'run-a');
  const rootFs: StoreFs = {
    ...fs,
    openSync: ((p: fs.PathLike, flags: fs.OpenMode = 'r', mode?: fs.Mode) => {
      if (readOnly && path.dirname(String(p)) === runFolder && flags !== 'r') {
        throw Object.assign(new Error(`EACCES: permission denied, open '${String(p)}'`), { code: 'EACCES' });
      }
      return fs.openSync(p, flags, mode);
    }) as typeof fs.openSync,
  };
  const store = new RunStore(root, { onError: (m) => errors.push(m), ...(asRoot ? { fs: rootFs } : {}) });
  newRun(store);
  store.saveCheckpoint('run-a', 5, bytes(5, 5), bytes(1));
  if (asRoot) readOnly = true;
  else fs.chmodSync(runFolder, 0o555);
  try {
    for (let i = 0; i < 3; i++) assert.equal(store.saveCheckpoint('run-a', 6 + i, bytes(6, 6), bytes(2)), false);
  } finally {
    readOnly = false;
    if (!asRoot) fs.chmodSync(runFolder, 0o755);
  }
  assert.equal(errors.length, 1);
  assert.match(errors[0], /EACCES/);
  assert.deepEqual([...fs.readFileSync(path.join(root, 'run-a', MODEL_FILE))], [5, 5]);
});

test('metrics of a long run stay bounded and still span every step', () => {
  const root = tempRoot();
  const store = new RunStore(root, { maxMetricLines: 100 });
  newRun(store);
  const steps = 100_000;
  // Loss falls linearly from 4 to 1 over the run; window means must follow it.
  const lossAt = (s: number) => 4 - (3 * (s - 1)) / (steps - 1);
  for (let first = 1; first <= steps; first += 250) {
    const n = Math.min(250, steps - first + 1);
    const losses = Array.from({ length: n }, (_, i) => lossAt(first + i));
    store.appendMetrics('run-a', first, losses, losses.map(() => 1));
  }
  const lines = new RunStore(root).readMetrics('run-a');
  assert.ok(lines.length <= 101 && lines.length >= 25, `${lines.length} lines`);
  assert.ok(lines[0].step <= steps / 25, `first line at step ${lines[0].step}`);
  assert.ok(lines[lines.length - 1].step >= steps * 0.95, `last line at step ${lines[lines.length - 1].step}`);
  const stride = new RunStore(root).get('run-a')!.metricsStride;
  for (const line of lines) {
    assert.equal(line.step % stride, 0);
    // The mean of a linear loss over the window (step − stride, step] is the loss at its middle.
    assert.ok(Math.abs(line.loss - lossAt(line.step - (stride - 1) / 2)) < 1e-3, `step ${line.step}: ${line.loss}`);
  }
  assert.ok(fs.statSync(path.join(root, 'run-a', 'metrics.jsonl')).size < 10_000);
});

test('delete removes the folder; delete all empties the store; stray folders are ignored', () => {
  const root = tempRoot();
  const store = new RunStore(root);
  newRun(store, 'run-1');
  newRun(store, 'run-2');
  newRun(store, 'run-3');
  fs.mkdirSync(path.join(root, 'not-a-run'));
  fs.writeFileSync(path.join(root, 'not-a-run', 'run.json'), '{ broken');
  store.delete('run-2');
  assert.equal(fs.existsSync(path.join(root, 'run-2')), false);
  assert.deepEqual(new RunStore(root).list().map((r) => r.id).sort(), ['run-1', 'run-3']);
  assert.equal(store.deleteAll(), 2);
  assert.deepEqual(new RunStore(root).list(), []);
  assert.throws(() => store.folder('../escape'), /not a run id/);
});

test('a store folder that cannot be created: runs still start, one message, nothing listed', () => {
  const parent = tempRoot();
  const root = path.join(parent, 'runs');
  fs.writeFileSync(root, 'a file where the folder should be');
  const errors: string[] = [];
  const store = new RunStore(root, { onError: (m) => errors.push(m) });
  newRun(store, 'run-1');
  store.update('run-1', { status: 'training', step: 5 });
  assert.equal(store.saveCheckpoint('run-1', 5, bytes(1), bytes(2)), false);
  store.appendMetrics('run-1', 1, [1, 2], [1, 1]);
  assert.equal(errors.length, 1);
  assertUserMessage(errors[0]);
  assert.match(errors[0], /ENOTDIR|EEXIST/);
  assert.deepEqual(new RunStore(root).list(), []);
});

test('the store writes its own .gitignore, and refuses a symlinked store folder: nothing written or read through it', () => {
  const parent = tempRoot();
  const root = path.join(parent, '.sequence-lab');
  newRun(new RunStore(root), 'run-1');
  assert.match(fs.readFileSync(path.join(root, '.gitignore'), 'utf8'), /^\*$/m);

  const elsewhere = tempRoot();
  const linked = path.join(tempRoot(), '.sequence-lab');
  fs.symlinkSync(elsewhere, linked);
  const errors: string[] = [];
  const store = new RunStore(linked, { onError: (m) => errors.push(m) });
  newRun(store, 'run-2');
  assert.deepEqual(fs.readdirSync(elsewhere), [], 'nothing was written through the link');
  assert.equal(errors.length, 1);
  assert.match(errors[0], /symbolic link/);
  fs.cpSync(path.join(root, 'run-1'), path.join(elsewhere, 'run-1'), { recursive: true });
  assert.deepEqual(new RunStore(linked, { onError: () => undefined }).list(), [], 'nor read through it');
});

test('run folders from a repository: a symlinked run, a run.json with bad settings, status, hash or size are not listed', () => {
  const root = tempRoot();
  const store = new RunStore(root);
  newRun(store, 'good');
  const good = JSON.parse(fs.readFileSync(path.join(root, 'good', 'run.json'), 'utf8')) as Record<string, unknown>;
  const outside = tempRoot();
  fs.mkdirSync(path.join(outside, 'linked'));
  fs.writeFileSync(path.join(outside, 'linked', 'run.json'), JSON.stringify({ ...good, id: 'linked' }));
  fs.symlinkSync(path.join(outside, 'linked'), path.join(root, 'linked'));
  const bad: Record<string, Record<string, unknown>> = {
    hidden: { config: { ...(good.config as object), hiddenSize: 1e6 } },
    layers: { config: { ...(good.config as object), layers: 100000 } },
    cell: { config: { ...(good.config as object), cell: 'tanh")\nimport os' } },
    // The same under the old key (run.json before the config took the experiment file's names): renamed, then refused.
    oldCell: { config: { ...(good.config as object), cell: undefined, model: 'tanh")\nimport os' } },
    status: { status: '<script>' },
    sha: { dataSha256: 'not hex' },
    label: { dataLabel: 'x'.repeat(100_000) },
    step: { step: -1 },
    heldOutText: { heldOut: { description: 'x'.repeat(100_000), trainCount: 9, heldOutCount: 1, stepsPerEpoch: 1 } },
    heldOutCount: { heldOut: { description: 'the last 10%', trainCount: -5, heldOutCount: 1, stepsPerEpoch: 1 } },
    heldOutEpoch: { heldOut: { description: 'the last 10%', trainCount: 9, heldOutCount: 1, stepsPerEpoch: 0 } },
  };
  for (const [id, patch] of Object.entries(bad)) {
    fs.mkdirSync(path.join(root, id));
    fs.writeFileSync(path.join(root, id, 'run.json'), JSON.stringify({ ...good, id, ...patch }));
  }
  fs.mkdirSync(path.join(root, 'huge'));
  fs.writeFileSync(path.join(root, 'huge', 'run.json'), JSON.stringify({ ...good, id: 'huge', pad: 'x'.repeat(2_000_000) }));
  fs.mkdirSync(path.join(root, 'goodHeld'));
  fs.writeFileSync(path.join(root, 'goodHeld', 'run.json'), JSON.stringify({ ...good, id: 'goodHeld', heldOut: { description: 'the last 10% of the characters', trainCount: 89, heldOutCount: 10, stepsPerEpoch: 4.5 } }));
  assert.deepEqual(new RunStore(root).list().map((r) => r.id).sort(), ['good', 'goodHeld']);
});

test('a metrics.jsonl or heldout.jsonl over the size cap is not read (a repository could commit any file); a null line is skipped', () => {
  const root = tempRoot();
  const errors: string[] = [];
  const store = new RunStore(root, { onError: (m) => errors.push(m) });
  newRun(store);
  store.appendMetrics('run-a', 1, [2], [0.5]);
  const metrics = path.join(root, 'run-a', 'metrics.jsonl');
  fs.appendFileSync(metrics, 'null\n5\n"x"\n');
  assert.deepEqual(store.readMetrics('run-a').map((m) => m.step), [1]);
  // A sparse file just over the cap: never read, one message naming it and its size.
  fs.truncateSync(metrics, MAX_JSONL_BYTES + 1);
  assert.deepEqual(store.readMetrics('run-a'), []);
  fs.writeFileSync(path.join(root, 'run-a', 'heldout.jsonl'), '');
  fs.truncateSync(path.join(root, 'run-a', 'heldout.jsonl'), MAX_JSONL_BYTES + 1);
  assert.deepEqual(store.readHeldOut('run-a'), []);
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0], /metrics\.jsonl: it is 16\.0 MB, over the 16 MB/);
  assertUserMessage(errors[0]);
});
