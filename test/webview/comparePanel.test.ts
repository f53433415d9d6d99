// The Compare Runs panel in headless Chromium, under the real page and CSP of src/base/panelHtml.ts. The test plays
// the host: it builds the comparison with the host's own compareSummary.ts from three made-up runs (RNN, GRU, LSTM on
// one file) and sends it as the host would.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { comparedRuns, comparisonSummary, type CurvePoint, type RunCurveInput } from '../../src/panels/compareSummary';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { ComparedRun } from '../../src/shared/protocol/comparePanel';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

/** --vscode-charts-green is not set by the test themes: the palette's fallback is drawn. */
const GREEN_FALLBACK = '#89d185';
const HOSTILE_LABEL = 'char <b>LSTM</b> <img src=x onerror="window.__pwned=1"> · H=64';

function curve(last: number, floor: number, rate: number): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (let s = 10; s <= last; s += 10) points.push({ step: s, loss: floor + (Math.log(40) - floor) * Math.exp(-s / rate), gradNorm: 1 + 3 * Math.exp(-s / 300) });
  return points;
}

function input(id: string, cell: TrainingConfig['cell'], label: string, points: CurvePoint[], over: Partial<RunCurveInput> = {}, config: Partial<TrainingConfig> = {}): RunCurveInput {
  return { id, modelLabel: label, fileLabel: 'verse.txt', config: { ...DEFAULT_CONFIG, cell, seed: 7, ...config }, status: 'completed', step: points.at(-1)!.step, points, ...over };
}

/** A mean squared error falling from 0.25 to `floor` (a series run). */
function mseCurve(last: number, floor: number): CurvePoint[] {
  return curve(last, 0, 300).map((p) => ({ ...p, loss: floor + (0.25 - floor) * (p.loss / Math.log(40)) }));
}

/** The visible texts of the table's header cells and of each row's cells (hidden columns left out). */
async function visibleTable(page: Page): Promise<{ head: string[]; rows: string[][] }> {
  const head = await page.locator('#metrics thead th').evaluateAll((ths) => ths.filter((th) => !(th as unknown as { hidden: boolean }).hidden).map((th) => th.textContent?.trim() ?? ''));
  const rows = await page.locator('#metrics tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].filter((td) => !td.hidden).map((td) => td.textContent?.trim() ?? '')));
  return { head, rows };
}

const INPUTS = [
  input('run-rnn', 'rnn', 'char RNN · tanh · H=64', curve(2000, 2.0, 400)),
  input('run-gru', 'gru', 'char GRU · H=64', curve(2000, 1.75, 300)),
  input('run-lstm', 'lstm', HOSTILE_LABEL, curve(2000, 1.6, 350), { status: 'training', charsPerSecond: 41_500 }),
];

/** The message as JSON (typed arrays as plain arrays: page.evaluate takes a JSON string). */
function comparisonMessage(inputs: RunCurveInput[] = INPUTS): { runs: ComparedRun[]; json: string; summary: string } {
  const runs = comparedRuns(inputs);
  const summary = comparisonSummary(inputs);
  const plain = runs.map((r) => ({ ...r, curve: { steps: [...r.curve.steps], losses: [...r.curve.losses], gradNorms: [...r.curve.gradNorms] } }));
  return { runs, summary, json: JSON.stringify({ type: 'showComparison', runs: plain, summary, missing: 0 }) };
}

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function pixels(page: Page, canvasId: string, hex: string): Promise<number> {
  return page.evaluate(`window.__test.pixelsOfColour(${JSON.stringify(canvasId)}, ${JSON.stringify(hex)})`);
}

/** Page-side: the chart's accessible name says it is drawn on a log scale. */
function logScaleShown(): boolean {
  const page = globalThis as unknown as { document: { getElementById(id: string): { getAttribute(name: string): string | null } | null } };
  return page.document.getElementById('loss-chart')?.getAttribute('aria-label')?.includes('(log scale)') === true;
}

async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate('window.__test.posted');
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', name), fullPage: true });
}

