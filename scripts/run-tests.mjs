// `npm run test:all` (the last part of `npm test`): the fast layers — engine, host and webview (headless Chromium) —
// with their files run side by side (as many at once as the machine has cores, at least 2), then the end-to-end
// tests (code-server) one file at a time, since each drives its own VS Code and they measure what a person waits for.
// Prints each phase's minutes and, at the end, the totals with the count of skipped tests, and fails if any failed
// (or none ran). Each phase's own output is node's TAP (`# tests`, `# pass`, `# fail`, `# skipped` at its end).
//   node scripts/run-tests.mjs [--only=fast|e2e] [--save-durations]
//
// Wall time (a fresh machine has 2 cores, and CI must stay well under 25 minutes):
//   - The fast layers start their slowest files first (by each file's seconds in test/durations.json; a file not
//     listed yet counts as slow and starts first), so the workers end together instead of one finishing a long file
//     alone. Every run writes the seconds it measured to test-results/test-durations.json; --save-durations writes
//     them to test/durations.json (do that when files were added or got much faster or slower).
//   - code-server's first install (`npm install`, about a minute and a half, needed only by the e2e tests) runs in
//     the background while the fast layers run, at a lower CPU priority; the e2e phase waits for it, and if it failed,
//     the e2e phase fails with its output and runs nothing. Its lock still serialises concurrent installs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const saveDurations = process.argv.includes('--save-durations');
const files = (layer) => readdirSync(path.join(ROOT, 'test', layer)).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${layer}/${f}`);
const concurrency = Math.max(2, os.availableParallelism());
const DURATIONS = 'test/durations.json';
const MEASURED = 'test-results/test-durations.json';

/** `files` with the slowest (by test/durations.json) first; files it does not list go before all of them. */
function slowestFirst(list) {
  let seconds = {};
  try {
    seconds = JSON.parse(readFileSync(path.join(ROOT, DURATIONS), 'utf8'));
  } catch {
    // no list (or a broken one): name order
  }
  const known = (f) => typeof seconds[f] === 'number';
  return [...list.filter((f) => !known(f)), ...list.filter(known).sort((a, b) => seconds[b] - seconds[a])];
}

const phases = [
  // A test that hangs fails after `timeout` ms instead of holding CI until its limit (each e2e test sets its own,
  // shorter, timeout; this one is the backstop).
  // Each file runs as one test, so its timeout bounds the whole file: the PyTorch export file (torchrun on 2 processes)
  // takes about 4 minutes on a 2-core machine under load; 10 minutes still fails a hang long before the phase budget.
  { name: 'engine + host + webview', key: 'fast', concurrency, timeout: 600_000, budgetMinutes: 35, durations: MEASURED,
    files: slowestFirst([...files('engine'), ...files('host'), ...files('webview')]) },
  { name: 'e2e (code-server)', key: 'e2e', concurrency: 1, timeout: 1_200_000, budgetMinutes: 45, files: files('e2e') },
].filter((p) => !only || p.key === only);

/**
 * code-server for the e2e phase, installed (if it is not yet) by `node scripts/code-server.mjs` in the background at
 * a lower CPU priority. Its output is kept and printed when the e2e phase starts. Resolves with `{ ok, output }`.
 */
function installCodeServerInBackground() {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'code-server.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    os.setPriority(child.pid, 10); // npm and node-gyp, started later by it, inherit it
  } catch {
    // not permitted here: same priority as the tests
  }
  const chunks = [];
  child.stdout.on('data', (c) => chunks.push(c));
  child.stderr.on('data', (c) => chunks.push(c));
  const done = new Promise((resolve) => {
    child.on('error', (err) => resolve({ ok: false, output: String(err), seconds: (Date.now() - started) / 1000 }));
    child.on('close', (code, signal) => resolve({
      ok: code === 0, output: Buffer.concat(chunks).toString('utf8') + (code === 0 ? '' : `(exit ${code ?? signal})\n`), seconds: (Date.now() - started) / 1000,
    }));
  });
  /** The install's result, or a failure once `minutes` have passed (the install is ended then). */
  done.within = (minutes) => {
    let timer;
    const late = new Promise((resolve) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ ok: false, output: `${Buffer.concat(chunks).toString('utf8')}(not done after ${minutes} more minutes; ended)\n`, seconds: (Date.now() - started) / 1000 });
      }, minutes * 60_000);
    });
    return Promise.race([done, late]).finally(() => clearTimeout(timer));
  };
  return done;
}

/** Runs one phase with node's test runner (TAP on stdout, passed through) and returns its summary counts. */
function runPhase(phase) {
  return new Promise((resolve) => {
    const started = Date.now();
    const args = ['--import', 'tsx', path.join(ROOT, 'scripts', 'test-files.mjs'), `--concurrency=${phase.concurrency}`, `--timeout=${phase.timeout}`,
      ...(phase.durations ? [`--durations=${phase.durations}`] : []), ...phase.files];
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

const codeServer = phases.some((p) => p.key === 'e2e' && p.files.length > 0) ? installCodeServerInBackground() : undefined;
const results = [];
for (const phase of phases) {
  if (phase.key === 'e2e' && codeServer) {
    const waitStarted = Date.now();
    const install = await codeServer.within(phase.budgetMinutes);
    const waited = (Date.now() - waitStarted) / 1000;
    console.log(`\n=== code-server for the e2e tests (${install.seconds.toFixed(0)} s in the background, ${waited.toFixed(0)} s of it waited for) ===`);
    process.stdout.write(install.output);
    if (!install.ok) {
      console.log(`\n=== ${phase.name}: not run: code-server could not be installed (see above) ===`);
      results.push({ ...phase, code: 'code-server install failed', counts: {}, minutes: waited / 60 });
      continue;
    }
  }
  results.push(await runPhase(phase));
  if (phase.durations && saveDurations && existsSync(path.join(ROOT, phase.durations))) {
    writeFileSync(path.join(ROOT, DURATIONS), readFileSync(path.join(ROOT, phase.durations)));
    console.log(`\n=== ${DURATIONS}: saved from this run ===`);
  }
}

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
