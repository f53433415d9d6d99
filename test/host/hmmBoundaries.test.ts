// The architecture's arrows for the HMM/Markov slice, on the real bundles: the host's src/hmm/ reaches the engine
// only through the worker, and the Trellis webview bundle holds only webview code and shared types.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

async function inputsOf(entry: string, platform: 'node' | 'browser', external: string[] = []): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [entry], bundle: true, write: false, metafile: true, platform,
    format: platform === 'node' ? 'cjs' : 'iife', external, logLevel: 'silent', loader: { '.css': 'text' },
  });
  return Object.keys(result.metafile.inputs);
}

test('the extension host bundle has src/hmm/ and still no engine code', async () => {
  const inputs = await inputsOf('src/extension.ts', 'node', ['vscode']);
  assert.ok(inputs.includes('src/hmm/index.ts') && inputs.includes('src/hmm/trellisPanel.ts'));
  assert.deepEqual(inputs.filter((p) => p.startsWith('src/engine/') || p.startsWith('src/worker/')), []);
});

test('the worker bundle has the HMM and Markov engine and no vscode or host code', async () => {
  const inputs = await inputsOf('src/worker/worker.ts', 'node');
  assert.ok(inputs.includes('src/engine/hmm/discreteHmm.ts') && inputs.includes('src/engine/markov/ngramModel.ts'));
  assert.deepEqual(inputs.filter((p) => p.includes('vscode') || p.startsWith('src/hmm/') || p.startsWith('src/panels/') || p.startsWith('src/base/')), []);
});

test('the trellis webview bundle has only webview code and shared types', async () => {
  const inputs = await inputsOf('webview/trellis/main.ts', 'browser');
  assert.ok(inputs.includes('webview/trellis/trellis.css'));
  assert.deepEqual(inputs.filter((p) => !p.startsWith('webview/') && !p.startsWith('src/shared/')), []);
});
