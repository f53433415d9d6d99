// Sampling never holds up a stop (issue #7): the sample that closes a stopped run gets a time budget (a big model's
// 200 characters take seconds), and a sample taken while a stop or pause waits ends at once. Samples end between
// characters, so a shortened sample is the beginning of the full one. The run's clock is injected (no timing here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../src/engine/prng';
import { sampleNextTokens } from '../../src/engine/sequenceSampling';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { CharModel } from '../../src/worker/charModel';
import { TrainingRun } from '../../src/worker/trainingRun';

const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(10);
const config: TrainingConfig = { ...DEFAULT_CONFIG, hiddenSize: 8, seqLength: 8, sampleEvery: 1_000_000, sampleLength: 120, steps: 6 };

test('a sample asked to stop after n characters is the first n characters of the full sample', () => {
  const model = new CharModel(text, config, undefined, { gradientHistory: false });
  const stack = (model as unknown as { trainer: { model: Parameters<typeof sampleNextTokens>[0] } }).trainer.model;
  const full = sampleNextTokens(stack, [0], 50, 1, new Prng(3));
  let asked = 0;
  const short = sampleNextTokens(stack, [0], 50, 1, new Prng(3), false, () => asked++ >= 17);
  assert.equal(short.length, 17);
  assert.deepEqual([...short], [...full.subarray(0, 17)]);
  assert.equal(sampleNextTokens(stack, [0], 50, 1, new Prng(3), false, () => false).length, 50);
});

/** A run whose clock advances `msPerRead` at every read; `steer` may stop it. Returns the samples and the end. */
async function run(msPerRead: number, steer: (m: WorkerToHost, r: TrainingRun) => void, interrupted?: () => boolean) {
  const model = new CharModel(text, config, undefined, { gradientHistory: false });
  let clock = 0;
  const posted: WorkerToHost[] = [];
  const r: TrainingRun = new TrainingRun('budget', model, config, (m) => {
    posted.push(m);
    steer(m, r);
  }, { now: () => (clock += msPerRead), ...(interrupted ? { interrupted } : {}) });
  await r.run();
  const samples = posted.filter((m): m is Extract<WorkerToHost, { type: 'sample' }> => m.type === 'sample');
  return { samples, finished: posted.find((m) => m.type === 'finished') };
}

test('a stopped run closes with a sample cut at its time budget; a completed run gets the whole sample', async () => {
  const completed = await run(10, () => undefined);
  assert.equal(completed.samples.at(-1)?.text.length, config.sampleLength, 'completion: the full sample');

  // Each clock read "takes" 10 ms: a 200 ms budget ends the closing sample after about 20 characters.
  const stopped = await run(10, (m, r) => m.type === 'progress' && r.stop());
  assert.ok(stopped.finished?.type === 'finished' && stopped.finished.reason === 'stopped');
  const closing = stopped.samples.at(-1)?.text ?? '';
  assert.ok(closing.length > 0 && closing.length < 40, `the closing sample has ${closing.length} characters`);
});

test('a sample taken while a stop or pause waits ends at once', async () => {
  let waiting = false;
  // A request arrives with the first thing the run posts after training (the held-out score it posts before its
  // first step does not count: a request that waits from the start would abandon every step).
  const { samples, finished } = await run(1, (m) => { if (m.type !== 'heldOut') waiting = true; }, () => waiting);
  // The completion sample is taken with a request waiting: it ends before its first character rather than holding
  // the request up, and an empty sample is not posted (the panel keeps the one it shows).
  assert.ok(finished?.type === 'finished');
  assert.deepEqual(samples.map((s) => s.text), []);
});
