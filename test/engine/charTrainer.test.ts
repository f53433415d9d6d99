import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CharTrainer, type CharTrainingConfig } from '../../src/engine/charTrainer';
import { EngineInputError, NumericFaultError } from '../../src/engine/errors';

const TEXT = 'hello world '.repeat(50);
const CONFIG: CharTrainingConfig = {
  hiddenSize: 32,
  seqLength: 16,
  learningRate: 0.01,
  clipNorm: 5,
  maxSteps: 300,
  temperature: 0.8,
  seed: 1,
  sampleEvery: 100,
  sampleLength: 50,
};

function losses(trainer: CharTrainer, n: number): number[] {
  return Array.from({ length: n }, () => trainer.step().loss);
}

test('the loss falls on a repetitive text, and the model then reproduces it', () => {
  const trainer = new CharTrainer(TEXT, CONFIG);
  assert.equal(trainer.vocabSize, 8);
  assert.equal(trainer.dataLength, TEXT.length);
  assert.equal(trainer.parameterCount, 32 * 8 + 32 * 32 + 32 + 8 * 32 + 8);
  const ls = losses(trainer, 300);
  assert.ok(Math.abs(ls[0] - Math.log(8)) < 0.5, `initial loss ${ls[0]} near log V`);
  const last20 = ls.slice(-20).reduce((s, x) => s + x, 0) / 20;
  assert.ok(last20 < 0.3 * ls[0], `mean of last 20 losses ${last20} vs first ${ls[0]}`);
  assert.equal(trainer.stepCount, 300);
  // At a low temperature the learned text is deterministic enough to check.
  assert.equal(trainer.sample(23, 0.1, 'hello'), ' world hello world hell');
});

test('same seed → bit-identical losses; different seed → different; sampling in between changes nothing', () => {
  const a = losses(new CharTrainer(TEXT, CONFIG), 60);
  const b = losses(new CharTrainer(TEXT, CONFIG), 60);
  assert.deepEqual(b, a);
  const c = losses(new CharTrainer(TEXT, { ...CONFIG, seed: 2 }), 60);
  assert.notDeepEqual(c, a);
  const sampled = new CharTrainer(TEXT, CONFIG);
  const d: number[] = [];
  for (let i = 0; i < 60; i++) {
    d.push(sampled.step().loss);
    if (i % 7 === 0) sampled.sample(20, 1.0);
  }
  assert.deepEqual(d, a);
});

test('step results: numbering, chunk length, gradient norm and clipping flag', () => {
  const trainer = new CharTrainer(TEXT, { ...CONFIG, clipNorm: 1e-3 });
  const r1 = trainer.step();
  assert.equal(r1.step, 1);
  assert.equal(r1.chars, 16);
  assert.ok(r1.gradNorm > 1e-3);
  assert.equal(r1.clipped, true);
  const r2 = new CharTrainer(TEXT, { ...CONFIG, clipNorm: 0 }).step();
  assert.equal(r2.clipped, false);
  assert.equal(r2.gradNorm, r1.gradNorm); // same model, same first chunk: the norm is measured before clipping
});

test('the data cursor wraps to the start with h = 0 when the next chunk would run past the end', () => {
  // 10 characters, L = 4: chunks at p = 0 and 4; p = 8 needs 8+4+1 > 10, so step 3 starts again at 0 with h = 0.
  const text = 'abcdefghij';
  const cfg = { ...CONFIG, seqLength: 4, learningRate: 1e-6 };
  const t = new CharTrainer(text, cfg);
  const [l1, , l3] = losses(t, 3);
  // With a tiny learning rate, step 3 (same chunk, h = 0) has almost the same loss as step 1.
  assert.ok(Math.abs(l3 - l1) < 1e-3, `${l1} vs ${l3}`);
  const fresh = new CharTrainer(text, { ...cfg, learningRate: 0.05 });
  const [f1, , f3] = losses(fresh, 3);
  assert.ok(Math.abs(f3 - f1) > 1e-3, 'a large learning rate does change the loss, so the check above can fail');
});

test('a text shorter than seqLength + 1 trains on chunks of length − 1', () => {
  const t = new CharTrainer('abcab', { ...CONFIG, seqLength: 64 });
  assert.equal(t.chunkLength, 4);
  const r = t.step();
  assert.equal(r.chars, 4);
  assert.equal(t.step().chars, 4);
});

test('NaN in a parameter: step() throws NumericFaultError naming the tensor and changes nothing', () => {
  const trainer = new CharTrainer(TEXT, CONFIG);
  losses(trainer, 5);
  trainer.model.W_hh[3] = NaN;
  const before = trainer.model.params.slice();
  assert.throws(
    () => trainer.step(),
    (e: unknown) =>
      e instanceof NumericFaultError && e.tensor === 'W_hh' && e.step === 6 && /step 6/.test(e.message) && /W_hh/.test(e.message),
  );
  assert.deepEqual(trainer.model.params, before);
  assert.equal(trainer.stepCount, 5);
  // Repairing the parameter lets training continue exactly where it stopped.
  trainer.model.W_hh[3] = 0;
  assert.equal(trainer.step().step, 6);
});

test('an infinite gradient is reported as "the gradient of W_hh"; the model, optimiser and cursor are untouched', () => {
  const reference = losses(new CharTrainer(TEXT, CONFIG), 4);
  const trainer = new CharTrainer(TEXT, CONFIG);
  losses(trainer, 2);
  const model = trainer.model;
  const real = model.forwardBackward.bind(model);
  // Let the real pass run, then poison one gradient entry, as an overflow in backward would.
  model.forwardBackward = (inputs, targets, hPrev) => {
    const result = real(inputs, targets, hPrev);
    model.dW_hh[5] = Infinity;
    return result;
  };
  const before = model.params.slice();
  assert.throws(
    () => trainer.step(),
    (e: unknown) =>
      e instanceof NumericFaultError && e.kind === 'gradient' && e.tensor === 'W_hh' && e.step === 3 &&
      e.message.includes('the gradient of W_hh') && e.message.includes('step 3'),
  );
  assert.deepEqual(model.params, before);
  model.forwardBackward = real;
  // Nothing moved: the next two steps are exactly steps 3 and 4 of an undisturbed run.
  assert.deepEqual(losses(trainer, 2), reference.slice(2));
});

test('bad input is refused with EngineInputError', () => {
  assert.throws(() => new CharTrainer('', CONFIG), { message: 'The file is empty: there is nothing to learn from.' });
  assert.throws(() => new CharTrainer('a', CONFIG), EngineInputError);
  assert.throws(() => new CharTrainer(TEXT, { ...CONFIG, hiddenSize: 0 }), EngineInputError);
  assert.throws(() => new CharTrainer('abc', CONFIG, { maxVocabulary: 2 }), EngineInputError);
  const t = new CharTrainer(TEXT, CONFIG);
  assert.throws(() => t.sample(10, 0), EngineInputError);
  assert.throws(() => t.sample(10, 1, 'xyz'), EngineInputError);
});

test('sampling: length in code points, only vocabulary characters, temperature sharpens', () => {
  const t = new CharTrainer('😀ab😀ba'.repeat(20), CONFIG);
  const s = t.sample(50, 1.0);
  assert.equal([...s].length, 50);
  assert.ok([...s].every((c) => c === '😀' || c === 'a' || c === 'b'));
});
