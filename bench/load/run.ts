// npm run bench -- --only=load [--seconds=15]
// The load benchmark of issue 7: code-server (real VS Code 1.100) with this repository as the development
// extension; bench/load/extensionHostLoad.ts runs in its extension host and measures the event-loop delay idle,
// while training with the Training panel, and while training with every panel open. Prints p50/p99/max per phase
// and the ratio to idle (the peer run in the same process), never a pass/fail: these machines are shared.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  REPO_ROOT, buildExtension, ensureCodeServer, extensionTestPayload, launchBrowser, openWorkbench, startCodeServer,
} from '../../scripts/vscode-harness.mjs';

interface Phase { phase: string; panels: string[]; p50Ms: number; p99Ms: number; maxMs: number; meanMs: number; heapMB: number }

async function runLoadBenchmark(seconds: number): Promise<void> {
  await ensureCodeServer();
  buildExtension();
  const entry = path.join(REPO_ROOT, 'out', 'bench-load', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} was not built (esbuild.mjs bundles bench/load/extensionHostLoad.ts)`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'seqlab-load-'));
  const workspace = path.join(scratch, 'examples');
  cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  const outFile = path.join(scratch, 'load.json');
  process.env.SEQUENCE_LAB_LOAD_OUT = outFile;
  process.env.SEQUENCE_LAB_LOAD_SECONDS = String(seconds);

  const server = await startCodeServer({ workspace });
  const browser = await launchBrowser();
  try {
    const exited = new Promise<number>((resolve) => void browser.page.exposeFunction('codeAutomationExit', resolve));
    await browser.page.exposeFunction('codeAutomationLog', () => undefined);
    const payload = extensionTestPayload(server.url, { extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: entry });
    await openWorkbench(browser.page, server.url, workspace, { payload });
    const code = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the load benchmark did not finish in 10 minutes')), 600_000).unref()),
    ]);
    if (code !== 0 || !existsSync(outFile)) throw new Error(`the extension-host side of the load benchmark failed (exit ${code}); see ${server.logPath}`);
    const { phases, skipped } = JSON.parse(readFileSync(outFile, 'utf8')) as { phases: Phase[]; skipped: string[] };
    const idle = phases[0];
    console.log(`\nExtension host event-loop delay beyond a 2 ms timer, ${seconds} s per phase (ratio = p99 / idle p99)`);
    console.log('phase'.padEnd(28) + 'panels'.padStart(7) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + 'max ms'.padStart(9) + 'heap MB'.padStart(9) + 'p99 ratio'.padStart(11));
    for (const p of phases) {
      console.log(
        p.phase.padEnd(28) + String(p.panels.length).padStart(7) + p.p50Ms.toFixed(2).padStart(9) + p.p99Ms.toFixed(2).padStart(9)
          + p.maxMs.toFixed(1).padStart(9) + String(p.heapMB).padStart(9) + `${(p.p99Ms / Math.max(idle.p99Ms, 0.01)).toFixed(2)}×`.padStart(11),
      );
    }
    const last = phases[phases.length - 1];
    console.log(`panels open in the last phase: ${last.panels.join(', ')}`);
    if (skipped.length) console.log(`not in this build (skipped): ${skipped.join(', ')}`);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

const secondsArg = process.argv.find((a) => a.startsWith('--seconds='));
runLoadBenchmark(secondsArg ? Number(secondsArg.slice('--seconds='.length)) : 15).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
