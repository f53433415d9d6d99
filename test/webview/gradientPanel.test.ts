// The Gradient Flow panel in headless Chromium, under the real page and CSP of src/base/panelHtml.ts. The test plays
// the host: it sends synthetic traces (a vanishing and an exploding one) as the host would after gradientFlowView.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { gradientFlowView } from '../../src/panels/gradientFlowView';
import { parseGradientPanelMessage, type GradientFlowView } from '../../src/shared/protocol/gradientFlowPanel';
import { clippingReading, gradientReading, truncationCaption } from '../../webview/gradientFlow/reading';
import { heatColour, logRange } from '../../webview/common/colours';
import type { GradientHistorySnapshot } from '../../src/shared/protocol/traces';
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

/**
 * A history of R rows × 2 layers × T steps: in layer 1, row r, step t the norm is 10^(−(T − 1 − t)·(r + 1)/400), so
 * the gradient vanishes faster as training goes on. Clipping: 100 buckets, 63 of them clipped at 1.
 */
function syntheticHistory(R: number): GradientHistorySnapshot {
  const L = 2;
  const gradNormH = new Float32Array(R * L * T);
  for (let r = 0; r < R; r++) for (let k = 0; k < L; k++) for (let t = 0; t < T; t++) gradNormH[(r * L + k) * T + t] = 10 ** (-(T - 1 - t) * (r + 1) / 400) * (k + 1);
  const B = 100;
  const clipped = (i: number) => i % 100 < 63;
  return {
    start: 0, length: T, layers: L, tokens, every: 10,
    steps: Float64Array.from({ length: R }, (_, r) => 1 + 10 * r),
    gradNormH,
    spectralRadius: Float32Array.from({ length: R * L }, (_, i) => 0.9 + 0.01 * Math.floor(i / L)),
    largestSingularValue: Float32Array.from({ length: R * L }, (_, i) => 1.2 + 0.01 * Math.floor(i / L)),
    clipSteps: Float64Array.from({ length: B }, (_, i) => 3 * (i + 1)),
    gradNormBefore: Float32Array.from({ length: B }, (_, i) => (clipped(i) ? 4 + i / 10 : 0.5)),
    gradNormAfter: Float32Array.from({ length: B }, (_, i) => (clipped(i) ? 1 : 0.5)),
    clippedShare: Float32Array.from({ length: B }, (_, i) => (clipped(i) ? 1 / 3 : 0)),
    stepsSeen: 300,
    stepsClipped: 189,
  };
}

/** The view as JSON carries it (typed arrays as plain arrays, as the page's saved state holds them). */
const wire = (v: GradientFlowView) => ({
  ...v,
  history: v.history && Object.fromEntries(Object.entries(v.history).map(([k, x]) => [k, ArrayBuffer.isView(x) ? Array.from(x as Float32Array) : x])),
});

const vanishing = synthetic(0.67, 0.55);
const exploding = synthetic(1.5, 1.4);

it('the gradient panel message parser accepts ready and refresh exactly (revealStep: gradientSteps.test.ts)', () => {
  assert.deepEqual(parseGradientPanelMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseGradientPanelMessage({ type: 'refresh' }), { type: 'refresh' });
  for (const bad of [null, undefined, 7, 'refresh', {}, { type: 3 }, { type: 'Refresh' }, { type: 'refresh', runId: 'r1' }, { type: 'showTrace' }, { type: '__proto__' }]) {
    assert.equal(parseGradientPanelMessage(bad), undefined, JSON.stringify(bad));
  }
});

