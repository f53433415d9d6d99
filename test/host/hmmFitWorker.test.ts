// Baum-Welch fits, HMM sampling and Markov sampling through a real bundled analysis worker: progress arrives per
// restart and matches the result's curves, Cancel stops the worker's loop, CSV columns get Gaussian emissions,
// and bad CSV input gets one message naming the line and the column.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { baumWelch, parseHmm, readObservations } from '../../src/engine/hmm';
import { regimeExample } from '../../src/engine/examples/hmm';
import { AnalysisError, AnalysisWorker } from '../../src/hmm/analysisWorker';
import type { HmmFitOptions } from '../../src/shared/protocol/analysisWorker';
import { assertUserMessage } from '../fixtures/badInputs';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const bundle = join(mkdtempSync(join(tmpdir(), 'seqlab-fit-')), 'worker.js');
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
const worker = new AnalysisWorker(nodeEngineWorkers(bundle));
after(() => worker.dispose());

const rolls = readFileSync(join('examples', 'hmm', 'casino-rolls.txt'), 'utf8');
const options: HmmFitOptions = { states: 2, restarts: 3, seed: 4, maxIterations: 40, tolerance: 1e-8 };

test('fit: progress covers every iteration of every restart, equals the engine, and the best restart wins', async () => {
  const seen: number[][] = [];
  const handle = worker.hmmFit(rolls, { kind: 'symbols', split: 'chars' }, options, (restart, from, lls) => {
    seen[restart] ??= [];
    assert.equal(from, seen[restart].length, 'progress arrives in order without gaps');
    seen[restart].push(...lls);
  });
  const r = await handle.result;
  assert.ok(r);
  assert.equal(r.kind, 'discrete');
  assert.deepEqual(r.symbols, ['1', '2', '3', '4', '5', '6']);
  assert.equal(r.logLikelihoods.length, 3);
  r.logLikelihoods.forEach((curve, k) => assert.deepEqual(seen[k], Array.from(curve)));
  const { observations, symbols } = readObservations(rolls, 'chars');
  const engine = baumWelch([observations], symbols, { states: 2, restarts: 3, seed: 4, maxIterations: 40 });
  assert.equal(r.best, engine.best);
  engine.runs.forEach((run, k) => assert.deepEqual(Array.from(r.logLikelihoods[k]), run.logLikelihoods));
  // The model text is a valid model file with the learned numbers.
  const model = parseHmm(r.modelText);
  assert.equal(model.kind, 'discrete');
  assert.deepEqual(Array.from(model.model.transition), Array.from(r.transition));
});

test('fit: cancel stops the loop after the current iteration (result undefined), and the worker stays usable', async () => {
  let reports = 0;
  const long: HmmFitOptions = { states: 6, restarts: 20, seed: 1, maxIterations: 5000, tolerance: 0 };
  const handle = worker.hmmFit(rolls.repeat(10), { kind: 'symbols', split: 'chars' }, long, () => {
    reports++;
    handle.cancel();
  });
  assert.equal(await handle.result, undefined);
  assert.ok(reports >= 1);
  // 20 restarts × 5000 iterations would take minutes; the worker answers the next request.
  const sample = await worker.hmmSample(readFileSync(join('examples', 'hmm', 'casino-model.json'), 'utf8'), 50, 3);
  assert.equal(sample.path.length, 50);
});

test('fit of CSV columns: Gaussian emissions, means near the true regimes, a Viterbi state per data row', async () => {
  const ex = regimeExample(400, 2);
  const csv = 'day,value\n' + ex.text.trim().split(/\s+/).map((v, t) => `${t + 1},${v}`).join('\n') + '\n';
  const r = await worker.hmmFit(csv, { kind: 'csv', columns: [1] }, { ...options, states: ex.model.n, maxIterations: 100 }, () => {}).result;
  assert.ok(r);
  assert.equal(r.kind, 'gaussian');
  assert.deepEqual(r.symbols, ['value']);
  assert.equal(r.path?.length, 400);
  assert.equal(r.rowLines?.[0], 1, 'the first data row is line 2 (after the header)');
  const learned = Array.from(r.means).sort((a, b) => a - b);
  const truth = Array.from(ex.model.means).sort((a, b) => a - b);
  learned.forEach((m, i) => assert.ok(Math.abs(m - truth[i]) < 0.5, `mean ${m} vs ${truth[i]}`));
  assert.equal(parseHmm(r.modelText).kind, 'gaussian');
});

test('fit of bad CSV input: one message naming the line and the column', async () => {
  const cases: [string, RegExp][] = [
    ['a,b\n1,2\n3,x\n4,5\n', /^Line 3, column "b": "x" is not a finite number\.$/],
    ['a,b\n1,2\n3,\n4,5\n', /^Line 3, column "b" is empty/],
    ['a,b\n1,2\nNaN,3\n4,5\n', /^Line 3, column "a": "NaN" is not a finite number\.$/],
    ['a,b\n', /header but no rows/],
    ['a,b\n1,2\n', /only one row/],
  ];
  for (const [csv, pattern] of cases) {
    await assert.rejects(worker.hmmFit(csv, { kind: 'csv', columns: [0, 1] }, options, () => {}).result, (e: Error) => {
      assert.ok(e instanceof AnalysisError);
      assert.match(e.message, pattern);
      assertUserMessage(e.message, csv, ['NaN']);
      return true;
    });
  }
});

test('sampling: the same seed gives the same sample; a Markov sample of order k comes from the text', async () => {
  const modelText = readFileSync(join('examples', 'hmm', 'casino-model.json'), 'utf8');
  const a = await worker.hmmSample(modelText, 200, 9);
  const b = await worker.hmmSample(modelText, 200, 9);
  const c = await worker.hmmSample(modelText, 200, 10);
  assert.deepEqual([a.path, a.symbols], [b.path, b.symbols]);
  assert.notDeepEqual(a.symbols, c.symbols);
  assert.ok(a.symbols.every((s) => '123456'.includes(s)));
  const text = 'the cat sat on the mat. '.repeat(30);
  const m1 = await worker.markovSample(text, 'char', 4, 'kneser-ney', 5, 200);
  assert.equal(m1, await worker.markovSample(text, 'char', 4, 'kneser-ney', 5, 200));
  assert.equal([...m1].length, 200);
  assert.ok([...m1].every((ch) => text.includes(ch)));
  await assert.rejects(worker.markovSample(text, 'char', 9, 'kneser-ney', 5, 200), /order/);
});
