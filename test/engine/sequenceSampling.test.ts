// sampleNextTokens: text from a next-token RecurrentStack. Reproducible for a seed, the model's own distribution at
// temperature 1 (checked against a hand computation of the first step), near-greedy at a low temperature, a trained
// model reproduces its text, sampling between updates leaves training bit-identical, and bad requests are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineInputError } from '../../src/engine/errors';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { charData } from '../../src/engine/sequenceData';
import { sampleNextTokens } from '../../src/engine/sequenceSampling';
import { SequenceTrainer, type SequenceTrainerConfig } from '../../src/engine/sequenceTrainer';

const TEXT = 'abcabcabcabd '.repeat(30);

function config(over: Partial<SequenceTrainerConfig> = {}): SequenceTrainerConfig {
  return {
    cell: 'lstm', layers: 1, hiddenSize: 16, bidirectional: false, seqLength: 12, batch: 1,
    optimizer: { kind: 'adam', learningRate: 0.02 }, clip: 5, seed: 3, ...over,
  };
}

const stack = (cell: 'rnn_tanh' | 'gru' | 'lstm', layers = 1) =>
  new RecurrentStack({ cell, inputSize: 5, hiddenSize: 6, layers, bidirectional: false, outputSize: 5, maxSteps: 4 }, new Prng(1));

test('the same seed gives the same tokens, for every cell; ids are inside the vocabulary', () => {
  for (const cell of ['rnn_tanh', 'gru', 'lstm'] as const) {
    const s = stack(cell, 2);
    const a = sampleNextTokens(s, [0, 1], 50, 1, new Prng(9));
    const b = sampleNextTokens(s, [0, 1], 50, 1, new Prng(9));
    assert.equal(a.length, 50);
    assert.deepEqual(b, a, cell);
    assert.ok(a.every((id) => id >= 0 && id < 5));
    assert.notDeepEqual(sampleNextTokens(s, [0, 1], 50, 1, new Prng(10)), a, `${cell}: another seed differs`);
    assert.equal(sampleNextTokens(s, [0], 0, 1, new Prng(1)).length, 0);
  }
});

test('the first token follows softmax(o / T) of the prime, as computed by hand', () => {
  const s = stack('gru');
  const o = Float64Array.from(s.forward({ ids: Int32Array.of(2) }).subarray(0, 5));
  const T = 0.7;
  const z = [...o].map((v) => Math.exp(v / T));
  const sum = z.reduce((x, y) => x + y, 0);
  const expected = z.map((v) => v / sum);
  const counts = new Array<number>(5).fill(0);
  const rng = new Prng(5);
  const n = 4000;
  for (let i = 0; i < n; i++) counts[sampleNextTokens(s, [2], 1, T, rng)[0]]++;
  for (let k = 0; k < 5; k++) assert.ok(Math.abs(counts[k] / n - expected[k]) < 0.03, `token ${k}: ${counts[k] / n} vs ${expected[k]}`);
});

test('a trained model continues its text; sampling between updates does not change training', () => {
  const { data, vocabulary } = charData(TEXT);
  const plain = new SequenceTrainer(data, config());
  const sampled = new SequenceTrainer(data, config());
  const rng = new Prng(1);
  for (let i = 0; i < 300; i++) {
    const a = plain.step().loss;
    const b = sampled.step().loss;
    assert.equal(b, a, `step ${i + 1}`);
    if (i % 50 === 0) sampleNextTokens(sampled.model, data.ids.subarray(0, 3), 20, 1, rng);
  }
  assert.deepEqual(sampled.model.params, plain.model.params);
  const text = vocabulary.decode(sampleNextTokens(plain.model, vocabulary.encode('d '), 26, 0.05, new Prng(2)));
  assert.equal(text.length, 26);
  assert.ok(TEXT.includes(text), `the sample is a piece of the training text: ${JSON.stringify(text)}`);
});

test('bad requests are refused in words', () => {
  const s = stack('rnn_tanh');
  const rng = new Prng(1);
  assert.throws(() => sampleNextTokens(s, [0], 3, 0, rng), EngineInputError);
  assert.throws(() => sampleNextTokens(s, [0], 3, Number.NaN, rng), /temperature/);
  assert.throws(() => sampleNextTokens(s, [0], -1, 1, rng), /length/);
  assert.throws(() => sampleNextTokens(s, [0], 1.5, 1, rng), /length/);
  assert.throws(() => sampleNextTokens(s, [], 3, 1, rng), /at least one token/);
  assert.throws(() => sampleNextTokens(s, [5], 3, 1, rng), /outside the vocabulary/);
  const bi = new RecurrentStack({ cell: 'gru', inputSize: 5, hiddenSize: 4, layers: 1, bidirectional: true, outputSize: 5, maxSteps: 4 }, new Prng(1));
  assert.throws(() => sampleNextTokens(bi, [0], 3, 1, rng), /bidirectional/);
  const tagger = new RecurrentStack({ cell: 'lstm', inputSize: 5, hiddenSize: 4, layers: 1, bidirectional: false, outputSize: 3, maxSteps: 4 }, new Prng(1));
  assert.throws(() => sampleNextTokens(tagger, [0], 3, 1, rng), /classes/);
});
