// The HMM Fit panel in headless Chromium, under the real page and CSP of src/base/panelHtml.ts. The test plays
// the host: it runs the worker's own Baum-Welch on the casino rolls (and on a numeric series), forwards its progress
// messages and sends the views src/hmm/fitFeature.ts would send.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { regimeExample } from '../../src/engine/examples/hmm';
import { fitModelView, sampleView, sliceDecodedRows } from '../../src/hmm/fitView';
import type { HmmFitModelView, HmmFitView } from '../../src/shared/protocol/hmmFitPanel';
import type { AnalysisWorkerToHost, HmmFitResult } from '../../src/shared/protocol/analysisWorker';
import { hmmFit, hmmSample } from '../../src/worker/analysisFit';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
type Posted = { type: string; length?: number; seed?: number; step?: number };

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}
const send = (page: Page, message: unknown) => page.evaluate(`window.__test.sendFromHost(${JSON.stringify(message)})`);
const posted = (page: Page): Promise<Posted[]> => page.evaluate('window.__test.posted');
/** Runs in the page: each cell's computed background colour. */
const backgrounds = (cells: unknown[]): string[] =>
  cells.map((c) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(c).backgroundColor);
const pixels = (page: Page, hex: string): Promise<number> => page.evaluate(`window.__test.pixelsOfColour('ll-chart', ${JSON.stringify(hex)})`);

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', name), fullPage: true });
}

interface Fitted {
  result: HmmFitResult;
  progress: Extract<AnalysisWorkerToHost, { type: 'hmmFitProgress' }>[];
  started: HmmFitView;
  model: HmmFitModelView;
}

async function fit(text: string, input: Parameters<typeof hmmFit>[2], states: number, fileLabel: string, inputLabel: string): Promise<Fitted> {
  const progress: Fitted['progress'] = [];
  const options = { states, restarts: 3, seed: 2, maxIterations: 60, tolerance: 1e-8 };
  const result = await hmmFit('r1', text, input, options, (m) => {
    if (m.type === 'hmmFitProgress') progress.push(m);
  });
  assert.ok(result);
  const started: HmmFitView = { fileLabel, kind: result.kind, inputLabel, restarts: 3, logLikelihoods: [] };
  return { result, progress, started, model: fitModelView(result) };
}

