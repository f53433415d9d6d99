// Runs outlive the window (issue 6), in a real VS Code workbench (code-server 4.100.3) driven through chromium:
// train on a text file, stop, run "Developer: Reload Window", and the run is still in the Runs view, stopped, with its
// step. Then right-click → Resume trains it on from its checkpoint, reloading while it trains shows it as
// interrupted, and right-click → Delete (after a modal) empties the view. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  REPO_ROOT, dialogs, installVsix, launchBrowser, makeProfile, notifications, openFile, openWorkbench, packageVsix,
  runCommand, seconds, startCodeServer,
} from '../../scripts/vscode-harness.mjs';
import { workbenchSession } from './workbenchSession';

const workspace = path.join(REPO_ROOT, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const FILE = 'verse.txt';

const session = workbenchSession('e2e-runs-reload-failure.png');

async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(resultsDir, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${path.relative(REPO_ROOT, file)}`);
}

/** The Runs view's row of the run on FILE whose text matches `status`, once it shows (the view is opened first). */
async function runRow(page: Page, status: RegExp, timeout: number): Promise<Locator> {
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) });
  const deadline = Date.now() + timeout;
  for (;;) {
    // The activity bar entry toggles the side bar: click it only while the Runs view is not showing.
    if (!(await view.first().isVisible().catch(() => false))) {
      await page.locator('.activitybar [aria-label^="Sequence Lab"]').first().click();
    }
    const row = view.locator('.monaco-list-row', { hasText: FILE }).filter({ hasText: status });
    if ((await row.count().catch(() => 0)) > 0) return row.first();
    if (Date.now() > deadline) {
      const rows = await view.locator('.monaco-list-row').allInnerTexts().catch(() => []);
      assert.fail(`no Runs row on ${FILE} matching ${status} within ${timeout / 1000} s; rows: ${JSON.stringify(rows)}, `
        + `notifications: ${JSON.stringify(await notifications(page))}, dialogs: ${JSON.stringify(await dialogs(page))}`);
    }
    await page.waitForTimeout(250);
  }
}

/** The step a Runs row shows ("… · step 1,234 · …"). */
async function stepOf(row: Locator): Promise<number> {
  const match = /step ([\d,]+)/.exec(await row.innerText());
  assert.ok(match, `no step in ${JSON.stringify(await row.innerText())}`);
  return Number(match[1].replace(/,/g, ''));
}

async function reloadWindow(page: Page): Promise<void> {
  await runCommand(page, 'Developer: Reload Window');
  // The page navigates: wait for the new workbench, not the old one still on screen.
  await page.waitForEvent('load', { timeout: 60_000 }).catch(() => {});
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
}

test('a stopped run is still in the Runs view after Reload Window, resumes, is interrupted by a reload, and is deleted', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const vsix = packageVsix({ root: REPO_ROOT, reuseFresh: true });
  // A run that never ends by itself, with a checkpoint every 20 steps so a reload mid-run has one to resume from.
  const dirs = makeProfile({
    settings: { 'sequenceLab.training.maxSteps': 10_000_000, 'sequenceLab.training.checkpointEvery': 20, 'sequenceLab.training.hiddenSize': 16 },
  });
  await installVsix(vsix, dirs);
  const server = (session.server = await startCodeServer({ workspace, dirs }));
  const { page } = (session.browser = await launchBrowser());
  await openWorkbench(page, server.url, workspace);
  await openFile(page, FILE);
  phase(`opened ${FILE}`);

  await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
  const training = await runRow(page, /training · step [1-9]/, 120_000);
  phase(`training: ${JSON.stringify(await training.innerText())}`);
  // Let it pass a few checkpoints, then stop it from the command palette.
  for (const deadline = Date.now() + 120_000; (await stepOf(training)) < 100;) {
    if (Date.now() > deadline) assert.fail('the run did not reach step 100 within 120 s');
    await page.waitForTimeout(500);
  }
  await runCommand(page, 'Sequence Lab: Stop Training');
  const stopped = await runRow(page, /stopped/, 60_000);
  // The stored step follows the final checkpoint, posted right after the stop.
  await page.waitForTimeout(1500);
  const stoppedStep = await stepOf(stopped);
  phase(`stopped: ${JSON.stringify(await stopped.innerText())}`);

  await reloadWindow(page);
  phase('reloaded');
  const afterReload = await runRow(page, /stopped/, 90_000);
  const text = await afterReload.innerText();
  phase(`after reload: ${JSON.stringify(text)}`);
  assert.match(text, /char RNN/);
  assert.ok((await stepOf(afterReload)) >= stoppedStep - 1, `step ${await stepOf(afterReload)} after reload, ${stoppedStep} before`);
  await screenshot(page, 'e2e-runs-after-reload.png');

  // Right-click → Resume: the run trains on from its checkpoint, in the same Runs row.
  await afterReload.click({ button: 'right' });
  // The context menu takes keys: hover highlights Resume, Enter runs it (a click on the label is not always taken).
  const resume = page.locator('.context-view .action-item', { hasText: /^\s*Resume\s*$/ }).first();
  await resume.hover({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await resume.waitFor({ state: 'hidden', timeout: 10_000 });
  phase('Resume clicked');
  const resumed = await runRow(page, /training/, 120_000);
  for (const deadline = Date.now() + 120_000; (await stepOf(resumed)) <= stoppedStep + 40;) {
    if (Date.now() > deadline) assert.fail(`the resumed run did not get past step ${stoppedStep + 40} within 120 s: ${JSON.stringify(await resumed.innerText())}`);
    await page.waitForTimeout(500);
  }
  phase(`resumed: ${JSON.stringify(await resumed.innerText())}`);

  // The window dies while the run trains: after the reload it is interrupted, with a checkpoint to resume from.
  await reloadWindow(page);
  const interrupted = await runRow(page, /interrupted/, 90_000);
  phase(`after reload mid-run: ${JSON.stringify(await interrupted.innerText())}`);
  assert.ok((await stepOf(interrupted)) > stoppedStep, 'the interrupted run kept the steps it trained after resuming');
  await screenshot(page, 'e2e-runs-interrupted.png');

  // Right-click → Delete asks first (modal), then the run and its folder are gone: the view is empty again.
  await interrupted.click({ button: 'right' });
  const del = page.locator('.context-view .action-item', { hasText: /^\s*Delete\s*$/ }).first();
  await del.hover({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await dialog.innerText(), /Delete the run of char RNN .* on verse\.txt\?/);
  await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
  await page.locator('.pane-body .welcome-view-content', { hasText: 'No training runs in this workspace yet' }).first()
    .waitFor({ state: 'visible', timeout: 15_000 });
  phase('deleted: the Runs view shows its welcome text');
  session.passed = true;
});
