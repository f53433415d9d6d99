// Serves one webview panel the way VS Code would (the real page from renderPanelHtml, its CSP, the bundle and
// media/webview.css) from a local HTTP server, and opens it in headless Debian Chromium with a stub VS Code API.
// A test file that opens several panels (every panel, say) launches one Chromium with launchPanelBrowser() and
// gives it to each harness: each panel still gets a browser context of its own (own storage, own init scripts, own
// tabs), and the file pays one browser start instead of one per panel.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { makeNonce, renderPanelHtml } from '../../src/base/panelHtml';
import { PAGE_STUB } from './pageStub';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Bundles webview/<panel>/main.ts with the options esbuild.mjs uses for webviews, into a temporary folder (so the
 * test needs neither a full build of the extension nor a writable dist/).
 */
async function buildPanel(panel: string, outdir: string): Promise<void> {
  await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { [panel]: `webview/${panel}/main.ts` },
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    outdir,
    loader: { '.css': 'text' },
    logLevel: 'warning',
  });
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };

function serve(panel: string, bundleDir: string): Promise<{ server: Server; origin: string }> {
  const files: Record<string, string> = {
    [`/dist/webview/${panel}.js`]: path.join(bundleDir, `${panel}.js`),
    '/media/webview.css': path.join(REPO_ROOT, 'media', 'webview.css'),
  };
  let origin = '';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    try {
      if (url.pathname === `/${panel}.html`) {
        const html = renderPanelHtml({
          cspSource: `'self' ${origin}`, // the shape VS Code 1.100 passes: two source expressions
          nonce: makeNonce(),
          scriptUri: `${origin}/dist/webview/${panel}.js`,
          styleUri: `${origin}/media/webview.css`,
          title: `Sequence Lab: ${panel}`,
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      const file = files[url.pathname];
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ server, origin });
    });
  });
}

export interface PanelHarness {
  /** Opens a fresh tab showing the panel (stub VS Code API, dark theme). */
  open(): Promise<Page>;
  /** Every CSP violation and page error seen so far, in any tab. */
  readonly problems: string[];
  close(): Promise<void>;
}

const BROWSER_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const VIEWPORT = { width: 1000, height: 900 };

/** Headless Debian Chromium for several harnesses of one test file; the file closes it (e.g. in a top-level `after`). */
export async function launchPanelBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: BROWSER_ARGS });
}

/**
 * Builds and serves `panel` and opens a browser context for it: in `browser` when given (closing the harness closes
 * only its context), else in a Chromium of its own (closed with the harness).
 */
export async function startPanelHarness(panel: string, { browser }: { browser?: Browser } = {}): Promise<PanelHarness> {
  const tmp = await mkdtemp(path.join(tmpdir(), `sequence-lab-${panel}-`));
  await buildPanel(panel, path.join(tmp, 'bundle'));
  const { server, origin } = await serve(panel, path.join(tmp, 'bundle'));
  let context: BrowserContext | undefined;
  try {
    context = browser
      ? await browser.newContext({ viewport: VIEWPORT })
      : await chromium.launchPersistentContext(path.join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, viewport: VIEWPORT, args: BROWSER_ARGS });
  } catch (error) {
    server.close();
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const pages = context;
  await pages.addInitScript(PAGE_STUB);
  const problems: string[] = [];
  return {
    problems,
    async open() {
      const page = await pages.newPage();
      page.on('console', (m) => {
        if (m.text().startsWith('CSP violation')) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(`${origin}/${panel}.html`);
      return page;
    },
    async close() {
      await pages.close();
      await new Promise((resolve) => server.close(resolve));
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
