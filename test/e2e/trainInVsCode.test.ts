// The extension as a user gets it, in a real VS Code workbench (code-server 4.100.3) driven through chromium:
// package the .vsix, install it into a fresh profile with --install-extension, open examples/, open a text file,
// run "Sequence Lab: Train Character Model on Active File" from the command palette, watch the Training panel's loss
// fall below the first loss, pause (status "paused"), take a single step, resume, press Stop, and check the status. Screenshots go to test-results/ (the final one,
// e2e-stopped.png, becomes the README's media/training-panel.png through scripts/update-screenshots.mjs, shrunk).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import {
  REPO_ROOT, dialogs, installVsix, launchBrowser, listExtensions, makeProfile, notifications, numberIn, openFile,
  openWorkbench, packageVsix, readManifest, runCommand, seconds, startCodeServer, webviewCspViolations, webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { workbenchSession } from './workbenchSession';

/** The extension under test (this repository; another folder only when developing the harness itself). */
const root = process.env.SEQUENCE_LAB_E2E_ROOT ? path.resolve(process.env.SEQUENCE_LAB_E2E_ROOT) : REPO_ROOT;
const workspace = path.join(root, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const TRAIN_COMMAND = 'Sequence Lab: Train Character Model on Active File';
const LOSS_TIMEOUT_MS = 180_000;

const session = workbenchSession('e2e-train-failure.png');

/** The text file to train on: examples/shakespeare-like.txt when present, else the largest .txt there. */
function exampleFile(): string {
  const txt = readdirSync(workspace).filter((f) => f.endsWith('.txt'))
    .sort((a, b) => statSync(path.join(workspace, b)).size - statSync(path.join(workspace, a)).size || a.localeCompare(b));
  const file = txt.includes('shakespeare-like.txt') ? 'shakespeare-like.txt' : txt[0];
  assert.ok(file, `no .txt file in ${workspace}`);
  return file;
}

/** Waits until the panel's #status badge matches `expected` (polling; fails with what it shows after `timeoutMs`). */
async function waitForStatus(page: Page, frame: FrameLocator, expected: RegExp, after: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await frame.locator('#status').first().innerText({ timeout: 2000 }).catch(() => '')).trim();
    if (expected.test(status)) return status;
    if (Date.now() > deadline) assert.fail(`#status shows ${JSON.stringify(status)}, not ${expected}, ${timeoutMs / 1000} s after ${after}`);
    await page.waitForTimeout(100);
  }
}

