// The worker transport contract (issue 17), one scenario against both transports: the host's worker client trains a
// run to its end, stops a long run after its first steps, and hears a crash when the worker script is missing,
// through the desktop's worker thread (nodeWorkerTransport, in Node) and through the web's Web Worker
// (webWorkerTransport, in headless Chromium, on the browser bundle of the worker: src/worker/webWorker.ts).
// Both must train the same run to the same losses (the engine is deterministic for a seed), and the web worker's
// throughput is printed beside the desktop's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { nodeWorker } from '../../src/base/nodeWorkerTransport';
import type { HostToWorker, WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { buildAndServeWorkerBundles, type WorkerBundles } from './workerBundles';
import { crashThrough, stopThrough, trainThrough, type TrainingOutcome } from './workerScenario';

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(40);
const CONFIG: TrainingConfig = { ...DEFAULT_CONFIG, hiddenSize: 64, seqLength: 32, steps: 300, sampleEvery: 1000 };
const TIMEOUT_MS = 120_000;

const dir = mkdtempSync(join(tmpdir(), 'seqlab-transports-'));
let browser: Browser;
let page: Page;
/** The same page served cross-origin isolated: its workers have SharedArrayBuffer. */
let isolatedPage: Page;

let served: WorkerBundles;

before(async () => {
  // The page: the scenario and the web transport, as the web extension host bundles them.
  served = await buildAndServeWorkerBundles(dir, `import { webWorker } from './src/base/webWorkerTransport';
    import * as scenario from './test/webview/workerScenario';
    globalThis.scenario = scenario;
    globalThis.start = (url) => webWorker(url, { name: 'sequence-lab-training' });
    // As the web entry starts it from an extension installed on a remote: the script's bytes as a Blob URL,
    // made after the client's first messages were posted.
    globalThis.startLate = (url) => webWorker(async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
      return URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
    }, { name: 'sequence-lab-training' });`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(served.url);
  await page.waitForFunction(() => 'scenario' in globalThis);
  isolatedPage = await browser.newPage();
  isolatedPage.on('pageerror', (error) => errors.push(error.message));
  await isolatedPage.goto(served.isolatedUrl);
  await isolatedPage.waitForFunction(() => 'scenario' in globalThis);
  assert.equal(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated), false);
  assert.equal(await isolatedPage.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated), true);
  assert.deepEqual(errors, []);
});

after(async () => {
  await browser?.close();
  served?.close();
  rmSync(dir, { recursive: true, force: true });
});

const nodeStart = (script = served.nodeWorker) => nodeWorker<HostToWorker, WorkerToHost>(script, { name: 'sequence-lab-training' });

type Scenario = typeof import('./workerScenario');
declare const scenario: Scenario;
declare const start: (url: string) => Parameters<Scenario['trainThrough']>[0];
declare const startLate: (url: string) => Parameters<Scenario['trainThrough']>[0];

function webTrain(): Promise<TrainingOutcome> {
  return page.evaluate(([text, config, timeoutMs]) => scenario.trainThrough(start('/worker.js'), text, config, timeoutMs), [TEXT, CONFIG, TIMEOUT_MS] as const);
}

