// The checks `npm test` runs before the tests: lint, typecheck, and build then package (the .vsix the e2e tests
// install), side by side rather than one after the other (eslint and tsc each use one core; on CI's 2 cores this
// saves about half a minute). Each one's output is printed whole when it ends, with its time; every check runs to
// its end, so one run reports all of their problems, and the exit code is non-zero if any failed.
//   node scripts/checks.mjs
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run <script>` for each script in turn (stopping at a failure); resolves with its output and status. */
function chain(scripts) {
  const started = Date.now();
  const output = [];
  const next = (i) => new Promise((resolve) => {
    if (i === scripts.length) {
      resolve(0);
      return;
    }
    const child = spawn(npm, ['run', scripts[i]], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c) => output.push(c));
    child.stderr.on('data', (c) => output.push(c));
    child.on('error', (error) => {
      output.push(Buffer.from(`${error}\n`));
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code === 0 ? next(i + 1) : code ?? signal));
  });
  return next(0).then((code) => {
    const name = scripts.join(' + ');
    console.log(`\n=== ${name}: ${code === 0 ? 'ok' : `FAILED (${code})`} in ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
    process.stdout.write(Buffer.concat(output));
    return code;
  });
}

const codes = await Promise.all([chain(['lint']), chain(['typecheck']), chain(['build', 'package'])]);
process.exit(codes.every((c) => c === 0) ? 0 : 1);
