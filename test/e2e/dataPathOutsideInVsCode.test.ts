// Issue 19, end to end in a real VS Code (code-server): a repository's experiment file whose data.path leads outside
// the workspace — "../outside/secret.txt", or a committed symlink to that file — is never read without asking.
// ▶ Train (the CodeLens, or the palette's "Sequence Lab: Train Experiment") shows a modal dialog naming the resolved
// path; Cancel trains nothing: no Training panel, no row in the Runs view, nothing written. The same in a trusted
// window and in Restricted Mode, where an experiment on a file inside the workspace is asked about first too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, dialogs, notifications, openFile, runCommand, seconds } from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession, type WorkbenchSession } from './workbenchSession';

const resultsDir = path.join(REPO_ROOT, 'test-results');
const root = mkdtempSync(path.join(tmpdir(), 'seqlab-outside-'));
after(() => rmSync(root, { recursive: true, force: true }));

function experiment(dataPath: string): string {
  return JSON.stringify({
    description: 'From a repository nobody here wrote.',
    data: { path: dataPath, kind: 'characters' },
    model: { cell: 'rnn', layers: 1, hiddenSize: 16 },
    training: { seqLength: 16, optimizer: 'adam', learningRate: 0.01, steps: 1_000_000, seed: 1 },
  }, null, 2) + '\n';
}

/**
 * A checkout in `<root>/<name>/repo` and, beside it, `<root>/<name>/outside/secret.txt` (trainable text, so only the
 * guard stands between ▶ Train and a run). Returns the workspace and the secret's resolved path.
 */
function makeCheckout(name: string): { workspace: string; secret: string } {
  const base = path.join(root, name);
  const workspace = path.join(base, 'repo');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(path.join(base, 'outside'));
  copyFileSync(path.join(REPO_ROOT, 'examples', 'verse.txt'), path.join(base, 'outside', 'secret.txt'));
  copyFileSync(path.join(REPO_ROOT, 'examples', 'verse.txt'), path.join(workspace, 'verse.txt'));
  writeFileSync(path.join(workspace, 'escape.seqlab.json'), experiment('../outside/secret.txt'));
  symlinkSync('../outside/secret.txt', path.join(workspace, 'linked.txt'));
  writeFileSync(path.join(workspace, 'linked.seqlab.json'), experiment('linked.txt'));
  writeFileSync(path.join(workspace, 'inside.seqlab.json'), experiment('verse.txt'));
  // Committed as a repository would be: git stores linked.txt as a symlink.
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: workspace, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'a repository');
  assert.match(git('ls-files', '-s', 'linked.txt').toString(), /^120000 /, 'linked.txt is committed as a symlink');
  return { workspace, secret: realpathSync(path.join(base, 'outside', 'secret.txt')) };
}

const dialogBox = (page: Page, text: string | RegExp) => page.locator('.monaco-dialog-box', { hasText: text }).first();

/** Waits for the modal naming `expected`, checks its text and buttons, screenshots it and presses Cancel. */
async function cancelDialog(page: Page, expected: RegExp, mustName: string, screenshot: string): Promise<string> {
  const box = dialogBox(page, mustName);
  await box.waitFor({ timeout: 60_000 }).catch(async (error: Error) => {
    throw new Error(`${error.message}; dialogs: ${JSON.stringify(await dialogs(page))}, notifications: ${JSON.stringify(await notifications(page))}`);
  });
  // What the dialog says (its message and detail lines, as the harness reads them).
  const text = (await dialogs(page)).find((d) => d.includes(mustName)) ?? '';
  assert.match(text, expected);
  assert.ok(text.includes(mustName), `the dialog names ${mustName}: ${JSON.stringify(text)}`);
  const buttons = (await box.evaluate((b) => [...b.querySelectorAll('.monaco-button')].map((e) => e.textContent ?? ''))).map((b) => b.trim()).sort();
  assert.deepEqual(buttons, ['Cancel', 'Train on It'], 'the dialog offers Train on It and Cancel');
  await page.screenshot({ path: path.join(resultsDir, screenshot), fullPage: true });
  await box.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
  await box.waitFor({ state: 'detached', timeout: 30_000 });
  return text;
}

