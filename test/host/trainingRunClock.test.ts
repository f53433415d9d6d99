// Periodic checkpoints have a wall-time floor (issue #7): every checkpointEvery steps, but at most once per 2 s, so a
// fast run does not serialise its whole state many times a second; pause, stop and completion always post one.
// The run's clock is injected: here each update "takes" a fixed number of milliseconds of a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { CharModel } from '../../src/worker/charModel';
import { CHECKPOINT_FLOOR_MS, SAMPLE_FLOOR_MS, TrainingRun } from '../../src/worker/trainingRun';

const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(10);
const small: TrainingConfig = { ...DEFAULT_CONFIG, hiddenSize: 8, seqLength: 8, sampleEvery: 1_000_000, sampleLength: 5 };

/** Trains on a clock where every update takes `msPerStep`; `onPost` may steer the run. Returns every message. */
async function train(config: TrainingConfig, msPerStep: number, onPost: (m: WorkerToHost, run: TrainingRun) => void = () => undefined) {
  const model = new CharModel(text, config, undefined, { gradientHistory: false });
  const posted: WorkerToHost[] = [];
  const run: TrainingRun = new TrainingRun('clock', model, config, (m) => {
    posted.push(m);
    onPost(m, run);
  }, { now: () => model.stepCount * msPerStep });
  await run.run();
  const steps = (type: 'checkpoint') => posted.filter((m): m is Extract<WorkerToHost, { type: typeof type }> => m.type === type).map((m) => m.step);
  return { posted, checkpoints: steps('checkpoint'), finished: posted.find((m) => m.type === 'finished') };
}

test('a fast run posts periodic checkpoints at most once per 2 s of its clock, and one on completion', async () => {
  const msPerStep = 300;
  const every = 3;
  const steps = 40;
  const { checkpoints } = await train({ ...small, steps, checkpointEvery: every }, msPerStep);
  assert.equal(checkpoints.at(-1), steps, 'a checkpoint on completion');
  const periodic = checkpoints.slice(0, -1);
  assert.ok(periodic.length >= 2, `some periodic checkpoints: ${periodic.join(', ')}`);
  let previous = 0;
  for (const step of periodic) {
    assert.equal(step % every, 0, `step ${step} is a multiple of checkpointEvery`);
    const gap = (step - previous) * msPerStep;
    assert.ok(gap >= CHECKPOINT_FLOOR_MS, `${gap} ms between checkpoints at ${previous} and ${step}`);
    assert.ok(gap < CHECKPOINT_FLOOR_MS + every * msPerStep, `step ${step} is the first multiple of ${every} past the floor`);
    previous = step;
  }
});

test('a slow run (each step longer than the floor) posts every checkpointEvery steps', async () => {
  const { checkpoints } = await train({ ...small, steps: 12, checkpointEvery: 4 }, CHECKPOINT_FLOOR_MS + 1);
  assert.deepEqual(checkpoints, [4, 8, 12]);
});

test('pause and stop post a checkpoint even right after a periodic one', async () => {
  const { checkpoints, posted, finished } = await train({ ...small, steps: 1000, checkpointEvery: 1 }, 250, (m, run) => {
    if (m.type === 'progress' && m.firstStep + m.losses.length - 1 === 9) run.pause();
    if (m.type === 'paused') run.stop();
  });
  const paused = posted.find((m) => m.type === 'paused');
  assert.ok(paused && paused.type === 'paused');
  assert.equal(checkpoints[0], 8, 'the first periodic checkpoint, 2 s in');
  assert.equal(paused.step, 9, 'paused one step later, 250 ms of clock after that checkpoint');
  assert.deepEqual(checkpoints, [8, 9], 'a checkpoint on pause; stop while paused has nothing new to save');
  assert.ok(finished && finished.type === 'finished' && finished.reason === 'stopped' && finished.steps === 9);
});

/** Steps at which samples were posted while training (the last, at the end of the run, is always posted). */
const sampleSteps = (posted: WorkerToHost[]) => posted.filter((m): m is Extract<WorkerToHost, { type: 'sample' }> => m.type === 'sample').map((m) => m.step);

test('a fast run posts samples every sampleEvery steps but at most once per 500 ms of its clock, and one at the end', async () => {
  // 10 ms a step, a sample asked for every 5 steps: 20 a second without the floor (a small model's thousands of steps a
  // second made a sample and a progress batch every 100 steps, ~100 messages a second, which flooded the host).
  const msPerStep = 10;
  const every = 5;
  const maxSteps = 300;
  const { posted, finished } = await train({ ...small, steps: maxSteps, sampleEvery: every }, msPerStep);
  assert.ok(finished);
  const steps = sampleSteps(posted);
  assert.equal(steps.at(-1), maxSteps, 'a sample at the end');
  const during = steps.slice(0, -1);
  assert.equal(during[0], every, 'the first sample is not delayed');
  for (let i = 1; i < during.length; i++) {
    assert.equal(during[i] % every, 0, `step ${during[i]} is a multiple of sampleEvery`);
    const gap = (during[i] - during[i - 1]) * msPerStep;
    assert.ok(gap >= SAMPLE_FLOOR_MS && gap < SAMPLE_FLOOR_MS + every * msPerStep, `${gap} ms between the samples at ${during[i - 1]} and ${during[i]}`);
  }
  assert.equal(during.length, 1 + Math.floor(((maxSteps - every) * msPerStep) / SAMPLE_FLOOR_MS), `samples at ${during.join(', ')}`);
});

test('a slow run (each step longer than the sample floor) samples every sampleEvery steps', async () => {
  const { posted } = await train({ ...small, steps: 12, sampleEvery: 4 }, SAMPLE_FLOOR_MS + 1);
  assert.deepEqual(sampleSteps(posted), [4, 8, 12, 12], 'every 4 steps, and at the end');
});
