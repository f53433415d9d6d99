// Gaussian-emission HMM: brute force on short series, far-tail values without underflow, Baum-Welch recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/engine/prng';
import {
  createGaussianHmm,
  gaussianBaumWelch,
  gaussianLogLikelihood,
  gaussianPosteriors,
  gaussianViterbi,
  sampleGaussian,
  type GaussianHmm,
} from '../../src/engine/hmm/gaussianHmm';

const normalPdf = (x: number, mu: number, v: number): number => Math.exp(-((x - mu) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);

function density(model: GaussianHmm, i: number, values: Float64Array, t: number): number {
  let p = 1;
  for (let d = 0; d < model.dimension; d++) {
    p *= normalPdf(values[t * model.dimension + d], model.means[i * model.dimension + d], model.variances[i * model.dimension + d]);
  }
  return p;
}

test('Gaussian forward, posteriors and Viterbi equal brute force over all state paths (1-D and 2-D diagonal)', () => {
  const rng = new Prng(77);
  for (let trial = 0; trial < 20; trial++) {
    const n = 2 + (trial % 2);
    const dim = 1 + (trial % 2);
    const row = (k: number): number[] => {
      const r = Array.from({ length: k }, () => 0.1 + rng.next());
      const s = r.reduce((a, b) => a + b, 0);
      return r.map((x) => x / s);
    };
    const model = createGaussianHmm({
      states: Array.from({ length: n }, (_, i) => `g${i}`),
      start: row(n),
      transition: Array.from({ length: n }, () => row(n)),
      means: Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.uniform(-2, 2))),
      variances: Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.uniform(0.3, 2))),
    });
    const steps = 1 + (trial % 5);
    const values = Float64Array.from({ length: steps * dim }, () => rng.uniform(-3, 3));
    let total = 0;
    let best = -1;
    let bestPath: number[] = [];
    const marginal = new Float64Array(steps * n);
    for (let code = 0; code < n ** steps; code++) {
      const path = Array.from({ length: steps }, (_, t) => Math.floor(code / n ** t) % n);
      let p = model.start[path[0]] * density(model, path[0], values, 0);
      for (let t = 1; t < steps; t++) p *= model.transition[path[t - 1] * n + path[t]] * density(model, path[t], values, t);
      total += p;
      path.forEach((i, t) => (marginal[t * n + i] += p));
      if (p > best) {
        best = p;
        bestPath = path;
      }
    }
    const post = gaussianPosteriors(model, values);
    assert.ok(Math.abs(post.logLikelihood - Math.log(total)) < 1e-10, `trial ${trial}: ${post.logLikelihood} vs ${Math.log(total)}`);
    assert.ok(Math.abs(gaussianLogLikelihood(model, values) - Math.log(total)) < 1e-10);
    marginal.forEach((m, k) => assert.ok(Math.abs(post.gamma[k] - m / total) < 1e-10, `trial ${trial}: γ[${k}]`));
    const v = gaussianViterbi(model, values);
    assert.deepEqual([...v.path], bestPath, `trial ${trial}`);
    assert.ok(Math.abs(v.logProbability - Math.log(best)) < 1e-10);
  }
});

test('values far in the tails (densities below 1e-308) keep a finite log-likelihood', () => {
  const model = createGaussianHmm({
    states: ['a', 'b'],
    start: [0.5, 0.5],
    transition: [
      [0.9, 0.1],
      [0.1, 0.9],
    ],
    means: [[0], [1]],
    variances: [[0.01], [0.01]],
  });
  const values = Float64Array.from([0, 40, -40, 1, 1000]);
  const ll = gaussianLogLikelihood(model, values);
  assert.ok(Number.isFinite(ll), `${ll}`);
  const { gamma } = gaussianPosteriors(model, values);
  assert.ok(gamma.every((g) => Number.isFinite(g)));
  assert.deepEqual([...gaussianViterbi(model, values).path].slice(0, 2), [0, 1]);
});

test('Gaussian Baum-Welch is monotone and recovers two well-separated regimes', () => {
  const truth = createGaussianHmm({
    states: ['low', 'high'],
    start: [1, 0],
    transition: [
      [0.98, 0.02],
      [0.05, 0.95],
    ],
    means: [[-1], [3]],
    variances: [[0.5], [1.5]],
  });
  const { values } = sampleGaussian(truth, 5000, new Prng(21));
  const fit = gaussianBaumWelch(values, 1, { states: 2, seed: 3, restarts: 3, maxIterations: 200 });
  for (const run of fit.runs) {
    for (let i = 1; i < run.logLikelihoods.length; i++) assert.ok(run.logLikelihoods[i] >= run.logLikelihoods[i - 1] - 1e-9);
  }
  const low = fit.model.means[0] < fit.model.means[1] ? 0 : 1;
  const high = 1 - low;
  const near = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
  near(fit.model.means[low], -1, 0.1, 'μ low');
  near(fit.model.means[high], 3, 0.15, 'μ high');
  near(fit.model.variances[low], 0.5, 0.1, 'σ² low');
  near(fit.model.variances[high], 1.5, 0.25, 'σ² high');
  near(fit.model.transition[low * 2 + high], 0.02, 0.01, 'A(low → high)');
  near(fit.model.transition[high * 2 + low], 0.05, 0.025, 'A(high → low)');
});
