// `sequence-lab export-pytorch` on a run folder someone handed over: the data file run.json names is read only up to
// the training limit, refused by its size before anything is allocated (with the extension's words), a FIFO or
// device in its place is refused without blocking, and the data file's name (any bytes a file system allows) never
// becomes code in README.md's shell commands: the project copies it under a name of safe characters, and README.md
// quotes whatever name it is given (checked by running its sh blocks and its command line with /bin/sh, with the
// programs they call replaced by stubs that print their arguments).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { run as exportRun } from '../../src/cli/commands/exportPytorch';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { encodeSafetensors, layoutToSafetensors } from '../../src/engine/safetensors';
import { pytorchProject, type ExportedModelMeta, type ExportedRun } from '../../src/shared/pytorchProject';
import { checkTrainingText, DEFAULT_MAX_TRAINING_MB, trainingSizeMessage } from '../../src/shared/textChecks';
import { fileIo } from '../fixtures/pytorch';

const dir = mkdtempSync(join(tmpdir(), 'seqlab-export-bounds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const META: ExportedModelMeta = {
  task: 'lm', model: { cell: 'rnn', nonlinearity: 'tanh', layers: 1, hiddenSize: 3, bidirectional: false }, inputSize: 2, outputSize: 2, tokens: 'chars', vocabulary: ['a', 'b'],
};
const CONFIG: ExportedRun['config'] = { seqLength: 8, batch: 1, optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 1 };

/** A run folder as `train --out` writes it, naming `dataFile` (written with `data` unless it exists). */
function runFolder(name: string, dataFile: string, data?: string): string {
  const run = join(dir, name);
  mkdirSync(run, { recursive: true });
  const stack = new RecurrentStack({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 3, layers: 1, bidirectional: false, outputSize: 2, maxSteps: 1 });
  writeFileSync(join(run, 'model.safetensors'), encodeSafetensors(layoutToSafetensors(stack.params, stack.tensors, 'F64'), { sequence_lab: JSON.stringify({ format: 'sequence-lab/1', ...META }), format: 'pt' }));
  if (data !== undefined) writeFileSync(dataFile, data);
  const sha = data !== undefined ? createHash('sha256').update(data).digest('hex') : 'a'.repeat(64);
  writeFileSync(join(run, 'run.json'), JSON.stringify({ config: CONFIG, data: { file: dataFile, sha256: sha }, steps: 3 }));
  return run;
}

test('a data file over the training limit is refused by its size, with the extension\'s words, before it is read', async () => {
  const big = join(dir, 'big.txt');
  const run = runFolder('big-run', big);
  // Sparse: nothing on disk, 1.5 GB to read; the old export read it all (and then said it had changed).
  writeFileSync(big, '');
  truncateSync(big, 1536 * 1024 * 1024);
  const io = fileIo();
  const t0 = performance.now();
  const before = process.memoryUsage().arrayBuffers;
  assert.equal(await exportRun([run, '--out', join(dir, 'big-out')], io), 1);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'the file was not read');
  assert.ok(performance.now() - t0 < 20_000, 'refused at once (a generous bound, not a benchmark)');
  assert.equal(io.err.join(''), 'error: big.txt is 1536.0 MB, over the 20.0 MB limit for training. Train on a smaller file.\n');
  assert.equal(existsSync(join(dir, 'big-out')), false, 'nothing written');
  // The sentence `train` and the extension say for a text over the limit, sized before reading here.
  const over = DEFAULT_MAX_TRAINING_MB * 1024 * 1024 + 100_000;
  assert.equal(checkTrainingText('ab'.repeat(over / 2), 'big.txt', DEFAULT_MAX_TRAINING_MB * 1024 * 1024, null).message, trainingSizeMessage(over, 'big.txt', DEFAULT_MAX_TRAINING_MB * 1024 * 1024, null));
});

