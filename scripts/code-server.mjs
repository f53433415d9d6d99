#!/usr/bin/env node
// Installs code-server (a real VS Code workbench served to a browser, with a Node extension host) into the
// git-ignored tools folder `.tools/code-server/` on first use, and reuses it afterwards. The demo and the end-to-end
// tests call `ensureCodeServer()`; `npm ci` of the extension never installs it (it is ~300 MB and takes minutes).
//
// The install works offline (only the npm registry reachable) thanks to three workarounds, all harmless online:
//   1. node-gyp headers: `npm_config_nodedir` points at the installed Node's headers (Debian: /usr/include/node).
//   2. @vscode/ripgrep downloads rg from GitHub in its postinstall unless the release tarball is already in its
//      cache folder `$TMPDIR/vscode-ripgrep-cache-<package version>/`: we put one there holding Debian's /usr/bin/rg.
//      The package version, rg release and file name are read from the packages themselves, not hard-coded.
//   3. node-pty's postinstall runs `npx node-gyp`: `npm_config_yes=true`; as root `npm_config_unsafe_perm=true`.
//
// Usage: node scripts/code-server.mjs        (prints the path of the code-server binary)
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = path.join(REPO_ROOT, '.tools');
export const CODE_SERVER_PREFIX = path.join(TOOLS_DIR, 'code-server');
const PACKAGE_DIR = path.join(CODE_SERVER_PREFIX, 'node_modules', 'code-server');
/** Written last, so that an interrupted install is redone rather than half-used. */
const MARKER = path.join(CODE_SERVER_PREFIX, '.installed');
export const CODE_SERVER_BIN = path.join(PACKAGE_DIR, 'out', 'node', 'entry.js');

const log = (msg) => console.log(`[code-server] ${msg}`);

class SetupError extends Error {}

/** The path of an executable on PATH, or undefined. */
function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Settings of the command an outer npm (`npm test`, `npm start`, `npm exec -c ...`) passes to its children as
 * npm_config_* variables, which would change what our nested `npm install` (and the `npx node-gyp` deep inside it)
 * does. Registry, proxy, cache and certificate settings are kept.
 */
const COMMAND_SPECIFIC_NPM_CONFIG = new Set(['call', 'package', 'prefix', 'local_prefix', 'global_prefix', 'global',
  'location', 'workspace', 'workspaces', 'include_workspace_root', 'ignore_scripts', 'dry_run', 'omit', 'include',
  'production', 'only', 'argv', 'save', 'save_dev', 'save_exact', 'save_prefix', 'save_optional', 'save_peer',
  'package_lock', 'package_lock_only', 'frozen_lockfile', 'install_links', 'force', 'before']);

/** An `npm` child process environment without what an outer npm command leaks into ours. */
function npmEnv(extra) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    const k = key.toLowerCase();
    if (k.startsWith('npm_package_') || k.startsWith('npm_lifecycle_') || k === 'init_cwd' || k === 'npm_command'
      || (k.startsWith('npm_config_') && COMMAND_SPECIFIC_NPM_CONFIG.has(k.slice('npm_config_'.length)))) {
      delete env[key];
    }
  }
  return { ...env, ...extra };
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new SetupError(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr ?? ''}${r.stdout ?? ''}`);
  }
  return r.stdout;
}

/** The installed code-server version, or undefined when it is missing or its install did not finish. */
export function installedCodeServerVersion() {
  if (!existsSync(MARKER) || !existsSync(CODE_SERVER_BIN)) return undefined;
  try {
    return JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Refuse early, naming the missing Debian package, instead of failing deep inside a 3-minute npm install. */
function checkPrerequisites() {
  const problems = [];
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor !== 20) {
    problems.push(`code-server ${CODE_SERVER_VERSION} needs Node.js 20 (its postinstall refuses other majors); this is Node ${process.versions.node}.`);
  }
  if (!which('rg')) {
    problems.push('ripgrep (`rg`) is not installed: apt-get install -y ripgrep');
  }
  const krb5 = which('krb5-config') || existsSync('/usr/include/gssapi/gssapi.h') || existsSync('/usr/include/krb5.h');
  if (process.platform === 'linux' && !krb5) {
    problems.push('the Kerberos development files are not installed (code-server\'s `kerberos` module builds from source): apt-get install -y libkrb5-dev');
  }
  if (!which('make') || !(which('g++') || which('c++'))) {
    problems.push('a C/C++ toolchain is needed to build code-server\'s native modules: apt-get install -y build-essential');
  }
  if (!which('python3')) {
    problems.push('python3 is needed by node-gyp: apt-get install -y python3');
  }
  if (problems.length) {
    throw new SetupError(`cannot install code-server ${CODE_SERVER_VERSION}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Node's C headers for node-gyp, if installed locally (Debian: /usr/include/node); otherwise node-gyp downloads them. */
