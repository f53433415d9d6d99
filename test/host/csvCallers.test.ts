// The callers of the one CSV reader read the same table the same way whatever its dialect: training series data
// (buildTrainingData and the CLI's train), the Gaussian HMM fit (through a real bundled analysis worker) and the
// CLI's `hmm fit --gaussian` / `hmm viterbi`. A `;`-separated file, a tab-separated one and one with quoted
// numbers (as a spreadsheet exports) give exactly the numbers of the plain comma file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { run as trainRun } from '../../src/cli/commands/trainModel';
import type { CliIo } from '../../src/cli/commands/cliIo';
import { buildTrainingData } from '../../src/engine/trainingSetup';
import { AnalysisError, AnalysisWorker } from '../../src/hmm/analysisWorker';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seqlab-csv-callers-'));
const bundle = join(dir, 'worker.js');
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
const worker = new AnalysisWorker(nodeEngineWorkers(bundle));
after(() => {
  worker.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Two regimes of a noisy level and a second column: 60 rows, deterministic. */
const table: number[][] = Array.from({ length: 60 }, (_, t) => [t, (Math.floor(t / 15) % 2 === 0 ? 0 : 5) + Math.sin(t * 1.7) * 0.3]);
const dialects: Record<string, string> = {
  comma: ['time,level', ...table.map((r) => r.join(','))].join('\n') + '\n',
  semicolon: ['time;level', ...table.map((r) => r.join(';'))].join('\r\n') + '\r\n',
  tab: ['time\tlevel', ...table.map((r) => r.join('\t'))].join('\n') + '\n',
  quoted: ['"time","level"', ...table.map((r) => r.map((x) => `"${x}"`).join(','))].join('\n') + '\n',
  quotedSemicolon: ['"time";"level"', ...table.map((r) => r.map((x) => `"${x}"`).join(';'))].join('\n') + '\n',
};

test('training series data: every dialect gives the same rows and column names', () => {
  for (const [name, text] of Object.entries(dialects)) {
    const built = buildTrainingData(text, 'series', 8);
    assert.equal(built.kind, 'series');
    assert.deepEqual(built.vocabulary, ['time', 'level'], name);
    assert.deepEqual(Array.from(built.data.rows), table.flat(), name);
  }
});

test('HMM Fit column pick (the host asks the worker): every dialect offers the same numeric columns; a broken quote is named', async () => {
  for (const [name, text] of Object.entries(dialects)) {
    assert.deepEqual(await worker.csvColumns(text), { names: ['time', 'level'], numericInFirstRow: [true, true] }, name);
  }
  assert.equal(await worker.csvColumns(' \n'), undefined);
  await assert.rejects(
    worker.csvColumns('a;b\n1;"2\n'),
    (e: Error) => e instanceof AnalysisError && e.message === 'Line 2, column 2: the quote at character 3 is never closed.',
  );
});

test('HMM Fit (Gaussian, through the analysis worker): every dialect fits the same model on the same rows', async () => {
  const options = { states: 2, restarts: 2, seed: 3, maxIterations: 30, tolerance: 1e-8 };
  const results = [];
  for (const [name, text] of Object.entries(dialects)) {
    const r = await worker.hmmFit(text, { kind: 'csv', columns: [1] }, options, () => {}).result;
    assert.ok(r && r.kind === 'gaussian', name);
    results.push({ name, r });
  }
  const first = results[0].r;
  assert.ok(first.kind === 'gaussian');
  // Rows start on line 1 (0-based) after the header, one per line.
  assert.deepEqual(Array.from(first.rowLines ?? []), table.map((_, t) => t + 1));
  for (const { name, r } of results) {
    assert.ok(r.kind === 'gaussian');
    assert.equal(r.modelText, first.modelText, name);
    assert.deepEqual(Array.from(r.path ?? []), Array.from(first.path ?? []), name);
  }
});

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI hmm fit --gaussian and hmm viterbi: a ;-file and a quoted file fit and decode as the comma file does', () => {
  const outputs: string[] = [];
  const paths: string[] = [];
  for (const name of ['comma', 'semicolon', 'quoted']) {
    // The level column alone: one dimension.
    const text = dialects[name].split(/\r?\n/).filter((l) => l !== '').map((l) => l.split(/[,;]/)[1]).join('\n') + '\n';
    const data = join(dir, `${name}.csv`);
    writeFileSync(data, text);
    const out = join(dir, `${name}.json`);
    const fit = cli('hmm', 'fit', data, '--gaussian', '--states', '2', '--seed', '3', '--restarts', '2', '--iterations', '30', '--out', out);
    assert.equal(fit.code, 0, fit.stderr);
    outputs.push(readFileSync(out, 'utf8'));
    paths.push(data);
  }
  assert.equal(outputs[1], outputs[0]);
  assert.equal(outputs[2], outputs[0]);
  const model = join(dir, 'comma.json');
  const decoded = paths.map((p) => {
    const v = cli('hmm', 'viterbi', model, p);
    assert.equal(v.code, 0, v.stderr);
    return v.stdout;
  });
  assert.equal(decoded[1], decoded[0]);
  assert.equal(decoded[2], decoded[0]);
  assert.equal((JSON.parse(decoded[0]) as { path: string[] }).path.length, table.length);
  // Both columns: the table's width is the dimension; a --dimension that disagrees is named.
  const both = join(dir, 'both.csv');
  writeFileSync(both, dialects.quotedSemicolon);
  const fit2 = cli('hmm', 'fit', both, '--gaussian', '--states', '2', '--out', join(dir, 'both.json'));
  assert.equal(fit2.code, 0, fit2.stderr);
  const means = (JSON.parse(readFileSync(join(dir, 'both.json'), 'utf8')) as { means: number[][] }).means;
  assert.ok(means.every((m) => m.length === 2), 'one mean per column');
  const wrong = cli('hmm', 'fit', both, '--gaussian', '--states', '2', '--dimension', '1', '--out', join(dir, 'x.json'));
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /The file has 2 columns \(one dimension each\), but the dimension is 1\./);
});

function memoryIo(files: Record<string, string>): CliIo & { err: string[]; files: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)]));
  const err: string[] = [];
  return {
    err,
    files: map,
    stdout: () => {},
    stderr: (s) => err.push(s),
    readFile: async (p) => {
      const f = map.get(p);
      if (!f) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
      return f;
    },
    writeFile: async (p, d) => {
      map.set(p, typeof d === 'string' ? new TextEncoder().encode(d) : d);
    },
  };
}

test('CLI train: a ;-file and a quoted-number file train as a series, with the same losses as the comma file', async () => {
  const metrics: string[] = [];
  for (const name of ['comma', 'semicolon', 'quoted']) {
    const io = memoryIo({ 'data.csv': dialects[name] });
    const code = await trainRun(['data.csv', '--model', 'rnn', '--hidden', '4', '--truncate', '6,6', '--batch', '2', '--steps', '5', '--out', 'run'], io);
    assert.equal(code, 0, io.err.join(''));
    const lines = new TextDecoder().decode(io.files.get('run/metrics.jsonl')!).trim().split('\n');
    assert.equal(lines.length > 0, true);
    metrics.push(lines.map((l) => JSON.stringify((JSON.parse(l) as { loss?: number }).loss)).join(' '));
  }
  assert.equal(metrics[1], metrics[0]);
  assert.equal(metrics[2], metrics[0]);
});
