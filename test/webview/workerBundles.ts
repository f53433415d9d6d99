// The two engine worker bundles as esbuild.mjs builds them, a worker thread's (Node, cjs: worker.js) and a Web
// Worker's (classic script: web/worker.js), and a page bundling `pageSource` (web/page.js), served on 127.0.0.1 for
// headless Chromium: the transport tests (engineWorkerTransports.test.ts) and the web worker bench
// (bench/webWorker.ts) run the same builds.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from './panelHarness';

export interface WorkerBundles {
  /** The worker thread's script (dist/worker.js's build). */
  nodeWorker: string;
  /** Serves '/' (a page loading /page.js), '/page.js' and '/worker.js' until close(). */
  url: string;
  /**
   * The same files, served cross-origin isolated (Cross-Origin-Opener-Policy: same-origin and
   * Cross-Origin-Embedder-Policy: require-corp, as vscode.dev serves them with ?vscode-coi): a page and workers that
   * have SharedArrayBuffer.
   */
  isolatedUrl: string;
  close(): void;
}

/** Builds into `dir`; `minify` as the .vsix's production build does (the tests keep the bundles readable). */
export async function buildAndServeWorkerBundles(dir: string, pageSource: string, { minify = false, title = 'worker transport' } = {}): Promise<WorkerBundles> {
  // logLevel 'error': the build's one warning (tsx's require hook, for running the sources) is not about bundles.
  const options = { absWorkingDir: REPO_ROOT, bundle: true, minify, legalComments: 'none' as const, logLevel: 'error' as const };
  esbuild.buildSync({ ...options, entryPoints: ['src/worker/worker.ts'], platform: 'node', format: 'cjs', outfile: join(dir, 'worker.js') });
  // As dist/ holds them: the worker thread starts a run's data-parallel threads from shardWorker.js next to itself.
  esbuild.buildSync({ ...options, entryPoints: ['src/parallel/shardWorker.ts'], platform: 'node', format: 'cjs', outfile: join(dir, 'shardWorker.js') });
  esbuild.buildSync({ ...options, entryPoints: ['src/worker/webWorker.ts'], platform: 'browser', target: 'es2022', format: 'iife', outfile: join(dir, 'web', 'worker.js') });
  esbuild.buildSync({
    ...options, platform: 'browser', target: 'es2022', format: 'iife', outfile: join(dir, 'web', 'page.js'),
    stdin: { resolveDir: REPO_ROOT, loader: 'ts', contents: pageSource },
  });
  const files: Record<string, [string, string]> = {
    '/': ['text/html', `<!doctype html><meta charset="utf-8"><title>${title}</title><script src="page.js"></script>`],
    '/page.js': ['text/javascript', readFileSync(join(dir, 'web', 'page.js'), 'utf8')],
    '/worker.js': ['text/javascript', readFileSync(join(dir, 'web', 'worker.js'), 'utf8')],
  };
  const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const isolated = path.startsWith('/isolated/');
    const file = files[isolated ? path.slice('/isolated'.length) : path];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0], ...(isolated ? isolation : {}) }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { nodeWorker: join(dir, 'worker.js'), url: `${origin}/`, isolatedUrl: `${origin}/isolated/`, close: () => server.close() };
}
