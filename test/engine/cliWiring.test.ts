// The sequence-lab binary's dispatch: `train --out` saves a model that `eval`, `sample` and `trace` then read,
// all through the real entry point (src/cli.ts) in a child process, as a user runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'seqlab-cli-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..') });

test('train --out, then eval, sample and trace on the saved model', () => {
  const data = join(dir, 'data.txt');
  writeFileSync(data, 'abcabcabd '.repeat(60));
  const out = join(dir, 'run');
  const trained = cli('train', data, '--model', 'gru', '--hidden', '8', '--seq', '16', '--steps', '30', '--out', out);
  assert.equal(trained.status, 0, trained.stderr);
  assert.ok(existsSync(join(out, 'model.safetensors')) && existsSync(join(out, 'run.json')));
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.ok(run, 'run.json is JSON');

  const evaluated = cli('eval', join(out, 'model.safetensors'), data);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const metrics = JSON.parse(evaluated.stdout);
  assert.ok(metrics.loss > 0 && Number.isFinite(metrics.perplexity) && metrics.tokens === 599, evaluated.stdout);

  const sampled = cli('sample', join(out, 'model.safetensors'), '--length', '25', '--seed', '3');
  assert.equal(sampled.status, 0, sampled.stderr);
  assert.ok([...sampled.stdout.replace(/\n$/, '')].every((c) => 'abcd '.includes(c)), sampled.stdout);

  const traced = cli('trace', join(out, 'model.safetensors'), data, '--out', join(dir, 'trace.json'), '--length', '8');
  assert.equal(traced.status, 0, traced.stderr);
  assert.ok(existsSync(join(dir, 'trace.json')));
});

test('without --out, train runs the same trainer as with --out: the same losses, printed every 100 steps, then a sample; nothing written', () => {
  const data = join(dir, 'small.txt');
  writeFileSync(data, 'hello world, hello sequence lab. '.repeat(20));
  const options = ['--model', 'rnn', '--hidden', '8', '--seq', '16', '--steps', '200', '--seed', '5'];
  const printed = cli('train', data, ...options, '--sample-length', '40', '--temperature', '0.5');
  assert.equal(printed.status, 0, printed.stderr);
  const losses = [...printed.stdout.matchAll(/^step (\d+) {2}loss (\d+\.\d{4}) {2}grad norm \d+\.\d{3}/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.deepEqual(losses.map(([s]) => s), [100, 200], printed.stdout);
  const saved = join(dir, 'same-run');
  const written = cli('train', data, ...options, '--out', saved);
  assert.equal(written.status, 0, written.stderr);
  const metrics = readFileSync(join(saved, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  for (const [step, loss] of losses) assert.equal(loss.toFixed(4), metrics[step - 1].loss.toFixed(4), `step ${step}: the same loss with and without --out`);
  const sample = /sample \(temperature 0\.5\):\n([^]*)\n$/.exec(printed.stdout)?.[1] ?? '';
  assert.equal([...sample].length, 40, `40 sampled characters: ${JSON.stringify(sample)}`);
  assert.ok([...sample].every((c) => 'hello world, sequence lab.'.includes(c)), sample);
  assert.equal(existsSync(join(dir, 'model.safetensors')), false, 'nothing written without --out');
  const mixed = cli('train', data, '--out', join(dir, 'x'), '--temperature', '0.5');
  assert.equal(mixed.status, 2);
  assert.match(mixed.stderr, /--temperature and --sample-length are for train without --out/);
});

test('mistakes are one line on stderr with a non-zero exit', () => {
  const r = cli('eval', join(dir, 'missing.safetensors'), join(dir, 'missing.txt'));
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
});
