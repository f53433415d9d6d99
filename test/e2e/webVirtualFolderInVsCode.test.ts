// A virtual workspace (issue 17): a window whose only folder is on a file system that is not `file:`, as on
// github.dev. A test-only extension (test/fixtures/virtualFolderExtension/, packaged here with vsce) serves the
// folder seqlab-mem:/ws from memory, holding examples/verse.txt's text; the window opens a workspace file whose one
// folder is that URI. Sequence Lab runs in the web worker extension host (its manifest declares
// capabilities.virtualWorkspaces: true, so VS Code enables it there). A user opens verse.txt from the Explorer,
// trains from the command palette, sees the loss fall in the Training panel, stops the run and finds it in the
// Runs view, trains and stops a second, compares the two with Compare Runs…, opens the gradient lab on the file,
// trains the experiment file beside it (8 streams, on one thread: the panel says why) from its ▶ Train CodeLens, and
// opens the model file beside it (Explorer → Open PyTorch Model…): every read of the data, the experiment and the model and every write and read of the runs goes
// through workspace.fs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  REPO_ROOT, chooseFromContextMenu, installVsix, installVsixCached, launchBrowser, makeProfile, notifications,
  numberIn, packageVsix, runCommand, seconds, startCodeServer, waitForLossToFall, webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { workbenchSession } from './workbenchSession';

const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-web-virtual-failure.png');
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'virtualFolderExtension');
const SCHEME = 'seqlab-mem';
/**
 * The fixture folder's experiment file: a tanh RNN of H 24 on its verse.txt in 8 streams, many steps (stopped by the
 * test). code-server's page is not cross-origin isolated, so the batch trains on one thread and the panel says why.
 */
const EXPERIMENT = {
  data: { path: 'verse.txt', kind: 'characters' },
  model: { cell: 'rnn', layers: 1, hiddenSize: 24 },
  training: { seqLength: 16, batch: 8, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 1_000_000, seed: 3 },
};

/**
 * The fixture extension as a .vsix (vsce, as a publisher packages), with verse.txt's text, the experiment file and a
 * char LSTM of H 12 trained on verse.txt for 20 steps by the CLI (from the sources) written into it.
 */
function packageFixture(dir: string): string {
  cpSync(FIXTURE, dir, { recursive: true });
  const text = readFileSync(path.join(REPO_ROOT, 'examples', 'verse.txt'), 'utf8');
  const trained = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'train', 'examples/verse.txt', '--model', 'lstm', '--hidden', '12', '--steps', '20', '--out', path.join(dir, 'model')], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(trained.status, 0, `sequence-lab train (fixture model): ${trained.stderr}`);
  const model = readFileSync(path.join(dir, 'model', 'model.safetensors')).toString('base64');
  rmSync(path.join(dir, 'model'), { recursive: true, force: true });
  const script = path.join(dir, 'extension.js');
  writeFileSync(script, readFileSync(script, 'utf8').replace("'__TEXT__'", JSON.stringify(text)).replace("'__EXPERIMENT__'", JSON.stringify(JSON.stringify(EXPERIMENT, null, 2) + '\n')).replace("'__MODEL__'", JSON.stringify(model)));
  writeFileSync(path.join(dir, 'README.md'), '# Sequence Lab test fixture\n');
  const vsix = path.join(dir, 'virtual-folder-fixture.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `vsce package (fixture): ${r.stderr}${r.stdout}`);
  return vsix;
}

/** The Runs view's rows once `count` runs on verse.txt show as stopped (the Sequence Lab side bar opened first). */
async function stoppedRuns(page: Page, count: number): Promise<string[]> {
  const runs = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) });
  for (const deadline = Date.now() + 60_000; ;) {
    if (!(await runs.first().isVisible().catch(() => false))) await page.locator('.activitybar [aria-label^="Sequence Lab"]').first().click();
    const texts = await runs.locator('.monaco-list-row').allInnerTexts().catch(() => [] as string[]);
    if (texts.some((t) => t.includes('verse.txt')) && texts.filter((t) => /stopped · step [1-9]/.test(t)).length >= count) return texts;
    if (Date.now() > deadline) assert.fail(`fewer than ${count} stopped runs on verse.txt in the Runs view: ${JSON.stringify(texts)}`);
    await page.waitForTimeout(250);
  }
}

/** Shows the Explorer (its activity bar icon hides the side bar when the Explorer is already shown). */
async function showExplorer(page: Page): Promise<void> {
  if (!(await page.locator('.explorer-folders-view').first().isVisible().catch(() => false))) await page.locator('.activitybar [aria-label^="Explorer"]').first().click();
  await page.locator('.explorer-folders-view').first().waitFor({ state: 'visible', timeout: 30_000 });
}

