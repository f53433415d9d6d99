// Gaussian-emission HMM for numeric series: the hidden chain {π, A} as in the discrete model, and in state i a
// D-dimensional normal with diagonal covariance, so
//   log b_i(x) = Σ_d −½ [ log(2π σ²_id) + (x_d − μ_id)² / σ²_id ].
// D = 1 is the plain 1-D case. Observations are a flat Float64Array, x_t at values[t·D .. t·D + D − 1].
// Densities far in the tails underflow, so the forward pass gets b_i(x_t) / e^{shift_t} with
// shift_t = max_i log b_i(x_t) and adds the shifts back (see forwardBackward.ts).
import { EngineInputError } from '../errors';
import { Prng } from '../prng';
import { accumulateTransitions, backward, forward, posteriors, viterbi, type Chain, type ViterbiResult } from './forwardBackward';
import { defaultStateNames, drainSteps } from './estimation';

export interface GaussianHmm extends Chain {
  readonly states: readonly string[];
  /** Dimension D of each observation. */
  readonly dimension: number;
  /** μ_id at means[i·D + d]. */
  readonly means: Float64Array;
  /** σ²_id at variances[i·D + d], all > 0. */
  readonly variances: Float64Array;
}

export function createGaussianHmm(spec: {
  states: readonly string[];
  start: ArrayLike<number>;
  transition: ArrayLike<number>[];
  means: ArrayLike<number>[];
  variances: ArrayLike<number>[];
}): GaussianHmm {
  const n = spec.states.length;
  const dimension = spec.means[0]?.length ?? 0;
  if (dimension === 0 || spec.means.length !== n || spec.variances.length !== n || spec.transition.length !== n) {
    throw new RangeError('means, variances and transition need one row per state, with D ≥ 1');
  }
  const transition = new Float64Array(n * n);
  const means = new Float64Array(n * dimension);
  const variances = new Float64Array(n * dimension);
  for (let i = 0; i < n; i++) {
    transition.set(spec.transition[i], i * n);
    means.set(spec.means[i], i * dimension);
    variances.set(spec.variances[i], i * dimension);
  }
  return { states: [...spec.states], n, dimension, start: Float64Array.from(spec.start), transition, means, variances };
}

const LOG_2PI = Math.log(2 * Math.PI);

/** L[t·N + i] = log b_i(x_t). */
export function gaussianLogEmissions(model: GaussianHmm, values: Float64Array): Float64Array {
  const { n, dimension: dim, means, variances } = model;
  const steps = values.length / dim;
  if (!Number.isInteger(steps)) throw new RangeError(`${values.length} values do not split into observations of dimension ${dim}`);
  const out = new Float64Array(steps * n);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) {
      let l = 0;
      for (let d = 0; d < dim; d++) {
        const v = variances[i * dim + d];
        const z = values[t * dim + d] - means[i * dim + d];
        l -= 0.5 * (LOG_2PI + Math.log(v) + (z * z) / v);
      }
      out[t * n + i] = l;
    }
  }
  return out;
}

/** Shifted likelihoods E[t·N + i] = exp(L[t·N + i] − shift_t), shift_t = max_i L[t·N + i]. */
function shifted(logE: Float64Array, n: number): { e: Float64Array; shift: Float64Array } {
  const steps = logE.length / n;
  const e = new Float64Array(logE.length);
  const shift = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    let mx = -Infinity;
    for (let i = 0; i < n; i++) mx = Math.max(mx, logE[t * n + i]);
    shift[t] = mx;
    for (let i = 0; i < n; i++) e[t * n + i] = Math.exp(logE[t * n + i] - mx);
  }
  return { e, shift };
}

export interface GaussianPosteriors {
  logLikelihood: number;
  gamma: Float64Array;
}

