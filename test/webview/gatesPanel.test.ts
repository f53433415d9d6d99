// The Gates panel in headless Chromium, under the real page and CSP of src/base/panelHtml.ts. The test plays the
// host: it sends a synthetic LSTM trace built through gatesView (2 layers, H = 16, 64 steps) in which the forget gate
// of units 1–8 is open and of units 9–16 closed, h is ±1 in a checkerboard, and input-gate units 3 and 6 fire on
// every 'a' and 't' (unit 10 on 'a' only). A user would see: the heatmaps in the scale's and the theme's colours, the
// saturation sentence, a click selecting a step (posted for the editor) and drawing the unit's line, a drag over "at"
// finding units 3 and 6 and the other places they fire together, keyboard steps, and everything back after a reload.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { gatesView } from '../../src/panels/gatesView';
import { parseGatesPanelMessage, type GatesView } from '../../src/shared/protocol/gatesPanel';
import { parseUnitList, saturationReading, stepsAllOn, unitsOnAcross } from '../../webview/gates/analysis';
import { fromBase64, toBase64 } from '../../webview/common/gatesView';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

const T = 64;
const H = 16;
const L = 2;
const SERIES = ['i', 'f', 'g', 'o', 'c', 'h'];
const tokens = [...'the cat sat on the mat.\nthe dog dug a log. a frog on a log. the end of it all'].slice(0, T);
const VIRIDIS_LOW = '#440154';
const VIRIDIS_HIGH = '#fde725';

function synthetic(): GatesView {
  const values = new Float32Array(L * SERIES.length * T * H);
  const set = (k: number, s: string, t: number, j: number, v: number) => (values[((k * SERIES.length + SERIES.indexOf(s)) * T + t) * H + j] = v);
  for (let k = 0; k < L; k++) {
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < H; j++) {
        const at = tokens[t] === 'a' || tokens[t] === 't';
        set(k, 'i', t, j, (j === 2 || j === 5) && at ? 0.95 : j === 9 && tokens[t] === 'a' ? 0.95 : 0.02);
        set(k, 'f', t, j, j < 8 ? 0.97 : 0.03);
        set(k, 'g', t, j, 0.1);
        set(k, 'o', t, j, 0.5);
        set(k, 'c', t, j, (j - 8) / 4);
        set(k, 'h', t, j, (t + j) % 2 === 0 ? 1 : -1);
      }
    }
  }
  const topChars = tokens.flatMap(() => ['e', 'a', ' ', 't', 'o']);
  const topProbabilities = Float32Array.from(tokens.flatMap(() => [0.4, 0.2, 0.1, 0.05, 0.01]));
  return gatesView(
    { step: 300, start: 40, length: T, cell: 'lstm', layers: L, hiddenSize: H, series: SERIES, values, tokens, topChars, topProbabilities },
    'char LSTM · 2 layers · H=16 on verse.txt',
    undefined,
  );
}

const view = synthetic();
/** As the host's postMessage delivers it to the page (typed arrays as plain arrays through the test's JSON). */
const wire = (v: GatesView) => ({ ...v, values: Array.from(v.values), topProbabilities: Array.from(v.topProbabilities) });

it('pattern selection, unit lists and the saved values work on the numbers', () => {
  const iGate = 0;
  const cat = tokens.indexOf('c') + 1; // "at" of "cat"
  assert.deepEqual(unitsOnAcross(view, 0, iGate, cat, cat + 1, 0.5), [2, 5]);
  assert.deepEqual(unitsOnAcross(view, 0, iGate, cat, cat, 0.5), [2, 5, 9]);
  const together = stepsAllOn(view, 0, iGate, [2, 5], 0.5);
  assert.deepEqual(together, tokens.flatMap((c, t) => (c === 'a' || c === 't' ? [t] : [])));
  assert.deepEqual(parseUnitList('3, 7 12-14', H, 8), [2, 6, 11, 12, 13]);
  assert.match(String(parseUnitList('0', H, 8)), /numbered 1 to 16/);
  assert.match(String(parseUnitList('3;x', H, 8)), /“x” is not a unit number/);
  assert.match(String(parseUnitList('1-9', H, 8)), /at most 8/);
  assert.deepEqual(fromBase64(toBase64(view.values)), view.values);
  assert.match(saturationReading(view, 0), /^The forget gate in layer 1 is open \(> 0\.9\) 50% and closed \(< 0\.1\) 50% of the time/);
});

