// The Markov Orders request round-tripped through a real bundled worker, checked against the engine called directly;
// the panel's message parser against malformed and hostile messages; the host's view conversion.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { detokenize, NgramModel, splitTrainHeldOut, tokenize } from '../../src/engine/markov';
import { Prng } from '../../src/engine/prng';
import { AnalysisError, AnalysisWorker } from '../../src/hmm/analysisWorker';
import { markovOrdersView } from '../../src/markov/ordersView';
import { parseMarkovPanelMessage } from '../../src/shared/protocol/markovPanel';
import { isAnalysisRequestType } from '../../src/shared/protocol/analysisWorker';
import { checkTrainingText } from '../../src/shared/textChecks';
import { fuzzParams } from '../fixtures/badInputs';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const bundle = join(mkdtempSync(join(tmpdir(), 'seqlab-markov-')), 'worker.js');
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
const worker = new AnalysisWorker(nodeEngineWorkers(bundle));
after(() => worker.dispose());

const verse = readFileSync(new URL('../../examples/verse.txt', import.meta.url), 'utf8');

test('markov orders: typed arrays per k = 0..8 equal to the engine on the 90/10 split', async () => {
  assert.ok(isAnalysisRequestType('markovOrders'));
  for (const unit of ['char', 'word'] as const) {
    const r = await worker.markovOrders(verse, unit, 7, unit === 'char' ? 120 : 30);
    for (const a of [r.trainPerplexity, r.heldOutPerplexity, r.observedContexts, r.log10PossibleContexts]) {
      assert.ok(a instanceof Float64Array);
      assert.equal(a.length, 9);
    }
    const { train, heldOut } = splitTrainHeldOut(tokenize(verse, unit), 0.1);
    assert.equal(r.trainTokens, train.length);
    assert.equal(r.heldOutTokens, heldOut.length);
    assert.ok(Math.abs(heldOut.length - 0.1 * (train.length + heldOut.length)) <= 1);
    for (let k = 0; k <= 8; k++) {
      const model = NgramModel.train(train, { order: k, smoothing: 'kneser-ney' });
      assert.equal(r.trainPerplexity[k], model.score(train).perplexity, `${unit} train k=${k}`);
      assert.equal(r.heldOutPerplexity[k], model.score(heldOut).perplexity, `${unit} held-out k=${k}`);
      const stats = model.contextStats();
      assert.equal(r.observedContexts[k], stats.observed);
      assert.equal(r.log10PossibleContexts[k], stats.log10Possible);
      assert.equal(r.samples[k], detokenize(model.sample(unit === 'char' ? 120 : 30, new Prng(7 + k)), unit));
    }
    assert.equal(r.vocabularySize, new Set(train).size);
    assert.equal([...r.samples[3]].length, unit === 'char' ? 120 : [...r.samples[3]].length);
    if (unit === 'word') assert.equal(r.samples[3].split(' ').length, 30);
  }
});

test('markov orders on verse.txt: train perplexity falls with k, held-out does not (overfitting)', async () => {
  const r = await worker.markovOrders(verse, 'char', 1, 120);
  for (let k = 1; k <= 8; k++) assert.ok(r.trainPerplexity[k] < r.trainPerplexity[k - 1], `train falls at k=${k}`);
  const held = Array.from(r.heldOutPerplexity);
  const best = held.indexOf(Math.min(...held));
  assert.ok(best > 0 && best < 8, `held-out minimum inside 1..7, at ${best}`);
  assert.ok(held.some((p, k) => k > 0 && p > held[k - 1]), 'held-out perplexity rises somewhere');
  assert.ok(r.trainPerplexity[8] < r.heldOutPerplexity[8]);
  // Observed contexts grow, but far slower than |V|^k.
  for (let k = 1; k <= 8; k++) assert.ok(r.observedContexts[k] >= r.observedContexts[k - 1]);
  assert.ok(Math.log10(r.observedContexts[8]) < r.log10PossibleContexts[8] - 5);
  // The samples are deterministic by seed.
  assert.deepEqual((await worker.markovOrders(verse, 'char', 1, 120)).samples, r.samples);
  const view = markovOrdersView(r, 'verse.txt');
  assert.deepEqual(JSON.parse(JSON.stringify(view)), view, 'the view is plain JSON (setState)');
  assert.deepEqual(view.heldOutPerplexity, held);
});