function assertTrained(outcome: TrainingOutcome, where: string): void {
  assert.equal(outcome.finished.reason, 'completed', where);
  assert.equal(outcome.finished.steps, CONFIG.steps, where);
  assert.equal(outcome.vocabSize, new Set(TEXT).size, where);
  assert.equal(outcome.losses.filter((l) => Number.isFinite(l)).length, CONFIG.steps, `${where}: every step's loss arrived`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(outcome.losses.slice(0, 20));
  const last = mean(outcome.losses.slice(-20));
  // From about ln(vocabulary) towards the text's few real choices: the loss must at least halve on this text.
  assert.ok(last < first / 2, `${where}: loss fell from ${first.toFixed(3)} to ${last.toFixed(3)}`);
  assert.match(outcome.refused, /out of range.*hiddenSize/i, `${where}: a refused request is answered in words`);
}

test('A run trains to its end through the worker thread and through the Web Worker, to the same losses', { timeout: 2 * TIMEOUT_MS + 30_000 }, async (t) => {
  const desktop = await trainThrough(nodeStart(), TEXT, CONFIG, TIMEOUT_MS);
  assertTrained(desktop, 'worker thread');
  const web = await webTrain();
  assertTrained(web, 'Web Worker');
  // One engine, one seed: the same float32 arithmetic in V8 either way.
  assert.deepEqual(web.losses, desktop.losses);
  t.diagnostic(`chars/s (hidden ${CONFIG.hiddenSize}, seq ${CONFIG.seqLength}, ${CONFIG.cell}): worker thread ${Math.round(desktop.charsPerSecond)}, Web Worker ${Math.round(web.charsPerSecond)}`);
});

test('Stop acts on a long run after its first steps, through both transports', { timeout: 90_000 }, async () => {
  const desktop = await stopThrough(nodeStart(), TEXT, CONFIG);
  const web = await page.evaluate(([text, config]) => scenario.stopThrough(start('/worker.js'), text, config), [TEXT, CONFIG] as const);
  for (const [where, outcome] of [['worker thread', desktop], ['Web Worker', web]] as const) {
    assert.equal(outcome.reason, 'stopped', where);
    assert.ok(outcome.firstSteps >= 1, where);
    // Steps run in slices of milliseconds and yield between them: a stop is seen well within a second.
    assert.ok(outcome.stopMs < 5_000, `${where}: stopped ${outcome.stopMs} ms after the stop was posted`);
  }
});

test('A missing worker script is a crash in words through both transports, never a request that waits forever', { timeout: 60_000 }, async () => {
  const desktop = await crashThrough(nodeStart(join(dir, 'missing.js')));
  assert.equal(desktop.crashed, true);
  assert.match(desktop.message, /^The training worker crashed: /);
  const web = await page.evaluate(() => scenario.crashThrough(start('/missing.js')));
  assert.equal(web.crashed, true);
  assert.match(web.message, /^The training worker crashed: .*missing\.js/);
});

test('A Web Worker started from a Blob URL made late (an extension on a remote) gets the messages posted meanwhile, in order', { timeout: 90_000 }, async () => {
  const late = await page.evaluate(([text, config]) => scenario.stopThrough(startLate('/worker.js'), text, config), [TEXT, CONFIG] as const);
  assert.equal(late.reason, 'stopped');
  assert.ok(late.firstSteps >= 1);
  const unreadable = await page.evaluate(() => scenario.crashThrough(startLate('/missing.js')));
  assert.equal(unreadable.crashed, true);
  assert.match(unreadable.message, /^The training worker crashed: the worker script could not be read: \/missing\.js: HTTP 404/);
});

// Data-parallel training on the web (issue 17): a run of 8 streams on a cross-origin isolated page trains in nested
// Web Workers through shared memory, as the desktop's worker thread does in worker_threads; elsewhere on one thread,
// saying why. The shards' gradients are added in shard order, so on as many threads the losses are the same bits.
const PARALLEL: TrainingConfig = { ...CONFIG, batch: 8, steps: 120 };

function assertFell(outcome: TrainingOutcome, where: string): void {
  assert.equal(outcome.finished.reason, 'completed', where);
  assert.equal(outcome.losses.filter((l) => Number.isFinite(l)).length, PARALLEL.steps, `${where}: every step's loss arrived`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(outcome.losses.slice(0, 10));
  const last = mean(outcome.losses.slice(-10));
  assert.ok(last < first * 0.75, `${where}: loss fell from ${first.toFixed(3)} to ${last.toFixed(3)}`);
}

test('A run of 8 streams trains data-parallel in Web Workers on a cross-origin isolated page, to the worker thread\'s losses', { timeout: 3 * TIMEOUT_MS }, async (t) => {
  const desktop = await trainThrough(nodeStart(), TEXT, PARALLEL, TIMEOUT_MS);
  assertFell(desktop, 'worker thread');
  // min(cores, ⌊8 / 2⌋) threads on either side; Chromium's navigator.hardwareConcurrency counts the same cores.
  const expected = Math.min(availableParallelism(), 4);
  assert.equal(desktop.threads, expected, 'the worker thread uses the machine\'s cores');
  const web = await isolatedPage.evaluate(([text, config, timeoutMs]) => scenario.trainThrough(start('worker.js'), text, config, timeoutMs), [TEXT, PARALLEL, TIMEOUT_MS] as const);
  assertFell(web, 'Web Worker, isolated');
  assert.equal(web.threads, expected, 'the Web Worker uses as many threads');
  assert.equal(web.oneThreadReason, undefined);
  assert.deepEqual(web.losses, desktop.losses);

  // The same run where the page is not isolated: one thread, and the reason the Training panel shows.
  const single = await page.evaluate(([text, config, timeoutMs]) => scenario.trainThrough(start('/worker.js'), text, config, timeoutMs), [TEXT, PARALLEL, TIMEOUT_MS] as const);
  assertFell(single, 'Web Worker, not isolated');
  assert.equal(single.threads, 1);
  assert.equal(single.oneThreadReason, expected > 1 ? 'no-shared-memory' : undefined);
  t.diagnostic(`chars/s, batch 8: worker thread on ${desktop.threads} threads ${Math.round(desktop.charsPerSecond)}, Web Worker on ${web.threads} ${Math.round(web.charsPerSecond)}, Web Worker on 1 ${Math.round(single.charsPerSecond)}`);
});
