// One real-VS-Code session per e2e test file: code-server installed before the tests, and after them, on failure,
// a screenshot plus what the workbench and code-server said, then everything stopped (also on failure).
import path from 'node:path';
import { after, before } from 'node:test';
import {
  REPO_ROOT, dialogs, ensureCodeServer, launchBrowser, notifications, startCodeServer,
} from '../../scripts/vscode-harness.mjs';

export interface WorkbenchSession {
  server?: Awaited<ReturnType<typeof startCodeServer>>;
  browser?: Awaited<ReturnType<typeof launchBrowser>>;
  /** Set at the end of a test that got there: anything else prints the logs in `after`. */
  passed: boolean;
}

export function workbenchSession(failureScreenshot: string): WorkbenchSession {
  const session: WorkbenchSession = { passed: false };
  before(async () => {
    await ensureCodeServer();
  });
  after(async () => {
    const { browser, server } = session;
    if (!session.passed && browser) {
      const file = path.join(REPO_ROOT, 'test-results', failureScreenshot);
      await browser.page.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.log(`dialogs: ${JSON.stringify(await dialogs(browser.page))}`);
      console.log(`notifications: ${JSON.stringify(await notifications(browser.page))}`);
      console.log(`----- browser console -----\n${browser.page.consoleLines.join('\n')}\n-----`);
    }
    if (!session.passed && server) console.log(`----- code-server log -----\n${server.log()}\n----- end of code-server log -----`);
    await browser?.close();
    await server?.stop();
  });
  return session;
}
