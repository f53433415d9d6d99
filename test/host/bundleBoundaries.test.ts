// The architecture's arrows, checked on the real bundles: training code is reachable only from the worker
// (and the CLI), the engine and worker never pull in `vscode`, and webviews never pull in host or engine code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

async function inputsOf(entry: string, platform: 'node' | 'browser', external: string[] = []): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform,
    format: platform === 'node' ? 'cjs' : 'iife',
    external,
    logLevel: 'silent',
    loader: { '.css': 'text' },
  });
  return Object.keys(result.metafile.inputs);
}

test('the extension host bundle contains no engine code', async () => {
  const inputs = await inputsOf('src/extension.ts', 'node', ['vscode']);
  assert.ok(inputs.some((p) => p.startsWith('src/training/')), 'sanity: host modules are in the bundle');
  assert.deepEqual(inputs.filter((p) => p.startsWith('src/engine/')), []);
});

test('the worker bundle has the engine and no vscode', async () => {
  const inputs = await inputsOf('src/worker/worker.ts', 'node');
  assert.ok(inputs.includes('src/engine/sequenceTrainer.ts'));
  assert.ok(inputs.includes('src/engine/sequenceSampling.ts'));
  assert.deepEqual(inputs.filter((p) => p.includes('vscode') || p.startsWith('src/panels/') || p.startsWith('src/base/') || p.startsWith('src/training/')), []);
});

test('the training webview bundle has only webview code, shared types and its libraries', async () => {
  const inputs = await inputsOf('webview/training/main.ts', 'browser');
  const own = inputs.filter((p) => !p.includes('node_modules/'));
  assert.deepEqual(own.filter((p) => !p.startsWith('webview/') && !p.startsWith('src/shared/')), []);
});
