// "Colour Text by Model" as a user meets it in a real VS Code (code-server): train an LSTM on examples/verse.txt from
// the palette, run "Sequence Lab: Colour Text by Model…" and pick Surprisal: the characters get coloured, the status
// bar names the quantity, hovering a coloured character shows the top-5 next characters with their probabilities;
// typing a character the run never saw gets it underlined (the model read the edited text again) and its hover says
// so; "Clear Model Colouring" removes every colour. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  REPO_ROOT, makeProfile, openFile, packageVsix, runCommand, seconds,
  webviewFrame,
  goToLine,
} from '../../scripts/vscode-harness.mjs';
import { openInstalledWorkbench, workbenchSession } from './workbenchSession';

// A copy of the examples: the test types into verse.txt, and an edit must never reach the repository's file.
const workspace = path.join(mkdtempSync(path.join(tmpdir(), 'seqlab-colour-')), 'examples');
cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
after(() => rmSync(path.dirname(workspace), { recursive: true, force: true }));
const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-colour-text-failure.png');

/** Background decorations of an extension in the editor (VS Code draws them in the overlay layer as .cdr.ced-…). */
const decorated = (page: Page) => page.locator('.editor-group-container .monaco-editor .view-overlays .cdr[class*="ced-"]');
const hoverBox = (page: Page) => page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'next character' });

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(resultsDir, name), fullPage: true });
  console.log(`screenshot: test-results/${name}`);
}


test('train an LSTM on verse.txt, colour it by surprisal, hover for the top-5, edit and see the colouring follow', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const vsix = packageVsix({ root: REPO_ROOT, reuseFresh: true });
  const dirs = makeProfile({
    settings: { 'sequenceLab.training.model': 'lstm', 'sequenceLab.training.hiddenSize': 32, 'sequenceLab.training.maxSteps': 300 },
  });
  const { page } = await openInstalledWorkbench(session, vsix, dirs, workspace);
  await openFile(page, 'verse.txt');
  await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
  const training = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
  await training.locator('#status', { hasText: /completed/i }).first().waitFor({ timeout: 180_000 });
  phase('the LSTM run on verse.txt completed');

  await openFile(page, 'verse.txt');
  assert.equal(await decorated(page).count(), 0, 'nothing is coloured before the command');
  await runCommand(page, 'Sequence Lab: Colour Text by Model…', { timeout: 30_000 });
  const surprisal = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Surprisal' }).first();
  await surprisal.waitFor({ state: 'visible', timeout: 15_000 });
  await surprisal.click();
  await decorated(page).first().waitFor({ timeout: 60_000 });
  // Each colour level is its own decoration type, set one after the other: wait until the editor shows many runs.
  let coloured = await decorated(page).count();
  for (const deadline = Date.now() + 30_000; coloured <= 20 && Date.now() < deadline; coloured = await decorated(page).count()) {
    await page.waitForTimeout(250);
  }
  phase(`coloured by surprisal: ${coloured} coloured runs of characters`);
  assert.ok(coloured > 20, `many characters are coloured (${coloured} runs)`);
  await page.locator('.statusbar-item', { hasText: /char LSTM.*: surprisal · \d+\.\d\d bits\/char in view/ }).first().waitFor({ timeout: 15_000 });
  await screenshot(page, 'e2e-colour-text.png');

  // Hover a coloured character of line 3: the top-5 next characters with probabilities, sorted.
  const target = page.locator('.editor-group-container .monaco-editor .view-line', { hasText: 'And every shadow follows' }).first().locator('span span').first();
  await target.hover({ position: { x: 8, y: 5 } });
  await hoverBox(page).first().waitFor({ timeout: 15_000 });
  const hoverText = await hoverBox(page).first().innerText();
  phase(`hover: ${JSON.stringify(hoverText.slice(0, 300))}`);
  assert.match(hoverText, /p\(x_t \| x_<t\) = (?:[01]\.\d{4}|\d\.\d{3}e-\d+), surprisal \d+\.\d\d bits/);
  const probs = [...hoverText.matchAll(/\b(0\.\d{4}|1\.0000)\s*$/gm)].map((m) => Number(m[1]));
  assert.equal(probs.length, 5, `five next characters in ${JSON.stringify(hoverText)}`);
  for (let i = 1; i < 5; i++) assert.ok(probs[i] <= probs[i - 1], `sorted: ${probs.join(', ')}`);
  assert.ok(probs.reduce((a, b) => a + b) <= 1.0001, 'they sum to at most 1');
  assert.match(hoverText, /Mean over the 32 units: i -?\d\.\d{3} · f /);
  assert.match(hoverText, /‖∂L\/∂h_t‖ = /);
  await screenshot(page, 'e2e-colour-text-hover.png');
  await page.keyboard.press('Escape');

  // Type a character the run never saw at the start of line 2: after the model reads the edited text, it is underlined.
  await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
  await goToLine(page, 2);
  await page.keyboard.type('€');
  // The underline is drawn on the text itself (an inline decoration), unlike the background colours.
  const euro = page.locator('.editor-group-container .monaco-editor .view-lines span[class*="ced-"]', { hasText: '€' }).first();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const underlined = await euro.evaluate((el) => {
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { textDecorationLine: string } }).getComputedStyle(el);
      return style.textDecorationLine.includes('underline');
    }).catch(() => false);
    if (underlined) break;
    if (Date.now() > deadline) assert.fail('the unknown character € was not underlined after the edit');
    await page.waitForTimeout(200);
  }
  phase('the typed € is underlined as unknown to the model');
  await page.mouse.move(0, 0);
  await euro.hover();
  await page.locator('.monaco-hover:not(.hidden)', { hasText: "is not in the run's vocabulary" }).first().waitFor({ timeout: 15_000 });
  await screenshot(page, 'e2e-colour-text-edited.png');
  await page.keyboard.press('Escape');

  // The run's gradient problems (if any) are listed in the Problems panel on verse.txt; the diagnostics and their
  // quick fixes are proven on runs made to vanish, explode and overflow in gradientGuidanceInVsCode.test.ts.
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 15_000 });
  phase(`Problems panel: ${JSON.stringify((await page.locator('.markers-panel').first().innerText()).slice(0, 400))}`);
  await screenshot(page, 'e2e-colour-text-problems.png');

  await runCommand(page, 'Sequence Lab: Clear Model Colouring', { timeout: 30_000 });
  await decorated(page).first().waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(await decorated(page).count(), 0, 'no colour left after Clear Model Colouring');
  session.passed = true;
  phase('cleared');
});
