// A run folder may come from a repository (.sequence-lab/runs committed with it): every file the store reads in it
// (run.json, metrics.jsonl, heldout.jsonl, model.safetensors, trainer-state.safetensors) is read only when it is a
// regular file reached without a symlink, and only up to its bound, checked before anything is allocated. A symlink
// is not followed (not even to a file that would parse), a FIFO does not block the extension host, and appending to a
// run's files never writes through a symlink. Reads run in a child process (test/fixtures/readRunFolder.ts) so that a
// read blocking on a FIFO fails this test by its time limit instead of hanging the runner.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { MAX_MODEL_FILE_BYTES, RunStore } from '../../src/training/runStore';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-run-folder-')));
after(() => fs.rmSync(base, { recursive: true, force: true }));
const canFifo = spawnSync('mkfifo', [path.join(base, 'probe.fifo')]).status === 0;

/** A store with one run written by the store itself: run.json, metrics, held-out scores and a checkpoint. */
function storeWithRun(name: string): { root: string; folder: string } {
  const root = path.join(base, name, 'runs');
  const store = new RunStore(root);
  store.create({ id: 'run-a', dataUri: 'file:///ws/verse.txt', dataLabel: 'verse.txt', dataSha256: 'a'.repeat(64), modelLabel: 'char RNN', config: DEFAULT_CONFIG, status: 'stopped' });
  store.appendMetrics('run-a', 1, [2, 1.9, 1.8], [0.5, 0.4, 0.3]);
  store.appendHeldOut('run-a', { step: 3, loss: 1.7, count: 10 });
  store.saveCheckpoint('run-a', 3, new Uint8Array([1, 2, 3]), new Uint8Array([4]));
  return { root, folder: path.join(root, 'run-a') };
}

/** Outside the store: files a committed symlink could lead to (they would even parse). */
const outside = path.join(base, 'outside');
fs.mkdirSync(outside);
fs.writeFileSync(path.join(outside, 'metrics.jsonl'), '{"step":1,"loss":9,"gradNorm":1}\n{"step":2,"loss":9,"gradNorm":1}\n');
fs.writeFileSync(path.join(outside, 'model.safetensors'), new Uint8Array([9, 9, 9, 9]));

interface Read {
  listed: string[];
  metrics: number | null;
  heldOut: number | null;
  hasCheckpoint: boolean | null;
  model: number | null;
  state: number | null;
  errors: string[];
  maxRssMB: number;
}

function readInChild(root: string): Read {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/readRunFolder.ts', root, 'run-a'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `the reads finished (not killed after 60 s: a read blocked): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Read;
}

function replace(file: string, by: 'symlink' | 'fifo', target?: string): void {
  fs.rmSync(file);
  if (by === 'symlink') fs.symlinkSync(target!, file);
  else assert.equal(spawnSync('mkfifo', [file]).status, 0);
}

test('a run folder the store wrote is read whole (the baseline the refusals below differ from)', () => {
  const { root } = storeWithRun('plain');
  const read = readInChild(root);
  assert.deepEqual({ ...read, maxRssMB: 0 }, { listed: ['run-a'], metrics: 3, heldOut: 1, hasCheckpoint: true, model: 3, state: 1, errors: [], maxRssMB: 0 });
});

test('symlinked metrics.jsonl, heldout.jsonl and checkpoints are not followed, even to files that parse; said once each', () => {
  const { root, folder } = storeWithRun('links');
  replace(path.join(folder, 'metrics.jsonl'), 'symlink', path.join(outside, 'metrics.jsonl'));
  replace(path.join(folder, 'heldout.jsonl'), 'symlink', path.join(outside, 'metrics.jsonl'));
  replace(path.join(folder, 'model.safetensors'), 'symlink', path.join(outside, 'model.safetensors'));
  const read = readInChild(root);
  assert.equal(read.metrics, 0, 'metrics.jsonl → outside is not read');
  assert.equal(read.heldOut, 0);
  assert.equal(read.hasCheckpoint, false, 'a symlinked model.safetensors is no checkpoint');
  assert.equal(read.model, null);
  assert.ok(read.errors.some((e) => /metrics\.jsonl/.test(e) && /symbolic link/.test(e)), JSON.stringify(read.errors));
  assert.ok(read.errors.some((e) => /model\.safetensors/.test(e) && /symbolic link/.test(e)), JSON.stringify(read.errors));
});

test('a symlinked trainer state is dropped, the model alone still resumes', () => {
  const { root, folder } = storeWithRun('state-link');
  replace(path.join(folder, 'trainer-state.safetensors'), 'symlink', path.join(outside, 'model.safetensors'));
  const read = readInChild(root);
  assert.equal(read.model, 3);
  assert.equal(read.state, null);
});

test('FIFOs in place of run.json, metrics.jsonl, heldout.jsonl and the checkpoint never block: refused at once', { skip: !canFifo }, () => {
  const a = storeWithRun('fifos');
  for (const name of ['metrics.jsonl', 'heldout.jsonl', 'model.safetensors', 'trainer-state.safetensors']) replace(path.join(a.folder, name), 'fifo');
  const read = readInChild(a.root);
  assert.deepEqual([read.metrics, read.heldOut, read.hasCheckpoint, read.model], [0, 0, false, null]);
  assert.ok(read.errors.some((e) => /named pipe/.test(e)), JSON.stringify(read.errors));
  const b = storeWithRun('fifo-run');
  replace(path.join(b.folder, 'run.json'), 'fifo');
  assert.deepEqual(readInChild(b.root).listed, [], 'a run.json FIFO is no run');
});

test('a checkpoint over its bound is refused by its size before anything is allocated', () => {
  const { root, folder } = storeWithRun('huge');
  // A sparse file: its size on disk is nothing, reading it whole would allocate MAX_MODEL_FILE_BYTES + 1 bytes.
  fs.truncateSync(path.join(folder, 'model.safetensors'), MAX_MODEL_FILE_BYTES + 1);
  const read = readInChild(root);
  assert.equal(read.model, null);
  assert.ok(read.maxRssMB < 400, `peak memory ${read.maxRssMB} MB: the file was not read`);
  assert.ok(read.errors.some((e) => /model\.safetensors/.test(e) && /MB/.test(e)), JSON.stringify(read.errors));
});

test('appending metrics and held-out scores never writes through a symlink out of the run folder', () => {
  const { root, folder } = storeWithRun('append');
  const target = path.join(outside, 'victim.txt');
  fs.writeFileSync(target, 'untouched\n');
  replace(path.join(folder, 'metrics.jsonl'), 'symlink', target);
  replace(path.join(folder, 'heldout.jsonl'), 'symlink', target);
  const errors: string[] = [];
  const store = new RunStore(root, { onError: (m) => errors.push(m) });
  store.appendMetrics('run-a', 4, [1.5], [0.2]);
  store.appendHeldOut('run-a', { step: 4, loss: 1.6, count: 10 });
  assert.equal(fs.readFileSync(target, 'utf8'), 'untouched\n');
  assert.ok(errors.length > 0, 'the failed append is reported');
});
