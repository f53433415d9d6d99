// The `browser` entry in a real workbench (issue 17): code-server 4.100.3 with the extension forced into its web
// worker extension host (settings extensions.webWorker and remote.extensionKind = ["web"]), so dist/web/extension.js
// runs in a browser Web Worker and trains in a nested Web Worker (dist/web/worker.js). Trains from the command
// palette on an example file and waits for the loss to fall in the Training panel, then opens the Gates panel on the
// running LSTM. The stopped run is in the Runs view, where Reveal Checkpoint Folder answers with the web build's
// message, which only the web entry has (proof the web entry, not the Node one, is running); after Developer: Reload Window it is
// still there with its step: stored through workspace.fs in the extension's storage (src/training/webRunStore.ts);
// Resume on it trains it on from its checkpoint.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  REPO_ROOT, chooseFromContextMenu, notifications, numberIn, openFile, runCommand, seconds, waitForLossToFall,
  webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { openWebWorkbench, workbenchSession } from './workbenchSession';

// A copy of examples/: the test exports a PyTorch project into it.
const workspace = mkdtempSync(path.join(os.tmpdir(), 'seqlab-web-host-'));
cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
after(() => rmSync(workspace, { recursive: true, force: true }));
const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-web-host-failure.png');
const LOSS_TIMEOUT_MS = 180_000;

/** The Runs view's row on verse.txt matching `status`, once it shows (the Sequence Lab side bar is opened first). */
async function runRow(page: Page, status: RegExp, timeout: number): Promise<Locator> {
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) });
  const deadline = Date.now() + timeout;
  for (;;) {
    if (!(await view.first().isVisible().catch(() => false))) await page.locator('.activitybar [aria-label^="Sequence Lab"]').first().click();
    const row = view.locator('.monaco-list-row', { hasText: 'verse.txt' }).filter({ hasText: status });
    if ((await row.count().catch(() => 0)) > 0) return row.first();
    if (Date.now() > deadline) {
      assert.fail(`no Runs row on verse.txt matching ${status}: ${JSON.stringify(await view.locator('.monaco-list-row').allInnerTexts().catch(() => []))}, notifications ${JSON.stringify(await notifications(page))}`);
    }
    await page.waitForTimeout(250);
  }
}

async function stepOf(row: Locator): Promise<number> {
  const match = /step ([\d,]+)/.exec(await row.innerText());
  assert.ok(match, `no step in ${JSON.stringify(await row.innerText())}`);
  return Number(match[1].replace(/,/g, ''));
}

/** The statuses in the run.json files the extension stored under `dir` (its storage in code-server's user data). */
function storedStatuses(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.includes('sequence-lab.sequence-lab') && path.basename(f) === 'run.json')
    .map((f) => String((JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { status?: unknown }).status));
}

