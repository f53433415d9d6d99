// Shared helpers to run the extension in a real VS Code workbench (code-server) and drive it like a person
// (playwright-core + Debian's chromium). Used by scripts/demo.mjs and test/e2e/*.test.ts.
// The recipe and its reasons: see the notes on running real VS Code offline (code-server 4.100.3, setsid, payload).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureCodeServer, REPO_ROOT } from './code-server.mjs';

export { ensureCodeServer, REPO_ROOT };

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * A `sleep` for a Promise.race that must not outlive it: its timer is unref'd, so a process with nothing else to do
 * exits at once. (A plain sleep(5000) in code-server's stop() kept every e2e test file's process alive 5 s after the
 * race was won: about 2 minutes of each CI run.)
 */
const unrefSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Milliseconds since `start`, as "12.3 s". */
export const seconds = (start) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------------------------
// Building and packaging the extension

function runOrThrow(cmd, args, { cwd = REPO_ROOT, quiet = false } = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  if (!quiet || r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
  }
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status} (in ${cwd})`);
  return r.stdout;
}

export function readManifest(root = REPO_ROOT) {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
}

/** The newest modification time of any file below the given paths (folders are walked; node_modules skipped). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && !name.startsWith('.')) visit(path.join(p, name));
    } else {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  paths.forEach(visit);
  return newest;
}

/** `node esbuild.mjs [--production]` in the extension's root. */
export function buildExtension({ root = REPO_ROOT, production = false } = {}) {
  const started = Date.now();
  console.log(`[build] node esbuild.mjs${production ? ' --production' : ''}`);
  runOrThrow(process.execPath, ['esbuild.mjs', ...(production ? ['--production'] : [])], { cwd: root });
  console.log(`[build] done in ${seconds(started)}`);
}

/** The files a .vsix is built from: one newer than all of them is up to date. */
export const VSIX_SOURCES = ['src', 'webview', 'media', 'l10n', 'package.json', 'package.nls.json', 'esbuild.mjs', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore'];

/** `<root>/<name>-<version>.vsix` (what `npm run package` and packageVsix write) if it is newer than every source, else undefined. */
export function freshVsix(root = REPO_ROOT) {
  const { name, version } = readManifest(root);
  const vsix = path.join(root, `${name}-${version}.vsix`);
  return existsSync(vsix) && statSync(vsix).mtimeMs > newestMtime(VSIX_SOURCES.map((p) => path.join(root, p))) ? vsix : undefined;
}

/**
 * Packages the extension as `<name>-<version>.vsix` in its root with `vsce package --no-dependencies` (which runs the
 * `vscode:prepublish` production build) and returns the path. With `reuseFresh`, a .vsix newer than every source
 * file (src/, webview/, media/, package.json, ...) is reused, so several tests in one run package only once.
 */
export function packageVsix({ root = REPO_ROOT, reuseFresh = false, build = true } = {}) {
  const { name, version } = readManifest(root);
  const vsix = path.join(root, `${name}-${version}.vsix`);
  if (reuseFresh && freshVsix(root)) {
    console.log(`[package] reusing ${path.relative(process.cwd(), vsix)} (newer than every source file)`);
    return vsix;
  }
  if (build && existsSync(path.join(root, 'esbuild.mjs'))) buildExtension({ root, production: true });
  const started = Date.now();
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  // --no-rewrite-relative-links: the README's relative images (media/...) stay relative, which VS Code resolves
  // inside the installed extension; rewriting them needs a GitHub/GitLab repository URL this project does not have.
  // --allow-missing-repository: the manifest names no repository (there is no public one), and without it vsce asks.
  const args = ['package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', vsix];
  console.log(`[package] vsce ${args.join(' ').replace(vsix, path.basename(vsix))}`);
  runOrThrow(process.execPath, [vsce, ...args], { cwd: root, quiet: true });
  console.log(`[package] ${path.relative(process.cwd(), vsix)} (${(statSync(vsix).size / 1024).toFixed(0)} KB) in ${seconds(started)}`);
  return vsix;
}

// ---------------------------------------------------------------------------------------------------------------
// code-server

/** Resolves whether `port` can be listened on at `host`. */
function portIsFree(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A free TCP port: `preferred` or the next free one above it, or any free port when none is preferred. */
export async function freePort({ preferred, host = '127.0.0.1', tries = 50 } = {}) {
  if (preferred) {
    for (let port = preferred; port < preferred + tries; port++) if (await portIsFree(port, host)) return port;
    throw new Error(`no free port in ${preferred}..${preferred + tries - 1} on ${host}`);
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The folders of one code-server profile. Without `root` a fresh scratch folder under os.tmpdir() is made (and
 * `scratch: true` tells `stop()` to delete it); with `root` (e.g. the demo's persistent profile) it is reused.
 * `settings` are written into the user settings next to USER_SETTINGS.
 */
export function makeProfile({ root, userDataDir, extensionsDir, settings = {} } = {}) {
  const scratch = !root;
  const base = root ?? mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-vscode-'));
  const dirs = {
    root: base,
    scratch,
    userDataDir: userDataDir ?? path.join(base, 'user-data'),
    extensionsDir: extensionsDir ?? path.join(base, 'extensions'),
    xdgConfigHome: path.join(base, 'xdg-config'),
    xdgDataHome: path.join(base, 'xdg-data'),
  };
  for (const dir of [dirs.userDataDir, dirs.extensionsDir, dirs.xdgConfigHome, dirs.xdgDataHome]) mkdirSync(dir, { recursive: true });
  writeUserSettings(dirs.userDataDir, settings);
  return dirs;
}

/** User settings for a quiet, reproducible workbench. The colour theme is left at VS Code's default. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  // examples/ sits inside this repository: don't ask to open the parent git repository over the panel.
  'git.openRepositoryInParentFolders': 'never',
};

function writeUserSettings(userDataDir, extra) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  if (existsSync(file)) {
    // Keep what a person changed in a persistent profile; only add our keys that are missing.
    try {
      const current = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, `${JSON.stringify({ ...USER_SETTINGS, ...extra, ...current }, null, 2)}\n`);
    } catch {
      // Settings with comments or trailing commas are left alone.
    }
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2)}\n`);
}

