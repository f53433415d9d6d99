// The Trellis panel in headless Chromium, under the real page and CSP of src/base/panelHtml.ts. The test plays the
// host: it decodes casino rolls with the worker's own code, cuts windows with the host's helpers and answers the
// steps the page posts, as src/hmm/decodeFeature.ts does.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { discreteHmmToJson } from '../../src/engine/hmm';
import { casinoExample, casinoModel, posExample } from '../../src/engine/examples/hmm';
import { windowStart } from '../../src/hmm/steps';
import { sliceTrellisWindow } from '../../src/hmm/trellisWindow';
import type { HmmDecodeResult } from '../../src/shared/protocol/analysisWorker';
import { hmmDecode } from '../../src/worker/analysis';
import { formatLog } from '../../webview/trellis/decomposition';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

const STEPS = 300;
const N = 2;

type Posted = { type: string; step?: number };

async function posted(page: Page): Promise<Posted[]> {
  return page.evaluate('window.__test.posted');
}

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', name), fullPage: true });
}

/** The host's side: the decoding, the window it last sent, and answers to the page's selectStep messages. */
class FakeHost {
  from: number | undefined;
  private seen = 0;
  constructor(readonly result: HmmDecodeResult, readonly fileLabel = 'casino-rolls.txt') {}

  async show(page: Page, selected: number): Promise<void> {
    this.from = windowStart(selected, this.from, this.result.path.length);
    const view = sliceTrellisWindow(this.result, this.from, selected, this.fileLabel);
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showWindow', view })})`);
    await until(page, 'textIs', '#step-shown', String(selected + 1));
  }

  /** Waits for the next selectStep the page posts and answers it; returns the step. */
  async answer(page: Page): Promise<number> {
    await page.waitForFunction(
      (seen) => (globalThis as unknown as { __test: { posted: Posted[] } }).__test.posted.filter((m) => m.type === 'selectStep').length > seen,
      this.seen,
    ).catch((error: Error) => {
      throw new Error(`the page posted no selectStep: ${error.message}`);
    });
    const all = (await posted(page)).filter((m) => m.type === 'selectStep');
    const step = all[all.length - 1].step!;
    this.seen = all.length;
    await this.show(page, step);
    return step;
  }
}

