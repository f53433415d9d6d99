// One build for every bundle the extension ships: the extension host, the training worker, the CLI and one
// bundle per webview panel. `--production` minifies (used by `vsce package`), `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Node-side bundles: the host loads `vscode` at run time; the worker and the CLI must never import it. */
const nodeBuilds = [
  { entryPoints: { extension: 'src/extension.ts' }, external: ['vscode'] },
  { entryPoints: { worker: 'src/worker/worker.ts' }, external: [] },
  // Data-parallel training threads (src/parallel/workerShards.ts starts dist/shardWorker.js).
  { entryPoints: { shardWorker: 'src/parallel/shardWorker.ts' }, external: [] },
  { entryPoints: { cli: 'src/cli.ts' }, external: [], banner: { js: '#!/usr/bin/env node' } },
].map((b) => ({ ...common, ...b, platform: 'node', target: 'node20', format: 'cjs', outdir: 'dist' }));

/**
 * VS Code for the Web (issue 17): the web extension host's entry and the engine worker as a classic Web Worker script (dist/web/worker.js; VS Code's web
 * extension host starts an extension's nested workers with importScripts), no Node built-ins.
 */
const browserBuilds = [
  { ...common, entryPoints: { worker: 'src/worker/webWorker.ts' }, platform: 'browser', target: 'es2022', format: 'iife', outdir: 'dist/web' },
  // The manifest's `browser` entry: the web extension host loads it as CommonJS with `vscode` provided.
  { ...common, entryPoints: { extension: 'src/extensionWeb.ts' }, platform: 'browser', target: 'es2022', format: 'cjs', outdir: 'dist/web', external: ['vscode'] },
];

// dist/webview/ holds only this build's bundles: a panel folder renamed by case (hmmfit → hmmFit) would otherwise
// leave its old bundle beside the new one, and `vsce package` refuses two paths that differ only by case.
rmSync('dist/webview', { recursive: true, force: true });

/** Webview bundles: one per folder of webview/ that has a main.ts (webview/common/ is shared code). */
const panels = readdirSync('webview', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`webview/${d.name}/main.ts`))
  .map((d) => d.name);
const webBuilds = panels.map((name) => ({
  ...common,
  entryPoints: { [name]: `webview/${name}/main.ts` },
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  outdir: 'dist/webview',
  loader: { '.css': 'text' },
}));

/** Tests that run inside code-server's extension host are bundled too (mocha stays a runtime require). */
const testBuilds = existsSync('test/e2e/suite/index.ts') && !production
  ? [{ ...common, entryPoints: { index: 'test/e2e/suite/index.ts' }, platform: 'node', target: 'node20',
      format: 'cjs', outdir: 'out/e2e-suite', external: ['vscode', 'mocha'] },
    // The extension-host side of the load benchmark (npm run bench -- --only=load).
    { ...common, entryPoints: { index: 'bench/load/extensionHostLoad.ts' }, platform: 'node', target: 'node20',
      format: 'cjs', outdir: 'out/bench-load', external: ['vscode'] }]
  : [];

const all = [...nodeBuilds, ...browserBuilds, ...webBuilds, ...testBuilds];
if (watch) {
  for (const options of all) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log(`[watch] building ${all.length} bundles`);
} else {
  await Promise.all(all.map((options) => esbuild.build(options)));
  console.log(`built ${all.length} bundles${production ? ' (production)' : ''}: extension, worker, shardWorker, cli, web/extension, web/worker, ${panels.join(', ')}`);
}
