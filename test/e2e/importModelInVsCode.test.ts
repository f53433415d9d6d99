// Open PyTorch Model… (issue 3) in a real VS Code workbench (code-server 4.100.3): a character LSTM saved by PyTorch
// (test/host/fixtures/torch_char_lstm.safetensors, no Sequence Lab metadata) is opened on the text it was made for.
// The cell and sizes come from its tensor shapes, a modal says its characters are taken in code point order, and the
// run appears paused at step 0 in the Runs view with the Training panel sampling text from the imported weights.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  REPO_ROOT, answerFileDialog, dialogs, notifications, openFile, runCommand, seconds, webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const fixtures = path.join(REPO_ROOT, 'test', 'host', 'fixtures');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-import-model-failure.png');

test('open a PyTorch char LSTM on the active file: paused at step 0, the panel samples from it', { timeout: 420_000 }, async (t) => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-import-'));
  t.after(() => rmSync(workspace, { recursive: true, force: true }));
  copyFileSync(path.join(fixtures, 'torch_char_lstm.txt'), path.join(workspace, 'oats.txt'));
  const model = path.join(workspace, 'char_lstm.safetensors');
  copyFileSync(path.join(fixtures, 'torch_char_lstm.safetensors'), model);

  const { page } = await openPackagedWorkbench(session, workspace);
  await openFile(page, 'oats.txt');
  phase('opened oats.txt');

  await runCommand(page, 'Sequence Lab: Open PyTorch Model…', { timeout: 90_000 });
  // code-server's open dialog is a quick input holding a path: replace it with the model's and accept.
  await answerFileDialog(page, model);
  phase('picked the model file');

  // No Sequence Lab description: a modal names the inferred model and asks before opening it.
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const message = await dialog.innerText();
  phase(`dialog: ${JSON.stringify(message.replace(/\s+/g, ' '))}`);
  assert.match(message, /char LSTM · 2 layers · H=8/);
  assert.match(message, /13 characters/);
  await dialog.locator('.monaco-button', { hasText: 'Open on oats.txt' }).click();

  const panel = await webviewFrame(page, { selector: '#status', timeout: 60_000 });
  const deadline = Date.now() + 60_000;
  let status = '';
  while (!/paused/i.test(status)) {
    if (Date.now() > deadline) {
      assert.fail(`#status is ${JSON.stringify(status)}, not paused; notifications: ${JSON.stringify(await notifications(page))}, dialogs: ${JSON.stringify(await dialogs(page))}`);
    }
    await page.waitForTimeout(250);
    status = (await panel.locator('#status').first().innerText().catch(() => '')).trim();
  }
  phase(`Training panel: ${JSON.stringify(status)}`);
  // Sample from the imported weights: text made of the file's characters appears.
  await panel.locator('#resample').first().click();
  const vocabulary = new Set(readFileSync(path.join(fixtures, 'torch_char_lstm.txt'), 'utf8'));
  // Until a sample comes, #sample holds the placeholder "No sample yet." (not the file's letters): wait for the sample
  // itself, whose line names its step (the imported run is paused at step 0).
  await panel.locator('#sample-meta', { hasText: /^at step 0,/ }).first().waitFor({ timeout: 30_000 });
  const sample = await panel.locator('#sample').first().innerText();
  assert.ok(sample.trim().length > 0, 'the sample has text');
  phase(`sample: ${JSON.stringify(sample.slice(0, 80))}`);
  assert.ok([...sample.replace(/\s/g, ' ')].every((c) => vocabulary.has(c) || c === ' '), `sample has characters outside the file: ${JSON.stringify(sample)}`);

  // The Runs view lists it under its data file, paused at step 0.
  await page.locator('.activitybar [aria-label^="Sequence Lab"]').first().click();
  const row = page.locator('.monaco-list-row', { hasText: 'char LSTM' }).filter({ hasText: /paused · step 0/ });
  await row.first().waitFor({ timeout: 30_000 });
  phase(`Runs view: ${JSON.stringify(await row.first().innerText())}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-import-model.png'), fullPage: true });
  session.passed = true;
});
