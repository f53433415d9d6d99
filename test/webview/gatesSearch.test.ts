// The Gates panel's "Search the whole file" card in headless Chromium, under the real page and CSP. The test plays
// the host with a synthetic character RNN window whose units 3 and 6 of h are on (0.9) at every 'a' and 't': a user
// drags across "at", sees what will be searched, starts the search (the page posts exactly the units, threshold and
// stretch length, and names no file), sees progress and can cancel; the host's results are listed best first with
// score, line:col and preview; a click, Next and Previous ask the host for that match; the host's current match is
// highlighted; the list survives a reload; the host's "file changed" clears it. The host's validator accepts every
// message the page posts and refuses malformed ones.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { gatesView } from '../../src/panels/gatesView';
import { parseGatesPanelMessage, type GatesView, type UnitSearchResults } from '../../src/shared/protocol/gatesPanel';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

const T = 64;
const H = 8;
const tokens = [...'the cat sat on the mat.\nthe dog dug a log. a frog on a log. the end of it all'].slice(0, T);

function synthetic(): GatesView {
  const values = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) values[t * H + j] = (j === 2 || j === 5) && (tokens[t] === 'a' || tokens[t] === 't') ? 0.9 : -0.5;
  }
  return gatesView(
    {
      step: 120, start: 0, length: T, cell: 'rnn', layers: 1, hiddenSize: H, series: ['h'], values, tokens,
      topChars: tokens.flatMap(() => ['e', 'a', ' ', 't', 'o']), topProbabilities: Float32Array.from(tokens.flatMap(() => [0.4, 0.2, 0.1, 0.05, 0.01])),
    },
    'char RNN · H=8 on verse.txt',
    undefined,
  );
}
const view = synthetic();
const wire = (v: GatesView) => ({ ...v, values: Array.from(v.values), topProbabilities: Array.from(v.topProbabilities) });
/** As postMessage delivers the host's results (typed arrays as plain arrays through the test's JSON). */
const results: UnitSearchResults = {
  lines: Int32Array.from([412, 7, 9001]), columns: Int32Array.from([3, 1, 40]), lengths: Int32Array.from([2, 2, 5]),
  scores: Float32Array.from([1, 1, 0.4]), previews: ['the ca«at»s came', 'a b«at»⏎', 'x«tatat»y'],
  total: 17, steps: 1_048_576, seconds: 2.5, query: 'units 3, 6 of layer 1 h_t all ≥ 0.5, ranked by closeness to 2 steps', current: -1,
};
const wireResults = { ...results, lines: [...results.lines], columns: [...results.columns], lengths: [...results.lengths], scores: [...results.scores] };

it('the host validates the search messages: well-formed ones pass, anything naming a file or malformed is refused', () => {
  const ok = { type: 'searchFile', layer: 0, series: 'h', units: [2, 5], threshold: 0.5, queryLength: 2 };
  assert.deepEqual(parseGatesPanelMessage(ok), ok);
  for (const bad of [
    { ...ok, file: '/etc/passwd' }, { ...ok, series: 'i' }, { ...ok, units: [] }, { ...ok, units: [2, 2] }, { ...ok, units: [1.5] },
    { ...ok, units: [-1] }, { ...ok, units: '2,5' }, { ...ok, threshold: Number.NaN }, { ...ok, threshold: '0.5' }, { ...ok, queryLength: 0 },
    { ...ok, queryLength: 1000 }, { ...ok, layer: -1 }, { type: 'showMatch', index: -1 }, { type: 'showMatch', index: 0.5 },
    { type: 'stepMatch', direction: 2 }, { type: 'cancelSearch', now: true },
  ]) assert.equal(parseGatesPanelMessage(bad), undefined, JSON.stringify(bad));
  assert.deepEqual(parseGatesPanelMessage({ type: 'stepMatch', direction: -1 }), { type: 'stepMatch', direction: -1 });
});