test('a FIFO or a device named as the data file is refused at once, not read', async () => {
  const fifo = join(dir, 'pipe.txt');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    const io = fileIo();
    assert.equal(await exportRun([runFolder('fifo-run', fifo), '--out', join(dir, 'fifo-out')], io), 1);
    assert.match(io.err.join(''), /^error: .*pipe\.txt is a named pipe, not a regular file\.\n$/);
  }
  const io = fileIo();
  assert.equal(await exportRun([runFolder('zero-run', '/dev/zero'), '--out', join(dir, 'zero-out')], io), 1);
  assert.match(io.err.join(''), /^error: .*zero is a device, not a regular file\.\n$/);
});

const HOSTILE_NAMES = ["verse $(touch PWNED) `touch PWNED`.txt", "it's; touch PWNED; '.txt", 'x\ntouch PWNED\n#.txt', 'a|touch PWNED&.txt', '-rf *.txt', 'ünïcødé ✓.txt'];

test('export-pytorch copies the data under a name of safe characters, whatever the original is called', async () => {
  for (const [i, name] of HOSTILE_NAMES.entries()) {
    const data = join(dir, `d${i}`);
    mkdirSync(data);
    const out = join(dir, `named-out-${i}`);
    const io = fileIo();
    assert.equal(await exportRun([runFolder(`named-${i}`, join(data, name), 'abba abba\n'), '--out', out], io), 0, io.err.join(''));
    const copied = readdirSync(join(out, 'data'));
    assert.equal(copied.length, 1);
    assert.match(copied[0], /^[A-Za-z0-9._-]+$/, `copied as ${JSON.stringify(copied[0])}`);
    assert.equal(readFileSync(join(out, 'data', copied[0]), 'utf8'), 'abba abba\n');
    assert.ok(readFileSync(join(out, 'README.md'), 'utf8').includes(`data/${copied[0]}`));
  }
});

/** Shell stubs: each program README.md's commands call prints its arguments, NUL-terminated, after its name. */
const STUBS = ['pip', 'python3', 'torchrun', 'sequence_lab'].map((p) => `${p}() { printf '%s\\0' ${p} "$@"; }`).join('\n');

/** Runs `script` with /bin/sh in a fresh folder; the arguments printed, and whether a PWNED file appeared. */
function runSh(script: string): { args: string[][]; pwned: boolean } {
  const cwd = mkdtempSync(join(dir, 'sh-'));
  const r = spawnSync('/bin/sh', ['-c', `${STUBS}\n${script}`], { cwd, encoding: 'utf8' });
  const calls: string[][] = [];
  for (const word of r.stdout.split('\0').slice(0, -1)) {
    if (['pip', 'python3', 'torchrun', 'sequence_lab'].includes(word)) calls.push([]);
    else calls[calls.length - 1]?.push(word);
  }
  return { args: calls, pwned: existsSync(join(cwd, 'PWNED')) };
}

test("README.md's shell commands take any data file name as one word: /bin/sh runs nothing from it", () => {
  const names = [...HOSTILE_NAMES.map((n) => `data/${n}`), ...fc.sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }), { numRuns: 60, seed: 19 }).filter((s) => !s.includes('\0')).map((s) => `data/${s}`)];
  for (const dataFile of names) {
    const readme = pytorchProject({ config: CONFIG, data: { file: dataFile, sha256: 'a'.repeat(64) }, steps: 3 }, META, dataFile).find((f) => f.path === 'README.md')!.contents as string;
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    assert.ok(blocks.length >= 3);
    for (const block of blocks) {
      const { pwned } = runSh(block);
      assert.equal(pwned, false, `a sh block ran code from ${JSON.stringify(dataFile)}:\n${block}`);
    }
    // The command line that reads the grown model back: its data argument is exactly the file's name.
    const line = /- (`+) ?(sequence-lab eval model\.safetensors [\s\S]*?) ?\1 \(and/.exec(readme);
    assert.ok(line, 'the eval command is there');
    const { args, pwned } = runSh(line[2].replace(/^sequence-lab/, 'sequence_lab'));
    assert.equal(pwned, false);
    assert.deepEqual(args, [['eval', 'model.safetensors', dataFile]], `the eval line of ${JSON.stringify(dataFile)}`);
  }
});
