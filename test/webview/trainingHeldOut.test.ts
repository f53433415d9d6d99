// The Training panel as practitioners expect it (issue 13): the held-out loss drawn beside the training loss, a
// tagger's held-out accuracy, how much of the file the run has read, each kind's own units, sampling only for token
// language models, and smoothing of the curves. Headless Chromium under the real page and CSP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunInfo } from '../../src/shared/run';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

function run(config: TrainingConfig, modelLabel: string, heldOut?: RunInfo['heldOut']): RunInfo {
  return { id: 'run-1', fileLabel: 'data', modelLabel, config, status: 'training', vocabSize: 20, dataLength: 20_000, parameterCount: 1_300, ...(heldOut ? { heldOut } : {}) };
}

function batch(firstStep: number, n: number) {
  const losses = Array.from({ length: n }, (_, i) => 0.05 + Math.exp(-(firstStep + i) / 40) + 0.3 * Math.sin(i * 1.7));
  return { firstStep, losses, gradNorms: losses.map(() => 1), clipped: losses.map(() => 0), charsPerSecond: 1000 };
}

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

const purple = THEME_COLORS.dark.purple;
const purplePixels = (page: Page): Promise<number> => page.evaluate(`window.__test.pixelsOfColour("loss-chart", ${JSON.stringify(purple)})`);

describe('Training panel: held-out loss and each kind’s words', { timeout: 180_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('training');
  });
  after(async () => {
    await harness?.close();
  });

  it('a tagger: held-out curve and accuracy, tokens per second, epochs read, no temperature or Sample', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const info = run({ ...DEFAULT_CONFIG, dataKind: 'tagged', cell: 'gru', bidirectional: true, batch: 4 }, 'tagged BiGRU · H=64', {
      description: '4 of the 40 sequences (10%), drawn with seed 42', trainCount: 216, heldOutCount: 24, stepsPerEpoch: 9,
    });
    const heldOut = { steps: [0, 50, 100, 150], losses: [2.2, 1.1, 0.6, 0.5], accuracies: [0.3, 0.7, 0.85, 0.9] };
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showRun', run: info, history: batch(1, 180), heldOut })})`);
    await until(page, 'textIs', '#step', '180');
    await until(page, 'hasPixelsOfColour', 'loss-chart', purple);
    const before = await purplePixels(page);
    assert.ok(before > 30, `the held-out curve is drawn (${before} purple pixels)`);
    assert.equal(await page.locator('#held-out-label').innerText(), 'Held-out loss (nats/tag)');
    assert.equal(await page.locator('#held-out-loss').innerText(), '0.500');
    assert.equal(await page.locator('#held-out-step').innerText(), 'at step 150');
    assert.equal(await page.locator('#held-out-accuracy').innerText(), '90.0%');
    assert.equal(await page.locator('#throughput-label').innerText(), 'Tokens / second');
    assert.equal(await page.locator('#loss-title').innerText(), 'Loss per tag');
    assert.equal(await page.locator('#read').innerText(), '20.0 epochs', '180 steps of 9 per pass');
    assert.match(await page.locator('#held-out-note').innerText(), /Held out of training: 4 of the 40 sequences \(10%\), drawn with seed 42 \(24 of 240\)/);
    for (const id of ['#temperature', '#resample', '#greedy']) assert.equal(await page.locator(id).isVisible(), false, `${id} hidden for a tagger`);
    assert.equal(await page.locator('#sample-heading').innerText(), 'Held-out predictions');

    // A new score arrives: the stats follow.
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'heldOut', step: 180, loss: 0.42, accuracy: 0.95, count: 24 })})`);
    await until(page, 'textIs', '#held-out-accuracy', '95.0%');
    assert.equal(await page.locator('#held-out-loss').innerText(), '0.420');
    await page.close();
  });

  it('a character run: sampling offered, the share of the file read, and smoothing redraws the curve', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const info = run(DEFAULT_CONFIG, 'char RNN · tanh · H=64', { description: 'the last 10% of the characters', trainCount: 17_999, heldOutCount: 2_000, stepsPerEpoch: 562 });
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showRun', run: info, history: batch(1, 200), heldOut: { steps: [0, 200], losses: [3, 1.2], accuracies: [0.1, 0.5] } })})`);
    await until(page, 'textIs', '#step', '200');
    assert.equal(await page.locator('#throughput-label').innerText(), 'Chars / second');
    assert.equal(await page.locator('#temperature').isVisible(), true);
    assert.equal(await page.locator('#held-out-accuracy-stat').isVisible(), false, 'accuracy is the taggers’ number');
    assert.equal(await page.locator('#read').innerText(), '0.36 epochs');
    assert.equal(await page.locator('#read-share').innerText(), '36% of the training part');
    await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.blue);
    const blue = (p: Page): Promise<number> => p.evaluate(`window.__test.pixelsOfColour("loss-chart", ${JSON.stringify(THEME_COLORS.dark.blue)})`);
    const smoothed = await blue(page);
    await page.locator('#smoothing').fill('0');
    await until(page, 'textIs', '#smoothing-value', '0.00');
    await page.waitForFunction(`window.__test.pixelsOfColour("loss-chart", ${JSON.stringify(THEME_COLORS.dark.blue)}) > ${smoothed * 1.2}`);
    const raw = await blue(page);
    assert.ok(raw > smoothed * 1.2, `the raw, noisy curve covers more pixels than the smoothed one (${raw} against ${smoothed})`);
    await page.close();
  });

  it('a run resumed from a checkpoint saved before held-out data: no held-out curve, and the sentence says why', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    // The worker's HeldOutInfo for such a run (src/worker/checkpointFiles.ts heldOutAfterRestore).
    const why = 'the checkpoint this run resumed from was saved before runs held data out, so the model trained on the whole file, the last 10% of the characters included (a loss on them would not be a held-out loss)';
    const info = run(DEFAULT_CONFIG, 'char RNN · tanh · H=64', { description: why, trainCount: 17_999, heldOutCount: 0, stepsPerEpoch: 562 });
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showRun', run: info, history: batch(1, 200) })})`);
    await until(page, 'textIs', '#step', '200');
    await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.blue);
    assert.equal(await page.locator('#held-out-note').innerText(), `No held-out loss: ${why}.`);
    // No curve: as much purple as a run that has no held-out series at all (the legend's swatch only).
    const legendOnly = await harness.open();
    await until(legendOnly, 'postedType', 'ready');
    await legendOnly.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showRun', run: run(DEFAULT_CONFIG, 'char RNN · tanh · H=64'), history: batch(1, 200) })})`);
    await until(legendOnly, 'textIs', '#step', '200');
    await until(legendOnly, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.blue);
    assert.equal(await purplePixels(page), await purplePixels(legendOnly), 'no held-out curve is drawn');
    await legendOnly.close();
    await page.close();
  });
});
