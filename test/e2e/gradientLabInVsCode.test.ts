// The Vanishing/Exploding Gradient Lab as a user gets it, in a real VS Code workbench (code-server): install the
// packaged .vsix, open examples/verse.txt, run "Sequence Lab: Open Vanishing/Exploding Gradient Lab" from the palette;
// the lab computes in the analysis worker on verse.txt's first characters and draws its reading; one step of the ρ
// slider with the keyboard brings a new answer. Then the trained-weights mode: the embedded Reber example's two
// experiment files (reber-rnn, reber-lstm, shortened to 200 steps) are trained with "▶ Train", and the lab, switched to
// "trained", draws the two runs' curves with their names. No CSP violation under VS Code's real webview host.
// Screenshots in test-results/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { exampleFiles } from '../../src/engine/examples';
import { exampleExperimentFiles } from '../../src/examples/exampleExperiments';
import { REPO_ROOT, openFile, runCommand, seconds, webviewCspViolations, webviewFrame } from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const root = process.env.SEQUENCE_LAB_E2E_ROOT ? path.resolve(process.env.SEQUENCE_LAB_E2E_ROOT) : REPO_ROOT;
// A workspace of its own: verse.txt, and the Reber example's files as "New Example…" writes them.
const workspace = mkdtempSync(path.join(tmpdir(), 'seqlab-lab-'));
after(() => rmSync(workspace, { recursive: true, force: true }));
/** Steps each Reber run trains here (the experiment files say 3000): enough for a trained model, a few seconds each. */
const REBER_STEPS = 200;
const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-gradient-lab-failure.png');

