// The Training panel names its loss by the run's data kind (issue 6): nats per word for a word model, a mean squared
// error (no bits, no perplexity, no bits curve) for a series or sequence-to-one model, and the model line counts
// words or rows instead of characters. Headless Chromium under the real page and CSP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunInfo } from '../../src/shared/run';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

function run(config: TrainingConfig, modelLabel: string): RunInfo {
  return { id: 'run-1', fileLabel: 'data', modelLabel, config, status: 'training', vocabSize: 2, dataLength: 20_000, parameterCount: 1_300 };
}

function batch(firstStep: number, n: number) {
  const losses = Array.from({ length: n }, (_, i) => 0.05 + Math.exp(-(firstStep + i) / 40));
  return { firstStep, losses, gradNorms: losses.map(() => 1), clipped: losses.map(() => 0), charsPerSecond: 1000 };
}

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function show(harness: PanelHarness, info: RunInfo): Promise<Page> {
  const page = await harness.open();
  await until(page, 'postedType', 'ready');
  await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showRun', run: info, history: batch(1, 200) })})`);
  await until(page, 'textIs', '#step', '200');
  await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.blue);
  return page;
}

const orangePixels = (page: Page): Promise<number> => page.evaluate(`window.__test.pixelsOfColour("loss-chart", ${JSON.stringify(THEME_COLORS.dark.orange)})`);
let mseOrange = Number.NaN;

const lossLabel = (page: Page) => page.locator('.stat', { has: page.locator('#loss') }).locator('dt').innerText();

describe('Training panel: the loss unit follows the data kind', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('training');
  });
  after(async () => {
    await harness?.close();
  });

  it('a sequence-to-one run shows a mean squared error, without bits or perplexity', async () => {
    const page = await show(harness, run({ ...DEFAULT_CONFIG, dataKind: 'sequence-to-one', cell: 'lstm' }, 'seq-to-one LSTM · H=64'));
    assert.equal(await lossLabel(page), 'Loss (MSE per sequence)');
    assert.equal(await page.locator('#bpc').isVisible(), false);
    assert.equal(await page.locator('#perplexity').isVisible(), false);
    // Only the struck-through legend box of "bits (not for MSE)" is orange: no bits curve (a word run draws one).
    mseOrange = await orangePixels(page);
    assert.match(await page.locator('#model-label').innerText(), /2 input columns · 20(\.0)?k rows/);
    await page.close();
  });

  it('a word run shows nats and bits per word', async () => {
    const page = await show(harness, run({ ...DEFAULT_CONFIG, dataKind: 'words' }, 'word RNN · tanh · H=64'));
    assert.equal(await lossLabel(page), 'Loss (nats/word)');
    assert.equal(await page.locator('.stat', { has: page.locator('#bpc') }).locator('dt').innerText(), 'Bits per word');
    assert.equal(await page.locator('#bpc').isVisible(), true);
    await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.orange);
    const wordOrange = await orangePixels(page);
    console.log(`orange pixels: sequence-to-one ${mseOrange}, words ${wordOrange}`);
    assert.ok(wordOrange > 10 * Math.max(mseOrange, 1), `the bits curve is drawn for words only (${wordOrange} against ${mseOrange} pixels)`);
    assert.match(await page.locator('#model-label').innerText(), /2 distinct words · 20(\.0)?k words of text/);
    await page.close();
  });

  it('a character run keeps nats and bits per character', async () => {
    const page = await show(harness, run(DEFAULT_CONFIG, 'char RNN · tanh · H=64'));
    assert.equal(await lossLabel(page), 'Loss (nats/char)');
    assert.equal(await page.locator('.stat', { has: page.locator('#bpc') }).locator('dt').innerText(), 'Bits per char');
    await page.close();
  });
});
