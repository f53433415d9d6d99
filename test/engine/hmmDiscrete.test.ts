// Discrete HMM inference against brute force over every state path, a hand-computed classic example, and a
// million-symbol sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/engine/prng';
import {
  createDiscreteHmm,
  ForwardFilter,
  logLikelihood,
  randomDiscreteHmm,
  sampleDiscrete,
  statePosteriors,
  viterbiPath,
  type DiscreteHmm,
} from '../../src/engine/hmm/discreteHmm';
import { casinoModel } from '../../src/engine/examples/hmm';

/** Every state path of length T with its joint probability P(s, o) = π_{s0} B_{s0,o0} Π_t A_{s(t−1),s(t)} B_{s(t),o(t)}. */
function allPaths(model: DiscreteHmm, obs: number[]): { path: number[]; p: number }[] {
  const { n, m } = model;
  const out: { path: number[]; p: number }[] = [];
  const total = n ** obs.length;
  for (let code = 0; code < total; code++) {
    const path: number[] = [];
    let c = code;
    for (let t = 0; t < obs.length; t++) {
      path.push(c % n);
      c = Math.floor(c / n);
    }
    let p = model.start[path[0]] * model.emission[path[0] * m + obs[0]];
    for (let t = 1; t < obs.length; t++) p *= model.transition[path[t - 1] * n + path[t]] * model.emission[path[t] * m + obs[t]];
    out.push({ path, p });
  }
  return out;
}

test('forward, posteriors and Viterbi equal brute-force enumeration on random small models', () => {
  const rng = new Prng(2024);
  for (let trial = 0; trial < 60; trial++) {
    const n = 1 + (trial % 3);
    const m = 2 + (trial % 2);
    const model = randomDiscreteHmm(
      Array.from({ length: n }, (_, i) => `s${i}`),
      Array.from({ length: m }, (_, k) => `o${k}`),
      rng,
    );
    const length = 1 + (trial % 6);
    const obs = Array.from({ length }, () => Math.floor(rng.next() * m));
    const paths = allPaths(model, obs);
    const total = paths.reduce((s, x) => s + x.p, 0);
    const ll = logLikelihood(model, obs);
    assert.ok(Math.abs(ll - Math.log(total)) < 1e-10, `trial ${trial}: log-likelihood ${ll} vs ${Math.log(total)}`);

    const { logLikelihood: ll2, gamma } = statePosteriors(model, obs);
    assert.ok(Math.abs(ll2 - ll) < 1e-12);
    for (let t = 0; t < length; t++) {
      for (let i = 0; i < n; i++) {
        const brute = paths.filter((x) => x.path[t] === i).reduce((s, x) => s + x.p, 0) / total;
        assert.ok(Math.abs(gamma[t * n + i] - brute) < 1e-10, `trial ${trial}: γ_${t}(${i}) ${gamma[t * n + i]} vs ${brute}`);
      }
    }

    const best = paths.reduce((a, b) => (b.p > a.p ? b : a));
    const v = viterbiPath(model, obs);
    assert.deepEqual([...v.path], best.path, `trial ${trial}: Viterbi path`);
    assert.ok(Math.abs(v.logProbability - Math.log(best.p)) < 1e-10, `trial ${trial}: Viterbi log probability`);
  }
});

