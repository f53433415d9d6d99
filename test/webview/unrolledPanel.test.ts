// The Unrolled Network panel in headless Chromium, under the real page and CSP. The test plays the host with a
// synthetic 2-layer LSTM trace (gatesView): the page draws one column per step around the selected one with the real
// characters and the predicted next ones, hovering W_hh lights up all its copies, focusing a hidden node shows its
// recurrence with this step's numbers, an input posts revealStep, Fold/Unroll and the step count work, a reload
// restores the drawing, in three themes with no CSP violation.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { gatesView } from '../../src/panels/gatesView';
import { parseGatesPanelMessage, type GatesView } from '../../src/shared/protocol/gatesPanel';
import { stepFormula, windowStart } from '../../webview/unrolled/formula';
import { heatColour, logRange } from '../../webview/common/colours';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

const T = 40;
const H = 4;
const L = 2;
const SERIES = ['i', 'f', 'g', 'o', 'c', 'h'];
const tokens = [...'the cat sat on the mat. the dog dug a log'].slice(0, T);

function synthetic(cursor: number | undefined): GatesView {
  const values = new Float32Array(L * SERIES.length * T * H);
  for (let k = 0; k < L; k++) {
    for (let s = 0; s < SERIES.length; s++) {
      for (let t = 0; t < T; t++) {
        // h = 0.5 at every unit: ‖h_t‖ = 0.5·√H = 1; c_t = t/10 at every unit: ‖c_t‖ = t/10·2; gates 0.25 / 0.75.
        for (let j = 0; j < H; j++) values[((k * SERIES.length + s) * T + t) * H + j] = SERIES[s] === 'h' ? 0.5 : SERIES[s] === 'c' ? t / 10 : SERIES[s] === 'f' ? 0.75 : 0.25;
      }
    }
  }
  return gatesView(
    {
      step: 50, start: 0, length: T, cell: 'lstm', layers: L, hiddenSize: H, series: SERIES, values, tokens,
      topChars: tokens.flatMap(() => ['e', 'a', 't', 'o', ' ']), topProbabilities: Float32Array.from(tokens.flatMap(() => [0.5, 0.2, 0.1, 0.1, 0.05])),
    },
    'char LSTM · 2 layers · H=4 on verse.txt',
    cursor,
  );
}

const wire = (v: GatesView) => ({
  ...v, values: Array.from(v.values), topProbabilities: Array.from(v.topProbabilities), gradNormH: v.gradNormH && Array.from(v.gradNormH),
});

/** ‖∂L/∂h_t‖ of layer k at step t: 10^(−(T − 1 − t)/8)·(k + 1), vanishing back towards the window's start. */
const gradNorm = (k: number, t: number) => Math.fround(10 ** (-(T - 1 - t) / 8) * (k + 1));
function withGradients(cursor: number | undefined): GatesView {
  return { ...synthetic(cursor), gradNormH: Float32Array.from({ length: L * T }, (_, i) => gradNorm(Math.floor(i / T), i % T)) };
}

it('the formula of a hidden node carries the step\'s numbers; the shown steps stay inside the window', () => {
  const lines = stepFormula(synthetic(undefined), 0, 5);
  assert.equal(lines[1], 'x_t = “a” (one-hot)');
  assert.match(lines[2], /mean i = 0\.25, f = 0\.75, o = 0\.25; ‖g_t‖ = 0\.50/);
  assert.equal(lines[3], 'c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t: ‖c_{t−1}‖ = 0.80 → ‖c_t‖ = 1.00');
  assert.equal(lines[4], 'h_t = o_t ⊙ tanh(c_t): ‖h_{t−1}‖ = 1.00 → ‖h_t‖ = 1.00');
  assert.match(stepFormula(synthetic(undefined), 1, 0)[0], /the window starts from h₀ = 0/);
  assert.equal(stepFormula(synthetic(undefined), 1, 0)[1], 'x_t = h_t of layer 1, ‖x_t‖ = 1.00');
  assert.equal(windowStart(20, 12, T), 14);
  assert.equal(windowStart(2, 12, T), 0);
  assert.equal(windowStart(39, 12, T), 28);
  assert.equal(windowStart(-1, 12, T), 28);
});

