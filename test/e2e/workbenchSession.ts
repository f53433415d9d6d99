// One real-VS-Code session per e2e test file: code-server installed before the tests, and after them, on failure,
// a screenshot plus what the workbench and code-server said, then everything stopped (also on failure).
import path from 'node:path';
import { after, before } from 'node:test';
import {
  REPO_ROOT, WEB_WORKER_SETTINGS, dialogs, ensureCodeServer, installVsixCached, launchBrowser, makeProfile, notifications,
  openWorkbench, packageVsix, startCodeServer,
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
    await Promise.all([browser?.close(), server?.stop()]);
  });
  return session;
}

/**
 * What every e2e test starts with: the packaged .vsix (rebuilt only when a source is newer) installed into a fresh
 * profile, code-server on `workspace`, and the workbench open in Chromium. The session stops both afterwards.
 */
export async function openPackagedWorkbench(
  session: WorkbenchSession,
  workspace: string,
  { settings, workspaceTrust }: { settings?: Record<string, unknown>; workspaceTrust?: boolean } = {},
): Promise<{ page: NonNullable<WorkbenchSession['browser']>['page'] }> {
  const vsix = packageVsix({ root: REPO_ROOT, reuseFresh: true });
  return openInstalledWorkbench(session, vsix, makeProfile({ settings }), workspace, { workspaceTrust });
}

/**
 * `vsix` installed into the profile `dirs`, code-server on `workspace`, and the workbench open in Chromium; the
 * session stops both afterwards. Chromium starts while the .vsix is installed and code-server starts: neither needs
 * the other until the page opens (about 2 s of each test's start). The .vsix is installed with
 * `code-server --install-extension` once per run (the first test to need it) and copied into each later profile
 * (`installVsixCached`); trainInVsCode still installs it itself, as a user does, and checks what VS Code lists.
 */
export async function openInstalledWorkbench(
  session: WorkbenchSession,
  vsix: string,
  dirs: ReturnType<typeof makeProfile>,
  workspace: string,
  { workspaceTrust }: { workspaceTrust?: boolean } = {},
): Promise<{ page: NonNullable<WorkbenchSession['browser']>['page'] }> {
  const launching = launchBrowser();
  launching.catch(() => {}); // its failure is reported by the await below, not as an unhandled rejection meanwhile
  let server: NonNullable<WorkbenchSession['server']>;
  try {
    await installVsixCached(vsix, dirs);
    server = session.server = await startCodeServer({ workspace, dirs, workspaceTrust });
  } catch (error) {
    await launching.then((b) => b.close(), () => {});
    throw error;
  }
  const browser = (session.browser = await launching);
  await openWorkbench(browser.page, server.url, workspace);
  return { page: browser.page };
}

/**
 * The packaged .vsix run as VS Code for the Web runs it: in a fresh profile whose settings keep it in code-server's
 * web worker extension host (WEB_WORKER_SETTINGS, plus `settings`), code-server on `workspace`, the workbench open.
 * Returns the page and the profile (its user data holds the extension's storage).
 */
export async function openWebWorkbench(
  session: WorkbenchSession,
  workspace: string,
  settings: Record<string, unknown> = {},
): Promise<{ page: NonNullable<WorkbenchSession['browser']>['page']; dirs: ReturnType<typeof makeProfile> }> {
  const dirs = makeProfile({ settings: { ...WEB_WORKER_SETTINGS, ...settings } });
  const { page } = await openInstalledWorkbench(session, packageVsix({ root: REPO_ROOT, reuseFresh: true }), dirs, workspace);
  return { page, dirs };
}