test('a virtual workspace (one seqlab-mem: folder): train on verse.txt from the Explorer, find and compare the runs, open the gradient lab, train an experiment file, open a model file', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'seqlab-virtual-'));
  const dirs = makeProfile({
    settings: {
      'extensions.webWorker': true,
      'remote.extensionKind': { 'sequence-lab.sequence-lab': ['web'], 'sequence-lab-tests.virtual-folder-fixture': ['web'] },
      'sequenceLab.training.hiddenSize': 32,
      'sequenceLab.training.maxSteps': 10_000_000,
    },
  });
  const launching = launchBrowser();
  launching.catch(() => {});
  await installVsixCached(packageVsix({ root: REPO_ROOT, reuseFresh: true }), dirs);
  await installVsix(packageFixture(path.join(scratch, 'fixture')), dirs);
  // The workspace's one folder is the fixture's file system: no file: folder in the window at all.
  const workspaceFile = path.join(scratch, 'virtual.code-workspace');
  writeFileSync(workspaceFile, JSON.stringify({ folders: [{ uri: `${SCHEME}:/ws`, name: 'Virtual' }] }));
  const server = (session.server = await startCodeServer({ dirs }));
  const { page } = (session.browser = await launching);
  await page.goto(`${server.url}/?workspace=${encodeURIComponent(workspaceFile).replace(/%2F/g, '/')}`, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
  phase('workbench open on the virtual workspace');

  // Quick open needs a search provider, which a virtual file system has none of: the Explorer lists the folder.
  const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*verse\.txt\s*$/ }).first();
  await file.waitFor({ state: 'visible', timeout: 60_000 });
  const roots = await page.locator('.explorer-folders-view .monaco-list-row[aria-level="1"]').allInnerTexts();
  assert.deepEqual(roots.map((r) => r.trim()), ['Virtual'], 'the window has one folder, the virtual one');
  await file.click();
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'verse.txt' }).first().waitFor({ timeout: 30_000 });
  phase('opened verse.txt from the Explorer');

  await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
  const panel = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
  const fell = await waitForLossToFall(page, panel);
  phase(`loss fell: first ${fell.first} -> ${fell.loss}`);
  assert.equal((await panel.locator('#file-label').first().innerText()).trim(), 'verse.txt', 'the Training panel names the virtual file');
  await page.screenshot({ path: path.join(resultsDir, 'e2e-web-virtual-training.png'), fullPage: true });

  // Stop; the run is in the Runs view with its file and status, stored through workspace.fs.
  await runCommand(page, 'Sequence Lab: Stop Training', { timeout: 30_000 });
  await stoppedRuns(page, 1);
  phase('Runs view: the run on verse.txt, stopped');

  // A second run on the same file, stopped too; then Compare Runs… from the palette with the editor on verse.txt: its
  // runs are picked already, Enter compares them (the desktop's Compare Runs panel, on stored runs read on the web).
  await page.locator('.tab', { hasText: 'verse.txt' }).first().click();
  await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 60_000 });
  await page.locator('.statusbar-item', { hasText: /Sequence Lab · step \d+/ }).first().waitFor({ timeout: 60_000 });
  await runCommand(page, 'Sequence Lab: Stop Training', { timeout: 30_000 });
  const texts = await stoppedRuns(page, 2);
  phase(`Runs view: ${JSON.stringify(texts)}`);
  await page.locator('.tab', { hasText: 'verse.txt' }).first().click();
  await runCommand(page, 'Sequence Lab: Compare Runs…', { timeout: 30_000 });
  const checked = page.locator('.quick-input-widget .quick-input-list .monaco-list-row .quick-input-list-checkbox input:checked, .quick-input-widget .quick-input-list .monaco-list-row .monaco-checkbox.checked');
  for (const deadline = Date.now() + 15_000; (await checked.count()) < 2;) {
    if (Date.now() > deadline) assert.fail(`the pick does not hold verse.txt's two runs checked (${await checked.count()})`);
    await page.waitForTimeout(100);
  }
  await page.keyboard.press('Enter');
  const compare = await webviewFrame(page, { selector: '#compare', timeout: 60_000 });
  await compare.locator('#metrics tbody tr').nth(1).waitFor({ timeout: 30_000 });
  assert.equal(await compare.locator('#metrics tbody tr').count(), 2, 'both runs in the table');
  assert.match((await compare.locator('#loss-chart').getAttribute('aria-label')) ?? '', /^Loss per character of 2 runs/);
  phase(`Compare Runs: ${JSON.stringify((await compare.locator('#summary').innerText()).slice(0, 120))}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-web-virtual-runs.png'), fullPage: true });

  // The gradient lab on the virtual verse.txt: its first reading, computed in the web's analysis worker.
  await page.locator('.tab', { hasText: 'verse.txt' }).first().click();
  await runCommand(page, 'Sequence Lab: Open Vanishing/Exploding Gradient Lab', { timeout: 30_000 });
  const lab = await webviewFrame(page, { selector: '#lab-chart', timeout: 60_000 });
  await lab.locator('#reading').first().filter({ hasText: /^ρ = 0\.90 \(σ_max = \d+\.\d\d\), T = 60, 59 steps back: the tanh RNN keeps / }).waitFor({ timeout: 60_000 });
  assert.match(await lab.locator('#data-label').first().innerText(), /verse\.txt/);
  phase('Gradient Lab: its reading on verse.txt');

  // An experiment file in the virtual folder: its CodeLenses (no Copy Command Line on the web: no terminal to run it
  // in), ▶ Train trains its model (H 24, not the settings' 32) on the verse.txt beside it, read through workspace.fs.
  await showExplorer(page);
  const experiment = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*verse-rnn\.seqlab\.json\s*$/ }).first();
  await experiment.waitFor({ state: 'visible', timeout: 30_000 });
  await experiment.click();
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'verse-rnn.seqlab.json' }).first().waitFor({ timeout: 30_000 });
  const lenses = page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a');
  const want = ['▶ Train', 'Open Data File'];
  let shown: string[] = [];
  for (const deadline = Date.now() + 60_000; JSON.stringify(shown) !== JSON.stringify(want);) {
    if (Date.now() > deadline) assert.fail(`the experiment's CodeLenses on the web: ${JSON.stringify(shown)}`);
    await page.waitForTimeout(200);
    shown = (await lenses.allInnerTexts().catch(() => [] as string[])).map((t) => t.trim());
  }
  await lenses.filter({ hasText: '▶ Train' }).first().click();
  const trained = await webviewFrame(page, { selector: '#model-label', timeout: 60_000 });
  for (const deadline = Date.now() + 60_000; !/RNN[\s\S]*H=24/.test(await trained.locator('#model-label').first().innerText().catch(() => ''));) {
    if (Date.now() > deadline) assert.fail(`the Training panel does not show the experiment's model (RNN, H=24): ${JSON.stringify(await trained.locator('#model-label').first().innerText().catch(() => ''))}; notifications ${JSON.stringify(await notifications(page))}`);
    await page.waitForTimeout(250);
  }
  for (const deadline = Date.now() + 120_000; !Number.isFinite(await numberIn(trained, '#loss'));) {
    if (Date.now() > deadline) assert.fail('no loss in the experiment\'s Training panel within 120 s');
    await page.waitForTimeout(250);
  }
  assert.equal((await trained.locator('#file-label').first().innerText()).trim(), 'verse.txt', 'the experiment trains on the virtual verse.txt');
  // 8 streams could train data-parallel, but this page has no SharedArrayBuffer: one thread, and the panel says why.
  await trained.locator('#threads', { hasText: /^on 1 thread: page not cross-origin isolated$/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
  // Once it has a run, the experiment offers Open Panels.
  await page.locator('.editor-group-container .monaco-editor .codelens-decoration a', { hasText: 'Open Panels' }).first().waitFor({ timeout: 60_000 });
  phase(`experiment file: ▶ Train, ${await trained.locator('#model-label').first().innerText()}, loss ${await numberIn(trained, '#loss')}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-web-virtual-experiment.png'), fullPage: true });
  await runCommand(page, 'Sequence Lab: Stop Training', { timeout: 30_000 });

  // A model file in the virtual folder: right-click → Open PyTorch Model… opens it on the active text (verse.txt),
  // paused at step 0, its cell and size read from the file (LSTM, H 12), in a Training panel of its own.
  await showExplorer(page);
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*verse\.txt\s*$/ }).first().click();
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'verse.txt' }).first().waitFor({ timeout: 30_000 });
  const modelFile = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*verse-lstm\.safetensors\s*$/ }).first();
  await modelFile.waitFor({ state: 'visible', timeout: 30_000 });
  await chooseFromContextMenu(page, modelFile, 'Open PyTorch Model…');
  for (const deadline = Date.now() + 60_000; ;) {
    const frames = page.frames();
    let label = '';
    let status = '';
    for (const frame of frames) {
      if (label) break;
      label = await frame.locator('#model-label').filter({ hasText: /LSTM[\s\S]*H=12/ }).first().innerText({ timeout: 500 }).catch(() => '');
      if (label) status = `${await frame.locator('#status').first().innerText({ timeout: 500 }).catch(() => '')} at step ${await frame.locator('#step').first().innerText({ timeout: 500 }).catch(() => '')}`;
    }
    // Opened paused, at step 0: the panel's badge says so (it may show the label a moment before the status).
    if (label && /^paused at step 0$/i.test(status.trim())) {
      phase(`Open PyTorch Model…: ${label} · ${status}`);
      break;
    }
    if (Date.now() > deadline) assert.fail(`no Training panel shows the opened LSTM of H 12, paused (label ${JSON.stringify(label)}, status ${JSON.stringify(status)}); notifications ${JSON.stringify(await notifications(page))}`);
    await page.waitForTimeout(250);
  }
  await page.screenshot({ path: path.join(resultsDir, 'e2e-web-virtual-model.png'), fullPage: true });

  session.passed = true;
  phase('done');
});