describe('Gates panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;

  before(async () => {
    harness = await startPanelHarness('gates');
  });

  after(async () => {
    await harness?.close();
  });

  async function openWith(v: GatesView): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showActivations', view: wire(v) })})`);
    await until(page, 'textIs', '#reading', saturationReading(v, 0));
    return page;
  }

  const posted = (page: Page) => page.evaluate(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted);

  /** The centre of cell (t, j) in page coordinates (geometry of webview/gates/heatmap.ts). */
  async function cellPoint(page: Page, t: number, j: number): Promise<{ x: number; y: number }> {
    const box = (await page.locator('#heatmap').boundingBox())!;
    const cellW = (box.width - 34 - 4) / T;
    return { x: box.x + 34 + (t + 0.5) * cellW, y: box.y + 10 + (j + 0.5) * 12 };
  }

  async function pickSeries(page: Page, label: string): Promise<void> {
    await page.locator('#series').click();
    await page.locator('#series vscode-option', { hasText: label }).first().click();
  }

  it('draws the forget gate in viridis, h in the theme\'s diverging colours in all three themes, with a legend', async () => {
    const page = await openWith(view);
    assert.match((await page.locator('#labels').textContent()) ?? '', /step 300 · characters 40–103/);
    assert.equal(await page.locator('#map-title').textContent(), 'Layer 1: forget gate f — 64 steps × 16 units');
    await until(page, 'hasPixelsOfColour', 'heatmap', VIRIDIS_HIGH);
    await until(page, 'hasPixelsOfColour', 'heatmap', VIRIDIS_LOW);
    await until(page, 'hasPixelsOfColour', 'legend', VIRIDIS_HIGH);
    const cells = await page.locator('#saturation td').allTextContents();
    assert.deepEqual(cells.slice(3, 6), ['forget gate f', '50%', '50%']);
    await pickSeries(page, 'Layer 1 · hidden state h');
    await page.locator('#map-title', { hasText: 'hidden state h' }).waitFor();
    for (const kind of ['dark', 'light', 'high-contrast'] as const) {
      await page.evaluate(`window.__test.setTheme(${JSON.stringify(kind)})`);
      await until(page, 'hasPixelsOfColour', 'heatmap', THEME_COLORS[kind].red);
      await until(page, 'hasPixelsOfColour', 'heatmap', THEME_COLORS[kind].blue);
      await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', `webview-gates-${kind}.png`), fullPage: true });
    }
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('a click selects the step for the editor and draws the unit\'s line; keys move the step; the host\'s select moves it', async () => {
    const page = await openWith(view);
    const p = await cellPoint(page, 10, 3);
    await page.mouse.click(p.x, p.y);
    await page.locator('#step-info', { hasText: `Step 11 (character 50) “${tokens[10] === ' ' ? '␣' : tokens[10]}” → next: e 0.40, a 0.20, ␣ 0.10` }).waitFor();
    // The toolkit field shows the picked unit in its inner input on its next frame.
    await until(page, 'inputValueIs', '#units', '4');
    assert.equal(await page.locator('#units input').inputValue(), '4');
    await until(page, 'hasPixelsOfColour', 'units-chart', THEME_COLORS.dark.blue);
    await page.keyboard.press('ArrowRight');
    await page.locator('#step-info', { hasText: 'Step 12' }).waitFor();
    const reveals = (await posted(page)).filter((m) => m.type === 'revealStep');
    assert.deepEqual(reveals, [{ type: 'revealStep', t: 10 }, { type: 'revealStep', t: 11 }]);
    for (const m of await posted(page)) assert.deepEqual(parseGatesPanelMessage(m), m, 'every posted message passes the host\'s validator');

    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'select', t: 20 })})`);
    await page.locator('#step-info', { hasText: 'Step 21' }).waitFor();
    assert.equal((await posted(page)).filter((m) => m.type === 'revealStep').length, 2, 'a selection from the editor is not sent back');

    await page.locator('#units input').fill('1, 16');
    await page.locator('#units input').press('Enter');
    await page.locator('#units input').blur();
    await until(page, 'hasPixelsOfColour', 'units-chart', THEME_COLORS.dark.orange);
    await page.locator('#units input').fill('0');
    await page.locator('#units input').blur();
    await page.locator('#units-error', { hasText: 'Units are numbered 1 to 16.' }).waitFor();
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('dragging over "at" lists units 3 and 6 and marks the other places they are on together; a reload restores it all', async () => {
    const page = await openWith(view);
    await pickSeries(page, 'Layer 1 · input gate i');
    await page.locator('#map-title', { hasText: 'input gate i' }).waitFor();
    const cat = tokens.indexOf('c') + 1;
    const a = await cellPoint(page, cat, 0);
    const b = await cellPoint(page, cat + 1, 0);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    const others = tokens.filter((c, t) => (c === 'a' || c === 't') && t !== cat && t !== cat + 1).length;
    const expected = `2 units are above 0.5 across steps ${cat + 1}–${cat + 2} “at”: 3, 6. They are on together at ${others} other steps`;
    await page.locator('#pattern', { hasText: expected }).waitFor();
    await until(page, 'hasPixelsOfColour', 'heatmap', THEME_COLORS.dark.orange); // the marks above the heatmap
    await page.locator('#pick-pattern').click();
    await page.waitForFunction(() =>
      ((globalThis as unknown as { document: { querySelector(s: string): { value?: string } | null } }).document.querySelector('#units'))?.value === '3, 6');

    await page.reload();
    await page.locator('#pattern', { hasText: expected }).waitFor();
    assert.equal(await page.locator('#map-title').textContent(), 'Layer 1: input gate i — 64 steps × 16 units');
    await until(page, 'hasPixelsOfColour', 'units-chart', THEME_COLORS.dark.blue);
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'detached', message: 'The run is gone after the reload.' })})`);
    await page.locator('#message', { hasText: 'The run is gone' }).waitFor();
    await page.reload();
    await page.locator('#message', { hasText: 'The run is gone' }).waitFor();
    await page.locator('#pattern', { hasText: expected }).waitFor();
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
