// The vocabulary limit is a setting (issue #7: "Limits (file size, vocabulary size) are settings with sensible
// defaults, and exceeding them is explained"): the host puts sequenceLab.limits.maxVocabulary on every run's config;
// the worker's models refuse a text over it naming the count, the limit and the setting, and train under it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, validateTrainingConfig, type TrainingConfig } from '../../src/shared/trainingConfig';
import { CharModel } from '../../src/worker/charModel';
import { SequenceModel } from '../../src/worker/sequenceModel';

const small: TrainingConfig = { ...DEFAULT_CONFIG, hiddenSize: 4, seqLength: 4 };
/** 40 distinct characters, each a few times. */
const text = 'abcdefghijklmnopqrstuvwxyz0123456789.,;:'.repeat(3);

test('a character model over the limit is refused with the count, the limit and the setting; at the limit it trains', () => {
  assert.throws(() => new CharModel(text, { ...small, maxVocabulary: 39 }, undefined, { gradientHistory: false }), {
    message: 'The file has 40 different characters, more than the limit of 39: it does not look like text a character model can learn from (is it a binary file?). Raise "sequenceLab.limits.maxVocabulary" to train on it anyway.',
  });
  const model = new CharModel(text, { ...small, maxVocabulary: 40 }, undefined, { gradientHistory: false });
  assert.equal(model.vocabSize, 40);
  assert.ok(Number.isFinite(model.step().loss));
});

test('a word model over the limit is refused the same way', () => {
  const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
  assert.throws(() => new SequenceModel(words, { ...small, dataKind: 'words', embedding: 4, maxVocabulary: 20 }), {
    message: 'The data has 30 different words, more than the limit of 20. Raise "sequenceLab.limits.maxVocabulary" to train on it anyway.',
  });
});

test('the limit is checked like every setting', () => {
  assert.deepEqual(validateTrainingConfig({ ...small, maxVocabulary: 10_000 }), []);
  assert.match(validateTrainingConfig({ ...small, maxVocabulary: 1 }).join(), /maxVocabulary must be between 2 and 1000000 \(got 1\)/);
  assert.match(validateTrainingConfig({ ...small, maxVocabulary: 2.5 }).join(), /maxVocabulary must be a whole number/);
});