/** log p(x_0..x_{T−1}) (a density, so it can be positive) and the state posteriors γ. */
export function gaussianPosteriors(model: GaussianHmm, values: Float64Array): GaussianPosteriors {
  const steps = values.length / model.dimension;
  const { e, shift } = shifted(gaussianLogEmissions(model, values), model.n);
  const f = forward(model, e, steps, shift);
  if (f.impossibleAt >= 0) throw new EngineInputError(`The series has probability 0 under the model at value ${f.impossibleAt + 1}.`);
  const beta = backward(model, e, steps, f.scale);
  return { logLikelihood: f.logLikelihood, gamma: posteriors(f.alpha, beta, model.n, steps) };
}

export function gaussianLogLikelihood(model: GaussianHmm, values: Float64Array): number {
  const steps = values.length / model.dimension;
  const { e, shift } = shifted(gaussianLogEmissions(model, values), model.n);
  return forward(model, e, steps, shift).logLikelihood;
}

/** Viterbi path and log p(path, x) (log density). */
export function gaussianViterbi(model: GaussianHmm, values: Float64Array): ViterbiResult {
  return viterbi(model, gaussianLogEmissions(model, values), values.length / model.dimension);
}

export function sampleGaussian(model: GaussianHmm, length: number, rng: Prng): { states: Int32Array; values: Float64Array } {
  const { n, dimension: dim } = model;
  const states = new Int32Array(length);
  const values = new Float64Array(length * dim);
  let s = 0;
  for (let t = 0; t < length; t++) {
    s = t === 0 ? rng.choice(model.start) : rng.choice(model.transition.subarray(s * n, s * n + n));
    states[t] = s;
    for (let d = 0; d < dim; d++) {
      values[t * dim + d] = model.means[s * dim + d] + Math.sqrt(model.variances[s * dim + d]) * rng.normal();
    }
  }
  return { states, values };
}

export interface GaussianBaumWelchOptions {
  states: number | readonly string[];
  seed?: number;
  restarts?: number;
  maxIterations?: number;
  /** Stop when an update improves log p(x) by at most tolerance × T (default 1e-8). */
  tolerance?: number;
  /** Floor on every variance, as a fraction of that dimension's overall variance (default 1e-3). */
  varianceFloor?: number;
  initial?: GaussianHmm;
}

export interface GaussianBaumWelchRun {
  model: GaussianHmm;
  logLikelihoods: number[];
  converged: boolean;
}

/**
 * Baum-Welch for the Gaussian model: the E-step as for discrete symbols, and the M-step
 *   μ_id = Σ_t γ_t(i) x_td / Σ_t γ_t(i),   σ²_id = max(floor_d, Σ_t γ_t(i) (x_td − μ_id)² / Σ_t γ_t(i)),
 * π and A as in the discrete case. While the floor does not bind, log p(x) never decreases. Restarts start from
 * means at distinct random observations, variances at the overall variance and random rows for π and A.
 */
export function gaussianBaumWelch(
  values: Float64Array,
  dimension: number,
  options: GaussianBaumWelchOptions,
): GaussianBaumWelchRun & { runs: GaussianBaumWelchRun[]; best: number } {
  const setup = gaussianFitSetup(values, dimension, options);
  const runs = setup.starts.map((init) =>
    drainSteps(gaussianBaumWelchSteps(init, values, setup.floor, setup.maxIterations, setup.tolerance)),
  );
  let best = 0;
  runs.forEach((r, i) => {
    if (r.logLikelihoods.at(-1)! > runs[best].logLikelihoods.at(-1)!) best = i;
  });
  return { ...runs[best], runs, best };
}

