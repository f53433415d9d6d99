// The Runs view's "Export as PyTorch Project…" without VS Code: a stored run of the Training panel (its settings and a
// real checkpoint of the worker's CharModel) becomes the files of the `export-pytorch` project. With /usr/bin/python3
// + torch, the written project's --eval equals `sequence-lab eval`, and --steps makes the updates the worker's
// CharModel makes from the same weights (one stream, seqLength, optimiser, clipping, seed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { run as evalRun } from '../../src/cli/commands/evalModel';
import { decodeModel } from '../../src/cli/commands/readModel';
import { projectDataFile, RunExportError, runProjectFiles, type ExportableRun } from '../../src/commands/exportRunProject';
import { describeModel, readSafetensorsHeader, vocabularyMismatch } from '../../src/shared/safetensorsHeader';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { parseRunHistory } from '../../src/training/importedHistory';
import { CharModel } from '../../src/worker/charModel';
import { PYTHON, readmeShellEnv, requireTorch } from '../fixtures/pytorch';

/** As the host hashes a run's data (runPersistence.ts): SHA-256 of the text, UTF-8. */
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(6);
const CONFIG: TrainingConfig = { ...DEFAULT_CONFIG, cell: 'gru', layers: 2, hiddenSize: 7, seqLength: 9, optimizer: 'rmsprop', learningRate: 0.01, clip: 0.5, seed: 11 };

function storedRun(config: TrainingConfig = CONFIG, checkpointStep?: number): ExportableRun {
  return { dataUri: 'file:///work/notes/fox%20tales.txt', dataLabel: 'fox tales.txt', dataSha256: sha256(TEXT), config, step: 5, ...(checkpointStep !== undefined ? { checkpointStep } : {}) };
}

/** model.safetensors as the worker posts it after `steps` updates. */
function checkpoint(config: TrainingConfig, steps: number): Uint8Array {
  const model = new CharModel(TEXT, config);
  for (let s = 0; s < steps; s++) model.step();
  return model.checkpoint().model;
}

const contents = (files: { path: string; contents: string | Uint8Array }[], path: string): string | Uint8Array => {
  const file = files.find((f) => f.path === path);
  assert.ok(file, `no ${path} among ${files.map((f) => f.path).join(', ')}`);
  return file.contents;
};

