// What the README promises about runs in trouble, driven in a real VS Code (code-server) as a person would:
// - Status bar: while a run trains it shows step, loss and chars/s; a click opens the Training panel (closed first).
// - NaN/Inf guidance: a ReLU RNN with W_hh at spectral radius 1.5, SGD (momentum 0.9) at learning rate 1 and clipping
//   off overflows at once. The warning names where and pauses at the last good step, and the same fault is an error
//   in the Problems panel on the data file. "Enable clipping (5)" resumes it with clipping 5 (run.json says so, and
//   clipping is not offered again); the problem's quick fix "Lower the learning rate to 0.5" (from the editor's
//   lightbulb) resumes it at 0.5; "Halve learning rate" resumes it at 0.25; each from the same step, with its optimizer
//   state kept (the momentum buffer in the checkpoint written at each new pause is the one of the first pause, bit for
//   bit); "Stop" stops it. (The weights of the last good step overflow again whatever the fix, so each resume pauses
//   again.)
// - Problems panel: an exploding run (ReLU IRNN, clipping off) and a vanishing one (tanh, radius 0.5), both finished,
//   get their diagnostics on their data files with the README's texts once coloured; each quick fix, picked from the
//   editor's lightbulb on the problem, starts a run on the file with the change its title says (Lower the learning
//   rate, Enable gradient clipping, Switch to LSTM); on a live run the fix changes the run itself (the NaN problem's,
//   above).
// That no vanishing diagnostic speaks beyond the run's truncation is gradientProblemsInVsCode.test.ts's.
// Runs are stored in the workspace (sequenceLab.runs.storeInWorkspace), so each run's settings are read from its
// run.json and its checkpoint from its folder. A temporary workspace; examples/ stays untouched.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT, openFile, runCommand, seconds, webviewFrame } from '../../scripts/vscode-harness.mjs';
import { decodeTrainerState } from '../../src/engine/trainerState';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const resultsDir = path.join(REPO_ROOT, 'test-results');
const workspace = mkdtempSync(path.join(tmpdir(), 'seqlab-guidance-'));
const session = workbenchSession('e2e-gradient-guidance-failure.png');
after(() => rmSync(workspace, { recursive: true, force: true }));

const verse = readFileSync(path.join(REPO_ROOT, 'examples', 'verse.txt'), 'utf8');
/** One experiment per data file, so that each file's newest run is the one the test means. */
const EXPERIMENTS: Record<string, { data: string; model: object; training: object }> = {
  steady: { data: 'verse.txt', model: { cell: 'rnn', hiddenSize: 24 }, training: { seqLength: 16, learningRate: 0.01, steps: 1_000_000, seed: 1 } },
  boom: {
    data: 'boom.txt',
    model: { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 32, init: 'identity', spectralRadius: 1.5 },
    // Momentum: an optimizer state (its buffer b = g after the first update) that each fix must keep.
    training: { seqLength: 64, optimizer: 'sgd', momentum: 0.9, learningRate: 1, clip: 0, steps: 1_000_000, seed: 2 },
  },
  grow: {
    data: 'grow.txt',
    // An IRNN (ReLU, W_hh = I): the hidden state, carried from chunk to chunk, sums its inputs and grows, and the
    // gradient with it. Over its first few hundred steps (seeded, so the same on every machine) the gradient norm
    // peaks at ~8,500 (~6,200 at half the rate); later Adam learns to keep the state small and the norm falls below
    // 100 (a run left training was found exploding or not depending on how far it got before it was coloured). So
    // the run stops at 300 steps: its last 200 hold the peak, whenever it is looked at.
    model: { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 32, init: 'identity', spectralRadius: 1 },
    training: { seqLength: 32, optimizer: 'adam', learningRate: 0.00001, clip: 0, steps: 300, seed: 3 },
  },
  fade: {
    data: 'fade.txt',
    // tanh' ≤ 1 and ρ(W_hh) = 0.5: ‖∂h_T/∂h_{T−50}‖ ≤ ~0.5^50 ≈ 1e-15, far below 1e-6 whatever the rule's details.
    model: { cell: 'rnn', hiddenSize: 32, init: 'orthogonal', spectralRadius: 0.5 },
    // Chunks of 64 characters: the gradient flows back beyond the 50 steps the setting asks about.
    training: { seqLength: 64, optimizer: 'adam', learningRate: 0.000001, clip: 5, steps: 30, seed: 4 },
  },
};

