// The Training panel in headless Chromium, under the real page and CSP of src/base/panelHtml.ts: what a user
// sees and what the host receives. Run: node --import tsx --test test/webview/*.test.ts
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunInfo } from '../../src/shared/run';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

const RUN: RunInfo = {
  id: 'run-1',
  fileLabel: 'tiny-shakespeare.txt',
  modelLabel: 'char RNN · tanh · H=64',
  config: DEFAULT_CONFIG,
  status: 'training',
  vocabSize: 65,
  dataLength: 1_115_394,
  parameterCount: 12_673,
};

/** Steps first…first+n-1 of a plausible run: loss falling from ln(65) ≈ 4.17 towards 1.5, early clipping. */
function batch(firstStep: number, n: number) {
  const losses: number[] = [];
  const gradNorms: number[] = [];
  const clipped: number[] = [];
  for (let s = firstStep; s < firstStep + n; s++) {
    losses.push(1.5 + 2.67 * Math.exp(-s / 60) + 0.08 * Math.sin(s * 1.7));
    const norm = 2 + 6 * Math.exp(-s / 70) + 0.6 * Math.sin(s * 0.9);
    gradNorms.push(norm);
    clipped.push(norm > DEFAULT_CONFIG.clip ? 1 : 0);
  }
  return { firstStep, losses, gradNorms, clipped, charsPerSecond: 41_500 };
}

const SAMPLE = 'ROMEO:\nWhat say you, my lord? <script>window.__pwned = 1</script><b>not bold</b> & "so" on.';

async function send(page: Page, message: object): Promise<void> {
  await page.evaluate(`window.__test.sendFromHost(${JSON.stringify(message)})`);
}

async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate('window.__test.posted');
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent())?.trim() ?? '';
}

/** Waits until a page-side predicate of pageStub.ts holds (a function, so the page's CSP does not block it). */
async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => {
      const test = (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test;
      return test[name](...rest);
    },
    [predicate, args] as const,
  );
}

async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  await until(page, 'textIs', selector, expected);
}

/** Opens the panel and sends a run with 300 steps (one history + two progress batches) and a sample. */
async function openTrainingRun(harness: PanelHarness): Promise<Page> {
  const page = await harness.open();
  await until(page, 'postedType', 'ready');
  await send(page, { type: 'showRun', run: RUN, history: batch(1, 100) });
  await send(page, { type: 'progress', ...batch(101, 100) });
  await send(page, { type: 'progress', ...batch(201, 100) });
  await send(page, { type: 'sample', step: 300, temperature: 0.8, text: SAMPLE });
  await waitForText(page, '#step', '300');
  return page;
}

function pixelsOfColour(page: Page, canvasId: string, hex: string): Promise<number> {
  return page.evaluate(`window.__test.pixelsOfColour(${JSON.stringify(canvasId)}, ${JSON.stringify(hex)})`);
}

async function waitForPixels(page: Page, canvasId: string, hex: string): Promise<void> {
  await until(page, 'hasPixelsOfColour', canvasId, hex);
}

/** Saves a screenshot in test-results/ (git-ignored) for a person to look at. */
async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', name), fullPage: true });
}

