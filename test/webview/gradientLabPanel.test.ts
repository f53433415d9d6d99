// The Vanishing/Exploding Gradient Lab's webview in headless Chromium, under the real page and CSP of
// src/base/panelHtml.ts. The test plays the host: every compute request the page posts must pass the host's own
// validator, and the answers are computed by the worker's own gradientLab on real text.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { gradientLabView, trainedLabView } from '../../src/panels/gradientLabView';
import { embeddedReberText } from '../../src/engine/examples';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { parseGradientLabPanelMessage, type GradientLabSettings, type GradientLabView, type TrainedRunChoice } from '../../src/shared/protocol/gradientLabPanel';
import { gradientLab, gradientLabTrained } from '../../src/worker/gradientLab';
import { createTrainableModel } from '../../src/worker/createTrainableModel';
import { clipReading, labReading, trainedLabReading, trainedLstmReading } from '../../webview/gradientLab/reading';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

type Compute = GradientLabSettings & { type: 'compute'; requestId: number };

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function pixels(page: Page, canvasId: string, hex: string): Promise<number> {
  return page.evaluate(`window.__test.pixelsOfColour(${JSON.stringify(canvasId)}, ${JSON.stringify(hex)})`);
}

async function posted(page: Page): Promise<{ type: string }[]> {
  return (await page.evaluate('window.__test.posted')) as { type: string }[];
}

/** Waits for the page's n-th compute request and checks it passes the host's validator unchanged. */
async function nthCompute(page: Page, n: number): Promise<Compute> {
  await page.waitForFunction(
    (count) => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.filter((m) => m.type === 'compute').length >= count,
    n,
  );
  const request = (await posted(page)).filter((m) => m.type === 'compute')[n - 1];
  assert.deepEqual(parseGradientLabPanelMessage(request), request, 'the host would reject the request');
  return request as Compute;
}

