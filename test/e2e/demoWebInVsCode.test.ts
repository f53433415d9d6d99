// `npm start -- --web`, the README's way to try Sequence Lab for the Web, as a newcomer runs it: the script packages
// the extension, starts code-server with the extension forced into its web worker extension host, serves it cross-
// origin isolated, and prints one URL. Opened in Chromium, that URL is a cross-origin isolated workbench on examples/
// where the palette's Train Character Model trains verse.txt in the Web Worker and the loss falls. Ctrl+C (SIGINT)
// stops the script, code-server and the proxy.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  REPO_ROOT, WEB_WORKER_SETTINGS, ensureCodeServer, freePort, launchBrowser, openFile, runCommand, seconds, waitForLossToFall,
  webviewFrame,
} from '../../scripts/vscode-harness.mjs';

const resultsDir = path.join(REPO_ROOT, 'test-results');
let demo: ChildProcess | undefined;
let output = '';
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
let passed = false;
/** A profile of the test's own (--profile): nothing restored from an earlier run, the user's demo profile untouched. */
const profile = mkdtempSync(path.join(os.tmpdir(), 'seqlab-demo-web-'));

before(async () => {
  await ensureCodeServer();
});

after(async () => {
  if (!passed && browser) {
    await browser.page.screenshot({ path: path.join(resultsDir, 'e2e-demo-web-failure.png'), fullPage: true }).catch(() => {});
    console.log(`----- browser console -----\n${browser.page.consoleLines.join('\n')}\n-----`);
  }
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo!.once('exit', resolve));
    demo.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
    if (demo.exitCode === null) demo.kill('SIGKILL');
  }
  if (!passed) console.log(`----- npm start -- --web said -----\n${output}\n-----`);
  rmSync(profile, { recursive: true, force: true });
});

test('npm start -- --web prints a URL of a cross-origin isolated VS Code where Sequence Lab for the Web trains on verse.txt', { timeout: 420_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const port = await freePort({ host: '127.0.0.1' });
  demo = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.mjs'), '--web', '--port', String(port), '--profile', profile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 240 s:\n${output}`)), 240_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = new RegExp(`http://127\\.0\\.0\\.1:${port}/\\?folder=\\S+`).exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    demo!.stdout!.on('data', read);
    demo!.stderr!.on('data', read);
    demo!.once('exit', (code) => reject(new Error(`npm start -- --web exited (${code}) before printing a URL:\n${output}`)));
  });
  assert.match(output, /Sequence Lab for the Web is running in VS Code \(code-server's web worker extension host, cross-origin isolated\)/);
  // The settings that keep the extension in the web worker extension host, from its browser entry (the other web e2e
  // tests show that these settings run dist/web/extension.js).
  const settings = JSON.parse(readFileSync(path.join(profile, 'user-data', 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(WEB_WORKER_SETTINGS)) assert.deepEqual(settings[key], value, key);
  phase(`the script printed ${url}`);

  browser = await launchBrowser();
  const { page } = browser;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
  assert.equal(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated), true, 'the page is cross-origin isolated');
  await openFile(page, 'verse.txt');
  await runCommand(page, 'Sequence Lab: Train Character Model on Active File', { timeout: 90_000 });
  const panel = await webviewFrame(page, { selector: '#loss', timeout: 60_000 });
  const fell = await waitForLossToFall(page, panel);
  phase(`loss fell: first ${fell.first} -> ${fell.loss}`);
  await page.screenshot({ path: path.join(resultsDir, 'e2e-demo-web.png'), fullPage: true });

  // Ctrl+C: the script stops code-server and the proxy, and exits.
  const exited = new Promise<number | null>((resolve) => demo!.once('exit', resolve));
  demo.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.match(output, /\[demo\] stopped/);
  passed = true;
});