/** The environment for code-server: our own XDG folders, nothing inherited from a VS Code this might run inside. */
function codeServerEnv(dirs) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VSCODE_') || key.startsWith('npm_') || key === 'ELECTRON_RUN_AS_NODE' || key === 'PASSWORD'
      || key === 'HASHED_PASSWORD' || key === 'CODE_SERVER_CONFIG') continue;
    env[key] = value;
  }
  return { ...env, XDG_CONFIG_HOME: dirs.xdgConfigHome, XDG_DATA_HOME: dirs.xdgDataHome };
}

function commonArgs(dirs) {
  return ['--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir];
}

/** Installs a .vsix into the profile `dirs` the way a user would (`code-server --install-extension`). */
export async function installVsix(vsixPath, dirs) {
  const bin = await ensureCodeServer({ quiet: true });
  const started = Date.now();
  // Asynchronous, so that a caller can start Chromium meanwhile (see test/e2e/workbenchSession.ts).
  const r = await new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...commonArgs(dirs), '--install-extension', vsixPath, '--force'], {
      env: codeServerEnv(dirs), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => out.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (error) => out.push(Buffer.from(String(error))));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status: status ?? signal, output: Buffer.concat(out).toString('utf8') });
    });
  });
  const output = r.output.trim();
  if (r.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${r.status}):\n${output}`);
  }
  console.log(`[code-server] ${output.split('\n').filter((l) => /install/i.test(l)).pop()} (${seconds(started)})`);
  return output;
}

/**
 * The same result as `installVsix(vsixPath, dirs)`, for a profile whose extensions folder is still empty, at a
 * fraction of its cost: the first call for a given .vsix (by its contents) installs it once, with
 * `code-server --install-extension`, into a folder under os.tmpdir() kept for later calls; every call then copies
 * that installed folder into `dirs.extensionsDir`. Each e2e test used to spend 1–2 s (more beside a loaded CI)
 * installing the same .vsix again; a copy takes a few milliseconds and leaves each test its own extensions folder,
 * as before. VS Code finds the copied extension through extensions.json's `relativeLocation` (its `location` still
 * names the kept folder, which stays in place, so either way it loads the same files). The first install of a .vsix
 * goes through `installVsix`, so a package that does not install still fails the first test that installs it.
 */
export async function installVsixCached(vsixPath, dirs) {
  const digest = createHash('sha256').update(readFileSync(vsixPath)).digest('hex').slice(0, 16);
  const cached = path.join(os.tmpdir(), `sequence-lab-installed-${digest}`);
  if (!existsSync(path.join(cached, '.installed'))) {
    // A folder without the mark is what a stopped install left: installed again from scratch. The mark is written
    // only once the install succeeded.
    rmSync(cached, { recursive: true, force: true });
    mkdirSync(cached);
    await installVsix(vsixPath, { ...dirs, extensionsDir: cached });
    writeFileSync(path.join(cached, '.installed'), `${vsixPath}\n`);
  }
  const started = Date.now();
  cpSync(cached, dirs.extensionsDir, { recursive: true, filter: (src) => path.basename(src) !== '.installed' });
  console.log(`[code-server] ${path.basename(vsixPath)}: copied the installed extension from ${path.basename(cached)} (${seconds(started)})`);
}

/** The ids (publisher.name@version) of the extensions installed in the profile. */
export async function listExtensions(dirs) {
  const bin = await ensureCodeServer({ quiet: true });
  const r = spawnSync(process.execPath, [bin, ...commonArgs(dirs), '--list-extensions', '--show-versions'], {
    encoding: 'utf8', env: codeServerEnv(dirs), timeout: 60_000,
  });
  return (r.stdout ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
}

async function waitForHealthz(url, child, timeoutMs, logText) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before answering:\n${logText()}`);
    }
    try {
      const res = await globalThis.fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s:\n${logText()}`);
}

/**
 * Starts code-server on `host:port` (a free port by default) for `workspace`, in its own process group (so that
 * `stop()` ends its pty host and file watchers too), with the profile `dirs` (fresh scratch folders by default),
 * and waits until `/healthz` answers; Workspace Trust is off unless `workspaceTrust`. Returns `{ url, port, host, dirs, folderUrl(folder, payload?), log(), stop() }`.
 */
export async function startCodeServer({
  workspace, port, host = '127.0.0.1', dirs, extensionsDir, userDataDir, logFile, healthTimeoutMs = 60_000, workspaceTrust = false,
} = {}) {
  const bin = await ensureCodeServer({ quiet: true });
  const profile = dirs ?? makeProfile({ extensionsDir, userDataDir });
  const actualPort = port ?? (await freePort({ host }));
  const url = `http://${host}:${actualPort}`;
  const args = [
    bin, '--auth', 'none', '--bind-addr', `${host}:${actualPort}`, ...commonArgs(profile),
    // workspaceTrust: Workspace Trust as a user has it (the profile's settings decide; Restricted Mode tests).
    '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    ...(workspace ? [workspace] : []),
  ];
  const logPath = logFile ?? path.join(profile.root, 'code-server.log');
  const logStream = createWriteStream(logPath);
  const chunks = [];
  const logText = () => Buffer.concat(chunks).toString('utf8');
  // detached: the child calls setsid() and leads a new process group, which stop() kills as a whole.
  const child = spawn(process.execPath, args, {
    cwd: workspace ?? profile.root, env: codeServerEnv(profile), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      chunks.push(chunk);
      logStream.write(chunk);
    });
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    signalGroup('SIGTERM');
    const ended = await Promise.race([exited.then(() => true), unrefSleep(5000).then(() => false)]);
    // Whatever is left of the group (pty host, watchers) goes too.
    signalGroup(ended ? 'SIGTERM' : 'SIGKILL');
    if (!ended) await Promise.race([exited, unrefSleep(2000)]);
    await new Promise((resolve) => logStream.end(resolve));
    if (profile.scratch && !process.env.KEEP_VSCODE_PROFILE) rmSync(profile.root, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await waitForHealthz(url, child, healthTimeoutMs, logText);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    port: actualPort,
    host,
    dirs: profile,
    pid: child.pid,
    logPath,
    /** Everything code-server printed so far. */
    log: logText,
    /** Resolves with the exit code (or signal) when code-server ends. */
    exited: exited.then(() => child.exitCode ?? child.signalCode),
    /** The workbench URL that opens `folder` (and, with a payload, runs extension tests). */
    folderUrl: (folder, payload) => workbenchUrl(url, folder, payload),
    stop,
  };
}