interface StoredRunJson { id: string; dataUri: string; status: string; step: number; config: { cell: string; clip: number; learningRate: number } }

/** The run.json files of the workspace's runs on `file`, newest last. */
function storedRuns(file: string): StoredRunJson[] {
  const root = path.join(workspace, '.sequence-lab', 'runs');
  if (!existsSync(root)) return [];
  const runs: (StoredRunJson & { createdAt: string })[] = [];
  for (const id of readdirSync(root)) {
    try {
      const run = JSON.parse(readFileSync(path.join(root, id, 'run.json'), 'utf8'));
      if (String(run.dataUri).endsWith(`/${file}`)) runs.push(run);
    } catch {
      // being written (atomically, by rename): read again on the next poll
    }
  }
  return runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The checkpoint's trainer state of the newest run on `file` (its file's inode tells one write from the next). */
function storedTrainerState(file: string): { ino: number; steps: number; momentum: Float64Array } | undefined {
  const run = storedRuns(file).at(-1);
  if (!run) return undefined;
  const stateFile = path.join(workspace, '.sequence-lab', 'runs', run.id, 'trainer-state.safetensors');
  try {
    const { ino } = statSync(stateFile);
    const { state } = decodeTrainerState(readFileSync(stateFile));
    const momentum = state.optimizer.buffers.momentum_buffer;
    assert.ok(momentum, `the trainer state of an SGD run with momentum has its momentum buffer: ${Object.keys(state.optimizer.buffers)}`);
    return { ino, steps: state.counters.steps, momentum };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // not written yet
    throw error;
  }
}

