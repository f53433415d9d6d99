// Sequence Lab: Show Gradient Flow: the training channel's traceGradients request through the real bundled worker.
// A trace of an RNN and an LSTM run has the announced shapes and finite positive values; a freshly initialised tanh
// RNN's Jacobian norm decays with distance; tracing while a run trains leaves its loss sequence exactly as it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';

const { received, send, next } = startTrainingWorker(30_000);

const text = 'the cat sat on the mat. the dog dug a log. '.repeat(30);
type Trace = Extract<WorkerToHost, { type: 'gradientTrace' }>;

const tracesOf = (runId: string) => received.filter((m): m is Trace => m.runId === runId && m.type === 'gradientTrace');
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((r) => setTimeout(r, 5));
}

async function trainedRun(runId: string, over: Partial<TrainingConfig>): Promise<void> {
  send({ type: 'train', runId, text, config: { ...DEFAULT_CONFIG, seqLength: 16, steps: 20, sampleEvery: 1000, ...over } });
  await next(runId, 'finished');
}

function checkShapes(t: Trace, layers: number, length: number): void {
  assert.equal(t.layers, layers);
  assert.equal(t.length, length);
  assert.ok(t.gradNormH instanceof Float32Array && t.jacobianNorm instanceof Float32Array);
  assert.equal(t.gradNormH.length, layers * length);
  assert.equal(t.jacobianNorm.length, length - 1);
  assert.equal(t.spectralRadius.length, layers);
  assert.equal(t.largestSingularValue.length, layers);
  assert.equal(t.tokens.length, length);
  assert.equal(t.tokens.join(''), [...text].slice(t.start, t.start + length).join(''), 'the tokens are the window of the text');
  for (const v of [...t.gradNormH, ...t.jacobianNorm, ...t.spectralRadius, ...t.largestSingularValue]) {
    assert.ok(Number.isFinite(v) && v > 0, `finite and positive: ${v}`);
  }
  for (let k = 0; k < layers; k++) assert.ok(t.largestSingularValue[k] >= t.spectralRadius[k] * (1 - 1e-9), 'σ_max ≥ ρ');
}

for (const [name, over] of [
  ['RNN', { cell: 'rnn', layers: 1, hiddenSize: 32 }],
  ['LSTM, 2 layers', { cell: 'lstm', layers: 2, hiddenSize: 16 }],
] as const) {
  test(`${name}: a trace after training has the announced shapes, finite positive values and the text's characters`, async () => {
    const runId = `shape-${name}`;
    await trainedRun(runId, over);
    send({ type: 'traceGradients', requestId: 1, runId, length: 64 });
    const t = await next(runId, 'gradientTrace');
    checkShapes(t, over.layers, 64);
    assert.equal(t.step, 20);
    // The history over training came along: every step counted, rows of the text's first 64 characters.
    const h = t.history!;
    assert.equal(h.stepsSeen, 20);
    assert.equal(h.tokens.join(''), [...text].slice(0, 64).join(''));
    assert.ok(h.steps.length >= 1 && h.steps[0] === 1, `rows at steps ${h.steps.join(', ')}`);
    assert.equal(h.gradNormH.length, h.steps.length * over.layers * 64);
    assert.ok(h.gradNormH.every((v) => Number.isFinite(v) && v > 0));
    send({ type: 'traceGradients', requestId: 2, runId, start: 5, length: 10 });
    // Wait for the answer to this request (a fixed sleep failed on a loaded machine).
    await until(() => tracesOf(runId).some((m) => m.requestId === 2));
    const explicit = tracesOf(runId).find((m) => m.requestId === 2)!;
    assert.equal(explicit.start, 5);
    checkShapes(explicit, over.layers, 10);
  });
}

