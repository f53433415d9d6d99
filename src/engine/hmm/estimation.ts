// Estimating a discrete HMM: supervised (from sequences whose states are known) and Baum-Welch (from symbols only).
import { EngineInputError } from '../errors';
import { Prng } from '../prng';
import { createDiscreteHmm, discreteEmissions, randomDiscreteHmm, type DiscreteHmm } from './discreteHmm';
import { accumulateTransitions, backward, forward, posteriors } from './forwardBackward';

export interface TaggedSequence {
  tokens: string[];
  tags: string[];
}

/**
 * Supervised estimation with add-α smoothing (α ≥ 0) from sequences of (symbol, state) pairs:
 *   π_i  = (#sequences starting in i + α) / (#sequences + Nα)
 *   A_ij = (#(i → j) + α) / (#(i → ·) + Nα)
 *   B_ik = (#(i emits k) + α) / (#(i) + Mα)
 * States and symbols are the sorted (UTF-16 order) sets of the tags and tokens seen, unless given. With α = 0 a
 * state never left (or never entered first) would get a 0/0 row: that row is made uniform instead.
 */
export function estimateSupervised(
  sequences: readonly TaggedSequence[],
  options: { alpha?: number; states?: readonly string[]; symbols?: readonly string[] } = {},
): DiscreteHmm {
  const alpha = options.alpha ?? 1;
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new EngineInputError(`The smoothing α must be a number ≥ 0, not ${alpha}.`);
  if (sequences.length === 0) throw new EngineInputError('There are no tagged sequences to learn from.');
  const states = options.states ?? [...new Set(sequences.flatMap((s) => s.tags))].sort();
  const symbols = options.symbols ?? [...new Set(sequences.flatMap((s) => s.tokens))].sort();
  const n = states.length;
  const m = symbols.length;
  const stateId = new Map(states.map((s, i) => [s, i]));
  const symbolId = new Map(symbols.map((s, i) => [s, i]));
  const start = new Float64Array(n);
  const trans = new Float64Array(n * n);
  const emit = new Float64Array(n * m);
  for (const seq of sequences) {
    let prev = -1;
    seq.tags.forEach((tag, t) => {
      const i = stateId.get(tag);
      const k = symbolId.get(seq.tokens[t]);
      if (i === undefined) throw new EngineInputError(`The tag "${tag}" is not one of the states.`);
      if (k === undefined) throw new EngineInputError(`The token "${seq.tokens[t]}" is not one of the symbols.`);
      if (prev < 0) start[i]++;
      else trans[prev * n + i]++;
      emit[i * m + k]++;
      prev = i;
    });
  }
  const smooth = (counts: Float64Array, offset: number, k: number): number[] => {
    let total = 0;
    for (let x = 0; x < k; x++) total += counts[offset + x];
    const denominator = total + k * alpha;
    return Array.from({ length: k }, (_, x) => (denominator > 0 ? (counts[offset + x] + alpha) / denominator : 1 / k));
  };
  return createDiscreteHmm({
    states,
    symbols,
    start: smooth(start, 0, n),
    transition: Array.from({ length: n }, (_, i) => smooth(trans, i * n, n)),
    emission: Array.from({ length: n }, (_, i) => smooth(emit, i * m, m)),
  });
}

export interface BaumWelchOptions {
  /** Number of hidden states, or their names (default names: S1, S2, ...). */
  states: number | readonly string[];
  seed?: number;
  /** Random restarts (≥ 1, default 1); the restart with the highest final log-likelihood wins. */
  restarts?: number;
  /** Maximum EM updates per restart (default 200). */
  maxIterations?: number;
  /** Stop when an update improves log P(o) by at most tolerance × (number of symbols) nats (default 1e-8). */
  tolerance?: number;
  /** Start from this model instead of random ones (restarts then ignored). */
  initial?: DiscreteHmm;
  /** Called after every E-step with log P(o | λ^(r)) of that restart's r-th model. */
  onIteration?: (restart: number, iteration: number, logLikelihood: number) => void;
}