test('a GRU run exports train.py building nn.GRU with its layers and hidden size, its settings, the checkpoint and the data', () => {
  const model = checkpoint(CONFIG, 3);
  const files = runProjectFiles(storedRun(CONFIG, 3), model, TEXT);
  const vocab = new Set(TEXT).size;
  const train = contents(files, 'train.py') as string;
  assert.match(train, new RegExp(`self\\.rnn = nn\\.GRU\\(${vocab}, 7, num_layers=2, bidirectional=False, batch_first=True\\)`));
  assert.match(train, new RegExp(`self\\.head = nn\\.Linear\\(7 \\* 1, ${vocab}\\)`));
  assert.match(train, /self\.embed = None {2}# one-hot input/);
  assert.doesNotMatch(train, /nn\.LSTM\(|nn\.RNN\(/);
  // The settings the project continues training with: the Training panel's, one stream.
  assert.match(train, /\\"seqLength\\":9,/);
  assert.match(train, /\\"batch\\":1,/);
  assert.match(train, /\\"optimizer\\":\{\\"kind\\":\\"rmsprop\\",\\"learningRate\\":0\.01\}/);
  assert.match(train, /\\"clip\\":0\.5,/);
  assert.match(train, /\\"seed\\":11,\\"dtype\\":\\"float32\\"\}/);
  assert.match(train, /\\"dataFile\\":\\"data\/fox_tales\.txt\\"/);
  assert.deepEqual(contents(files, 'model.safetensors'), model);
  assert.equal(new TextDecoder().decode(contents(files, 'data/fox_tales.txt') as Uint8Array), TEXT);
  assert.match(contents(files, 'README.md') as string, /2-layer GRU \(hidden 7, one-hot input\)/);
  for (const name of ['safetensors_io.py', 'torchrun_compat.py', 'requirements.txt']) contents(files, name);
});

test('an LSTM run names nn.LSTM; the step count is the checkpoint\'s', () => {
  const config: TrainingConfig = { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 5 };
  const train = contents(runProjectFiles(storedRun(config, 2), checkpoint(config, 2), TEXT), 'train.py') as string;
  assert.match(train, /self\.rnn = nn\.LSTM\(\d+, 5, num_layers=1,/);
  assert.match(train, /\\"steps\\":2,/);
  assert.match(train, /\\"optimizer\\":\{\\"kind\\":\\"adam\\"/);
});

test('a run without a checkpoint, or whose checkpoint or data do not fit it, gives one line saying why', () => {
  assert.throws(() => runProjectFiles(storedRun(), undefined, TEXT), (e: unknown) => e instanceof RunExportError && /^The run on fox tales\.txt has no saved checkpoint yet: train it until it saves one \(every 200 steps\)/.test(e.message));
  const lstm: TrainingConfig = { ...CONFIG, cell: 'lstm' };
  assert.throws(() => runProjectFiles(storedRun(lstm), checkpoint(CONFIG, 0), TEXT), /The checkpoint holds GRU, 2 layer\(s\), H=7, but the run's settings say LSTM, 2 layer\(s\), H=7\./);
  assert.throws(() => runProjectFiles(storedRun(), checkpoint(CONFIG, 0), `${TEXT}ZQ`), /fox tales\.txt now has 2 character\(s\) the model never saw \("Q", "Z"\); train\.py could not read it\./);
  assert.throws(() => runProjectFiles(storedRun(), new Uint8Array([1, 2, 3]), TEXT), /The checkpoint of the run on fox tales\.txt is damaged: This is not a valid safetensors file/);
});

test('the data file keeps the name of the file the run trained on, made safe for any file system', () => {
  assert.equal(projectDataFile({ dataUri: 'file:///a/b/corpus.txt', dataLabel: 'corpus.txt' }), 'data/corpus.txt');
  assert.equal(projectDataFile({ dataUri: 'untitled:Untitled-1', dataLabel: 'Untitled-1' }), 'data/Untitled-1');
  assert.equal(projectDataFile({ dataUri: 'file:///x/..%2F..%2Fetc', dataLabel: 'etc' }), 'data/etc');
  assert.equal(projectDataFile({ dataUri: 'file:///x/%E2%98%83', dataLabel: '☃' }), 'data/data.txt');
});

const dir = mkdtempSync(join(tmpdir(), 'seqlab-export-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function python(cwd: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  assert.equal(r.status, 0, `python3 ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

// RMSProp with clipping at 0.5: its v does not cancel the scale of the clipped gradient (Adam's m/√v would), so
// this catches train.py clipping by anything but the engine's exact max/‖g‖.
const TORCH_CONFIG: TrainingConfig = CONFIG;

/** A run with the Model view's options: 3 streams, k2 = 6 of k1 = 9, SGD with momentum, a 5-wide embedding. */
const BATCHED_CONFIG: TrainingConfig = { ...CONFIG, cell: 'lstm', layers: 1, batch: 3, truncate: 6, optimizer: 'sgd', momentum: 0.9, learningRate: 0.05, embedding: 5 };

for (const [name, config] of [['the one-stream GRU', TORCH_CONFIG], ['a batched, truncated LSTM with momentum and an embedding', BATCHED_CONFIG]] as const) {
test(`under torch, ${name} evaluates as sequence-lab eval and trains as the worker's trainer`, async () => {
  requireTorch();
  const runDir = mkdtempSync(join(dir, 'run-'));
  const model = checkpoint(config, 4);
  // As the Runs view stores it: with the held-out part the worker announced (the text's tail, not trained on).
  const run = { ...storedRun(config, 4), heldOut: new CharModel(TEXT, config).heldOut };
  for (const f of runProjectFiles(run, model, TEXT)) {
    mkdirSync(dirname(join(runDir, f.path)), { recursive: true });
    writeFileSync(join(runDir, f.path), f.contents);
  }
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), readFile: async (p: string) => new Uint8Array(await readFile(p)), writeFile: async () => undefined };
  assert.equal(await evalRun([join(runDir, 'model.safetensors'), join(runDir, 'data/fox_tales.txt')], io), 0, out.join(''));
  const ours = JSON.parse(out.join('')) as { loss: number; tokens: number };
  const theirs = JSON.parse(python(runDir, 'train.py', '--eval')) as { loss: number; tokens: number };
  assert.equal(theirs.tokens, ours.tokens);
  assert.ok(Math.abs(theirs.loss - ours.loss) <= 1e-12 * ours.loss, `torch ${theirs.loss} vs ours ${ours.loss}`);

  // The worker resuming from the weights alone (fresh optimiser, data from its start), as train.py continues: in
  // float64 the same updates to 1e-11; in the run's own dtype (float32, train.py's default for it), to float32 rounding.
  const continued = (dtype: 'float32' | 'float64'): { ours: Float64Array; theirs: Float64Array } => {
    const worker = new CharModel(TEXT, { ...config, dtype }, { model });
    for (let s = 0; s < 3; s++) worker.step();
    const copy = mkdtempSync(join(dir, `${dtype}-`));
    cpSync(runDir, copy, { recursive: true });
    python(copy, 'train.py', '--steps', '3', ...(dtype === 'float64' ? ['--dtype', 'float64'] : []));
    return {
      ours: decodeModel(worker.checkpoint().model).stack.params,
      theirs: decodeModel(new Uint8Array(readFileSync(join(copy, 'model.safetensors')))).stack.params,
    };
  };
  const worstOf = ({ ours, theirs }: { ours: Float64Array; theirs: Float64Array }): number => {
    let worst = 0;
    for (let i = 0; i < theirs.length; i++) worst = Math.max(worst, Math.abs(theirs[i] - ours[i]) / (1 + Math.abs(ours[i])));
    return worst;
  };
  const f64 = continued('float64');
  assert.ok(worstOf(f64) < 1e-11, `float64: parameters differ by up to ${worstOf(f64)}`);
  assert.notDeepEqual(f64.theirs, decodeModel(model).stack.params);
  assert.equal(config.dtype, undefined, 'the run names no dtype: it trained in float32, the default');
  const f32 = continued('float32');
  assert.ok(worstOf(f32) < 1e-5, `float32: parameters differ by up to ${worstOf(f32)}`);
  assert.ok(worstOf({ ours: f32.ours, theirs: f64.theirs }) > 1e-11, 'float32 is another arithmetic than float64');
});}


test('a run trained in the panel at batch 1, exported, continued on 2 processes with the README\'s own command, opens back in VS Code with its history', async () => {
  requireTorch();
  const runDir = mkdtempSync(join(dir, 'grow-'));
  const model = checkpoint(CONFIG, 4);
  for (const f of runProjectFiles(storedRun(CONFIG, 4), model, TEXT)) {
    mkdirSync(dirname(join(runDir, f.path)), { recursive: true });
    writeFileSync(join(runDir, f.path), f.contents);
  }
  const readme = readFileSync(join(runDir, 'README.md'), 'utf8');
  const printed = (prefix: string): string => {
    const line = readme.split('\n').find((l) => l.startsWith(prefix) && l.includes('--nnodes=1 --nproc_per_node=2 ') && !l.includes('--device'));
    assert.ok(line, `the README prints a "${prefix}" line for 2 processes`);
    return line.replace(/\s+#.*$/, '');
  };
  let command = printed('torchrun ');
  assert.match(command, /--batch 2 --steps 200$/, 'batch 1 has one stream: the command asks for two');
  const env = readmeShellEnv();
  let r = spawnSync('sh', ['-c', command], { cwd: runDir, encoding: 'utf8', env });
  if (r.status !== 0 && r.stderr.includes("'NoneType' object has no attribute 'get'")) {
    command = printed('python3 torchrun_compat.py ');
    r = spawnSync('sh', ['-c', command], { cwd: runDir, encoding: 'utf8', env });
  }
  assert.equal(r.status, 0, `${command}\n${r.stderr}`);
  assert.match(r.stdout, /^200 steps in [\d.]+ s on 2 process\(es\), cpu:/m);

  // Open PyTorch Model…: the host reads the header, the worker loads the weights onto the text and trains on.
  const grown = new Uint8Array(readFileSync(join(runDir, 'model.safetensors')));
  const described = describeModel(readSafetensorsHeader(grown));
  assert.deepEqual([described.cell, described.layers, described.hiddenSize], ['gru', 2, 7]);
  assert.equal(vocabularyMismatch(described, TEXT, 'fox tales.txt'), undefined);
  const worker = new CharModel(TEXT, CONFIG, { model: grown });
  assert.deepEqual(decodeModel(worker.checkpoint().model).stack.params, decodeModel(grown).stack.params);
  assert.ok(Number.isFinite(worker.step().loss));
  // …and the history beside it continues the panel run's 4 steps.
  const history = parseRunHistory(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8'));
  assert.ok('lines' in history);
  assert.deepEqual(history.lines.map((m) => m.step), Array.from({ length: 200 }, (_, i) => 5 + i));
  assert.ok(history.lines.at(-1)!.loss < history.lines[0].loss, 'training lowered the loss');
});
