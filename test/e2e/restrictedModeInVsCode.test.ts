// Restricted Mode as the README describes it, in a real VS Code (code-server) with Workspace Trust on and the folder
// not trusted (every other e2e test turns trust off): Sequence Lab still trains on an open document (the Training
// panel's loss falls), but writes nothing into the workspace — runs stay in VS Code's private storage although
// sequenceLab.runs.storeInWorkspace is on, which it says with a "Manage Workspace Trust" button, and "New Example…"
// is refused with that button, which opens VS Code's Workspace Trust editor.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, numberIn, openFile, runCommand, seconds, webviewFrame } from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const resultsDir = path.join(REPO_ROOT, 'test-results');
const workspace = mkdtempSync(path.join(tmpdir(), 'seqlab-restricted-'));
const session = workbenchSession('e2e-restricted-mode-failure.png');
after(() => rmSync(workspace, { recursive: true, force: true }));

const REFUSED = /writes into the workspace, which is not allowed in Restricted Mode\. Trust this workspace to use it\./;

const toast = (page: Page, text: RegExp) => page.locator('.notification-toast', { hasText: text }).first();

test('Restricted Mode: training works in memory; writing into the workspace is refused with Manage Workspace Trust', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  copyFileSync(path.join(REPO_ROOT, 'examples', 'verse.txt'), path.join(workspace, 'verse.txt'));
  const { page } = await openPackagedWorkbench(session, workspace, {
    workspaceTrust: true,
    settings: {
      'security.workspace.trust.enabled': true,
      // No modal at start: a folder nobody trusted opens in Restricted Mode, as after "Don't Trust".
      'security.workspace.trust.startupPrompt': 'never',
      'sequenceLab.runs.storeInWorkspace': true,
      'sequenceLab.training.maxSteps': 10_000_000,
    },
  });
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
  phase('the workbench is in Restricted Mode');

  // Training still works: the panel's loss falls below the first loss.
  await openFile(page, 'verse.txt');
  await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
  const panel = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
  let first = Number.NaN;
  let loss = Number.NaN;
  for (const deadline = Date.now() + 180_000; !(loss < first);) {
    if (Date.now() > deadline) assert.fail(`the loss did not fall below the first loss: ${first} → ${loss}`);
    await page.waitForTimeout(250);
    first = await numberIn(panel, '#first-loss');
    loss = await numberIn(panel, '#loss');
  }
  phase(`trained in Restricted Mode: loss ${first} → ${loss}`);
  // The run store said why it does not use the workspace, with the button.
  const storeToast = toast(page, /Storing runs in the workspace \(sequenceLab\.runs\.storeInWorkspace\) writes into the workspace/);
  await storeToast.waitFor({ timeout: 30_000 });
  assert.match(await storeToast.innerText(), REFUSED);
  assert.ok(await storeToast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).isVisible(), 'the store\'s refusal offers Manage Workspace Trust');
  await page.screenshot({ path: path.join(resultsDir, 'e2e-restricted-training.png'), fullPage: true });
  await runCommand(page, 'Sequence Lab: Stop Training');
  await panel.locator('#status', { hasText: /stopped/i }).first().waitFor({ timeout: 30_000 });
  // A checkpoint is saved on stop: in the private storage, never in the workspace.
  assert.deepEqual(readdirSync(workspace).sort(), ['verse.txt'], 'nothing was written into the workspace');
  phase('stopped; nothing written into the workspace');

  // New Example… is refused, and its button opens the Workspace Trust editor.
  await runCommand(page, 'Sequence Lab: New Example…');
  const refused = toast(page, /"New Example…" writes into the workspace/);
  await refused.waitFor({ timeout: 30_000 });
  assert.match(await refused.innerText(), REFUSED);
  assert.equal(await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ visible: true }).count(), 0, 'no example to pick');
  await page.screenshot({ path: path.join(resultsDir, 'e2e-restricted-new-example.png'), fullPage: true });
  await refused.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click();
  await page.locator('.tabs-container .tab', { hasText: 'Workspace Trust' }).first().waitFor({ timeout: 30_000 });
  await page.locator('.workspace-trust-editor').first().waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(existsSync(path.join(workspace, 'sequence-lab-examples')), false, 'no example was written');
  phase('New Example… refused; Manage Workspace Trust opened the Workspace Trust editor');
  await page.screenshot({ path: path.join(resultsDir, 'e2e-restricted-trust-editor.png'), fullPage: true });
  session.passed = true;
});
