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

test('a word LSTM trained from an experiment file: the Gates panel steps over words, linked to the editor\'s cursor', { timeout: 600_000 }, async () => {
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

    // A click on a step of the heatmap (about the 21st) selects that whole word in the editor.
    const box = (await gates.locator('#heatmap').first().boundingBox())!;
    const cellW = (box.width - 34 - 4) / 128;
    await gates.locator('#heatmap').first().click({ position: { x: 34 + 20.5 * cellW, y: 20 } });
    await gates.locator('#step-info', { hasText: /^Step 2[012] / }).first().waitFor({ timeout: 15_000 });
    const info = await gates.locator('#step-info').first().innerText();
    const picked = Number(/\(word (\d+)\)/.exec(info)![1]);
    assert.ok(info.includes(`“${words[picked][0]}”`), `the step names its word: ${info}`);
    const before = text.slice(0, words[picked].index).split('\n');
    // The status bar gives the cursor's line and column and the selection's length: the cursor is put at the word's
    // start (were it at the end, the cursor-follow would echo the next step back to the panel).
    const column = before.at(-1)!.length + 1;
    const where = `Ln ${before.length}, Col ${column} (${words[picked][0].length} selected)`;
    await page.locator('.tab', { hasText: 'verse.txt' }).first().click();
    await page.locator('.statusbar-item', { hasText: where }).first().waitFor({ timeout: 15_000 });
    phase(`a click on word ${picked} "${words[picked][0]}" selected ${where} in the editor`);
    // The editor's new selection comes back to the panel as its cursor: the panel keeps the word clicked.
    await page.waitForTimeout(1000);
    assert.match(await gates.locator('#step-info').first().innerText(), new RegExp(`\\(word ${picked}\\)`));
    assert.deepEqual(await webviewCspViolations(page, '#heatmap'), [], 'CSP violations in the Gates panel');
    await page.screenshot({ path: path.join(resultsDir, 'e2e-gates-words.png'), fullPage: true });
    session.passed = true;
  } finally {
    console.log(`gatesWordsInVsCode e2e test took ${seconds(started)}`);
  }
});
