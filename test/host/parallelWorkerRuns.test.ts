// A run of several streams uses the machine's cores (issue 15: "a run started on a laptop with more cores uses
// them"): the desktop's training worker trains a batch of B streams on min(cores, ⌊B/2⌋) threads (src/parallel/, the
// same shards `sequence-lab train --threads` uses), says how many when the run starts, trains the same model bit for
// bit as the engine on that many threads in one process, and ends the threads when the run ends. A batch of 1 (the
// Training panel's default) stays on one thread.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import type { ParallelShards } from '../../src/engine/streamShard';
import { AtomicShards } from '../../src/parallel/atomicShards';
import { WorkerShards } from '../../src/parallel/workerShards';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { CharModel } from '../../src/worker/charModel';
import { createTrainableModel } from '../../src/worker/createTrainableModel';
import { charData } from '../../src/engine/sequenceData';
import { SequenceTrainer } from '../../src/engine/sequenceTrainer';
import { StepAbortedError } from '../../src/engine/stepAbort';
import { trainerConfigOf } from '../../src/worker/modelTrainerConfig';
import { oneThreadReason, useParallelThreads } from '../../src/worker/parallelThreads';
import { TrainingRun } from '../../src/worker/trainingRun';
import { startTrainingWorker } from './trainingWorkerHarness';

const { received, send, next } = startTrainingWorker(120_000);
const text = 'the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. '.repeat(30);
const config: TrainingConfig = { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 16, seqLength: 12, batch: 8, learningRate: 0.01, steps: 25, seed: 3, sampleEvery: 1000 };
const cores = availableParallelism();

/** The per-step losses the worker posted for a run, as float32 (as posted). */
function workerLosses(runId: string): number[] {
  const losses: number[] = [];
  for (const m of received) if (m.type === 'progress' && m.runId === runId) losses.push(...m.losses);
  return losses;
}

/** The same run in this process, its trainer given `parallel` (or one thread): its per-step losses as float32. */
function inProcessLosses(steps: number, parallel: (() => ParallelShards) | undefined): number[] {
  useParallelThreads(parallel);
  try {
    const model = new CharModel(text, config, undefined, { gradientHistory: false });
    try {
      return Array.from({ length: steps }, () => Math.fround(model.step().loss));
    } finally {
      model.releaseThreads();
    }
  } finally {
    useParallelThreads(undefined);
  }
}

/**
 * Shards whose threads never start, and whether the trainer has begun waiting for them (it read `started`): a test
 * acts on a run once it waits for its threads, not after some time.
 */
function neverStarting(): { factory: () => ParallelShards; waiting: () => boolean } {
  let asked = false;
  const launch = () => ({
    get started(): Promise<void> {
      asked = true;
      return new Promise<void>(() => undefined);
    },
    terminate: () => undefined,
  });
  return { factory: () => new AtomicShards({ threads: 2, script: 'worker.js', launch }), waiting: () => asked };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !condition();) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a batch of 8 trains on min(cores, 4) threads, says so, and is the engine on that many threads bit for bit', { skip: cores < 2 && 'one core: nothing to share' }, async () => {
  send({ type: 'train', runId: 'wide', text, config });
  const started = await next('wide', 'started');
  const threads = Math.min(cores, 4);
  assert.equal(started.threads, threads, `a batch of 8 on ${cores} cores`);
  await next('wide', 'finished');
  const losses = workerLosses('wide');
  assert.equal(losses.length, config.steps);
  assert.deepEqual(losses, inProcessLosses(config.steps, () => new WorkerShards({ threads })), 'the same model as the engine on the same threads');
  // The sum of the shards' gradients in another order than one thread's: the same run within rounding, not bit for bit.
  const single = inProcessLosses(config.steps, undefined);
  losses.forEach((loss, i) => assert.ok(Math.abs(loss - single[i]) <= 1e-4 * Math.abs(single[i]), `step ${i + 1}: ${loss} against ${single[i]} on one thread`));
});

test('a batch of 1 (the default) and a batch of 2 stay on one thread', async () => {
  send({ type: 'train', runId: 'one', text, config: { ...config, batch: 1, steps: 3 } });
  send({ type: 'train', runId: 'two', text, config: { ...config, batch: 2, steps: 3 } });
  assert.equal((await next('one', 'started')).threads, 1);
  assert.equal((await next('two', 'started')).threads, 1);
  await next('one', 'finished');
  await next('two', 'finished');
});

test('the threads end with the run; a trainer that stepped after would fail loudly, not drop its streams', () => {
  let made: WorkerShards | undefined;
  useParallelThreads(() => (made = new WorkerShards({ threads: 2 })));
  try {
    const model = new CharModel(text, config, undefined, { gradientHistory: false });
    assert.equal(model.threadCount, 2);
    model.step();
    model.releaseThreads();
    assert.throws(() => model.step(), /worker shards were ended/);
    assert.ok(made);
  } finally {
    useParallelThreads(undefined);
  }
});