function nodeDir() {
  for (const dir of ['/usr', path.resolve(path.dirname(process.execPath), '..')]) {
    const header = path.join(dir, 'include', 'node', 'node_version.h');
    if (!existsSync(header)) continue;
    const h = readFileSync(header, 'utf8');
    const major = /define NODE_MAJOR_VERSION (\d+)/.exec(h)?.[1];
    if (major === process.versions.node.split('.')[0]) return dir;
  }
  return undefined;
}

/** Unpacks one package tarball from the registry (through npm's cache) into a scratch folder; returns its root. */
function npmPack(spec, scratch) {
  const out = run('npm', ['pack', spec, '--json', '--pack-destination', scratch], { cwd: scratch, env: npmEnv({}) });
  const file = JSON.parse(out)[0].filename;
  const dest = path.join(scratch, file.replace(/\.tgz$/, ''));
  mkdirSync(dest, { recursive: true });
  run('tar', ['xzf', path.join(scratch, file), '-C', dest]);
  return path.join(dest, 'package');
}

function ripgrepTarget() {
  const arch = process.env.npm_config_arch || os.arch();
  if (process.platform !== 'linux') return undefined;
  return arch === 'x64' ? 'x86_64-unknown-linux-musl' : arch === 'arm64' ? 'aarch64-unknown-linux-musl' : undefined;
}

/**
 * Workaround 2: find which @vscode/ripgrep code-server's VS Code pins, read from that package's own postinstall
 * which ripgrep release and file name it wants, and put a tarball of Debian's rg into its download cache.
 */
function prepareRipgrepCache() {
  const target = ripgrepTarget();
  if (!target) {
    log(`no ripgrep cache workaround for ${process.platform}/${os.arch()}; @vscode/ripgrep will download rg itself`);
    return;
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'code-server-inspect-'));
  try {
    const cs = npmPack(`code-server@${CODE_SERVER_VERSION}`, scratch);
    let rgVersion;
    for (const shrinkwrap of ['lib/vscode/npm-shrinkwrap.json', 'lib/vscode/package-lock.json', 'lib/vscode/extensions/npm-shrinkwrap.json']) {
      const p = path.join(cs, shrinkwrap);
      if (!existsSync(p)) continue;
      rgVersion = JSON.parse(readFileSync(p, 'utf8')).packages?.['node_modules/@vscode/ripgrep']?.version;
      if (rgVersion) break;
    }
    if (!rgVersion) throw new SetupError(`cannot find the @vscode/ripgrep version pinned by code-server ${CODE_SERVER_VERSION}; update scripts/code-server.mjs`);

    const rgPkg = npmPack(`@vscode/ripgrep@${rgVersion}`, scratch);
    const postinstall = readFileSync(path.join(rgPkg, 'lib', 'postinstall.js'), 'utf8');
    const download = readFileSync(path.join(rgPkg, 'lib', 'download.js'), 'utf8');
    const release = /const VERSION = '([^']+)'/.exec(postinstall)?.[1];
    const cachePattern = /path\.join\(os\.tmpdir\(\), `vscode-ripgrep-cache-\$\{packageVersion\}`\)/.test(download);
    const namePattern = /\['ripgrep', opts\.version, opts\.target\]\.join\('-'\) \+ extension/.test(download);
    if (!release || !cachePattern || !namePattern) {
      throw new SetupError(`@vscode/ripgrep ${rgVersion} no longer looks like the version this workaround was written for `
        + '(cache folder vscode-ripgrep-cache-<version>, asset ripgrep-<release>-<target>.tar.gz); update scripts/code-server.mjs');
    }
    const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${rgVersion}`);
    const asset = path.join(cacheDir, `ripgrep-${release}-${target}.tar.gz`);
    if (existsSync(asset)) {
      log(`ripgrep: using the cached ${asset}`);
      return;
    }
    const rg = which('rg');
    const staging = path.join(scratch, 'rg-staging');
    mkdirSync(staging, { recursive: true });
    copyFileSync(rg, path.join(staging, 'rg'));
    mkdirSync(cacheDir, { recursive: true });
    run('tar', ['czf', asset, '-C', staging, 'rg']);
    log(`ripgrep: @vscode/ripgrep ${rgVersion} wants ${path.basename(asset)}; packed ${rg} into ${asset}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function npmInstall(env) {
  return new Promise((resolve, reject) => {
    const args = ['install', '--prefix', CODE_SERVER_PREFIX, `code-server@${CODE_SERVER_VERSION}`,
      '--no-audit', '--no-fund', '--no-update-notifier'];
    log(`npm ${args.join(' ')}`);
    const child = spawn('npm', args, { cwd: CODE_SERVER_PREFIX, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    const forward = (stream, target) => stream.on('data', (chunk) => {
      output.push(chunk);
      target.write(chunk);
    });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new SetupError(`npm install of code-server ${CODE_SERVER_VERSION} failed (exit ${code}); see the output above`));
    });
  });
}