test('the web extension trains in a Web Worker from the command palette in code-server\'s web worker extension host', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const { page, dirs } = await openWebWorkbench(session, workspace, {
    'sequenceLab.training.model': 'lstm',
    'sequenceLab.training.hiddenSize': 32,
    'sequenceLab.training.maxSteps': 10_000_000,
  });
  phase('workbench open');
  await openFile(page, 'verse.txt');
  await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
  phase('ran Train Character Model');
  const panel = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
  const fell = await waitForLossToFall(page, panel, { timeout: LOSS_TIMEOUT_MS });
  phase(`loss fell: first ${fell.first} -> ${fell.loss}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-web-host-training.png'), fullPage: true });

  // The Gates panel traces a window of verse.txt in the Web Worker, as on the desktop: the LSTM's forget gate drawn
  // with its saturation reading.
  await openFile(page, 'verse.txt');
  await runCommand(page, 'Sequence Lab: Show LSTM/GRU Gates', { timeout: 30_000 });
  const gates = await webviewFrame(page, { selector: '#heatmap', timeout: 60_000 });
  await gates.locator('#map-title', { hasText: 'forget gate f' }).first().waitFor({ timeout: 60_000 });
  const reading = await gates.locator('#reading').first().innerText();
  assert.match(reading, /^The forget gate is open \(> 0\.9\) \d+% and closed \(< 0\.1\) \d+% of the time/);
  assert.match(await gates.locator('#labels').first().innerText(), /char LSTM .* on verse\.txt · step \d+ · characters \d+–\d+/);
  assert.equal(await gates.locator('#saturation td').count(), 5 * 3, 'saturation rows for i, f, g, o, h');
  phase(`Gates panel: ${JSON.stringify(reading.slice(0, 80))}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-web-host-gates.png'), fullPage: true });

  await runCommand(page, 'Sequence Lab: Stop Training', { timeout: 30_000 });
  const stoppedRow = await runRow(page, /stopped · step [1-9]/, 30_000);
  const stopped = await stepOf(stoppedRow);
  phase(`Runs view: stopped at step ${stopped}`);
  // Right-click → Reveal Checkpoint Folder answers with the web build's message (only the web entry has it: proof
  // that the browser entry is the one running).
  await chooseFromContextMenu(page, stoppedRow, 'Reveal Checkpoint Folder');
  for (const said = Date.now() + 20_000; ;) {
    const shown = await notifications(page);
    if (shown.some((n) => /VS Code for the Web has no folder to reveal/.test(n))) break;
    if (Date.now() > said) assert.fail(`no web-build message after Reveal Checkpoint Folder: ${JSON.stringify(shown)}`);
    await page.waitForTimeout(250);
  }
  phase('Reveal Checkpoint Folder answered with the web build\'s message');
  // Right-click → Export as PyTorch Project…: the web's folder dialog takes an empty folder of the workspace, and the
  // project's files are written there through workspace.fs; the message says where train.py can run.
  const projectDir = path.join(workspace, 'pytorch-project');
  mkdirSync(projectDir);
  await chooseFromContextMenu(page, stoppedRow, 'Export as PyTorch Project…');
  const dialog = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: 'Folder for the PyTorch project' }) });
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  // As a person: the dialog opens on the workspace folder; choose pytorch-project in its list, see that it went in (an
  // empty folder lists only ".."), and press Export Here.
  await dialog.locator('.monaco-list-row', { hasText: 'pytorch-project' }).first().click({ timeout: 30_000 });
  const input = dialog.locator('.quick-input-box input');
  for (const deadline = Date.now() + 30_000; ;) {
    const value = await input.inputValue().catch(() => '');
    const rows = (await dialog.locator('.monaco-list-row').allInnerTexts().catch(() => [] as string[])).map((t) => t.trim());
    if (value.endsWith('/pytorch-project/') && JSON.stringify(rows) === '[".."]') break;
    if (Date.now() > deadline) assert.fail(`the folder dialog did not go into pytorch-project: ${JSON.stringify(value)}, rows ${JSON.stringify(rows)}`);
    await page.waitForTimeout(100);
  }
  await dialog.locator('.monaco-button', { hasText: 'Export Here' }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
  for (const deadline = Date.now() + 30_000; ;) {
    const shown = await notifications(page);
    if (shown.some((n) => /exported the run on verse\.txt to .*pytorch-project \(train\.py, model\.safetensors, data\/verse\.txt, README\.md\)\. Run train\.py with Python and PyTorch on your own computer/.test(n))) break;
    if (Date.now() > deadline) assert.fail(`no export message: ${JSON.stringify(shown)}; the dialog: ${JSON.stringify(await dialog.innerText().catch(() => ''))}`);
    await page.waitForTimeout(250);
  }
  for (const file of ['train.py', 'model.safetensors', 'README.md', 'requirements.txt', path.join('data', 'verse.txt')]) {
    assert.ok(existsSync(path.join(projectDir, file)), `the exported project has ${file}`);
  }
  assert.equal(readFileSync(path.join(projectDir, 'data', 'verse.txt'), 'utf8'), readFileSync(path.join(workspace, 'verse.txt'), 'utf8'));
  phase(`Export as PyTorch Project…: ${JSON.stringify(readdirSync(projectDir))}`);

  // Reload once the stop is in storage (written behind through workspace.fs: code-server keeps it in its user data);
  // the new window's extension host reads it back.
  for (const deadline = Date.now() + 30_000; !storedStatuses(dirs.userDataDir).includes('stopped');) {
    if (Date.now() > deadline) assert.fail(`the stopped run is not in storage: ${JSON.stringify(storedStatuses(dirs.userDataDir))}`);
    await page.waitForTimeout(100);
  }
  phase('the stopped run is in storage');
  // In code-server every webview shares one origin, and a webview setting up while another does can find the other's
  // service worker in control and wait for good (VS Code's pre/index.html: "Found unexpected service worker
  // controller … Waiting for controllerchange"). So one webview sets up at a time here: the reload restores only the
  // Training panel (the active tab; the side bar on the Explorer, so not the Model view), and the Model view is
  // shown once that is done.
  await page.locator('.tabs-container .tab', { hasText: 'Sequence Lab: Training' }).click({ timeout: 30_000 });
  await runCommand(page, 'View: Show Explorer');
  const loaded = page.waitForEvent('load', { timeout: 90_000 }).catch(() => {});
  await runCommand(page, 'Developer: Reload Window');
  await loaded;
  // The Training panel open before the reload is restored by its serializer, showing the stored run's loss.
  const restoredPanel = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
  for (const deadline = Date.now() + 60_000; !Number.isFinite(await numberIn(restoredPanel, '#loss'));) {
    if (Date.now() > deadline) assert.fail(`the restored Training panel shows no loss: ${JSON.stringify(await restoredPanel.locator('#loss').first().innerText().catch(() => ''))}`);
    await page.waitForTimeout(250);
  }
  phase(`the Training panel is restored: loss ${await numberIn(restoredPanel, '#loss')}`);
  const row = await runRow(page, /stopped · step [1-9]/, 90_000);
  const restored = await stepOf(row);
  assert.ok(restored >= stopped - 1 && restored <= stopped, `step ${restored} after the reload, ${stopped} before`);
  phase(`after Reload Window: the run is stored, step ${restored}`);
  await webviewFrame(page, { selector: '#model-view', timeout: 60_000 }); // the side bar's Model view, now shown
  // Right-click → Duplicate with Changes…: the Model view shows the stored run's settings.
  await chooseFromContextMenu(page, row, 'Duplicate with Changes…');
  const form = await webviewFrame(page, { selector: '#model-view', timeout: 60_000 });
  await form.locator('#duplicate-note', { hasText: /^Duplicating char LSTM .*H=32 on verse\.txt — change settings and Train$/ }).waitFor({ timeout: 30_000 });
  for (const deadline = Date.now() + 30_000; (await form.locator('#hiddenSize input').inputValue().catch(() => '')) !== '32';) {
    if (Date.now() > deadline) assert.fail(`the Model view's hidden size shows ${JSON.stringify(await form.locator('#hiddenSize input').inputValue().catch(() => ''))}, not the run's 32`);
    await page.waitForTimeout(100);
  }
  phase(`Duplicate with Changes…: ${await form.locator('#duplicate-note').innerText()}`);
  // Right-click → Resume: it trains on from its stored checkpoint (read back from storage after the reload).
  await chooseFromContextMenu(page, await runRow(page, /stopped · step [1-9]/, 30_000), 'Resume');
  const resumed = await runRow(page, /training · step [1-9]/, 60_000);
  for (const deadline = Date.now() + 60_000; (await stepOf(resumed)) <= restored;) {
    if (Date.now() > deadline) assert.fail(`the resumed run stays at step ${await stepOf(resumed)}`);
    await page.waitForTimeout(250);
  }
  phase(`Resume: training on from step ${restored}, now ${await stepOf(resumed)}`); // the session's end stops it
  await page.screenshot({ path: path.join(resultsDir, 'e2e-web-host-runs-reload.png'), fullPage: true });
  session.passed = true;
  phase('done');
});
