// One phase of `npm run test:all` (scripts/run-tests.mjs starts it as `node --import tsx scripts/test-files.mjs ...`):
// node's test runner over the given files IN THE GIVEN ORDER (the `node --test` command line sorts its files by name,
// so it cannot start the slowest first), `concurrency` at a time, each file in its own process, which inherits
// `--import tsx` from this one. TAP goes to stdout (the summary `# tests`, `# pass`, `# fail`... at its end, as with
// `node --test --test-reporter=tap`); with --durations=FILE, each file's wall time in seconds is written there as
// JSON ({ "test/x.test.ts": 12.3, ... }), which run-tests.mjs uses to order the next run's files.
//   node --import tsx scripts/test-files.mjs --concurrency=2 --timeout=600000 [--durations=FILE] FILE...
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';

const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const concurrency = Number(option('concurrency') ?? 1);
const timeout = Number(option('timeout') ?? Infinity);
const durationsFile = option('durations');
if (files.length === 0 || !(concurrency >= 1)) {
  console.error('usage: node --import tsx scripts/test-files.mjs --concurrency=N [--timeout=MS] [--durations=FILE] FILE...');
  process.exit(2);
}

const cwd = process.cwd();
const stream = run({ files: files.map((f) => path.resolve(cwd, f)), concurrency, timeout });
const seconds = {};
stream.on('test:fail', () => {
  process.exitCode = 1;
});
// A file's own test (named by its path) completes when its process has ended: its duration is the file's wall time.
stream.on('test:complete', (data) => {
  if (data.nesting === 0 && data.file && data.name === data.file) {
    seconds[path.relative(cwd, data.file).split(path.sep).join('/')] = Math.round(data.details.duration_ms / 100) / 10;
  }
});
stream.on('end', () => {
  if (!durationsFile) return;
  mkdirSync(path.dirname(path.resolve(cwd, durationsFile)), { recursive: true });
  const sorted = Object.fromEntries(Object.entries(seconds).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  writeFileSync(path.resolve(cwd, durationsFile), `${JSON.stringify(sorted, null, 2)}\n`);
});
stream.compose(tap).pipe(process.stdout);