it('the reading names vanishing, exploding and holding gradients from the data, with the shared rule', () => {
  assert.match(gradientReading(vanishing), /^Vanishing: \d+ characters back it is \de-\d+ of the last step's \(×0\.670 per step; below 1e-3 from 18 characters back\), by ‖∂h_T\/∂h_\{T−d\}‖ \(ρ = 0\.55, σ_max = 0\.72 of W_hh\)\..*orthogonal.*Rule: /);
  assert.match(gradientReading(exploding), /^Exploding: \d+ characters back it is \de\d+ of the last step's \(×1\.500 per step; .*clipping/);
  assert.match(gradientReading(synthetic(1.0, 1.0)), /^Holding: \d+ characters back it is 1 of the last step's/);
});

it('the clipping reading counts the clipped steps of the history', () => {
  const h = syntheticHistory(3);
  assert.match(clippingReading(h), /^Exploding: clipped 63% of steps \(of 300 steps\) — the raw gradient norm \(up to 10\.2\)/);
  assert.equal(clippingReading({ ...h, stepsClipped: 30 }), 'Clipped 10% of steps (of 300 steps; the largest norm before clipping 10.2).');
  assert.equal(clippingReading({ ...h, stepsClipped: 0 }), 'No step was clipped (of 300 steps recorded).');
  assert.equal(clippingReading({ ...h, stepsClipped: 1 }), 'Clipped under 1% of steps (of 300 steps; the largest norm before clipping 10.2).');
  assert.equal(clippingReading(undefined), '');
  assert.match(clippingReading(h, gradientReading(exploding)), /^Over training too: clipped 63% of steps/);
  assert.match(clippingReading(h, gradientReading(vanishing)), /^Exploding: clipped 63% of steps/);
});

describe('Gradient Flow panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;

  before(async () => {
    harness = await startPanelHarness('gradientFlow');
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

  it('an LSTM run: the cell path drawn in both charts, its reading without LSTM advice, and kept over a reload', async () => {
    const base = synthetic(0.6, 1.8);
    const T = base.tokens.length;
    const lstm: GradientFlowView = {
      ...base, layers: 1, gradNormH: [base.gradNormH[0]], spectralRadius: [1.8], largestSingularValue: [2.3], cell: 'lstm', truncation: 32,
      gradNormC: Array.from({ length: T }, (_, t) => 0.05 * 0.99 ** (T - 1 - t)), cellPath: Array.from({ length: T - 1 }, (_, i) => 0.99 ** (i + 1)), meanForgetGate: 0.93,
    };
    const page = await openWith(lstm);
    assert.match(gradientReading(lstm), /^Holding along the cell path\./);
    assert.doesNotMatch(gradientReading(lstm), /Try an LSTM/);
    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'grad-chart', dark.purple);
    await until(page, 'hasPixelsOfColour', 'jacobian-chart', dark.purple);
    assert.equal(await page.locator('#jacobian-chart').getAttribute('data-cell-path'), String(T - 1));
    await page.reload();
    await until(page, 'textIs', '#reading', gradientReading(lstm));
    assert.equal(await page.locator('#jacobian-chart').getAttribute('data-cell-path'), String(T - 1));
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('the Jacobian chart shades the distances beyond the run\'s truncation (never backpropagated), and says so under it', async () => {
    const base = synthetic(0.9, 1.1);
    const border = '#2b2b2b'; // --vscode-panel-border of the dark stub: the grid lines' and the shade's colour
    const shadePixels = (page: Page) => page.evaluate(`window.__test.pixelsOfColour('jacobian-chart', '${border}')`) as Promise<number>;
    // Trained with K = 64 ≥ the window's 63 distances: nothing is shaded, no caption.
    const whole = await openWith({ ...base, cell: 'rnn', truncation: 64 });
    await until(whole, 'hasPixelsOfColour', 'jacobian-chart', THEME_COLORS.dark.blue);
    assert.equal(await whole.locator('#jacobian-chart').getAttribute('data-not-backpropagated-from'), '');
    assert.equal(await whole.locator('#jacobian-truncation').isVisible(), false);
    const gridOnly = await shadePixels(whole);
    await whole.close();
    // K = 32: distances 32 … 63 shaded, the caption with the same numbers, and the reading stops at 31 steps.
    const view: GradientFlowView = { ...base, cell: 'rnn', truncation: 32 };
    const page = await openWith(view);
    await until(page, 'hasPixelsOfColour', 'jacobian-chart', THEME_COLORS.dark.blue);
    assert.equal(await page.locator('#jacobian-chart').getAttribute('data-not-backpropagated-from'), '32');
    await until(page, 'textIs', '#jacobian-truncation', truncationCaption(view));
    assert.equal(truncationCaption(view), 'Shaded: distances 32 to 63. This run trains with truncated BPTT of K = 32 steps, so its gradient reaches at most 31 steps back: the shaded distances are never backpropagated in training, and the reading stops before them.');
    assert.match(gradientReading(view), /read only as far as training backpropagates \(31 characters\)/);
    const shaded = await shadePixels(page);
    assert.ok(shaded > 5000 && shaded > 3 * gridOnly, `the shade covers half the plot: ${shaded} pixels of the border colour against ${gridOnly} for the grid alone`);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-gradients-truncation.png'), fullPage: true });
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

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

  it('after a reload, a trace whose ρ was not computed (NaN, saved as null) is still redrawn', async () => {
    const page = await openWith(exploding);
    // The trace is saved once the page is idle.
    await page.waitForFunction(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('vscode-webview-state')?.includes('"view"'));
    // What JSON makes of NaN in the saved state: null.
    await page.evaluate(() => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).sessionStorage;
      const state = JSON.parse(storage.getItem('vscode-webview-state') ?? 'null') as { view: { spectralRadius: (number | null)[] } };
      state.view.spectralRadius[0] = null;
      storage.setItem('vscode-webview-state', JSON.stringify(state));
    });
    await page.reload();
    await until(page, 'hasPixelsOfColour', 'grad-chart', THEME_COLORS.dark.blue);
    assert.notEqual(((await page.locator('#reading').textContent()) ?? '').trim(), '');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('draws the history: heatmap cells in the colour of their values, a legend, ρ/σ_max and clipping charts, the clipped share', async () => {
    const history = syntheticHistory(30);
    const view = { ...exploding, history };
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view: wire(view) })})`);
    const reading = `${gradientReading(view)} ${clippingReading(history, gradientReading(view))}`;
    await until(page, 'textIs', '#reading', reading);
    assert.match(reading, /^Exploding: .* Over training too: clipped 63% of steps \(of 300 steps\)/);

    // Layer 1's values span 10^(−63·30/400) … 10^0: the legend says so, and each cell has the colour of its value.
    const layer1 = new Float32Array(30 * T);
    for (let r = 0; r < 30; r++) layer1.set(history.gradNormH.subarray(r * 2 * T, r * 2 * T + T), r * T);
    const range = logRange(layer1)!;
    const tenTo = (l: number) => (10 ** l).toExponential(1).replace('e+', 'e');
    // The history is drawn in the frame after the reading (renderHistoryNextFrame): wait for its legend.
    const legendHiIs = (text: string) => page.locator('#legend-hi', { hasText: new RegExp(`^${text.replace(/[.+-]/g, '\\$&')}$`) }).waitFor();
    await legendHiIs(tenTo(range.hi));
    assert.equal(await page.locator('#legend-lo').textContent(), tenTo(range.lo));
    assert.equal(await page.locator('#legend-hi').textContent(), tenTo(range.hi));
    assert.ok(await page.locator('#history-legend-bar').isVisible());
    const cells: [number, number][] = [[0, 0], [0, T - 1], [29, 0], [15, 40], [29, 60]];
    const pixels = await page.evaluate((at) => {
      interface Canvas { dataset: Record<string, string>; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
      const canvas = (globalThis as unknown as { document: { getElementById(id: string): Canvas } }).document.getElementById('history-heatmap');
      const d = canvas.dataset;
      const ctx = canvas.getContext('2d');
      return at.map(([r, t]) => {
        const x = Number(d.left) + (t + 0.5) * Number(d.cellW);
        const y = Number(d.top) + (r + 0.5) * Number(d.cellH);
        return Array.from(ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data.slice(0, 3));
      });
    }, cells);
    const rgb = (text: string) => text.match(/\d+/g)!.map(Number);
    cells.forEach(([r, t], i) => {
      const expected = rgb(heatColour(layer1[r * T + t], range));
      assert.ok(expected.every((c, j) => Math.abs(c - pixels[i][j]) <= 3), `cell (${r}, ${t}): ${pixels[i]} ≠ ${expected}`);
    });
    assert.notDeepEqual(pixels[0], pixels[1], 'different values, different colours');

    // Layer 2 (twice layer 1's norms): the legend follows the layer picked.
    assert.ok(await page.locator('#history-layer').isVisible());
    await page.locator('#history-layer').selectOption('1');
    const layer2 = new Float32Array(30 * T);
    for (let r = 0; r < 30; r++) layer2.set(history.gradNormH.subarray((r * 2 + 1) * T, (r * 2 + 2) * T), r * T);
    await legendHiIs(tenTo(logRange(layer2)!.hi));
    assert.equal(await page.locator('#legend-lo').textContent(), tenTo(logRange(layer2)!.lo));
    await page.locator('#history-layer').selectOption('0');
    await legendHiIs(tenTo(range.hi));

    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'spectra-chart', dark.blue);
    await until(page, 'hasPixelsOfColour', 'spectra-chart', dark.orange);
    await until(page, 'hasPixelsOfColour', 'clip-chart', dark.orange);
    await until(page, 'hasPixelsOfColour', 'clip-chart', dark.blue);
    await until(page, 'hasPixelsOfColour', 'clip-chart', dark.red);
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-gradients-history.png'), fullPage: true });

    // A trace without clipped steps: no red markers, and the reading says nothing was clipped.
    const calm = { ...history, gradNormBefore: history.gradNormAfter.map(() => 0.5), clippedShare: history.clippedShare.map(() => 0), stepsClipped: 0 };
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view: wire({ ...exploding, history: calm }) })})`);
    await until(page, 'textIs', '#reading', `${gradientReading(exploding)} No step was clipped (of 300 steps recorded).`);
    // The clipping chart is redrawn in the following frame: the red markers go (a few anti-aliased pixels may stay).
    const redPixels = () => page.evaluate((hex) => (globalThis as unknown as { __test: { pixelsOfColour(id: string, hex: string): number } }).__test.pixelsOfColour('clip-chart', hex), dark.red);
    const redBy = Date.now() + 10_000;
    let red = await redPixels();
    while (red > 50 && Date.now() < redBy) {
      await page.waitForTimeout(50);
      red = await redPixels();
    }
    assert.ok(red <= 50, `no clip markers: ${red} red pixels`);
    await until(page, 'hasPixelsOfColour', 'clip-chart', dark.blue);

    // A reload redraws the history from the saved state.
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view: wire(view) })})`);
    await until(page, 'textIs', '#reading', reading);
    await page.reload();
    await until(page, 'textIs', '#reading', reading);
    await legendHiIs(tenTo(range.hi));
    await until(page, 'hasPixelsOfColour', 'clip-chart', dark.red);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('a trace with the same history redraws the window but not the heatmap; a new row redraws it', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const send = (view: GradientFlowView) => page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view: wire(view) })})`);
    // The history is drawn in a frame after the window's charts; its cards are aria-busy until then.
    const shownAtStep = async (step: number) => {
      await page.locator('#labels', { hasText: `step ${step} ·` }).waitFor();
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('[aria-busy="true"]') === null);
    };
    /** The colour at the centre of heatmap cell (row 0, t = 0); with `mark`, paints that cell magenta first. */
    const firstCell = (mark: boolean) => page.evaluate((paint) => {
      interface Canvas { dataset: Record<string, string>; getContext(kind: '2d'): { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
      const canvas = (globalThis as unknown as { document: { getElementById(id: string): Canvas } }).document.getElementById('history-heatmap');
      const d = canvas.dataset;
      const ctx = canvas.getContext('2d');
      if (paint) {
        ctx.fillStyle = '#ff00ff';
        ctx.fillRect(Number(d.left), Number(d.top), Number(d.cellW), Number(d.cellH));
      }
      return Array.from(ctx.getImageData(Math.floor(Number(d.left) + Number(d.cellW) / 2), Math.floor(Number(d.top) + Number(d.cellH) / 2), 1, 1).data.slice(0, 3));
    }, mark);
    const near = (a: number[], b: number[]) => a.every((c, j) => Math.abs(c - b[j]) <= 3);
    const rgb = (text: string) => text.match(/\d+/g)!.map(Number);

    const history = syntheticHistory(30);
    await send({ ...exploding, step: 120, history });
    await shownAtStep(120);
    const cellColour = (h: GradientHistorySnapshot) => rgb(heatColour(h.gradNormH[0], logRange(h.gradNormH.filter((_, i) => Math.floor(i / T) % 2 === 0))!));
    assert.ok(near(await firstCell(false), cellColour(history)), 'the cell is drawn in the colour of its value');
    assert.deepEqual(await firstCell(true), [255, 0, 255]);

    // The next refresh: a new window, the same history. The window's chart and labels change; the heatmap is not
    // drawn again (the magenta cell stays).
    await send({ ...vanishing, step: 121, history });
    await shownAtStep(121);
    await until(page, 'textIs', '#reading', `${gradientReading(vanishing)} ${clippingReading(history, gradientReading(vanishing))}`);
    assert.deepEqual(await firstCell(false), [255, 0, 255], 'an unchanged history is not redrawn');

    // One more row: the heatmap is drawn again, with 31 rows.
    const grown = syntheticHistory(31);
    await send({ ...vanishing, step: 122, history: grown });
    await shownAtStep(122);
    assert.equal(await page.locator('#history-heatmap').getAttribute('data-rows'), '31');
    assert.ok(near(await firstCell(false), cellColour(grown)), 'the new history is drawn');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
