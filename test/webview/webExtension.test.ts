// The manifest's `browser` entry (issue 17): the web bundles hold nothing of Node, and the web extension activates in
// a browser realm (headless Chromium, no Node globals) and answers every command of the manifest: with the real
// feature where the web build has it, with a message saying why where it does not (never "command not found").
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './panelHarness';

const dir = mkdtempSync(join(tmpdir(), 'seqlab-web-'));
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  browser?: string; contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
};
/** The two web bundles as esbuild.mjs builds them (dist/web/), with their metafiles. */
const bundles: Record<'extension' | 'worker', { text: string; inputs: string[] }> = { extension: { text: '', inputs: [] }, worker: { text: '', inputs: [] } };
let browser: Browser;
let server: Server;
let page: Page;
let origin = '';

before(async () => {
  const common = { absWorkingDir: REPO_ROOT, bundle: true, platform: 'browser' as const, target: 'es2022', metafile: true, logLevel: 'warning' as const, minify: true };
  const builds: ['extension' | 'worker', esbuild.BuildOptions][] = [
    ['extension', { entryPoints: ['src/extensionWeb.ts'], format: 'cjs', external: ['vscode'] }],
    ['worker', { entryPoints: ['src/worker/webWorker.ts'], format: 'iife' }],
  ];
  for (const [name, options] of builds) {
    const result = await esbuild.build({ ...common, ...options, outfile: join(dir, `${name}.js`) });
    bundles[name] = { text: readFileSync(join(dir, `${name}.js`), 'utf8'), inputs: Object.keys(result.metafile?.inputs ?? {}) };
  }
  const page_ = await esbuild.build({
    absWorkingDir: REPO_ROOT, bundle: true, platform: 'browser', target: 'es2022', format: 'iife', write: false, logLevel: 'warning',
    stdin: { resolveDir: REPO_ROOT, loader: 'ts', contents: `import * as fake from './test/webview/fakeWebVscode'; globalThis.fake = fake;` },
  });
  // The web extension host loads the bundle as CommonJS with its own `require` that provides only `vscode`.
  const host = `globalThis.made = fake.fakeWebVscode(); globalThis.required = [];
    globalThis.cjs = { exports: {} };
    globalThis.requireInHost = (name) => { required.push(name); if (name === 'vscode') return made.vscode; throw new Error('no module ' + name + ' in a web extension host'); };`;
  const files: Record<string, string> = {
    '/': '<!doctype html><meta charset="utf-8"><title>web extension</title><script src="/fake.js"></script><script src="/host.js"></script><script src="/ext.js"></script>',
    '/fake.js': page_.outputFiles[0].text,
    '/host.js': host,
    '/ext.js': `(function (require, module, exports) {\n${bundles.extension.text}\n})(requireInHost, cjs, cjs.exports);`,
  };
  server = createServer((req, res) => {
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': req.url === '/' ? 'text/html' : 'text/javascript' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const NODE_MODULES = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

test('The web bundles reference no Node built-in: no node: import, no require but vscode, no process, Buffer or __dirname', () => {
  for (const [name, { text, inputs }] of Object.entries(bundles)) {
    assert.ok(text.length > 10_000, `${name} was built`);
    assert.deepEqual(inputs.filter((input) => NODE_MODULES.has(input) || input.startsWith('node:')), [], `${name}: Node modules among its inputs`);
    const required = [...text.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], name === 'extension' ? ['vscode'] : [], `${name} requires only what a web extension host provides`);
    for (const node of ['worker_threads', 'child_process', 'node:fs', '"fs"', 'process.env', 'process.pid', '__dirname', '__filename', 'Buffer.from', 'require.resolve']) {
      assert.ok(!text.includes(node), `${name} mentions ${node}`);
    }
  }
  // The engine worker's message loop came along; the desktop's worker_threads entry did not.
  assert.ok(bundles.worker.inputs.includes('src/worker/workerMain.ts') && !bundles.worker.inputs.includes('src/worker/worker.ts'));
  assert.ok(!bundles.extension.inputs.includes('src/base/nodeWorkerTransport.ts'));
});

interface Activated {
  error?: string;
  commands: string[];
  views: string[];
  required: string[];
}

async function activate(): Promise<Activated> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/`);
  const activated = await page.evaluate((extensionUrl) => {
    const g = globalThis as unknown as {
      cjs: { exports: { activate(context: object): void } };
      made: { activation: { commands: Map<string, unknown>; views: string[] } };
      fake: { fakeContext(url: string): object };
      required: string[];
    };
    try {
      g.cjs.exports.activate(g.fake.fakeContext(extensionUrl));
    } catch (error) {
      return { error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error), commands: [], views: [], required: g.required };
    }
    return { commands: [...g.made.activation.commands.keys()], views: g.made.activation.views, required: g.required };
  }, `${origin}/ext`);
  assert.deepEqual(errors, [], 'no uncaught error on the page');
  return activated;
}

test('The web extension activates in a browser and registers every command and view of the manifest', async () => {
  assert.equal(manifest.browser, './dist/web/extension.js');
  const activated = await activate();
  assert.equal(activated.error, undefined);
  assert.deepEqual([...new Set(activated.required)], ['vscode']);
  const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !activated.commands.includes(c));
  assert.deepEqual(missing, [], 'manifest commands the web entry does not answer');
  const views = Object.values(manifest.contributes.views).flat().map((v) => v.id);
  assert.deepEqual(views.filter((v) => !activated.views.includes(v)), [], 'manifest views the web entry does not provide');
});

test('On the web, a command that needs the desktop says so; training commands are the real ones', async () => {
  await activate();
  const commands = ['sequenceLab.runs.exportPytorch', 'sequenceLab.experiment.copyCommandLine', 'sequenceLab.compareRuns', 'sequenceLab.trainExperiment', 'sequenceLab.stopTraining', 'sequenceLab.runs.deleteAll'];
  const [exportPytorch, copyCommandLine, compareRuns, trainExperiment, stopTraining, deleteAll] = await page.evaluate(async (ids) => {
    const g = globalThis as unknown as { made: { activation: object }; fake: { said(activation: object, command: string): Promise<string> } };
    const out: string[] = [];
    for (const id of ids) out.push(await g.fake.said(g.made.activation, id));
    return out;
  }, commands);
  const answers = { exportPytorch, copyCommandLine, compareRuns, trainExperiment, stopTraining, deleteAll };
  // Export as PyTorch Project… writes files through workspace.fs on the web too: with no run chosen, its own answer.
  assert.equal(answers.exportPytorch, 'Sequence Lab: right-click a run in the Runs view, then Export as PyTorch Project….');
  assert.match(answers.copyCommandLine, /a terminal on your own computer.*VS Code for the Web/);
  // Compare Runs is the desktop's on the web since stored runs are (issue 17): with none stored, its own message.
  assert.equal(answers.compareRuns, 'Sequence Lab: Compare Runs needs at least two stored runs; there are none. Train a model on a file, then another (e.g. an RNN, then an LSTM).');
  // Experiment files are the desktop's on the web (workspace.fs): with no experiment open, Train Experiment's own answer.
  assert.equal(answers.trainExperiment, 'Sequence Lab: open an experiment file (*.seqlab.json) first, or create one with "Sequence Lab: New Example…".');
  // The desktop's own Stop Training: with no run, its own message (not a web refusal).
  assert.equal(answers.stopTraining, 'Sequence Lab: no run is training.');
  // Stored runs are the desktop's on the web (issue 17): Delete All Runs… is the real one (no runs stored here).
  assert.equal(answers.deleteAll, 'Sequence Lab: there are no stored runs to delete.');
});
