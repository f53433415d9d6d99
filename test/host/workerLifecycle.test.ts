// A run's lifecycle in the real training worker (issues 3 and 7): pause, single step, resume, stop while paused;
// checkpoints every checkpointEvery steps, on pause, stop and completion; a run started from a checkpoint goes on
// bit for bit; a checkpoint that does not fit is refused in words; a NaN/Inf pauses the run at its last good state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/safetensors';
import { decodeTrainerState } from '../../src/engine/trainerState';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';

// No wall-time floor between periodic checkpoints here: these tests count them by step (the floor: trainingRunClock.test.ts).
const { received, send, next } = startTrainingWorker(30_000, { checkpointFloorMs: 0, sampleFloorMs: 0 });

const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(20);
const small: TrainingConfig = { ...DEFAULT_CONFIG, hiddenSize: 12, seqLength: 8, sampleEvery: 25, sampleLength: 20 };

type Of<T extends WorkerToHost['type']> = Extract<WorkerToHost, { type: T }>;

function all<T extends WorkerToHost['type']>(runId: string, type: T): Of<T>[] {
  return received.filter((m) => m.runId === runId && m.type === type) as Of<T>[];
}

/** Resolves once `count` messages of `type` have arrived for the run (polling the record; no timing asserted). */
async function nth<T extends WorkerToHost['type']>(runId: string, type: T, count: number): Promise<Of<T>> {
  const deadline = Date.now() + 30_000;
  while (all(runId, type).length < count) {
    if (Date.now() > deadline) throw new Error(`no ${count} × '${type}' for ${runId}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return all(runId, type)[count - 1];
}

/** Every reported loss of a run by step number. */
function lossesByStep(runId: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const b of all(runId, 'progress')) b.losses.forEach((l, i) => {
    assert.ok(!out.has(b.firstStep + i), `step ${b.firstStep + i} reported twice`);
    out.set(b.firstStep + i, l);
  });
  return out;
}

test('pause, one single step, stop while paused: exactly one update after the pause, checkpoints at each', async () => {
  send({ type: 'train', runId: 'p', text, config: { ...small, steps: 10_000_000 } });
  await next('p', 'progress');
  send({ type: 'pause', runId: 'p' });
  const paused = await next('p', 'paused');
  assert.equal(paused.fault, undefined);
  const atPause = all('p', 'checkpoint').at(-1)!;
  assert.equal(atPause.step, paused.step, 'a checkpoint of the paused state');
  assert.ok(atPause.model instanceof Uint8Array && atPause.state instanceof Uint8Array);
  assert.equal(lossesByStep('p').size, paused.step, 'every step up to the pause was reported');

  send({ type: 'step', runId: 'p' });
  const stepped = await nth('p', 'progress', all('p', 'progress').length + 1);
  assert.equal(stepped.firstStep, paused.step + 1);
  assert.equal(stepped.losses.length, 1, 'a single step is one update');

  send({ type: 'stop', runId: 'p' });
  const finished = await next('p', 'finished');
  assert.equal(finished.reason, 'stopped');
  assert.equal(finished.steps, paused.step + 1, 'nothing trained while paused but the single step');
  assert.equal(all('p', 'checkpoint').at(-1)!.step, paused.step + 1, 'a checkpoint on stop');
  assert.equal(all('p', 'resumed').length, 0);
});

test('pause then resume trains on to completion with every step reported once', async () => {
  send({ type: 'train', runId: 'r', text, config: { ...small, steps: 400, checkpointEvery: 1000 } });
  await next('r', 'progress');
  send({ type: 'pause', runId: 'r' });
  const paused = await next('r', 'paused');
  send({ type: 'resume', runId: 'r' });
  const resumed = await next('r', 'resumed');
  assert.equal(resumed.step, paused.step);
  const finished = await next('r', 'finished');
  assert.equal(finished.reason, 'completed');
  assert.equal(finished.steps, 400);
  const losses = lossesByStep('r');
  assert.deepEqual([...losses.keys()].sort((a, b) => a - b), Array.from({ length: 400 }, (_, i) => i + 1));
  const checkpoints = all('r', 'checkpoint').map((c) => c.step);
  assert.deepEqual(checkpoints, paused.step === 400 ? [400] : [paused.step, 400], 'on pause and on completion');
});

test('checkpoints every checkpointEvery steps hold the PyTorch state_dict names, the config and the vocabulary', async () => {
  send({ type: 'train', runId: 'c', text, config: { ...small, cell: 'lstm', steps: 50, checkpointEvery: 20 } });
  await next('c', 'finished');
  const checkpoints = all('c', 'checkpoint');
  assert.deepEqual(checkpoints.map((c) => c.step), [20, 40, 50]);
  const model = decodeSafetensors(checkpoints[2].model);
  assert.deepEqual(model.tensors.map((t) => t.name).sort(), ['head.bias', 'head.weight', 'rnn.bias_hh_l0', 'rnn.bias_ih_l0', 'rnn.weight_hh_l0', 'rnn.weight_ih_l0']);
  assert.deepEqual(model.tensors.find((t) => t.name === 'rnn.weight_hh_l0')!.shape, [48, 12]);
  const meta = JSON.parse(model.metadata.sequence_lab) as { task: string; model: { cell: string; hiddenSize: number }; vocabulary: string[] };
  assert.equal(meta.task, 'lm');
  assert.equal(meta.model.cell, 'lstm');
  assert.deepEqual(meta.vocabulary, [...new Set(text)].sort());
  const { state } = decodeTrainerState(checkpoints[2].state);
  assert.equal(state.counters.steps, 50);
  assert.equal(state.optimizer.kind, 'adam');
  assert.equal(state.optimizer.t, 50);
});

test('a run started from a checkpoint goes on bit for bit, samples included; startPaused waits at its step', async () => {
  const config: TrainingConfig = { ...small, cell: 'gru', optimizer: 'rmsprop', steps: 60, checkpointEvery: 30 };
  send({ type: 'train', runId: 'straight', text, config });
  await next('straight', 'finished');
  const at30 = all('straight', 'checkpoint').find((c) => c.step === 30)!;

  send({ type: 'train', runId: 'resumed', text, config, restore: { model: at30.model, state: at30.state }, startPaused: true });
  const started = await next('resumed', 'started');
  assert.equal(started.step, 30);
  const paused = await next('resumed', 'paused');
  assert.equal(paused.step, 30);
  assert.equal(all('resumed', 'checkpoint').length, 0, 'the restored state is not saved again');
  send({ type: 'resume', runId: 'resumed' });
  const finished = await next('resumed', 'finished');
  assert.equal(finished.steps, 60);

  const a = lossesByStep('straight');
  const b = lossesByStep('resumed');
  assert.deepEqual([...b.keys()], Array.from({ length: 30 }, (_, i) => 31 + i));
  for (const [step, loss] of b) assert.ok(Object.is(loss, a.get(step)), `step ${step}: ${loss} ≠ ${a.get(step)}`);
  assert.equal(all('resumed', 'sample').at(-1)!.text, all('straight', 'sample').at(-1)!.text);
  assert.deepEqual(all('resumed', 'checkpoint').at(-1)!.model, all('straight', 'checkpoint').at(-1)!.model);
});

test('weights only (no trainer state): starts at step 0 with a fresh optimiser, from the given weights', async () => {
  const config: TrainingConfig = { ...small, steps: 30, checkpointEvery: 30 };
  send({ type: 'train', runId: 'w1', text, config });
  await next('w1', 'finished');
  const { model } = all('w1', 'checkpoint').at(-1)!;
  send({ type: 'train', runId: 'w2', text, config: { ...config, steps: 1 }, restore: { model } });
  assert.equal((await next('w2', 'started')).step, 0);
  await next('w2', 'finished');
  const first = lossesByStep('w2').get(1)!;
  const fresh = lossesByStep('w1').get(1)!;
  assert.ok(first < fresh - 0.1, `the trained weights start lower: ${first} vs ${fresh}`);
});

test('a checkpoint that does not fit the settings or the text is refused in words', async () => {
  send({ type: 'train', runId: 'src', text, config: { ...small, steps: 5 } });
  await next('src', 'finished');
  const { model, state } = all('src', 'checkpoint').at(-1)!;
  const cases: [string, Partial<Parameters<typeof send>[0] & { type: 'train' }>, RegExp][] = [
    ['bad-size', { config: { ...small, hiddenSize: 13 } }, /holds RNN, 1 layer\(s\), H=12, but the settings ask for RNN, 1 layer\(s\), H=13/],
    ['bad-kind', { config: { ...small, cell: 'lstm' } }, /holds RNN.*but the settings ask for LSTM/],
    ['bad-vocab', { text: 'a quick brown fox jumps. '.repeat(20) }, /vocabulary .* is not this text's/],
    ['truncated', { restore: { model: model.subarray(0, model.length - 100), state } }, /not a valid safetensors file/],
    ['bad-state', { restore: { model, state: state.subarray(0, 20) } }, /not a valid safetensors file/],
    ['opt-state', { config: { ...small, optimizer: 'sgd' }, restore: { model, state } }, /saved with the adam optimiser, but this run uses sgd/],
  ];
  for (const [runId, over, expected] of cases) {
    send({ type: 'train', runId, text, config: small, restore: { model, state }, ...over });
    const failed = await next(runId, 'failed');
    assert.match(failed.message, expected, runId);
    assert.ok(!failed.message.includes('\n'), 'one line');
  }
});

test('a NaN/Inf pauses the run at its last good state; reconfigure and resume go on; stop while paused', async () => {
  send({ type: 'train', runId: 'good', text, config: { ...small, hiddenSize: 16, steps: 10, checkpointEvery: 10 } });
  await next('good', 'finished');
  const good = all('good', 'checkpoint').at(-1)!;
  // Exploded weights: every W_hh entry 1e307 drives all 16 hidden units to the same ±1, and a head weight of 1.5e307
  // then sums to ±2.4e308, beyond the largest double: the head's outputs overflow to ±Infinity in the first update.
  const file = decodeSafetensors(good.model);
  for (const t of file.tensors) {
    if (t.name === 'rnn.weight_hh_l0') t.data.fill(1e307);
    if (t.name === 'head.weight') t.data.fill(1.5e307);
  }
  const exploded = encodeSafetensors(file.tensors, file.metadata);
  // In float64, where those magnitudes are finite weights (float32, the default, is below).
  const config: TrainingConfig = { ...small, hiddenSize: 16, steps: 1000, clip: 0, learningRate: 0.5, dtype: 'float64' };
  send({ type: 'train', runId: 'nan', text, config, restore: { model: exploded, state: good.state } });
  const paused = await next('nan', 'paused');
  assert.ok(paused.fault, 'paused by a fault');
  assert.equal(paused.step, 10, 'at the last good step');
  assert.equal(paused.fault.step, 11, 'the bad update');
  assert.equal(paused.fault.tensor, 'head output');
  assert.equal(typeof paused.fault.timeStep, 'number');
  assert.match(paused.fault.message, /^Step 11 made /);
  // The run is paused, not stopped: the message (shown beside "paused" in the Training panel) must not say otherwise.
  assert.doesNotMatch(paused.fault.message, /stop/i);
  const kept = all('nan', 'checkpoint').at(-1)!;
  assert.equal(kept.step, 10);
  assert.deepEqual(decodeSafetensors(kept.model).tensors.find((t) => t.name === 'head.weight')!.data, file.tensors.find((t) => t.name === 'head.weight')!.data, 'the engine changed nothing');
  assert.equal(lossesByStep('nan').size, 0, 'no bad step was reported as progress');

  // A fix: clipping on and half the learning rate, then resume; the weights are still exploded, so it pauses again.
  send({ type: 'reconfigure', runId: 'nan', config: { ...config, clip: 5, learningRate: 0.25 } });
  send({ type: 'resume', runId: 'nan' });
  await next('nan', 'resumed');
  const again = await nth('nan', 'paused', 2);
  assert.equal(again.fault?.step, 11);
  assert.equal(all('nan', 'failed').length, 0, 'a fault never fails the run');
  const checkpoints = all('nan', 'checkpoint').length;
  assert.equal(all('nan', 'checkpoint').at(-1)!.step, 10);

  send({ type: 'stop', runId: 'nan' });
  const finished = await next('nan', 'finished');
  assert.equal(finished.reason, 'stopped');
  assert.equal(finished.steps, 10);
  assert.ok(all('nan', 'checkpoint').length >= checkpoints);

  // The default dtype, float32, rounds each weight of 1e307 to Infinity: the first hidden state is already NaN
  // (Infinity × h_0 = Infinity × 0), and the run pauses there, at the same last good step.
  const float32: TrainingConfig = { ...config, dtype: undefined };
  send({ type: 'train', runId: 'nan32', text, config: float32, restore: { model: exploded, state: good.state } });
  const paused32 = await next('nan32', 'paused');
  assert.deepEqual([paused32.step, paused32.fault?.step, paused32.fault?.tensor, paused32.fault?.timeStep], [10, 11, 'h_l0', 0]);
  assert.equal(lossesByStep('nan32').size, 0, 'no bad step was reported as progress');
  send({ type: 'stop', runId: 'nan32' });
  assert.equal((await next('nan32', 'finished')).steps, 10);
});

test('reconfigure changes the live run: a tiny clip threshold clips the next single step', async () => {
  send({ type: 'train', runId: 'rc', text, config: { ...small, clip: 0, steps: 10_000_000 } });
  await next('rc', 'progress');
  send({ type: 'pause', runId: 'rc' });
  await next('rc', 'paused');
  const before = all('rc', 'progress').flatMap((b) => [...b.clipped]);
  assert.ok(before.every((c) => c === 0), 'no clipping with clip 0');
  send({ type: 'reconfigure', runId: 'rc', config: { ...small, clip: 1e-6, steps: 10_000_000 } });
  send({ type: 'step', runId: 'rc' });
  const stepped = await nth('rc', 'progress', all('rc', 'progress').length + 1);
  assert.equal(stepped.clipped[0], 1);
  send({ type: 'stop', runId: 'rc' });
  await next('rc', 'finished');
});
