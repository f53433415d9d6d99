// A run resumed from a checkpoint never plots a held-out loss on data it trained on (src/worker/checkpointFiles.ts).
// Checkpoints record the split their model trained beside (trainer-state metadata `held_out`). The old shape — a
// trainer state written before runs held data out, with the sampling PRNG only — is rebuilt here byte for byte as the
// old writer wrote it. Resumed from it, the run (through the real training worker) reports no held-out part and
// says why, and posts no held-out score; the Compare Runs sentence names the reason. A checkpoint whose split is
// today's (recorded, or on the stored run's record for checkpoints that predate the record) keeps its held-out loss;
// one that trained beside another split (the file changed) does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTrainerState, encodeTrainerState } from '../../src/engine/trainerState';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { comparisonSummary, type RunCurveInput } from '../../src/panels/compareSummary';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { CharModel } from '../../src/worker/charModel';
import { SequenceModel } from '../../src/worker/sequenceModel';
import { startTrainingWorker } from './trainingWorkerHarness';

const text = 'to be or not to be that is the question. '.repeat(40);
const config: TrainingConfig = { ...DEFAULT_CONFIG, cell: 'gru', hiddenSize: 12, seqLength: 16, steps: 60, learningRate: 0.01, sampleEvery: 1000 };

/** A checkpoint of `model` after `steps` updates, and the same with its trainer state in the old shape (no held_out). */
function checkpoints(model: CharModel | SequenceModel, steps: number): { model: Uint8Array; state: Uint8Array; oldState: Uint8Array } {
  for (let i = 0; i < steps; i++) model.step();
  const c = model.checkpoint();
  const { state, metadata } = decodeTrainerState(c.state);
  // What the writer before held-out data put in trainer-state.safetensors: the counters, buffers and the PRNG.
  const oldState = encodeTrainerState(state, { sampling_prng: metadata.sampling_prng });
  assert.equal(decodeSafetensors(oldState).metadata.held_out, undefined);
  return { ...c, oldState };
}

test('the checkpoint records its split; an old-format checkpoint resumes with no held-out part and says why', () => {
  const first = new CharModel(text, config, undefined, { gradientHistory: false });
  const split = first.heldOut;
  assert.equal(split.description, 'the last 10% of the characters');
  const c = checkpoints(first, 5);
  assert.deepEqual(JSON.parse(decodeSafetensors(c.state).metadata.held_out), { description: split.description, trainCount: split.trainCount, heldOutCount: split.heldOutCount });

  // Today's checkpoint: the same split, the held-out loss goes on.
  const resumed = new CharModel(text, config, { model: c.model, state: c.state }, { gradientHistory: false });
  assert.deepEqual(resumed.heldOut, split);
  assert.ok(resumed.scoreHeldOut(), 'a held-out score');

  // The old shape: trained before runs held data out, on the whole file.
  const old = new CharModel(text, config, { model: c.model, state: c.oldState }, { gradientHistory: false });
  assert.equal(old.stepCount, 5, 'the run resumes at its step');
  assert.equal(old.heldOut.heldOutCount, 0);
  assert.equal(old.heldOut.trainCount, split.trainCount);
  assert.equal(
    old.heldOut.description,
    'the checkpoint this run resumed from was saved before runs held data out, so the model trained on the whole file, the last 10% of the characters included (a loss on them would not be a held-out loss)',
  );
  assert.equal(old.scoreHeldOut(), undefined, 'no held-out score on data the model trained on');
  // Its own checkpoints keep saying so: resumed again (even with a stored record of today's split) it holds nothing out.
  const again = new CharModel(text, config, { ...old.checkpoint(), heldOut: split }, { gradientHistory: false });
  assert.equal(again.heldOut.heldOutCount, 0);
  assert.match(again.heldOut.description, /^the checkpoint this run resumed from was saved before runs held data out/);

  // An old-format checkpoint of a run the store recorded with today's split (saved between held-out data and the
  // record): that split was held out, the loss goes on.
  const recorded = new CharModel(text, config, { model: c.model, state: c.oldState, heldOut: split }, { gradientHistory: false });
  assert.deepEqual(recorded.heldOut, split);
  assert.ok(recorded.scoreHeldOut());

  // Weights alone (a model imported from elsewhere, no trainer state) keep today's split.
  assert.deepEqual(new CharModel(text, config, { model: c.model }, { gradientHistory: false }).heldOut, split);
});