export interface BaumWelchRun {
  model: DiscreteHmm;
  /** log P(o | λ^(r)) for r = 0 (the initial model), 1, ... : one entry per E-step; the last is the model's. */
  logLikelihoods: number[];
  converged: boolean;
}

export interface BaumWelchResult extends BaumWelchRun {
  /** Every restart, in order (the winner included). */
  runs: BaumWelchRun[];
  /** Index into runs of the winner. */
  best: number;
}

/** Statistics of one E-step over all sequences. */
interface Expectations {
  logLikelihood: number;
  start: Float64Array;
  trans: Float64Array;
  /** Σ_t γ_t(i) over t < T−1 (the denominators of A). */
  leaving: Float64Array;
  emit: Float64Array;
  /** Σ_t γ_t(i) over all t (the denominators of B). */
  occupancy: Float64Array;
}

function expectations(model: DiscreteHmm, sequences: readonly Int32Array[]): Expectations {
  const { n, m } = model;
  const x: Expectations = {
    logLikelihood: 0,
    start: new Float64Array(n),
    trans: new Float64Array(n * n),
    leaving: new Float64Array(n),
    emit: new Float64Array(n * m),
    occupancy: new Float64Array(n),
  };
  for (const obs of sequences) {
    const steps = obs.length;
    if (steps === 0) continue;
    const e = discreteEmissions(model, obs);
    const f = forward(model, e, steps);
    if (f.impossibleAt >= 0) return { ...x, logLikelihood: -Infinity };
    x.logLikelihood += f.logLikelihood;
    const beta = backward(model, e, steps, f.scale);
    const gamma = posteriors(f.alpha, beta, n, steps);
    for (let i = 0; i < n; i++) x.start[i] += gamma[i];
    for (let t = 0; t < steps; t++) {
      const k = obs[t];
      for (let i = 0; i < n; i++) {
        const g = gamma[t * n + i];
        x.emit[i * m + k] += g;
        x.occupancy[i] += g;
        if (t + 1 < steps) x.leaving[i] += g;
      }
    }
    accumulateTransitions(model, e, steps, { alpha: f.alpha, beta, scale: f.scale }, x.trans);
  }
  return x;
}

/**
 * M-step (maximum likelihood, no smoothing, so EM's guarantee holds: log P(o) never decreases):
 *   π_i = Σ_seq γ_0(i) / #seq,  A_ij = Σ_t ξ_t(i,j) / Σ_{t<T−1} γ_t(i),  B_ik = Σ_{t: o_t = k} γ_t(i) / Σ_t γ_t(i).
 * A state with zero expected occupancy keeps its previous row.
 */
function maximize(model: DiscreteHmm, x: Expectations): DiscreteHmm {
  const { n, m } = model;
  const start = x.start.slice();
  const startSum = start.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) start[i] = startSum > 0 ? start[i] / startSum : model.start[i];
  const transition = new Float64Array(n * n);
  const emission = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let j = 0; j < n; j++) rowSum += x.trans[i * n + j];
    for (let j = 0; j < n; j++) {
      transition[i * n + j] = rowSum > 0 ? x.trans[i * n + j] / rowSum : model.transition[i * n + j];
    }
    for (let k = 0; k < m; k++) {
      emission[i * m + k] = x.occupancy[i] > 0 ? x.emit[i * m + k] / x.occupancy[i] : model.emission[i * m + k];
    }
  }
  return { ...model, start, transition, emission };
}

/**
 * One Baum-Welch run from `initial`, one EM update per step: yields log P(o | λ^(r)) after each E-step (so a caller
 * can report progress, yield to its event loop or stop between iterations) and returns the run.
 */