describe('Gates panel: search the whole file', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('gates');
  });
  after(async () => {
    await harness?.close();
  });

  const posted = (page: Page) => page.evaluate(() => (globalThis as unknown as { __test: { posted: Record<string, unknown>[] } }).__test.posted);
  const fromHost = (page: Page, m: unknown) => page.evaluate(`window.__test.sendFromHost(${JSON.stringify(m)})`);
  /** The centre of cell (t, j) in page coordinates (geometry of webview/gates/heatmap.ts). */
  async function cellPoint(page: Page, t: number, j: number): Promise<{ x: number; y: number }> {
    const box = (await page.locator('#heatmap').boundingBox())!;
    const cellW = (box.width - 34 - 4) / T;
    return { x: box.x + 34 + (t + 0.5) * cellW, y: box.y + 10 + (j + 0.5) * 12 };
  }
  const rows = (page: Page) => page.locator('#search-results tr[data-index]').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));

  it('searches the units on across a dragged stretch, shows progress, lists the ranked matches and asks for next/previous', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await fromHost(page, { type: 'showActivations', view: wire(view) });
    await page.locator('#search-why', { hasText: 'Drag across a stretch of steps' }).waitFor();
    await until(page, 'hasAttribute', '#search-file', 'disabled');

    const cat = tokens.indexOf('c') + 1; // "at" of "cat"
    const a = await cellPoint(page, cat, 0);
    const b = await cellPoint(page, cat + 1, 0);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    await page.locator('#search-why', { hasText: 'units 3, 6 of layer 1 h_t are all ≥ 0.5, ranked by how close each stretch\'s length is to the 2 steps selected' }).waitFor();
    await page.waitForFunction(() =>
      !(globalThis as unknown as { document: { querySelector(s: string): { hasAttribute(n: string): boolean } } }).document.querySelector('#search-file')!.hasAttribute('disabled'));

    await page.locator('#search-file').click();
    await until(page, 'postedType', 'searchFile');
    const search = (await posted(page)).find((m) => m.type === 'searchFile');
    assert.deepEqual(search, { type: 'searchFile', layer: 0, series: 'h', units: [2, 5], threshold: 0.5, queryLength: 2 });
    await page.locator('#search-cancel').waitFor({ state: 'visible' });
    await fromHost(page, { type: 'searchProgress', share: 0.4 });
    await until(page, 'textIs', '#search-status', 'Searching… 40%');
    assert.equal(await page.locator('#search-progress').isVisible(), true);
    await page.locator('#search-cancel').click();
    await until(page, 'postedType', 'cancelSearch');
    await fromHost(page, { type: 'searchEnded', message: 'Search cancelled.' });
    await until(page, 'textIs', '#search-status', 'Search cancelled.');
    await page.locator('#search-cancel').waitFor({ state: 'hidden' });

    await page.locator('#search-file').click();
    await fromHost(page, { type: 'searchResults', results: wireResults });
    await page.locator('#search-status', { hasText: '17 stretches of the 1048576 steps have units 3, 6 of layer 1 h_t all ≥ 0.5, ranked by closeness to 2 steps (the best 3 listed), searched in 2.5 s.' }).waitFor();
    assert.doesNotMatch(await page.locator('#search-status').innerText(), /pieces/, 'one piece: the states are a trace\'s, nothing to say');
    // Read in pieces side by side, then checked: the status says how, and that the values are a whole read's.
    await fromHost(page, { type: 'searchResults', results: { ...wireResults, pieces: 64, warmup: 64, reread: 0 } });
    await page.locator('#search-status', {
      hasText: 'For speed the file was read in 64 pieces side by side, each from a zero state 64 steps before it; each piece\'s state was then checked against the one carried from the file\'s start, and all agreed to within 1e-6, so every value is the one a single read of the whole file gives.',
    }).waitFor();
    await fromHost(page, { type: 'searchResults', results: { ...wireResults, pieces: 64, warmup: 64, reread: 1234 } });
    await page.locator('#search-status', {
      hasText: 'and 1234 steps were read again from it where they differed by more than 1e-6, so every value is the one a single read of the whole file gives.',
    }).waitFor();
    assert.deepEqual(await rows(page), [
      ['1', '1.00', '412:3', '2', 'the ca«at»s came'],
      ['2', '1.00', '7:1', '2', 'a b«at»⏎'],
      ['3', '0.40', '9001:40', '5', 'x«tatat»y'],
    ]);
    await page.locator('#search-cancel').waitFor({ state: 'hidden' });

    await page.locator('#search-results tr[data-index="1"]').click();
    await page.locator('#search-next').click();
    await page.locator('#search-previous').click();
    await page.locator('#search-results tr[data-index="2"]').press('Enter');
    const asked = (await posted(page)).filter((m) => m.type === 'showMatch' || m.type === 'stepMatch');
    assert.deepEqual(asked, [
      { type: 'showMatch', index: 1 }, { type: 'stepMatch', direction: 1 }, { type: 'stepMatch', direction: -1 }, { type: 'showMatch', index: 2 },
    ]);
    await fromHost(page, { type: 'searchCurrent', index: 1 });
    await page.locator('#search-results tr.current[data-index="1"]').waitFor();
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.locator('#search').screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-gates-search.png') });

    await page.reload();
    await page.locator('#search-results tr.current[data-index="1"]').waitFor();
    assert.equal((await rows(page)).length, 3, 'the list is back after a reload');
    await fromHost(page, { type: 'searchEnded', message: 'The file changed since the search: its matches were cleared. Search again.' });
    await until(page, 'countIs', '#search-results tr[data-index]', '0');
    for (const m of await posted(page)) assert.deepEqual(parseGatesPanelMessage(m), m, 'every posted message passes the host\'s validator');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