// The classic two-state example (Healthy/Fever), observations normal, cold, dizzy:
//   π = (0.6, 0.4); A = [[0.7, 0.3], [0.4, 0.6]]; B(H) = (0.5, 0.4, 0.1), B(F) = (0.1, 0.3, 0.6).
// Forward:  α_1 = (0.6·0.5, 0.4·0.1) = (0.3, 0.04)
//           α_2(H) = (0.3·0.7 + 0.04·0.4)·0.4 = 0.0904,  α_2(F) = (0.3·0.3 + 0.04·0.6)·0.3 = 0.0342
//           α_3(H) = (0.0904·0.7 + 0.0342·0.4)·0.1 = 0.007696,  α_3(F) = (0.0904·0.3 + 0.0342·0.6)·0.6 = 0.028584
//           P(o) = 0.007696 + 0.028584 = 0.03628
// Backward: β_3 = (1, 1); β_2(H) = 0.7·0.1 + 0.3·0.6 = 0.25, β_2(F) = 0.4·0.1 + 0.6·0.6 = 0.40
//           β_1(H) = 0.7·0.4·0.25 + 0.3·0.3·0.40 = 0.106, β_1(F) = 0.4·0.4·0.25 + 0.6·0.3·0.40 = 0.112
// γ_1(H) = 0.3·0.106 / 0.03628 = 0.0318 / 0.03628, γ_2(H) = 0.0904·0.25 / 0.03628 = 0.0226 / 0.03628,
// γ_3(H) = 0.007696 / 0.03628.
// Viterbi:  δ_1 = (0.3, 0.04); δ_2(H) = 0.3·0.7·0.4 = 0.084, δ_2(F) = 0.3·0.3·0.3 = 0.027 (both from H);
//           δ_3(H) = 0.084·0.7·0.1 = 0.00588, δ_3(F) = max(0.084·0.3, 0.027·0.6)·0.6 = 0.0252·0.6 = 0.01512 (from H)
//           best path H, H, F with probability 0.01512.
test('the classic Healthy/Fever example matches the hand computation', () => {
  const model = createDiscreteHmm({
    states: ['Healthy', 'Fever'],
    symbols: ['normal', 'cold', 'dizzy'],
    start: [0.6, 0.4],
    transition: [
      [0.7, 0.3],
      [0.4, 0.6],
    ],
    emission: [
      [0.5, 0.4, 0.1],
      [0.1, 0.3, 0.6],
    ],
  });
  const obs = [0, 1, 2];
  assert.ok(Math.abs(logLikelihood(model, obs) - Math.log(0.03628)) < 1e-12);
  const { gamma } = statePosteriors(model, obs);
  const expectedH = [0.0318 / 0.03628, 0.0226 / 0.03628, 0.007696 / 0.03628];
  expectedH.forEach((g, t) => {
    assert.ok(Math.abs(gamma[t * 2] - g) < 1e-12, `γ_${t + 1}(H) = ${gamma[t * 2]}, expected ${g}`);
    assert.ok(Math.abs(gamma[t * 2 + 1] - (1 - g)) < 1e-12);
  });
  const v = viterbiPath(model, obs);
  assert.deepEqual([...v.path], [0, 0, 1]);
  assert.ok(Math.abs(v.logProbability - Math.log(0.01512)) < 1e-12);
});

test('a million symbols: finite log-likelihood, equal to the sum over chunks, posteriors and Viterbi stay finite', () => {
  const model = casinoModel();
  const { symbols } = sampleDiscrete(model, 1_000_000, new Prng(7));
  const whole = logLikelihood(model, symbols);
  assert.ok(Number.isFinite(whole), `log-likelihood ${whole}`);
  // About −1.7 nats per roll (the entropy of a die lies between ln 6 ≈ 1.79 and that of the loaded one ≈ 1.50).
  assert.ok(whole / 1e6 < -1.5 && whole / 1e6 > -1.8, `per symbol ${whole / 1e6}`);
  const filter = new ForwardFilter(model);
  let sum = 0;
  for (let start = 0; start < symbols.length; start += 123_457) sum += filter.push(symbols.subarray(start, start + 123_457));
  assert.ok(Math.abs(sum - whole) < 1e-6, `chunked ${sum} vs whole ${whole}`);
  assert.ok(Math.abs(filter.logLikelihood - whole) < 1e-6);
  assert.equal(filter.steps, 1_000_000);

  const { logLikelihood: ll, gamma } = statePosteriors(model, symbols);
  assert.ok(Math.abs(ll - whole) < 1e-6);
  for (let t = 0; t < symbols.length; t += 99_991) {
    assert.ok(Number.isFinite(gamma[2 * t]) && Math.abs(gamma[2 * t] + gamma[2 * t + 1] - 1) < 1e-9);
  }
  const v = viterbiPath(model, symbols);
  assert.ok(Number.isFinite(v.logProbability) && v.logProbability < whole);
});

test('sampling is deterministic by seed and follows the model', () => {
  const model = casinoModel();
  const a = sampleDiscrete(model, 20_000, new Prng(3));
  const b = sampleDiscrete(model, 20_000, new Prng(3));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.symbols, sampleDiscrete(model, 20_000, new Prng(4)).symbols);
  // Stationary share of the loaded die: π_L = a_FL / (a_FL + a_LF) = 0.05 / 0.15 = 1/3.
  const loaded = a.states.reduce((s, x) => s + x, 0) / a.states.length;
  assert.ok(Math.abs(loaded - 1 / 3) < 0.05, `share of loaded ${loaded}`);
});

test('an impossible observation is an EngineInputError naming the symbol', () => {
  const model = createDiscreteHmm({
    states: ['A', 'B'],
    symbols: ['x', 'y'],
    start: [1, 0],
    transition: [
      [1, 0],
      [0, 1],
    ],
    emission: [
      [1, 0],
      [0, 1],
    ],
  });
  assert.equal(logLikelihood(model, [0, 1]), -Infinity);
  assert.throws(() => statePosteriors(model, [0, 0, 1]), { name: 'EngineInputError', message: /symbol 3 \("y"\)/ });
  assert.throws(() => viterbiPath(model, [0, 1]), { name: 'EngineInputError' });
});
