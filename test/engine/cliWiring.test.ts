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

test('without --out, train still runs the character RNN of the Training panel', () => {
  const data = join(dir, 'small.txt');
  writeFileSync(data, 'hello world '.repeat(20));
  const r = cli('train', data, '--hidden', '8', '--steps', '5');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /step\s+5|5 steps|sample/i);
});

test('mistakes are one line on stderr with a non-zero exit', () => {
  const r = cli('eval', join(dir, 'missing.safetensors'), join(dir, 'missing.txt'));
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
});
