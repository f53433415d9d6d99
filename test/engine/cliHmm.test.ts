// The hmm and markov commands of the CLI, run through tsx in a child process on small temp files.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { casinoExample } from '../../src/engine/examples/hmm';
import { parseDiscreteHmm } from '../../src/engine/hmm/modelJson';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sequence-lab-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('hmm fit → viterbi → posterior round trip', () => {
  const rolls = casinoExample(1500, 4).symbols;
  const data = file('rolls.txt', rolls.replace(/(.{50})/g, '$1\n'));
  const modelPath = join(dir, 'model.json');
  const fit = cli('hmm', 'fit', data, '--states', '2', '--seed', '7', '--restarts', '2', '--iterations', '50', '--out', modelPath);
  assert.equal(fit.code, 0, fit.stderr);
  const summary = JSON.parse(fit.stdout) as { logLikelihood: number; logLikelihoods: number[]; restarts: number[]; symbols: string[] };
  assert.deepEqual(summary.symbols, ['1', '2', '3', '4', '5', '6']);
  assert.equal(summary.restarts.length, 2);
  assert.equal(summary.logLikelihoods.at(-1), summary.logLikelihood);
  const model = parseDiscreteHmm(readFileSync(modelPath, 'utf8'));
  assert.deepEqual(model.states, ['S1', 'S2']);

  const vit = cli('hmm', 'viterbi', modelPath, data);
  assert.equal(vit.code, 0, vit.stderr);
  const v = JSON.parse(vit.stdout) as { path: string[]; logProbability: number };
  assert.equal(v.path.length, 1500);
  assert.ok(v.path.every((s) => s === 'S1' || s === 'S2'));
  assert.ok(v.logProbability < summary.logLikelihood && Number.isFinite(v.logProbability));

  const post = cli('hmm', 'posterior', modelPath, data);
  assert.equal(post.code, 0, post.stderr);
  const p = JSON.parse(post.stdout) as { logLikelihood: number; states: string[]; posteriors: number[][] };
  assert.deepEqual(p.states, ['S1', 'S2']);
  assert.equal(p.posteriors.length, 1500);
  assert.ok(p.posteriors.every((row) => Math.abs(row[0] + row[1] - 1) < 1e-9));
  assert.ok(Math.abs(p.logLikelihood - summary.logLikelihood) < 1e-6 * Math.abs(summary.logLikelihood));
});

test('hmm fit --tagged writes a supervised model', () => {
  const tagged = file('tags.tsv', 'the\tD\ndog\tN\n\nthe\tD\ncat\tN\n');
  const out = join(dir, 'tagged.json');
  const r = cli('hmm', 'fit', tagged, '--tagged', '--alpha', '0', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const model = parseDiscreteHmm(readFileSync(out, 'utf8'));
  assert.deepEqual(model.states, ['D', 'N']);
  assert.deepEqual(Array.from(model.transition), [0, 1, 0.5, 0.5]); // N is never left: uniform row
});

test('a bad model file: exit code 1 and one clear line on stderr, no stack trace', () => {
  const data = file('obs.txt', 'HTTH');
  const bad = file(
    'bad.json',
    JSON.stringify({ states: ['F', 'L'], symbols: ['H', 'T'], start: [0.5, 0.5], transition: [[0.9, 0.1], [0.3, 0.8]], emission: [[0.5, 0.5], [0.5, 0.5]] }),
  );
  const r = cli('hmm', 'viterbi', bad, data);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'error: Invalid model: "transition" row 2 ("L") sums to 1.1, not 1 (tolerance 0.000001).\n');
  const notJson = cli('hmm', 'posterior', file('nojson.json', 'states: F'), data);
  assert.equal(notJson.code, 1);
  assert.match(notJson.stderr, /^error: Invalid model: the file is not JSON/);
  assert.equal(notJson.stderr.trim().split('\n').length, 1);
  const missing = cli('hmm', 'viterbi', join(dir, 'nope.json'), data);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*nope\.json: no such file/);
  const usage = cli('hmm', 'fit', data, '--out', join(dir, 'x.json'));
  assert.equal(usage.code, 2, 'a mistake in the command line');
  assert.equal(usage.stderr, 'error: --states is required (see sequence-lab hmm fit --help)\n');
  const unknownOption = cli('hmm', 'fit', data, '--stats', '2');
  assert.equal(unknownOption.code, 2);
  assert.equal(unknownOption.stderr, 'error: unknown option --stats (see sequence-lab hmm fit --help)\n');
});

test('markov prints per-token log probabilities and perplexity as JSON', () => {
  const data = file('text.txt', 'abababababab');
  const r = cli('markov', data, '--order', '1', '--smoothing', 'add-alpha', '--alpha', '1', '--held-out', '0');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { tokens: { token: string; logProb: number }[]; perplexity: number; vocabularySize: number };
  assert.equal(j.vocabularySize, 3); // a, b, <unk>
  assert.equal(j.tokens.length, 12);
  // Token 0 by the unigram (a 6, b 6): (6 + 1) / (12 + 3); then b after a: (6 + 1) / (6 + 3).
  assert.ok(Math.abs(j.tokens[0].logProb - Math.log(7 / 15)) < 1e-9);
  assert.ok(Math.abs(j.tokens[1].logProb - Math.log(7 / 9)) < 1e-9);
  const mean = j.tokens.reduce((s, t) => s + t.logProb, 0) / 12;
  assert.ok(Math.abs(j.perplexity - Math.exp(-mean)) < 1e-6);
  const bad = cli('markov', data, '--order', '9');
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'error: The order must be a whole number from 0 to 8, not 9.\n');
});

test('the train command names a missing file in one line, and --help prints its usage', () => {
  const r = cli('train', join(dir, 'missing.txt'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: cannot read .*missing\.txt: no such file\n$/);
  const folder = cli('train', dir);
  assert.equal(folder.code, 1);
  assert.match(folder.stderr, /^error: cannot read .*: it is a directory\n$/);
  const help = cli('train', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: sequence-lab train DATA \[--out DIR\] \[options\]/);
  const unknown = cli('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^error: unknown command "frobnicate"/);
});
