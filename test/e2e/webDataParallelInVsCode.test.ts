// Data-parallel training in VS Code for the Web (issue 17): code-server's workbench served cross-origin isolated
// (scripts/isolating-proxy.mjs adds COOP and COEP, as vscode.dev does with ?vscode-coi), the extension forced into the web
// worker extension host. ▶ Train on an experiment of 8 streams: the web worker starts its shards as nested Web
// Workers sharing memory, and the Training panel says it trains on min(cores, 4) threads while the loss falls.
// (webVirtualFolderInVsCode.test.ts trains an experiment of 8 streams without isolation: there the panel says why
// it uses one thread.)
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  REPO_ROOT, WEB_WORKER_SETTINGS, installVsixCached, launchBrowser, makeProfile, notifications, openFile,
  openWorkbench, packageVsix, runCommand, seconds, startCodeServer, waitForLossToFall, webviewFrame,
} from '../../scripts/vscode-harness.mjs';
import { startIsolatingProxy, type IsolatingProxy } from '../../scripts/isolating-proxy.mjs';
import { workbenchSession } from './workbenchSession';

const workspace = mkdtempSync(path.join(os.tmpdir(), 'seqlab-web-parallel-'));
cpSync(path.join(REPO_ROOT, 'examples', 'verse.txt'), path.join(workspace, 'verse.txt'));
/** A tanh RNN of H 32 on verse.txt in 8 streams: a batch the worker splits over min(cores, 4) threads. */
const EXPERIMENT = {
  data: { path: 'verse.txt', kind: 'characters' },
  model: { cell: 'rnn', layers: 1, hiddenSize: 32 },
  training: { seqLength: 16, batch: 8, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 1_000_000, seed: 5 },
};
writeFileSync(path.join(workspace, 'verse-8-streams.seqlab.json'), `${JSON.stringify(EXPERIMENT, null, 2)}\n`);
let proxy: IsolatingProxy | undefined;
after(async () => {
  await proxy?.close();
  rmSync(workspace, { recursive: true, force: true });
});
const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-web-parallel-failure.png');
const THREADS = Math.min(os.availableParallelism(), 4);

test('on a cross-origin isolated page, a run of 8 streams trains on several threads in the web worker extension host', { skip: THREADS < 2 && 'one core: nothing to share', timeout: 420_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const dirs = makeProfile({
    settings: WEB_WORKER_SETTINGS,
  });
  const launching = launchBrowser();
  launching.catch(() => {});
  await installVsixCached(packageVsix({ root: REPO_ROOT, reuseFresh: true }), dirs);
  const server = (session.server = await startCodeServer({ workspace, dirs }));
  proxy = await startIsolatingProxy(server.url);
  const { page } = (session.browser = await launching);
  await openWorkbench(page, proxy.url, workspace);
  assert.equal(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated), true, 'the workbench page is cross-origin isolated');
  phase('workbench open, cross-origin isolated');

  await openFile(page, 'verse-8-streams.seqlab.json');
  const lenses = page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a', { hasText: '▶ Train' });
  await lenses.first().waitFor({ timeout: 90_000 });
  await lenses.first().click();
  const panel = await webviewFrame(page, { selector: '#model-label', timeout: 60_000 });
  const want = new RegExp(`RNN[\\s\\S]*H=32[\\s\\S]* · ${THREADS} threads$`);
  let label = '';
  for (const deadline = Date.now() + 90_000; !want.test(label);) {
    if (Date.now() > deadline) assert.fail(`the Training panel does not say ${THREADS} threads: ${JSON.stringify(label)}; notifications ${JSON.stringify(await notifications(page))}`);
    await page.waitForTimeout(250);
    label = (await panel.locator('#model-label').first().innerText().catch(() => '')).trim();
  }
  // Under the throughput as well, where a narrow panel shows it whole.
  await panel.locator('#threads', { hasText: new RegExp(`^on ${THREADS} threads$`) }).first().waitFor({ state: 'visible', timeout: 10_000 });
  phase(`Training panel: ${label}`);
  const fell = await waitForLossToFall(page, panel, { below: 0.8 });
  phase(`loss fell on ${THREADS} threads: first ${fell.first} -> ${fell.loss}`);
  assert.match((await panel.locator('#status').first().innerText()).trim(), /^training$/i);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-web-parallel.png'), fullPage: true });
  await runCommand(page, 'Sequence Lab: Stop Training', { timeout: 30_000 });
  await panel.locator('#status', { hasText: 'stopped' }).first().waitFor({ timeout: 30_000 });
  session.passed = true;
});
