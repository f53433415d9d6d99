// A hostile experiment file cannot flood the Problems panel or the CodeLens: at most 100 problems (plus one line
// counting the rest), each message at most 300 characters, CodeLens titles at most 120.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseExperiment } from '../../src/shared/experimentFile';
import { FakeEventEmitter, installFakeVscode, uninstallFakeVscode } from './fakeVscode';

test('53,000 unknown keys give 100 problems and one line counting the rest, within 15 s on a loaded machine', () => {
  const keys = Array.from({ length: 53_000 }, (_, i) => `"k${i}": 1`).join(', ');
  const t0 = performance.now();
  const r = parseExperiment(`{ ${keys}, "data": { "path": "a.txt" } }`);
  assert.ok(!r.ok);
  assert.equal(r.problems.length, 101);
  assert.match(r.problems[100].message, /^and 52,?9\d\d more problems \(only the first 100 are listed\)$/);
  assert.ok(performance.now() - t0 < 15_000, `${Math.round(performance.now() - t0)} ms`);
});

const VALID_REST = '"model": { "cell": "rnn", "hiddenSize": 8 }, "training": { "seqLength": 8, "optimizer": "adam", "learningRate": 0.01, "clip": 5, "steps": 10, "seed": 1 }';

test('a key, or an absolute data.path, of a million characters gives messages of at most 300', () => {
  const r = parseExperiment(`{ "${'x'.repeat(1_000_000)}": 1, "data": { "path": "a.txt" } }`);
  assert.ok(!r.ok);
  const absolute = parseExperiment(`{ "data": { "path": "/${'x'.repeat(900_000)}" }, ${VALID_REST} }`);
  assert.ok(!absolute.ok);
  assert.match(absolute.problems[0].message, /data\.path must be relative/);
  r.problems.push(...absolute.problems);
  for (const p of r.problems) {
    assert.ok(p.message.length <= 300, `${p.message.length} characters`);
    assert.ok(p.path.length <= 300);
  }
});

test('the CodeLens of a file whose first problem quotes a megabyte is at most 120 characters', async () => {
  class Range { constructor(...a: number[]) { void a; } }
  class CodeLens { constructor(readonly range: Range, readonly command: { title: string; tooltip: string }) {} }
  installFakeVscode({ Range, CodeLens, EventEmitter: FakeEventEmitter, l10n: { t: (s: string) => s }, window: {}, workspace: { asRelativePath: () => 'e.seqlab.json' }, commands: {}, Uri: {}, ViewColumn: {} });
  after(uninstallFakeVscode);
  const { ExperimentCodeLensProvider } = await import('../../src/experiments/codeLens');
  const provider = new ExperimentCodeLensProvider({ onDidChangeRun: () => ({ dispose() {} }), list: () => [] } as never);
  const long = 'y'.repeat(900_000);
  for (const text of [`{ "${long}": 1 }`, `{ "data": { "path": "/${long}" }, ${VALID_REST} }`, `{ "data": { "path": "${long}" }, ${VALID_REST} }`]) {
    const lenses = provider.provideCodeLenses({ getText: () => text, uri: {} } as never) as unknown as CodeLens[];
    assert.ok(lenses.length > 0);
    for (const l of lenses) {
      assert.ok(l.command.title.length <= 120, `title of ${l.command.title.length} characters`);
      assert.ok(l.command.tooltip.length <= 240);
    }
  }
});
