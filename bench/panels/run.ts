// npm run bench -- --only=panels [--updates=50]
// Issue 4's panel update cost: each panel bundle opened in headless Chromium under its real page and CSP
// (test/webview/panelHarness.ts), sent the message the host sends for a 64-step × 128-unit window (bench/panels/
// messages.ts: a real char LSTM with H = 128), one update at a time. For each update, in the page:
//   latency = postMessage → the first animation frame after the panel's handler (after the panel's own frame callback,
//             with style and layout forced), so it includes the wait for the next vsync;
//   work    = the handler's time + the time inside that frame up to the end of style/layout: what the update costs.
// Prints p50/p95 of both per panel and work p95 ÷ the 16.7 ms frame budget. Never a pass/fail: the machines are shared.
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { startPanelHarness } from '../../test/webview/panelHarness';
import { BENCH_SIZE, buildPanelMessages } from './messages';

const FRAME_MS = 1000 / 60;
const WARM_UP = 5;
const args = process.argv.slice(2);
const updates = Number(args.find((a) => a.startsWith('--updates='))?.slice('--updates='.length) ?? 50);

interface Timing { latency: number; work: number }

/** Runs in the page: posts each message as the host's webview.postMessage delivers it and times it (see the header). */
async function timeUpdates(messages: unknown[]): Promise<Timing[]> {
  const w = globalThis as unknown as {
    addEventListener(t: 'message', f: () => void, o: { once: boolean }): void;
    postMessage(m: unknown, origin: string): void;
    requestAnimationFrame(f: (frameStart: number) => void): void;
    setTimeout(f: () => void, ms: number): void;
    document: { body: { offsetHeight: number } };
  };
  const timings: Timing[] = [];
  for (const message of messages) {
    timings.push(await new Promise<Timing>((resolve) => {
      let t0 = 0;
      // Listeners run in the order they were added: the panel's handler has just run. (Anonymous functions only:
      // tsx's keepNames helper does not exist in the page.)
      w.addEventListener('message', () => {
        const handled = performance.now();
        // Registered after any frame callback the handler scheduled (coalesceToFrame), so it runs after the draw.
        w.requestAnimationFrame((frameStart) => {
          void w.document.body.offsetHeight; // style + layout of what the update changed
          const end = performance.now();
          resolve({ latency: end - t0, work: handled - t0 + (end - Math.max(frameStart, handled)) });
        });
      }, { once: true });
      t0 = performance.now();
      w.postMessage(message, '*');
    }));
    await new Promise<void>((resolve) => w.setTimeout(resolve, 0)); // let the frame paint before the next update
  }
  return timings;
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.some((m) => m.type === 'ready'));
}

async function main(): Promise<void> {
  console.log(`Building the messages on a char LSTM, H=${BENCH_SIZE.hidden}, window ${BENCH_SIZE.steps} steps…`);
  const m = await buildPanelMessages(BENCH_SIZE);
  const n = WARM_UP + updates;
  const plan: { panel: string; what: string; setup?: object; messages: object[] }[] = [
    { panel: 'gates', what: `activation trace, LSTM i,f,g,o,c,h, T=${BENCH_SIZE.steps} × H=${BENCH_SIZE.hidden}`, messages: Array(n).fill(m.gates) },
    { panel: 'unrolled', what: 'the same trace', messages: Array(n).fill(m.gates) },
    { panel: 'gradients', what: `gradient trace + history of ${BENCH_SIZE.trainSteps} rows`, messages: Array(n).fill(m.gradients) },
    { panel: 'training', what: 'progress batch of 100 steps', setup: m.trainingSetup, messages: Array.from({ length: n }, (_, i) => m.trainingProgress(101 + 100 * i)) },
    { panel: 'compare', what: '3 runs × 2000 points', messages: Array(n).fill(m.compare) },
  ];
  const rows: string[][] = [];
  for (const { panel, what, setup, messages } of plan) {
    const harness = await startPanelHarness(panel);
    try {
      const page = await harness.open();
      await waitReady(page);
      if (setup) await page.evaluate(timeUpdates, [setup]);
      const timings = (await page.evaluate(timeUpdates, messages)).slice(WARM_UP);
      if (harness.problems.length > 0) throw new Error(`${panel}: ${harness.problems.join('\n')}`);
      const work = timings.map((t) => t.work);
      const latency = timings.map((t) => t.latency);
      const ms = (x: number): string => `${x.toFixed(1)} ms`;
      rows.push([panel, what, ms(percentile(work, 50)), ms(percentile(work, 95)), `${(percentile(work, 95) / FRAME_MS).toFixed(2)}`, ms(percentile(latency, 50)), ms(percentile(latency, 95))]);
      console.log(`${panel}: done`);
    } finally {
      await harness.close();
    }
  }
  const header = ['panel', 'update', 'work p50', 'work p95', 'p95 ÷ 16.7 ms', 'latency p50', 'latency p95'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`\n${updates} updates per panel after ${WARM_UP} warm-up ones; work = handler + frame up to style/layout; latency includes the wait for vsync`);
  console.log(`(load average ${loadavg().map((x) => x.toFixed(1)).join(', ')}: on a shared machine the p95 mostly measures the neighbours)`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