/** `url/?folder=...[&payload=...]`. */
export function workbenchUrl(url, folder, payload) {
  let u = `${url}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`;
  if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return u;
}

/**
 * The `payload` that makes the workbench load an extension from source and run its tests in the extension host
 * (code-server has no --extensionDevelopmentPath flag). Paths are absolute paths on the code-server machine.
 */
export function extensionTestPayload(url, { extensionDevelopmentPath, extensionTestsPath }) {
  const { host } = new URL(url);
  const remote = (p) => `vscode-remote://${host}${path.resolve(p)}`;
  return [
    ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
    ['extensionTestsPath', remote(extensionTestsPath)],
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The browser

/**
 * Launches Debian's chromium through playwright-core with a fresh profile. Returns `{ context, page, close() }`.
 * `page.consoleLines` collects the page's console output (handy when a test fails).
 */
export async function launchBrowser({ headless = true, viewport = { width: 1400, height: 860 } } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  // In every frame (the webviews' nested iframes too), count Content-Security-Policy violations from the start.
  await context.addInitScript(() => {
    /* global window, document -- runs in the page, not in Node */
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  // code-server registers a service worker of its own (out/browser/serviceWorker.js, so that the page installs as a
  // PWA) whose activation claims every client of the origin, the webviews' iframes included. A webview that it claims
  // while the webview sets up its own worker finds "an unexpected service worker controller", waits for a
  // controllerchange that never comes, and stays blank: ci31 and ci41 (runsAfterReload: no webview with #loss-chart in
  // 60 s) and ci34 (the Go to Line box refused its line beside such a webview) logged exactly that. VS Code's desktop
  // and vscode.dev have no such worker, so the harness refuses that one registration, in every frame; webviews
  // register their own as before.
  await context.addInitScript(() => {
    /* global navigator -- runs in the page, not in Node */
    const container = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
    if (!container) return;
    const register = container.register.bind(container);
    container.register = (url, options) => (/\/out\/browser\/serviceWorker\.js(\?|$)/.test(String(url))
      ? Promise.reject(new Error('code-server\'s PWA service worker is not registered by the e2e harness'))
      : register(url, options));
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.consoleLines = [];
  page.on('console', (msg) => page.consoleLines.push(`[${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => page.consoleLines.push(`[pageerror] ${err.message}`));
  // Which resource a "Failed to load resource" was (the console line does not say): any frame's, webviews' too.
  page.on('requestfailed', (request) => page.consoleLines.push(`[requestfailed] ${request.url().slice(0, 300)} (${request.failure()?.errorText ?? 'failed'})`));
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  return { context, page, close };
}

/**
 * CSP violations recorded in the webview frame that contains `selector` (the panel's inner document), or undefined
 * when no such frame exists.
 */
export async function webviewCspViolations(page, selector) {
  for (const frame of page.frames()) {
    if ((await frame.locator(selector).count().catch(() => 0)) > 0) {
      return frame.evaluate('window.__cspViolations ?? null');
    }
  }
  return undefined;
}

/** Opens the workbench for `folder` and waits until it is ready (workbench and status bar shown). */
export async function openWorkbench(page, url, folder, { payload, timeout = 90_000 } = {}) {
  const target = folder ? workbenchUrl(url, folder, payload) : url;
  await page.goto(target, { waitUntil: 'domcontentloaded', timeout });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout });
  return target;
}

const quickInput = (page) => page.locator('.quick-input-widget');
const quickInputRows = (page) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

async function closeQuickInput(page) {
  if (await quickInput(page).isVisible().catch(() => false)) {
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The quick input's rows whose label is exactly `label` (and, given `description`, whose description is exactly that:
 * a file's folder in quick open). Exact, not a substring: "Sequence Lab: Compare Runs" must not pick "Sequence Lab:
 * Compare Runs…", nor "a.txt" pick "data.txt".
 */
function rowsLabelled(page, label, description) {
  const exactly = (text) => new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
  let rows = quickInputRows(page).filter({ has: page.locator('.label-name', { hasText: exactly(label) }) });
  if (description !== undefined) rows = rows.filter({ has: page.locator('.label-description', { hasText: exactly(description) }) });
  return rows;
}

/**
 * Types into a freshly opened quick input (opened by `openKey`) until a row labelled exactly `text` (with the
 * `description`, if given) shows, then selects it (Enter when it is the focused row, else a click). Retries while
 * the row is missing, e.g. while a new extension's commands are not registered yet or the file search is still
 * indexing.
 */
async function pickFromQuickInput(page, { openKey, query, text, description, timeout, what }) {
  const deadline = Date.now() + timeout;
  let attempt = 0;
  for (;;) {
    attempt++;
    await closeQuickInput(page);
    await page.keyboard.press(openKey);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    // A key pressed while a webview has the focus can be lost on its way to the workbench: press it again, as a
    // person would, until the deadline.
    const opened = await input.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
    if (!opened) {
      if (Date.now() >= deadline) throw new Error(`${openKey} opened no quick input in ${timeout / 1000} s (${attempt} tries) for ${what} "${text}"`);
      continue;
    }
    // The whole query at once, as pasted (one input event). Typed key by key, each key is a round trip to the browser
    // and a re-filter of the list (3 s for a 50-character command on a loaded 2-core machine, against 0.05 s); the box
    // ends up holding the same text either way.
    await page.keyboard.insertText(query);
    const row = rowsLabelled(page, text, description).first();
    try {
      await row.waitFor({ state: 'visible', timeout: Math.min(5000, Math.max(1000, deadline - Date.now())) });
    } catch {
      if (Date.now() >= deadline) {
        const rows = await quickInputRows(page).allInnerTexts().catch(() => []);
        await closeQuickInput(page);
        throw new Error(`${what} "${text}" did not show after ${attempt} tries in ${timeout / 1000} s; rows: ${JSON.stringify(rows)}`);
      }
      continue;
    }
    const focusedIsRow = (await rowsLabelled(page, text, description).and(page.locator('.focused')).count().catch(() => 0)) > 0;
    const typed = await input.inputValue().catch(() => query);
    if (focusedIsRow) await page.keyboard.press('Enter');
    else await row.click();
    // Accepted means the quick input closed. If it is still open, the Enter or click reached no row (the list was
    // re-filtered under it on a loaded machine): try again rather than return as if the command had run.
    // A command that asks something opens its own quick input at once: that counts as accepted too (the box no longer
    // holds what was typed).
    const widget = quickInput(page);
    let accepted = false;
    for (const until = Date.now() + 10_000; !accepted && Date.now() < until; await sleep(100)) {
      accepted = !(await widget.isVisible().catch(() => false)) || (await input.inputValue().catch(() => '')) !== typed;
    }
    if (accepted) return;
    if (Date.now() >= deadline) {
      const rows = await quickInputRows(page).allInnerTexts().catch(() => []);
      throw new Error(`${what} "${text}" was chosen but the quick input stayed open after ${attempt} tries; rows: ${JSON.stringify(rows)}`);
    }
  }
}

/** Runs a command from the command palette by its title as shown there ("Category: Title"). */
export async function runCommand(page, title, { timeout = 60_000 } = {}) {
  await pickFromQuickInput(page, { openKey: 'F1', query: title, text: title, timeout, what: 'command' });
}

/**
 * Opens a file of the workspace with quick open (Ctrl+P), like a person: the row named exactly like the file, in its
 * folder (quick open shows a file's folder as its description, none for the workspace's top level), then waits until
 * the active editor group's active tab is that file (a tab of that name active in another group does not count).
 */
export async function openFile(page, relPath, { timeout = 60_000 } = {}) {
  const base = path.basename(relPath);
  const folder = path.dirname(relPath).split(path.sep).join('/');
  await pickFromQuickInput(page, { openKey: 'Control+P', query: relPath, text: base, description: folder === '.' ? undefined : folder, timeout, what: 'file' });
  const group = page.locator('.editor-group-container.active');
  await group.locator('.tabs-container .tab.active').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(base)}\\s*$`) }) })
    .first().waitFor({ state: 'visible', timeout: 15_000 });
  await group.locator('.editor-instance .monaco-editor').first().waitFor({ state: 'visible', timeout: 15_000 });
}

/**
 * The content frame of a webview panel (two nested iframes). With `selector`, waits for and returns the webview
 * whose content has an element matching it (several webviews may exist); without, the first webview.
 */
export async function webviewFrame(page, { selector, timeout = 60_000 } = {}) {
  const frames = page.locator('iframe.webview');
  const content = (i) => frames.nth(i).contentFrame().frameLocator('#active-frame');
  if (!selector) return page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
  const deadline = Date.now() + timeout;
  for (;;) {
    const n = await frames.count();
    for (let i = 0; i < n; i++) {
      if ((await content(i).locator(selector).count().catch(() => 0)) > 0) return content(i);
    }
    // A modal error dialog (e.g. "Command ... resulted in an error") means the panel is not coming.
    const shown = await dialogs(page);
    if (shown.length) throw new Error(`no webview with ${selector}: a dialog is shown instead: ${JSON.stringify(shown)}`);
    if (Date.now() >= deadline) throw new Error(`no webview with ${selector} appeared within ${timeout / 1000} s (${n} webview frame(s))`);
    await sleep(250);
  }
}

/**
 * The first number shown in `selector` of a webview frame (thousands separators dropped, exponent notation read), or
 * NaN while it shows none (a "–" placeholder, or not drawn yet).
 */
export async function numberIn(frame, selector) {
  const text = await frame.locator(selector).first().innerText({ timeout: 5000 }).catch(() => '');
  const match = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/i.exec(text.replace(/,/g, ''));
  return match ? Number(match[0]) : Number.NaN;
}

/** Accepts a quick input's prefilled value (Enter) once the one titled with `titlePart` shows, and waits for it to go. */
export async function acceptDefault(page, titlePart) {
  const widget = page.locator('.quick-input-widget');
  await widget.filter({ hasText: titlePart }).waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await widget.filter({ hasText: titlePart }).waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
}

/**
 * User settings that run Sequence Lab only in code-server's web worker extension host, from its `browser` entry
 * (dist/web/extension.js), as VS Code for the Web runs it.
 */
export const WEB_WORKER_SETTINGS = Object.freeze({
  'extensions.webWorker': true,
  'remote.extensionKind': { 'sequence-lab.sequence-lab': ['web'] },
});

/**
 * Waits until the Training panel in `frame` shows a loss below `below` × its first loss (#loss against #first-loss);
 * fails after `timeout` ms saying what it shows and the notifications. Returns the two.
 */
export async function waitForLossToFall(page, frame, { timeout = 180_000, below = 1 } = {}) {
  for (const deadline = Date.now() + timeout; ;) {
    const first = await numberIn(frame, '#first-loss');
    const loss = await numberIn(frame, '#loss');
    if (Number.isFinite(first) && Number.isFinite(loss) && loss < first * below) return { first, loss };
    if (Date.now() > deadline) {
      throw new Error(`the loss did not fall below ${below} × the first within ${timeout / 1000} s: first ${first}, now ${loss}; notifications ${JSON.stringify(await notifications(page))}`);
    }
    await sleep(250);
  }
}

/** Texts of the notification toasts currently shown. */
export async function notifications(page) {
  return page.locator('.notification-toast .notification-list-item-message').allInnerTexts().catch(() => []);
}

/** Texts of the modal dialogs currently shown (title and detail), e.g. "Command '...' resulted in an error". */
export async function dialogs(page) {
  return page.locator('.monaco-dialog-box').evaluateAll((boxes) => boxes
    .filter((b) => b.offsetParent !== null)
    .map((b) => [b.querySelector('.dialog-message-text'), b.querySelector('.dialog-message-detail')]
      .map((e) => e?.textContent?.trim()).filter(Boolean).join(': '))).catch(() => []);
}

/**
 * Answers VS Code's simple file dialog (open or save: a quick input holding a path) with `file`. The dialog fills in
 * its starting folder asynchronously and may overwrite a path typed too early, so the path is typed again until the
 * box holds it, and only then accepted. Accepted means the box closed or now holds something else (a next question):
 * Enter is pressed again only while the box still holds `file` (the key was lost), never into what comes next.
 */
export async function answerFileDialog(page, file, { timeout = 30_000 } = {}) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout });
  const deadline = Date.now() + timeout;
  const value = () => input.inputValue().catch(() => '');
  const visible = () => input.isVisible().catch(() => false);
  while (Date.now() < deadline) {
    if ((await value()) !== file) {
      await input.fill(file);
      await page.waitForTimeout(400);
      continue;
    }
    await page.keyboard.press('Enter');
    for (const until = Math.min(deadline, Date.now() + 5000); Date.now() < until; await sleep(100)) {
      if (!(await visible()) || (await value()) !== file) return;
    }
  }
  throw new Error(`the file dialog did not take ${file} within ${timeout / 1000} s (it shows ${JSON.stringify(await value())})`);
}

