// The Gates and Unrolled Network pages on a WORD run's trace (gatesView of a trace with word places, as the host
// sends it), in headless Chromium under the real page and CSP. A user would see: the header counting words, the
// step's line naming the whole word, and a very long word cut short with an ellipsis where space is short (an
// Unrolled input or output node; the Gates axis) yet readable whole in its tooltip and aria-label, without the page
// spilling sideways; clicking the word's step still asks the host to select it in the editor.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gatesView } from '../../src/panels/gatesView';
import { gradientFlowView } from '../../src/panels/gradientFlowView';
import type { GatesView } from '../../src/shared/protocol/gatesPanel';
import { launchPanelBrowser, startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

const LONG = 'Donaudampfschifffahrtsgesellschaftskapitänsmütze';
const sentence = `the old captain wore his ${LONG} on deck and the crew saw the ${LONG} from the shore as the boat came in at dawn`;
const tokens = sentence.split(' ').slice(0, 24);
const T = tokens.length;
const H = 4;
const SERIES = ['i', 'f', 'g', 'o', 'c', 'h'];
const longStep = tokens.indexOf(LONG);

function wordView(cursor: number | undefined): GatesView {
  const values = new Float32Array(SERIES.length * T * H).map((_, i) => ((i % 7) + 1) / 8);
  // Where each word sits in the file (code points), as the worker sends a word trace: the file starts 100 code points in.
  const tokenStarts = new Int32Array(T);
  const tokenEnds = new Int32Array(T);
  let at = 100;
  tokens.forEach((w, t) => {
    tokenStarts[t] = at;
    tokenEnds[t] = at + [...w].length;
    at = tokenEnds[t] + 1;
  });
  return gatesView(
    {
      step: 40, start: 17, length: T, cell: 'lstm', layers: 1, hiddenSize: H, series: SERIES, values, tokens,
      // The long word is the most probable next word after every step.
      topChars: tokens.flatMap(() => [LONG, 'the', 'on', 'deck', 'crew']), topProbabilities: Float32Array.from(tokens.flatMap(() => [0.4, 0.2, 0.1, 0.05, 0.01])),
      tokenStarts, tokenEnds,
    },
    'word LSTM · H=4 on captain.txt',
    cursor,
  );
}

const wire = (v: GatesView) => ({ ...v, values: Array.from(v.values), topProbabilities: Array.from(v.topProbabilities) });
const posted = (page: Page) => page.evaluate(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted);
const spillsSideways = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');

// One Chromium for the file; each panel in a browser context of its own.
let browser: Browser;
before(async () => {
  browser = await launchPanelBrowser();
});
after(async () => {
  await browser?.close();
});

describe('Gates panel on a word run', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('gates', { browser });
  });
  after(async () => {
    await harness?.close();
  });

  it('counts words, names the whole long word of a clicked step, shows it whole on hover, and does not spill sideways', async () => {
    const page = await harness.open();
    await page.setViewportSize({ width: 520, height: 900 });
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showActivations', view: wire(wordView(undefined)) })})`);
    await page.locator('#labels', { hasText: `step 40 · words 17–${17 + T - 1}` }).waitFor();
    assert.match((await page.locator('#heatmap').getAttribute('aria-label')) ?? '', /x axis the window's words/);
    assert.match((await page.locator('#map-help').textContent()) ?? '', /its word in the editor/);

    const box = (await page.locator('#heatmap').boundingBox())!;
    const cellW = (box.width - 34 - 4) / T;
    const x = box.x + 34 + (longStep + 0.5) * cellW;
    const y = box.y + 10 + 6;
    await page.mouse.move(x, y);
    await page.locator(`#heatmap[title=${JSON.stringify(`Step ${longStep + 1}: ${LONG}`)}]`).waitFor();
    await page.mouse.click(x, y);
    await page.locator('#step-info', { hasText: `Step ${longStep + 1} (word ${17 + longStep}) “${LONG}” → next: ${LONG} 0.40, the 0.20` }).waitFor();
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'revealStep'), [{ type: 'revealStep', t: longStep }]);
    assert.equal(await spillsSideways(page), false, 'the long word wraps inside the page');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});