/** The starting models of the restarts (or `initial`), the variance floor and the stopping rule of a fit. */
export function gaussianFitSetup(
  values: Float64Array,
  dimension: number,
  options: GaussianBaumWelchOptions,
): { starts: GaussianHmm[]; floor: Float64Array; maxIterations: number; tolerance: number } {
  const states = typeof options.states === 'number' ? defaultStateNames(options.states) : [...options.states];
  const n = states.length;
  const steps = values.length / dimension;
  if (!Number.isInteger(steps) || steps < n) throw new EngineInputError(`The series needs at least ${n} values for ${n} states.`);
  const restarts = options.restarts ?? 1;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-8;
  const rng = new Prng(options.seed ?? 1);
  // Overall mean and variance per dimension.
  const mean = new Float64Array(dimension);
  const variance = new Float64Array(dimension);
  for (let t = 0; t < steps; t++) for (let d = 0; d < dimension; d++) mean[d] += values[t * dimension + d] / steps;
  for (let t = 0; t < steps; t++) {
    for (let d = 0; d < dimension; d++) variance[d] += (values[t * dimension + d] - mean[d]) ** 2 / steps;
  }
  const floor = variance.map((v) => Math.max(v * (options.varianceFloor ?? 1e-3), 1e-12));
  const randomRow = (k: number): number[] => {
    const r = Array.from({ length: k }, () => -Math.log(1 - rng.next()));
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((x) => 0.99 * (x / s) + 0.01 / k);
  };
  const randomModel = (): GaussianHmm => {
    const picks = new Set<number>();
    while (picks.size < n) picks.add(Math.floor(rng.next() * steps));
    return createGaussianHmm({
      states,
      start: randomRow(n),
      transition: Array.from({ length: n }, () => randomRow(n)),
      means: [...picks].map((t) => values.slice(t * dimension, t * dimension + dimension)),
      variances: Array.from({ length: n }, () => Array.from(variance, (v, d) => Math.max(v, floor[d]))),
    });
  };
  const starts = options.initial ? [options.initial] : Array.from({ length: restarts }, randomModel);
  return { starts, floor, maxIterations, tolerance };
}

/** One Gaussian Baum-Welch run, yielding log p(x | λ^(r)) after each E-step (see baumWelchSteps). */
export function* gaussianBaumWelchSteps(
  initial: GaussianHmm,
  values: Float64Array,
  floor: Float64Array,
  maxIterations: number,
  tolerance: number,
): Generator<number, GaussianBaumWelchRun, void> {
  const { n, dimension: dim } = initial;
  const steps = values.length / dim;
  let model = initial;
  const logLikelihoods: number[] = [];
  let converged = false;
  for (let iteration = 0; ; iteration++) {
    const { e, shift } = shifted(gaussianLogEmissions(model, values), n);
    const f = forward(model, e, steps, shift);
    logLikelihoods.push(f.logLikelihood);
    yield f.logLikelihood;
    if (iteration > 0 && f.logLikelihood - logLikelihoods[iteration - 1] <= tolerance * steps) {
      converged = true;
      break;
    }
    if (iteration >= maxIterations || f.impossibleAt >= 0) break;
    const beta = backward(model, e, steps, f.scale);
    const gamma = posteriors(f.alpha, beta, n, steps);
    const trans = new Float64Array(n * n);
    accumulateTransitions(model, e, steps, { alpha: f.alpha, beta, scale: f.scale }, trans);
    const start = gamma.slice(0, n);
    const transition = new Float64Array(n * n);
    const means = new Float64Array(n * dim);
    const variances = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) {
      let rowSum = 0;
      for (let j = 0; j < n; j++) rowSum += trans[i * n + j];
      for (let j = 0; j < n; j++) transition[i * n + j] = rowSum > 0 ? trans[i * n + j] / rowSum : model.transition[i * n + j];
      let occ = 0;
      for (let t = 0; t < steps; t++) occ += gamma[t * n + i];
      for (let d = 0; d < dim; d++) {
        if (!(occ > 0)) {
          means[i * dim + d] = model.means[i * dim + d];
          variances[i * dim + d] = model.variances[i * dim + d];
          continue;
        }
        let mu = 0;
        for (let t = 0; t < steps; t++) mu += gamma[t * n + i] * values[t * dim + d];
        mu /= occ;
        let v = 0;
        for (let t = 0; t < steps; t++) v += gamma[t * n + i] * (values[t * dim + d] - mu) ** 2;
        means[i * dim + d] = mu;
        variances[i * dim + d] = Math.max(v / occ, floor[d]);
      }
    }
    model = { ...model, start, transition, means, variances };
  }
  return { model, logLikelihoods, converged };
}
