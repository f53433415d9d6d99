// The Gradient Flow panel in step with the editor (issue 13), in headless Chromium under the real page and CSP: the
// host's `select` (the editor's cursor moved to step t of the window) marks that step and reads out its ‖∂L/∂hₜ‖; a
// click on the chart, or ←/→ on it, posts `revealStep` for the host to select that step's text in the editor; the
// selected step survives a reload. The host's validator accepts exactly those messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { gradientFlowView } from '../../src/panels/gradientFlowView';
import { parseGradientPanelMessage } from '../../src/shared/webviewProtocol';
import { gradientReading } from '../../webview/gradientFlow/reading';
import { startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

const T = 64;
const tokens = [...'the cat sat on the mat.\nthe dog dug a log. a frog on a log. the end'].slice(0, T);
const gradNormH = Float32Array.from({ length: T }, (_, t) => 0.1 * 0.8 ** (T - 1 - t));
const view = gradientFlowView(
  { step: 50, start: 100, length: T, layers: 1, gradNormH, jacobianNorm: Float32Array.from({ length: T - 1 }, (_, i) => 0.8 ** (i + 1)), spectralRadius: [0.8], largestSingularValue: [0.9], tokens },
  'char RNN · tanh · H=16 on verse.txt',
);

it('the host accepts revealStep with a step of the window, nothing else', () => {
  assert.deepEqual(parseGradientPanelMessage({ type: 'revealStep', t: 3 }), { type: 'revealStep', t: 3 });
  for (const bad of [{ type: 'revealStep' }, { type: 'revealStep', t: -1 }, { type: 'revealStep', t: 1.5 }, { type: 'revealStep', t: 256 }, { type: 'revealStep', t: '3' }, { type: 'revealStep', t: 3, file: 'x' }]) {
    assert.equal(parseGradientPanelMessage(bad), undefined, JSON.stringify(bad));
  }
});

describe('Gradient Flow follows the editor and selects a step\'s text', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('gradientFlow');
  });
  after(async () => {
    await harness?.close();
  });
  const posted = (page: Page) => page.evaluate(() => (globalThis as unknown as { __test: { posted: Record<string, unknown>[] } }).__test.posted);

  it('marks the cursor\'s step, posts the clicked and arrowed steps, and keeps the step over a reload', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view })})`);
    await until(page, 'textIs', '#reading', gradientReading(view));
    await until(page, 'textIs', '#step-info', 'No step selected.');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'select', t: 4 })})`);
    await until(page, 'textIs', '#step-info', `Step 5 “c”: ‖∂L/∂hₜ‖ layer 1 ${gradNormH[4].toExponential(2)}`);
    assert.equal((await posted(page)).filter((m) => m.type === 'revealStep').length, 0, 'a step from the editor is not sent back');

    // A click at the chart's x of step 40 (the x scale's pixel for 40, read from the chart area's ends).
    const chart = page.locator('#grad-chart');
    const box = (await chart.boundingBox())!;
    // Scan across the chart until the step clicked is 40 (Chart.js lays out the axes; the page names the step).
    let clicked = -1;
    for (let x = box.width * 0.5; x < box.width - 2 && clicked !== 40; x += 2) {
      await chart.click({ position: { x, y: box.height / 2 } });
      const last = (await posted(page)).filter((m) => m.type === 'revealStep').at(-1);
      clicked = Number(last?.t ?? -1);
      if (clicked > 40) break;
    }
    assert.equal(clicked, 40, 'a click on the chart selects the step under it');
    await until(page, 'textIs', '#step-info', `Step 41 “${tokens[40]}”: ‖∂L/∂hₜ‖ layer 1 ${gradNormH[40].toExponential(2)}`);
    await chart.press('ArrowRight');
    await until(page, 'textIs', '#step-info', `Step 42 “${tokens[41]}”: ‖∂L/∂hₜ‖ layer 1 ${gradNormH[41].toExponential(2)}`);
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'revealStep').at(-1), { type: 'revealStep', t: 41 });
    for (const m of await posted(page)) assert.deepEqual(parseGradientPanelMessage(m), m, 'every posted message passes the host\'s validator');

    await page.reload();
    await until(page, 'textIs', '#step-info', `Step 42 “${tokens[41]}”: ‖∂L/∂hₜ‖ layer 1 ${gradNormH[41].toExponential(2)}`);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
