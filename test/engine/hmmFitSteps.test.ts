// Baum-Welch step by step (what the editor's fit reports per iteration), CSV series for Gaussian fits and seeded
// sampling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  baumWelch,
  baumWelchStarts,
  baumWelchSteps,
  gaussianBaumWelch,
  gaussianBaumWelchSteps,
  gaussianFitSetup,
  parseCsvSeries,
  csvColumns,
  readObservations,
  sampleDiscrete,
  sampleGaussian,
  parseNumericSeries,
} from '../../src/engine/hmm';
import { casinoExample, casinoModel, regimeExample, regimeModel } from '../../src/engine/examples/hmm';
import { EngineInputError } from '../../src/engine/errors';
import { Prng } from '../../src/engine/prng';

test('Baum-Welch per-iteration callback: every restart reported in order, log-likelihood never decreases', () => {
  const { symbols: text } = casinoExample(600, 3);
  const { observations, symbols } = readObservations(text, 'chars');
  const reported: number[][] = [];
  const r = baumWelch([observations], symbols, {
    states: 3,
    restarts: 4,
    seed: 7,
    maxIterations: 60,
    onIteration: (restart, iteration, ll) => {
      reported[restart] ??= [];
      assert.equal(iteration, reported[restart].length);
      reported[restart].push(ll);
    },
  });
  assert.equal(reported.length, 4);
  reported.forEach((curve, k) => {
    assert.deepEqual(curve, r.runs[k].logLikelihoods);
    for (let t = 1; t < curve.length; t++) assert.ok(curve[t] >= curve[t - 1] - 1e-9, `restart ${k}: LL fell at iteration ${t}`);
    assert.ok(curve.at(-1)! > curve[0] + 1, 'EM improves on the random start');
  });
  assert.equal(r.best, reported.reduce((b, c, k) => (c.at(-1)! > reported[b].at(-1)! ? k : b), 0));
});

test('baumWelchSteps yields one value per E-step and returns the same run as baumWelch', () => {
  const { symbols: text } = casinoExample(300, 5);
  const { observations, symbols } = readObservations(text, 'chars');
  const [start] = baumWelchStarts(['A', 'B'], symbols, 1, 2);
  const steps = baumWelchSteps(start, [observations], 25);
  const yielded: number[] = [];
  let next = steps.next();
  while (!next.done) {
    yielded.push(next.value);
    next = steps.next();
  }
  assert.deepEqual(yielded, next.value.logLikelihoods);
  const whole = baumWelch([observations], symbols, { states: ['A', 'B'], seed: 2, maxIterations: 25 });
  assert.deepEqual(whole.logLikelihoods, yielded);
  assert.deepEqual(Array.from(whole.model.emission), Array.from(next.value.model.emission));
});

test('Gaussian steps: the same curves as gaussianBaumWelch, never decreasing', () => {
  const values = parseNumericSeries(regimeExample(300, 4).text);
  const options = { states: 3, restarts: 2, seed: 3, maxIterations: 50 };
  const whole = gaussianBaumWelch(values, 1, options);
  const setup = gaussianFitSetup(values, 1, options);
  setup.starts.forEach((init, k) => {
    const curve = [...gaussianBaumWelchSteps(init, values, setup.floor, setup.maxIterations, setup.tolerance)];
    assert.deepEqual(curve, whole.runs[k].logLikelihoods);
    for (let t = 1; t < curve.length; t++) assert.ok(curve[t] >= curve[t - 1] - 1e-7);
  });
});

test('sampling with a seed is reproducible, and a different seed gives a different sample', () => {
  const model = casinoModel();
  const a = sampleDiscrete(model, 500, new Prng(11));
  const b = sampleDiscrete(model, 500, new Prng(11));
  const c = sampleDiscrete(model, 500, new Prng(12));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.symbols, c.symbols);
  // The loaded die (state L) rolls a 6 half the time; the fair one a sixth of the time.
  const six = model.symbols.indexOf('6');
  const loaded = model.states.indexOf('L');
  let inL = 0;
  let sixInL = 0;
  a.states.forEach((s, t) => {
    if (s === loaded) {
      inL++;
      if (a.symbols[t] === six) sixInL++;
    }
  });
  assert.ok(inL > 30 && sixInL / inL > 0.3, `${sixInL}/${inL}`);
  const g = regimeModel();
  assert.deepEqual(sampleGaussian(g, 100, new Prng(1)), sampleGaussian(g, 100, new Prng(1)));
});

test('CSV series: header detection, tabs, chosen columns, and messages naming line and column', () => {
  const csv = 'time,price,volume\n1,10.5,3\n2,11,4\n\n3,9.25,5\n';
  assert.deepEqual(csvColumns(csv).names, ['time', 'price', 'volume']);
  const s = parseCsvSeries(csv, [1, 2]);
  assert.deepEqual(Array.from(s.values), [10.5, 3, 11, 4, 9.25, 5]);
  assert.equal(s.dimension, 2);
  assert.deepEqual(Array.from(s.lines), [1, 2, 4]);
  assert.deepEqual(s.columns, ['price', 'volume']);
  const tsv = parseCsvSeries('1\t2\n3\t4\n', [1]);
  assert.deepEqual(Array.from(tsv.values), [2, 4]);
  assert.deepEqual(tsv.columns, ['column 2']);
  const fails = (text: string, columns: number[], pattern: RegExp) =>
    assert.throws(() => parseCsvSeries(text, columns), (e: Error) => e instanceof EngineInputError && pattern.test(e.message));
  fails('a,b\n1,2\n3,oops\n', [1], /^Line 3, column "b": "oops" is not a finite number\.$/);
  fails('a,b\n1,2\n3\n', [1], /^Line 3, column "b" is empty/);
  fails('a,b\n', [0], /header but no rows/);
  fails('a,b\n1,2\n', [0], /only one row/);
  fails('a,b\n1,2\n3,4\n', [5], /no column 6/);
  fails('', [0], /empty/);
});