/**
 * Right-clicks `target` and chooses the context-menu item labelled exactly `label` (hover highlights it, Enter runs
 * it: a click on the label is not always taken). A right-click that showed no menu with the item (lost while the
 * view re-rendered, or a menu of another element) is closed with Escape and made again, as a person would, until
 * `timeout`.
 */
export async function chooseFromContextMenu(page, target, label, { timeout = 30_000 } = {}) {
  const items = page.locator('.context-view .action-item');
  const item = items.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }).first();
  const deadline = Date.now() + timeout;
  for (let tries = 1; ; tries++) {
    await target.click({ button: 'right' });
    const shown = await item.waitFor({ state: 'visible', timeout: Math.max(1, Math.min(5000, deadline - Date.now())) }).then(() => true, () => false);
    if (shown) break;
    if (Date.now() >= deadline) {
      throw new Error(`a right-click showed no "${label}" in ${timeout / 1000} s (${tries} tries); the menu: ${JSON.stringify(await items.allInnerTexts().catch(() => []))}`);
    }
    await page.keyboard.press('Escape');
  }
  await item.hover();
  await page.keyboard.press('Enter');
}

/**
 * Go to Line (Ctrl+G) like a person: the line goes in once the quick input is open (earlier, on a busy machine the
 * keys would reach the editor), Enter is pressed once the box holds it, and a box that will not take it is closed and
 * opened again. The error says what each round saw.
 */
