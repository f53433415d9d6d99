// Sampling from a next-token RecurrentStack (characters or words): run the prime from a zero state, then draw each
// new token from softmax(o_t / temperature) and feed it back in, one step at a time:
//   p_t(k) = exp(o_t[k] / τ − max_j o_t[j] / τ) / Σ_j exp(o_t[j] / τ − max_j o_t[j] / τ)
// Greedy decoding is the limit τ → 0 of that distribution: all its mass on argmax_k o_t[k] (the lowest k on a tie),
// so x_{t+1} = argmax_k p_t(k), the PRNG is never drawn from, and the same model and prime always give the same text.
// The stack's work buffers (outputs, hN, cN, its cells' states) are overwritten; its parameters are only read, so a
// trainer that runs every update from scratch (SequenceTrainer) may keep training afterwards as if nothing happened.
import { EngineInputError } from './errors';
import type { Prng } from './prng';
import type { RecurrentStack } from './recurrentStack';

/**
 * `length` token ids sampled from `stack` after the `prime` ids (not repeated in the result), drawn with `rng`.
 * With `greedy`, each token is the argmax of o_t instead (`temperature` is then only checked, and `rng` is unused).
 * Throws EngineInputError for a bad length, temperature or prime, or a stack that cannot generate (bidirectional).
 */
export function sampleNextTokens(
  stack: RecurrentStack,
  prime: ArrayLike<number>,
  length: number,
  temperature: number,
  rng: Prng,
  greedy = false,
  /** Asked before each token: true ends the sample there (shorter, never cut inside a token). */
  shouldStop?: () => boolean,
): Int32Array {
  if (!(Number.isInteger(length) && length >= 0)) throw new EngineInputError(`The sample length must be a whole number ≥ 0 (got ${length}).`);
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new EngineInputError(`The sampling temperature must be a positive number (got ${temperature}).`);
  }
  if (stack.directions !== 1) throw new EngineInputError('A bidirectional model cannot generate text: its backward chain would need the future.');
  const { inputSize: V, outputSize } = stack.config;
  if (outputSize !== V) throw new EngineInputError(`This model predicts ${outputSize} classes, not the next of its ${V} input tokens.`);
  if (prime.length === 0) throw new EngineInputError('Sampling needs at least one token to start from.');
  for (let i = 0; i < prime.length; i++) {
    if (!(Number.isInteger(prime[i]) && prime[i] >= 0 && prime[i] < V)) {
      throw new EngineInputError(`Token id ${prime[i]} of the prime is outside the vocabulary of ${V}.`);
    }
  }

  const lstm = stack.config.cell === 'lstm';
  const h = new Float64Array(stack.hN.length);
  const c = new Float64Array(lstm ? stack.cN.length : 0);
  const one = new Int32Array(1);
  const probs = new Float64Array(V);
  let o: Float64Array = new Float64Array(V);
  const feed = (id: number): void => {
    one[0] = id;
    o = stack.forward({ ids: one }, h, lstm ? c : undefined);
    h.set(stack.hN);
    if (lstm) c.set(stack.cN);
  };
  for (let i = 0; i < prime.length; i++) feed(prime[i]);

  const ids = new Int32Array(length);
  for (let n = 0; n < length; n++) {
    if (shouldStop?.()) return ids.slice(0, n);
    if (greedy) {
      const id = argmax(o, V);
      ids[n] = id;
      if (n + 1 < length) feed(id);
      continue;
    }
    let max = -Infinity;
    for (let k = 0; k < V; k++) max = Math.max(max, o[k] / temperature);
    for (let k = 0; k < V; k++) probs[k] = Math.exp(o[k] / temperature - max);
    const id = rng.choice(probs);
    ids[n] = id;
    if (n + 1 < length) feed(id);
  }
  return ids;
}

/** The index of the largest of the first `n` values (the first one on a tie). */
export function argmax(values: ArrayLike<number>, n: number = values.length): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (values[k] > values[best]) best = k;
  return best;
}
