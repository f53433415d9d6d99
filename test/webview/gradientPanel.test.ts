// The Gradient Flow panel in headless Chromium, under the real page and CSP of src/panels/panelHtml.ts. The test plays
// the host: it sends synthetic traces (a vanishing and an exploding one) as the host would after gradientFlowView.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { gradientFlowView } from '../../src/panels/gradientFlowView';
import { parseGradientPanelMessage, type GradientFlowView } from '../../src/shared/webviewProtocol';
import { gradientReading } from '../../webview/gradients/reading';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

const T = 64;
const tokens = [...'the cat sat on the mat.\nthe dog dug a log. a frog on a log. the end'].slice(0, T);

/** A synthetic trace whose norms change by `factor` per step back, two layers. */
function synthetic(factor: number, rho: number): GradientFlowView {
  const layers = 2;
  const gradNormH = new Float32Array(layers * T);
  for (let k = 0; k < layers; k++) for (let t = 0; t < T; t++) gradNormH[k * T + t] = (k + 1) * 0.1 * factor ** (T - 1 - t);
  const jacobianNorm = Float32Array.from({ length: T - 1 }, (_, i) => factor ** (i + 1));
  return gradientFlowView(
    { step: 120, start: 10, length: T, layers, gradNormH, jacobianNorm, spectralRadius: [rho, rho * 0.9], largestSingularValue: [rho * 1.3, rho * 1.1], tokens },
    'char RNN · tanh · H=64 on verse.txt',
  );
}

const vanishing = synthetic(0.67, 0.55);
const exploding = synthetic(1.5, 1.4);

it('the gradient panel message parser accepts ready and refresh only, exactly', () => {
  assert.deepEqual(parseGradientPanelMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseGradientPanelMessage({ type: 'refresh' }), { type: 'refresh' });
  for (const bad of [null, undefined, 7, 'refresh', {}, { type: 3 }, { type: 'Refresh' }, { type: 'refresh', runId: 'r1' }, { type: 'showTrace' }, { type: '__proto__' }]) {
    assert.equal(parseGradientPanelMessage(bad), undefined, JSON.stringify(bad));
  }
});

it('the reading names vanishing, exploding and stable gradients from the data', () => {
  assert.match(gradientReading(vanishing), /^Vanishing: the gradient reaching 40 steps back is 2e-7 of the one at the last step \(spectral radius of W_hh 0\.55\)\..*LSTM.*orthogonal/);
  assert.match(gradientReading(exploding), /^Exploding: the gradient reaching 40 steps back is 7e6 times the one at the last step .*clipping/);
  assert.match(gradientReading(synthetic(1.0, 1.0)), /^Stable: the gradient reaching 40 steps back is 1\.0 of the one/);
});

describe('Gradient Flow panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;

  before(async () => {
    harness = await startPanelHarness('gradients');
  });

  after(async () => {
    await harness?.close();
  });

  async function openWith(view: GradientFlowView): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view })})`);
    await until(page, 'textIs', '#reading', gradientReading(view));
    return page;
  }

  it('draws both charts in theme colours, the spectra and the reading; Refresh posts a request', async () => {
    const page = await openWith(vanishing);
    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'grad-chart', dark.blue);
    await until(page, 'hasPixelsOfColour', 'grad-chart', dark.orange);
    await until(page, 'hasPixelsOfColour', 'jacobian-chart', dark.blue);
    const cells = await page.locator('#spectra td').allTextContents();
    assert.deepEqual(cells, ['1', '0.550', '0.715', '2', '0.495', '0.605']);
    assert.match((await page.locator('#labels').textContent()) ?? '', /step 120 · characters 10–73/);
    await page.locator('#refresh').click();
    await page.waitForFunction(() =>
      (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.some((m) => m.type === 'refresh'));
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-gradients.png'), fullPage: true });

    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view: exploding })})`);
    await until(page, 'textIs', '#reading', gradientReading(exploding));
    await page.evaluate('window.__test.setTheme("light")');
    await until(page, 'hasPixelsOfColour', 'grad-chart', THEME_COLORS.light.orange);
    await until(page, 'hasPixelsOfColour', 'jacobian-chart', THEME_COLORS.light.blue);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-gradients-light.png'), fullPage: true });
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('after a reload, redraws the saved trace and keeps the detached message', async () => {
    const page = await openWith(exploding);
    await page.reload();
    await until(page, 'textIs', '#reading', gradientReading(exploding));
    await until(page, 'hasPixelsOfColour', 'grad-chart', THEME_COLORS.dark.blue);
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'detached', message: 'The run is gone after the reload.' })})`);
    await page.locator('#message', { hasText: 'The run is gone' }).waitFor();
    await page.reload();
    await page.locator('#message', { hasText: 'The run is gone' }).waitFor();
    await until(page, 'textIs', '#reading', gradientReading(exploding));
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
