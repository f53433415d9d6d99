// The Gates panel's whole-file unit search (LSTMVis) as a user gets it, in a real VS Code workbench (code-server):
// a generated file of random letters with a run of 40 'Z' planted on four lines, a small character RNN trained on it
// from the palette; with the cursor at the start of one planted run the Gates panel shows its window, the test drags
// across the run, presses "Search whole file", and the best match, selected in the editor by the extension, is a
// planted run: the editor's own selection (read back through the Find widget, which VS Code seeds with it) is the
// run of 'Z' (a state may stay on one step past it). The command "Next Unit Search Match" then selects another planted run. Screenshot in test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, goToLine, openFile, runCommand, seconds, webviewCspViolations, webviewFrame } from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-unit-search-failure.png');
const PLANT = 'Z'.repeat(40);
const PLANTED_LINES = [40, 120, 200, 260];

/** 300 lines of 79 random lowercase letters and spaces (a fixed LCG), lines PLANTED_LINES starting with 40 'Z'. */
function generated(): string {
  let seed = 13;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const alphabet = 'abcdefghijklmnopqrstuvwxy     ';
  const lines: string[] = [];
  for (let l = 1; l <= 300; l++) {
    let line = '';
    while (line.length < 79) line += alphabet[Math.floor(next() * alphabet.length)];
    lines.push(PLANTED_LINES.includes(l) ? PLANT + line.slice(40) : line);
  }
  return lines.join('\n') + '\n';
}

/** The text the editor has selected, as VS Code seeds the Find widget with it. */
async function editorSelection(page: Page): Promise<string> {
  await page.locator('.tab', { hasText: 'planted.txt' }).first().click();
  await page.keyboard.press('Control+f');
  const find = page.locator('.find-widget textarea').first();
  await find.waitFor({ state: 'visible', timeout: 15_000 });
  const value = await find.inputValue();
  await page.keyboard.press('Escape');
  return value;
}

test('the Gates panel\'s whole-file search finds a planted pattern and selects it in the editor', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-unit-search-'));
  const text = generated();
  writeFileSync(path.join(workspace, 'planted.txt'), text);
  try {
    const { page } = await openPackagedWorkbench(session, workspace, {
      settings: { 'sequenceLab.training.model': 'rnn', 'sequenceLab.training.hiddenSize': 32, 'sequenceLab.training.maxSteps': 150 },
    });
    await openFile(page, 'planted.txt');
    await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
    const training = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
    await training.locator('#status', { hasText: /completed/i }).first().waitFor({ timeout: 180_000 });
    phase('the RNN run completed');

    await openFile(page, 'planted.txt');
    await goToLine(page, PLANTED_LINES[1]); // the cursor at the start of a planted run: the window is centred on it
    await runCommand(page, 'Sequence Lab: Show LSTM/GRU Gates', { timeout: 30_000 });
    const gates = await webviewFrame(page, { selector: '#heatmap', timeout: 60_000 });
    const lineStart = text.split('\n').slice(0, PLANTED_LINES[1] - 1).reduce((n, l) => n + l.length + 1, 0);
    await gates.locator('#step-info', { hasText: `(character ${lineStart})` }).first().waitFor({ timeout: 60_000 });
    const t0 = Number(/^Step (\d+)/.exec(await gates.locator('#step-info').first().innerText())![1]) - 1; // the run's first Z
    phase(`Gates shows the window with the planted run from step ${t0 + 1}`);

    // Drag across the run (its 3rd to 40th Z: 38 steps, as a state needs a step or two to settle), in the top unit
    // row: the search ranks stretches by how close their length is to the 38 selected, so a planted run's ~40 beats
    // the short stretches where a unit happens to be on in random text.
    const box = (await gates.locator('#heatmap').first().boundingBox())!;
    const cellW = (box.width - 34 - 4) / 128;
    const at = (t: number) => ({ x: box.x + 34 + (t + 0.5) * cellW, y: box.y + 16 });
    await page.mouse.move(at(t0 + 2).x, at(t0 + 2).y);
    await page.mouse.down();
    await page.mouse.move(at(t0 + 39).x, at(t0 + 39).y, { steps: 8 });
    await page.mouse.up();
    await gates.locator('#pattern', { hasText: /across steps \d+–\d+/ }).first().waitFor({ timeout: 30_000 });
    // As a user of LSTMVis would: lower the threshold until several units are on across the run (one unit alone is on
    // over long stretches of random text too; the run's constant input holds many units at once).
    for (let threshold = 0.5; ; threshold -= 0.05) {
      await gates.locator('#threshold').first().fill(threshold.toFixed(2));
      await gates.locator('#pattern', { hasText: `above ${Number(threshold.toFixed(2))} across` }).first().waitFor({ timeout: 30_000 });
      const units = Number(/^(\d+) units? (is|are) above/.exec(await gates.locator('#pattern').first().innerText())?.[1] ?? 0);
      phase(`threshold ${threshold.toFixed(2)}: ${units} units on across the run`);
      if (units >= 6 || threshold < 0.1) break;
    }
    await gates.locator('#search-why', { hasText: 'ranked by how close each stretch\'s length is to the 38 steps selected' }).first().waitFor({ timeout: 30_000 });
    phase(await gates.locator('#search-why').first().innerText());

    await gates.locator('#search-file:not([disabled])').first().click();
    await gates.locator('#search-status', { hasText: /stretch(es)? of the \d+ steps ha/ }).first().waitFor({ timeout: 120_000 });
    phase(await gates.locator('#search-status').first().innerText());
    const first = await gates.locator('#search-results tr[data-index="0"] td').allInnerTexts();
    assert.match(first[4], /«Z{30,40}[^Z]?»/, `the best match is a planted run: ${first.join(' | ')}`);
    await gates.locator('#search-results tr.current[data-index="0"]').first().waitFor({ timeout: 30_000 });

    // The extension selected the best match in the editor: its text is the planted Zs. The page marks the row current
    // before the host selects its text, so wait for the editor's status bar to show the match's line and column first.
    await page.locator('.tab', { hasText: 'planted.txt' }).first().click();
    await page.locator('.statusbar-item', { hasText: `Ln ${first[2].replace(':', ', Col ')} (` }).first().waitFor({ timeout: 30_000 });
    const selected = await editorSelection(page);
    phase(`the editor selects ${JSON.stringify(selected)} at ${first[2]}`);
    assert.match(selected, /^Z{30,40}[^Z]?$/);
    assert.ok(PLANTED_LINES.includes(Number(first[2].split(':')[0])), `the match is on a planted line (${first[2]})`);
    assert.deepEqual(await webviewCspViolations(page, '#heatmap'), [], 'CSP violations in the Gates panel');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(resultsDir, 'e2e-unit-search.png'), fullPage: true });

    // Next (from the Command Palette) selects the second match, another planted run.
    const second = await gates.locator('#search-results tr[data-index="1"] td').allInnerTexts();
    await runCommand(page, 'Sequence Lab: Next Unit Search Match (Gates)', { timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: `Ln ${second[2].replace(':', ', Col ')} (` }).first().waitFor({ timeout: 30_000 });
    assert.match(await editorSelection(page), /^Z{30,40}[^Z]?$/);
    phase(`Next selected match 2 at ${second[2]}`);
    session.passed = true;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    console.log(`unitSearchInVsCode e2e test took ${seconds(started)}`);
  }
});
