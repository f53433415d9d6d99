// Compare Runs in a real VS Code workbench (code-server 4.100.3) driven through chromium: train an RNN and then an
// LSTM on examples/verse.txt (same seed, 200 steps each), select both rows in the Runs view (click, Ctrl+click),
// right-click → Compare Runs, and the Compare Runs panel shows two curves in two colours, two table rows and the
// sentence saying which reached the lower loss. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  REPO_ROOT, chooseFromContextMenu, dialogs, makeProfile, notifications, openFile, packageVsix, runCommand, seconds,
  webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { openInstalledWorkbench, workbenchSession } from './workbenchSession';

const workspace = path.join(REPO_ROOT, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const FILE = 'verse.txt';

const session = workbenchSession('e2e-compare-runs-failure.png');

/** The Runs view's rows on FILE whose text matches `text`, once there are `count` of them. */
async function runRows(page: Page, text: RegExp, count: number, timeout: number): Promise<Locator> {
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) });
  const deadline = Date.now() + timeout;
  for (;;) {
    if (!(await view.first().isVisible().catch(() => false))) {
      await page.locator('.activitybar [aria-label^="Sequence Lab"]').first().click();
    }
    const rows = view.locator('.monaco-list-row', { hasText: FILE }).filter({ hasText: text });
    if ((await rows.count().catch(() => 0)) >= count) return rows;
    if (Date.now() > deadline) {
      const all = await view.locator('.monaco-list-row').allInnerTexts().catch(() => []);
      assert.fail(`fewer than ${count} Runs rows on ${FILE} matching ${text} within ${timeout / 1000} s; rows: ${JSON.stringify(all)}, `
        + `notifications: ${JSON.stringify(await notifications(page))}, dialogs: ${JSON.stringify(await dialogs(page))}`);
    }
    await page.waitForTimeout(250);
  }
}

/** Picks the row of the open quick pick whose text starts with `label`. */
async function pick(page: Page, label: RegExp): Promise<void> {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/** The DOM this test touches inside the webview (the host-side tsconfig has no DOM types). */
interface Canvas2d {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
interface PageDom {
  document: { body: object; createElement(tag: string): { style: { color: string }; remove(): void } & object };
  getComputedStyle(element: object): { color: string; getPropertyValue(name: string): string };
}

/**
 * Runs in the webview: for each CSS variable, the canvas pixels within a small distance of its colour. No nested
 * named functions: tsx would wrap them in a helper (__name) that the webview does not have.
 */
function runColourPixels(canvas: unknown, names: string[]): number[] {
  const dom = globalThis as unknown as PageDom;
  const body = dom.document.body as { append(node: object): void };
  const c = canvas as Canvas2d;
  const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
  const counts: number[] = [];
  for (const name of names) {
    const probe = dom.document.createElement('span');
    probe.style.color = dom.getComputedStyle(dom.document.body).getPropertyValue(name).trim();
    body.append(probe);
    const [r, g, b] = (dom.getComputedStyle(probe).color.match(/\d+/g) ?? []).map(Number);
    probe.remove();
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40) n++;
    }
    counts.push(n);
  }
  return counts;
}

test('two runs selected in the Runs view → Compare Runs shows both curves, the table and the comparison', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const vsix = packageVsix({ root: REPO_ROOT, reuseFresh: true });
  const dirs = makeProfile({
    settings: { 'sequenceLab.training.maxSteps': 200, 'sequenceLab.training.hiddenSize': 16, 'sequenceLab.training.model': 'rnn' },
  });
  const { page } = await openInstalledWorkbench(session, vsix, dirs, workspace);
  await openFile(page, FILE);
  phase(`opened ${FILE}`);

  await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
  await runRows(page, /char RNN.*completed/, 1, 180_000);
  phase('the RNN run completed');

  // The LSTM, same settings otherwise: Train Model on Active File… asks cell, hidden size and layers.
  await openFile(page, FILE);
  await runCommand(page, 'Sequence Lab: Train Model on Active File…', { timeout: 60_000 });
  await pick(page, /^\s*LSTM/);
  await pick(page, /^\s*H = 16\b/);
  await pick(page, /^\s*1 layer\b/);
  const done = await runRows(page, /completed/, 2, 240_000);
  phase(`both completed: ${JSON.stringify(await done.allInnerTexts())}`);

  // Select both (click, Ctrl+click) and right-click → Compare Runs.
  const rnnRow = done.filter({ hasText: /char RNN/ }).first();
  const lstmRow = done.filter({ hasText: /char LSTM/ }).first();
  await rnnRow.click();
  await lstmRow.click({ modifiers: ['Control'] });
  // What the user sees before the right-click: both rows highlighted as selected.
  const selectedBy = Date.now() + 10_000;
  while ((await rnnRow.getAttribute('aria-selected')) !== 'true' || (await lstmRow.getAttribute('aria-selected')) !== 'true') {
    assert.ok(Date.now() < selectedBy, `both runs selected: ${JSON.stringify(await done.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-selected'))))}`);
    await page.waitForTimeout(100);
  }
  await chooseFromContextMenu(page, lstmRow, 'Compare Runs');
  phase('Compare Runs chosen');

  const panel = await webviewFrame(page, { selector: '#compare', timeout: 60_000 });
  await panel.locator('#metrics tbody tr').nth(1).waitFor({ timeout: 30_000 });
  assert.equal(await panel.locator('#metrics tbody tr').count(), 2);
  const models = await panel.locator('#metrics tbody tr td:first-child').allInnerTexts();
  assert.ok(models.some((m) => /LSTM/.test(m)) && models.some((m) => /RNN/.test(m)), JSON.stringify(models));
  const summary = await panel.locator('#summary').innerText();
  assert.match(summary, /^char (RNN|LSTM).* reaches a (training|held-out) loss of \d\.\d\d nats at step 200, \d\.\d\d below char (RNN|LSTM).*\.$/);
  const label = (await panel.locator('#loss-chart').getAttribute('aria-label')) ?? '';
  assert.match(label, /^Loss per character of 2 runs/);
  // Two curves, each in its theme colour: pixels of --vscode-charts-blue and --vscode-charts-orange on the canvas.
  const counts = await panel.locator('#loss-chart').evaluate(runColourPixels, ['--vscode-charts-blue', '--vscode-charts-orange']);
  assert.ok(counts.every((n) => n > 50), `pixels of the two run colours: ${JSON.stringify(counts)}`);
  phase(`compared: ${summary}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-compare-runs.png'), fullPage: true });
  session.passed = true;
});
