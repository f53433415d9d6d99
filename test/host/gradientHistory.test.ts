// The Gradient Flow panel's history over training (src/worker/gradientHistory.ts): bounded rows that thin evenly and
// keep the first and newest, clipping buckets whose totals stay exact, and a CharModel that trains bit-for-bit the
// same with and without the history, whose newest row is the trace of the fixed window at that step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { CharModel } from '../../src/worker/charModel';
import { createGradientHistory, GradientHistory, HISTORY_WINDOW, HISTORY_WORK, MAX_BUCKETS, MAX_ROWS } from '../../src/worker/gradientHistory';

const T = 8;
const L = 2;

/** A history whose traces write the step they were taken at into every value (so a row names its own step). */
function stepStampedHistory(every: number) {
  const traced: number[] = [];
  let current = 0;
  const history = new GradientHistory({
    start: 0, length: T, layers: L, tokens: [...'abcdefgh'], every, adaptive: false,
    trace: () => {
      traced.push(current);
      return { gradNormH: new Float32Array(L * T).fill(current), spectralRadius: [current / 1000, 1], largestSingularValue: [current / 500, 2] };
    },
  });
  const afterStep = (r: ReturnType<typeof step>) => {
    current = r.step;
    history.afterStep(r, 1);
  };
  return { history, traced, afterStep };
}

const step = (n: number, clipped = false) => ({ step: n, gradNorm: clipped ? 10 + n : 1, gradNormAfterClip: clipped ? 5 : 1, clipped });

test('rows stay at most MAX_ROWS, evenly spaced, with the first and the newest kept; each row holds its own trace', () => {
  const { history, traced, afterStep } = stepStampedHistory(1);
  const steps = 1234;
  for (let n = 1; n <= steps; n++) {
    afterStep(step(n));
    assert.ok(history.rows <= MAX_ROWS, `at step ${n}: ${history.rows} rows`);
  }
  const s = history.snapshot();
  const rows = Array.from(s.steps);
  assert.equal(rows[0], 1, 'the first row stays');
  assert.equal(rows.at(-1), traced.at(-1), 'the newest row is the last trace');
  assert.ok(rows.length > MAX_ROWS / 2, `thinning keeps about half: ${rows.length}`);
  const gaps = new Set(rows.slice(1).map((r, i) => r - rows[i]));
  assert.equal(gaps.size, 1, `evenly spaced: gaps ${[...gaps]}`);
  assert.equal(s.every, [...gaps][0], 'the next row comes after the same gap');
  assert.ok(steps - rows.at(-1)! < s.every, 'no row is overdue');
  // Row r's values are the trace taken at its step, for every layer and t.
  rows.forEach((at, r) => {
    for (let i = 0; i < L * T; i++) assert.equal(s.gradNormH[r * L * T + i], at);
    assert.ok(Math.abs(s.spectralRadius[r * L] - at / 1000) < 1e-6 && s.largestSingularValue[r * L + 1] === 2);
  });
});

