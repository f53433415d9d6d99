// The HMM slice as a user meets it in a real VS Code (code-server 4.100.3): open a tagged file of examples/hmm/,
// run "Sequence Lab: Decode Active File with HMM…" from the command palette, and see the Trellis panel draw the
// Viterbi path; clicking a column moves the editor's cursor to that token, and moving the cursor moves the panel.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  REPO_ROOT, openFile,
  runCommand, seconds, webviewCspViolations, webviewFrame,
  goToLine,
} from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const workspace = path.join(REPO_ROOT, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const TAGGED = 'pos-train.tsv';
const DECODE_COMMAND = 'Sequence Lab: Decode Active File with HMM…';

const session = workbenchSession('e2e-decode-failure.png');

/** The 0-based step (token index) of the token on 1-based line `line` of a tagged file (blank lines hold none). */
function stepOfLine(text: string, line: number): number {
  const lines = text.split(/\r?\n/).slice(0, line - 1);
  return lines.filter((l) => l.trim() !== '').length;
}

/** The 1-based line of the token at 0-based `step`: the (step+1)-th non-blank line. */
function lineOfStep(text: string, step: number): number {
  const lines = text.split(/\r?\n/);
  let seen = -1;
  for (let i = 0; i < lines.length; i++) if (lines[i].trim() !== '' && ++seen === step) return i + 1;
  throw new Error(`no step ${step}`);
}

/** The editor's cursor line, read from the highlighted line number (shown whether or not the editor has focus). */
async function cursorLine(page: Page): Promise<number> {
  const active = page.locator('.editor-group-container .monaco-editor .line-numbers.active-line-number').first();
  const text = await active.innerText({ timeout: 1000 }).catch(() => '');
  return text ? Number(text.trim()) : NaN;
}


test('decode a tagged file with an HMM from the command palette and follow it in the Trellis panel', { timeout: 300_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const { page } = await openPackagedWorkbench(session, workspace);
  await openFile(page, TAGGED);
  phase(`opened ${TAGGED}`);

  await runCommand(page, DECODE_COMMAND, { timeout: 90_000 });
  const panel = await webviewFrame(page, { selector: 'svg#trellis circle.node.on-path', timeout: 60_000 });
  phase('Trellis panel shows the Viterbi path');

  // One node per step of the window lies on the Viterbi path, and the path has a finite log probability.
  const onPath = await panel.locator('svg#trellis circle.node.on-path').count();
  const columns = await panel.locator('svg#trellis rect.col').count();
  assert.ok(columns > 1, `the window shows ${columns} steps`);
  assert.equal(onPath, columns, 'exactly one state per step is on the Viterbi path');
  const logP = Number((await panel.locator('#path-log-probability').innerText()).replace(/\u2212/g, '-').replace(/[^\d.eE+-]/g, ''));
  assert.ok(Number.isFinite(logP) && logP < 0, `log P(path, o) = ${logP}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-trellis.png'), fullPage: true });

  // Click a column of the trellis: the editor's cursor goes to that token's line.
  const text = readFileSync(path.join(workspace, 'hmm', TAGGED), 'utf8');
  const target = 7;
  await panel.locator(`text.symbol[data-step="${target}"]`).first().click();
  const expectedLine = lineOfStep(text, target);
  const deadline = Date.now() + 30_000;
  while ((await cursorLine(page)) !== expectedLine) {
    if (Date.now() > deadline) assert.fail(`cursor is on line ${await cursorLine(page)}, not ${expectedLine}, after clicking step ${target}`);
    await page.waitForTimeout(100);
  }
  phase(`clicked step ${target}: cursor on line ${expectedLine}`);

  // Move the cursor in the editor (Go to Line): the panel selects that token's step.
  const line = lineOfStep(text, 25);
  await page.locator('.editor-group-container .monaco-editor .view-lines').first().click(); // focus the editor again
  await goToLine(page, line);
  const step = stepOfLine(text, line);
  await panel.locator(`rect.col.selected[data-step="${step}"]`).waitFor({ timeout: 30_000 });
  phase(`cursor on line ${line}: panel selected step ${step}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-trellis-linked.png'), fullPage: true });
  assert.deepEqual(await webviewCspViolations(page, 'svg#trellis'), [], 'CSP violations in the Trellis panel');
  session.passed = true;
  console.log(`decodeInVsCode e2e test took ${seconds(started)}`);
});
