// The Vanishing/Exploding Gradient Lab as a user gets it, in a real VS Code workbench (code-server): install the
// packaged .vsix, open examples/verse.txt, run "Sequence Lab: Open Vanishing/Exploding Gradient Lab" from the palette;
// the lab computes in the analysis worker on verse.txt's first characters and draws its reading; one step of the ρ
// slider with the keyboard brings a new answer. No CSP violation under VS Code's real webview host. Screenshot in
// test-results/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, openFile, runCommand, seconds, webviewCspViolations, webviewFrame } from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const root = process.env.SEQUENCE_LAB_E2E_ROOT ? path.resolve(process.env.SEQUENCE_LAB_E2E_ROOT) : REPO_ROOT;
const workspace = path.join(root, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-gradient-lab-failure.png');

test('open the gradient lab on verse.txt from the palette and move ρ with the keyboard', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
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
    session.passed = true;
  } finally {
    console.log(`gradientLabInVsCode e2e test took ${seconds(started)}`);
  }
});