describe('Training panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;

  before(async () => {
    harness = await startPanelHarness('training');
  });

  after(async () => {
    await harness?.close();
  });

  it('posts ready on load and explains how to start a run', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    assert.match(await text(page, '#empty'), /Run 'Sequence Lab: Train Character Model on Active File' on a text file/);
    assert.equal(await page.locator('#run-view').isVisible(), false);
    await screenshot(page, 'webview-training-empty.png');
    await page.close();
  });

  it('shows the step, a falling loss and draws the loss curve', async () => {
    const page = await openTrainingRun(harness);
    assert.equal(await text(page, '#status'), 'training');
    assert.equal(await text(page, '#file-label'), 'tiny-shakespeare.txt');
    const loss = Number(await text(page, '#loss'));
    const first = Number(await text(page, '#first-loss'));
    assert.ok(Number.isFinite(loss) && Number.isFinite(first), `loss ${loss}, first ${first}`);
    assert.ok(loss < first, `loss ${loss} should be below the first loss ${first}`);
    assert.ok(Math.abs(Number(await text(page, '#bpc')) - loss / Math.LN2) < 0.002);
    assert.ok(Math.abs(Number(await text(page, '#perplexity')) - Math.exp(loss)) < 0.02);
    assert.equal(await text(page, '#chars-per-second'), '41.5k');
    await waitForPixels(page, 'loss-chart', THEME_COLORS.dark.blue);
    await waitForPixels(page, 'loss-chart', THEME_COLORS.dark.orange);
    await waitForPixels(page, 'grad-chart', THEME_COLORS.dark.purple);

    await screenshot(page, 'webview-training.png');
    await page.evaluate('window.__test.setTheme("light")');
    await waitForPixels(page, 'loss-chart', THEME_COLORS.light.blue);
    await screenshot(page, 'webview-training-light.png');
    await page.close();
  });

  it('a run whose loss blew up (a NaN/Inf pause) shows its huge numbers in exponent notation, each inside its card', async () => {
    // The e2e "boom" run: a ReLU RNN at spectral radius 1.5 has a loss of ~7.5e8 nats/char at its first step; shown
    // with three decimals ("751057408.000") the loss, first loss and bits per char ran over their neighbours.
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const history = { firstStep: 1, losses: [751_057_408], gradNorms: [3.2e10], clipped: [0], charsPerSecond: 193 };
    await send(page, { type: 'showRun', run: { ...RUN, status: 'paused' }, history });
    await waitForText(page, '#step', '1');
    assert.equal(await text(page, '#loss'), '7.51e+8');
    assert.equal(await text(page, '#first-loss'), '7.51e+8');
    assert.equal(await text(page, '#bpc'), '1.08e+9');
    assert.equal(await text(page, '#perplexity'), 'Infinity');
    const overflowing = await page.evaluate(`[...document.querySelectorAll('.stat dd')]
      .filter((dd) => dd.scrollWidth > dd.closest('.stat').clientWidth)
      .map((dd) => dd.id + ': ' + dd.textContent)`);
    assert.deepEqual(overflowing, [], 'every number fits its card');
    await screenshot(page, 'webview-training-blown-up.png');
    await page.close();
  });

  it('Stop posts stop for the run and is disabled once the run stopped', async () => {
    const page = await openTrainingRun(harness);
    const stop = page.locator('vscode-button#stop');
    assert.equal(await stop.getAttribute('disabled'), null);
    await stop.click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'stop', runId: 'run-1' });
    await send(page, { type: 'status', run: { ...RUN, status: 'stopped', message: 'Stopped at step 300.' } });
    await waitForText(page, '#status', 'stopped');
    assert.notEqual(await stop.getAttribute('disabled'), null);
    await stop.click({ force: true });
    assert.equal((await posted(page)).filter((m) => m.type === 'stop').length, 1, 'a disabled Stop posts nothing');
    await page.close();
  });

  it('every click on Stop posts stop while the host streams progress, samples and held-out scores (a training run, as in the e2e)', async () => {
    // The e2e saw a Stop click on a reopened panel leave the run training: here the page gets what a fast run sends
    // (a progress batch, a sample and a held-out score every few milliseconds) while Stop is clicked again and again;
    // the host never answers "stopped", so every click must post one stop with the run's id.
    const page = await openTrainingRun(harness);
    const stop = page.locator('vscode-button#stop');
    let step = 301;
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        await send(page, { type: 'progress', ...batch(step, 20) });
        await send(page, { type: 'sample', step: step + 19, temperature: 0.8, text: SAMPLE.slice(0, 20 + (step % 60)) });
        await send(page, { type: 'heldOut', step: step + 19, loss: 2 + 1 / step, count: 2048 });
        step += 20;
      }
    })();
    const clicks = 15;
    for (let i = 1; i <= clicks; i++) {
      await stop.click();
      await page.waitForFunction((n) => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.filter((m) => m.type === 'stop').length >= n, i);
    }
    streaming = false;
    await stream;
    const stops = (await posted(page)).filter((m) => m.type === 'stop');
    assert.equal(stops.length, clicks, 'one stop per click');
    assert.ok(stops.every((m) => m.runId === 'run-1'), JSON.stringify(stops));
    assert.ok(step > 301 + 20 * clicks, `the page was receiving progress throughout (${step})`);
    await page.close();
  });

  it('Pause, Resume and Single Step: enabled by the run status, labelled, keyboard-reachable, posting their message', async () => {
    const page = await openTrainingRun(harness);
    const pause = page.locator('vscode-button#pause');
    const resume = page.locator('vscode-button#resume');
    const stepOnce = page.locator('vscode-button#step-once');
    const stop = page.locator('vscode-button#stop');
    const disabled = async () => ({
      pause: (await pause.getAttribute('disabled')) !== null,
      resume: (await resume.getAttribute('disabled')) !== null,
      step: (await stepOnce.getAttribute('disabled')) !== null,
      stop: (await stop.getAttribute('disabled')) !== null,
    });
    assert.deepEqual(await disabled(), { pause: false, resume: true, step: true, stop: false }, 'training: Pause and Stop');
    assert.equal(await text(page, 'vscode-button#pause'), 'Pause');
    assert.equal(await text(page, 'vscode-button#resume'), 'Resume');
    assert.equal(await text(page, 'vscode-button#step-once'), 'Single Step');

    // Keyboard: focus Pause and press Enter.
    await pause.focus();
    await page.keyboard.press('Enter');
    await until(page, 'postedType', 'pause');
    assert.deepEqual((await posted(page)).at(-1), { type: 'pause', runId: 'run-1' });

    await send(page, { type: 'status', run: { ...RUN, status: 'paused', message: 'Paused at step 300.' } });
    await waitForText(page, '#status', 'paused');
    assert.deepEqual(await disabled(), { pause: true, resume: false, step: false, stop: false }, 'paused: Resume, Single Step and Stop');
    assert.match(await text(page, '#message'), /Paused at step 300\./);
    await stepOnce.click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'step', runId: 'run-1' });
    await send(page, { type: 'progress', ...batch(301, 1) });
    await waitForText(page, '#step', '301');
    await resume.focus();
    await page.keyboard.press('Space');
    await until(page, 'postedType', 'resume');
    assert.deepEqual((await posted(page)).at(-1), { type: 'resume', runId: 'run-1' });
    await pause.click({ force: true });
    assert.equal((await posted(page)).filter((m) => m.type === 'pause').length, 1, 'a disabled Pause posts nothing');
    await stop.click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'stop', runId: 'run-1' }, 'Stop works while paused');

    await send(page, { type: 'status', run: { ...RUN, status: 'stopped', message: 'Stopped at step 301.' } });
    await waitForText(page, '#status', 'stopped');
    assert.deepEqual(await disabled(), { pause: true, resume: true, step: true, stop: true });
    await page.close();
  });

  it('a run paused by a NaN shows where it went bad', async () => {
    const page = await openTrainingRun(harness);
    const message = 'Numeric fault at step 301 (head output at time step 3 of the chunk): the loss is Infinity.';
    await send(page, { type: 'status', run: { ...RUN, status: 'paused', message, fault: { message, tensor: 'head output', timeStep: 3, step: 301 } } });
    await waitForText(page, '#status', 'paused');
    assert.equal(await page.locator('#message').isVisible(), true);
    assert.match(await text(page, '#message'), /head output at time step 3/);
    assert.equal(await page.locator('vscode-button#resume').getAttribute('disabled'), null);
    await screenshot(page, 'webview-training-paused-fault.png');
    await page.close();
  });

  it('says how many threads a run of several streams trains on, and why one where it could use more', async () => {
    const page = await openTrainingRun(harness);
    const batched = { ...RUN, config: { ...RUN.config, batch: 8 } };
    await send(page, { type: 'status', run: { ...batched, threads: 2 } });
    await waitForText(page, '#model-label', 'char RNN · tanh · H=64 · 65 distinct characters · 1.12M characters of text · 12.7k parameters · 2 threads');
    // Under the throughput too, where a narrow panel does not cut it off; the whole model line on hover.
    await waitForText(page, '#threads', 'on 2 threads');
    assert.match(await page.locator('#model-label').getAttribute('title') ?? '', / · 2 threads$/);
    assert.equal(await page.locator('#threads').isVisible(), true);
    // The web outside a cross-origin isolated page: one thread, and why.
    await send(page, { type: 'status', run: { ...batched, threads: 1, oneThreadReason: 'no-shared-memory' } });
    await waitForText(page, '#model-label', 'char RNN · tanh · H=64 · 65 distinct characters · 1.12M characters of text · 12.7k parameters · 1 thread: this page has no SharedArrayBuffer (it is not cross-origin isolated)');
    await waitForText(page, '#threads', 'on 1 thread: page not cross-origin isolated');
    assert.equal(await page.locator('#threads').getAttribute('title'), '1 thread: this page has no SharedArrayBuffer (it is not cross-origin isolated)');
    await screenshot(page, 'webview-training-one-thread.png');
    // One thread with nothing more to say (one stream, or a one-core machine): no thread count at all.
    await send(page, { type: 'status', run: { ...RUN, threads: 1 } });
    await waitForText(page, '#model-label', 'char RNN · tanh · H=64 · 65 distinct characters · 1.12M characters of text · 12.7k parameters');
    await waitForText(page, '#threads', '');
    await page.close();
  });

  it('shows why a run failed', async () => {
    const page = await openTrainingRun(harness);
    await send(page, { type: 'status', run: { ...RUN, status: 'failed', message: 'The file is empty.' } });
    await waitForText(page, '#status', 'failed');
    assert.equal(await page.locator('#message').isVisible(), true);
    assert.match(await text(page, '#message'), /The file is empty\./);
    assert.notEqual(await page.locator('#stop').getAttribute('disabled'), null);
    await screenshot(page, 'webview-training-failed.png');
    await page.close();
  });

  it('Sample posts the temperature typed (button and Enter); an invalid one disables it', async () => {
    const page = await openTrainingRun(harness);
    const field = page.locator('#temperature input');
    assert.equal(await field.inputValue(), String(DEFAULT_CONFIG.temperature));
    await field.fill('1.3');
    await page.locator('vscode-button#resample').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'resample', runId: 'run-1', temperature: 1.3 });
    await field.fill('0.5');
    await field.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { type: 'resample', runId: 'run-1', temperature: 0.5 });
    await field.fill('20');
    await until(page, 'hasAttribute', '#resample', 'disabled');
    await page.close();
  });

  it('shows a sample as text, never as HTML', async () => {
    const page = await openTrainingRun(harness);
    await waitForText(page, '#sample', SAMPLE.trim());
    assert.equal(await page.locator('#sample b, #sample script').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.match(await text(page, '#sample-meta'), /step 300.*temperature 0\.8/);
    await page.close();
  });

  it('after a reload, shows the saved step, loss, curve and sample without any message', async () => {
    const page = await openTrainingRun(harness);
    const before = { step: await text(page, '#step'), loss: await text(page, '#loss') };
    await until(page, 'savedSampleIs', SAMPLE);
    await page.reload();
    await until(page, 'postedType', 'ready');
    await waitForText(page, '#step', before.step);
    assert.equal(await text(page, '#loss'), before.loss);
    assert.equal(await text(page, '#status'), 'training');
    await waitForText(page, '#sample', SAMPLE.trim());
    await waitForPixels(page, 'loss-chart', THEME_COLORS.dark.blue);
    await page.close();
  });

  it('after a reload whose run is gone, keeps the curves and shows the run as stopped with the reason', async () => {
    const page = await openTrainingRun(harness);
    await until(page, 'savedSampleIs', SAMPLE);
    await page.reload();
    await until(page, 'postedType', 'ready');
    await waitForText(page, '#step', '300');
    await send(page, { type: 'detached', message: 'This run ended when the window was reloaded.' });
    await waitForText(page, '#status', 'stopped');
    assert.match(await text(page, '#message'), /ended when the window was reloaded/);
    assert.equal(await page.locator('#stop').getAttribute('disabled'), '');
    await waitForPixels(page, 'loss-chart', THEME_COLORS.dark.blue);
    await page.close();
  });

  it('re-reads the theme: switching to the light theme recolours the lines and clip markers', async () => {
    const page = await openTrainingRun(harness);
    const { dark, light } = THEME_COLORS;
    await waitForPixels(page, 'loss-chart', dark.blue);
    await waitForPixels(page, 'grad-chart', dark.red);
    assert.equal(await pixelsOfColour(page, 'loss-chart', light.blue), 0);
    await page.evaluate('window.__test.setTheme("light")');
    await waitForPixels(page, 'loss-chart', light.blue);
    await waitForPixels(page, 'grad-chart', light.red);
    assert.equal(await pixelsOfColour(page, 'loss-chart', dark.blue), 0);
    assert.equal(await pixelsOfColour(page, 'grad-chart', dark.red), 0);
    await page.close();
  });

  it('in a high-contrast theme, uses its chart colours and draws the contrast border around every card', async () => {
    const page = await openTrainingRun(harness);
    const hc = THEME_COLORS['high-contrast'];
    await page.evaluate('window.__test.setTheme("high-contrast")');
    await waitForPixels(page, 'loss-chart', hc.blue);
    await waitForPixels(page, 'grad-chart', hc.red);
    assert.equal(await pixelsOfColour(page, 'loss-chart', THEME_COLORS.dark.blue), 0);
    const borders = await page.evaluate(`[...document.querySelectorAll('.stat, .card')]
      .filter((e) => e.offsetParent !== null).map((e) => getComputedStyle(e).borderTopColor)`);
    assert.ok((borders as string[]).length > 0, 'cards are visible');
    assert.ok((borders as string[]).every((c) => c === 'rgb(111, 195, 223)'), `card borders: ${JSON.stringify(borders)}`);
    await screenshot(page, 'webview-training-high-contrast.png');
    await page.close();
  });

  it('keeps a 100k-step history bounded: every step counted, the curve drawn, the saved state small', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'showRun', run: RUN, history: batch(1, 100_000) });
    for (let first = 100_001; first <= 110_000; first += 100) await send(page, { type: 'progress', ...batch(first, 100) });
    await waitForText(page, '#step', '110,000');
    await waitForPixels(page, 'loss-chart', THEME_COLORS.dark.blue);
    // The panel saves at most twice a second: measure the state once it holds every step.
    await until(page, 'savedStepIs', '110000');
    const saved = await page.evaluate('JSON.stringify(window.__test.savedState() ?? {}).length');
    assert.ok(Number(saved) < 200_000, `saved state is ${saved} characters`);
    await page.close();
  });

  it('raised no CSP violation and no page error in any of the above', () => {
    assert.deepEqual(harness.problems, []);
  });
});
