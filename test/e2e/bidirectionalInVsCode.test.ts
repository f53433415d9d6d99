// A bidirectional tagger as a user meets it in a real VS Code (code-server 4.100.3): the "a" or "an"? example and its
// experiment file (as "New Example…" writes them) in a temporary workspace; "▶ Train" trains the BiGRU tagger in the
// editor; with the data file active, Show Unrolled Network draws the first sentence with one forward node h→ and one
// backward node h← per token and, at each output, the predicted tag with its probability and ✓/✗ against the file;
// Show LSTM/GRU Gates switches to the backward chain's update gate; Show Gradient Flow draws ‖∂L/∂h_t‖ per direction.
// Colour Text by Model colours the tagged file by the predicted tags, the hover giving their probabilities. No
// "sequence-lab trace" refusal anywhere. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, openFile, runCommand, seconds, webviewCspViolations, webviewFrame } from '../../scripts/vscode-harness.mjs';
import { exampleFiles } from '../../src/engine/examples';
import { exampleExperimentFiles } from '../../src/examples/exampleExperiments';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const resultsDir = path.join(REPO_ROOT, 'test-results');
const workspace = mkdtempSync(path.join(tmpdir(), 'seqlab-bidirectional-'));
const session = workbenchSession('e2e-bidirectional-failure.png');
after(() => rmSync(workspace, { recursive: true, force: true }));

