// Generative against discriminative as a user meets it in a real VS Code (code-server): open examples/hmm/pos-train.tsv,
// run "Sequence Lab: Compare HMM and RNN Taggers on Active File" from the command palette, choose the pos-test.tsv
// sibling as the held-out set, click Train, and see both taggers' results side by side.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  REPO_ROOT, openFile,
  runCommand, seconds, webviewCspViolations, webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const workspace = path.join(REPO_ROOT, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const TAGGED = 'pos-train.tsv';
const COMMAND = 'Sequence Lab: Compare HMM and RNN Taggers on Active File';

const session = workbenchSession('e2e-taggers-failure.png');

/** Accuracy of always answering the most frequent training tag, on the held-out file's tags. */
function majorityAccuracy(train: string, heldOut: string): number {
  const tags = (text: string) => text.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t')[1].trim());
  const counts = new Map<string, number>();
  for (const t of tags(train)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  const held = tags(heldOut);
  return held.filter((t) => t === top).length / held.length;
}

test('compare the HMM and RNN taggers on pos-train.tsv from the command palette', { timeout: 300_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const { page } = await openPackagedWorkbench(session, workspace);
  await openFile(page, TAGGED);
  phase(`opened ${TAGGED}`);

  await runCommand(page, COMMAND, { timeout: 90_000 });
  const panel = await webviewFrame(page, { selector: '#settings vscode-button#train', timeout: 60_000 });
  phase('Tagger Comparison panel shows its settings');
  const sibling = panel.locator('vscode-button#heldout-sibling');
  await sibling.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal((await sibling.innerText()).trim(), 'pos-test.tsv');
  await sibling.click();
  await panel.locator('vscode-button#train').click();
  await panel.locator('#verdict').filter({ hasText: /wins on this file|a tie on this file/ }).waitFor({ timeout: 120_000 });
  phase('results shown');

  const accuracy = async (id: string) => Number((await panel.locator(`#${id}-accuracy`).innerText()).replace('%', '')) / 100;
  const baseline = majorityAccuracy(
    readFileSync(path.join(workspace, 'hmm', 'pos-train.tsv'), 'utf8'),
    readFileSync(path.join(workspace, 'hmm', 'pos-test.tsv'), 'utf8'),
  );
  const hmm = await accuracy('hmm');
  const rnn = await accuracy('rnn');
  assert.ok(hmm > baseline + 0.5 && rnn > baseline + 0.5, `HMM ${hmm}, RNN ${rnn}, majority tag ${baseline}`);
  assert.match(await panel.locator('#data-summary').innerText(), /held out: pos-test\.tsv, 50 sequences \(300 tokens\)/);
  assert.equal(await panel.locator('#hmm-table tbody tr').count(), 7);
  assert.equal(await panel.locator('#status').innerText(), 'Done.');
  phase(`HMM ${hmm}, RNN ${rnn}, majority ${baseline.toFixed(3)}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-taggers.png'), fullPage: true });
  assert.deepEqual(await webviewCspViolations(page, '#hmm-matrix'), [], 'CSP violations in the Tagger Comparison panel');
  session.passed = true;
  console.log(`compareTaggersInVsCode e2e test took ${seconds(started)}`);
});
