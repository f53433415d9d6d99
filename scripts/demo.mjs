#!/usr/bin/env node
// `npm start`: Sequence Lab in a real VS Code, in your browser, in one command.
// Builds and packages the extension (.vsix), installs code-server 4.100.3 on first use (into .tools/), installs the
// .vsix into a persistent demo profile (.tools/demo-profile/), and serves VS Code with the examples/ folder open on
// http://127.0.0.1:8080 (or the next free port; `--port N` to choose). Ctrl+C stops it.
// `--web`: Sequence Lab for the Web instead (its `browser` entry, dist/web/extension.js), forced into code-server's
// web worker extension host (settings extensions.webWorker and remote.extensionKind = ["web"], in its own profile,
// .tools/demo-web-profile/), served cross-origin isolated through scripts/isolating-proxy.mjs so that a run of several
// streams trains data-parallel in nested Web Workers, as on vscode.dev with ?vscode-coi.
import path from 'node:path';
import { startIsolatingProxy } from './isolating-proxy.mjs';
import {
  REPO_ROOT, WEB_WORKER_SETTINGS, ensureCodeServer, freePort, installVsix, makeProfile, packageVsix, seconds,
  startCodeServer, workbenchUrl,
} from './vscode-harness.mjs';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;

function parseArgs(argv) {
  const options = { port: undefined, web: false, profile: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/demo.mjs [--port N] [--web] [--profile DIR]\n\n'
        + 'Builds and packages Sequence Lab, installs it into code-server (a real VS Code in the browser) and serves\n'
        + `the examples/ folder on http://${HOST}:${DEFAULT_PORT} (or the next free port). Ctrl+C stops it.\n`
        + '--web: Sequence Lab for the Web (its browser entry, in the web worker extension host), cross-origin isolated.\n'
        + '--profile DIR: code-server\'s user data and extensions in DIR (default .tools/demo-profile or .tools/demo-web-profile).');
      process.exit(0);
    } else if (arg === '--web') {
      options.web = true;
    } else if (arg === '--profile' || arg.startsWith('--profile=')) {
      const value = arg.includes('=') ? arg.slice('--profile='.length) : argv[++i];
      if (!value) throw new Error('--profile needs a folder');
      options.profile = path.resolve(value);
    } else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg.includes('=') ? arg.slice('--port='.length) : argv[++i];
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port needs a port number, got ${JSON.stringify(value)}`);
      options.port = port;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)} (try --help)`);
    }
  }
  return options;
}

function box(lines) {
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '─'.repeat(width + 2);
  return [`┌${bar}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${bar}┘`].join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const vsix = packageVsix({ root: REPO_ROOT });
  await ensureCodeServer();

  const root = options.profile ?? path.join(REPO_ROOT, '.tools', options.web ? 'demo-web-profile' : 'demo-profile');
  const profile = makeProfile({ root, settings: options.web ? WEB_WORKER_SETTINGS : {} });
  await installVsix(vsix, profile);

  const port = options.port ?? (await freePort({ preferred: DEFAULT_PORT, host: HOST }));
  if (options.port && !(await freePort({ preferred: options.port, host: HOST, tries: 1 }).catch(() => undefined))) {
    throw new Error(`port ${options.port} on ${HOST} is in use; choose another with --port N`);
  }
  const workspace = path.join(REPO_ROOT, 'examples');
  // --web: code-server on a port of its own, the proxy (cross-origin isolated) on the one the user opens, bound first
  // (a port taken meanwhile fails before code-server runs).
  const serverPort = options.web ? await freePort({ host: HOST }) : port;
  const proxy = options.web ? await startIsolatingProxy(`http://${HOST}:${serverPort}`, { host: HOST, port }) : undefined;
  console.log(`[demo] starting code-server on ${HOST}:${serverPort} (log: ${path.relative(process.cwd(), path.join(profile.root, 'code-server.log'))})`);
  let server;
  try {
    server = await startCodeServer({ workspace, port: serverPort, host: HOST, dirs: profile });
  } catch (error) {
    await proxy?.close();
    throw error;
  }
  const url = proxy ? workbenchUrl(proxy.url, workspace) : server.folderUrl(workspace);

  console.log(`\n${box([
    options.web
      ? 'Sequence Lab for the Web is running in VS Code (code-server\'s web worker extension host, cross-origin isolated). Open:'
      : 'Sequence Lab is running in VS Code (code-server). Open:',
    '',
    url,
    '',
    'Then open a .txt file and run "Sequence Lab: Train Character Model',
    'on Active File" from the command palette (F1). Ctrl+C here stops it.',
  ])}\n`);
  console.log(`[demo] ready in ${seconds(started)}`);

  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[demo] ${signal}: stopping code-server…`);
    await Promise.all([server.stop(), proxy?.close()]);
    console.log('[demo] stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  const code = await server.exited;
  if (!stopping) {
    console.error(`[demo] code-server exited unexpectedly (${code}); its log:\n${server.log()}`);
    await server.stop();
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(`[demo] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
