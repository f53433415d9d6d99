// Gradient Flow on an LSTM run as a user gets it, in a real VS Code workbench (code-server): a fresh profile whose
// settings train an LSTM, a licence text (the repository's LICENSE) as the data, train it from the palette until it
// completes, then "Sequence Lab: Show Gradient Flow": the reading speaks of the cell path and the forget gates and
// never offers an LSTM to an LSTM, and the Jacobian chart draws the cell path ‖∂c_T/∂c_{T−d}‖ beside the hidden path.
// Screenshot in test-results/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  REPO_ROOT, makeProfile, openFile, packageVsix, runCommand, seconds,
  webviewCspViolations, webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { openInstalledWorkbench, workbenchSession } from './workbenchSession';

const root = process.env.SEQUENCE_LAB_E2E_ROOT ? path.resolve(process.env.SEQUENCE_LAB_E2E_ROOT) : REPO_ROOT;
const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-gradient-flow-lstm-failure.png');

test('Gradient Flow on an LSTM trained on a licence text reads the cell path and draws it', { timeout: 600_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'seqlab-licence-'));
  copyFileSync(path.join(REPO_ROOT, 'LICENSE'), path.join(workspace, 'LICENSE.txt'));
  try {
    const vsix = packageVsix({ root, reuseFresh: true });
    const dirs = makeProfile({
      settings: { 'sequenceLab.training.model': 'lstm', 'sequenceLab.training.hiddenSize': 32, 'sequenceLab.training.maxSteps': 300 },
    });
    const { page } = await openInstalledWorkbench(session, vsix, dirs, workspace);
    await openFile(page, 'LICENSE.txt');
    phase('opened LICENSE.txt');

    await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
    const training = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
    await training.locator('#status', { hasText: /completed/i }).first().waitFor({ timeout: 180_000 });
    phase('the LSTM run completed');

    await runCommand(page, 'Sequence Lab: Show Gradient Flow', { timeout: 30_000 });
    const gradients = await webviewFrame(page, { selector: '#reading', timeout: 60_000 });
    await gradients.locator('#reading', { hasText: /along the (cell|hidden) path\./ }).first().waitFor({ timeout: 60_000 });
    const reading = await gradients.locator('#reading').first().innerText();
    phase(`Gradient Flow on the LSTM: ${JSON.stringify(reading)}`);
    assert.doesNotMatch(reading, /Try an LSTM|or an LSTM|use the LSTM/);
    assert.match(reading, /Cell path ‖∂c_T\/∂c_\{T−d\}‖ \(the forget gates' product; mean forget gate f = 0\.\d\d over the window\): (vanishing|holding|exploding): /);
    assert.match(reading, /read only as far as training backpropagates \(31 characters\)/, 'the default truncation of 32 steps bounds the reading');
    assert.match(reading, /Rule: /);
    const cellPoints = Number(await gradients.locator('#jacobian-chart').first().getAttribute('data-cell-path'));
    assert.ok(cellPoints > 30, `the cell path is drawn (${cellPoints} points)`);
    assert.deepEqual(await webviewCspViolations(page, '#reading'), [], 'CSP violations in the Gradient Flow panel');
    await page.waitForTimeout(500);
    const file = path.join(resultsDir, 'e2e-gradient-flow-lstm.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${path.relative(REPO_ROOT, file)}`);
    session.passed = true;
  } finally {
    console.log(`gradientFlowLstmInVsCode e2e test took ${seconds(started)}`);
  }
});
