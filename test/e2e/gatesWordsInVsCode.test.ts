// The Gates panel on a WORD run, as a user gets it in a real VS Code workbench (code-server): an experiment file with
// data.kind "words" trains a word LSTM on verse.txt from its ▶ Train CodeLens; with verse.txt active, "Sequence Lab:
// Show LSTM/GRU Gates" draws the gates over the file's words. Moving the cursor to line 3 selects the step of the word
// under it ("And"); clicking a step of the heatmap selects that whole word in the editor. Runs in a temporary
// workspace, so examples/ stays untouched. Screenshot in test-results/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT, goToLine, openFile, runCommand, seconds, webviewCspViolations, webviewFrame } from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const resultsDir = path.join(REPO_ROOT, 'test-results');
const workspace = mkdtempSync(path.join(tmpdir(), 'seqlab-words-gates-'));
const session = workbenchSession('e2e-gates-words-failure.png');
after(() => rmSync(workspace, { recursive: true, force: true }));

const EXPERIMENT = {
  description: 'A word LSTM on verse, for the Gates panel.',
  data: { path: 'verse.txt', kind: 'words' },
  model: { cell: 'lstm', layers: 1, hiddenSize: 24 },
  training: { seqLength: 16, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 120, seed: 3 },
};

test('a word LSTM trained from an experiment file: the Gates panel steps over words, linked to the editor\'s cursor; Colour Text by Model colours its words', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  copyFileSync(path.join(REPO_ROOT, 'examples', 'verse.txt'), path.join(workspace, 'verse.txt'));
  writeFileSync(path.join(workspace, 'verse-words.seqlab.json'), JSON.stringify(EXPERIMENT, null, 2) + '\n');
  const text = readFileSync(path.join(workspace, 'verse.txt'), 'utf8');
  const words = [...text.matchAll(/\S+/g)];
  try {
    const { page } = await openPackagedWorkbench(session, workspace);
    await openFile(page, 'verse-words.seqlab.json');
    const lens = page.locator('.editor-group-container .monaco-editor .codelens-decoration a', { hasText: '▶ Train' });
    await lens.first().waitFor({ state: 'visible', timeout: 60_000 });
    await lens.first().click();
    const training = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
    await training.locator('#status', { hasText: /completed/i }).first().waitFor({ timeout: 180_000 });
    phase('the word LSTM run completed');

    await openFile(page, 'verse.txt');
    await runCommand(page, 'Sequence Lab: Show LSTM/GRU Gates', { timeout: 30_000 });
    const gates = await webviewFrame(page, { selector: '#heatmap', timeout: 60_000 });
    await gates.locator('#map-title', { hasText: 'forget gate f' }).first().waitFor({ timeout: 60_000 });
    const labels = await gates.locator('#labels').first().innerText();
    phase(`Gates panel: ${labels}`);
    assert.match(labels, /word LSTM .* on verse\.txt · step 120 · words 0–127/);

    // The cursor on line 3 is on its first word: that word's step is selected.
    await page.locator('.tab', { hasText: 'verse.txt' }).first().click();
    await goToLine(page, 3);
    const line3 = text.split('\n').slice(0, 2).reduce((n, l) => n + l.length + 1, 0);
    const and = words.findIndex((m) => m.index === line3);
    assert.equal(words[and][0], 'And');
    await gates.locator('#step-info', { hasText: `Step ${and + 1} (word ${and}) “And”` }).first().waitFor({ timeout: 15_000 });
    phase(`the cursor on line 3 selected step ${and + 1}, "And"`);

    // A click in the middle of the heatmap's 21st column (34 px of unit labels, then 128 steps across the rest but
    // 4 px) selects step 21, the window's word start + 20, and that whole word in the editor. The step is known
    // before the click (one read off the panel could be shown before the click took effect).
    const picked = Number(/words (\d+)–/.exec(labels)![1]) + 20;
    const box = (await gates.locator('#heatmap').first().boundingBox())!;
    const cellW = (box.width - 34 - 4) / 128;
    // Every change of the step shown, from the click on, is recorded (starting with the step shown before it).
    await gates.locator('#step-info').first().evaluate((p) => {
      type Observer = new (changed: () => void) => { observe(node: unknown, options: object): void };
      const page = globalThis as unknown as { stepsShown: string[]; MutationObserver: Observer };
      const shown = [p.textContent ?? ''];
      page.stepsShown = shown;
      new page.MutationObserver(() => {
        if (p.textContent !== shown.at(-1)) shown.push(p.textContent ?? '');
      }).observe(p, { childList: true, characterData: true, subtree: true });
    });
    await gates.locator('#heatmap').first().click({ position: { x: 34 + 20.5 * cellW, y: 20 } });
    await gates.locator('#step-info', { hasText: `Step 21 (word ${picked})` }).first().waitFor({ timeout: 15_000 });
    const info = await gates.locator('#step-info').first().innerText();
    assert.ok(info.includes(`“${words[picked][0]}”`), `the step names its word: ${info}`);
    const before = text.slice(0, words[picked].index).split('\n');
    // The status bar gives the cursor's line and column and the selection's length: the cursor is put at the word's
    // start (were it at the end, the cursor-follow would echo the next step back to the panel).
    const column = before.at(-1)!.length + 1;
    const where = `Ln ${before.length}, Col ${column} (${words[picked][0].length} selected)`;
    await page.locator('.tab', { hasText: 'verse.txt' }).first().click();
    await page.locator('.statusbar-item', { hasText: where }).first().waitFor({ timeout: 15_000 });
    phase(`a click on word ${picked} "${words[picked][0]}" selected ${where} in the editor`);
    // The editor's new selection comes back to the panel as its cursor. A second click, on step 31, is the fence: the
    // echo of the first selection reaches the panel before anything of the second (the host posts in order), so once
    // step 31 shows, whatever that echo did is in the record. The panel kept the word clicked until the next click.
    await gates.locator('#heatmap').first().click({ position: { x: 34 + 30.5 * cellW, y: 20 } });
    await gates.locator('#step-info', { hasText: `Step 31 (word ${picked + 10})` }).first().waitFor({ timeout: 15_000 });
    const shown = await gates.locator('#step-info').first().evaluate(() => (globalThis as unknown as { stepsShown: string[] }).stepsShown);
    const steps = shown.map((s) => /^Step \d+ \(word \d+\)/.exec(s)?.[0]);
    phase(`the panel showed ${JSON.stringify(steps)} from the click on`);
    const clicked = `Step 21 (word ${picked})`;
    assert.deepEqual(steps.slice(1), [...(steps[0] === clicked ? [] : [clicked]), `Step 31 (word ${picked + 10})`],
      'the panel went to the step clicked and stayed there until the next click');
    assert.deepEqual(await webviewCspViolations(page, '#heatmap'), [], 'CSP violations in the Gates panel');
    await page.screenshot({ path: path.join(resultsDir, 'e2e-gates-words.png'), fullPage: true });

    // Colour Text by Model on the same word run: whole words coloured by their surprisal, bits per word in the status
    // bar, and the hover on a word gives p(w_t | w_<t) and the five most probable next words.
    await page.locator('.tab', { hasText: 'verse.txt' }).first().click();
    await runCommand(page, 'Sequence Lab: Colour Text by Model…', { timeout: 30_000 });
    const surprisal = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Surprisal' }).first();
    await surprisal.waitFor({ state: 'visible', timeout: 15_000 });
    await surprisal.click();
    await page.locator('.statusbar-item', { hasText: /word LSTM.*: surprisal · \d+\.\d\d bits\/word in view/ }).first().waitFor({ timeout: 60_000 });
    const coloured = page.locator('.editor-group-container .monaco-editor .view-overlays .cdr[class*="ced-"]');
    for (const by = Date.now() + 30_000; (await coloured.count()) <= 20;) {
      if (Date.now() > by) assert.fail(`only ${await coloured.count()} coloured runs of text`);
      await page.waitForTimeout(250);
    }
    const line = page.locator('.editor-group-container .monaco-editor .view-line', { hasText: 'And every shadow follows' }).first();
    await line.locator('span span').first().hover({ position: { x: 8, y: 5 } });
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'next word' }).first();
    await hover.waitFor({ timeout: 15_000 });
    const hoverText = await hover.innerText();
    phase(`hover on a word: ${JSON.stringify(hoverText.slice(0, 240))}`);
    assert.match(hoverText, /And: p\(w_t \| w_<t\) = (?:[01]\.\d{4}|\d\.\d{3}e-\d+), surprisal \d+\.\d\d bits/);
    const probs = [...hoverText.matchAll(/\b(0\.\d{4}|1\.0000)\s*$/gm)].map((m) => Number(m[1]));
    assert.equal(probs.length, 5, `five next words in ${JSON.stringify(hoverText)}`);
    for (let i = 1; i < 5; i++) assert.ok(probs[i] <= probs[i - 1], `sorted: ${probs.join(', ')}`);
    await page.screenshot({ path: path.join(resultsDir, 'e2e-colour-words-hover.png'), fullPage: true });
    await page.keyboard.press('Escape');
    session.passed = true;
  } finally {
    console.log(`gatesWordsInVsCode e2e test took ${seconds(started)}`);
  }
});