test('a freshly initialised tanh RNN with small weights: the Jacobian norm decays with distance', async () => {
  const runId = 'fresh-rnn';
  await trainedRun(runId, { cell: 'rnn', hiddenSize: 64, steps: 1 });
  send({ type: 'traceGradients', requestId: 3, runId, start: 0, length: 64 });
  const t = await next(runId, 'gradientTrace');
  assert.ok(t.spectralRadius[0] < 1, `ρ(W_hh) < 1 at initialisation: ${t.spectralRadius[0]}`);
  const j = t.jacobianNorm;
  assert.ok(j[39] < 1e-3 * j[0], `‖∂h_T/∂h_{T−40}‖ = ${j[39]} ≪ ‖∂h_T/∂h_{T−1}‖ = ${j[0]}`);
  for (let n = 8; n < j.length; n += 8) assert.ok(j[n] < j[n - 8], `decays: distance ${n + 1}`);
});

test('tracing while the run trains leaves its loss sequence exactly as a run without traces (same seed)', async () => {
  const config = { cell: 'lstm', hiddenSize: 16, steps: 400 } as const;
  send({ type: 'train', runId: 'traced', text, config: { ...DEFAULT_CONFIG, seqLength: 16, sampleEvery: 1000, ...config } });
  await next('traced', 'started');
  // As the panel does: one request in flight at a time.
  let traces = 0;
  while (!received.some((m) => m.runId === 'traced' && m.type === 'finished')) {
    send({ type: 'traceGradients', requestId: 4, runId: 'traced', length: 32 });
    while (tracesOf('traced').length <= traces) await new Promise((r) => setTimeout(r, 2));
    traces++;
    await new Promise((r) => setTimeout(r, 10));
  }
  await trainedRun('untraced', config);
  const losses = (runId: string) =>
    received.filter((m): m is Extract<WorkerToHost, { type: 'progress' }> => m.runId === runId && m.type === 'progress').flatMap((b) => [...b.losses]);
  assert.ok(tracesOf('traced').some((t) => t.step > 0 && t.step < 400), `at least one trace mid-training (${traces} asked)`);
  assert.equal(losses('traced').length, 400);
  assert.deepEqual(losses('traced'), losses('untraced'));
});

test('a trace of an unknown run or a bad window fails in words and the worker lives on', async () => {
  send({ type: 'traceGradients', requestId: 5, runId: 'nobody', length: 64 });
  assert.match((await next('nobody', 'traceFailed')).message, /^This run is not in the training worker/);
  await trainedRun('windows', { steps: 2 });
  send({ type: 'traceGradients', requestId: 6, runId: 'windows', start: 100_000, length: 64 });
  assert.match((await next('windows', 'traceFailed')).message, /does not fit/);
  send({ type: 'traceGradients', requestId: 7, runId: 'windows', length: 64 });
  checkShapes(await next('windows', 'gradientTrace'), 1, 64);
  // Released by the host (it keeps the newest finished runs loaded): a trace says so and how to get it back.
  send({ type: 'dispose', runId: 'windows' });
  send({ type: 'traceGradients', requestId: 8, runId: 'windows', length: 64 });
  const isAnswer8 = (m: WorkerToHost): m is Extract<WorkerToHost, { type: 'traceFailed' }> => m.type === 'traceFailed' && m.requestId === 8;
  await until(() => received.some(isAnswer8));
  assert.match(received.find(isAnswer8)!.message, /^This run's model is no longer loaded .* Resume it from the Runs view/);
});

test('two askers trace one run at once: each answer carries its request id and the window asked for', async () => {
  await trainedRun('two-askers', { cell: 'gru', hiddenSize: 8, steps: 2 });
  send({ type: 'traceGradients', requestId: 201, runId: 'two-askers', start: 10, length: 16 });
  send({ type: 'traceGradients', requestId: 202, runId: 'two-askers', start: 300, length: 32 });
  send({ type: 'traceGradients', requestId: 203, runId: 'two-askers', start: 100_000, length: 64 });
  await until(() => tracesOf('two-askers').length === 2 && received.some((m) => m.runId === 'two-askers' && m.type === 'traceFailed'));
  const answerTo = (id: number) => tracesOf('two-askers').find((t) => t.requestId === id);
  assert.deepEqual([answerTo(201)?.start, answerTo(201)?.length], [10, 16]);
  assert.deepEqual([answerTo(202)?.start, answerTo(202)?.length], [300, 32]);
  assert.equal((await next('two-askers', 'traceFailed')).requestId, 203, 'a failure names the request it answers');
});
