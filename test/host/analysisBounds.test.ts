// Markov surprisal through the real bundled analysis worker stays bounded: more than 2 M characters are refused in
// one line before any model is built, a running request is cancelled at once (and the next request works), and the
// worker runs with its own heap limit so a runaway analysis cannot take the extension host's memory.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { AnalysisCancelled, AnalysisError, AnalysisWorker } from '../../src/hmm/analysisWorker';
import { ANALYSIS_WORKER_HEAP_MB, MAX_MARKOV_SURPRISAL_TOKENS } from '../../src/shared/analysisLimits';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const bundle = join(mkdtempSync(join(tmpdir(), 'seqlab-bounds-')), 'worker.js');
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
const worker = new AnalysisWorker(nodeEngineWorkers(bundle));
after(() => worker.dispose());

test('surprisal of more than 2 M characters is refused in one line within 15 s', async () => {
  const text = 'x'.repeat(MAX_MARKOV_SURPRISAL_TOKENS + 1);
  const t0 = performance.now();
  await assert.rejects(worker.markovSurprisal(text, 8), (e: unknown) => {
    assert.ok(e instanceof AnalysisError);
    assert.match(e.message, /2,000,001 characters; Markov surprisal scores at most 2,000,000/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  assert.ok(performance.now() - t0 < 15_000, `${Math.round(performance.now() - t0)} ms`);
});

test('a surprisal request is cancelled at once, and the next one is answered', async () => {
  // Order 8 over 1.9 M varied characters takes many seconds; the cancellation must not wait for it.
  let seed = 1;
  const text = Array.from({ length: 1_900_000 }, () => String.fromCharCode(97 + ((seed = (seed * 48271) % 2147483647) % 26))).join('');
  const listeners: (() => void)[] = [];
  const token = { onCancellationRequested: (l: () => void) => (listeners.push(l), { dispose: () => undefined }) };
  const pending = worker.markovSurprisal(text, 8, token);
  const t0 = performance.now();
  setImmediate(() => listeners.forEach((l) => l()));
  await assert.rejects(pending, (e: unknown) => e instanceof AnalysisCancelled);
  // Not a speed test: the whole order-8 pass takes far longer than this bound, so a cancel that waited for it fails.
  assert.ok(performance.now() - t0 < 5000, `cancelled after ${Math.round(performance.now() - t0)} ms`);
  const r = await worker.markovSurprisal('abracadabra', 2);
  assert.equal(r.characters, 11);
});

test('the analysis worker has its own heap limit', async () => {
  await worker.markovSurprisal('ab', 1);
  // The running worker thread, as the analysis worker's client holds it (src/base/nodeWorkerTransport.ts).
  const thread = (worker as unknown as { client: { current: { transport: { resourceLimits?: { maxOldGenerationSizeMb?: number } } } } }).client.current.transport;
  const limits = thread.resourceLimits;
  assert.equal(limits?.maxOldGenerationSizeMb, ANALYSIS_WORKER_HEAP_MB);
});
