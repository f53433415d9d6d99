// Runs the Mocha suite of test/e2e/suite/ INSIDE a real VS Code extension host (code-server 4.100.3): the
// workbench is opened in chromium with a `payload` that loads this repository as the extension under development
// and out/e2e-suite/index.js as its tests; the exit code comes back through window.codeAutomationExit.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { after, before, test } from 'node:test';
import {
  REPO_ROOT, buildExtension, ensureCodeServer, extensionTestPayload, launchBrowser, openWorkbench, seconds,
  startCodeServer,
} from '../../scripts/vscode-harness.mjs';

/** The extension under test (this repository; another folder only when developing the harness itself). */
const root = process.env.SEQUENCE_LAB_E2E_ROOT ? path.resolve(process.env.SEQUENCE_LAB_E2E_ROOT) : REPO_ROOT;
const workspace = path.join(root, 'examples');
const suiteEntry = path.join(root, 'out', 'e2e-suite', 'index.js');

let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
/** Set when the test got to its end; anything else (failure, timeout) prints the logs in `after`. */
let passed = false;
const output: string[] = [];
let outputPrinted = false;

function printOutput(end: string): void {
  outputPrinted = true;
  console.log(`----- extension host output -----\n${output.join('\n')}\n----- ${end} -----`);
}

before(async () => {
  await ensureCodeServer();
});

after(async () => {
  if (!outputPrinted && output.length) printOutput('(no exit code)');
  if (!passed && server) console.log(`----- code-server log -----\n${server.log()}\n----- end of code-server log -----`);
  if (!passed && browser) console.log(`----- browser console -----\n${browser.page.consoleLines.join('\n')}\n-----`);
  await browser?.close();
  await server?.stop();
});

test('the extension host test suite passes in code-server', { timeout: 420_000 }, async () => {
  const started = Date.now();
  try {
    // A development build: dist/ (not minified, with source maps) and the suite bundle out/e2e-suite/index.js.
    if (existsSync(path.join(root, 'esbuild.mjs'))) buildExtension({ root });
    assert.ok(existsSync(suiteEntry), `${suiteEntry} was not built (esbuild.mjs bundles test/e2e/suite/index.ts)`);

    server = await startCodeServer({ workspace });
    console.log(`code-server at ${server.url} after ${seconds(started)}`);
    browser = await launchBrowser();
    const { page } = browser;

    let resolveExit: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => { resolveExit = resolve; });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      // The workbench forwards console calls as (type, [format, ...values]).
      const text = Array.isArray(args) ? format(...args) : typeof args === 'string' ? args : JSON.stringify(args);
      output.push(type === 'info' || type === 'log' ? text : `[${type}] ${text}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));

    const payload = extensionTestPayload(server.url, { extensionDevelopmentPath: root, extensionTestsPath: suiteEntry });
    await openWorkbench(page, server.url, workspace, { payload });
    console.log(`workbench open after ${seconds(started)}; running the suite`);

    const timeoutMs = 300_000;
    const code = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(
        () => reject(new Error(`the extension host suite did not finish within ${timeoutMs / 1000} s`)), timeoutMs).unref()),
    ]);
    printOutput(`exit code ${code} after ${seconds(started)}`);
    assert.equal(code, 0, 'the Mocha suite in the extension host failed (see its output above)');
    passed = true;
  } finally {
    console.log(`extensionHost e2e test took ${seconds(started)}`);
  }
});
