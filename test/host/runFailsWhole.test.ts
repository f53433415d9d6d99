// A request on a run that goes wrong (a sample that throws) fails the run as a whole: it stops training first and
// then says `failed`, so the host never shows failed a run that still trains on (and ignores Stop for it). A run
// that already finished says `failed` at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { CharModel } from '../../src/worker/charModel';
import { TrainingRun } from '../../src/worker/trainingRun';

const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(10);
const config: TrainingConfig = { ...DEFAULT_CONFIG, hiddenSize: 8, seqLength: 8, sampleEvery: 1_000_000, steps: 1_000_000 };

test('a failure on a training run stops it, then reports failed once; no progress after it', async () => {
  const model = new CharModel(text, config, undefined, { gradientHistory: false });
  const posted: WorkerToHost[] = [];
  const r: TrainingRun = new TrainingRun('f', model, config, (m) => {
    posted.push(m);
    // Once it has trained a little, a request on it fails.
    if (m.type === 'progress' && model.stepCount >= 20) r.fail('sampling went wrong');
  }, {});
  await r.run(); // returns only once the loop has ended: a run that trained on would never resolve
  const ends = posted.filter((m) => m.type === 'failed' || m.type === 'finished');
  assert.deepEqual(ends.map((m) => m.type), ['failed']);
  assert.equal((ends[0] as Extract<WorkerToHost, { type: 'failed' }>).message, 'sampling went wrong');
  assert.equal(posted.at(-1)?.type, 'failed', 'nothing is posted after failed');
  assert.ok(model.stepCount < config.steps, 'it stopped training');
});

test('a failure on a finished run reports failed at once', async () => {
  const done = { ...config, steps: 3 };
  const model = new CharModel(text, done, undefined, { gradientHistory: false });
  const posted: WorkerToHost[] = [];
  const r = new TrainingRun('g', model, done, (m) => posted.push(m), {});
  await r.run();
  assert.equal(posted.at(-1)?.type, 'finished');
  r.fail('sampling went wrong');
  assert.deepEqual(posted.at(-1), { type: 'failed', runId: 'g', message: 'sampling went wrong' });
});