test('open the gradient lab on verse.txt from the palette and move ρ with the keyboard', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  copyFileSync(path.join(root, 'examples', 'verse.txt'), path.join(workspace, 'verse.txt'));
  const [reber] = exampleFiles('reber');
  writeFileSync(path.join(workspace, reber.name), reber.content);
  for (const f of exampleExperimentFiles('reber', reber.name)) {
    const experiment = JSON.parse(f.content) as { training: { steps: number } };
    experiment.training.steps = REBER_STEPS;
    writeFileSync(path.join(workspace, f.name), JSON.stringify(experiment, null, 2));
  }
  try {
    const { page } = await openPackagedWorkbench(session, workspace);
    await openFile(page, 'verse.txt');
    phase('opened verse.txt');

    await runCommand(page, 'Sequence Lab: Open Vanishing/Exploding Gradient Lab', { timeout: 60_000 });
    const lab = await webviewFrame(page, { selector: '#lab-chart', timeout: 60_000 });
    const reading = lab.locator('#reading').first();
    // The first view shows what the lecture claims: the LSTM's cell path (forget bias 2) keeps more than the tanh RNN.
    await reading.filter({ hasText: /^ρ = 0\.90 \(σ_max = \d+\.\d\d\), T = 60, 59 steps back: the tanh RNN keeps / }).waitFor({ timeout: 60_000 });
    const first = await reading.innerText();
    phase(`first reading: ${JSON.stringify(first)}`);
    assert.match(first, /the LSTM's cell gradient ‖∂L\/∂c‖ keeps .* times the RNN's/);
    assert.doesNotMatch(first, /times as much/);
    assert.match(first, /Rule: /);
    assert.match(await lab.locator('#lstm-reading').first().innerText(), /forget bias 2\)\. Going back one step multiplies ∂L\/∂c by f, not by W_hh/);
    assert.match(await lab.locator('#data-label').first().innerText(), /verse\.txt/);
    await page.screenshot({ path: path.join(resultsDir, 'e2e-gradient-lab.png'), fullPage: true });

    await lab.locator('#rho').first().focus();
    await page.keyboard.press('ArrowRight');
    await reading.filter({ hasText: /^ρ = 0\.95 / }).waitFor({ timeout: 60_000 });
    phase(`after one step of the slider: ${JSON.stringify(await reading.innerText())}`);
    assert.match(await lab.locator('#rnn-reading').first().innerText(), /^RNN: (vanishing|holding|exploding)/);
    // The exploding half: at the slider's end (ρ = 1.5) the linear RNN with the same W_hh explodes.
    await page.keyboard.press('End');
    await reading.filter({ hasText: /^ρ = 1\.50 / }).waitFor({ timeout: 60_000 });
    const exploding = await reading.innerText();
    phase(`at ρ = 1.5: ${JSON.stringify(exploding)}`);
    assert.match(exploding, /a linear RNN with the same W_hh keeps \S+ \(×1\.\d+ per step, exploding\)/);
    assert.match(await lab.locator('#linear-reading').first().innerText(), /^Linear RNN .*: exploding/);
    assert.deepEqual(await webviewCspViolations(page, '#lab-chart'), [], 'CSP violations in the lab');
    await page.screenshot({ path: path.join(resultsDir, 'e2e-gradient-lab-exploding.png'), fullPage: true });

    // ── Trained weights: train reber-rnn, then reber-lstm, from their experiment files ──
    const lens = page.locator('.editor-group-container .monaco-editor .codelens-decoration a', { hasText: '▶ Train' });
    for (const [file, cell] of [['reber-rnn.seqlab.json', 'RNN'], ['reber-lstm.seqlab.json', 'LSTM']] as const) {
      await openFile(page, file);
      await lens.first().waitFor({ state: 'visible', timeout: 60_000 });
      await lens.first().click();
      const training = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
      await training.locator('#model-label', { hasText: `char ${cell}` }).first().waitFor({ timeout: 60_000 });
      await training.locator('#status', { hasText: /completed/i }).first().waitFor({ timeout: 180_000 });
      phase(`${file} trained ${REBER_STEPS} steps`);
    }
    await runCommand(page, 'Sequence Lab: Open Vanishing/Exploding Gradient Lab', { timeout: 60_000 });
    const trainedLab = await webviewFrame(page, { selector: '#lab-chart', timeout: 60_000 });
    await trainedLab.locator('#mode').first().click();
    await trainedLab.locator('#mode vscode-option[value="trained"]').first().click();
    const trainedReading = trainedLab.locator('#reading').first();
    await trainedReading.filter({ hasText: /^After training \(ρ and σ_max of the trained RNN's W_hh\): ρ = \d+\.\d\d \(σ_max = \d+\.\d\d\), T = 60, 59 steps back: the tanh RNN keeps / }).waitFor({ timeout: 120_000 });
    const trained = await trainedReading.innerText();
    phase(`trained reading: ${JSON.stringify(trained)}`);
    assert.match(trained, /the LSTM's cell gradient ‖∂L\/∂c‖ keeps \S+ \(×\d\.\d+ per step, (vanishing|holding|exploding)\)/);
    assert.match(trained, /Training never sent a gradient that far: the RNN run backpropagated at most 49 steps, the LSTM run at most 49 \(truncated BPTT\)\./);
    const label = await trainedLab.locator('#data-label').first().innerText();
    assert.match(label, /embedded-reber\.txt[\s\S]*reber-rnn\.seqlab\.json · step 200[\s\S]*reber-lstm\.seqlab\.json · step 200/, label);
    assert.match(await trainedLab.locator('#lstm-reading').first().innerText(), /^LSTM \(char LSTM[^)]*reber-lstm\.seqlab\.json[^)]*\): mean forget gate f = 0\.\d\d on these 60 characters, mean forget bias b_if \+ b_hf = -?\d+\.\d\d after training\./);
    assert.doesNotMatch(await trainedLab.locator('#lstm-reading').first().innerText(), /Try an LSTM|use the LSTM/);
    phase(`trained LSTM line: ${JSON.stringify(await trainedLab.locator('#lstm-reading').first().innerText())}`);
    assert.deepEqual(await webviewCspViolations(page, '#lab-chart'), [], 'CSP violations in the lab (trained mode)');
    await page.screenshot({ path: path.join(resultsDir, 'e2e-gradient-lab-trained.png'), fullPage: true });
    session.passed = true;
  } finally {
    console.log(`gradientLabInVsCode e2e test took ${seconds(started)}`);
  }
});