/** Nothing trained: the Runs view shows its empty welcome, no Training panel tab, nothing written into the workspace. */
async function assertNothingTrained(page: Page, workspace: string, screenshot: string): Promise<void> {
  await page.locator('.activitybar [aria-label^="Sequence Lab"]').first().click();
  const runs = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) });
  await runs.locator('.welcome-view-content', { hasText: 'No training runs in this workspace yet.' }).first().waitFor({ timeout: 30_000 });
  assert.equal(await runs.locator('.monaco-list-row').filter({ visible: true }).count(), 0, 'no run in the Runs view');
  assert.equal(await page.locator('.tabs-container .tab', { hasText: 'Sequence Lab: Training' }).count(), 0, 'no Training panel');
  assert.equal(existsSync(path.join(workspace, '.sequence-lab')), false, 'no run stored in the workspace');
  assert.deepEqual(await dialogs(page), [], 'no dialog left open');
  assert.deepEqual(readdirSync(workspace).sort(), ['.git', 'escape.seqlab.json', 'inside.seqlab.json', 'linked.seqlab.json', 'linked.txt', 'verse.txt']);
  await page.screenshot({ path: path.join(resultsDir, screenshot), fullPage: true });
}

async function closeSession(session: WorkbenchSession): Promise<void> {
  await session.browser?.close();
  await session.server?.stop();
  session.browser = undefined;
  session.server = undefined;
}

const OUTSIDE = /^Sequence Lab: (escape|linked)\.seqlab\.json names a data file outside the workspace folder: .+\. Read it anyway\?$/;

const trusted = workbenchSession('e2e-data-path-trusted-failure.png');
test('trusted window: ▶ Train on a data path outside the workspace (../ or a symlink) asks with the resolved path; Cancel trains nothing', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const { workspace, secret } = makeCheckout('trusted');
  const { page } = await openPackagedWorkbench(trusted, workspace, { settings: { 'sequenceLab.runs.storeInWorkspace': true } });

  await openFile(page, 'escape.seqlab.json');
  const lens = page.locator('.editor-group-container .monaco-editor .codelens-decoration a', { hasText: '▶ Train' }).filter({ visible: true });
  await lens.first().waitFor({ timeout: 60_000 });
  await lens.first().click();
  phase(`▶ Train on escape.seqlab.json: ${await cancelDialog(page, OUTSIDE, secret, 'e2e-data-path-trusted-dotdot.png')}`);

  await openFile(page, 'linked.seqlab.json');
  await runCommand(page, 'Sequence Lab: Train Experiment');
  phase(`Train Experiment on linked.seqlab.json: ${await cancelDialog(page, OUTSIDE, secret, 'e2e-data-path-trusted-symlink.png')}`);

  await assertNothingTrained(page, workspace, 'e2e-data-path-trusted-nothing-trained.png');
  phase('nothing trained');
  trusted.passed = true;
  await closeSession(trusted);
});

const restricted = workbenchSession('e2e-data-path-restricted-failure.png');
test('Restricted Mode: the same paths ask with the resolved path, a file inside asks first too; Cancel trains nothing', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  const { workspace, secret } = makeCheckout('restricted');
  const { page } = await openPackagedWorkbench(restricted, workspace, {
    workspaceTrust: true,
    settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' },
  });
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
  phase('the workbench is in Restricted Mode');

  await openFile(page, 'escape.seqlab.json');
  const lens = page.locator('.editor-group-container .monaco-editor .codelens-decoration a', { hasText: '▶ Train' }).filter({ visible: true });
  await lens.first().waitFor({ timeout: 60_000 });
  await lens.first().click();
  phase(`▶ Train on escape.seqlab.json: ${await cancelDialog(page, OUTSIDE, secret, 'e2e-data-path-restricted-dotdot.png')}`);

  await openFile(page, 'linked.seqlab.json');
  await runCommand(page, 'Sequence Lab: Train Experiment');
  phase(`Train Experiment on linked.seqlab.json: ${await cancelDialog(page, OUTSIDE, secret, 'e2e-data-path-restricted-symlink.png')}`);

  // Inside the workspace, Restricted Mode still asks before ▶ Train reads a repository's data file.
  const verse = realpathSync(path.join(workspace, 'verse.txt'));
  await openFile(page, 'inside.seqlab.json');
  await runCommand(page, 'Sequence Lab: Train Experiment');
  const RESTRICTED = /^Sequence Lab: this workspace is in Restricted Mode\. inside\.seqlab\.json trains on .+\. Train on it\?$/;
  phase(`Train Experiment on inside.seqlab.json: ${await cancelDialog(page, RESTRICTED, verse, 'e2e-data-path-restricted-inside.png')}`);

  await assertNothingTrained(page, workspace, 'e2e-data-path-restricted-nothing-trained.png');
  phase('nothing trained');
  restricted.passed = true;
  await closeSession(restricted);
});
