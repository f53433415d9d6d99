// Sequence Lab: Show LSTM/GRU Gates: the worker's traceActivations. In-process: a window longer than one chunk has the
// same gates, c_t and h_t (to float32) as one traceData of the whole window, and the top-5 next characters are the
// most probable ones in order. Through the real bundled worker: the announced shapes, a clamped window, words for bad
// requests, and a run traced while it trains takes exactly the losses of an untraced run with the same seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charData } from '../../src/engine/sequenceData';
import { SequenceTrainer } from '../../src/engine/sequenceTrainer';
import { traceData } from '../../src/engine/traces';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { CHUNK_STEPS, seriesNames, traceActivations } from '../../src/worker/activationTrace';
import { startTrainingWorker } from './trainingWorkerHarness';

const text = 'the cat sat on the mat. the dog dug a log. '.repeat(30);

for (const model of ['lstm', 'gru', 'rnn'] as const) {
  test(`${model}: a ${CHUNK_STEPS * 3 + 5}-step window traced in chunks equals traceData of the whole window`, async () => {
    const { data, vocabulary } = charData(text);
    const trainer = new SequenceTrainer(data, {
      cell: model, layers: 2, hiddenSize: 8, bidirectional: false, seqLength: 16, batch: 1,
      optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 3,
    });
    for (let i = 0; i < 5; i++) trainer.step();
    const paramsBefore = Float64Array.from(trainer.model.params);
    const T = CHUNK_STEPS * 3 + 5;
    const start = 17;
    let pauses = 0;
    const trace = await traceActivations(
      { model: trainer.model, ids: data.ids, decode: (id) => vocabulary.decode([id]), step: trainer.stepCount, dataPosition: trainer.dataPosition },
      T, start, async () => void pauses++,
    );
    assert.equal(pauses, 4, 'yields between the four chunks and before the backward pass');
    assert.deepEqual(trainer.model.params, paramsBefore, 'the model is not touched');
    const whole = traceData(trainer.model, data, start, T, { jacobian: false });
    const names = seriesNames(model);
    assert.deepEqual(trace.series, names);
    const H = 8;
    const S = names.length;
    assert.equal(trace.values.length, 2 * S * T * H);
    assert.equal(trace.tokens.join(''), [...text].slice(start, start + T).join(''));
    const G = whole.gates.shape[2];
    let compared = 0;
    for (let k = 0; k < 2; k++) {
      for (let s = 0; s < S; s++) {
        for (let t = 0; t < T; t++) {
          for (let j = 0; j < H; j++) {
            const name = names[s];
            const expected = name === 'h' ? whole.hidden.data[(k * T + t) * H + j]
              : name === 'c' ? whole.cell!.data[(k * T + t) * H + j]
              : whole.gates.data[((k * T + t) * G + s) * H + j];
            assert.equal(trace.values[((k * S + s) * T + t) * H + j], Math.fround(expected), `${name} layer ${k} t ${t} unit ${j}`);
            compared++;
          }
        }
      }
    }
    assert.equal(compared, trace.values.length);
    // The Unrolled panel's arrows: ‖∂L/∂h_t‖ by BPTT over the whole window, as traceData computes it.
    assert.ok(trace.gradNormH, 'a model this small gets its gradient norms');
    assert.deepEqual(Array.from(trace.gradNormH), Array.from(whole.hiddenGradNorm!.data, Math.fround));
    const K = whole.probabilities.shape[1];
    for (const t of [0, CHUNK_STEPS, T - 1]) {
      const p = Array.from(whole.probabilities.data.subarray(t * K, (t + 1) * K));
      const sorted = p.map((v, id) => ({ v, id })).sort((a, b) => b.v - a.v || a.id - b.id).slice(0, 5);
      assert.deepEqual(trace.topChars.slice(t * 5, t * 5 + 5), sorted.map((x) => vocabulary.decode([x.id])));
      assert.deepEqual(Array.from(trace.topProbabilities.subarray(t * 5, t * 5 + 5)), sorted.map((x) => Math.fround(x.v)));
    }
  });
}

const { received, send, next } = startTrainingWorker(30_000);
type Trace = Extract<WorkerToHost, { type: 'activationTrace' }>;
const tracesOf = (runId: string) => received.filter((m): m is Trace => m.runId === runId && m.type === 'activationTrace');
const failuresOf = (runId: string) => received.filter((m) => m.runId === runId && m.type === 'activationTraceFailed');
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((r) => setTimeout(r, 5));
}

async function trainedRun(runId: string, over: Partial<TrainingConfig>): Promise<void> {
  send({ type: 'train', runId, text, config: { ...DEFAULT_CONFIG, seqLength: 16, steps: 20, sampleEvery: 1000, ...over } });
  await next(runId, 'finished');
}