export async function goToLine(page, line, { timeout = 30_000 } = {}) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const deadline = Date.now() + timeout;
  const left = (most) => Math.max(1, Math.min(most, deadline - Date.now()));
  const want = `:${line}`;
  const seen = [];
  // A person who sees the box refuse the line closes it and presses Ctrl+G again: so does this, a few times.
  // ci29: one Ctrl+G right after a tab click opened nothing in 30 s (the key was lost while the focus moved).
  // ci34 (typed) and stop 25 (filled): the box stayed at ":" for 30 s, whatever went into it.
  for (let round = 1; ; round++) {
    await page.keyboard.press('Control+g');
    const opened = await input.waitFor({ state: 'visible', timeout: left(5000) }).then(() => true, () => false);
    if (opened) {
      // The box holds ":" and the line after it; it is filled whole, not typed, and filled again while it shows
      // anything else, for up to 5 s.
      const until = Math.min(deadline, Date.now() + 5000);
      while (Date.now() < until) {
        const value = await input.inputValue({ timeout: 1000 }).catch(() => '');
        if (value === want) {
          await input.press('Enter', { timeout: left(5000) });
          await input.waitFor({ state: 'hidden', timeout: left(timeout) });
          if (round > 1) console.log(`[goToLine] line ${line} on round ${round}: ${seen.join('; ')}`);
          return;
        }
        const filled = await input.fill(want, { timeout: 1000 }).then(() => 'filled', (e) => String(e.message).split('\n')[0]);
        if (filled !== 'filled' && !seen.includes(filled)) seen.push(filled);
        await page.waitForTimeout(200);
      }
      const state = await page.evaluate(() => {
        const box = document.querySelector('.quick-input-widget .quick-input-box input');
        const active = document.activeElement;
        return `box ${JSON.stringify(box?.value)}${box?.disabled ? ' disabled' : ''}${box?.readOnly ? ' read-only' : ''}, focus on ${active?.tagName}.${String(active?.className).slice(0, 60)}`;
      }).catch((e) => String(e.message).split('\n')[0]);
      seen.push(`round ${round}: ${state}`);
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: left(5000) }).catch(() => {});
    } else {
      seen.push(`round ${round}: no box`);
    }
    if (Date.now() >= deadline) throw new Error(`Go to Line ${line} failed in ${timeout / 1000} s: ${seen.join('; ')}`);
  }
}
