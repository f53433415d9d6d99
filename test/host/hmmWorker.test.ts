// The analysis requests of the worker (Markov surprisal, HMM decoding) round-tripped through a real bundled worker,
// checked against the engine called directly.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { discreteHmmToJson, statePosteriors, viterbiPath } from '../../src/engine/hmm';
import { casinoExample, casinoModel, posExample } from '../../src/engine/examples/hmm';
import { NgramModel, tokenize } from '../../src/engine/markov';
import { AnalysisError, AnalysisWorker } from '../../src/hmm/analysisWorker';
import { stepAtOffset } from '../../src/hmm/steps';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const bundle = join(mkdtempSync(join(tmpdir(), 'seqlab-analysis-')), 'worker.js');
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
const worker = new AnalysisWorker(nodeEngineWorkers(bundle));
after(() => worker.dispose());

test('markov surprisal: one value per UTF-16 unit, equal to the engine\'s −log2 P, and the perplexity', async () => {
  const text = 'abracadabra 🙂 abracadabra\n'.repeat(20);
  const r = await worker.markovSurprisal(text, 3);
  assert.ok(r.surprisal instanceof Float32Array);
  assert.equal(r.surprisal.length, text.length);
  const tokens = tokenize(text, 'char');
  const engine = NgramModel.train(tokens, { order: 3, smoothing: 'kneser-ney' }).score(tokens);
  assert.equal(r.characters, tokens.length);
  let offset = 0;
  tokens.forEach((c, i) => {
    assert.ok(Math.abs(r.surprisal[offset] - -engine.logProbs[i] / Math.LN2) < 1e-4, `character ${i}`);
    if (c.length === 2) assert.ok(Number.isNaN(r.surprisal[offset + 1]), 'second half of a surrogate pair is NaN');
    offset += c.length;
  });
  assert.ok(Math.abs(r.perplexity - engine.perplexity) < 1e-9);
  assert.ok(Math.abs(r.bitsPerCharacter - Math.log2(engine.perplexity)) < 1e-9);
  // Repetitive text: the model predicts most characters well.
  assert.ok(r.bitsPerCharacter < 1.5, `bits/char ${r.bitsPerCharacter}`);
});

test('markov surprisal: bad order and empty text are refused with a message', async () => {
  await assert.rejects(worker.markovSurprisal('abc', 9), (e: Error) => e instanceof AnalysisError && /order/.test(e.message));
  await assert.rejects(worker.markovSurprisal('', 2), (e: Error) => e instanceof AnalysisError && /empty/.test(e.message));
});

test('hmm decode with a model JSON: Viterbi, posteriors, backpointers and token offsets match the engine', async () => {
  const ex = casinoExample(300, 7);
  // Rolls wrapped over lines with spaces: characters mode ignores whitespace.
  const text = ex.symbols.replace(/(.{50})/g, '$1\n').replace(/(\d{10})/g, '$1 ');
  const model = casinoModel();
  const r = await worker.hmmDecode(text, { kind: 'modelJson', modelText: JSON.stringify(discreteHmmToJson(model)), modelLabel: 'casino.json' });
  assert.equal(r.split, 'chars');
  assert.deepEqual(r.states, ['F', 'L']);
  const obs = Int32Array.from(ex.symbols, (c) => model.symbols.indexOf(c));
  assert.deepEqual(r.observations, obs);
  const v = viterbiPath(model, obs);
  assert.deepEqual(r.path, v.path);
  assert.ok(Math.abs(r.pathLogProbability - v.logProbability) < 1e-9);
  const p = statePosteriors(model, obs);
  assert.ok(Math.abs(r.logLikelihood - p.logLikelihood) < 1e-9);
  assert.ok(r.posteriors instanceof Float32Array && r.posteriors.length === obs.length * 2);
  for (let k = 0; k < p.gamma.length; k++) assert.ok(Math.abs(r.posteriors[k] - p.gamma[k]) < 1e-6);
  // Backpointers: −1 at t = 0, and following them from the end gives the path.
  assert.deepEqual([...r.backpointers.subarray(0, 2)], [-1, -1]);
  for (let t = obs.length - 1; t > 0; t--) assert.equal(r.backpointers[t * 2 + r.path[t]], r.path[t - 1]);
  // δ at the end is the path's log probability.
  assert.ok(Math.abs(r.delta[(obs.length - 1) * 2 + r.path[obs.length - 1]] - v.logProbability) < 1e-9);
  // Token offsets point at the symbols in the text, and map back to their steps.
  for (let t = 0; t < obs.length; t++) {
    assert.equal(text.slice(r.tokenStarts[t], r.tokenEnds[t]), ex.symbols[t]);
    assert.equal(stepAtOffset(r.tokenStarts, r.tokenStarts[t]), t);
  }
});