describe('HMM Fit panel webview', { timeout: 180_000 }, () => {
  let harness: PanelHarness;
  let casino: Fitted;
  let regimes: Fitted;

  before(async () => {
    const rolls = await readFile(path.join(REPO_ROOT, 'examples', 'hmm', 'casino-rolls.txt'), 'utf8');
    casino = await fit(rolls, { kind: 'symbols', split: 'chars' }, 2, `casino ${HOSTILE}.txt`, 'characters');
    const ex = regimeExample(300, 3);
    const csv = 'value\n' + ex.text.trim().split(/\s+/).join('\n');
    regimes = await fit(csv, { kind: 'csv', columns: [0] }, 3, 'regimes.csv', 'column "value"');
    harness = await startPanelHarness('hmmFit');
  });

  after(async () => {
    await harness?.close();
  });

  /** Opens the page and plays a fit: start, every progress message, and (unless `finish` is false) the result. */
  async function playFit(f: Fitted, finish = true): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'fitStarted', view: f.started });
    for (const m of f.progress) {
      await send(page, { type: 'fitProgress', restart: m.restart, fromIteration: m.fromIteration, logLikelihoods: Array.from(m.logLikelihoods) });
    }
    if (finish) await send(page, { type: 'fitFinished', model: f.model });
    return page;
  }

  it('says what to do before a fit arrives', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    assert.match((await page.locator('#empty').textContent()) ?? '', /Fit HMM with Baum-Welch on Active File/);
    assert.equal(await page.locator('#content').isVisible(), false);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('while running: one blue line per restart, the status names restart and iteration, Cancel posts cancel', async () => {
    const page = await playFit(casino, false);
    await until(page, 'hasPixelsOfColour', 'll-chart', THEME_COLORS.dark.blue);
    const last = casino.result.logLikelihoods[2];
    assert.equal(await page.locator('#status').textContent(), `Restart 3 of 3, iteration ${last.length - 1}, log-likelihood ${last[last.length - 1].toFixed(2)}…`);
    assert.equal(await page.locator('#save-model').isDisabled(), true);
    assert.equal(await page.evaluate('document.querySelectorAll("#hmmfit canvas").length'), 1);
    await page.locator('#cancel').click();
    assert.ok((await posted(page)).some((m) => m.type === 'cancel'));
    await send(page, { type: 'fitStopped', message: 'Cancelled: the curves show the iterations run so far.' });
    await page.locator('#message', { hasText: 'Cancelled' }).waitFor();
    assert.equal(await page.locator('#cancel').isVisible(), false);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('finished: the best restart in orange, labelled heatmaps of π, A and B, top symbols, buttons post validated messages', async () => {
    const page = await playFit(casino);
    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'll-chart', dark.orange);
    const best = casino.result.best;
    const curve = casino.result.logLikelihoods[best];
    assert.match((await page.locator('#status').textContent()) ?? '', new RegExp(`^Best: restart ${best + 1} of 3, log-likelihood ${curve[curve.length - 1].toFixed(2).replace('.', '\\.')} nats`));
    // Every EM curve rises: the best restart's final value is the highest of the three.
    for (const c of casino.result.logLikelihoods) assert.ok(c[c.length - 1] <= curve[curve.length - 1]);
    // Heatmaps: labels as text, one cell per entry, values as shown numbers, shade from the theme's blue.
    assert.deepEqual(await page.locator('#transition-heatmap thead th').allTextContents(), ['from \\ to', 'S1', 'S2']);
    assert.deepEqual(await page.locator('#emission-heatmap thead th').allTextContents(), ['state \\ symbol', '1', '2', '3', '4', '5', '6']);
    assert.equal(await page.locator('#transition-heatmap td').count(), 4);
    assert.equal(await page.locator('#emission-heatmap td').count(), 12);
    assert.equal(await page.locator('#start-heatmap td').count(), 2);
    const values = (await page.locator('#transition-heatmap td').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))) as number[];
    assert.deepEqual(values, casino.model.transition.flat());
    const shade = (await page.locator('#transition-heatmap td').evaluateAll(backgrounds)) as string[];
    assert.ok(shade.every((c) => c !== 'rgba(0, 0, 0, 0)'), shade.join(' '));
    assert.ok(await page.locator('#heat-legend').isVisible());
    // One state has learned the loaded die: 6 is its most likely symbol with about half the mass.
    const tops = await page.locator('#top-symbols li .top-symbols').allTextContents();
    assert.equal(tops.length, 2);
    assert.ok(tops.some((t) => /^6 \(0\.[3-6]\d\)/.test(t)), tops.join(' | '));
    // The file label is text, never HTML.
    assert.match((await page.locator('#labels').textContent()) ?? '', /<img src=x/);
    assert.equal(await page.locator('#hmmfit img').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    // Buttons.
    await page.locator('#save-model').click();
    await page.locator('#decode').click();
    await page.locator('#sample-length').fill('40');
    await page.locator('#sample-seed').fill('7');
    await page.locator('#sample').click();
    await page.locator('#sample-length').fill('100000');
    await page.locator('#sample').click();
    await page.locator('#sample-reading', { hasText: 'The length must be a whole number from 1 to 500.' }).waitFor();
    const mine = (await posted(page)).filter((m) => m.type !== 'ready');
    assert.deepEqual(mine, [{ type: 'saveModel' }, { type: 'decode' }, { type: 'sample', length: 40, seed: 7 }]);
    // The host answers with a sample: each step shows its symbol and its hidden state.
    const s = sampleView(hmmSample(casino.result.modelText, 40, 7), 7);
    await send(page, { type: 'sampleResult', sample: s });
    await page.locator('#sample-steps .step').nth(39).waitFor();
    assert.deepEqual(await page.locator('#sample-steps .step b').allTextContents(), s.steps.map((x) => x.emitted));
    assert.deepEqual(await page.locator('#sample-steps .step small').allTextContents(), s.steps.map((x) => s.states[x.state]));
    await screenshot(page, 'webview-hmmfit.png');
    // Three themes: the chart and the heat cells follow the theme colours.
    for (const kind of ['light', 'high-contrast'] as const) {
      await page.evaluate(`window.__test.setTheme(${JSON.stringify(kind)})`);
      await until(page, 'hasPixelsOfColour', 'll-chart', THEME_COLORS[kind].orange);
      assert.ok((await pixels(page, dark.orange)) < 50);
      const shaded = (await page.locator('#transition-heatmap td').evaluateAll(backgrounds)) as string[];
      assert.notDeepEqual(shaded, shade);
      await screenshot(page, `webview-hmmfit-${kind}.png`);
    }
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('decoded rows: the steps around the cursor with their Viterbi state and posteriors; a click posts the step', async () => {
    const page = await playFit(casino);
    const d = casino.result.decoding;
    assert.ok(d, casino.result.decodingNote);
    const rolls = await readFile(path.join(REPO_ROOT, 'examples', 'hmm', 'casino-rolls.txt'), 'utf8');
    // The host's window for a cursor at step 100 (steps 81–120).
    const rows = sliceDecodedRows(casino.result, d, 80, 100, 'character');
    await send(page, { type: 'decodedRows', rows });
    await page.locator('#decoded-rows button.step-symbol').nth(39).waitFor();
    // The symbols are the file's own characters at those steps, the Viterbi row the worker's path.
    const symbols = await page.locator('#decoded-rows button.step-symbol').allTextContents();
    assert.deepEqual(symbols, Array.from({ length: 40 }, (_, k) => rolls.slice(d.starts[80 + k], d.ends[80 + k])));
    const states = await page.locator('#decoded-rows tr.viterbi td').allTextContents();
    assert.deepEqual(states, Array.from(d.path.subarray(80, 120), (s) => casino.result.states[s]));
    const gamma = (await page.locator('#decoded-rows tr.posterior').first().locator('td').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))) as number[];
    gamma.forEach((g, k) => assert.ok(Math.abs(g - d.posteriors[(80 + k) * 2]) < 1e-4, `γ at step ${81 + k}`));
    // The cursor's step is marked and read out; the sentence counts the agreements the table shows.
    assert.deepEqual(await page.locator('#decoded-rows button.step-symbol.selected').allTextContents(), [rolls.slice(d.starts[100], d.ends[100])]);
    const reading = (await page.locator('#rows-reading').textContent()) ?? '';
    assert.match(reading, new RegExp(`^Step 101 \\(at the cursor\\) reads “${rolls.slice(d.starts[100], d.ends[100])}”: Viterbi state ${casino.result.states[d.path[100]]};`));
    let agree = 0;
    for (let t = 80; t < 120; t++) if ((d.posteriors[2 * t + 1] > d.posteriors[2 * t] ? 1 : 0) === d.path[t]) agree++;
    assert.match(reading, new RegExp(`In these 40 steps the Viterbi state is the state of highest posterior at ${agree}\\.$`));
    const nats = (x: number) => x.toLocaleString('en', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
    const note = (await page.locator('#rows-note').textContent()) ?? '';
    assert.ok(note.includes(`log P(path, o) = ${nats(d.pathLogProbability)} nats`), note);
    assert.ok(note.includes(`log P(o) = ${nats(d.logLikelihood)} nats`), note);
    // One path's joint probability is at most the sum over all paths: log P(path, o) ≤ log P(o).
    assert.ok(d.pathLogProbability <= d.logLikelihood);
    // Clicking a step posts it (the host selects its text); the host's next window (the cursor moved) follows.
    await page.locator('#decoded-rows button.step-symbol').nth(5).click();
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'selectStep'), [{ type: 'selectStep', step: 85 }]);
    await send(page, { type: 'decodedRows', rows: sliceDecodedRows(casino.result, d, 85, 85, 'character') });
    await page.locator('#decoded-rows button.step-symbol.selected[data-step="85"]').waitFor();
    assert.match((await page.locator('#rows-reading').textContent()) ?? '', /^Step 86 \(at the cursor\)/);
    await screenshot(page, 'webview-hmmfit-decoded-rows.png');
    // A reload redraws the rows from the saved state.
    await page.reload();
    await page.locator('#decoded-rows button.step-symbol.selected[data-step="85"]').waitFor();
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('Gaussian fit: per-state mean and variance instead of an emission heatmap', async () => {
    const page = await playFit(regimes);
    await until(page, 'hasPixelsOfColour', 'll-chart', THEME_COLORS.dark.orange);
    assert.equal(await page.locator('#emission-heatmap').count(), 0);
    assert.deepEqual(await page.locator('#gaussian-table thead th').allTextContents(), ['state', 'μ value', 'σ² value']);
    const means = (await page.locator('#gaussian-table td.mean').allTextContents()).map(Number);
    assert.deepEqual(means, regimes.model.means.map((r) => Number(r[0].toPrecision(4))));
    assert.equal(await page.locator('#decode').textContent(), 'Mark Rows with Their Viterbi State');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('after a reload, redraws the saved fit and sample before the host answers, and shows the detached notice', async () => {
    const page = await playFit(casino);
    await until(page, 'hasPixelsOfColour', 'll-chart', THEME_COLORS.dark.orange);
    const s = sampleView(hmmSample(casino.result.modelText, 20, 3), 3);
    await send(page, { type: 'sampleResult', sample: s });
    await page.locator('#sample-steps .step').nth(19).waitFor();
    await page.reload();
    await until(page, 'hasPixelsOfColour', 'll-chart', THEME_COLORS.dark.orange);
    assert.equal(await page.locator('#transition-heatmap td').count(), 4);
    assert.equal(await page.locator('#sample-steps .step').count(), 20);
    await send(page, { type: 'notice', message: 'This fit ended with the window reload.' });
    await page.locator('#message', { hasText: 'ended with the window reload' }).waitFor();
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
