// Hostile text renders inert: a file label, tokens and sample text full of markup reach the Training, Trellis and
// Gates panels (headless Chromium, real page and CSP) and show literally, create no element, run nothing, and cause
// no dialog, console error or CSP violation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { discreteHmmToJson } from '../../src/engine/hmm';
import { casinoExample, casinoModel } from '../../src/engine/examples/hmm';
import { gatesView } from '../../src/panels/gatesView';
import { sliceTrellisWindow } from '../../src/hmm/trellisWindow';
import type { RunInfo } from '../../src/shared/run';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { hmmDecode } from '../../src/worker/analysis';
import { launchPanelBrowser, startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

const SCRIPT = '<script>window.__pwned = 1; alert(1)</script>';
const IMG = '"><img src=x onerror="window.__pwned=2;alert(2)">';
const HOSTILE = `${IMG}${SCRIPT}&amp;<b>b</b>`;

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function send(page: Page, message: object): Promise<void> {
  await page.evaluate(`window.__test.sendFromHost(${JSON.stringify(message)})`);
}

/** Opens the panel, recording dialogs and console errors the harness does not collect. */
async function openWatched(harness: PanelHarness): Promise<{ page: Page; incidents: string[] }> {
  const page = await harness.open();
  const incidents: string[] = [];
  page.on('dialog', (d) => {
    incidents.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    // The harness's server has no favicon; Chromium reports that 404 as a console error (the request check covers it).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) incidents.push(`console error: ${m.text()}`);
  });
  // An <img src=x> that got parsed would fetch "x" from the page's origin.
  page.on('request', (r) => {
    if (!new URL(r.url()).pathname.match(/^\/(?:[a-z]+\.html|dist\/webview\/[a-z]+\.js|media\/webview\.css|favicon\.ico)$/)) incidents.push(`request: ${r.url()}`);
  });
  await until(page, 'postedType', 'ready');
  return { page, incidents };
}

/** What a user would notice if the markup had been parsed: new img/script/b elements, the flag, a dialog, errors. */
async function assertInert(page: Page, harness: PanelHarness, incidents: string[]): Promise<void> {
  const injected: string[] = await page.evaluate(`[...document.querySelectorAll('img, script:not([src])'),
    ...[...document.querySelectorAll('b')].filter((b) => b.textContent === 'b')].map((n) => n.outerHTML)`);
  assert.deepEqual(injected, []);
  assert.equal(await page.evaluate('window.__pwned'), undefined);
  assert.deepEqual(incidents, []);
  assert.deepEqual(harness.problems, []);
}

// One Chromium for the file; each panel in a browser context of its own.
let browser: Browser;
before(async () => {
  browser = await launchPanelBrowser();
});
after(async () => {
  await browser?.close();
});

describe('hostile text in the Training panel', { timeout: 120_000 }, () => {
  let harness: PanelHarness | undefined;
  after(async () => harness?.close());

  it('shows a hostile file label and sample literally', async () => {
    harness = await startPanelHarness('training', { browser });
    const { page, incidents } = await openWatched(harness);
    const run: RunInfo = {
      id: 'run-1', fileLabel: HOSTILE, modelLabel: 'char RNN · tanh · H=64', config: DEFAULT_CONFIG, status: 'training',
      vocabSize: 65, dataLength: 1000, parameterCount: 12_673,
    };
    const history = { firstStep: 1, losses: [4.1, 4.0], gradNorms: [3, 2.9], clipped: [0, 0], charsPerSecond: 1000 };
    await send(page, { type: 'showRun', run, history });
    await send(page, { type: 'sample', step: 2, temperature: 0.8, text: `ROMEO: ${HOSTILE}` });
    await until(page, 'textIs', '#file-label', HOSTILE);
    await until(page, 'textIs', '#sample', `ROMEO: ${HOSTILE}`);
    assert.equal(await page.title(), `Training: ${HOSTILE}`);
    await assertInert(page, harness, incidents);
    await page.close();
  });
});

describe('hostile text in the Trellis panel', { timeout: 120_000 }, () => {
  let harness: PanelHarness | undefined;
  after(async () => harness?.close());

  it('shows a hostile file label, model label and symbol literally', async () => {
    const ex = casinoExample(60, 3);
    const decoded = await hmmDecode(ex.symbols, { kind: 'modelJson', modelText: JSON.stringify(discreteHmmToJson(casinoModel())), modelLabel: HOSTILE });
    // A hostile symbol name, as a model file could declare: it labels the columns.
    const result = { ...decoded, symbols: decoded.symbols.map((s, i) => (i === decoded.observations[0] ? SCRIPT + IMG : s)) };
    harness = await startPanelHarness('trellis', { browser });
    const { page, incidents } = await openWatched(harness);
    await send(page, { type: 'showWindow', view: sliceTrellisWindow(result, 0, 0, HOSTILE) });
    await until(page, 'textIs', '#step-shown', '1');
    const labels = await page.locator('#labels').textContent();
    assert.ok(labels?.startsWith(`${HOSTILE} · `), `labels: ${labels}`);
    // The column label is shortened to fit; its tooltip holds the whole symbol.
    assert.ok(SCRIPT.startsWith(((await page.locator('svg#trellis text.symbol').first().textContent()) ?? 'x').replace(/…$/, '')));
    assert.equal(await page.locator('svg#trellis g > title').first().textContent(), `step 1: “${SCRIPT + IMG}”`);
    await assertInert(page, harness, incidents);
    await page.close();
  });
});

describe('hostile text in the Gates panel', { timeout: 120_000 }, () => {
  let harness: PanelHarness | undefined;
  after(async () => harness?.close());

  it('shows a hostile run label and token literally', async () => {
    const T = 8;
    const H = 4;
    const series = ['i', 'f', 'g', 'o', 'c', 'h'];
    const tokens = ['a', IMG, 'b', SCRIPT, 'c', 'd', 'e', 'f'];
    const values = Float32Array.from({ length: series.length * T * H }, (_, k) => (k % 7) / 7);
    const view = gatesView(
      { step: 10, start: 0, length: T, cell: 'lstm', layers: 1, hiddenSize: H, series, values, tokens,
        topChars: tokens.flatMap(() => [SCRIPT, 'a', 'b', 'c', 'd']), topProbabilities: new Float32Array(T * 5).fill(0.2) },
      HOSTILE,
      1,
    );
    harness = await startPanelHarness('gates', { browser });
    const { page, incidents } = await openWatched(harness);
    await send(page, { type: 'showActivations', view: { ...view, values: Array.from(view.values), topProbabilities: Array.from(view.topProbabilities) } });
    await until(page, 'textIs', '#labels', `${HOSTILE} · step 10 · characters 0–7`);
    const stepInfo = (await page.locator('#step-info').textContent()) ?? '';
    assert.ok(stepInfo.includes(IMG), `step info: ${stepInfo}`);
    assert.ok(stepInfo.includes(SCRIPT), `step info: ${stepInfo}`);
    await assertInert(page, harness, incidents);
    await page.close();
  });
});
