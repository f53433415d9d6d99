// Issue 17's "chars/s in the Web Worker against the desktop worker on the same machine": the same training run
// through the host's worker client on each transport, the desktop's worker thread (nodeWorkerTransport, the
// extension's dist/worker.js as esbuild.mjs builds it) and the web's Web Worker (webWorkerTransport, in headless
// Chromium on the browser bundle of src/worker/webWorker.ts). Both are the engine the extension ships; the scenario
// (test/webview/workerScenario.ts) is the one the transport tests run. Characters per second are the run's own
// (steps × sequence length) over the wall time from the train request to 'finished', so start-up and every message
// count. Rounds alternate the two, best of each.
// A second table measures data-parallel training on the web: a run of 32 streams in the Web Worker on one thread (a
// page that is not cross-origin isolated) and on min(cores, 16) threads (the same page served with COOP and COEP:
// nested Web Workers sharing memory), beside the desktop's worker thread on as many threads.
// Run: npm run bench -- --only=web [--rounds=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { nodeWorker } from '../src/base/nodeWorkerTransport';
import type { HostToWorker, WorkerToHost } from '../src/shared/protocol/trainingWorker';
import { DEFAULT_CONFIG, dtypeOf, type TrainingConfig } from '../src/shared/trainingConfig';
import { buildAndServeWorkerBundles } from '../test/webview/workerBundles';
import { trainThrough } from '../test/webview/workerScenario';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3);
const alphabet = ' \n!$&\',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let state = 2024;
let TEXT = alphabet;
while (TEXT.length < 100_000) {
  state = (state * 1103515245 + 12345) >>> 0;
  TEXT += alphabet[(state >>> 16) % alphabet.length];
}
const CASES: { name: string; config: TrainingConfig }[] = [
  { name: 'the default run (char RNN tanh, H 64)', config: { ...DEFAULT_CONFIG, steps: 3000, sampleEvery: 1_000_000 } },
  { name: 'char LSTM, H 128, sequence 64', config: { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 128, seqLength: 64, steps: 600, sampleEvery: 1_000_000 } },
];
/** Runs of 32 streams: data-parallel wherever the worker has threads. */
const PARALLEL_CASES: { name: string; config: TrainingConfig }[] = [
  { name: 'char RNN tanh, H 64, batch 32', config: { ...DEFAULT_CONFIG, batch: 32, steps: 1000, sampleEvery: 1_000_000 } },
  { name: 'char LSTM, H 128, sequence 64, batch 32', config: { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 128, seqLength: 64, batch: 32, steps: 150, sampleEvery: 1_000_000 } },
];
const TIMEOUT_MS = 600_000;
type TimedTrain = (t: string, c: TrainingConfig, ms: number) => Promise<{ ms: number; steps: number; threads: number }>;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-web-bench-'));
  // Minified, as esbuild.mjs --production builds them for the .vsix.
  const served = await buildAndServeWorkerBundles(dir, `import { webWorker } from './src/base/webWorkerTransport';
    import { trainThrough } from './test/webview/workerScenario';
    globalThis.timedTrain = async (text, config, timeoutMs) => {
      const start = performance.now();
      // Relative: /worker.js on the page at /, /isolated/worker.js (served isolated) on the page at /isolated/.
      const outcome = await trainThrough(webWorker('worker.js', { name: 'sequence-lab-training' }), text, config, timeoutMs);
      return { ms: performance.now() - start, steps: outcome.finished.steps, threads: outcome.threads };
    };`, { minify: true, title: 'web worker bench' });
  const userDataDir = mkdtempSync(join(tmpdir(), 'seqlab-web-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    await page.goto(served.url);
    await page.waitForFunction(() => 'timedTrain' in globalThis);
    const browserVersion = context.browser()?.version() ?? (await page.evaluate('navigator.userAgent'));
    console.log(`One training run through the host's worker client, wall time from the request to 'finished'; ${TEXT.length.toLocaleString('en-US')} characters`);
    console.log(`of 65 kinds. Worker thread: Node ${process.versions.node} (V8 ${process.versions.v8}). Web Worker: headless Chromium ${browserVersion}. Best of ${rounds} alternating rounds.`);
    console.log('| run | dtype | worker thread chars/s | Web Worker chars/s | Web ÷ worker thread |');
    console.log('|---|---|---|---|---|');
    for (const { name, config } of CASES) {
      const chars = config.steps * config.seqLength;
      let desktop = 0;
      let web = 0;
      for (let r = 0; r < rounds; r++) {
        const start = performance.now();
        const outcome = await trainThrough(nodeWorker<HostToWorker, WorkerToHost>(served.nodeWorker, { name: 'sequence-lab-training' }), TEXT, config, TIMEOUT_MS);
        if (outcome.finished.steps !== config.steps) throw new Error(`the worker thread ran ${outcome.finished.steps} of ${config.steps} steps`);
        desktop = Math.max(desktop, chars / ((performance.now() - start) / 1000));
        const w = await page.evaluate(([text, c, timeoutMs]) => (globalThis as unknown as { timedTrain: TimedTrain }).timedTrain(text, c, timeoutMs), [TEXT, config, TIMEOUT_MS] as const);
        if (w.steps !== config.steps) throw new Error(`the Web Worker ran ${w.steps} of ${config.steps} steps`);
        web = Math.max(web, chars / (w.ms / 1000));
      }
      const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(`| ${name}, ${config.steps} steps | ${dtypeOf(config)} | ${fmt(desktop)} | ${fmt(web)} | ${(web / desktop).toFixed(2)}× |`);
    }

    const isolated = await context.newPage();
    await isolated.goto(served.isolatedUrl);
    await isolated.waitForFunction(() => 'timedTrain' in globalThis && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true);
    const cores = await isolated.evaluate('navigator.hardwareConcurrency');
    console.log('');
    console.log(`Data-parallel on the web: runs of 32 streams (chars = steps × sequence × 32). Web Worker on a page that is not`);
    console.log(`cross-origin isolated (one thread) and on one that is (nested Web Workers; navigator.hardwareConcurrency ${cores}); the`);
    console.log('worker thread (worker_threads) on the desktop. Best of the rounds, alternating.');
    console.log('| run | dtype | Web Worker, 1 thread | Web Worker, isolated | threads | isolated ÷ 1 thread | worker thread | threads |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const { name, config } of PARALLEL_CASES) {
      const chars = config.steps * config.seqLength * (config.batch ?? 1);
      const best = { single: 0, isolated: 0, desktop: 0 };
      const threads = { isolated: 0, desktop: 0 };
      for (let r = 0; r < rounds; r++) {
        for (const [where, on] of [['single', page], ['isolated', isolated]] as const) {
          const w = await on.evaluate(([text, c, timeoutMs]) => (globalThis as unknown as { timedTrain: TimedTrain }).timedTrain(text, c, timeoutMs), [TEXT, config, TIMEOUT_MS] as const);
          if (w.steps !== config.steps) throw new Error(`the Web Worker (${where}) ran ${w.steps} of ${config.steps} steps`);
          best[where] = Math.max(best[where], chars / (w.ms / 1000));
          if (where === 'isolated') threads.isolated = w.threads;
          else if (w.threads !== 1) throw new Error(`the Web Worker on a page that is not isolated ran on ${w.threads} threads`);
        }
        const start = performance.now();
        const outcome = await trainThrough(nodeWorker<HostToWorker, WorkerToHost>(served.nodeWorker, { name: 'sequence-lab-training' }), TEXT, config, TIMEOUT_MS);
        if (outcome.finished.steps !== config.steps) throw new Error(`the worker thread ran ${outcome.finished.steps} of ${config.steps} steps`);
        best.desktop = Math.max(best.desktop, chars / ((performance.now() - start) / 1000));
        threads.desktop = outcome.threads;
      }
      const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(`| ${name}, ${config.steps} steps | ${dtypeOf(config)} | ${fmt(best.single)} | ${fmt(best.isolated)} | ${threads.isolated} | ${(best.isolated / best.single).toFixed(2)}× | ${fmt(best.desktop)} | ${threads.desktop} |`);
    }
  } finally {
    await context.close();
    served.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
