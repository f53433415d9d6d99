// Supervised estimation and Baum-Welch: hand counts, monotone log-likelihood, recovery of the casino.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/engine/prng';
import { randomDiscreteHmm, sampleDiscrete, statePosteriors, viterbiPath } from '../../src/engine/hmm/discreteHmm';
import { baumWelch, estimateSupervised } from '../../src/engine/hmm/estimation';
import { casinoExample, casinoModel, posExample } from '../../src/engine/examples/hmm';
import { parseTaggedFile } from '../../src/engine/hmm/parsers';

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

// Two sequences: (the/D dog/N runs/V) and (the/D runs/N).
// States (sorted): D, N, V; symbols (sorted): dog, runs, the.
// Counts: start D 2; transitions D→N 2, N→V 1; emissions D: the 2; N: dog 1, runs 1; V: runs 1.
// With α = 1: π = ((2+1)/(2+3), 1/5, 1/5) = (0.6, 0.2, 0.2)
//   A(D) = (0+1, 2+1, 0+1)/(2+3) = (0.2, 0.6, 0.2);  A(N) = (1, 1, 2)/(1+3) = (0.25, 0.25, 0.5);  A(V) = uniform 1/3
//   B(D) = (1, 1, 3)/(2+3) = (0.2, 0.2, 0.6);  B(N) = (2, 2, 1)/(2+3) = (0.4, 0.4, 0.2);  B(V) = (1, 2, 1)/4
test('supervised estimation on a tagged toy file: counts plus add-one', () => {
  const file = 'the\tD\ndog\tN\nruns\tV\n\n\nthe\tD\r\nruns\tN\n';
  const model = estimateSupervised(parseTaggedFile(file), { alpha: 1 });
  assert.deepEqual(model.states, ['D', 'N', 'V']);
  assert.deepEqual(model.symbols, ['dog', 'runs', 'the']);
  const expect = (got: Float64Array, want: number[], what: string): void =>
    want.forEach((w, k) => close(got[k], w, 1e-12, `${what}[${k}]`));
  expect(model.start, [0.6, 0.2, 0.2], 'π');
  expect(model.transition, [0.2, 0.6, 0.2, 0.25, 0.25, 0.5, 1 / 3, 1 / 3, 1 / 3], 'A');
  expect(model.emission, [0.2, 0.2, 0.6, 0.4, 0.4, 0.2, 0.25, 0.5, 0.25], 'B');
  // α = 0 is plain maximum likelihood; V is never left, so its row is uniform.
  const ml = estimateSupervised(parseTaggedFile(file), { alpha: 0 });
  expect(ml.start, [1, 0, 0], 'π (ML)');
  expect(ml.transition, [0, 1, 0, 0, 0, 1, 1 / 3, 1 / 3, 1 / 3], 'A (ML)');
});

test('supervised estimation on the toy grammar tags most words right by Viterbi', () => {
  const train = posExample(400, 1).sentences;
  const model = estimateSupervised(train, { alpha: 0.1 });
  const symbolId = new Map(model.symbols.map((s, i) => [s, i]));
  let right = 0;
  let total = 0;
  for (const s of posExample(100, 2).sentences) {
    const path = viterbiPath(model, s.tokens.map((w) => symbolId.get(w)!)).path;
    path.forEach((i, t) => {
      total++;
      if (model.states[i] === s.tags[t]) right++;
    });
  }
  assert.ok(right / total > 0.95, `accuracy ${right / total}`);
});

test('Baum-Welch never decreases the log-likelihood (random models and data, several restarts)', () => {
  const rng = new Prng(11);
  for (let trial = 0; trial < 6; trial++) {
    const truth = randomDiscreteHmm(['a', 'b', 'c'], ['w', 'x', 'y', 'z'], rng);
    const seqs = [sampleDiscrete(truth, 300, rng).symbols, sampleDiscrete(truth, 120, rng).symbols];
    const result = baumWelch(seqs, truth.symbols, { states: 2 + (trial % 3), seed: trial, restarts: 3, maxIterations: 60 });
    for (const run of result.runs) {
      for (let i = 1; i < run.logLikelihoods.length; i++) {
        assert.ok(
          run.logLikelihoods[i] >= run.logLikelihoods[i - 1] - 1e-9,
          `trial ${trial}, iteration ${i}: ${run.logLikelihoods[i]} < ${run.logLikelihoods[i - 1]}`,
        );
      }
    }
    const finals = result.runs.map((r) => r.logLikelihoods.at(-1)!);
    assert.equal(result.logLikelihoods.at(-1), Math.max(...finals));
    // The reported log-likelihood is that of the returned model.
    let ll = 0;
    for (const s of seqs) ll += statePosteriors(result.model, s).logLikelihood;
    close(ll, result.logLikelihoods.at(-1)!, 1e-8, 'final log-likelihood');
  }
});

test('Baum-Welch recovers the casino from 20,000 rolls (up to the order of the states); same seed, same result', () => {
  const { model: truth, symbols } = casinoExample(20_000, 5);
  const obs = Int32Array.from(symbols, (c) => truth.symbols.indexOf(c));
  const fit = baumWelch([obs], truth.symbols, { states: ['A', 'B'], seed: 1, restarts: 3, maxIterations: 500, tolerance: 1e-7 });
  const m = 6;
  // The loaded state is the one most likely to roll a six.
  const loaded = fit.model.emission[0 * m + 5] > fit.model.emission[1 * m + 5] ? 0 : 1;
  const fair = 1 - loaded;
  for (let k = 0; k < 6; k++) {
    close(fit.model.emission[fair * m + k], 1 / 6, 0.03, `B(fair, ${k + 1})`);
    close(fit.model.emission[loaded * m + k], k === 5 ? 0.5 : 0.1, 0.05, `B(loaded, ${k + 1})`);
  }
  close(fit.model.transition[fair * 2 + loaded], 0.05, 0.025, 'A(fair → loaded)');
  close(fit.model.transition[loaded * 2 + fair], 0.1, 0.05, 'A(loaded → fair)');
  // At least as likely as the true model (it is the maximum-likelihood fit).
  assert.ok(fit.logLikelihoods.at(-1)! >= statePosteriors(truth, obs).logLikelihood - 1e-6);
  const short = obs.subarray(0, 2000);
  const once = baumWelch([short], truth.symbols, { states: 2, seed: 9, restarts: 2, maxIterations: 20 });
  const twice = baumWelch([short], truth.symbols, { states: 2, seed: 9, restarts: 2, maxIterations: 20 });
  assert.deepEqual(twice.logLikelihoods, once.logLikelihoods);
  assert.deepEqual(twice.model.emission, once.model.emission);
  const other = baumWelch([short], truth.symbols, { states: 2, seed: 10, restarts: 2, maxIterations: 20 });
  assert.notDeepEqual(other.logLikelihoods, once.logLikelihoods);
  assert.deepEqual(casinoModel().states, ['F', 'L']);
});
