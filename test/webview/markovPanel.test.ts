// The Markov Orders panel in headless Chromium, under the real page and CSP of src/base/panelHtml.ts. The test plays
// the host: it runs the worker's own markovOrders on examples/verse.txt and sends the view the host would send.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { markovOrdersView } from '../../src/markov/ordersView';
import type { MarkovOrdersView } from '../../src/shared/protocol/markovPanel';
import { markovOrders } from '../../src/worker/analysis';
import { markovSample } from '../../src/worker/analysisFit';
import { bestOrder, contextsReading, perplexityReading } from '../../webview/markovOrders/reading';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

const HOSTILE = '<img src=x onerror="window.__pwned=1">&amp; <b>bold</b>\n  two spaces';

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function pixels(page: Page, canvasId: string, hex: string): Promise<number> {
  return page.evaluate(`window.__test.pixelsOfColour(${JSON.stringify(canvasId)}, ${JSON.stringify(hex)})`);
}

describe('Markov Orders panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  let view: MarkovOrdersView;
  let verse: string;

  before(async () => {
    const text = await readFile(path.join(REPO_ROOT, 'examples', 'verse.txt'), 'utf8');
    verse = text;
    view = markovOrdersView(await markovOrders(text, 'char', 1, 120), 'verse.txt');
    view.samples[2] = HOSTILE;
    harness = await startPanelHarness('markovOrders');
  });

  after(async () => {
    await harness?.close();
  });

  async function openWithView(): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showOrders', view })})`);
    await until(page, 'textIs', '#perplexity-reading', perplexityReading(view));
    return page;
  }

  it('says what to do before a comparison arrives', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    assert.match((await page.locator('#empty').textContent()) ?? '', /Compare Markov Orders on Active File/);
    assert.equal(await page.locator('#content').isVisible(), false);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('draws both charts in theme colours, with the plain readings and the samples as text', async () => {
    const page = await openWithView();
    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'perplexity-chart', dark.blue);
    await until(page, 'hasPixelsOfColour', 'perplexity-chart', dark.orange);
    await until(page, 'hasPixelsOfColour', 'perplexity-chart', dark.red);
    await until(page, 'hasPixelsOfColour', 'contexts-chart', dark.blue);
    await until(page, 'hasPixelsOfColour', 'contexts-chart', dark.purple);
    const best = bestOrder(view);
    assert.ok(best > 0 && best < 8);
    const reading = (await page.locator('#perplexity-reading').textContent()) ?? '';
    assert.match(reading, new RegExp(`^Held-out perplexity is lowest at k=${best} \\(1\\.\\d\\d\\); above that the model memorises the training text: train perplexity keeps falling to 1\\.\\d\\d while held-out rises to 1\\.\\d\\d at k=8\\.$`));
    assert.equal(await page.locator('#contexts-reading').textContent(), contextsReading(view));
    assert.match(contextsReading(view), /^At k=8 only [\d.]+( × 10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?% of the 37⁸ ≈ 3\.5 × 10¹² possible contexts ever occur \(4,459 seen in 19,\d{3} training characters\)\.$/);
    // Samples: one per order, text exactly as sent, never parsed as HTML.
    const texts = await page.locator('pre.sample').allTextContents();
    assert.deepEqual(texts, view.samples);
    assert.equal(await page.locator('pre.sample img, pre.sample b').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.locator('#samples li.best button.order').getAttribute('data-order'), String(best));
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-markov.png'), fullPage: true });
    // Theme change: the charts are redrawn in the new theme's colours.
    await page.evaluate('window.__test.setTheme("light")');
    await until(page, 'hasPixelsOfColour', 'perplexity-chart', THEME_COLORS.light.orange);
    assert.ok((await pixels(page, 'perplexity-chart', dark.orange)) < 50);
    await until(page, 'hasPixelsOfColour', 'contexts-chart', THEME_COLORS.light.purple);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-markov-light.png'), fullPage: false });
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('clicking an order (a sample button or a chart point) posts it', async () => {
    const page = await openWithView();
    await page.locator('button.order[data-order="5"]').click();
    const box = (await page.locator('#perplexity-chart').boundingBox())!;
    // The chart's x axis spans k = 0..8 across the plot area (inset by the y axis on the left): a click in the
    // middle of the canvas names an order near 4.
    await page.locator('#perplexity-chart').click({ position: { x: box.width / 2, y: box.height / 2 } });
    // Chart.js handles canvas events on the next animation frame.
    await page.waitForFunction(() =>
      (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.filter((m) => m.type === 'showSurprisal').length >= 2);
    const posted = (await page.evaluate('window.__test.posted')) as { type: string; order?: number }[];
    const orders = posted.filter((m) => m.type === 'showSurprisal').map((m) => m.order);
    assert.equal(orders.length, 2);
    assert.equal(orders[0], 5);
    assert.ok(orders[1] !== undefined && orders[1] >= 3 && orders[1] <= 5, `clicked order ${orders[1]}`);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('the Sample control posts order, smoothing, seed and length, refuses a bad seed, and shows the text it gets back', async () => {
    const page = await openWithView();
    // The order defaults to the best held-out k.
    assert.equal(await page.locator('#sample-order').inputValue(), String(bestOrder(view)));
    await page.locator('#sample-order').selectOption('3');
    await page.locator('#sample-smoothing').selectOption('add-alpha');
    await page.locator('#sample-length').fill('80');
    await page.locator('#sample-seed').fill('-1');
    await page.locator('#sample-button').click();
    await page.locator('#sample-status', { hasText: 'The seed must be a whole number' }).waitFor();
    await page.locator('#sample-seed').fill('42');
    await page.locator('#sample-button').click();
    // One request at a time: the button waits for the host's answer.
    assert.equal(await page.locator('#sample-button').isDisabled(), true);
    const requests = ((await page.evaluate('window.__test.posted')) as { type: string }[]).filter((m) => m.type === 'sample');
    assert.deepEqual(requests, [{ type: 'sample', order: 3, smoothing: 'add-alpha', seed: 42, length: 80 }]);
    // The host's answer: a real sample from the worker's sampler, shown as text (never HTML), saved with the state.
    const text = markovSample(verse, 'char', 3, 'add-alpha', 42, 80) + HOSTILE;
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'sampleResult', order: 3, smoothing: 'add-alpha', seed: 42, text })})`);
    await until(page, 'textIs', '#sample-output', text.trim());
    assert.equal(await page.locator('#sample-output img').count(), 0);
    assert.match((await page.locator('#sample-status').textContent()) ?? '', /^Order k = 3, add-one smoothing, seed 42/);
    await until(page, 'savedSampleIs', text);
    await page.reload();
    await until(page, 'textIs', '#sample-output', text.trim());
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'sampleFailed', message: 'After the window reload the panel no longer knows its file.' })})`);
    await page.locator('#sample-status', { hasText: 'no longer knows its file' }).waitFor();
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('after a reload, redraws the saved comparison before the host answers, and keeps the detached message', async () => {
    const page = await openWithView();
    await page.reload();
    await until(page, 'textIs', '#perplexity-reading', perplexityReading(view));
    await until(page, 'hasPixelsOfColour', 'perplexity-chart', THEME_COLORS.dark.orange);
    assert.deepEqual(await page.locator('pre.sample').allTextContents(), view.samples);
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'detached', message: 'Linked no more after the reload.' })})`);
    await page.locator('#message', { hasText: 'Linked no more' }).waitFor();
    await page.reload();
    await page.locator('#message', { hasText: 'Linked no more' }).waitFor();
    await until(page, 'textIs', '#contexts-reading', contextsReading(view));
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
