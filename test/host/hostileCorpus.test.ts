// The hostile corpus (scripts/hostile-corpus.ts) through the CLI — the bundled dist-style cli.js in a child process
// with a 512 MB V8 heap and 60 s per file — and through the analysis worker and the experiment checks: every file
// gives a one-line error or a bounded result, and the marker file that every payload tries to create never appears.
// The peak resident memory of each CLI run is measured (process.resourceUsage().maxRSS) and must stay under 1 GB.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { MARKER_NAME, writeHostileCorpus } from '../../scripts/hostile-corpus';
import { judgeDataPath } from '../../src/base/dataPathGuard';
import { AnalysisError, AnalysisWorker } from '../../src/hmm/analysisWorker';
import { parseExperiment } from '../../src/shared/experimentFile';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const HEAP_MB = 512;
const RSS_BUDGET_MB = 1024;
const TIME_BUDGET_MS = 60_000;

const dir = mkdtempSync(path.join(tmpdir(), 'seqlab-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const corpus = path.join(dir, 'corpus');
const cases = writeHostileCorpus(corpus);
const marker = path.join(corpus, MARKER_NAME);
const cli = path.join(dir, 'cli.js');
esbuild.buildSync({ entryPoints: ['src/cli.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'silent' });
const preload = path.join(dir, 'rss.cjs');
writeFileSync(preload, "process.on('exit', () => process.stderr.write('\\nMAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n'));\n");

const measured: string[] = [];
after(() => console.log(`hostile corpus through the CLI (wall ms, peak RSS MB):\n${measured.join('\n')}`));

for (const c of cases) {
  test(`CLI: ${c.name}`, () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--require', preload, cli, ...c.argv], { encoding: 'utf8', timeout: TIME_BUDGET_MS, cwd: corpus });
    const ms = performance.now() - t0;
    const rss = /MAXRSS_KB=(\d+)/.exec(r.stderr);
    const stderr = r.stderr.replace(/\n?MAXRSS_KB=\d+\n$/, '');
    const rssMb = rss ? Number(rss[1]) / 1024 : NaN;
    measured.push(`  ${c.name}: ${Math.round(ms)} ms, ${rssMb.toFixed(0)} MB`);
    assert.equal(r.signal, null, `killed by ${r.signal} (over ${TIME_BUDGET_MS} ms?)`);
    assert.ok(rssMb < RSS_BUDGET_MB, `peak RSS ${rssMb.toFixed(0)} MB`);
    if (c.expect === 'error') {
      assert.equal(r.status, 1, `exit code 1, got ${r.status}: ${stderr.slice(0, 400)}`);
      assert.match(stderr, /^[^\n]+\n$/, `one line: ${stderr.slice(0, 400)}`);
      assert.ok(stderr.length < 600, `a short line: ${stderr.length} characters`);
      if (c.message) assert.match(stderr, c.message);
    } else {
      assert.equal(r.status, 0, stderr.slice(0, 400));
    }
    assert.ok(!existsSync(marker), 'nothing was executed');
  });
}

test('experiment files of the corpus: data.path to /etc/passwd is judged outside; 53,000 keys give 101 problems', async () => {
  const passwd = path.join(corpus, 'passwd.seqlab.json');
  const parsed = parseExperiment(readFileSync(passwd, 'utf8'));
  assert.ok(parsed.ok, 'the corpus file parses: its data path is what is judged');
  const dataPath = parsed.experiment.data.path;
  assert.deepEqual(await judgeDataPath(path.join(corpus, ...dataPath.split(/[\\/]/).filter((p) => p !== '' && p !== '.')), [corpus]), { kind: 'outside', resolved: '/etc/passwd' });
  const many = parseExperiment(readFileSync(path.join(corpus, 'many-keys.seqlab.json'), 'utf8'));
  assert.ok(!many.ok && many.problems.length === 101);
  assert.ok(!existsSync(marker));
});

test('analysis worker: the corpus HMM files and long text give one-line refusals within 30 s each', async () => {
  const bundle = path.join(dir, 'worker.js');
  esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
  const worker = new AnalysisWorker(nodeEngineWorkers(bundle));
  try {
    const million = readFileSync(path.join(corpus, 'million.txt'), 'utf8');
    const checks: [string, () => Promise<unknown>, RegExp][] = [
      ['30 states × 10⁶ symbols', () => worker.hmmDecode(million, { kind: 'modelJson', modelText: readFileSync(path.join(corpus, 'hmm30.json'), 'utf8'), modelLabel: 'hmm30.json' }), /over the 25,000,000 trellis nodes/],
      ['state name nested 100,000 deep', () => worker.hmmDecode('a a', { kind: 'modelJson', modelText: readFileSync(path.join(corpus, 'hmmdeep.json'), 'utf8'), modelLabel: 'hmmdeep.json' }), /state 2 in "states" is \[\[\[/],
      ['2,000,010 characters', () => worker.markovSurprisal(readFileSync(path.join(corpus, 'long.txt'), 'utf8'), 8), /scores at most 2,000,000/],
    ];
    for (const [name, run, expected] of checks) {
      const t0 = performance.now();
      await assert.rejects(run(), (e: unknown) => {
        assert.ok(e instanceof AnalysisError, `${name}: ${String(e)}`);
        assert.match(e.message, expected);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
      const ms = performance.now() - t0;
      measured.push(`  worker, ${name}: ${Math.round(ms)} ms`);
      assert.ok(ms < 30_000, `${name}: ${Math.round(ms)} ms`);
    }
  } finally {
    worker.dispose();
  }
  assert.ok(!existsSync(marker));
});
