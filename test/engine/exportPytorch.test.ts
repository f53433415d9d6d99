// `sequence-lab export-pytorch RUN_DIR --out DIR` without Python: the project's files, train.py's module matching the
// tensor names of model.safetensors for every model shape, and one-line errors for bad run directories.
// (test/engine/exportPytorchPython.test.ts runs the exported project under torch when it is installed.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileTooLargeError } from '../../src/cli/commands/cliIo';
import { run as exportRun, type ExportIo } from '../../src/cli/commands/exportPytorch';
import { run as trainRun } from '../../src/cli/commands/trainModel';
import { decodeSafetensors } from '../../src/engine/safetensors';

function memoryIo(files: Record<string, string>): ExportIo & { out: string[]; err: string[]; files: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)]));
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err, files: map,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readFile: async (p) => {
      const f = map.get(p);
      if (!f) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
      return f;
    },
    // The in-memory files with the bound of the real reader (readRegularFileAtMost).
    readFileAtMost: async (p, maxBytes) => {
      const f = map.get(p);
      if (!f) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      if (f.length > maxBytes) throw new FileTooLargeError(p, f.length);
      return f;
    },
    writeFile: async (p, d) => {
      map.set(p, typeof d === 'string' ? new TextEncoder().encode(d) : d);
    },
    listDir: async (dir) => {
      const names = [...map.keys()].filter((k) => k.startsWith(`${dir}/`)).map((k) => k.slice(dir.length + 1).split('/')[0]);
      return names.length > 0 ? [...new Set(names)] : null;
    },
  };
}

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(12);
const TAGGED = Array.from({ length: 6 }, (_, i) => `the\tD\n${i % 2 ? 'dog' : 'cat'}\tN\nruns\tV\n`).join('\n');
const SERIES = 'a,b\n' + Array.from({ length: 40 }, (_, i) => `${Math.sin(i / 3).toFixed(3)},${(i % 5) / 5}`).join('\n') + '\n';
const decode = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

/** STATE_DICT_NAMES as written into train.py (a JSON list inside a Python string literal). */
function namesInTrainPy(train: string): string[] {
  const m = /^STATE_DICT_NAMES = json\.loads\((".*")\)$/m.exec(train);
  assert.ok(m, 'train.py defines STATE_DICT_NAMES');
  return JSON.parse(JSON.parse(m[1]) as string) as string[];
}