export function* baumWelchSteps(
  initial: DiscreteHmm,
  sequences: readonly Int32Array[],
  maxIterations = 200,
  tolerance = 1e-8,
): Generator<number, BaumWelchRun, void> {
  const total = sequences.reduce((s, q) => s + q.length, 0);
  const logLikelihoods: number[] = [];
  let model = initial;
  let converged = false;
  for (let iteration = 0; ; iteration++) {
    const x = expectations(model, sequences);
    logLikelihoods.push(x.logLikelihood);
    if (x.logLikelihood === -Infinity) {
      throw new EngineInputError('The data has probability 0 under the starting model, so Baum-Welch cannot improve it.');
    }
    yield x.logLikelihood;
    if (iteration > 0 && x.logLikelihood - logLikelihoods[iteration - 1] <= tolerance * total) {
      converged = true;
      break;
    }
    if (iteration >= maxIterations) break;
    model = maximize(model, x);
  }
  return { model, logLikelihoods, converged };
}

/** Runs a step generator to its end, calling `onStep` with each yielded value. */
export function drainSteps<T, R>(steps: Generator<T, R, void>, onStep?: (value: T, index: number) => void): R {
  for (let index = 0; ; index++) {
    const next = steps.next();
    if (next.done) return next.value;
    onStep?.(next.value, index);
  }
}

/** One Baum-Welch run from `initial` until convergence or maxIterations updates. */
export function baumWelchRun(
  initial: DiscreteHmm,
  sequences: readonly Int32Array[],
  maxIterations = 200,
  tolerance = 1e-8,
): BaumWelchRun {
  return drainSteps(baumWelchSteps(initial, sequences, maxIterations, tolerance));
}

/** Default state names S1..SN. */
export function defaultStateNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `S${i + 1}`);
}

/**
 * Unsupervised estimation by Baum-Welch (EM with the scaled forward-backward) over one or more symbol sequences
 * (ids into `symbols`), from `restarts` random models drawn one after the other from Prng(seed).
 */
export function baumWelch(
  sequences: readonly Int32Array[],
  symbols: readonly string[],
  options: BaumWelchOptions,
): BaumWelchResult {
  const states = typeof options.states === 'number' ? defaultStateNames(options.states) : [...options.states];
  const restarts = options.restarts ?? 1;
  const maxIterations = options.maxIterations ?? 200;
  if (!(states.length >= 1) || !Number.isInteger(states.length)) throw new EngineInputError('An HMM needs at least one state.');
  if (!(Number.isInteger(restarts) && restarts >= 1)) throw new EngineInputError(`Restarts must be a whole number ≥ 1, not ${restarts}.`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) {
    throw new EngineInputError(`Iterations must be a whole number ≥ 0, not ${maxIterations}.`);
  }
  if (symbols.length === 0 || sequences.every((s) => s.length === 0)) throw new EngineInputError('There are no symbols to learn from.');
  const runs: BaumWelchRun[] = [];
  const starts = options.initial ? [options.initial] : baumWelchStarts(states, symbols, restarts, options.seed ?? 1);
  starts.forEach((init, restart) => {
    const steps = baumWelchSteps(init, sequences, maxIterations, options.tolerance);
    runs.push(drainSteps(steps, (ll, iteration) => options.onIteration?.(restart, iteration, ll)));
  });
  let best = 0;
  runs.forEach((r, i) => {
    if (r.logLikelihoods.at(-1)! > runs[best].logLikelihoods.at(-1)!) best = i;
  });
  return { ...runs[best], runs, best };
}

/** The random starting models of `restarts` Baum-Welch restarts, drawn one after the other from Prng(seed). */
export function baumWelchStarts(states: readonly string[], symbols: readonly string[], restarts: number, seed: number): DiscreteHmm[] {
  const rng = new Prng(seed);
  return Array.from({ length: restarts }, () => randomDiscreteHmm(states, symbols, rng));
}

/** Index of the run with the highest final log-likelihood (the first on ties). */
export function bestRun(runs: readonly { logLikelihoods: readonly number[] }[]): number {
  let best = 0;
  runs.forEach((r, i) => {
    if (r.logLikelihoods.at(-1)! > runs[best].logLikelihoods.at(-1)!) best = i;
  });
  return best;
}