describe('Unrolled Network panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;

  before(async () => {
    harness = await startPanelHarness('unrolled');
  });

  after(async () => {
    await harness?.close();
  });

  async function openWith(v: GatesView): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showActivations', view: wire(v) })})`);
    await page.locator('#steps-label', { hasText: 'steps' }).waitFor();
    return page;
  }

  const inputs = (page: Page) => page.locator('.node.input text').allTextContents();

  it('draws the steps around the cursor with the real characters; W_hh lights up on every copy; a node shows its numbers', async () => {
    const page = await openWith(synthetic(20));
    assert.equal(await page.locator('#steps-label').textContent(), '12 steps: 15–26 of the window');
    assert.deepEqual(await inputs(page), tokens.slice(14, 26).map((c) => (c === ' ' ? '␣' : c)));
    assert.equal(await page.locator('.node.hidden').count(), 24);
    assert.deepEqual(new Set(await page.locator('.node.output text').allTextContents()), new Set(['e 0.50']));
    assert.equal(await page.locator('.node.input.selected').getAttribute('data-step'), '20');

    await page.locator('text.weight-label[data-weight="hh1"]').hover();
    await page.locator('#caption', { hasText: 'W_hh of layer 2: the same matrix at all 11 places' }).waitFor();
    assert.equal(await page.locator('.edge.shared').count(), 11);
    assert.equal(await page.locator('[data-weight="hh0"].shared').count(), 0);
    await page.locator('text.weight-label[data-weight="xh0"]').focus();
    await page.locator('#caption', { hasText: 'W_xh of layer 1: the same matrix at all 12 places' }).waitFor();

    await page.locator('.node.hidden[data-layer="0"][data-step="17"]').focus();
    const expected = stepFormula(synthetic(20), 0, 17);
    await page.locator('#details p', { hasText: expected[3] }).waitFor();
    assert.deepEqual(await page.locator('#details p').allTextContents(), expected);
    assert.equal(await page.locator('#details polyline').count(), 1);

    await page.locator('.node.input[data-step="16"]').click();
    await page.keyboard.press('Enter');
    const reveals = (await page.evaluate(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted))
      .filter((m) => m.type === 'revealStep');
    assert.deepEqual(reveals, [{ type: 'revealStep', t: 16 }, { type: 'revealStep', t: 16 }]);
    for (const m of reveals) assert.deepEqual(parseGatesPanelMessage(m), m);

    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    for (const kind of ['dark', 'light', 'high-contrast']) {
      await page.evaluate(`window.__test.setTheme(${JSON.stringify(kind)})`);
      await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', `webview-unrolled-${kind}.png`), fullPage: true });
    }
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('fold, step count, the editor\'s select and a reload', async () => {
    const page = await openWith(synthetic(undefined));
    assert.equal(await page.locator('#steps-label').textContent(), '12 steps: 29–40 of the window');
    await page.locator('#more').click();
    assert.equal(await page.locator('.node.input').count(), 16);
    await page.locator('#fold').click();
    assert.equal(await page.locator('.node.input').count(), 1);
    assert.equal(await page.locator('#fold').textContent(), 'Unroll');
    assert.equal(await page.locator('#fold').getAttribute('aria-pressed'), 'true');
    await page.locator('#fold').click();
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'select', t: 3 })})`);
    await page.locator('#steps-label', { hasText: '16 steps: 1–16 of the window' }).waitFor();
    await page.reload();
    await page.locator('#steps-label', { hasText: '16 steps: 1–16 of the window' }).waitFor();
    assert.equal(await page.locator('.node.input.selected').getAttribute('data-step'), '3');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('"Show gradients" colours each arrow by ‖∂L/∂hₜ‖ of the state it points into, with a legend; it survives a reload', async () => {
    const page = await openWith(withGradients(20));
    const toggle = page.locator('#show-gradients');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('.edge.graded').count(), 0);
    assert.ok(await page.locator('#gradient-legend').isHidden());
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    // 12 steps × (2 W_xh + 1 W_hy) + 11 × 2 W_hh arrows, every one coloured.
    assert.equal(await page.locator('.edge.graded').count(), 12 * 3 + 11 * 2);
    const g = withGradients(20).gradNormH!;
    const range = logRange(g)!;
    const tenTo = (l: number) => (10 ** l).toExponential(1).replace('e+', 'e');
    assert.equal(await page.locator('#gradient-lo').textContent(), tenTo(range.lo));
    assert.equal(await page.locator('#gradient-hi').textContent(), tenTo(range.hi));
    assert.ok(await page.locator('#gradient-legend').isVisible());
    // The W_hh arrow h₁₆ → h₁₇ of layer 1 (into step t = 16, 0-based) and the one into t = 25: their values and colours.
    const arrow = (weight: string, t: number) => page.locator(`line.edge[data-weight="${weight}"]`).nth(t - 15);
    const stroke = (weight: string, t: number) => arrow(weight, t).evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { stroke: string } }).getComputedStyle(e).stroke);
    for (const [weight, k] of [['hh0', 0], ['hh1', 1]] as const) {
      for (const t of [16, 25]) {
        assert.equal(Number(await arrow(weight, t).getAttribute('data-grad')), gradNorm(k, t));
        assert.equal(await stroke(weight, t), heatColour(gradNorm(k, t), range));
      }
    }
    assert.notEqual(await stroke('hh0', 16), await stroke('hh0', 25), 'a smaller gradient, a different colour');
    assert.match((await arrow('hh0', 16).locator('title').textContent()) ?? '', /Gradient flowing back: ‖∂L\/∂h_t‖ = /);
    // The strip shows the whole window down to t = 0 (16 px per step, 10 px per layer, layer 1 at the bottom).
    const stripPixel = (t: number, k: number) => page.evaluate(([x, y]) => {
      interface Canvas { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
      const canvas = (globalThis as unknown as { document: { getElementById(id: string): Canvas } }).document.getElementById('gradient-strip');
      return `rgb(${Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3)).join(', ')})`;
    }, [1 + t * 16 + 8, 1 + (L - 1 - k) * 10 + 5]);
    for (const [t, k] of [[0, 0], [0, 1], [5, 0], [T - 1, 1]]) assert.equal(await stripPixel(t, k), heatColour(gradNorm(k, t), range), `strip t=${t} layer ${k}`);
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-unrolled-gradients.png'), fullPage: true });
    await page.reload();
    await page.locator('#steps-label', { hasText: 'steps' }).waitFor();
    assert.equal(await page.locator('#show-gradients').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('.edge.graded').count(), 12 * 3 + 11 * 2);
    await page.locator('#show-gradients').click();
    assert.equal(await page.locator('.edge.graded').count(), 0);
    // A trace without gradients (a model too big for the backward pass): the toggle is disabled.
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showActivations', view: wire(synthetic(20)) })})`);
    await page.locator('#show-gradients[disabled]').waitFor();
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
