// npm run bench -- --only=panels [--updates=50] [--panels=gates,unrolled,gradientFlow]
// Issue 4's panel update cost: each panel bundle opened in headless Chromium under its real page and CSP
// (test/webview/panelHarness.ts), sent the message the host sends for a 64-step × 128-unit window (bench/panels/
// messages.ts: a real char LSTM with H = 128), one update at a time. An update is what the user waits for: from
// postMessage until the last frame it draws is painted. A panel may spread an update over several frames (the
// Gradient Flow panel draws its window's charts, then its history in the frame after): the update lasts until the
// first frame in which the page ran no animation-frame callback of its own. For each update, in the page:
//   frame k work = time spent in frame k: its animation-frame callbacks, style, layout and paint (frame 1 also
//                  counts the message handler, which runs in a task just before it);
//   longest      = the largest frame work of the update: what must fit in the 16.7 ms frame budget;
//   latency      = postMessage → the last frame of the update painted (includes the waits for vsync).
// Prints p50/p95 per panel. Never a pass/fail: the machines are shared.
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { startPanelHarness } from '../../test/webview/panelHarness';
import { BENCH_SIZE, buildPanelMessages } from './messages';

const FRAME_MS = 1000 / 60;
const WARM_UP = 5;
/** At most this many frames are followed per update (a panel animating for longer is cut off there). */
const MAX_FRAMES = 4;
const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const updates = Number(option('updates') ?? 50);
const panels = option('panels')?.split(',');

interface Timing {
  /** Work in each frame of the update (ms), frame 1 including the message handler. */
  frames: number[];
  latency: number;
}