test('markov orders: bad requests are refused with a message; host-side checks catch empty and binary files', async () => {
  await assert.rejects(worker.markovOrders('', 'char', 1, 10), (e: Error) => e instanceof AnalysisError && /too few/.test(e.message));
  await assert.rejects(worker.markovOrders('   ', 'word', 1, 10), (e: Error) => e instanceof AnalysisError && /0 words/.test(e.message));
  await assert.rejects(worker.markovOrders('abc abc', 'char', 1, 5000), (e: Error) => e instanceof AnalysisError && /sample length/.test(e.message));
  await assert.rejects(worker.markovOrders('abc abc', 'bytes' as 'char', 1, 5), (e: Error) => e instanceof AnalysisError && /unit/.test(e.message));
  await assert.rejects(worker.markovOrders('abc abc', 'char', 0.5, 5), (e: Error) => e instanceof AnalysisError && /seed/.test(e.message));
  await assert.rejects(worker.markovOrders('ab'.repeat(1_000_001), 'char', 1, 5), (e: Error) => e instanceof AnalysisError && /2,000,002 characters.*at most 2,000,000/.test(e.message));
  assert.equal(checkTrainingText('', 'empty.txt', 1e6).ok, false);
  assert.equal(checkTrainingText('ab\u0000\u0001\u0002cd'.repeat(100), 'blob.bin', 1e6).ok, false);
  assert.equal(checkTrainingText('x'.repeat(2000), 'big.txt', 1000).ok, false);
  // The worker is still answering after the refusals.
  assert.equal((await worker.markovOrders('abababab', 'char', 1, 4)).samples.length, 9);
});

test('markov panel messages: well-formed accepted, malformed and hostile refused', () => {
  assert.deepEqual(parseMarkovPanelMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseMarkovPanelMessage({ type: 'ready', extra: '<script>' }), { type: 'ready' });
  assert.deepEqual(parseMarkovPanelMessage({ type: 'showSurprisal', order: 4 }), { type: 'showSurprisal', order: 4 });
  assert.deepEqual(parseMarkovPanelMessage({ type: 'showSurprisal', order: 0, uri: 'file:///etc/passwd' }), { type: 'showSurprisal', order: 0 });
  const hostile: unknown[] = [
    undefined, null, 42, 'showSurprisal', [], {}, { type: 7 }, { type: 'nope' }, { type: '__proto__' }, { type: 'constructor' },
    { type: 'showSurprisal' }, { type: 'showSurprisal', order: '4' }, { type: 'showSurprisal', order: 9 },
    { type: 'showSurprisal', order: -1 }, { type: 'showSurprisal', order: 2.5 }, { type: 'showSurprisal', order: NaN },
    { type: 'showSurprisal', order: Infinity }, { type: 'showSurprisal', order: [4] }, { type: 'showSurprisal', order: { valueOf: () => 4 } },
    JSON.parse('{"type":"showSurprisal","__proto__":{"order":3}}'),
  ];
  for (const m of hostile) assert.equal(parseMarkovPanelMessage(m), undefined, JSON.stringify(m) ?? String(m));
});

test('parseMarkovPanelMessage: a well-formed message or undefined, never a throw (fuzzed)', () => {
  const field = fc.oneof(
    fc.anything({ maxDepth: 2, withBigInt: true, withTypedArray: true, withMap: true, withNullPrototype: true, withSparseArray: true }),
    fc.constantFrom(0, 8, 9, -1, -0, 4.5, NaN, Infinity, '4', 'file:///etc/passwd'),
    fc.integer(),
    fc.double(),
  );
  const message = fc.oneof(
    fc.anything({ maxDepth: 2, withNullPrototype: true }),
    fc.record(
      { type: fc.oneof(fc.constantFrom('ready', 'showSurprisal', '__proto__', 'constructor', 'toString'), field), order: field, uri: field },
      { requiredKeys: ['type'] },
    ),
  );
  fc.assert(
    fc.property(message, (raw) => {
      const m = parseMarkovPanelMessage(raw);
      if (m === undefined) return;
      if (m.type === 'ready') assert.deepEqual(Object.keys(m), ['type']);
      else {
        assert.deepEqual(Object.keys(m).sort(), ['order', 'type']);
        assert.ok(Number.isInteger(m.order) && m.order >= 0 && m.order <= 8);
      }
    }),
    fuzzParams(3000),
  );
});
