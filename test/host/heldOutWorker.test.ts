// The training worker scores the held-out part of every run (src/worker/trainingRun.ts, src/engine/heldOut.ts): it
// says what it holds out when the run starts, posts a score at the start and at the end, and the held-out loss of a
// character model falls as it learns the file — on text it never trained on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';

const { received, send, next } = startTrainingWorker(60_000);
type HeldOut = Extract<WorkerToHost, { type: 'heldOut' }>;

test('a character run holds out the last 10% of its file, scores it at its first and last step, and the held-out loss falls', async () => {
  const text = 'to be or not to be that is the question. '.repeat(60);
  send({ type: 'train', runId: 'held', text, config: { ...DEFAULT_CONFIG, cell: 'gru', hiddenSize: 24, seqLength: 16, steps: 300, learningRate: 0.01, sampleEvery: 1000 } });
  const started = await next('held', 'started');
  assert.ok(started.heldOut);
  assert.equal(started.heldOut.description, 'the last 10% of the characters');
  assert.equal(started.heldOut.heldOutCount, Math.floor(text.length * 0.1));
  assert.equal(started.heldOut.trainCount + started.heldOut.heldOutCount, text.length - 1, 'every target is in one part');
  assert.equal(started.heldOut.stepsPerEpoch, Math.floor((text.length - started.heldOut.heldOutCount - 1) / 16));
  await next('held', 'finished');
  const scores = received.filter((m): m is HeldOut => m.type === 'heldOut' && m.runId === 'held');
  assert.ok(scores.length >= 2, `scored at least at the start and the end (${scores.length})`);
  assert.equal(scores[0].step, 0, 'a score before the first update');
  assert.equal(scores.at(-1)!.step, 300, 'a score at the last step');
  assert.ok(scores.every((s, i) => i === 0 || s.step > scores[i - 1].step), 'in step order, once per step');
  assert.equal(scores[0].count, started.heldOut.heldOutCount);
  assert.ok(scores.at(-1)!.loss < scores[0].loss * 0.6, `held-out loss falls: ${scores[0].loss.toFixed(3)} → ${scores.at(-1)!.loss.toFixed(3)}`);
  assert.ok(scores[0].loss > Math.log(10), 'an untrained model is near uniform over the characters');
});

test('a file too short to hold anything out says so and posts no score', async () => {
  send({ type: 'train', runId: 'short', text: 'abcabcabc', config: { ...DEFAULT_CONFIG, hiddenSize: 4, seqLength: 4, steps: 5, sampleEvery: 1000 } });
  const started = await next('short', 'started');
  assert.equal(started.heldOut?.heldOutCount, 0);
  assert.match(started.heldOut?.description ?? '', /^nothing held out: 9 characters are too few$/);
  await next('short', 'finished');
  assert.equal(received.filter((m) => m.type === 'heldOut' && m.runId === 'short').length, 0);
});

test('the editor’s run and the command line with --held-out 0.1 (what Copy Command Line writes) train on the same part: the same losses', async () => {
  const { run: trainRun } = await import('../../src/cli/commands/trainModel');
  const text = 'a stitch in time saves nine; many hands make light work. '.repeat(25);
  const files = new Map<string, Uint8Array>([['data.txt', new TextEncoder().encode(text)]]);
  const io = {
    stdout: () => undefined, stderr: () => undefined,
    readFile: async (p: string) => files.get(p)!,
    writeFile: async (p: string, d: string | Uint8Array) => void files.set(p, typeof d === 'string' ? new TextEncoder().encode(d) : d),
  };
  const code = await trainRun(['data.txt', '--out', 'cli', '--task', 'lm', '--model', 'gru', '--hidden', '12', '--seq', '20', '--batch', '2', '--lr', '0.01', '--clip', '5', '--steps', '40', '--seed', '7', '--held-out', '0.1'], io);
  assert.equal(code, 0);
  const cliLosses = new TextDecoder().decode(files.get('cli/metrics.jsonl')).trim().split('\n').map((l) => (JSON.parse(l) as { loss: number }).loss);

  send({ type: 'train', runId: 'parity', text, config: { ...DEFAULT_CONFIG, cell: 'gru', hiddenSize: 12, seqLength: 20, batch: 2, learningRate: 0.01, clip: 5, steps: 40, seed: 7, sampleEvery: 1000 } });
  await next('parity', 'finished');
  const workerLosses: number[] = [];
  for (const m of received) if (m.type === 'progress' && m.runId === 'parity') workerLosses.push(...m.losses);
  assert.equal(workerLosses.length, 40);
  // The worker posts float32 losses.
  cliLosses.forEach((loss, i) => assert.ok(Math.abs(loss - workerLosses[i]) < 1e-5, `step ${i + 1}: CLI ${loss} against editor ${workerLosses[i]}`));
});

test('two tagger runs with different seeds hold out the same sentences (one fixed draw), so their held-out losses compare', async () => {
  const { HELD_OUT_SEED } = await import('../../src/engine/heldOut');
  const lines: string[] = [];
  for (let s = 0; s < 40; s++) lines.push(`w${s % 7}\tT${s % 3}`, `x${s % 5}\tU`, '');
  const text = lines.join('\n');
  const described: string[] = [];
  const counts: number[] = [];
  for (const seed of [1, 2]) {
    send({ type: 'train', runId: `seed-${seed}`, text, config: { ...DEFAULT_CONFIG, dataKind: 'tagged', hiddenSize: 4, steps: 3, sampleEvery: 1000, seed } });
    const started = await next(`seed-${seed}`, 'started');
    described.push(started.heldOut?.description ?? '');
    counts.push(started.heldOut?.heldOutCount ?? -1);
    await next(`seed-${seed}`, 'finished');
  }
  assert.equal(described[0], `4 of the 40 sequences (10%), drawn with seed ${HELD_OUT_SEED}`);
  assert.deepEqual(described, [described[0], described[0]]);
  const first = received.filter((m): m is HeldOut => m.type === 'heldOut' && m.runId === 'seed-1')[0];
  const second = received.filter((m): m is HeldOut => m.type === 'heldOut' && m.runId === 'seed-2')[0];
  assert.equal(first.count, second.count, 'the same held-out tokens are scored');
});