describe('Unrolled Network panel on a word run', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('unrolled', { browser });
  });
  after(async () => {
    await harness?.close();
  });

  it('cuts a long word short with an ellipsis inside its node, keeps it whole in the tooltip and aria-label, and reveals it', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    // The host's cursor is in the long word (a code point inside it): the page centres on that step.
    const inside = wordView(100 + tokens.slice(0, longStep).reduce((n, w) => n + [...w].length + 1, 0) + 5);
    assert.equal(inside.cursor, longStep, 'the view marks the word under the cursor');
    assert.equal(inside.tokenKind, 'words');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showActivations', view: wire(inside) })})`);
    await page.locator('#labels', { hasText: 'words 17–' }).waitFor();
    const node = page.locator(`.node.input[data-step="${longStep}"]`);
    await node.waitFor();
    const shown = (await node.locator('text').textContent()) ?? '';
    assert.ok(shown.endsWith('…') && LONG.startsWith(shown.slice(0, -1)) && shown.length > 4, `a readable start of the word: ${shown}`);
    assert.equal(await node.locator('title').textContent(), `Step ${longStep + 1}: ${LONG}`);
    assert.match((await node.getAttribute('aria-label')) ?? '', new RegExp(`: ${LONG}\\. Press Enter`));

    // Every word's label fits inside its own node, and no two input nodes overlap.
    const fits = await page.evaluate<boolean[]>(`[...document.querySelectorAll('.node.input, .node.output')].map((g) => {
      const rect = g.querySelector('rect').getBBox();
      const text = g.querySelector('text').getBBox();
      return text.x >= rect.x && text.x + text.width <= rect.x + rect.width;
    })`);
    assert.ok(fits.length > 0 && fits.every(Boolean), `labels inside their nodes: ${fits.join(', ')}`);
    const inputs = await page.evaluate<number[][]>(`[...document.querySelectorAll('.node.input rect')].map((r) => r.getBBox()).map((b) => [b.x, b.x + b.width])`);
    for (let i = 1; i < inputs.length; i++) assert.ok(inputs[i - 1][1] < inputs[i][0], 'input nodes do not overlap');

    const output = page.locator(`.node.output[data-step="${longStep}"]`);
    assert.match((await output.locator('text').textContent()) ?? '', /…\s0\.40$/);
    assert.equal(await output.locator('title').textContent(), `Predicted next word: ${LONG} 0.40`);

    await node.click();
    await page.waitForFunction((t) => (globalThis as unknown as { __test: { posted: { type: string; t?: number }[] } }).__test.posted.some((m) => m.type === 'revealStep' && m.t === t), longStep);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});

describe('Gradient Flow panel on a word run', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('gradientFlow', { browser });
  });
  after(async () => {
    await harness?.close();
  });

  it('counts words in its header and in the title of the history over training', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const gradNormH = Float32Array.from({ length: T }, (_, t) => 0.8 ** (T - 1 - t));
    const view = gradientFlowView({
      step: 40, start: 17, length: T, layers: 1, gradNormH, jacobianNorm: Float32Array.from({ length: T - 1 }, (_, n) => 0.8 ** (n + 1)),
      spectralRadius: [0.8], largestSingularValue: [1.1], tokens, tokenStarts: new Int32Array(T), tokenEnds: new Int32Array(T),
    }, 'word LSTM · H=4 on captain.txt');
    assert.equal(view.tokenKind, 'words');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view })})`);
    await page.locator('#labels', { hasText: `step 40 · words 17–${17 + T - 1}` }).waitFor();
    assert.match((await page.locator('.card h2', { hasText: 'over training' }).textContent()) ?? '', /the text's first words/);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