describe('Compare Runs panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;

  before(async () => {
    harness = await startPanelHarness('compare');
  });

  after(async () => {
    await harness?.close();
  });

  async function openWithComparison(): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const { json, summary } = comparisonMessage();
    await page.evaluate(`window.__test.sendFromHost(${json})`);
    await until(page, 'textIs', '#summary', summary);
    return page;
  }

  it('says how to compare runs before any arrive', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    assert.match((await page.locator('#empty').textContent()) ?? '', /Compare Runs/);
    assert.equal(await page.locator('#content').isVisible(), false);
    await page.close();
  });

  it('draws one curve per run in the theme palette, the sentence, and the table of final metrics', async () => {
    const page = await openWithComparison();
    const { runs, summary } = comparisonMessage();
    const dark = THEME_COLORS.dark;
    await until(page, 'hasPixelsOfColour', 'loss-chart', dark.blue);
    await until(page, 'hasPixelsOfColour', 'loss-chart', dark.orange);
    await until(page, 'hasPixelsOfColour', 'loss-chart', GREEN_FALLBACK);
    assert.match(summary, /^char <b>LSTM<\/b> .* reaches a training loss of 1\.6\d nats at step 2,000, 0\.1\d below char GRU · H=64 and 0\.[34]\d below char RNN · tanh · H=64\.$/);
    assert.match((await page.locator('#loss-chart').getAttribute('aria-label')) ?? '', /^Loss per character of 3 runs over training steps\. /);

    const rows = await page.locator('#metrics tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
    assert.equal(rows.length, 3);
    for (const [i, run] of runs.entries()) {
      const [model, file, cell, hidden, layers, optimizer, lr, steps, finalLoss, bestLoss, heldOut, perplexity, gradNorm, rate, status] = rows[i];
      assert.equal(model, run.label);
      assert.equal(file, 'verse.txt');
      assert.equal(cell, { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' }[run.cell]);
      assert.equal(hidden, String(DEFAULT_CONFIG.hiddenSize));
      assert.equal(layers, String(DEFAULT_CONFIG.layers));
      assert.equal(optimizer, DEFAULT_CONFIG.optimizer);
      assert.equal(lr, String(DEFAULT_CONFIG.learningRate));
      assert.equal(steps, `2,000 / ${DEFAULT_CONFIG.steps.toLocaleString('en-US')}`);
      assert.equal(finalLoss, run.finalLoss!.toFixed(3));
      assert.equal(bestLoss, run.bestLoss!.toFixed(3));
      assert.equal(heldOut, '–', 'these runs have no held-out score');
      assert.equal(perplexity, Math.exp(run.finalLoss!).toFixed(2));
      assert.equal(gradNorm, run.gradNorm!.toFixed(2));
      assert.equal(rate, run.id === 'run-lstm' ? '41.5k' : '–');
      assert.equal(status, run.status);
    }
    // The hostile label is text, never markup.
    assert.equal(await page.locator('#metrics b, #metrics img, #summary b').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    await screenshot(page, 'webview-compare.png');
    await page.close();
  });

  it('log scale redraws the y axis on a log scale and is kept with the run ids (never a path) in the saved state', async () => {
    const page = await openWithComparison();
    await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.blue);
    await page.locator('#log-y').check();
    await page.waitForFunction(logScaleShown);
    await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.blue);
    const saved = await page.evaluate('window.__test.savedState()');
    assert.deepEqual(saved, { runIds: ['run-rnn', 'run-gru', 'run-lstm'], logY: true });
    await screenshot(page, 'webview-compare-log.png');

    // After a reload the page asks the host again, with the log scale still on.
    await page.reload();
    await until(page, 'postedType', 'ready');
    assert.equal(await page.locator('#log-y').isChecked(), true);
    await page.evaluate(`window.__test.sendFromHost(${comparisonMessage().json})`);
    await page.waitForFunction(logScaleShown);
    assert.equal(await page.locator('#metrics tbody tr').count(), 3);
    await page.close();
  });

  it('a live update replaces the curves: two runs give two rows and two curves', async () => {
    const page = await openWithComparison();
    const two = comparisonMessage(INPUTS.slice(0, 2));
    await page.evaluate(`window.__test.sendFromHost(${two.json})`);
    await until(page, 'textIs', '#summary', two.summary);
    // The sentence is set on the message, the table and chart in the next frame: wait for the table the user sees.
    await until(page, 'countIs', '#metrics tbody tr', '2');
    assert.equal(await page.locator('#metrics tbody tr').count(), 2);
    await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.orange);
    await page.waitForFunction((hex) => (globalThis as unknown as { __test: { pixelsOfColour(id: string, c: string): number } }).__test.pixelsOfColour('loss-chart', hex) === 0, GREEN_FALLBACK);
    await page.close();
  });

  it('series runs: the loss is labelled MSE, perplexity and chars/s are left out; mixed units are said, not compared', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const series = [
      input('run-rnn', 'rnn', 'series RNN · H=64', mseCurve(2000, 0.02), {}, { dataKind: 'series' }),
      input('run-lstm', 'lstm', 'series LSTM · H=64', mseCurve(2000, 0.01), { status: 'training', charsPerSecond: 900 }, { dataKind: 'series' }),
    ];
    const mse = comparisonMessage(series);
    assert.match(mse.summary, /^series LSTM · H=64 reaches a training loss of 0\.0\d+ MSE per value at step 2,000, 0\.0\d+ below series RNN · H=64\.$/);
    await page.evaluate(`window.__test.sendFromHost(${mse.json})`);
    await until(page, 'textIs', '#summary', mse.summary);
    // The chart's title, the chart and the table are drawn together in the frame after the message.
    await until(page, 'textIs', '#loss-title', 'Loss (MSE per value)');
    assert.equal(await page.locator('#loss-title').textContent(), 'Loss (MSE per value)');
    assert.match((await page.locator('#loss-chart').getAttribute('aria-label')) ?? '', /^Loss \(MSE per value\) of 2 runs/);
    const table = await visibleTable(page);
    assert.deepEqual(table.head, ['Model', 'File', 'Cell', 'Hidden', 'Layers', 'Optimizer', 'Learning rate', 'Steps', 'Final loss', 'Best loss', 'Held-out loss', 'Gradient norm', 'Status']);
    assert.equal(table.rows[1].length, 13);
    assert.equal(table.rows[1][8], mse.runs[1].finalLoss!.toFixed(3));
    assert.equal(await page.locator('#unit-note').isVisible(), false);

    // A character run beside a series run: the sentence and a note say the units differ; perplexity only for the char run.
    const mixed = comparisonMessage([INPUTS[0], series[1]]);
    assert.match(mixed.summary, /^Not compared: the runs\u2019 losses are in different units \(char RNN · tanh · H=64 in nats\/char; series LSTM · H=64 in MSE per value\)\.$/);
    await page.evaluate(`window.__test.sendFromHost(${mixed.json})`);
    await until(page, 'textIs', '#summary', mixed.summary);
    await until(page, 'textIs', '#loss-title', 'Loss (different units)');
    assert.equal(await page.locator('#loss-title').textContent(), 'Loss (different units)');
    assert.match((await page.locator('#unit-note').textContent()) ?? '', /different units \(nats\/char, MSE per value\)/);
    assert.equal(await page.locator('#unit-note').isVisible(), true);
    const both = await visibleTable(page);
    const perplexity = both.head.indexOf('Perplexity');
    const rate = both.head.indexOf('Chars/s');
    assert.ok(perplexity > 0 && rate > 0, both.head.join(', '));
    assert.equal(both.rows[0][perplexity], Math.exp(mixed.runs[0].finalLoss!).toFixed(2));
    assert.equal(both.rows[1][perplexity], '–');
    assert.equal(both.rows[1][rate], '–', 'an MSE run has no characters per second');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('clicking a run asks the host for its Training panel', async () => {
    const page = await openWithComparison();
    await page.locator('#metrics tbody tr[data-run="run-gru"] button.run-link').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openRun', runId: 'run-gru' });
    await page.close();
  });

  it('follows light and high-contrast themes: recoloured curves, contrast borders on the cards', async () => {
    const page = await openWithComparison();
    const { dark, light } = THEME_COLORS;
    const hc = THEME_COLORS['high-contrast'];
    await until(page, 'hasPixelsOfColour', 'loss-chart', dark.blue);
    await page.evaluate('window.__test.setTheme("light")');
    await until(page, 'hasPixelsOfColour', 'loss-chart', light.blue);
    await until(page, 'hasPixelsOfColour', 'loss-chart', light.orange);
    assert.equal(await pixels(page, 'loss-chart', dark.blue), 0);
    await screenshot(page, 'webview-compare-light.png');
    await page.evaluate('window.__test.setTheme("high-contrast")');
    await until(page, 'hasPixelsOfColour', 'loss-chart', hc.blue);
    await until(page, 'hasPixelsOfColour', 'loss-chart', hc.orange);
    const borders = await page.evaluate(`[...document.querySelectorAll('.card')].map((e) => getComputedStyle(e).borderTopColor)`);
    assert.ok((borders as string[]).length === 2 && (borders as string[]).every((c) => c === 'rgb(111, 195, 223)'), JSON.stringify(borders));
    await screenshot(page, 'webview-compare-high-contrast.png');
    await page.close();
  });

  it('shows the host\u2019s message when the runs are gone, and how many are missing', async () => {
    const page = await openWithComparison();
    const { json } = comparisonMessage();
    await page.evaluate(`window.__test.sendFromHost(${json.replace('"missing":0', '"missing":1')})`);
    await until(page, 'textIs', '#message', '1 of the compared runs is no longer stored and not shown.');
    const fresh = await harness.open();
    await until(fresh, 'postedType', 'ready');
    await fresh.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'detached', message: 'The compared runs are no longer stored.' })})`);
    await until(fresh, 'textIs', '#message', 'The compared runs are no longer stored.');
    await page.close();
    await fresh.close();
  });

  it('a compared run deleted while the panel is open: its row goes and a line says so; when all are gone, so is the table', async () => {
    const page = await openWithComparison();
    await until(page, 'countIs', '#metrics tbody tr', '3');
    // What the host sends when the LSTM run is deleted from the Runs view.
    const two = comparisonMessage(INPUTS.slice(0, 2));
    await page.evaluate(`window.__test.sendFromHost(${two.json.replace('"missing":0', '"missing":1')})`);
    await until(page, 'textIs', '#message', '1 of the compared runs is no longer stored and not shown.');
    await until(page, 'countIs', '#metrics tbody tr', '2');
    assert.deepEqual(await page.evaluate('window.__test.savedState().runIds'), ['run-rnn', 'run-gru'], 'a reload does not ask for the deleted run');
    const gone = { type: 'showComparison', runs: [], summary: 'Nothing to compare: none of the runs is left.', missing: 3 };
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify(gone)})`);
    await until(page, 'textIs', '#message', '3 of the compared runs are no longer stored and not shown.');
    await until(page, 'hasAttribute', '#content', 'hidden');
    assert.equal(await page.locator('#empty').isVisible(), false, 'the line says what happened; the how-to is not shown over it');
    assert.deepEqual(await page.evaluate('window.__test.savedState().runIds'), []);
    await page.close();
  });

  it('raised no CSP violation and no page error in any of the above', () => {
    assert.deepEqual(harness.problems, []);
  });
});
