// "Sequence Lab: New Example…" without VS Code: the catalogue the quick pick shows, the command's test seam, the
// worker's answer (example → file names and contents), the real worker bundle, and the bundle boundary (the host
// reaches the generators only through the worker).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { ADDING_LENGTH, EXAMPLE_IDS, exampleFiles } from '../../src/engine/examples';
import { exampleQuickPickItems, nextStepMessage, overwriteQuestion, readNewExampleArgs } from '../../src/examples/exampleArgs';
import { generateExampleFiles } from '../../src/examples/exampleWorker';
import { ADDING_T, EXAMPLES, EXAMPLES_FOLDER, validateAddingLength } from '../../src/shared/examples';
import { generateExample } from '../../src/worker/examples';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

test('the quick pick lists every generator once, each with a description and a next step', () => {
  assert.deepEqual(EXAMPLES.map((e) => e.id), [...EXAMPLE_IDS]);
  assert.deepEqual(ADDING_T, ADDING_LENGTH);
  const items = exampleQuickPickItems();
  assert.equal(items.length, EXAMPLE_IDS.length);
  for (const item of items) assert.ok(item.label && item.detail.length > 20 && item.detail.length < 140, item.label);
  for (const e of EXAMPLES) assert.ok(e.nextStep.length > 0);
  assert.match(nextStepMessage('casino', 'casino-rolls.txt'), /sequence-lab-examples\/casino-rolls\.txt.*casino-model\.json/);
});

test('the seam: known example ids skip the quick pick, anything else is ignored', () => {
  assert.deepEqual(readNewExampleArgs({ example: 'parity', folder: '/tmp/x' }), { example: 'parity', folder: '/tmp/x', length: undefined, seed: undefined, overwrite: false });
  assert.equal(readNewExampleArgs({ example: 'adding', length: 80, overwrite: true })?.length, 80);
  assert.equal(readNewExampleArgs({ example: 'adding', length: 2.5 })?.length, undefined);
  for (const v of [undefined, null, 'parity', { example: 'nope' }, { resource: 'file:///a' }]) assert.equal(readNewExampleArgs(v), undefined);
});

test('T is validated: whole numbers from 2 to 1000', () => {
  for (const ok of ['2', '50', ' 1000 ']) assert.equal(validateAddingLength(ok), undefined, ok);
  for (const bad of ['', '1', '1001', '2.5', 'abc', '-5']) assert.match(validateAddingLength(bad) ?? '', /2 to 1000/, bad);
});

test('overwrite question names the files', () => {
  assert.match(overwriteQuestion(['a.txt']), /This file already exists.*a\.txt.*Replace it\?/);
  assert.match(overwriteQuestion(['a', 'b', 'c', 'd', 'e']), /5 files .*a, b, c and 2 more.*Replace them\?/);
  assert.ok(overwriteQuestion(['a']).includes(EXAMPLES_FOLDER));
});

test('example → files: names and contents, the main data file first', () => {
  const names = Object.fromEntries(EXAMPLE_IDS.map((id) => [id, exampleFiles(id).map((f) => f.name)]));
  assert.deepEqual(names, {
    reber: ['embedded-reber.txt'],
    adding: ['adding-T50.csv'],
    copy: ['copy.tagged.txt'],
    parity: ['parity.tagged.txt'],
    sine: ['sine.csv'],
    mackeyGlass: ['mackey-glass.csv'],
    casino: ['casino-rolls.txt', 'casino-model.json', 'casino-states.txt'],
    text: ['verse.txt'],
    articles: ['articles.tagged.txt'],
  });
  const answer = generateExample({ type: 'generateExample', requestId: 'r1', example: 'adding', length: 80, seed: 3 });
  assert.equal(answer.type, 'exampleGenerated');
  assert.deepEqual(answer.type === 'exampleGenerated' && answer.files, exampleFiles('adding', { length: 80, seed: 3 }));
  const refused = generateExample({ type: 'generateExample', requestId: 'r2', example: 'adding', length: 5000 });
  assert.equal(refused.type, 'exampleFailed');
  assert.match(refused.type === 'exampleFailed' ? refused.message : '', /from 2 to 1000/);
});

test('the real worker bundle answers a generateExample request', async () => {
  const extensionPath = mkdtempSync(join(tmpdir(), 'seqlab-examples-'));
  mkdirSync(join(extensionPath, 'dist'));
  esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: join(extensionPath, 'dist', 'worker.js'), logLevel: 'silent' });
  const files = await generateExampleFiles(nodeEngineWorkers(join(extensionPath, 'dist', 'worker.js')), 'parity', { seed: 5 });
  assert.deepEqual(files, exampleFiles('parity', { seed: 5 }));
  await assert.rejects(generateExampleFiles(nodeEngineWorkers(join(extensionPath, 'dist', 'worker.js')), 'adding', { length: 1 }), /from 2 to 1000/);
});

test('the host bundle has src/examples/ and no engine code', async () => {
  const result = await esbuild.build({ entryPoints: ['src/extension.ts'], bundle: true, write: false, metafile: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'silent' });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.includes('src/examples/index.ts'));
  assert.deepEqual(inputs.filter((p) => p.startsWith('src/engine/') || p.startsWith('src/worker/')), []);
});