const shapes: { name: string; file: string; args: string[]; expect: RegExp[]; absent: RegExp[] }[] = [
  {
    name: 'LSTM, 2 layers, embedding', file: 'data.txt', args: ['--model', 'lstm', '--layers', '2', '--hidden', '6', '--embedding', '4'],
    expect: [/self\.embed = nn\.Embedding\(\d+, 4\)/, /self\.rnn = nn\.LSTM\(4, 6, num_layers=2, bidirectional=False, batch_first=True\)/, /self\.head = nn\.Linear\(6 \* 1, \d+\)/],
    absent: [],
  },
  {
    name: 'RNN relu, words, one-hot', file: 'data.txt', args: ['--model', 'rnn', '--nonlinearity', 'relu', '--tokens', 'words', '--hidden', '5'],
    expect: [/self\.rnn = nn\.RNN\(8, 5, nonlinearity="relu", num_layers=1/],
    absent: [/nn\.Embedding/],
  },
  {
    name: 'bidirectional GRU tagger', file: 'tags.tsv', args: ['--model', 'gru', '--bidirectional', '--hidden', '3', '--embedding', '2'],
    expect: [/self\.rnn = nn\.GRU\(2, 3, num_layers=1, bidirectional=True, batch_first=True\)/, /self\.head = nn\.Linear\(3 \* 2, 3\)/],
    absent: [],
  },
  { name: 'series LSTM', file: 'series.csv', args: ['--model', 'lstm', '--hidden', '4'], expect: [/nn\.LSTM\(2, 4,/, /self\.head = nn\.Linear\(4 \* 1, 2\)/], absent: [/nn\.Embedding/] },
];

for (const shape of shapes) {
  test(`export-pytorch writes the project; train.py's module has the model's tensor names (${shape.name})`, async () => {
    const io = memoryIo({ 'data.txt': TEXT, 'tags.tsv': TAGGED, 'series.csv': SERIES });
    assert.equal(await trainRun([shape.file, ...shape.args, '--steps', '2', '--out', 'run'], io), 0, io.err.join(''));
    assert.equal(await exportRun(['run', '--out', 'proj'], io), 0, io.err.join(''));
    for (const f of ['train.py', 'safetensors_io.py', 'torchrun_compat.py', 'README.md', 'requirements.txt', 'metrics.jsonl', 'model.safetensors', `data/${shape.file}`]) {
      assert.ok(io.files.has(`proj/${f}`), `proj/${f} written`);
    }
    assert.deepEqual(io.files.get('proj/model.safetensors'), io.files.get('run/model.safetensors'));
    assert.equal(decode(io.files.get(`proj/data/${shape.file}`)), decode(io.files.get(shape.file)));
    assert.match(decode(io.files.get('proj/requirements.txt')), /^torch/m);
    const train = decode(io.files.get('proj/train.py'));
    const tensorNames = decodeSafetensors(io.files.get('run/model.safetensors')!).tensors.map((t) => t.name);
    assert.deepEqual(namesInTrainPy(train).sort(), tensorNames.sort());
    for (const re of shape.expect) assert.match(train, re);
    for (const re of shape.absent) assert.doesNotMatch(train, re);
    assert.match(train, new RegExp(`"dataFile\\\\":\\\\"data/${shape.file.replace('.', '\\.')}`));
    assert.match(decode(io.files.get('proj/README.md')), /^torchrun --nnodes=1 --nproc_per_node=2 --rdzv_backend=c10d --rdzv_endpoint=localhost:0 train\.py --batch \d+ --steps 200 /m);
  });
}

test('export-pytorch: one-line errors for a bad run directory, a missing or changed data file, a non-empty --out', async () => {
  const io = memoryIo({ 'data.txt': TEXT });
  assert.equal(await trainRun(['data.txt', '--hidden', '4', '--steps', '2', '--out', 'run'], io), 0, io.err.join(''));
  const fails = async (args: string[], code: number, message: RegExp): Promise<void> => {
    assert.equal(await exportRun(args, io), code, args.join(' '));
    const err = io.err.pop()!;
    assert.match(err, message);
    assert.equal(err.split('\n')[0].startsWith('error: '), true, err);
  };
  await fails(['run'], 2, /^error: export-pytorch needs --out DIR \(see sequence-lab export-pytorch --help\)\n$/);
  await fails(['nowhere', '--out', 'p'], 1, /^error: nowhere is not a directory \(expected a run directory written by `sequence-lab train --out`\)\.\n$/);
  io.files.set('other/notes.txt', new TextEncoder().encode('hi'));
  await fails(['other', '--out', 'p'], 1, /^error: other has no run\.json/);
  io.files.set('other/run.json', new TextEncoder().encode('{ not json'));
  await fails(['other', '--out', 'p'], 1, /^error: other\/run\.json is not valid JSON\.\n$/);
  io.files.set('other/run.json', new TextEncoder().encode('{"config": {}}'));
  await fails(['other', '--out', 'p'], 1, /^error: other\/run\.json is not a Sequence Lab run/);
  io.files.set('other/run.json', io.files.get('run/run.json')!);
  await fails(['other', '--out', 'p'], 1, /^error: other has no model\.safetensors\.\n$/);

  const original = io.files.get('data.txt')!;
  io.files.set('data.txt', new TextEncoder().encode(TEXT + 'one more line\n'));
  await fails(['run', '--out', 'p'], 1, /^error: The training data data\.txt has changed since training \(SHA-256 [0-9a-f]{12}…, run\.json says [0-9a-f]{12}…\)\.\n$/);
  io.files.delete('data.txt');
  await fails(['run', '--out', 'p'], 1, /^error: The training data data\.txt \(from run\.json\) is missing; looked at data\.txt and run\/data\.txt\.\n$/);
  io.files.set('run/data.txt', original); // found next to run.json too
  io.files.set('p/keep.txt', new TextEncoder().encode('mine'));
  await fails(['run', '--out', 'p'], 1, /^error: p is not empty; pass --force to write into it anyway\.\n$/);
  assert.equal(io.files.has('p/train.py'), false, 'nothing written into a non-empty directory');
  assert.equal(await exportRun(['run', '--out', 'p', '--force'], io), 0, io.err.join(''));
  assert.equal(decode(io.files.get('p/keep.txt')), 'mine');
  assert.ok(io.files.has('p/train.py'));
});

test('export-pytorch through the real entry point (src/cli.ts): --help, export, and a non-empty --out refused', () => {
  const root = join(import.meta.dirname, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-export-'));
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', cwd: root });
  const help = cli('export-pytorch', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: sequence-lab export-pytorch RUN_DIR --out DIR \[--force\]/);
  assert.match(cli('--help').stdout, /sequence-lab export-pytorch RUN_DIR/);
  writeFileSync(join(dir, 'data.txt'), TEXT);
  const trained = cli('train', join(dir, 'data.txt'), '--model', 'gru', '--hidden', '4', '--steps', '2', '--out', join(dir, 'run'));
  assert.equal(trained.status, 0, trained.stderr);
  const exported = cli('export-pytorch', join(dir, 'run'), '--out', join(dir, 'proj'));
  assert.equal(exported.status, 0, exported.stderr);
  assert.deepEqual(readdirSync(join(dir, 'proj')).sort(), ['README.md', 'data', 'metrics.jsonl', 'model.safetensors', 'requirements.txt', 'safetensors_io.py', 'torchrun_compat.py', 'train.py']);
  assert.equal(readFileSync(join(dir, 'proj', 'data', 'data.txt'), 'utf8'), TEXT);
  const again = cli('export-pytorch', join(dir, 'run'), '--out', join(dir, 'proj'));
  assert.equal(again.status, 1);
  assert.equal(again.stderr, `error: ${join(dir, 'proj')} is not empty; pass --force to write into it anyway.\n`);
});

test('the README\'s 2-process commands fit the run: batch 1 asks for --batch 2, batch 3 keeps its 3 streams; learning rates for a larger batch', async () => {
  const io = memoryIo({ 'data.txt': TEXT });
  for (const [batch, printed, lr2, lr4] of [[1, 2, '0.002828', '0.004'], [3, 3, '0.002', '0.002309']] as const) {
    assert.equal(await trainRun(['data.txt', '--hidden', '4', '--batch', String(batch), '--lr', '0.002', '--steps', '2', '--out', `run${batch}`], io), 0, io.err.join(''));
    assert.equal(await exportRun([`run${batch}`, '--out', `proj${batch}`], io), 0, io.err.join(''));
    const readme = decode(io.files.get(`proj${batch}/README.md`));
    const twoProcesses = readme.split('\n').filter((l) => /--nnodes=1 --nproc_per_node=2 .* train\.py/.test(l) && !/--device cuda/.test(l));
    assert.equal(twoProcesses.length, 2, readme); // torchrun, and the torchrun_compat.py line
    for (const l of twoProcesses) assert.match(l, new RegExp(`train\\.py --batch ${printed} --steps 200`));
    assert.doesNotMatch(readme, /at most 1 processes/);
    assert.match(readme, batch === 1 ? /The run trained with 1 stream, so the commands for 2 processes re-shard the data into `--batch 2` streams/ : /share the run's 3 streams between them/);
    // Adam: √k scaling of the run's rate as the starting point (k = new batch / old batch).
    assert.match(readme, new RegExp(`\`--lr ${lr2.replace('.', '\\.')}\` for \`--batch ${printed}\` and \`--lr ${lr4.replace('.', '\\.')}\` for \`--batch 4\``));
    assert.match(readme, /--nnodes=2 --nproc_per_node=2 --rdzv_backend=c10d --rdzv_endpoint=HOST:29400 --rdzv_id=seqlab train\.py --batch 4/);
    assert.match(readme, /its steps\n {2}continue the exported run's 2\./);
  }
});