describe('Trellis panel webview', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  let result: HmmDecodeResult;

  before(async () => {
    const ex = casinoExample(STEPS, 11);
    result = await hmmDecode(ex.symbols, { kind: 'modelJson', modelText: JSON.stringify(discreteHmmToJson(casinoModel())), modelLabel: 'casino.json' });
    harness = await startPanelHarness('trellis');
  });

  after(async () => {
    await harness?.close();
  });

  async function openWith(selected: number): Promise<{ page: Page; host: FakeHost }> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const host = new FakeHost(result);
    await host.show(page, selected);
    return { page, host };
  }

  it('says what to do before a decoding arrives, with no CSP violation', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    assert.match((await page.locator('#empty').textContent()) ?? '', /Decode Active File with HMM/);
    assert.equal(await page.locator('#content').isVisible(), false);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('draws a window of 40 steps: nodes shaded by posterior, the Viterbi path, symbols as column labels', async () => {
    const { page, host } = await openWith(120);
    const from = host.from!;
    assert.equal(from, 100);
    assert.equal(await page.locator('svg#trellis circle.node').count(), 40 * N);
    const symbols = await page.locator('svg#trellis text.symbol').allTextContents();
    assert.equal(symbols.join(''), Array.from(result.observations.subarray(from, from + 40), (o) => result.symbols[o]).join(''));
    // The Viterbi path: one highlighted node per column, in the decoded state, and a polyline through them.
    const onPath = await page.locator('svg#trellis circle.node.on-path').evaluateAll((nodes) =>
      nodes.map((n) => [Number(n.getAttribute('data-step')), Number(n.getAttribute('data-state'))]));
    assert.deepEqual(onPath, Array.from({ length: 40 }, (_, k) => [from + k, result.path[from + k]]));
    const points = ((await page.locator('#viterbi-path').getAttribute('points')) ?? '').trim().split(/\s+/);
    assert.equal(points.length, 40);
    const cy = await page.locator('svg#trellis circle.node.on-path').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('cy'))));
    assert.deepEqual(points.map((p) => Number(p.split(',')[1])), cy.map((y) => Number(y.toFixed(1))));
    // Shading follows the posterior.
    const k = 7;
    const opacity = Number(await page.locator(`circle.node[data-step="${from + k}"][data-state="1"]`).getAttribute('fill-opacity'));
    assert.ok(Math.abs(opacity - (0.06 + 0.94 * result.posteriors[(from + k) * N + 1])) < 0.002);
    assert.equal(await page.locator('#path-log-probability').textContent(), formatLog(result.pathLogProbability));
    assert.equal(await page.locator('rect.col.selected').getAttribute('data-step'), '120');
    await screenshot(page, 'webview-trellis.png');
    await page.evaluate('window.__test.setTheme("light")');
    await screenshot(page, 'webview-trellis-light.png');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('hovering a node shows its back-pointer and the decomposition: previous total + log A + log B = δ', async () => {
    const { page, host } = await openWith(120);
    const t = host.from! + 9;
    const j = 1 - result.path[t]; // a node off the path, so its numbers differ from the selected one's
    await page.locator(`circle.node[data-step="${t}"][data-state="${j}"]`).hover();
    await page.locator('#decomposition-title', { hasText: '(hovered)' }).waitFor();
    const psi = result.backpointers[t * N + j];
    assert.equal(await page.locator('#backpointer').getAttribute('visibility'), 'visible');
    assert.equal(await page.locator('#backpointer').getAttribute('data-from-state'), String(psi));
    const cells = await page.locator('#decomposition-table tr td.num').allTextContents();
    const m = result.symbols.length;
    const logA = result.logTransition[psi * N + j];
    const logB = result.logEmission[j * m + result.observations[t]];
    const delta = result.delta[t * N + j];
    const values = cells.filter((_, i) => i % 2 === 0);
    assert.deepEqual(values, [formatLog(result.delta[(t - 1) * N + psi]), formatLog(logA), formatLog(logB), formatLog(delta)]);
    assert.match((await page.locator('#decomposition-title').textContent()) ?? '', new RegExp(`Step ${t + 1}, state ${result.states[j]}`));
    await screenshot(page, 'webview-trellis-hover.png');
    // Leaving the node shows the selected step's Viterbi node again.
    await page.mouse.move(5, 5);
    await page.locator('#decomposition-title', { hasText: '(selected)' }).waitFor();
    await page.close();
  });

  it('clicking a column posts its step and selects it', async () => {
    const { page, host } = await openWith(120);
    const target = host.from! + 25;
    await page.locator(`text.symbol[data-step="${target}"]`).click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'selectStep', step: target });
    assert.equal(await page.locator('rect.col.selected').getAttribute('data-step'), String(target));
    assert.equal(await host.answer(page), target);
    assert.equal(host.from, 100, 'inside the window: it does not move');
    await page.close();
  });

  it('the window moves with the selection: next window, prev/next near an edge, the step field', async () => {
    const { page, host } = await openWith(120);
    await page.locator('#next-window').click();
    assert.equal(await host.answer(page), 160);
    assert.equal(host.from, 140);
    assert.equal(await page.locator('#window-range').textContent(), 'showing steps 141–180');
    assert.equal(await page.locator('rect.col').first().getAttribute('data-step'), '140');
    for (let i = 0; i < 17; i++) {
      await page.locator('#next').click();
      await host.answer(page);
    }
    assert.equal(host.from, 156, 'recentred when the selection reached the margin');
    await page.locator('#step').fill('300');
    await page.locator('#step').press('Enter');
    assert.equal(await host.answer(page), 299);
    assert.equal(host.from, STEPS - 40);
    assert.equal(await page.locator('#next').isDisabled(), true);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('after a reload, redraws the saved window before the host answers, and shows why it is detached', async () => {
    const { page, host } = await openWith(200);
    const before = await page.locator('svg#trellis').innerHTML();
    await page.reload();
    await until(page, 'postedType', 'ready');
    await until(page, 'textIs', '#step-shown', '201');
    assert.equal(await page.locator('svg#trellis').innerHTML(), before);
    assert.equal(await page.locator('#window-range').textContent(), `showing steps ${host.from! + 1}–${host.from! + 40}`);
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'detached', message: 'The decoding ended with the window reload.' })})`);
    await page.locator('#message', { hasText: 'ended with the window reload' }).waitFor();
    await page.reload();
    await page.locator('#message', { hasText: 'ended with the window reload' }).waitFor();
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('a tagger over words: seven states, whole words as slanted column labels', async () => {
    const tagged = await hmmDecode(posExample(30, 1).text, { kind: 'tagged' });
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const host = new FakeHost(tagged, 'pos-tagged.tsv');
    await host.show(page, 12);
    assert.equal(await page.locator('svg#trellis circle.node').count(), 40 * tagged.states.length);
    const labels = await page.locator('svg#trellis text.symbol').allTextContents();
    assert.deepEqual(labels, Array.from(tagged.observations.subarray(0, 40), (o) => tagged.symbols[o]));
    assert.ok(await page.locator('svg#trellis text.symbol[transform]').count() === 40, 'slanted');
    await screenshot(page, 'webview-trellis-tagged.png');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('in a narrow panel the state names stay in view while the trellis scrolls under them', async () => {
    const tagged = await hmmDecode(posExample(30, 1).text, { kind: 'tagged' });
    const page = await harness.open();
    await page.setViewportSize({ width: 420, height: 700 });
    await until(page, 'postedType', 'ready');
    const host = new FakeHost(tagged, 'pos-tagged.tsv');
    await host.show(page, 12);
    const wrap = page.locator('#trellis-wrap');
    const scrollWidth = await wrap.evaluate((w) => w.scrollWidth - w.clientWidth);
    assert.ok(scrollWidth > 200, `the trellis is wider than the panel (${scrollWidth} px to scroll)`);
    await wrap.evaluate((w) => { w.scrollLeft = w.scrollWidth; });
    // A function, not a string: the panel's CSP forbids eval.
    type Doc = { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
    await page.waitForFunction(() =>
      ((globalThis as unknown as { document: Doc }).document.querySelector('#state-labels')?.getAttribute('transform') ?? '') !== 'translate(0 0)');
    const box = (await wrap.boundingBox())!;
    const first = (await page.locator('svg#trellis text.state-label').first().boundingBox())!;
    assert.ok(first.x >= box.x - 1 && first.x + first.width <= box.x + box.width, `the first state name is inside the visible panel (${first.x} in ${box.x}..${box.x + box.width})`);
    // A node of the first step has scrolled out of view to the left, under the names.
    const node = (await page.locator('svg#trellis circle.node').first().boundingBox())!;
    assert.ok(node.x + node.width < box.x, 'the first column scrolled out of view');
    await screenshot(page, 'webview-trellis-narrow.png');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('ignores malformed windows', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    // sendFromHost resolves once the page has handled the message: had it accepted the window, it would show now.
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showWindow', view: { states: ['a'], symbols: ['x'], path: [0, 1] } })})`);
    assert.equal(await page.locator('#content').isVisible(), false);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
