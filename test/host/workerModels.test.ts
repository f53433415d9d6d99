// The Training panel's model choices (sequenceLab.training.model / layers / optimizer): the GRU and the LSTM train
// through the real bundled worker (the general SequenceTrainer) with the same messages as the RNN, stop at once and
// sample text; the settings are validated in words, and the run's label names the model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SequenceNumericFaultError } from '../../src/engine/sequenceFault';
import type { SequenceTrainer } from '../../src/engine/sequenceTrainer';
import { DEFAULT_CONFIG, modelLabel, validateTrainingConfig, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';
import { CharModel } from '../../src/worker/charModel';

const { received, send, next, waitFor } = startTrainingWorker(30_000, { sampleFloorMs: 0 }); // samples counted by step

const progressOf = (runId: string) =>
  received.filter((m): m is Extract<WorkerToHost, { type: 'progress' }> => m.runId === runId && m.type === 'progress');

const text = 'the cat sat on the mat. '.repeat(40);
const V = new Set(text).size;

/** Parameters of a PyTorch stack: G gates per cell, L layers of H units, a linear head back to V. */
function parameters(gates: number, layers: number, H: number): number {
  let n = 0;
  for (let k = 0; k < layers; k++) n += gates * H * ((k === 0 ? V : H) + H) + 2 * gates * H;
  return n + V * H + V;
}

const models: [string, Partial<TrainingConfig>, number][] = [
  ['GRU', { cell: 'gru', layers: 1, hiddenSize: 24 }, parameters(3, 1, 24)],
  ['LSTM, 2 layers', { cell: 'lstm', layers: 2, hiddenSize: 16 }, parameters(4, 2, 16)],
  ['LSTM, RMSProp', { cell: 'lstm', layers: 1, hiddenSize: 16, optimizer: 'rmsprop', learningRate: 0.01 }, parameters(4, 1, 16)],
];

for (const [name, over, parameterCount] of models) {
  test(`${name}: the run reports its data, trains in typed-array batches with a falling loss, samples and completes`, async () => {
    const runId = `complete-${name}`;
    send({ type: 'train', runId, text, config: { ...DEFAULT_CONFIG, seqLength: 16, steps: 150, sampleEvery: 50, sampleLength: 30, ...over } });
    const started = await next(runId, 'started');
    assert.equal(started.vocabSize, V);
    assert.equal(started.dataLength, text.length);
    assert.equal(started.parameterCount, parameterCount, 'the stack is the chosen cell, layers and size');
    const finished = await next(runId, 'finished');
    assert.equal(finished.reason, 'completed');
    assert.equal(finished.steps, 150);

    const batches = progressOf(runId);
    assert.ok(batches.every((b) => b.losses instanceof Float32Array && b.gradNorms instanceof Float32Array && b.clipped instanceof Uint8Array));
    const losses = batches.flatMap((b) => [...b.losses]);
    assert.equal(losses.length, 150, 'every step is reported exactly once');
    assert.deepEqual(batches.map((b) => b.firstStep), batches.map((_, i) => 1 + batches.slice(0, i).reduce((n, b) => n + b.losses.length, 0)));
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    assert.ok(mean(losses.slice(-10)) < 0.7 * mean(losses.slice(0, 10)), `loss falls: ${mean(losses.slice(0, 10))} → ${mean(losses.slice(-10))}`);
    assert.equal(Math.fround(finished.finalLoss), losses[149], 'the final loss is the last step\'s');

    const samples = received.filter((m): m is Extract<WorkerToHost, { type: 'sample' }> => m.runId === runId && m.type === 'sample');
    assert.deepEqual(samples.map((s) => s.step), [50, 100, 150, 150], 'samples at steps 50, 100, 150 and at the end');
    for (const s of samples) {
      assert.equal([...s.text].length, 30);
      assert.ok([...s.text].every((ch) => text.includes(ch)), 'samples are made of the text\'s characters');
    }
  });
}

for (const layers of [1, 2]) {
  test(`an LSTM (H=64, ${layers} layer${layers > 1 ? 's' : ''}) on examples/verse.txt stops when asked, mid-run, and samples afterwards`, async () => {
    const runId = `lstm-long-${layers}`;
    const verse = readFileSync('examples/verse.txt', 'utf8');
    const steps = 10_000_000;
    send({ type: 'train', runId, text: verse, config: { ...DEFAULT_CONFIG, cell: 'lstm', layers, hiddenSize: 64, steps } });
    await next(runId, 'started');
    // Stop once the run is well under way (20 updates reported), whatever the machine's speed.
    const reported = (m: WorkerToHost) => m.runId === runId && m.type === 'progress' && m.firstStep + m.losses.length - 1 >= 20;
    await waitFor(reported);
    const asked = performance.now();
    send({ type: 'stop', runId });
    // The worker reads its messages between updates, so the stop ends a run of 10 M steps: it is 'stopped', not
    // 'completed', long before its steps are done. (How fast is the bench's business: the time is printed only.)
    const finished = await next(runId, 'finished');
    const tookMs = performance.now() - asked;
    assert.equal(finished.reason, 'stopped');
    assert.ok(finished.steps >= 20 && finished.steps < steps, `stopped at step ${finished.steps}`);
    assert.ok(Number.isFinite(finished.finalLoss));
    const batches = progressOf(runId);
    assert.equal(batches.reduce((n, b) => n + b.losses.length, 0), finished.steps, 'every step up to the stop is reported, none after it');
    const rates = batches.slice(1).map((b) => b.charsPerSecond);
    console.log(`LSTM H=64 × ${layers} layer(s) on verse.txt: ${Math.round(rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length))} chars/s; stopped in ${tookMs.toFixed(0)} ms`);

    send({ type: 'sample', runId, temperature: 0.3, length: 12 });
    const asked03 = (m: WorkerToHost) => m.runId === runId && m.type === 'sample' && m.temperature === 0.3;
    const last = await waitFor(asked03);
    assert.ok(last.type === 'sample' && [...last.text].length === 12);
  });
}

test('settings out of range fail the run with a message naming them, and the worker lives on', async () => {
  send({ type: 'train', runId: 'bad-model', text, config: { ...DEFAULT_CONFIG, cell: 'transformer' as TrainingConfig['cell'] } });
  assert.match((await next('bad-model', 'failed')).message, /cell must be rnn, gru or lstm \(got "transformer"\)/);
  send({ type: 'train', runId: 'bad-layers', text, config: { ...DEFAULT_CONFIG, layers: 5 } });
  assert.match((await next('bad-layers', 'failed')).message, /layers must be between 1 and 4 \(got 5\)/);
  send({ type: 'train', runId: 'after-bad', text, config: { ...DEFAULT_CONFIG, cell: 'gru', steps: 3 } });
  assert.equal((await next('after-bad', 'finished')).reason, 'completed');
});

test('validateTrainingConfig names bad choices and layer counts in words', () => {
  assert.deepEqual(validateTrainingConfig(DEFAULT_CONFIG), []);
  for (const cell of ['rnn', 'gru', 'lstm'] as const) assert.deepEqual(validateTrainingConfig({ ...DEFAULT_CONFIG, cell }), []);
  for (const optimizer of ['adam', 'sgd', 'rmsprop'] as const) assert.deepEqual(validateTrainingConfig({ ...DEFAULT_CONFIG, optimizer }), []);
  const problems = validateTrainingConfig({
    ...DEFAULT_CONFIG,
    cell: 'LSTM' as TrainingConfig['cell'],
    optimizer: 7 as unknown as TrainingConfig['optimizer'],
    layers: 1.5,
    hiddenSize: 0,
  });
  assert.deepEqual(problems, [
    'cell must be rnn, gru or lstm (got "LSTM")',
    'layers must be a whole number (got 1.5)',
    'optimizer must be adam, sgd or rmsprop (got 7)',
    'hiddenSize must be between 1 and 1024 (got 0)',
  ]);
  assert.deepEqual(validateTrainingConfig({ ...DEFAULT_CONFIG, layers: 0 }), ['layers must be between 1 and 4 (got 0)']);
  assert.deepEqual(validateTrainingConfig({ ...DEFAULT_CONFIG, layers: 4 }), []);
});

test('the run label names the cell, the layers, the hidden size and a non-default optimiser', () => {
  assert.equal(modelLabel(DEFAULT_CONFIG), 'char RNN · tanh · H=64');
  assert.equal(modelLabel({ ...DEFAULT_CONFIG, cell: 'lstm', layers: 2 }), 'char LSTM · 2 layers · H=64');
  assert.equal(modelLabel({ ...DEFAULT_CONFIG, cell: 'gru', hiddenSize: 128 }), 'char GRU · H=128');
  assert.equal(modelLabel({ ...DEFAULT_CONFIG, cell: 'rnn', layers: 3, optimizer: 'sgd' }), 'char RNN · tanh · 3 layers · H=64 · SGD');
});

test('a NaN in the weights makes a step throw the engine\'s message and leaves the step count as it was', () => {
  const model = new CharModel(text, { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 8, seqLength: 8 });
  model.step();
  (model as unknown as { trainer: SequenceTrainer }).trainer.model.params[3] = Number.NaN;
  assert.throws(() => model.step(), (error: unknown) => error instanceof SequenceNumericFaultError && /NaN/.test(error.message));
  assert.equal(model.stepCount, 1);
});