test('threads that do not start (a browser refusing nested workers) fail the run in words; the next runs train on one thread and say why', async () => {
  // As the web's shards behave when a nested Web Worker cannot load: `started` rejects before any update.
  const refused = (): ParallelShards => new AtomicShards({
    threads: 2, script: 'worker.js',
    launch: () => ({ started: Promise.reject(new Error('the shard worker failed to load')), terminate: () => undefined }),
  });
  useParallelThreads(refused);
  try {
    const posted: WorkerToHost[] = [];
    const model = new CharModel(text, config, undefined, { gradientHistory: false });
    assert.equal(model.threadCount, 2);
    await new TrainingRun('refused', model, config, (m) => posted.push(m)).run();
    const failed = posted.find((m) => m.type === 'failed');
    assert.match(failed?.type === 'failed' ? failed.message : '', /^The data-parallel training threads did not start \(the shard worker failed to load\)\. Start the run again: it will train on one thread\.$/);
    assert.equal(posted.filter((m) => m.type === 'progress').length, 0, 'no update ran on half the streams');
    assert.equal(oneThreadReason(), 'threads-did-not-start');
    const again = new CharModel(text, config, undefined, { gradientHistory: false });
    assert.equal(again.threadCount, 1);
    assert.equal(again.couldUseThreads, true);
    again.step();
  } finally {
    useParallelThreads(undefined);
  }
});

test('a run waiting for its threads to start still stops at once, and a run restored paused takes a single step once they serve', async () => {
  // Threads that never start: Stop ends the run (nothing trained, the threads ended), instead of waiting for them.
  const waitingRun = neverStarting();
  useParallelThreads(waitingRun.factory);
  try {
    const posted: WorkerToHost[] = [];
    const model = new CharModel(text, config, undefined, { gradientHistory: false });
    const run = new TrainingRun('waiting', model, config, (m) => posted.push(m));
    const ended = run.run();
    await until(waitingRun.waiting, 'the run waits for its threads');
    run.stop();
    await ended;
    assert.deepEqual(posted.filter((m) => m.type === 'finished').map((m) => m.type === 'finished' && m.reason), ['stopped']);
    assert.equal(model.stepCount, 0);
    assert.throws(() => model.step(), /worker shards were ended/);
  } finally {
    useParallelThreads(undefined);
  }

  // Threads that take 300 ms: a run started paused is paused at once, and a single step asked meanwhile is taken.
  class SlowToStart extends WorkerShards {
    override ready(): Promise<void> {
      return new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  useParallelThreads(() => new SlowToStart({ threads: 2 }));
  try {
    const posted: WorkerToHost[] = [];
    const model = new CharModel(text, config, undefined, { gradientHistory: false });
    const run = new TrainingRun('slow', model, config, (m) => posted.push(m));
    const ended = run.run(true);
    assert.ok(posted.some((m) => m.type === 'paused'), 'paused before its threads serve');
    run.singleStep();
    await until(() => model.stepCount >= 1, 'the single step was taken once the threads served');
    assert.equal(model.stepCount, 1);
    run.stop();
    await ended;
  } finally {
    useParallelThreads(undefined);
  }
});

test('a shard thread that never answers holds an update only until a stop or pause asks for it', () => {
  // As a thread that died mid-job: it says it is ready and then never writes DONE.
  const mute = new AtomicShards({
    threads: 2, script: 'worker.js',
    launch: (data) => {
      Atomics.store(new Int32Array(data.buffers.control), 2 /* READY */, 1);
      return { terminate: () => undefined };
    },
  });
  const trainer = new SequenceTrainer(charData(text).data, trainerConfigOf(config), { parallel: mute });
  assert.equal(trainer.threadCount, 2);
  const asked = Date.now() + 1500;
  trainer.abortCheck = () => Date.now() > asked;
  const start = Date.now();
  assert.throws(() => trainer.step(), StepAbortedError);
  assert.ok(Date.now() - start < 10_000, `gave way after ${Date.now() - start} ms`);
  trainer.dispose();
});

test('a model whose checkpoint does not load ends the threads its trainer had started', () => {
  let disposed = 0;
  useParallelThreads(() => {
    const shards = new WorkerShards({ threads: 2 });
    const dispose = shards.dispose.bind(shards);
    shards.dispose = () => {
      disposed++;
      dispose();
    };
    return shards;
  });
  try {
    assert.throws(() => createTrainableModel(text, config, { model: new Uint8Array([1, 2, 3]) }));
    assert.equal(disposed, 1, 'the threads of the trainer built before the checkpoint was read');
  } finally {
    useParallelThreads(undefined);
  }
});

test('a run waiting for its threads pauses at once when asked, and fails in words when they take longer than allowed', async () => {
  const never = neverStarting();
  useParallelThreads(never.factory);
  try {
    // Pause while waiting: 'paused' at step 0 without an update; Stop then ends it.
    const posted: WorkerToHost[] = [];
    const run = new TrainingRun('pausing', new CharModel(text, config, undefined, { gradientHistory: false }), config, (m) => posted.push(m), { threadsStartMs: 30_000 });
    const ended = run.run();
    await until(never.waiting, 'the run waits for its threads');
    run.pause();
    await until(() => posted.some((m) => m.type === 'paused'), 'paused while its threads were starting');
    assert.equal(posted.find((m) => m.type === 'paused')?.type === 'paused' && (posted.find((m) => m.type === 'paused') as { step: number }).step, 0);
    run.stop();
    await ended;
    assert.deepEqual(posted.filter((m) => m.type === 'finished').map((m) => m.type === 'finished' && m.reason), ['stopped']);

    // Threads that take longer than allowed: the run fails saying so (and the next runs train on one thread).
    const late: WorkerToHost[] = [];
    await new TrainingRun('late', new CharModel(text, config, undefined, { gradientHistory: false }), config, (m) => late.push(m), { threadsStartMs: 200 }).run();
    const failed = late.find((m) => m.type === 'failed');
    assert.match(failed?.type === 'failed' ? failed.message : '', /^The data-parallel training threads did not start \(no answer within 0\.2 s\)\./);
    assert.equal(oneThreadReason(), 'threads-did-not-start');
  } finally {
    useParallelThreads(undefined);
  }
});
