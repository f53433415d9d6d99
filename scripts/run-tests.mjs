// `npm run test:all` (the last part of `npm test`): the fast layers — engine, host and webview (headless Chromium) —
// with their files run side by side (as many at once as the machine has cores, at least 2), then the end-to-end
// tests (code-server) one file at a time, since each drives its own VS Code and they measure what a person waits for.
// Prints each phase's minutes and, at the end, the totals with the count of skipped tests, and fails if any failed
// (or none ran). Each phase's own output is node's TAP (`# tests`, `# pass`, `# fail`, `# skipped` at its end).
//   node scripts/run-tests.mjs [--only=fast|e2e]
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const files = (layer) => readdirSync(path.join(ROOT, 'test', layer)).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${layer}/${f}`);
const concurrency = Math.max(2, os.availableParallelism());

const phases = [
  // A test that hangs fails after `timeout` ms instead of holding CI until its limit (each e2e test sets its own,
  // shorter, timeout; this one is the backstop).
  // Each file runs as one test, so its timeout bounds the whole file: the PyTorch export file (torchrun on 2 processes)
  // takes about 4 minutes on a 2-core machine under load; 10 minutes still fails a hang long before the phase budget.
  { name: 'engine + host + webview', key: 'fast', concurrency, timeout: 600_000, budgetMinutes: 35, files: [...files('engine'), ...files('host'), ...files('webview')] },
  { name: 'e2e (code-server)', key: 'e2e', concurrency: 1, timeout: 1_200_000, budgetMinutes: 45, files: files('e2e') },
].filter((p) => !only || p.key === only);

/** Runs one phase with node's test runner (TAP on stdout, passed through) and returns its summary counts. */
function runPhase(phase) {
  return new Promise((resolve) => {
    const started = Date.now();
    const args = ['--import', 'tsx', '--test', `--test-concurrency=${phase.concurrency}`, `--test-timeout=${phase.timeout}`, '--test-reporter=tap', ...phase.files];
    console.log(`\n=== ${phase.name}: ${phase.files.length} files, ${phase.concurrency} at a time ===`);
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const counts = {};
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const text = tail + chunk.toString('utf8');
      const lines = text.split('\n');
      tail = lines.pop();
      for (const line of lines) {
        // The runner's own summary is at the top level (no indentation).
        const m = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
        if (m) counts[m[1]] = Number(m[2]);
      }
    });
    // A file whose process never exits (a test left a loop running after its timeout) would hold the phase, and CI,
    // until CI's own limit: past its budget the phase is ended and fails, saying so.
    const budget = setTimeout(() => {
      console.log(`\n=== ${phase.name}: over its ${phase.budgetMinutes}-minute budget; ended (a test file did not exit) ===`);
      child.kill('SIGKILL');
    }, phase.budgetMinutes * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(budget);
      resolve({ ...phase, code: code ?? signal, counts, minutes: (Date.now() - started) / 60_000 });
    });
  });
}

const results = [];
for (const phase of phases) results.push(await runPhase(phase));

const sum = (key) => results.reduce((n, r) => n + (r.counts[key] ?? 0), 0);
console.log('\n=== Test summary ===');
for (const r of results) {
  const c = r.counts;
  console.log(`${r.name}: ${c.tests ?? '?'} tests, ${c.pass ?? '?'} passed, ${c.fail ?? '?'} failed, ${c.cancelled ?? 0} cancelled, `
    + `${c.skipped ?? '?'} skipped, ${c.todo ?? 0} todo, ${r.minutes.toFixed(1)} min (exit ${r.code})`);
}
console.log(`all: ${sum('tests')} tests, ${sum('fail')} failed, ${sum('skipped')} skipped, `
  + `${results.reduce((m, r) => m + r.minutes, 0).toFixed(1)} min`);
console.log(`# skipped ${sum('skipped')}`);
const failed = results.some((r) => r.code !== 0 || r.counts.tests === undefined || r.counts.fail !== 0 || (r.counts.cancelled ?? 0) !== 0);
process.exit(failed || sum('tests') === 0 ? 1 : 0);
