// The training worker as the host sees it: typed messages in, progress batches and samples out, and a stop
// that takes effect at once. Bundles the worker as the build does and runs it in a real worker_threads Worker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';

const { received, send, next, waitFor } = startTrainingWorker(20_000, { sampleFloorMs: 0 }); // samples counted by step

const text = 'the cat sat on the mat. '.repeat(40);

test('a run reports its data, trains in batches of typed arrays, samples text and completes', async () => {
  send({ type: 'train', runId: 'complete', text, config: { ...DEFAULT_CONFIG, hiddenSize: 16, seqLength: 16, steps: 150, sampleEvery: 50, sampleLength: 30 } });
  const started = await next('complete', 'started');
  assert.equal(started.vocabSize, new Set(text).size);
  assert.equal(started.dataLength, text.length);
  const finished = await next('complete', 'finished');
  assert.equal(finished.reason, 'completed');
  assert.equal(finished.steps, 150);

  const batches = received.filter((m): m is Extract<WorkerToHost, { type: 'progress' }> => m.runId === 'complete' && m.type === 'progress');
  assert.ok(batches.length >= 1);
  assert.ok(batches.every((b) => b.losses instanceof Float32Array && b.clipped instanceof Uint8Array));
  const losses = batches.flatMap((b) => [...b.losses]);
  assert.equal(losses.length, 150, 'every step is reported exactly once');
  assert.deepEqual(batches.map((b) => b.firstStep), batches.map((_, i) => 1 + batches.slice(0, i).reduce((n, b) => n + b.losses.length, 0)));
  assert.ok(losses[149] < losses[0], `loss falls: ${losses[0]} → ${losses[149]}`);

  const samples = received.filter((m) => m.runId === 'complete' && m.type === 'sample');
  assert.ok(samples.length >= 3, 'samples at steps 50, 100, 150 and at the end');
  for (const s of samples) if (s.type === 'sample') assert.equal([...s.text].length, 30);
});

test('stop ends a long run mid-way: stopped, not completed, every step up to it reported', async () => {
  const steps = 10_000_000;
  send({ type: 'train', runId: 'long', text, config: { ...DEFAULT_CONFIG, hiddenSize: 64, steps } });
  await next('long', 'started');
  await next('long', 'progress');
  const asked = performance.now();
  send({ type: 'stop', runId: 'long' });
  // The worker reads its messages between updates: the stop ends the 10 M-step run (how fast is the bench's business).
  const finished = await next('long', 'finished');
  assert.equal(finished.reason, 'stopped');
  assert.ok(finished.steps >= 1 && finished.steps < steps, `stopped at step ${finished.steps}`);
  assert.ok(Number.isFinite(finished.finalLoss));
  const reported = received.filter((m): m is Extract<WorkerToHost, { type: 'progress' }> => m.runId === 'long' && m.type === 'progress');
  assert.equal(reported.reduce((n, b) => n + b.losses.length, 0), finished.steps);
  console.log(`stopped at step ${finished.steps}, ${(performance.now() - asked).toFixed(0)} ms after the stop was sent`);
});

test('a sample can be asked for after the run, at another temperature', async () => {
  send({ type: 'sample', runId: 'long', temperature: 0.3, length: 12 });
  const last = await waitFor((m) => m.runId === 'long' && m.type === 'sample' && m.temperature === 0.3);
  assert.ok(last.type === 'sample' && [...last.text].length === 12);
});

test('bad text fails the run with a message, and the worker lives on', async () => {
  send({ type: 'train', runId: 'empty', text: '', config: DEFAULT_CONFIG });
  const failed = await next('empty', 'failed');
  assert.match(failed.message, /empty/i);
  send({ type: 'train', runId: 'after', text, config: { ...DEFAULT_CONFIG, steps: 3 } });
  assert.equal((await next('after', 'finished')).reason, 'completed');
});
