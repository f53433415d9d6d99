// The linter holds the architecture (eslint/architecture.mjs): a planted import against a layer's direction, an
// import cycle, or two host folders importing each other fail `npm run lint`; today's tree passes it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
// @ts-expect-error a plain .mjs module without types
import architecture, { cyclesOf, directionProblem, mutualHostFolders } from '../../eslint/architecture.mjs';

test('directions: each layer reaches only the layers below it', () => {
  assert.equal(directionProblem('src/engine/a.ts', 'src/engine/cells/b.ts'), undefined);
  assert.match(directionProblem('src/engine/a.ts', 'src/shared/b.ts'), /engine code may import only engine/);
  assert.equal(directionProblem('src/worker/a.ts', 'src/engine/b.ts'), undefined);
  assert.match(directionProblem('src/worker/a.ts', 'src/cli/commands/b.ts'), /reaches cli/);
  assert.match(directionProblem('src/cli/a.ts', 'src/worker/b.ts'), /reaches worker/);
  // Data-parallel training serves the worker and the CLI; it imports neither, and the host never reaches it.
  assert.equal(directionProblem('src/worker/a.ts', 'src/parallel/b.ts'), undefined);
  assert.equal(directionProblem('src/cli/a.ts', 'src/parallel/b.ts'), undefined);
  assert.equal(directionProblem('src/parallel/a.ts', 'src/engine/b.ts'), undefined);
  assert.match(directionProblem('src/parallel/a.ts', 'src/worker/b.ts'), /reaches worker/);
  assert.match(directionProblem('src/parallel/a.ts', 'src/cli/b.ts'), /reaches cli/);
  assert.match(directionProblem('src/training/a.ts', 'src/parallel/b.ts'), /reaches parallel/);
  assert.match(directionProblem('src/panels/a.ts', 'src/engine/b.ts'), /host code .* reaches engine/);
  assert.match(directionProblem('src/shared/a.ts', 'src/panels/b.ts'), /shared code may import only shared/);
  assert.equal(directionProblem('webview/gates/main.ts', 'webview/common/theme.ts'), undefined);
  assert.equal(directionProblem('webview/gates/main.ts', 'src/shared/protocol.ts'), undefined);
  assert.match(directionProblem('webview/unrolled/main.ts', 'webview/gates/analysis.ts'), /its own folder/);
  assert.match(directionProblem('webview/gates/main.ts', 'src/panels/gatesPanel.ts'), /reaches host/);
  // The ground floor: every host folder may import it; it imports only itself and src/shared/.
  assert.equal(directionProblem('src/panels/gatesPanel.ts', 'src/base/panelBase.ts'), undefined);
  assert.equal(directionProblem('src/base/panelBase.ts', 'src/base/disposable.ts'), undefined);
  assert.equal(directionProblem('src/base/panelBase.ts', 'src/shared/messages.ts'), undefined);
  assert.match(directionProblem('src/base/panelBase.ts', 'src/panels/gatesPanel.ts'), /ground floor src\/base\/ imports only .*reaches src\/panels\//);
  assert.match(directionProblem('src/base/settings.ts', 'src/extension.ts'), /ground floor .*reaches src\/extension\.ts/);
  assert.match(directionProblem('src/base/panelBase.ts', 'src/engine/kernels.ts'), /reaches engine/);
});

test('cycles: strongly connected components, found without recursion on a long chain', () => {
  const g = new Map<string, string[]>([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(cyclesOf(g), [['a', 'b', 'c']]);
  const chain = new Map<string, string[]>();
  for (let i = 0; i < 50_000; i++) chain.set(`f${i}`, i + 1 < 50_000 ? [`f${i + 1}`] : []);
  assert.deepEqual(cyclesOf(chain), []);
  chain.set('f49999', ['f0']);
  assert.equal(cyclesOf(chain)[0].length, 50_000);
});

test('mutual host folders: a pair that imports both ways, with one import each way', () => {
  const g = new Map<string, string[]>([
    ['src/panels/a.ts', ['src/sidebar/b.ts', 'src/shared/p.ts']],
    ['src/sidebar/b.ts', ['src/panels/c.ts']],
    ['src/base/x.ts', []],
    ['src/commands/d.ts', ['src/base/x.ts']],
  ]);
  assert.deepEqual([...mutualHostFolders(g).keys()], ['panels↔sidebar']);
});

function lintProject(files: Record<string, string>): Promise<ESLint.LintResult[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'seqlab-arch-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [{
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as never },
      plugins: { architecture },
      rules: { 'architecture/layers': 'error', 'architecture/no-cycles': 'error', 'architecture/no-mutual-folders': 'error' },
    }],
  });
  return eslint.lintFiles(['src/**/*.ts']).finally(() => rmSync(root, { recursive: true, force: true }));
}

const messages = (results: ESLint.LintResult[]) =>
  results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)} ${m.ruleId}: ${m.message}`)).sort();

test('a planted wrong-direction import, cycle and mutual folder pair fail the lint; a clean tree passes', async () => {
  const clean = await lintProject({
    'src/engine/cell.ts': 'export const tanh = Math.tanh;\n',
    'src/worker/worker.ts': "import { tanh } from '../engine/cell';\nexport const f = tanh;\n",
    'src/base/documentText.ts': 'export const text = 1;\n',
    'src/panels/a.ts': "import { text } from '../base/documentText';\nexport const a = text;\n",
    'src/sidebar/b.ts': "import { text } from '../base/documentText';\nexport const b = text;\n",
  });
  assert.deepEqual(messages(clean), []);

  const planted = await lintProject({
    'src/engine/cell.ts': "import { f } from '../worker/worker';\nexport const tanh = f;\n",
    'src/worker/worker.ts': "import { tanh } from '../engine/cell';\nexport const f = tanh;\n",
    'src/panels/a.ts': "import { b } from '../sidebar/b';\nexport const a = b;\n",
    'src/sidebar/b.ts': "import type { a } from '../panels/a';\nexport const b = 1 as unknown as typeof a;\n",
  });
  const found = messages(planted);
  assert.ok(found.some((m) => m.startsWith('cell.ts architecture/layers') && /reaches worker/.test(m)), found.join('\n'));
  assert.ok(found.some((m) => m.startsWith('cell.ts architecture/no-cycles')), found.join('\n'));
  assert.ok(found.some((m) => m.startsWith('worker.ts architecture/no-cycles')), found.join('\n'));
  assert.ok(found.some((m) => m.startsWith('a.ts architecture/no-mutual-folders') && m.includes('panels↔sidebar')), found.join('\n'));
  assert.ok(found.some((m) => m.startsWith('b.ts architecture/no-mutual-folders')), found.join('\n'));

  // The ground floor reaching up into a feature folder fails, even without a cycle.
  const upward = await lintProject({
    'src/base/documentText.ts': "import { a } from '../panels/a';\nexport const text = a;\n",
    'src/panels/a.ts': 'export const a = 1;\n',
  });
  assert.deepEqual(messages(upward).filter((m) => m.includes('architecture/layers')).map((m) => m.split(':')[0]), ['documentText.ts architecture/layers']);
});