/** Polls until `check` returns a value (not undefined); fails with `what` and the last state after `timeoutMs`. */
async function until<T>(page: Page, what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${timeoutMs / 1000} s`);
    await page.waitForTimeout(200);
  }
}

const toast = (page: Page, text: string | RegExp): Locator => page.locator('.notification-toast', { hasText: text });
const toastButtons = async (t: Locator): Promise<string[]> =>
  (await t.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map((s) => s.trim());

/**
 * Presses a button of this very toast and waits until that toast is gone (the run's next warning has the same text,
 * so a locator by text could match the new toast before the old one has closed).
 */
async function pressToastButton(shown: Locator, label: string): Promise<void> {
  const element = await shown.elementHandle({ timeout: 15_000 });
  assert.ok(element, 'the toast');
  await shown.locator('.monaco-button', { hasText: label }).click();
  await element.waitForElementState('hidden', { timeout: 15_000 });
}

const problemRows = (page: Page) => page.locator('.markers-panel .monaco-list-row');

async function showProblems(page: Page): Promise<void> {
  if (!(await page.locator('.markers-panel').first().isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 15_000 });
}

/**
 * Opens the problem in its file (a click on it in the Problems panel), then picks the quick fix titled `fix` from the
 * editor's lightbulb, as a person does who sees it.
 *
 * Not Ctrl+.: that asks the providers anew, and VS Code (1.100, codeActionModel.ts) cancels a manual request still
 * pending 500 ms after its own lightbulb request arrives, queued 250 ms after each cursor move or change of the file's
 * problems; the cancelled request then says "No code actions available" although our provider answered with the fixes
 * (seen in the extension host's log, ~25 ms after the key). On a loaded machine the extension host can take longer
 * than that to answer. The lightbulb shows the actions of VS Code's last request at the cursor, which has completed:
 * a click on it asks nothing. (A new run on the file first clears the old run's problems, which hides the lightbulb,
 * so a lightbulb shown after the new problems appeared holds the new run's fixes; the assertions below on the run
 * each fix changes would catch one that did not.)
 */
async function applyQuickFix(page: Page, problem: RegExp, fix: string): Promise<void> {
  await showProblems(page);
  const row = problemRows(page).filter({ hasText: problem }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  await row.press('Enter');
  // The keys below go to whatever has the keyboard focus: wait until it has left the Problems row for the editor (a
  // '.monaco-editor.focused' left over from an earlier visit is not enough: then the keys reached the Problems panel).
  await page.waitForFunction("document.activeElement?.closest('.editor-group-container .monaco-editor') != null", undefined, { timeout: 15_000 });
  // VS Code shows the lightbulb only to an editor with the keyboard focus, on the answer of a request made when the
  // cursor moves: if the cursor already stood on the problem, Enter did not move it, so move it off and back.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  // The lightbulb is a widget in the text, or an icon in the gutter when the lines around leave it no room.
  const editor = page.locator('.editor-group-container .monaco-editor.focused').first();
  const lightbulb = editor.locator('.lightBulbWidget, .glyph-margin-widgets [class*="codicon-gutter-lightbulb"]').first();
  await lightbulb.waitFor({ state: 'visible', timeout: 30_000 });
  await lightbulb.click();
  // The quick fix menu, driven by the keyboard as a person does: Down until the fix is the focused row, then Enter.
  const actions = page.locator('.action-widget .monaco-list-row.action');
  await actions.filter({ hasText: fix }).first().waitFor({ state: 'visible', timeout: 15_000 });
  const titles = (await actions.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''))).map((t) => t.trim());
  assert.equal(titles.filter((t) => t === fix).length, 1, `"${fix}" is offered once: ${JSON.stringify(titles)}`);
  const focused = page.locator('.action-widget .monaco-list-row.action.focused');
  for (let presses = 0; (await focused.getAttribute('aria-label', { timeout: 5000 }))?.trim() !== fix; presses++) {
    assert.ok(presses < titles.length, `"${fix}" never got the focus in ${JSON.stringify(titles)}`);
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout: 15_000 });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(resultsDir, name), fullPage: true });
  console.log(`screenshot: test-results/${name}`);
}

/** Opens the experiment file and trains it from the palette (its CodeLens is clicked in experimentInVsCode.test.ts). */
async function trainExperiment(page: Page, name: string): Promise<void> {
  await openFile(page, `${name}.seqlab.json`);
  // Listed once the extension has activated: runCommand types it again until it shows.
  await runCommand(page, 'Sequence Lab: Train Experiment', { timeout: 120_000 });
}

test('status bar, NaN/Inf guidance and the Problems panel\'s gradient diagnostics with their quick fixes', { timeout: 900_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(path.join(workspace, '.vscode'));
  writeFileSync(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'sequenceLab.runs.storeInWorkspace': true }, null, 2)}\n`);
  for (const [name, e] of Object.entries(EXPERIMENTS)) {
    writeFileSync(path.join(workspace, e.data), verse);
    writeFileSync(path.join(workspace, `${name}.seqlab.json`), `${JSON.stringify({ data: { path: e.data, kind: 'characters' }, model: e.model, training: e.training }, null, 2)}\n`);
  }
  const { page } = await openPackagedWorkbench(session, workspace);

  // --- Status bar: step, loss and chars/s while training; a click opens the (closed) Training panel.
  await trainExperiment(page, 'steady');
  const item = page.locator('.statusbar-item', { hasText: /Sequence Lab · step [\d,]+\/[\d,]+ · loss \d+\.\d{3} · [\d.]+k? chars\/s/ }).first();
  await item.waitFor({ timeout: 120_000 });
  phase(`status bar: ${JSON.stringify(await item.innerText())}`);
  await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
  await runCommand(page, 'View: Close All Editors');
  await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 15_000 });
  await item.click();
  const panel = await webviewFrame(page, { selector: '#loss', timeout: 30_000 });
  await panel.locator('#file-label', { hasText: 'verse.txt' }).first().waitFor({ timeout: 15_000 });
  await panel.locator('#status', { hasText: /training/i }).first().waitFor({ timeout: 15_000 });
  phase('a click on the status bar item opened the Training panel on the training run');
  await screenshot(page, 'e2e-status-bar.png');
  assert.deepEqual(storedRuns('verse.txt').map((r) => r.status), ['training'], 'one click on ▶ Train, one run');
  // Stopped with the reopened panel's Stop button. (It once seemed lost under load: the worker posted a sample and a
  // progress batch every 100 steps of this small model, over a hundred messages a second, and the host and the panel
  // fell ever further behind, so that the Stop showed only tens of seconds later. Samples are now at most 2 a second.)
  await panel.locator('#stop').click();
  await panel.locator('#status', { hasText: /stopped/i }).first().waitFor({ timeout: 30_000 });
  await until(page, 'the verse.txt run stored as stopped', () => (storedRuns('verse.txt').at(-1)?.status === 'stopped' ? true : undefined));
  await item.waitFor({ state: 'hidden', timeout: 15_000 });

  // --- NaN/Inf guidance: the warning, its three buttons, and the same fault in the Problems panel with its quick fix.
  await trainExperiment(page, 'boom');
  const warning = /Sequence Lab: training boom\.txt hit NaN\/Inf in .+ at step (\d+); paused at step (\d+), its last good state\./;
  let shown = toast(page, warning).first();
  await shown.waitFor({ timeout: 120_000 });
  const first = warning.exec(await shown.innerText())!;
  const goodStep = Number(first[2]);
  assert.equal(Number(first[1]), goodStep + 1, 'paused at the step before the bad one');
  assert.deepEqual(await toastButtons(shown), ['Enable clipping (5)', 'Halve learning rate', 'Stop']);
  phase(`warning: ${JSON.stringify(first[0])}`);
  const pausedPanel = await webviewFrame(page, { selector: '#loss', timeout: 30_000 });
  await pausedPanel.locator('#status', { hasText: /paused/i }).first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'e2e-nan-warning.png');
  const original = storedRuns('boom.txt').at(-1)!;
  assert.deepEqual([original.config.clip, original.config.learningRate], [0, 1]);
  // The checkpoint of the pause: the last good step, and the momentum buffer its first update left (b = g ≠ 0).
  const paused = await until(page, 'the checkpoint of the paused run', () => {
    const state = storedTrainerState('boom.txt');
    return state?.steps === goodStep ? state : undefined;
  });
  assert.ok(paused.momentum.some((b) => b !== 0), 'the momentum buffer holds the first update');
  let lastIno = paused.ino;
  /** After a fix: the checkpoint of the next pause is a new file, of the same step, with the same momentum buffer. */
  const assertStateKept = async (fix: string): Promise<void> => {
    const state = await until(page, `the checkpoint written at the pause after "${fix}"`, () => {
      const s = storedTrainerState('boom.txt');
      return s && s.ino !== lastIno ? s : undefined;
    });
    lastIno = state.ino;
    assert.equal(state.steps, goodStep, `${fix}: the checkpoint is still that of the last good step`);
    assert.ok(
      state.momentum.length === paused.momentum.length && state.momentum.every((b, i) => Object.is(b, paused.momentum[i])),
      `${fix}: the optimizer state (momentum buffer) is kept`,
    );
  };

  // Enable clipping (5): resumed with clipping 5. The weights of the last good step still overflow, so it pauses
  // again at the same step, and clipping is no longer offered.
  await pressToastButton(shown, 'Enable clipping (5)');
  await until(page, 'run.json with clipping 5', () => (storedRuns('boom.txt').at(-1)?.config.clip === 5 ? true : undefined));
  shown = toast(page, warning).first();
  await shown.waitFor({ timeout: 60_000 });
  assert.equal(Number(warning.exec(await shown.innerText())![2]), goodStep, 'resumed from the same last good step');
  assert.deepEqual(await toastButtons(shown), ['Halve learning rate', 'Stop'], 'clipping is on now, so it is not offered again');
  await assertStateKept('Enable clipping (5)');
  phase('Enable clipping (5): resumed with clipping 5 and its momentum, paused again by the same overflow');

  // The same fault, an error in the Problems panel on boom.txt; its quick fix lowers the rate and resumes the run.
  await showProblems(page);
  const nanText = /NaN\/Inf in .+ at training step \d+: the run paused at its last good state\./;
  const nanProblem = problemRows(page).filter({ hasText: nanText }).first();
  await nanProblem.waitFor({ timeout: 30_000 });
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'boom.txt' }).first().waitFor({ timeout: 15_000 });
  phase(`Problems: ${JSON.stringify(await nanProblem.innerText())}`);
  await screenshot(page, 'e2e-problems-nan.png');
  // The warning shown now closes when the run pauses again (VS Code replaces a notification by its same new one).
  const before = await shown.elementHandle({ timeout: 15_000 });
  await applyQuickFix(page, nanText, 'Lower the learning rate to 0.5');
  await toast(page, /Lower the learning rate to 0\.5 on char RNN.*: done\./).first().waitFor({ timeout: 30_000 });
  await until(page, 'run.json with learning rate 0.5', () => (storedRuns('boom.txt').at(-1)?.config.learningRate === 0.5 ? true : undefined));
  await assertStateKept('Lower the learning rate to 0.5');
  await before!.waitForElementState('hidden', { timeout: 30_000 });
  shown = toast(page, warning).first();
  await shown.waitFor({ timeout: 60_000 });
  assert.equal(Number(warning.exec(await shown.innerText())![2]), goodStep, 'resumed from the same last good step');
  phase('the NaN problem\'s quick fix: resumed at 0.5 with its momentum, paused again');

  // Halve learning rate: resumed at 0.25, from the same step (the run goes on, it does not start again).
  await pressToastButton(shown, 'Halve learning rate');
  await until(page, 'run.json with learning rate 0.25', () => (storedRuns('boom.txt').at(-1)?.config.learningRate === 0.25 ? true : undefined));
  assert.equal(storedRuns('boom.txt').length, 1, 'the same run, no new one');
  assert.equal(storedRuns('boom.txt')[0].config.clip, 5, 'clipping stays on');
  shown = toast(page, warning).first();
  await shown.waitFor({ timeout: 60_000 });
  assert.equal(Number(warning.exec(await shown.innerText())![2]), goodStep, 'resumed from the same last good step');
  await assertStateKept('Halve learning rate');
  phase('Halve learning rate: resumed at 0.25 with its momentum, paused again');

  // Stop: the run stops at its last good step.
  await pressToastButton(shown, 'Stop');
  // The quick fix opened boom.txt over the Training panel: its tab brings the panel (its page made anew) back.
  await page.locator('.tabs-container .tab', { hasText: 'Sequence Lab: Training' }).first().click();
  const boomPanel = await webviewFrame(page, { selector: '#loss', timeout: 30_000 });
  await boomPanel.locator('#file-label', { hasText: 'boom.txt' }).first().waitFor({ timeout: 15_000 });
  await boomPanel.locator('#status', { hasText: /stopped/i }).first().waitFor({ timeout: 30_000 });
  await until(page, 'run.json stopped', () => (storedRuns('boom.txt').at(-1)?.status === 'stopped' ? true : undefined));
  assert.equal(storedRuns('boom.txt').at(-1)!.step, goodStep, 'stopped at its last good step');
  await nanProblem.waitFor({ state: 'detached', timeout: 30_000 });
  phase('Stop: stopped; the NaN problem went with the pause');

  // --- Exploding: a finished run coloured, the diagnostic on grow.txt. On a run that has ended, each quick fix starts
  // a new run on the file with its change (on a live one it changes the run, as the NaN problem's fix did above).
  const growRuns = () => storedRuns('grow.txt').map((r) => ({ status: r.status, learningRate: r.config.learningRate, clip: r.config.clip }));
  await trainExperiment(page, 'grow');
  await until(page, 'the grow.txt run completed', () => (storedRuns('grow.txt').at(-1)?.status === 'completed' ? true : undefined), 120_000);
  await openFile(page, 'grow.txt');
  await runCommand(page, 'Sequence Lab: Colour Text by Model…');
  const surprisal = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Surprisal' }).first();
  await surprisal.waitFor({ state: 'visible', timeout: 15_000 });
  await surprisal.click();
  await showProblems(page);
  const exploding = /Exploding gradient with clipping off: the gradient norm (reached|grew)/;
  await problemRows(page).filter({ hasText: exploding }).first().waitFor({ timeout: 60_000 });
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'grow.txt' }).first().waitFor({ timeout: 15_000 });
  phase(`Problems: ${JSON.stringify(await problemRows(page).filter({ hasText: exploding }).first().innerText())}`);
  await screenshot(page, 'e2e-problems-exploding.png');
  await applyQuickFix(page, exploding, 'Lower the learning rate to 0.000005');
  await toast(page, /Sequence Lab: started char RNN · relu · H=32 on grow\.txt/).first().waitFor({ timeout: 30_000 });
  await until(page, 'a second grow.txt run, at 5e-6, completed', () => (growRuns()[1]?.status === 'completed' ? true : undefined), 120_000);
  assert.deepEqual(growRuns(), [
    { status: 'completed', learningRate: 0.00001, clip: 0 },
    { status: 'completed', learningRate: 0.000005, clip: 0 },
  ], 'a new run at half the rate; the first as it was');
  // The new run (watched in its turn) explodes too with clipping off: its problem offers clipping.
  await applyQuickFix(page, exploding, 'Enable gradient clipping (5)');
  await until(page, 'a third grow.txt run, clipped, completed', () => (growRuns()[2]?.status === 'completed' ? true : undefined), 120_000);
  assert.deepEqual(growRuns()[2], { status: 'completed', learningRate: 0.000005, clip: 5 }, 'a new run with clipping 5 (and the rate it was fixed from)');
  // Clipping on: "exploding with clipping off" no longer applies.
  await problemRows(page).filter({ hasText: exploding }).first().waitFor({ state: 'detached', timeout: 30_000 });
  phase('exploding: each fix started a run with its change; the problem went with clipping on');

  // --- Vanishing: a finished tanh RNN at ρ = 0.5, coloured; "Switch to LSTM" starts an LSTM run on the file.
  await trainExperiment(page, 'fade');
  await until(page, 'the fade.txt run completed', () => (storedRuns('fade.txt').at(-1)?.status === 'completed' ? true : undefined), 120_000);
  await openFile(page, 'fade.txt');
  await runCommand(page, 'Sequence Lab: Colour Text by Model…');
  await surprisal.waitFor({ state: 'visible', timeout: 15_000 });
  await surprisal.click();
  await showProblems(page);
  // Where it fell below 1e-6 is the rule's to say (it may change); what cannot be learnt from is the README's promise.
  const vanishing = /Vanishing gradient: ‖∂h_T\/∂h_\{T−\d+\}‖ = \S+ < 1e-6 .*the model cannot learn from what lies 50 characters back/;
  await problemRows(page).filter({ hasText: vanishing }).first().waitFor({ timeout: 60_000 });
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'fade.txt' }).first().waitFor({ timeout: 15_000 });
  phase(`Problems: ${JSON.stringify(await problemRows(page).filter({ hasText: vanishing }).first().innerText())}`);
  await screenshot(page, 'e2e-problems-vanishing.png');
  await applyQuickFix(page, vanishing, 'Switch to LSTM (a new run on this file)');
  await toast(page, /Sequence Lab: started char LSTM · H=32 on fade\.txt/).first().waitFor({ timeout: 30_000 });
  const lstm = await until(page, 'an LSTM run stored on fade.txt', () => storedRuns('fade.txt').find((r) => r.config.cell === 'lstm'));
  assert.equal(lstm.config.learningRate, 0.000001, 'the same settings but the cell');
  assert.equal(storedRuns('fade.txt').length, 2, 'a new run beside the RNN run');
  phase('vanishing: Switch to LSTM started an LSTM run on fade.txt');
  await screenshot(page, 'e2e-problems-fixed.png');
  session.passed = true;
});