/** Runs in the page: posts each message as the host's webview.postMessage delivers it and times it (see the header). */
async function timeUpdates(input: { messages: unknown[]; maxFrames: number }): Promise<Timing[]> {
  type FrameCallback = (frameStart: number) => void;
  const w = globalThis as unknown as {
    addEventListener(t: 'message', f: () => void, o: { once: boolean }): void;
    postMessage(m: unknown, origin: string): void;
    requestAnimationFrame(f: FrameCallback): number;
    cancelAnimationFrame(id: number): void;
    setTimeout(f: () => void, ms: number): void;
    MessageChannel: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(m: unknown): void } };
    document: { body: { offsetHeight: number } };
  };
  // The page's own frame callbacks are counted: while one is pending, the update goes on into the next frame.
  const raf = w.requestAnimationFrame.bind(w);
  const caf = w.cancelAnimationFrame.bind(w);
  const pagePending = new Set<number>();
  w.requestAnimationFrame = (callback) => {
    const id = raf((t) => {
      pagePending.delete(id);
      callback(t);
    });
    pagePending.add(id);
    return id;
  };
  w.cancelAnimationFrame = (id) => {
    pagePending.delete(id);
    caf(id);
  };
  // A message posted from the last frame callback runs in the first task after that frame's rendering (style,
  // layout, paint): its time is when the frame was painted.
  const afterPaint = (then: () => void): void => {
    const channel = new w.MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.onmessage = null;
      then();
    };
    channel.port2.postMessage(0);
  };
  const timings: Timing[] = [];
  for (const message of input.messages) {
    timings.push(await new Promise<Timing>((resolve) => {
      let t0 = 0;
      let handled = 0;
      let done = false;
      const starts: number[] = [];
      const work: number[] = [];
      // Runs first in each frame (registered one frame ahead, before any page callback for that frame exists).
      const frameStart = (): void => {
        if (done) return;
        if (handled === 0) {
          raf(frameStart); // a frame that came before the message was handled is no part of the update
          return;
        }
        if (starts.length + 1 < input.maxFrames) raf(frameStart);
        starts.push(performance.now());
      };
      // Runs last in each frame (registered after the page's callbacks for that frame).
      const frameEnd = (): void => {
        void w.document.body.offsetHeight; // style + layout of what the frame changed
        const k = work.length;
        const more = pagePending.size > 0 && k + 1 < input.maxFrames;
        if (more) raf(frameEnd);
        afterPaint(() => {
          const painted = performance.now();
          work[k] = painted - starts[k] + (k === 0 ? handled - t0 : 0);
          if (more) return;
          done = true;
          resolve({ frames: work, latency: painted - t0 });
        });
      };
      // Listeners run in the order they were added: the panel's handler has just run.
      w.addEventListener('message', () => {
        handled = performance.now();
        raf(frameEnd);
      }, { once: true });
      raf(frameStart);
      t0 = performance.now();
      w.postMessage(message, '*');
    }));
    await new Promise<void>((resolve) => w.setTimeout(resolve, 0));
  }
  w.requestAnimationFrame = raf;
  w.cancelAnimationFrame = caf;
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
    // Each refresh differs from the one before (the panel skips drawing what did not change): a new history row, then
    // the common case while training, a refresh between two rows (only the window and the clipping buckets changed).
    { panel: 'gradientFlow', what: `gradient trace + history of ${BENCH_SIZE.trainSteps} rows, new row`, messages: Array.from({ length: n }, (_, i) => m.gradientsRefresh(i + 1, true)) },
    { panel: 'gradientFlow', what: 'the same, no new history row', messages: Array.from({ length: n }, (_, i) => m.gradientsRefresh(i + 1, false)) },
    { panel: 'training', what: 'progress batch of 100 steps', setup: m.trainingSetup, messages: Array.from({ length: n }, (_, i) => m.trainingProgress(101 + 100 * i)) },
    { panel: 'compare', what: '3 runs × 2000 points', messages: Array(n).fill(m.compare) },
  ].filter((p) => !panels || panels.includes(p.panel));
  const rows: string[][] = [];
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  for (const { panel, what, setup, messages } of plan) {
    const harness = await startPanelHarness(panel);
    try {
      const page = await harness.open();
      await waitReady(page);
      // tsx compiles this file with keepNames: timeUpdates calls its helper __name, which the page does not have.
      await page.evaluate('globalThis.__name = (f) => f');
      if (setup) await page.evaluate(timeUpdates, { messages: [setup], maxFrames: MAX_FRAMES });
      const timings = (await page.evaluate(timeUpdates, { messages, maxFrames: MAX_FRAMES })).slice(WARM_UP);
      if (harness.problems.length > 0) throw new Error(`${panel}: ${harness.problems.join('\n')}`);
      const frameCount = percentile(timings.map((t) => t.frames.length), 50);
      const longest = timings.map((t) => Math.max(...t.frames));
      const latency = timings.map((t) => t.latency);
      // Frame k's median over the updates that reached frame k.
      const perFrame = Array.from({ length: frameCount }, (_, k) => ms(percentile(timings.filter((t) => t.frames.length > k).map((t) => t.frames[k]), 50)));
      rows.push([
        panel, what, String(frameCount), perFrame.join(' + '), ms(percentile(longest, 50)), ms(percentile(longest, 95)),
        `${(percentile(longest, 95) / FRAME_MS).toFixed(2)}`, ms(percentile(latency, 50)), ms(percentile(latency, 95)),
      ]);
      console.log(`${panel}: done`);
    } finally {
      await harness.close();
    }
  }
  const header = ['panel', 'update', 'frames', 'work p50 per frame', 'longest p50', 'longest p95', 'p95 ÷ 16.7 ms', 'latency p50', 'latency p95'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`\n${updates} updates per panel after ${WARM_UP} warm-up ones. Work per frame = its frame callbacks, style, layout and paint`);
  console.log('(frame 1 also the message handler); longest = the longest frame of an update; latency = postMessage → last frame painted.');
  console.log(`(load average ${loadavg().map((x) => x.toFixed(1)).join(', ')}: on a shared machine the p95 mostly measures the neighbours)`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