test('through the worker: shapes, a window clamped into the text, words for bad requests', async () => {
  await trainedRun('w-lstm', { cell: 'lstm', layers: 2, hiddenSize: 16 });
  send({ type: 'traceActivations', requestId: 1, runId: 'w-lstm', length: 100 });
  const t = await next('w-lstm', 'activationTrace');
  assert.equal(t.step, 20);
  assert.equal(t.length, 100);
  assert.equal(t.cell, 'lstm');
  assert.ok(t.values instanceof Float32Array && t.topProbabilities instanceof Float32Array);
  assert.equal(t.values.length, 2 * 6 * 100 * 16);
  assert.equal(t.topChars.length, 500);
  assert.ok([...t.values].every(Number.isFinite));
  const gateOf = (s: number) => t.values.subarray(s * 100 * 16, (s + 1) * 100 * 16);
  for (const s of [0, 1, 3]) assert.ok(gateOf(s).every((v) => v > 0 && v < 1), 'σ gates lie in (0, 1)');
  assert.equal(t.tokens.join(''), [...text].slice(t.start, t.start + 100).join(''));

  send({ type: 'traceActivations', requestId: 2, runId: 'w-lstm', start: text.length - 3, length: 50 });
  await until(() => tracesOf('w-lstm').length === 2);
  const clamped = tracesOf('w-lstm').at(-1)!;
  assert.equal(clamped.start, text.length - 51, 'a window past the end is moved back so every step has a next character');

  send({ type: 'traceActivations', requestId: 3, runId: 'nobody', length: 64 });
  assert.match((await next('nobody', 'activationTraceFailed')).message, /^This run is not in the training worker/);
  send({ type: 'traceActivations', requestId: 4, runId: 'w-lstm', length: 1000 });
  await until(() => failuresOf('w-lstm').length === 1);
  assert.match((failuresOf('w-lstm')[0] as { message: string }).message, /1 to 256 characters/);
});

test('tracing activations while the run trains leaves its loss sequence exactly as a run without traces', async () => {
  const config = { cell: 'gru', hiddenSize: 16, steps: 300 } as const;
  send({ type: 'train', runId: 'traced', text, config: { ...DEFAULT_CONFIG, seqLength: 16, sampleEvery: 1000, ...config } });
  await next('traced', 'started');
  let traces = 0;
  while (!received.some((m) => m.runId === 'traced' && m.type === 'finished')) {
    send({ type: 'traceActivations', requestId: 5, runId: 'traced', length: 200 });
    while (tracesOf('traced').length <= traces) await new Promise((r) => setTimeout(r, 2));
    traces++;
    await new Promise((r) => setTimeout(r, 10));
  }
  await trainedRun('untraced', config);
  const losses = (runId: string) =>
    received.filter((m): m is Extract<WorkerToHost, { type: 'progress' }> => m.runId === runId && m.type === 'progress').flatMap((b) => [...b.losses]);
  assert.ok(tracesOf('traced').some((t) => t.step > 0 && t.step < 300), `at least one trace mid-training (${traces} asked)`);
  assert.equal(losses('traced').length, 300);
  assert.deepEqual(losses('traced'), losses('untraced'));
});

test('two panels ask for different windows of one run at once: each answer carries its request id and that window', async () => {
  await trainedRun('two-panels', { cell: 'lstm', hiddenSize: 8 });
  // The Gates panel around the cursor at 100, the Unrolled panel after a click at 500, and a bad request of a third.
  send({ type: 'traceActivations', requestId: 101, runId: 'two-panels', start: 100, length: 40 });
  send({ type: 'traceActivations', requestId: 102, runId: 'two-panels', start: 500, length: 24 });
  send({ type: 'traceActivations', requestId: 103, runId: 'two-panels', length: 999 });
  await until(() => tracesOf('two-panels').length === 2 && failuresOf('two-panels').length === 1);
  const answerTo = (id: number) => tracesOf('two-panels').find((t) => t.requestId === id);
  assert.deepEqual([answerTo(101)?.start, answerTo(101)?.length], [100, 40]);
  assert.deepEqual([answerTo(102)?.start, answerTo(102)?.length], [500, 24]);
  assert.equal(answerTo(101)!.tokens.join(''), [...text].slice(100, 140).join(''));
  const failure = failuresOf('two-panels')[0] as Extract<WorkerToHost, { type: 'activationTraceFailed' }>;
  assert.equal(failure.requestId, 103, 'a failure names the request it answers');
  send({ type: 'traceActivations', requestId: 104, runId: 'released-run', length: 10 });
  assert.equal((await next('released-run', 'activationTraceFailed')).requestId, 104);
});