async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(resultsDir, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${path.relative(REPO_ROOT, file)}`);
  return file;
}

test('train a character model from the command palette in code-server, then stop it', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  try {
    const { publisher, name } = readManifest(root);
    const vsix = packageVsix({ root, reuseFresh: true });
    phase(`packaged ${path.basename(vsix)}`);

    // Train until stopped (the default 2000 steps can finish in a second on a small file, before Stop is pressed).
    const dirs = makeProfile({ settings: { 'sequenceLab.training.maxSteps': 10_000_000 } });
    await installVsix(vsix, dirs);
    const installed = await listExtensions(dirs);
    assert.ok(installed.some((id) => id.toLowerCase().startsWith(`${publisher}.${name}@`.toLowerCase())),
      `${publisher}.${name} is not listed after --install-extension: ${JSON.stringify(installed)}`);
    phase(`installed into a fresh profile: ${installed.join(', ')}`);

    const server = (session.server = await startCodeServer({ workspace, dirs }));
    const { page } = (session.browser = await launchBrowser());
    await openWorkbench(page, server.url, workspace);
    phase(`workbench open at ${server.url}`);

    const file = exampleFile();
    await openFile(page, file);
    phase(`opened ${file}`);

    await runCommand(page, TRAIN_COMMAND, { timeout: 90_000 });
    phase(`ran "${TRAIN_COMMAND}"`);

    const panel = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
    phase('Training panel shows #loss');

    // The loss must fall: wait until it is below the first loss the panel showed.
    const deadline = Date.now() + LOSS_TIMEOUT_MS;
    let first = Number.NaN;
    let loss = Number.NaN;
    for (;;) {
      first = await numberIn(panel, '#first-loss');
      loss = await numberIn(panel, '#loss');
      if (Number.isFinite(first) && Number.isFinite(loss) && loss < first) break;
      if (Date.now() > deadline) {
        const status = await panel.locator('#status').innerText({ timeout: 1000 }).catch(() => '(no #status)');
        assert.fail(`the loss did not fall below the first loss within ${LOSS_TIMEOUT_MS / 1000} s: `
          + `#first-loss=${first}, #loss=${loss}, #status=${JSON.stringify(status)}, notifications=${JSON.stringify(await notifications(page))}, dialogs=${JSON.stringify(await dialogs(page))}`);
      }
      await page.waitForTimeout(250);
    }
    phase(`loss fell: first ${first} -> ${loss}`);
    // Held out: the panel says what the run keeps out of training and shows its loss there beside the training loss,
    // and how much of the training part the run has read.
    const note = panel.locator('#held-out-note', { hasText: /^Held out of training: .+ \(\d[\d,]* of \d[\d,]*\); the model never trains on them/ }).first();
    await note.waitFor({ timeout: 30_000 });
    await panel.locator('#held-out-step', { hasText: /^at step \d/ }).first().waitFor({ timeout: 60_000 });
    const heldOut = await numberIn(panel, '#held-out-loss');
    assert.ok(Number.isFinite(heldOut) && heldOut > 0, `a held-out loss is shown (${heldOut})`);
    await panel.locator('#read', { hasText: /^\d+(\.\d+)? epochs?$/ }).first().waitFor({ timeout: 30_000 });
    phase(`${await note.innerText()} Held-out loss ${heldOut}; read ${await panel.locator('#read').first().innerText()} ${await panel.locator('#read-share').first().innerText()}`);
    await page.waitForTimeout(2000); // let the chart draw a little more for the screenshot
    await screenshot(page, 'e2e-training.png');

    // Pause: the badge says paused and the step stands; Single Step adds exactly one; Resume trains on.
    await panel.locator('#pause').first().click();
    await waitForStatus(page, panel, /\bpaused\b/i, 'pressing #pause');
    const pausedAt = await numberIn(panel, '#step');
    phase(`paused at step ${pausedAt}`);
    await screenshot(page, 'e2e-paused.png');
    await panel.locator('#step-once').first().click();
    await panel.locator('#step', { hasText: new RegExp(`^\\s*${(pausedAt + 1).toLocaleString('en-US')}\\s*$`) }).first().waitFor({ timeout: 30_000 });
    assert.match(await panel.locator('#status').first().innerText(), /paused/i, 'still paused after a single step');
    // Resume from the command palette (listed only while a run is paused), then pause and resume with the buttons.
    await runCommand(page, 'Sequence Lab: Resume Training', { timeout: 30_000 });
    await waitForStatus(page, panel, /\btraining\b/i, 'running "Sequence Lab: Resume Training"');
    await panel.locator('#pause').first().click();
    await waitForStatus(page, panel, /\bpaused\b/i, 'pressing #pause a second time');
    await panel.locator('#resume').first().click();
    await waitForStatus(page, panel, /\btraining\b/i, 'pressing #resume');
    phase('resumed');

    await panel.locator('#stop').first().click();
    const status = await waitForStatus(page, panel, /\bstopped\b/i, 'pressing #stop');
    phase(`stopped: #status=${JSON.stringify(status)}, final loss ${await numberIn(panel, '#loss')}`);
    // The panel ran under VS Code's real webview host and our strict policy without a single violation.
    assert.deepEqual(await webviewCspViolations(page, '#loss-chart'), [], 'CSP violations in the Training panel');
    await page.waitForTimeout(500);
    await screenshot(page, 'e2e-stopped.png');

    // The Runs view in the Sequence Lab sidebar lists the run with its file and final status.
    await page.locator('.activitybar [aria-label^="Sequence Lab"]').first().click();
    const runRow = page.locator('.monaco-list-row', { hasText: file }).filter({ hasText: 'stopped' });
    await runRow.first().waitFor({ timeout: 30_000 });
    const rowText = await runRow.first().innerText();
    assert.match(rowText, /char RNN/);
    assert.match(rowText, /step [\d,]+/);
    phase(`Runs view: ${JSON.stringify(rowText.replace(/\s+/g, ' '))}`);
    await screenshot(page, 'e2e-runs-view.png');

    // Inside the stopped network: the gradient flowing back through the window, and what it means in words.
    await runCommand(page, 'Sequence Lab: Show Gradient Flow', { timeout: 30_000 });
    const gradients = await webviewFrame(page, { selector: '#reading', timeout: 60_000 });
    await gradients.locator('#reading', { hasText: /vanish|explod|stable|hold/i }).first().waitFor({ timeout: 30_000 });
    const reading = await gradients.locator('#reading').first().innerText();
    phase(`Gradient Flow panel: ${JSON.stringify(reading)}`);
    assert.equal((await gradients.locator('#spectra td').allTextContents()).length > 0, true, 'the W_hh spectra table has rows');
    // The history over training came from the worker: heatmap rows, a legend, and the clipped share in the reading.
    assert.match(reading, /clipped/i, 'the reading says how many steps were clipped');
    // The panel draws the history (heatmap, its legend) in the frame after the reading: wait for it to be drawn.
    await gradients.locator('#history-heatmap[data-rows]').first().waitFor({ state: 'attached', timeout: 30_000 });
    await gradients.locator('#legend-hi', { hasText: /\de[-\d]/ }).first().waitFor({ timeout: 30_000 });
    const rows = Number(await gradients.locator('#history-heatmap').first().getAttribute('data-rows'));
    assert.ok(rows >= 1, `history heatmap rows: ${rows}`);
    assert.match((await gradients.locator('#legend-hi').first().textContent()) ?? '', /\de[-\d]/);
    phase(`Gradient Flow history: ${rows} row(s) in the heatmap`);
    assert.deepEqual(await webviewCspViolations(page, '#reading'), [], 'CSP violations in the Gradient Flow panel');
    await page.waitForTimeout(500);
    await screenshot(page, 'e2e-gradient-flow.png');
    session.passed = true;
  } finally {
    console.log(`trainInVsCode e2e test took ${seconds(started)}`);
  }
});