test('hmm decode of a tagged file: a supervised tagger with token offsets and the file\'s tags', async () => {
  const { text, sentences } = posExample(40, 3);
  const r = await worker.hmmDecode(text, { kind: 'tagged' });
  assert.equal(r.split, 'tagged');
  const tokens = sentences.flatMap((s) => s.tokens);
  assert.equal(r.path.length, tokens.length);
  for (let t = 0; t < tokens.length; t++) assert.equal(text.slice(r.tokenStarts[t], r.tokenEnds[t]), tokens[t]);
  assert.ok(r.trueStates && r.trueStates.length === tokens.length);
  let right = 0;
  for (let t = 0; t < tokens.length; t++) if (r.trueStates![t] === r.path[t]) right++;
  assert.ok(right / tokens.length > 0.85, `accuracy ${right / tokens.length}`);
});

test('hmm decode: whitespace tokens for multi-character symbols', async () => {
  const model = { states: ['A', 'B'], symbols: ['hi', 'lo'], start: [0.5, 0.5], transition: [[0.9, 0.1], [0.1, 0.9]], emission: [[0.8, 0.2], [0.3, 0.7]] };
  const text = 'hi hi  lo\nlo hi\n';
  const r = await worker.hmmDecode(text, { kind: 'modelJson', modelText: JSON.stringify(model), modelLabel: 'm.json' });
  assert.equal(r.split, 'tokens');
  assert.deepEqual([...r.tokenStarts], [0, 3, 7, 10, 13]);
  assert.deepEqual([...r.tokenEnds], [2, 5, 9, 12, 15]);
});

test('hmm decode: invalid models, unknown symbols and impossible data give the engine\'s clear messages', async () => {
  const decode = (modelText: string, text = 'HTH') => worker.hmmDecode(text, { kind: 'modelJson', modelText, modelLabel: 'bad.json' });
  const base = { states: ['a', 'b'], symbols: ['H', 'T'], start: [0.5, 0.5], transition: [[0.5, 0.5], [0.5, 0.5]], emission: [[0.5, 0.5], [0.5, 0.5]] };
  const cases: [string, RegExp][] = [
    ['{ not json', /not JSON/],
    [JSON.stringify({ ...base, transition: [[0.5, 0.6], [0.5, 0.5]] }), /"transition" row 1 \("a"\) sums to 1\.1, not 1/],
    [JSON.stringify({ ...base, start: [1.5, -0.5] }), /cannot be negative/],
    [JSON.stringify({ ...base, emission: [[1], [1]] }), /has 1 entries but there are 2 symbols/],
    [JSON.stringify({ states: ['a'], start: [1], transition: [[1]], means: [0], variances: [1] }), /Gaussian/],
  ];
  for (const [modelText, pattern] of cases) {
    await assert.rejects(decode(modelText), (e: Error) => e instanceof AnalysisError && pattern.test(e.message), pattern.source);
  }
  await assert.rejects(decode(JSON.stringify(base), 'HTX'), (e: Error) => /"X" is not one of the model's symbols/.test(e.message));
  const never = { ...base, emission: [[1, 0], [1, 0]] };
  await assert.rejects(decode(JSON.stringify(never), 'HT'), (e: Error) => /probability 0/.test(e.message));
  await assert.rejects(worker.hmmDecode('a\tb\nc d\n', { kind: 'tagged' }), (e: Error) => /Line 2/.test(e.message));
  // The worker lives on.
  const ok = await decode(JSON.stringify(base));
  assert.equal(ok.path.length, 3);
});
