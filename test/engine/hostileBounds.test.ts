// Files anyone can hand over get bounded memory and time in the CLI and the engine, as in the extension: each case
// states its budget (wall time, and for child processes a V8 heap limit it must not need to exceed) and expects a
// one-line error or a bounded result.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { run as evalRun } from '../../src/cli/commands/evalModel';
import { run as trainRun } from '../../src/cli/commands/trainModel';
import { parseTagged } from '../../src/engine/sequenceData';
import { SequenceTrainer } from '../../src/engine/sequenceTrainer';
import type { CliIo } from '../../src/cli/commands/cliIo';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seqlab-bounds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI in a child process whose V8 heap is capped at `heapMb`: exceeding it is a crash, not a pass. */
function cli(heapMb: number, ...args: string[]): { code: number | null; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr, ms: performance.now() - t0 };
}

test('CLI hmm viterbi/posterior/fit refuse a trellis over 25 M nodes before allocating it (budget: 256 MB heap, 20 s)', () => {
  const n = 30;
  const row = (i: number) => Array.from({ length: n }, (_, j) => (j === i ? 0.5 : 0.5 / (n - 1)));
  const model = {
    states: Array.from({ length: n }, (_, i) => `S${i}`), symbols: ['a', 'b'],
    start: Array(n).fill(1 / n), transition: Array.from({ length: n }, (_, i) => row(i)), emission: Array.from({ length: n }, () => [0.5, 0.5]),
  };
  const modelPath = join(dir, 'hmm.json');
  writeFileSync(modelPath, JSON.stringify(model));
  const dataPath = join(dir, 'million.txt');
  writeFileSync(dataPath, 'ab'.repeat(500_000)); // 10⁶ symbols × 30 states = 3·10⁷ nodes
  for (const args of [['hmm', 'viterbi', modelPath, dataPath], ['hmm', 'posterior', modelPath, dataPath], ['hmm', 'fit', dataPath, '--states', '30', '--out', join(dir, 'fit.json')]]) {
    const r = cli(256, ...args);
    assert.equal(r.code, 1, `${args[1]}: ${r.stderr.slice(0, 300)}`);
    assert.match(r.stderr, /1,000,000 steps × 30 states is over the 25,000,000 trellis nodes/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.ok(r.ms < 20_000, `${args[1]} took ${Math.round(r.ms)} ms`);
  }
});

test('CLI markov refuses more than 2 M tokens (budget: 512 MB heap, 20 s)', () => {
  const dataPath = join(dir, 'long.txt');
  writeFileSync(dataPath, 'abcdefghij'.repeat(200_001));
  const r = cli(512, 'markov', dataPath, '--order', '8');
  assert.equal(r.code, 1, r.stderr.slice(0, 300));
  assert.match(r.stderr, /2,000,010 characters; a Markov model is fitted on at most 2,000,000/);
  assert.ok(r.ms < 20_000, `took ${Math.round(r.ms)} ms`);
});

/** 150,000 tagged sentences (1.9 MB): Math.max(...lengths) overflowed the call stack on this. */
const manySentences = (n: number) => Array.from({ length: n }, (_, i) => `w${i % 7}\tT${i % 3}\n`).join('\n');

test('training a tagger on 150,000 sentences builds without overflowing the stack', () => {
  const { data } = parseTagged(manySentences(150_000));
  const t0 = performance.now();
  const trainer = new SequenceTrainer(data, {
    cell: 'rnn', layers: 1, hiddenSize: 4, bidirectional: false, seqLength: 8, batch: 2, optimizer: { kind: 'sgd', learningRate: 0.1 }, clip: 0, seed: 1,
  });
  trainer.step();
  trainer.dispose();
  assert.ok(performance.now() - t0 < 10_000);
});

test('eval of a tagger on 150,000 sentences gives its loss, no stack overflow (budget: 30 s)', async () => {
  const files = new Map<string, Uint8Array>([['small.tsv', new TextEncoder().encode(manySentences(30))], ['big.tsv', new TextEncoder().encode(manySentences(150_000))]]);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (s) => out.push(s), stderr: (s) => err.push(s),
    readFile: async (p) => files.get(p) ?? Promise.reject(Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' })),
    writeFile: async (p, d) => void files.set(p, typeof d === 'string' ? new TextEncoder().encode(d) : d),
  };
  assert.equal(await trainRun(['small.tsv', '--task', 'tag', '--hidden', '4', '--steps', '2', '--out', 'run'], io), 0, err.join(''));
  out.length = 0;
  const t0 = performance.now();
  assert.equal(await evalRun(['run/model.safetensors', 'big.tsv'], io), 0, err.join(''));
  const result = JSON.parse(out.join('')) as { loss: number; tokens: number };
  assert.equal(result.tokens, 150_000);
  assert.ok(Number.isFinite(result.loss));
  assert.ok(performance.now() - t0 < 30_000, `took ${Math.round(performance.now() - t0)} ms`);
});
