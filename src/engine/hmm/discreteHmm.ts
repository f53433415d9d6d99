// The discrete hidden Markov model λ = {π, A, B} over N named states and M named symbols:
//   P(s_0 = i) = π_i,   P(s_{t+1} = j | s_t = i) = A_ij,   P(o_t = k | s_t = i) = B_ik,
// and its inference: total likelihood P(o) (scaled forward), state posteriors γ_t(i) = P(s_t = i | o)
// (forward-backward), the Viterbi path argmax_s P(s, o), and sampling. The recursions live in forwardBackward.ts.
import { EngineInputError } from '../errors';
import type { Prng } from '../prng';
import { backward, forward, posteriors, viterbi, type Chain, type ViterbiResult } from './forwardBackward';

export interface DiscreteHmm extends Chain {
  readonly states: readonly string[];
  readonly symbols: readonly string[];
  /** Number of symbols M. */
  readonly m: number;
  /** B[i·M + k] = P(symbol k | state i). */
  readonly emission: Float64Array;
}

/** Builds a model from nested arrays (no validation beyond shapes; see modelJson.ts for user input). */
export function createDiscreteHmm(spec: {
  states: readonly string[];
  symbols: readonly string[];
  start: ArrayLike<number>;
  transition: ArrayLike<number>[];
  emission: ArrayLike<number>[];
}): DiscreteHmm {
  const n = spec.states.length;
  const m = spec.symbols.length;
  if (spec.start.length !== n || spec.transition.length !== n || spec.emission.length !== n) {
    throw new RangeError('start, transition and emission need one entry or row per state');
  }
  const transition = new Float64Array(n * n);
  const emission = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    if (spec.transition[i].length !== n || spec.emission[i].length !== m) throw new RangeError(`row ${i} has the wrong length`);
    transition.set(spec.transition[i], i * n);
    emission.set(spec.emission[i], i * m);
  }
  return { states: [...spec.states], symbols: [...spec.symbols], n, m, start: Float64Array.from(spec.start), transition, emission };
}

/** E[t·N + i] = B[i, o_t]. Throws RangeError on an id outside 0..M−1 (parsers map names to ids first). */
export function discreteEmissions(model: DiscreteHmm, observations: ArrayLike<number>): Float64Array {
  const { n, m, emission: b } = model;
  const steps = observations.length;
  const e = new Float64Array(steps * n);
  for (let t = 0; t < steps; t++) {
    const k = observations[t];
    if (!(k >= 0 && k < m && Number.isInteger(k))) throw new RangeError(`observation ${t} is ${k}, not a symbol id in 0..${m - 1}`);
    for (let i = 0; i < n; i++) e[t * n + i] = b[i * m + k];
  }
  return e;
}

function impossible(model: DiscreteHmm, observations: ArrayLike<number>, t: number): EngineInputError {
  return new EngineInputError(
    `The data has probability 0 under the model: symbol ${t + 1} ("${model.symbols[observations[t]]}") ` +
      'cannot be emitted after the symbols before it.',
  );
}

/** log P(o | λ) in nats by the scaled forward pass (−Infinity when the data is impossible under the model). */
export function logLikelihood(model: DiscreteHmm, observations: ArrayLike<number>): number {
  const filter = new ForwardFilter(model);
  return filter.push(observations);
}

export interface PosteriorResult {
  logLikelihood: number;
  /** γ_t(i) = P(s_t = i | o) at gamma[t·N + i]. */
  gamma: Float64Array;
}

/** Forward-backward: log P(o) and the state posteriors γ. Throws EngineInputError when P(o) = 0. */
export function statePosteriors(model: DiscreteHmm, observations: ArrayLike<number>): PosteriorResult {
  const steps = observations.length;
  const e = discreteEmissions(model, observations);
  const f = forward(model, e, steps);
  if (f.impossibleAt >= 0) throw impossible(model, observations, f.impossibleAt);
  const beta = backward(model, e, steps, f.scale);
  return { logLikelihood: f.logLikelihood, gamma: posteriors(f.alpha, beta, model.n, steps) };
}

/** The Viterbi path and log P(path, o). Throws EngineInputError when every path has probability 0. */
export function viterbiPath(model: DiscreteHmm, observations: ArrayLike<number>): ViterbiResult {
  const e = discreteEmissions(model, observations);
  for (let k = 0; k < e.length; k++) e[k] = Math.log(e[k]);
  const r = viterbi(model, e, observations.length);
  if (r.logProbability === -Infinity) {
    throw new EngineInputError('The data has probability 0 under the model: no state path can emit it.');
  }
  return r;
}

/**
 * Streaming forward filter: push the observations chunk by chunk (e.g. to yield between chunks in the worker);
 * `push` returns log P(chunk | all earlier chunks) and `logLikelihood` is the running total, equal to the
 * log-likelihood of the concatenation. Memory is O(N + chunk·N).
 */
export class ForwardFilter {
  /** Filtered distribution α̂ after the last pushed step (undefined before the first). */
  private last: Float64Array | undefined;
  logLikelihood = 0;
  steps = 0;

  constructor(private readonly model: DiscreteHmm) {}

  push(observations: ArrayLike<number>): number {
    const steps = observations.length;
    if (steps === 0 || this.logLikelihood === -Infinity) return steps === 0 ? 0 : -Infinity;
    const e = discreteEmissions(this.model, observations);
    const f = forward(this.model, e, steps, undefined, this.last);
    this.steps += steps;
    this.logLikelihood += f.logLikelihood;
    if (f.impossibleAt < 0) this.last = f.alpha.slice((steps - 1) * this.model.n);
    return f.logLikelihood;
  }
}

export interface DiscreteSample {
  states: Int32Array;
  symbols: Int32Array;
}

/** Draws s_0 ~ π, o_t ~ B[s_t], s_{t+1} ~ A[s_t] for `length` steps. */
export function sampleDiscrete(model: DiscreteHmm, length: number, rng: Prng): DiscreteSample {
  const { n, m } = model;
  const states = new Int32Array(length);
  const symbols = new Int32Array(length);
  let s = 0;
  for (let t = 0; t < length; t++) {
    s = t === 0 ? rng.choice(model.start) : rng.choice(model.transition.subarray(s * n, s * n + n));
    states[t] = s;
    symbols[t] = rng.choice(model.emission.subarray(s * m, s * m + m));
  }
  return { states, symbols };
}

/**
 * A random model for a Baum-Welch restart: every row drawn from a flat Dirichlet (normalised exponentials
 * −ln u), mixed with 1% of the uniform row so no entry starts at 0 (EM can never leave a 0).
 */
export function randomDiscreteHmm(states: readonly string[], symbols: readonly string[], rng: Prng): DiscreteHmm {
  const n = states.length;
  const m = symbols.length;
  const row = (k: number): number[] => {
    const r = Array.from({ length: k }, () => -Math.log(1 - rng.next()));
    const s = r.reduce((x, y) => x + y, 0);
    return r.map((x) => 0.99 * (x / s) + 0.01 / k);
  };
  return createDiscreteHmm({
    states,
    symbols,
    start: row(n),
    transition: Array.from({ length: n }, () => row(n)),
    emission: Array.from({ length: n }, () => row(m)),
  });
}