/**
 * Makes sure code-server is installed in `.tools/code-server/` and returns the path of its executable
 * (`node_modules/code-server/out/node/entry.js`, runnable directly or with `node`).
 */
export async function ensureCodeServer({ quiet = false } = {}) {
  const installed = installedCodeServerVersion();
  if (installed === CODE_SERVER_VERSION) {
    if (!quiet) log(`code-server ${installed} already installed in ${path.relative(process.cwd(), CODE_SERVER_PREFIX) || '.'}`);
    return CODE_SERVER_BIN;
  }
  checkPrerequisites();
  // Several processes (e.g. test files run in parallel) may get here at once: one installs, the others wait.
  const release = await acquireLock();
  try {
    if (installedCodeServerVersion() === CODE_SERVER_VERSION) return CODE_SERVER_BIN;
    return await install(installed);
  } finally {
    release();
  }
}

const LOCK = path.join(TOOLS_DIR, 'code-server.lock');

/** Whether the process that took the lock (its pid is in the lock folder) is still running. */
function lockHolderAlive() {
  try {
    const pid = Number(readFileSync(path.join(LOCK, 'pid'), 'utf8'));
    if (!pid) return true; // being written just now
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM' || err.code === 'ENOENT';
  }
}

async function acquireLock() {
  mkdirSync(TOOLS_DIR, { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (existsSync(path.join(LOCK, 'pid')) && !lockHolderAlive()) {
        log(`removing the lock of an install that did not finish (${LOCK})`);
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (!announced) log(`another process is installing code-server (lock ${LOCK}); waiting`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function install(installed) {
  const started = Date.now();
  log(installed
    ? `replacing code-server ${installed} with ${CODE_SERVER_VERSION} in ${CODE_SERVER_PREFIX}`
    : `installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_PREFIX} (first use only; takes a few minutes, ~300 MB)`);
  rmSync(MARKER, { force: true });
  // Without the marker, whatever is there is a different version or an interrupted install (npm would call a
  // half-run postinstall "up to date"): start clean.
  for (const leftover of ['node_modules', 'package-lock.json']) {
    rmSync(path.join(CODE_SERVER_PREFIX, leftover), { recursive: true, force: true });
  }
  mkdirSync(CODE_SERVER_PREFIX, { recursive: true });
  if (!existsSync(path.join(CODE_SERVER_PREFIX, 'package.json'))) {
    writeFileSync(path.join(CODE_SERVER_PREFIX, 'package.json'),
      `${JSON.stringify({ name: 'sequence-lab-tools-code-server', private: true, description: 'Tools cache for the demo and e2e tests; see scripts/code-server.mjs' }, null, 2)}\n`);
  }

  prepareRipgrepCache();

  const extra = {
    TMPDIR: os.tmpdir(), // @vscode/ripgrep looks for its cache in os.tmpdir(): the same folder as ours
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
  };
  const nodedir = nodeDir();
  if (nodedir) {
    extra.npm_config_nodedir = nodedir;
    log(`node-gyp headers: npm_config_nodedir=${nodedir}`);
  } else {
    log('node-gyp headers: none installed locally, node-gyp will download them');
  }
  await npmInstall(npmEnv(extra));

  const version = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).version;
  const rgBin = path.join(PACKAGE_DIR, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin');
  if (!existsSync(CODE_SERVER_BIN) || version !== CODE_SERVER_VERSION || !existsSync(rgBin) || readdirSync(rgBin).length === 0) {
    throw new SetupError(`code-server install in ${CODE_SERVER_PREFIX} is incomplete (version ${version}, rg in ${rgBin})`);
  }
  writeFileSync(MARKER, `${CODE_SERVER_VERSION}\n`);
  log(`installed code-server ${CODE_SERVER_VERSION} in ${((Date.now() - started) / 1000).toFixed(0)} s: ${CODE_SERVER_BIN}`);
  return CODE_SERVER_BIN;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureCodeServer().then(
    (bin) => console.log(bin),
    (err) => {
      console.error(`[code-server] ${err instanceof SetupError ? err.message : err.stack ?? err}`);
      process.exit(1);
    },
  );
}
