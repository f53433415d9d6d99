// The Model view as a user gets it, in a real VS Code workbench (code-server): open examples/verse.txt, open the
// Sequence Lab sidebar, set the hidden size in the Model view and press Train; the Runs view lists the run with that
// hidden size. Then right-click the run → Duplicate with Changes…: the Model view shows the run's settings and says
// it is duplicating it. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  REPO_ROOT, chooseFromContextMenu, dialogs, makeProfile, notifications, openFile, packageVsix, seconds,
  webviewCspViolations, webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { openInstalledWorkbench, workbenchSession } from './workbenchSession';

const workspace = path.join(REPO_ROOT, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const FILE = 'verse.txt';
const session = workbenchSession('e2e-model-view-failure.png');

/** The Runs view's rows on FILE whose text matches `text`, once there is one. */
async function runRow(page: Page, text: RegExp, timeout: number): Promise<Locator> {
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) });
  const deadline = Date.now() + timeout;
  for (;;) {
    const rows = view.locator('.monaco-list-row', { hasText: FILE }).filter({ hasText: text });
    if ((await rows.count().catch(() => 0)) >= 1) return rows.first();
    if (Date.now() > deadline) {
      const all = await view.locator('.monaco-list-row').allInnerTexts().catch(() => []);
      assert.fail(`no Runs row on ${FILE} matching ${text} within ${timeout / 1000} s; rows: ${JSON.stringify(all)}, `
        + `notifications: ${JSON.stringify(await notifications(page))}, dialogs: ${JSON.stringify(await dialogs(page))}`);
    }
    await page.waitForTimeout(250);
  }
}

/** Waits (generously: a busy machine) until a text field shows `value`; the assertion after it says what it shows. */
async function untilValue(page: Page, input: Locator, value: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await page.waitForTimeout(100)) {
    if ((await input.inputValue().catch(() => '')) === value) return;
  }
}

test('set the hidden size in the Model view, Train, and the Runs view lists the run; Duplicate with Changes… refills the form', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const vsix = packageVsix({ root: REPO_ROOT, reuseFresh: true });
  const dirs = makeProfile({ settings: { 'sequenceLab.training.maxSteps': 100, 'sequenceLab.training.hiddenSize': 16 } });
  const { page } = await openInstalledWorkbench(session, vsix, dirs, workspace);
  await openFile(page, FILE);
  phase(`opened ${FILE}`);

  await page.locator('.activitybar [aria-label^="Sequence Lab"]').first().click();
  const form = await webviewFrame(page, { selector: '#model-view', timeout: 60_000 });
  await form.locator('#target', { hasText: `Train on: ${FILE}` }).waitFor({ timeout: 30_000 });
  // The defaults come from the settings of this profile.
  await untilValue(page, form.locator('#hiddenSize input'), '16');
  assert.equal(await form.locator('#hiddenSize input').inputValue(), '16');
  await form.locator('#hiddenSize input').fill('24');
  await form.locator('vscode-button#train:not([disabled])').waitFor({ timeout: 15_000 });
  await form.locator('vscode-button#train').click();
  phase('pressed Train with H = 24');

  const row = await runRow(page, /H=24/, 180_000);
  phase(`Runs view: ${await row.innerText()}`);
  await runRow(page, /H=24.*completed|completed.*H=24/s, 180_000);
  assert.deepEqual(await webviewCspViolations(page, '#model-view'), [], 'CSP violations in the Model view');

  // Right-click the run → Duplicate with Changes…
  const done = await runRow(page, /H=24/, 10_000);
  await chooseFromContextMenu(page, done, 'Duplicate with Changes…');
  const again = await webviewFrame(page, { selector: '#model-view', timeout: 60_000 });
  await again.locator('#duplicate-note', { hasText: /^Duplicating char RNN .*H=24 on verse\.txt — change settings and Train$/ }).waitFor({ timeout: 30_000 });
  // The form shows the run's values in its fields on the toolkit's next frame, after the note.
  await untilValue(page, again.locator('#hiddenSize input'), '24');
  assert.equal(await again.locator('#hiddenSize input').inputValue(), '24');
  phase(`duplicating: ${await again.locator('#duplicate-note').innerText()}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-model-view.png'), fullPage: true });
  session.passed = true;
});
