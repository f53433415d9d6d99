// The HMM Fit panel's decoded rows as the worker computes them (src/worker/fitDecoding.ts): on a two-state model
// small enough to check by hand they are the engine's Viterbi path and forward-backward posteriors, and a fit
// through the worker's own entry (hmmFit) returns the decoding of its best model with each step's text span, for
// characters, whitespace words, a tagged file (sentence by sentence) and CSV rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createDiscreteHmm,
  gaussianPosteriors,
  gaussianViterbi,
  parseCsvSeries,
  parseHmm,
  parseTaggedFile,
  readObservations,
  statePosteriors,
  viterbiPath,
} from '../../src/engine/hmm';
import type { HmmFitOptions } from '../../src/shared/workerProtocol';
import { hmmFit } from '../../src/worker/analysisFit';
import { decodeDiscreteFit, decodingTooLarge, lineSpans } from '../../src/worker/fitDecoding';
import { tokenSpans } from '../../src/worker/tokenSpans';

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('decoded rows of "ab" under a hand-checkable two-state HMM: Viterbi HC, γ from the four paths', () => {
  // π = (0.6, 0.4); A = [[0.7, 0.3], [0.4, 0.6]]; B_H = (a 0.9, b 0.1), B_C = (a 0.2, b 0.8).
  // P(s, o = ab) for the four paths:
  //   HH .6·.9·.7·.1 = .0378   HC .6·.9·.3·.8 = .1296   CH .4·.2·.4·.1 = .0032   CC .4·.2·.6·.8 = .0384
  // P(o) = .209; Viterbi = HC (log .1296); γ_0(H) = (.0378 + .1296)/.209, γ_1(H) = (.0378 + .0032)/.209.
  const model = createDiscreteHmm({
    states: ['H', 'C'],
    symbols: ['a', 'b'],
    start: [0.6, 0.4],
    transition: [
      [0.7, 0.3],
      [0.4, 0.6],
    ],
    emission: [
      [0.9, 0.1],
      [0.2, 0.8],
    ],
  });
  const text = 'a\nb';
  const o = Int32Array.from([0, 1]);
  const d = decodeDiscreteFit(model, [o], tokenSpans(text, 'chars'));
  assert.deepEqual(Array.from(d.path), [0, 1]);
  close(d.pathLogProbability, Math.log(0.1296), 1e-12);
  close(d.logLikelihood, Math.log(0.209), 1e-12);
  close(d.posteriors[0], 0.1674 / 0.209);
  close(d.posteriors[1], 1 - 0.1674 / 0.209);
  close(d.posteriors[2], 0.041 / 0.209);
  close(d.posteriors[3], 1 - 0.041 / 0.209);
  // The same as the engine's own Viterbi and forward-backward.
  assert.deepEqual(d.path, viterbiPath(model, o).path);
  assert.deepEqual(Array.from(d.posteriors), Array.from(Float32Array.from(statePosteriors(model, o).gamma)));
  // Step 1's text is the "b" after the line break.
  assert.deepEqual([d.starts[1], d.ends[1]], [2, 3]);
  assert.deepEqual(Array.from(d.observations), [0, 1]);
});

test('where Viterbi and posterior decoding disagree, the rows keep both', () => {
  // A sticky chain with a single ambiguous middle symbol: the posterior of its step can favour the other state
  // while the whole best path stays in one. The test checks the rows carry exactly the engine's two answers.
  const model = createDiscreteHmm({
    states: ['S1', 'S2'],
    symbols: ['x', 'y', 'z'],
    start: [0.5, 0.5],
    transition: [
      [0.9, 0.1],
      [0.1, 0.9],
    ],
    emission: [
      [0.6, 0.3, 0.1],
      [0.1, 0.3, 0.6],
    ],
  });
  const o = Int32Array.from([0, 1, 2, 1, 0, 2, 2, 1]);
  const text = 'xyzyxzzy';
  const d = decodeDiscreteFit(model, [o], tokenSpans(text, 'chars'));
  assert.deepEqual(d.path, viterbiPath(model, o).path);
  const gamma = statePosteriors(model, o).gamma;
  gamma.forEach((g, k) => close(d.posteriors[k], g));
  for (let t = 0; t < o.length; t++) close(d.posteriors[2 * t] + d.posteriors[2 * t + 1], 1);
});

const options: HmmFitOptions = { states: 2, restarts: 2, seed: 3, maxIterations: 30, tolerance: 1e-8 };

