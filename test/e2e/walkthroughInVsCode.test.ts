// The Get Started walkthrough in a real VS Code (code-server 4.100.3): "Sequence Lab: Open Get Started Walkthrough"
// shows the eight lecture steps; a step's markdown renders with its diagram loaded from the extension; the first
// step's button writes the verse example into the (temporary) workspace, opens it, colours it by surprisal, and the
// step is marked done.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  REPO_ROOT, notifications, runCommand, seconds,
  webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const resultsDir = path.join(REPO_ROOT, 'test-results');
const workspace = mkdtempSync(path.join(tmpdir(), 'seqlab-walkthrough-'));
const session = workbenchSession('e2e-walkthrough-failure.png');
after(() => rmSync(workspace, { recursive: true, force: true }));

test('the walkthrough shows the lecture; the first button writes the example and shows its surprisal', { timeout: 400_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const { page } = await openPackagedWorkbench(session, workspace);

  await runCommand(page, 'Sequence Lab: Open Get Started Walkthrough', { timeout: 90_000 });
  const steps = page.locator('.gettingStartedContainer .getting-started-step');
  await steps.first().waitFor({ state: 'visible', timeout: 30_000 });
  const titles = (await page.locator('.gettingStartedContainer .getting-started-step .step-title').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(titles, [
    'Chain rule and surprisal', 'Markov order k', 'HMM and Viterbi', 'RNN, unrolled', 'Bidirectional RNN',
    'Backpropagation through time', 'Vanishing and exploding gradients', 'LSTM gates',
  ]);
  phase('walkthrough open with the eight steps');

  // The first step's media: its markdown, with the diagram loaded from the extension (not a broken image).
  const media = await webviewFrame(page, { selector: 'img[src*="chain-rule.svg"]', timeout: 30_000 });
  const image = media.locator('img[src*="chain-rule.svg"]').first();
  await image.waitFor({ state: 'visible', timeout: 30_000 });
  // Visible is not loaded: the image takes its box before its file arrives. Wait (generously) for it to load.
  const loadedWidth = () => image.evaluate((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete ? i.naturalWidth : 0; });
  let width = await loadedWidth();
  for (const deadline = Date.now() + 30_000; width === 0 && Date.now() < deadline; width = await loadedWidth()) await page.waitForTimeout(250);
  assert.ok(width > 0, 'the diagram loaded');
  assert.match(await media.locator('body').innerText(), /∏ₜ p\(xₜ \| x<ₜ\)/);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-walkthrough.png'), fullPage: true });
  phase(`step 1 media rendered (diagram ${width} px wide)`);

  await page.locator('.gettingStartedContainer .getting-started-step.expanded a, .gettingStartedContainer .getting-started-step.expanded .monaco-button', { hasText: 'Show surprisal' }).first().click();
  const verse = path.join(workspace, 'sequence-lab-examples', 'verse.txt');
  // The example files are written one after the other: wait for each one the step promises, not only the first.
  const experiment = path.join(workspace, 'sequence-lab-examples', 'verse-rnn.seqlab.json');
  for (const file of [verse, experiment]) {
    const deadline = Date.now() + 60_000;
    while (!existsSync(file)) {
      if (Date.now() > deadline) assert.fail(`no ${file} 60 s after the click; notifications: ${JSON.stringify(await notifications(page))}`);
      await page.waitForTimeout(250);
    }
  }
  // Surprisal is shown: the status bar item of the scored file appears.
  await page.locator('.statusbar-item', { hasText: /Markov k=3/ }).first().waitFor({ timeout: 60_000 });
  phase('button wrote sequence-lab-examples/verse.txt and scored it');

  // Back on the walkthrough, the first step is done.
  await runCommand(page, 'Sequence Lab: Open Get Started Walkthrough', { timeout: 30_000 });
  const firstStep = page.locator('.gettingStartedContainer .getting-started-step', { hasText: 'Chain rule and surprisal' }).first();
  await firstStep.locator('.codicon-pass-filled, [class*="step-checked"]').first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(resultsDir, 'e2e-walkthrough-done.png'), fullPage: true });

  // The last step trains reber-lstm.seqlab.json (writing the Reber example first) and opens the Gates panel on it.
  await page.locator('.gettingStartedContainer .getting-started-step .step-title', { hasText: 'LSTM gates' }).first().click();
  await page.locator('.gettingStartedContainer .getting-started-step.expanded a, .gettingStartedContainer .getting-started-step.expanded .monaco-button', { hasText: 'Train an LSTM' }).first().click();
  const gates = await webviewFrame(page, { selector: '#heatmap', timeout: 90_000 });
  await gates.locator('#labels', { hasText: /LSTM · H=32 on embedded-reber\.txt/ }).first().waitFor({ timeout: 30_000 });
  assert.ok(existsSync(path.join(workspace, 'sequence-lab-examples', 'reber-lstm.seqlab.json')), 'the Reber example was written');
  phase('LSTM step: the LSTM of reber-lstm.seqlab.json trains, Gates panel opened');
  await page.screenshot({ path: path.join(resultsDir, 'e2e-walkthrough-lstm.png'), fullPage: true });
  await runCommand(page, 'Sequence Lab: Stop Training', { timeout: 30_000 }).catch(() => undefined); // it may have finished
  session.passed = true;
});