test('a checkpoint that trained beside another split (the file grew) holds nothing out, naming both splits', () => {
  const c = checkpoints(new CharModel(text, config, undefined, { gradientHistory: false }), 3);
  const longer = text + 'to be or not to be. '.repeat(20);
  const grown = new CharModel(longer, config, { model: c.model, state: c.state }, { gradientHistory: false });
  assert.equal(grown.heldOut.heldOutCount, 0);
  const n = text.length;
  const held = Math.floor(n * 0.1);
  const m = longer.length;
  assert.equal(
    grown.heldOut.description,
    `the checkpoint this run resumed from held out the last 10% of the characters (${held} of ${n - 1}), but the file now splits as ` +
      `the last 10% of the characters (${Math.floor(m * 0.1)} of ${m - 1}): the model may have trained on part of that`,
  );
  assert.equal(grown.scoreHeldOut(), undefined);
});

test('a tagger resumed from an old-format checkpoint reports accuracy on training sentences, not held-out ones', () => {
  const tagged = Array.from({ length: 30 }, (_, i) => `the\tD\n${i % 2 ? 'cat' : 'dog'}\tN\n${i % 3 ? 'ran' : 'sat'}\tV\n`).join('\n');
  const tagConfig: TrainingConfig = { ...config, dataKind: 'tagged', bidirectional: true, seqLength: 8 };
  const c = checkpoints(new SequenceModel(tagged, tagConfig), 3);
  const old = new SequenceModel(tagged, tagConfig, { model: c.model, state: c.oldState });
  assert.equal(old.heldOut.heldOutCount, 0);
  assert.match(old.heldOut.description, /^the checkpoint this run resumed from was saved before runs held data out, so the model trained on the whole file, 3 of the 30 sequences/);
  assert.equal(old.scoreHeldOut(), undefined);
  assert.match(old.sample(20, 1), /^Tagging accuracy [\d.]+% on \d+ tokens of the first \d+ training sequences \(the checkpoint this run resumed from/);
  assert.doesNotMatch(old.sample(20, 1), /never trained on/);
  // Today's shape: accuracy on the held-out sentences.
  assert.match(new SequenceModel(tagged, tagConfig, { model: c.model, state: c.state }).sample(20, 1), /^Held-out tagging accuracy .*never trained on/);
});

test('through the training worker: resumed from an old-format checkpoint, no held-out score is posted', async () => {
  const { received, send, next } = startTrainingWorker(60_000);
  const c = checkpoints(new CharModel(text, config, undefined, { gradientHistory: false }), 10);
  send({ type: 'train', runId: 'old', text, config: { ...config, steps: 40 }, restore: { model: c.model, state: c.oldState } });
  const started = await next('old', 'started');
  assert.equal(started.heldOut?.heldOutCount, 0);
  assert.match(started.heldOut?.description ?? '', /saved before runs held data out/);
  await next('old', 'finished');
  assert.deepEqual(received.filter((m: WorkerToHost) => m.type === 'heldOut' && m.runId === 'old'), []);
  // The same checkpoint in today's shape keeps its held-out curve.
  send({ type: 'train', runId: 'new', text, config: { ...config, steps: 40 }, restore: { model: c.model, state: c.state } });
  await next('new', 'finished');
  assert.ok(received.some((m: WorkerToHost) => m.type === 'heldOut' && m.runId === 'new'));
});

test('Compare Runs says which run has no held-out loss and why, and compares training losses then', () => {
  const points = (base: number) => Array.from({ length: 20 }, (_, i) => ({ step: (i + 1) * 10, loss: base - i * 0.01, gradNorm: 1 }));
  const run = (id: string, cell: TrainingConfig['cell'], extra: Partial<RunCurveInput>): RunCurveInput => ({
    id, modelLabel: `char ${cell.toUpperCase()}`, fileLabel: 'verse.txt', config: { ...config, cell }, status: 'completed', step: 200, points: points(2), ...extra,
  });
  const why = 'the checkpoint this run resumed from was saved before runs held data out, so the model trained on the whole file, the last 10% of the characters included (a loss on them would not be a held-out loss)';
  const sentence = comparisonSummary([
    run('a', 'gru', { heldOut: [{ step: 100, loss: 2.1 }, { step: 200, loss: 1.9 }] }),
    run('b', 'lstm', { noHeldOut: why, points: points(2.5) }),
  ], ['GRU', 'LSTM']);
  assert.match(sentence, /a training loss of /);
  assert.match(sentence, /\(not every run has a held-out loss by then\)/);
  assert.ok(sentence.endsWith(` LSTM has no held-out loss: ${why}.`), sentence);
});