test('clipping buckets stay bounded; the share clipped and the largest norms survive merging', () => {
  const { history, afterStep } = stepStampedHistory(1_000_000);
  const steps = 5 * MAX_BUCKETS + 7;
  let clipped = 0;
  for (let n = 1; n <= steps; n++) {
    const c = n % 3 === 0;
    if (c) clipped++;
    afterStep(step(n, c));
  }
  const s = history.snapshot();
  assert.ok(s.clipSteps.length <= MAX_BUCKETS && s.clipSteps.length > MAX_BUCKETS / 4, `${s.clipSteps.length} buckets`);
  assert.equal(s.stepsSeen, steps);
  assert.equal(s.stepsClipped, clipped);
  assert.equal(s.clipSteps.at(-1), steps, 'the last bucket ends at the newest step');
  assert.equal(Math.max(...s.gradNormBefore), 10 + (steps - (steps % 3)), 'the largest norm before clipping is kept');
  assert.equal(Math.max(...s.gradNormAfter), 5);
  for (const share of s.clippedShare) assert.ok(share > 0.2 && share < 0.5, `share of a bucket ${share}`);
  // A stretch without clipping shows as buckets with share 0.
  const quiet = stepStampedHistory(1_000_000);
  for (let n = 1; n <= 50; n++) quiet.afterStep(step(n, n > 40));
  const q = quiet.history.snapshot();
  assert.deepEqual(Array.from(q.clippedShare).map((v, i) => (v > 0 ? q.clipSteps[i] : 0)).filter((v) => v > 0), [41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
});

const text = 'the cat sat on the mat. the dog dug a log. a frog on a bog. '.repeat(20);

for (const over of [{ cell: 'rnn', hiddenSize: 16 }, { cell: 'lstm', layers: 2, hiddenSize: 8 }] as Partial<TrainingConfig>[]) {
  test(`${over.cell}: training is bit-identical with and without the history; its newest row is the trace of the window`, () => {
    const config: TrainingConfig = { ...DEFAULT_CONFIG, seqLength: 16, clip: 0.02, ...over };
    const plain = new CharModel(text, config, undefined, { gradientHistory: false });
    const watched = new CharModel(text, config, undefined, { gradientHistory: { every: 3, adaptive: false } });
    const steps = 25;
    for (let n = 0; n < steps; n++) assert.deepEqual(watched.step(), plain.step());
    assert.deepEqual(watched.checkpoint(), plain.checkpoint());
    assert.equal(plain.traceGradients(64).history, undefined);
    const trace = watched.traceGradients(64, 0);
    const h = trace.history!;
    assert.deepEqual(Array.from(h.steps), [1, 4, 7, 10, 13, 16, 19, 22, 25]);
    assert.equal(h.tokens.join(''), text.slice(0, 64));
    // Recorded after step 25 with the weights of step 25: the same numbers as a trace of the window now.
    const layers = config.layers;
    const newest = h.gradNormH.subarray((h.steps.length - 1) * layers * 64);
    assert.deepEqual(Array.from(newest), Array.from(trace.gradNormH));
    // Its cheaper spectra (12 squarings, power iteration) agree with the panel's exact ones within 1%.
    for (let k = 0; k < layers; k++) {
      const at = (h.steps.length - 1) * layers + k;
      assert.ok(Math.abs(h.spectralRadius[at] / trace.spectralRadius[k] - 1) < 0.01, `ρ ${h.spectralRadius[at]} vs ${trace.spectralRadius[k]}`);
      assert.ok(Math.abs(h.largestSingularValue[at] / trace.largestSingularValue[k] - 1) < 0.01, `σ ${h.largestSingularValue[at]} vs ${trace.largestSingularValue[k]}`);
    }
    assert.ok(h.gradNormH.every((v) => Number.isFinite(v) && v > 0));
    // Clipping at 0.02 (below a fresh model's gradient norm): where a bucket was clipped, before > 0.02 and after = 0.02.
    assert.equal(h.stepsSeen, steps);
    assert.ok(h.stepsClipped > 0 && h.stepsClipped <= steps);
    for (let i = 0; i < h.clipSteps.length; i++) {
      if (h.clippedShare[i] > 0) assert.ok(h.gradNormBefore[i] > 0.02 && Math.abs(h.gradNormAfter[i] - 0.02) < 1e-6, `${h.gradNormBefore[i]} → ${h.gradNormAfter[i]}`);
    }
  });
}

test('a big model gets a shorter window, no ρ when its squarings are too costly, and no history when even that is too much', () => {
  const ids = new Int32Array(1000).map((_, i) => i % 30);
  const data = { kind: 'next-token' as const, ids, vocabularySize: 30 };
  const fake = (cell: string, hiddenSize: number, layers: number, gates: number) => ({
    model: { config: { cell, hiddenSize, layers, inputSize: 30, outputSize: 30 }, directions: 1, cells: [{ gates }], tensors: [] },
    data,
  }) as unknown as Parameters<typeof createGradientHistory>[0];
  const window = (h: GradientHistory | undefined) => h?.snapshot().length;
  assert.equal(window(createGradientHistory(fake('rnn_tanh', 64, 1, 1), String)), HISTORY_WINDOW);
  // LSTM 2 × 256: per step 2·4·256·512 + 30·256 multiply-adds, three times over for forward and backward.
  const perStep = 2 * 4 * 256 * 512 + 30 * 256;
  assert.equal(window(createGradientHistory(fake('lstm', 256, 2, 4), String)), Math.floor(HISTORY_WORK / (3 * perStep)));
  assert.equal(createGradientHistory(fake('lstm', 512, 2, 4), String), undefined);
});

test('an RNN with H = 256: σ_max every row, ρ left out (NaN) because 12 squarings of 256³ cost too much', () => {
  const model = new CharModel(text, { ...DEFAULT_CONFIG, hiddenSize: 256, seqLength: 8 }, undefined, { gradientHistory: { every: 1, adaptive: false } });
  model.step();
  const h = model.traceGradients(8, 0).history!;
  assert.equal(h.steps.length, 1);
  assert.ok(Number.isNaN(h.spectralRadius[0]));
  assert.ok(h.largestSingularValue[0] > 0 && Number.isFinite(h.largestSingularValue[0]));
});

test('a trace that throws stops the history, never the training step', () => {
  let calls = 0;
  const history = new GradientHistory({
    start: 0, length: T, layers: 1, tokens: [...'abcdefgh'], every: 1, adaptive: false,
    trace: () => {
      calls++;
      if (calls === 2) throw new Error('no trace');
      return { gradNormH: new Float32Array(T).fill(1), spectralRadius: [1], largestSingularValue: [1] };
    },
  });
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    for (let n = 1; n <= 5; n++) history.afterStep(step(n), 1);
  } finally {
    console.error = original;
  }
  assert.equal(calls, 2, 'no more traces after the failure');
  assert.equal(errors.length, 1);
  const s = history.snapshot();
  assert.deepEqual(Array.from(s.steps), [1]);
  assert.equal(s.stepsSeen, 5, 'the clipping record goes on');
});