describe('Gradient Lab panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  let text: string;

  /** The view the host would send for a request: the worker's own computation on the first characters of verse.txt. */
  function answer(m: Compute): GradientLabView {
    const { type: _type, requestId: _id, ...settings } = m;
    return gradientLabView(gradientLab({ type: 'gradientLab', requestId: 'a1', text, ...settings }), 'the first characters of verse.txt');
  }

  async function send(page: Page, message: unknown): Promise<void> {
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify(message)})`);
  }

  /** Opens the page, names the data, answers its first request and waits for the drawing. */
  async function openDrawn(): Promise<{ page: Page; first: Compute; view: GradientLabView }> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'dataSource', label: 'the first characters of verse.txt' });
    const first = await nthCompute(page, 1);
    const view = answer(first);
    await send(page, { type: 'labResult', requestId: first.requestId, view });
    await until(page, 'textIs', '#reading', labReading(view));
    return { page, first, view };
  }

  before(async () => {
    text = (await readFile(path.join(REPO_ROOT, 'examples', 'verse.txt'), 'utf8')).slice(0, 1000);
    harness = await startPanelHarness('gradientLab');
  });

  after(async () => {
    await harness?.close();
  });

  it('asks for the gradients once told its data, and draws the three curves in theme colours with the reading', async () => {
    const { page, first, view } = await openDrawn();
    assert.ok(first.spectralRadius >= 0.5 && first.spectralRadius <= 1.5);
    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'lab-chart', dark.blue);
    await until(page, 'hasPixelsOfColour', 'lab-chart', dark.orange);
    await until(page, 'hasPixelsOfColour', 'lab-chart', dark.purple);
    assert.match(labReading(view), new RegExp(`^ρ = ${first.spectralRadius.toFixed(2)} \\(σ_max = \\d+\\.\\d\\d\\), T = ${first.steps}, ${first.steps - 1} steps back: the tanh RNN keeps `));
    assert.equal(first.forgetBias, 2, 'the first view opens the forget gates (bias 2)');
    await until(page, 'hasPixelsOfColour', 'lab-chart', dark.red); // the linear RNN's curve
    assert.match((await page.locator('#data-label').textContent()) ?? '', /verse\.txt/);
    assert.match((await page.locator('#lstm-reading').textContent()) ?? '', /mean forget gate f = 0\.\d\d/);
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-lab.png'), fullPage: true });
    for (const kind of ['light', 'high-contrast'] as const) {
      await page.evaluate(`window.__test.setTheme(${JSON.stringify(kind)})`);
      await until(page, 'hasPixelsOfColour', 'lab-chart', THEME_COLORS[kind].blue);
      await until(page, 'hasPixelsOfColour', 'lab-chart', THEME_COLORS[kind].purple);
      assert.ok((await pixels(page, 'lab-chart', dark.purple)) < 50, `${kind}: the dark theme's purple is still drawn`);
    }
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('moving the ρ slider with the keyboard sends a validated request; a newer answer redraws, a stale one is dropped', async () => {
    const { page, first, view } = await openDrawn();
    await page.locator('#rho').focus();
    await page.keyboard.press('ArrowRight');
    const second = await nthCompute(page, 2);
    assert.equal(second.spectralRadius, Number((first.spectralRadius + 0.05).toFixed(2)));
    assert.ok(second.requestId > first.requestId);
    assert.equal(await page.locator('#rho-value').textContent(), second.spectralRadius.toFixed(2));
    const newer = answer(second);
    await send(page, { type: 'labResult', requestId: second.requestId, view: newer });
    await until(page, 'textIs', '#reading', labReading(newer));
    assert.notEqual(labReading(newer), labReading(view));
    // The first answer arriving late must not replace the newer drawing.
    await send(page, { type: 'labResult', requestId: first.requestId, view });
    await send(page, { type: 'labFailed', requestId: second.requestId, message: 'marker: the page handled every message before this' });
    await page.locator('#status', { hasText: 'marker' }).waitFor();
    assert.equal(await page.locator('#reading').textContent(), labReading(newer));

    // T with the keyboard: End jumps to the longest sequence.
    await page.locator('#steps').focus();
    await page.keyboard.press('End');
    const third = await nthCompute(page, 3);
    assert.equal(third.steps, 200);
    assert.equal(third.spectralRadius, second.spectralRadius);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('a hidden size out of range is named and not sent; the forget bias and seed go out in the next request', async () => {
    const { page } = await openDrawn();
    await page.locator('#hidden input').fill('500');
    await page.locator('#hidden input').press('Enter');
    await page.locator('#controls-error', { hasText: 'The hidden size must be a whole number from 2 to 128.' }).waitFor();
    assert.equal((await posted(page)).filter((m) => m.type === 'compute').length, 1);
    await page.locator('#hidden input').fill('16');
    await page.locator('#seed input').fill('42');
    await page.locator('#seed input').press('Enter');
    // Leaving the hidden-size field is a change of its own: one or two requests, the last with both values.
    await page.waitForFunction(() =>
      (globalThis as unknown as { __test: { posted: { type: string; hiddenSize?: number; seed?: number }[] } }).__test.posted
        .some((m) => m.type === 'compute' && m.hiddenSize === 16 && m.seed === 42));
    const requests = (await posted(page)).filter((m) => m.type === 'compute') as Compute[];
    for (const r of requests) assert.deepEqual(parseGradientLabPanelMessage(r), r);
    assert.ok(requests.every((r) => r.hiddenSize !== 500), 'the out-of-range hidden size was sent');
    assert.equal(await page.locator('#controls-error').isVisible(), false);
    await page.locator('#forget-bias').click();
    await page.locator('#forget-bias vscode-option[value="1"]').click();
    await page.waitForFunction(() =>
      (globalThis as unknown as { __test: { posted: { type: string; forgetBias?: number }[] } }).__test.posted.some((m) => m.type === 'compute' && m.forgetBias === 1));
    const withBias = (await posted(page)).filter((m) => m.type === 'compute').at(-1) as Compute;
    assert.deepEqual(parseGradientLabPanelMessage(withBias), withBias);
    const view = answer(withBias);
    await send(page, { type: 'labResult', requestId: withBias.requestId, view });
    await page.locator('#lstm-reading', { hasText: '(forget bias 1). Going back one step multiplies ∂L/∂c by f' }).waitFor();
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('a forget bias outside 0..3 (a saved state from elsewhere) is named and not sent as 0', async () => {
    const { page } = await openDrawn();
    await page.evaluate(() => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).sessionStorage;
      const key = 'vscode-webview-state';
      const state = JSON.parse(storage.getItem(key) ?? '{}') as { settings?: { forgetBias?: number } };
      storage.setItem(key, JSON.stringify({ ...state, settings: { ...state.settings, forgetBias: 7 } }));
    });
    await page.reload();
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'dataSource', label: 'the first characters of verse.txt' });
    await page.locator('#controls-error', { hasText: 'The LSTM forget-gate bias must be a whole number from 0 to 3.' }).waitFor();
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'compute'), [], 'a request went out with a bias the user did not choose');
    // Choosing a bias clears the message and asks again.
    await page.locator('#forget-bias').click();
    await page.locator('#forget-bias vscode-option[value="2"]').click();
    const chosen = await nthCompute(page, 1);
    assert.equal(chosen.forgetBias, 2);
    assert.equal(await page.locator('#controls-error').isVisible(), false);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('clipping: at ρ = 1.5 a threshold draws the clipped curve beside the unclipped one, with the closed form\'s sentence; it survives a reload', async () => {
    const { page } = await openDrawn();
    await page.locator('#rho').focus();
    await page.keyboard.press('End');
    const exploding = await nthCompute(page, 2);
    assert.equal(exploding.spectralRadius, 1.5);
    const view = answer(exploding);
    await send(page, { type: 'labResult', requestId: exploding.requestId, view });
    await until(page, 'textIs', '#clip-reading', clipReading(view, null));
    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'clip-chart', dark.red);
    assert.ok((await pixels(page, 'clip-chart', dark.blue)) < 50, 'no clipped curve while clipping is off');
    await page.locator('#clip').click();
    await page.locator('#clip vscode-option[value="5"]').click();
    await until(page, 'textIs', '#clip-reading', clipReading(view, 5));
    assert.match(clipReading(view, 5), /^Clipping at θ = 5 \(Pascanu et al\. 2013\) on the linear RNN \(exploding\): its gradient norm \S+ is rescaled to 5/);
    await until(page, 'hasPixelsOfColour', 'clip-chart', dark.blue);
    assert.equal((await posted(page)).filter((m) => m.type === 'compute').length, 2, 'clipping is drawn from the curves shown, without asking the host');
    await page.locator('#clip-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-lab-clipping.png'), fullPage: true });
    await page.reload();
    await until(page, 'textIs', '#clip-reading', clipReading(view, 5));
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('trained weights: lists runs, pairs an LSTM of the RNN run\'s file, sends validated requests, draws the runs\' curves with their names', async () => {
    // Two short Reber runs trained here by the worker's own model code (150 steps each: a few seconds).
    const reber = embeddedReberText(300, 42);
    const checkpoint = (cell: 'rnn' | 'lstm') => {
      const m = createTrainableModel(reber, { ...DEFAULT_CONFIG, cell, hiddenSize: 16, seqLength: 50, learningRate: 0.01, steps: 150 });
      for (let i = 0; i < 150; i++) m.step();
      return m.checkpoint().model;
    };
    const rnnModel = checkpoint('rnn');
    const lstmModel = checkpoint('lstm');
    const runs: TrainedRunChoice[] = [
      { id: 'run-rnn', cell: 'rnn', label: 'char RNN · tanh · H=16 · reber-rnn.seqlab.json · step 150', fileLabel: 'embedded-reber.txt', fileKey: 'aaaa' },
      { id: 'run-lstm-other', cell: 'lstm', label: 'char LSTM · H=16 · on another file', fileLabel: 'verse.txt', fileKey: 'bbbb' },
      { id: 'run-lstm', cell: 'lstm', label: 'char LSTM · H=16 · reber-lstm.seqlab.json · step 150', fileLabel: 'embedded-reber.txt', fileKey: 'aaaa' },
    ];
    const { page, view: randomView } = await openDrawn();
    await page.locator('#mode').click();
    await page.locator('#mode vscode-option[value="trained"]').click();
    await until(page, 'postedType', 'listTrainedRuns');
    const list = (await posted(page)).find((m) => m.type === 'listTrainedRuns');
    assert.deepEqual(parseGradientLabPanelMessage(list), list);
    assert.equal(await page.locator('#rho').isVisible(), false, 'ρ is set by training in this mode');

    // No runs yet: the host's message (what to train, with the command) and no request.
    await send(page, { type: 'trainedRuns', runs: [], missing: 'No finished a tanh RNN run and an LSTM run with a checkpoint yet … "Sequence Lab: Train Experiment" …' });
    await page.locator('#trained-missing', { hasText: 'Sequence Lab: Train Experiment' }).waitFor();
    assert.equal((await posted(page)).filter((m) => m.type === 'computeTrained').length, 0);

    await send(page, { type: 'trainedRuns', runs, missing: null });
    await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.some((m) => m.type === 'computeTrained'));
    assert.equal(await page.locator('#trained-missing').isVisible(), false);
    const request = (await posted(page)).filter((m) => m.type === 'computeTrained').at(-1) as { type: 'computeTrained'; requestId: number; rnnRunId: string; lstmRunId: string; steps: number };
    assert.deepEqual(parseGradientLabPanelMessage(request), request, 'the host would reject the request');
    assert.equal(request.rnnRunId, 'run-rnn');
    assert.equal(request.lstmRunId, 'run-lstm', 'the LSTM offered is the one on the RNN run\'s file');
    assert.deepEqual(await page.locator('#lstm-run vscode-option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))), ['run-lstm']);

    const answer = gradientLabTrained({ type: 'gradientLabTrained', requestId: 'a', rnnModel, lstmModel, text: reber, steps: request.steps });
    const view = trainedLabView(answer, { rnn: { label: runs[0].label, truncation: 50 }, lstm: { label: runs[2].label, truncation: 50 } }, 'the first characters of embedded-reber.txt');
    await send(page, { type: 'trainedResult', requestId: request.requestId, view });
    await until(page, 'textIs', '#reading', trainedLabReading(view));
    await until(page, 'textIs', '#lstm-reading', trainedLstmReading(view));
    assert.match(trainedLabReading(view), /^After training \(ρ and σ_max of the trained RNN's W_hh\): ρ = \d\.\d\d \(σ_max = \d+\.\d\d\), T = 60, 59 steps back: the tanh RNN keeps /);
    assert.match(trainedLabReading(view), /Training never sent a gradient that far: the RNN run backpropagated at most 49 steps/);
    assert.match((await page.locator('#data-label').textContent()) ?? '', /reber-rnn\.seqlab\.json.*reber-lstm\.seqlab\.json/);
    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'lab-chart', dark.blue);
    await until(page, 'hasPixelsOfColour', 'lab-chart', dark.purple);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-lab-trained.png'), fullPage: true });
    // The host sends the list again at every checkpoint of a training run: the same pick asks for nothing new.
    const computes = (await posted(page)).filter((m) => m.type === 'computeTrained').length;
    await send(page, { type: 'trainedRuns', runs, missing: null });
    await send(page, { type: 'labFailed', requestId: 0, message: 'marker after the repeated list' });
    await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: unknown[] } }).__test.posted.length > 0);
    assert.equal((await posted(page)).filter((m) => m.type === 'computeTrained').length, computes, 'a repeated list asked again');

    // A random-weights answer arriving now is not drawn over the trained curves; back to random asks again.
    await send(page, { type: 'labResult', requestId: request.requestId + 1, view: randomView });
    await send(page, { type: 'labFailed', requestId: request.requestId + 5, message: 'marker' });
    assert.equal(await page.locator('#reading').textContent(), trainedLabReading(view));
    const before = (await posted(page)).filter((m) => m.type === 'compute').length;
    await page.locator('#mode').click();
    await page.locator('#mode vscode-option[value="random"]').click();
    await page.waitForFunction((n) => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.filter((m) => m.type === 'compute').length > n, before);
    assert.equal(await page.locator('#rnn-run').isVisible(), false);

    // A reload in trained mode restores the trained drawing and asks for the runs again.
    await page.locator('#mode').click();
    await page.locator('#mode vscode-option[value="trained"]').click();
    await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.filter((m) => m.type === 'listTrainedRuns').length >= 2);
    await page.reload();
    await until(page, 'textIs', '#reading', trainedLabReading(view));
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'dataSource', label: 'the first characters of verse.txt' });
    await until(page, 'postedType', 'listTrainedRuns');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('after a reload, the saved settings and drawing come back before the host answers', async () => {
    const { page } = await openDrawn();
    await page.locator('#steps').focus();
    await page.keyboard.press('Home');
    const second = await nthCompute(page, 2);
    assert.equal(second.steps, 10);
    const view = answer(second);
    await send(page, { type: 'labResult', requestId: second.requestId, view });
    await until(page, 'textIs', '#reading', labReading(view));
    await page.reload();
    await until(page, 'textIs', '#reading', labReading(view));
    assert.equal(await page.locator('#steps-value').textContent(), '10');
    await until(page, 'hasPixelsOfColour', 'lab-chart', THEME_COLORS.dark.purple);
    // The reloaded page asks again with the restored settings and a request id above the old ones.
    await send(page, { type: 'dataSource', label: 'the first characters of verse.txt' });
    const again = await nthCompute(page, 1);
    assert.equal(again.steps, 10);
    assert.ok(again.requestId > second.requestId);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