test('a fit of characters returns its best model\'s Viterbi path and posteriors, each step at its character', async () => {
  const text = '3 1 6\n6 6 2\r\n6 5 6 6 1\n';
  const r = await hmmFit('f1', text, { kind: 'symbols', split: 'chars' }, options, () => undefined);
  assert.ok(r?.decoding, r?.decodingNote);
  const parsed = parseHmm(r.modelText);
  assert.equal(parsed.kind, 'discrete');
  if (parsed.kind !== 'discrete') return;
  const { observations } = readObservations(text, 'chars');
  const d = r.decoding;
  assert.deepEqual(d.path, viterbiPath(parsed.model, observations).path);
  statePosteriors(parsed.model, observations).gamma.forEach((g, k) => close(d.posteriors[k], g));
  assert.equal(d.path.length, 11);
  for (let t = 0; t < d.path.length; t++) assert.equal(text.slice(d.starts[t], d.ends[t]), r.symbols[d.observations[t]]);
});

test('a fit of whitespace words spans each word; a tagged file is decoded sentence by sentence', async () => {
  const words = 'the cat sat\non the mat\n\nthe dog sat on the cat\n';
  const w = await hmmFit('f2', words, { kind: 'symbols', split: 'whitespace' }, options, () => undefined);
  assert.ok(w?.decoding);
  const wd = w.decoding;
  assert.deepEqual(
    Array.from(wd.path, (_, t) => words.slice(wd.starts[t], wd.ends[t])),
    words.split(/\s+/).filter((x) => x !== ''),
  );

  const tagged = 'the\tD\ncat\tN\n\n a\tD\ndog\tN\nran\tV\n';
  const g = await hmmFit('f3', tagged, { kind: 'tagged' }, options, () => undefined);
  assert.ok(g?.decoding);
  const parsed = parseHmm(g.modelText);
  if (parsed.kind !== 'discrete') throw new Error('discrete expected');
  const id = new Map(parsed.model.symbols.map((s, i) => [s, i]));
  const sentences = parseTaggedFile(tagged).map((s) => Int32Array.from(s.tokens, (x) => id.get(x)!));
  // Each sentence starts from π: its rows are that sentence's own Viterbi path and posteriors.
  const expectedPath = sentences.flatMap((s) => Array.from(viterbiPath(parsed.model, s).path));
  assert.deepEqual(Array.from(g.decoding.path), expectedPath);
  const expectedGamma = sentences.flatMap((s) => Array.from(statePosteriors(parsed.model, s).gamma));
  expectedGamma.forEach((x, k) => close(g.decoding!.posteriors[k], x));
  close(g.decoding.logLikelihood, sentences.reduce((s, q) => s + statePosteriors(parsed.model, q).logLikelihood, 0), 1e-9);
  assert.deepEqual(Array.from(g.decoding.path, (_, t) => tagged.slice(g.decoding!.starts[t], g.decoding!.ends[t])), ['the', 'cat', 'a', 'dog', 'ran']);
});

test('a Gaussian fit of CSV rows: the engine\'s Gaussian Viterbi and posteriors, each row spanning its line', async () => {
  const csv = 'day,price\r\n1,10.1\r\n2,10.3\r\n\r\n3,19.8\r\n4,20.4\r\n5,10.0\r\n6,20.1\r\n';
  const r = await hmmFit('f4', csv, { kind: 'csv', columns: [1] }, options, () => undefined);
  assert.ok(r?.decoding);
  const parsed = parseHmm(r.modelText);
  if (parsed.kind !== 'gaussian') throw new Error('gaussian expected');
  const series = parseCsvSeries(csv, [1]);
  assert.deepEqual(r.decoding.path, gaussianViterbi(parsed.model, series.values).path);
  gaussianPosteriors(parsed.model, series.values).gamma.forEach((g, k) => close(r.decoding!.posteriors[k], g));
  assert.deepEqual(Array.from(r.decoding.values), Array.from(series.values));
  assert.deepEqual(
    Array.from(r.decoding.path, (_, t) => csv.slice(r.decoding!.starts[t], r.decoding!.ends[t])),
    ['1,10.1', '2,10.3', '3,19.8', '4,20.4', '5,10.0', '6,20.1'],
  );
});

test('line spans count CRLF, LF and CR as one break each; too many posteriors are named, not kept', () => {
  assert.deepEqual(lineSpans('a\r\nbb\ncc\rd'), { starts: [0, 3, 6, 9], ends: [1, 5, 8, 10] });
  assert.equal(decodingTooLarge(1000, 20), undefined);
  assert.match(decodingTooLarge(5_000_000, 20) ?? '', /^The decoded rows are not shown: 5,000,000 steps × 20 states is over the 25,000,000 posteriors/);
});
