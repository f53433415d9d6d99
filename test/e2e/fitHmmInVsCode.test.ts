// Baum-Welch as a user meets it in a real VS Code (code-server): open the casino rolls of examples/hmm/, run
// "Sequence Lab: Fit HMM with Baum-Welch on Active File…" from the command palette, answer its questions with the
// defaults (characters, 2 states, 5 restarts), and see the HMM Fit panel draw the log-likelihood curves and the
// learned matrices; its decoded rows (each roll's Viterbi state and posteriors) follow the editor's cursor, and a click
// on a roll there selects it in the editor; then decode the file with the fitted model in the Trellis panel.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  REPO_ROOT, acceptDefault, goToLine, openFile, runCommand, seconds, webviewCspViolations, webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const workspace = path.join(REPO_ROOT, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const ROLLS = 'hmm/casino-rolls.txt';
const FIT_COMMAND = 'Sequence Lab: Fit HMM with Baum-Welch on Active File…';

const session = workbenchSession('e2e-fit-hmm-failure.png');

test('fit an HMM to the casino rolls with Baum-Welch from the command palette and see the HMM Fit panel', { timeout: 300_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const { page } = await openPackagedWorkbench(session, workspace);
  await openFile(page, ROLLS);
  phase(`opened ${ROLLS}`);

  await runCommand(page, FIT_COMMAND, { timeout: 90_000 });
  // The symbols: characters (one die face per character).
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Characters' }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
  for (const title of ['states', 'restarts', 'seed', 'iterations']) await acceptDefault(page, `Fit HMM — ${title}`);
  phase('answered the questions with the defaults');

  const panel = await webviewFrame(page, { selector: '#ll-chart', timeout: 60_000 });
  await panel.locator('#transition-heatmap td').first().waitFor({ timeout: 120_000 });
  const status = await panel.locator('#status').innerText();
  phase(`HMM Fit panel: ${JSON.stringify(status)}`);
  assert.match(status, /^Best: restart [1-5] of 5, log-likelihood -\d+\.\d\d nats after \d+ iterations/);
  assert.equal(await panel.locator('#transition-heatmap td').count(), 4);
  assert.equal(await panel.locator('#emission-heatmap td').count(), 12);
  assert.equal(await panel.locator('#save-model').isEnabled(), true);
  // The chart canvas has been drawn on (Chart.js sized it to its box).
  const box = await panel.locator('#ll-chart').boundingBox();
  assert.ok(box && box.width > 100 && box.height > 100, `chart box ${JSON.stringify(box)}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-fit-hmm.png'), fullPage: true });
  assert.deepEqual(await webviewCspViolations(page, '#ll-chart'), [], 'CSP violations in the HMM Fit panel');

  // The decoded rows follow the editor's cursor: Go to Line 20 puts it on roll 19 × 60 (60 rolls a line).
  const rolls = readFileSync(path.join(workspace, ROLLS), 'utf8').split('\n');
  assert.ok(rolls.slice(0, 20).every((l) => l.length === 60), 'the first 20 lines hold 60 rolls each');
  await panel.locator('#decoded-rows button.step-symbol').first().waitFor({ timeout: 30_000 });
  await page.locator('.tab', { hasText: 'casino-rolls.txt' }).first().click();
  await goToLine(page, 20);
  const atLine20 = 19 * 60;
  await panel.locator(`#decoded-rows button.step-symbol.selected[data-step="${atLine20}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await panel.locator('#decoded-rows button.step-symbol.selected').innerText(), rolls[19][0]);
  assert.match(await panel.locator('#rows-reading').innerText(), new RegExp(`^Step ${atLine20 + 1} \\(at the cursor\\) reads “${rolls[19][0]}”: Viterbi state S[12]; P\\(S1 \\| o\\) = `));
  assert.equal(await panel.locator('#decoded-rows tr.viterbi td').count(), 40);
  phase(`the cursor on line 20 selected roll ${atLine20 + 1} in the decoded rows`);
  // A click on a roll in the decoded rows selects it in the editor (the status bar reads the selection).
  const clicked = panel.locator('#decoded-rows button.step-symbol').nth(30);
  const step = Number(await clicked.getAttribute('data-step'));
  await clicked.click();
  const where = `Ln ${Math.floor(step / 60) + 1}, Col ${(step % 60) + 1} (1 selected)`;
  await page.locator('.tab', { hasText: 'casino-rolls.txt' }).first().click(); // focus the editor: the status bar shows its selection
  await page.locator('.statusbar-item', { hasText: where }).first().waitFor({ timeout: 30_000 });
  await panel.locator(`#decoded-rows button.step-symbol.selected[data-step="${step}"]`).waitFor({ timeout: 30_000 });
  phase(`a click on roll ${step + 1} selected ${where} in the editor`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-fit-hmm-rows.png'), fullPage: true });

  // "Decode File with This Model" hands the fitted model to the decoding feature: the Trellis panel opens.
  await panel.locator('#decode').click();
  const trellis = await webviewFrame(page, { selector: 'svg#trellis circle.node.on-path', timeout: 60_000 });
  const columns = await trellis.locator('svg#trellis rect.col').count();
  assert.ok(columns > 1, `the trellis shows ${columns} steps`);
  assert.equal(await trellis.locator('svg#trellis circle.node.on-path').count(), columns);
  phase('decoded the file with the fitted model: Trellis panel shown');
  await page.screenshot({ path: path.join(resultsDir, 'e2e-fit-hmm-decoded.png'), fullPage: true });
  session.passed = true;
  console.log(`fitHmmInVsCode e2e test took ${seconds(started)}`);
});