async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(resultsDir, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${path.relative(REPO_ROOT, file)}`);
}

test('train a BiGRU tagger from its experiment file; Unrolled draws both chains, Gates the backward one, outputs the tags', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const [data] = exampleFiles('articles');
  const [experiment] = exampleExperimentFiles('articles', data.name);
  writeFileSync(path.join(workspace, data.name), data.content);
  writeFileSync(path.join(workspace, experiment.name), experiment.content);
  const firstSentence = data.content.split('\n\n')[0].split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t'));

  const { page } = await openPackagedWorkbench(session, workspace);
  await openFile(page, experiment.name);
  const lens = page.locator('.editor-group-container .monaco-editor .codelens-decoration a', { hasText: '▶ Train' });
  await lens.first().waitFor({ state: 'visible', timeout: 60_000 });
  await lens.first().click();
  const training = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
  await training.locator('#status', { hasText: /completed/i }).first().waitFor({ timeout: 240_000 });
  phase('the BiGRU tagger completed its steps');

  // The data file active, its cursor at the start: the Unrolled panel traces the first sentence.
  await openFile(page, data.name);
  await runCommand(page, 'Sequence Lab: Show Unrolled Network', { timeout: 30_000 });
  const unrolled = await webviewFrame(page, { selector: '.graph-box svg', timeout: 60_000 });
  await unrolled.locator('.node.hidden.backward').first().waitFor({ timeout: 60_000 });
  const T = firstSentence.length;
  assert.ok(T <= 12, 'the whole first sentence fits the 12 steps shown');
  const forward = await unrolled.locator('.node.hidden.forward').count();
  const backward = await unrolled.locator('.node.hidden.backward').count();
  phase(`Unrolled Network: ${forward} h→ nodes, ${backward} h← nodes for the ${T} tokens of the first sentence`);
  assert.equal(forward, T);
  assert.equal(backward, T);
  assert.deepEqual(await unrolled.locator('.node.input text').allTextContents(), firstSentence.map(([w]) => w), 'the real tokens');
  assert.deepEqual(await unrolled.locator('text.row-label').allTextContents(), ['output', 'h→', 'h←', 'input x']);
  // One tag prediction: the first blank's output says the predicted tag, its probability and ✓/✗ against the file.
  const blank = firstSentence.findIndex(([w]) => w === '_');
  const output = (await unrolled.locator(`.node.output[data-step="${blank}"] text`).first().textContent()) ?? '';
  const title = (await unrolled.locator(`.node.output[data-step="${blank}"] title`).first().textContent()) ?? '';
  phase(`the blank before "${firstSentence[blank + 1][0]}" (file's tag ${firstSentence[blank][1]}): output "${output}" — ${title}`);
  const [, tag, , mark] = /^(A|AN|O) (\d\.\d\d) ([✓✗])$/.exec(output) ?? [];
  assert.ok(tag, `an output of the form "TAG p ✓": ${output}`);
  assert.equal(mark === '✓', tag === firstSentence[blank][1], '✓ exactly when the tag is the file\'s');
  assert.match(title, new RegExp(`^Predicted tag ${tag} with probability \\d\\.\\d\\d; the file's tag is ${firstSentence[blank][1]}`));
  const marks = (await unrolled.locator('.node.output text').allTextContents()).map((t) => t.slice(-1));
  assert.ok(marks.filter((m) => m === '✓').length >= T - 1, `the trained BiGRU tags the sentence (${marks.join('')})`);
  assert.equal(await unrolled.locator('#message').first().isHidden(), true, 'no refusal');
  assert.deepEqual(await webviewCspViolations(page, '.graph-box'), [], 'CSP violations in the Unrolled Network panel');
  await page.waitForTimeout(500);
  await screenshot(page, 'e2e-unrolled-bigru.png');

  // Gates: switch to the backward direction's update gate.
  await openFile(page, data.name);
  await runCommand(page, 'Sequence Lab: Show LSTM/GRU Gates', { timeout: 30_000 });
  const gates = await webviewFrame(page, { selector: '#heatmap', timeout: 60_000 });
  await gates.locator('#map-title', { hasText: 'h→ forward: update gate z' }).first().waitFor({ timeout: 60_000 });
  await gates.locator('#series').first().click();
  await gates.locator('#series vscode-option', { hasText: 'h← backward · update gate z' }).first().click();
  await gates.locator('#map-title', { hasText: `h← backward: update gate z — ${T} steps × 16 units` }).first().waitFor({ timeout: 30_000 });
  assert.match(await gates.locator('#reading').first().innerText(), /update gate z in h← backward \(h_t = \(1 − z\) n_t \+ z h_\{t\+1\}\)/);
  phase('Gates shows the backward chain\'s update gate');
  assert.deepEqual(await webviewCspViolations(page, '#heatmap'), [], 'CSP violations in the Gates panel');
  await page.waitForTimeout(500);
  await screenshot(page, 'e2e-gates-bigru-backward.png');

  // Gradient Flow: one line per direction.
  await runCommand(page, 'Sequence Lab: Show Gradient Flow', { timeout: 30_000 });
  const flow = await webviewFrame(page, { selector: '#grad-chart', timeout: 60_000 });
  await flow.locator('#reading', { hasText: 'Bidirectional: the forward chain h→ carries the gradient back toward step 1' }).first().waitFor({ timeout: 60_000 });
  phase(`Gradient Flow: ${await flow.locator('#reading').first().innerText()}`);
  await page.waitForTimeout(500);
  await screenshot(page, 'e2e-gradients-bigru.png');
  // The three panels opened one after the other are tabs of one editor group, not three columns.
  const groups = await page.locator('.editor-group-container').evaluateAll((els) => els.map((g) => Array.from((g as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll('.tab'), (t) => t.textContent ?? '')));
  const holding = (title: string) => groups.findIndex((tabs) => tabs.some((t) => t.includes(title)));
  const where = ['Sequence Lab: Unrolled', 'Sequence Lab: Gates', 'Sequence Lab: Gradient Flow'].map(holding);
  phase(`editor groups: ${JSON.stringify(groups)}`);
  assert.ok(where[0] >= 0 && where.every((g) => g === where[0]), `Unrolled, Gates and Gradient Flow share one group: ${JSON.stringify(where)}`);

  // Colour Text by Model on the tagged file: no quantity to pick; each token coloured by its predicted tag, the status
  // bar says how many tokens in view the model tags as the file does, the hover gives the tags' probabilities.
  await openFile(page, data.name);
  await runCommand(page, 'Sequence Lab: Colour Text by Model…', { timeout: 30_000 });
  const status = page.locator('.statusbar-item', { hasText: /tagger.*: predicted tags · \d+\.\d% of \d+ tokens in view tagged as the file/ }).first();
  await status.waitFor({ timeout: 60_000 });
  const statusText = await status.innerText();
  phase(`Colour Text: ${statusText}`);
  const [, share] = /(\d+\.\d)% of/.exec(statusText) ?? [];
  assert.ok(Number(share) >= 75, `the trained BiGRU tags most tokens in view as the file does (${share}%)`);
  const [firstToken, firstTag] = firstSentence[0];
  const firstLine = page.locator('.editor-group-container .monaco-editor .view-line[style*="top:0px"]').first().locator('span span').first();
  await firstLine.hover({ position: { x: 3, y: 5 } });
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'with p =' }).first();
  await hover.waitFor({ timeout: 15_000 });
  const hoverText = await hover.innerText();
  phase(`hover: ${JSON.stringify(hoverText.slice(0, 300))}`);
  assert.match(hoverText, new RegExp(`${firstToken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*→\\s*(A|AN|O)\\s*with p = \\d+\\.\\d%; the file says\\s*${firstTag}`));
  const shares = [...hoverText.matchAll(/^(?:A|AN|O)\s+(\d+\.\d)%$/gm)].map((m) => Number(m[1]));
  assert.equal(shares.length, 3, `the three tags of the example, each with its probability: ${JSON.stringify(hoverText)}`);
  for (let i = 1; i < shares.length; i++) assert.ok(shares[i] <= shares[i - 1], `most probable first: ${shares.join(', ')}`);
  assert.ok(Math.abs(shares.reduce((a, b) => a + b) - 100) < 0.3, `the tags' probabilities sum to 100%: ${shares.join(' + ')}`);
  await screenshot(page, 'e2e-colour-text-bigru.png');
  await page.keyboard.press('Escape');
  session.passed = true;
});
