// Greedy decoding (sampleNextTokens with greedy = true): each token is argmax_k o_t[k] of the model's output after
// everything before it, whatever the PRNG. Checked against an independent decoder that re-runs the whole sequence
// from a zero state at every step (no carried hidden state) and takes the argmax of its last output row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { argmax, sampleNextTokens } from '../../src/engine/sequenceSampling';

const V = 7;
const LENGTH = 30;

function stack(cell: 'rnn_tanh' | 'gru' | 'lstm', seed: number): RecurrentStack {
  // Large enough initial weights that the argmax changes along the sequence (a constant answer would prove little).
  const s = new RecurrentStack({ cell, inputSize: V, hiddenSize: 12, layers: 2, bidirectional: false, outputSize: V, maxSteps: 64 }, new Prng(seed));
  const p = new Prng(seed + 100);
  for (let i = 0; i < s.params.length; i++) s.params[i] = p.uniform(-2.5, 2.5);
  return s;
}

/** argmax of o_T after feeding the whole of `ids` from a zero state, for each step: the slow, obvious decoder. */
function rerunArgmax(s: RecurrentStack, prime: number[], length: number): number[] {
  const ids = [...prime];
  const out: number[] = [];
  for (let n = 0; n < length; n++) {
    const o = s.forward({ ids: Int32Array.from(ids) });
    const last = o.subarray((ids.length - 1) * V, ids.length * V);
    const id = argmax(last);
    out.push(id);
    ids.push(id);
  }
  return out;
}

test('greedy picks argmax of o_t at every step, for RNN, GRU and LSTM stacks', () => {
  for (const cell of ['rnn_tanh', 'gru', 'lstm'] as const) {
    for (const seed of [1, 2, 3]) {
      const s = stack(cell, seed);
      const prime = [seed % V, (seed * 3) % V];
      const expected = rerunArgmax(s, prime, LENGTH);
      const greedy = [...sampleNextTokens(s, prime, LENGTH, 1, new Prng(42), true)];
      assert.deepEqual(greedy, expected, `${cell} seed ${seed}`);
      assert.ok(new Set(expected).size > 1, `${cell} seed ${seed}: the decoded text should not be one repeated token`);
    }
  }
});

test('greedy is deterministic whatever the PRNG and its temperature, and never draws from the PRNG', () => {
  const s = stack('lstm', 5);
  const reference = sampleNextTokens(s, [1], LENGTH, 1, new Prng(1), true);
  for (const [seed, temperature] of [[2, 0.1], [99, 1], [123456, 5]] as const) {
    const rng = new Prng(seed);
    assert.deepEqual(sampleNextTokens(s, [1], LENGTH, temperature, rng, true), reference, `seed ${seed}, T ${temperature}`);
    assert.equal(rng.next(), new Prng(seed).next(), 'the PRNG was left where it was');
  }
  // Sampling at temperature 1 does depend on the PRNG: the check above is not vacuous.
  assert.notDeepEqual(sampleNextTokens(s, [1], LENGTH, 1, new Prng(2)), sampleNextTokens(s, [1], LENGTH, 1, new Prng(3)));
});

test('a very low temperature samples the greedy text (softmax(o/τ) → one-hot at the argmax as τ → 0)', () => {
  const s = stack('gru', 8);
  const greedy = sampleNextTokens(s, [0], LENGTH, 1, new Prng(1), true);
  assert.deepEqual(sampleNextTokens(s, [0], LENGTH, 0.01, new Prng(77)), greedy);
});

test('argmax takes the first of equal maxima', () => {
  assert.equal(argmax([0.1, 0.7, 0.7, 0.2]), 1);
  assert.equal(argmax([3]), 0);
  assert.equal(argmax(Float64Array.of(-5, -1, -3)), 1);
});
