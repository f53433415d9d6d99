// Issue 17's "chars/s in the Web Worker against the desktop worker on the same machine": the same training run
// through the host's worker client on each transport, the desktop's worker thread (nodeWorkerTransport, the
// extension's dist/worker.js as esbuild.mjs builds it) and the web's Web Worker (webWorkerTransport, in headless
// Chromium on the browser bundle of src/worker/webWorker.ts). Both are the engine the extension ships; the scenario
// (test/webview/workerScenario.ts) is the one the transport tests run. Characters per second are the run's own
// (steps × sequence length) over the wall time from the train request to 'finished', so start-up and every message
// count. Rounds alternate the two, best of each.
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
const TIMEOUT_MS = 600_000;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-web-bench-'));
  // Minified, as esbuild.mjs --production builds them for the .vsix.
  const served = await buildAndServeWorkerBundles(dir, `import { webWorker } from './src/base/webWorkerTransport';
    import { trainThrough } from './test/webview/workerScenario';
    globalThis.timedTrain = async (text, config, timeoutMs) => {
      const start = performance.now();
      const outcome = await trainThrough(webWorker('/worker.js', { name: 'sequence-lab-training' }), text, config, timeoutMs);
      return { ms: performance.now() - start, steps: outcome.finished.steps };
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
        const w = await page.evaluate(([text, c, timeoutMs]) => (globalThis as unknown as { timedTrain: (t: string, c: TrainingConfig, ms: number) => Promise<{ ms: number; steps: number }> }).timedTrain(text, c, timeoutMs), [TEXT, config, TIMEOUT_MS] as const);
        if (w.steps !== config.steps) throw new Error(`the Web Worker ran ${w.steps} of ${config.steps} steps`);
        web = Math.max(web, chars / (w.ms / 1000));
      }
      const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(`| ${name}, ${config.steps} steps | ${dtypeOf(config)} | ${fmt(desktop)} | ${fmt(web)} | ${(web / desktop).toFixed(2)}× |`);
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
