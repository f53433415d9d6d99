// Every data kind an experiment file can name trains in the real training worker (issue 6), as the CLI trains it:
// words (embedding, batch, truncation, SGD momentum, orthogonal W_hh at a set spectral radius), a bidirectional
// tagger, a numeric series and sequence-to-one (the adding problem). For each: the loss falls, the panel's text fits
// the kind, and a run resumed from a checkpoint ends with exactly the weights of a run that never stopped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addingProblem } from '../../src/engine/examples/tasks';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';

const { received, send, next } = startTrainingWorker(60_000);

type Of<T extends WorkerToHost['type']> = Extract<WorkerToHost, { type: T }>;
const all = <T extends WorkerToHost['type']>(runId: string, type: T): Of<T>[] => received.filter((m) => m.runId === runId && m.type === type) as Of<T>[];

function losses(runId: string): number[] {
  const out: number[] = [];
  for (const b of all(runId, 'progress')) out.push(...b.losses);
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Trains `config` to completion; returns the final checkpoint and the losses. */
async function trainToEnd(runId: string, text: string, config: TrainingConfig, restore?: { model: Uint8Array; state: Uint8Array }) {
  send({ type: 'train', runId, text, config, ...(restore ? { restore } : {}) });
  const finished = await next(runId, 'finished');
  assert.equal(finished.reason, 'completed', `${runId} completed`);
  const checkpoint = all(runId, 'checkpoint').at(-1)!;
  assert.equal(checkpoint.step, config.steps);
  return { checkpoint, losses: losses(runId), finished };
}

/** Straight run of `steps` against half the steps, a checkpoint, then the rest from it: same weights and losses. */
async function checkKind(name: string, text: string, config: TrainingConfig, steps: number): Promise<string> {
  const straight = await trainToEnd(`${name}-straight`, text, { ...config, steps: steps, checkpointEvery: 10 * steps });
  assert.equal(straight.losses.length, steps);
  const head = mean(straight.losses.slice(0, 5));
  const tail = mean(straight.losses.slice(-5));
  assert.ok(tail < head * 0.8, `${name}: the loss falls (${head.toFixed(4)} → ${tail.toFixed(4)})`);

  const half = await trainToEnd(`${name}-half`, text, { ...config, steps: steps / 2, checkpointEvery: 10 * steps });
  const rest = await trainToEnd(`${name}-rest`, text, { ...config, steps: steps, checkpointEvery: 10 * steps }, {
    model: half.checkpoint.model,
    state: half.checkpoint.state,
  });
  assert.deepEqual(rest.losses, straight.losses.slice(steps / 2), `${name}: the resumed run's losses are the straight run's`);
  assert.deepEqual(rest.checkpoint.model, straight.checkpoint.model, `${name}: bit-identical weights after resuming`);
  return all(`${name}-straight`, 'sample').at(-1)!.text;
}

test('words: an embedded word LSTM with batch 2, truncation, SGD momentum and orthogonal W_hh learns and resumes exactly', async () => {
  const text = 'the cat sat on the mat and the dog sat on the log . '.repeat(30);
  const config: TrainingConfig = {
    ...DEFAULT_CONFIG, dataKind: 'words', cell: 'lstm', hiddenSize: 16, embedding: 8, seqLength: 6, truncate: 10, batch: 2,
    optimizer: 'sgd', learningRate: 0.3, momentum: 0.9, init: 'orthogonal', spectralRadius: 0.9, sampleEvery: 1000, sampleLength: 12,
  };
  const sample = await checkKind('words', text, config, 60);
  const words = sample.split(' ');
  assert.equal(words.length, 12, 'a sample of 12 words');
  for (const w of words) assert.ok(['the', 'cat', 'sat', 'on', 'mat', 'and', 'dog', 'log', '.'].includes(w), `sampled a word of the text: ${w}`);
});

test('tagged: a bidirectional GRU tagger learns the tags and resumes exactly', async () => {
  // The tag of each token depends on the NEXT token (a bidirectional model can see it).
  const lines: string[] = [];
  const tokens = ['a', 'b', 'c'];
  for (let s = 0; s < 40; s++) {
    const seq = Array.from({ length: 6 }, (_, i) => tokens[(s * 7 + i * (s % 3 + 1)) % 3]);
    seq.forEach((tok, i) => lines.push(`${tok}\t${i + 1 < seq.length ? `before-${seq[i + 1]}` : 'end'}`));
    lines.push('');
  }
  const config: TrainingConfig = { ...DEFAULT_CONFIG, dataKind: 'tagged', cell: 'gru', bidirectional: true, hiddenSize: 12, batch: 4, learningRate: 0.03, sampleEvery: 1000, sampleLength: 10 };
  const report = await checkKind('tagged', lines.join('\n'), config, 80);
  // Measured on the 4 sequences held out of training (a seeded 10% of 40), not on what it trained on.
  const accuracy = Number(/^Held-out tagging accuracy ([\d.]+)%/.exec(report)?.[1]);
  assert.ok(accuracy > 60, `the tagger reads the next token on held-out sequences (accuracy ${accuracy}%): ${report}`);
  assert.match(report, /^Held-out tagging accuracy [\d.]+% on 24 tokens of 4 held-out sequences \(4 of the 40 sequences \(10%\), drawn with seed 42; never trained on\)\.\n[abc]\/(before-[abc]|end)/);
});

test('series: a GRU learns the next value of a sine (MSE) and resumes exactly', async () => {
  const rows = ['x'];
  for (let t = 0; t < 400; t++) rows.push(Math.sin((2 * Math.PI * t) / 25).toFixed(6));
  const config: TrainingConfig = { ...DEFAULT_CONFIG, dataKind: 'series', cell: 'gru', hiddenSize: 12, seqLength: 25, learningRate: 0.01, sampleEvery: 1000 };
  const report = await checkKind('series', rows.join('\n'), config, 60);
  // The held-out rows are the last 40 of 400 (a forecast is judged on the future): row 361 is the first predicted.
  assert.match(report, /^One step ahead over the first 25 held-out rows \(the last 10% of the rows, from a zero state\): mean squared error [\d.e-]+\.\nrow 361: x /);
});

test('sequence-to-one: the adding problem trains on its final targets only, and resumes exactly', async () => {
  const T = 10;
  const config: TrainingConfig = { ...DEFAULT_CONFIG, dataKind: 'sequence-to-one', cell: 'lstm', hiddenSize: 8, seqLength: T, batch: 8, learningRate: 0.01, clip: 1, sampleEvery: 1000 };
  const report = await checkKind('adding', addingProblem(T, 200, 3).csv, config, 160);
  const [, mse, baseline] = /^Mean squared error ([\d.e-]+) on the 20 held-out sequences \(20 of the 200 sequences \(10%\), drawn with seed 42; never trained on\); always predicting the training targets' mean \([\d.]+\) gives ([\d.e-]+)\./.exec(report) ?? [];
  assert.ok(Number(mse) < Number(baseline), `better on held-out sequences than the training mean after 160 steps: ${report}`);
});

test('a file that is not of the data kind fails in words before training', async () => {
  send({ type: 'train', runId: 'bad', text: 'a\tb\nc\n', config: { ...DEFAULT_CONFIG, dataKind: 'tagged' } });
  const failed = await next('bad', 'failed');
  assert.match(failed.message, /Line 2 of the tagged file is not "token<TAB>tag"/);
  send({ type: 'train', runId: 'bad2', text: addingProblem(10, 5, 1).csv, config: { ...DEFAULT_CONFIG, dataKind: 'sequence-to-one', seqLength: 7 } });
  assert.match((await next('bad2', 'failed')).message, /50 rows, not a multiple of the sequence length 7/);
});
