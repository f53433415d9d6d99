// Memory over a long run (issue #7): a TrainingRun of a small character model, as the worker runs it, for the number
// of progress posts and steps of one hour of training, its messages received as the extension host receives them
// (the run's StepHistory, the latest sample; checkpoints dropped as runPersistence would after writing them).
// The run's clock is simulated (each update "takes" --ms-per-step of it), so an hour of posts takes a minute or so.
// Prints heap and RSS at the start, middle and end (after a full GC: run with --expose-gc; `npm run bench --
// --only=memory` does) and the ratio end / start. Anything growing without bound shows as a ratio well above 1.
// Run: npm run bench -- --only=memory [--hours=1] [--ms-per-step=10]
import { DEFAULT_CONFIG, type TrainingConfig } from '../src/shared/trainingConfig';
import type { WorkerToHost } from '../src/shared/protocol/trainingWorker';
import { StepHistory } from '../src/training/stepHistory';
import { CharModel } from '../src/worker/charModel';
import { TrainingRun } from '../src/worker/trainingRun';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const hours = option('hours', 1);
const msPerStep = option('ms-per-step', 10);
/** The worker posts progress at most 10 times a second. */
const progressPosts = Math.round(hours * 3600 * 10);
const steps = Math.round((hours * 3600 * 1000) / msPerStep);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.log('(no global.gc: run node with --expose-gc for steady numbers)');

interface Reading {
  label: string;
  step: number;
  heapMB: number;
  /** ArrayBuffers (typed arrays such as the step history) live outside the JS heap. */
  buffersMB: number;
  rssMB: number;
}
const readings: Reading[] = [];
function read(label: string, step: number): void {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  readings.push({ label, step, heapMB: m.heapUsed / 2 ** 20, buffersMB: m.arrayBuffers / 2 ** 20, rssMB: m.rss / 2 ** 20 });
}

const text = 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness. '.repeat(50);
const config: TrainingConfig = { ...DEFAULT_CONFIG, hiddenSize: 16, seqLength: 16, steps: steps, sampleEvery: 500, sampleLength: 40, checkpointEvery: 100 };
const model = new CharModel(text, config);
let clock = 0;
const history = new StepHistory();
let latestSample = '';
let posts = 0;
let checkpoints = 0;
const marks = new Map([[Math.floor(steps * 0.05), 'start (5%)'], [Math.floor(steps / 2), 'middle'], [steps, 'end']]);

const started = performance.now();
const run = new TrainingRun('memory', model, config, (message: WorkerToHost) => {
  // The host's side: what TrainingService keeps per run.
  if (message.type === 'progress') {
    posts++;
    history.append(message);
    const last = message.firstStep + message.losses.length - 1;
    for (const [at, label] of marks) {
      if (last >= at) {
        marks.delete(at);
        read(label, last);
      }
    }
  } else if (message.type === 'sample') latestSample = message.text;
  else if (message.type === 'checkpoint') checkpoints++;
}, { now: () => (clock = model.stepCount * msPerStep) });

async function main(): Promise<void> {
  console.log(`memory over ${hours} h of training: ${steps.toLocaleString('en')} steps of a char RNN (H=16), progress at most every 100 ms of a simulated clock (${msPerStep} ms a step; one hour ≈ ${progressPosts.toLocaleString('en')} posts)`);
  await run.run();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${posts.toLocaleString('en')} progress posts, ${checkpoints} checkpoints, last sample ${JSON.stringify(latestSample.slice(0, 20))}…, simulated ${(clock / 3.6e6).toFixed(2)} h in ${seconds.toFixed(0)} s`);
  console.log(`host step history: ${history.retained.toLocaleString('en')} of ${history.steps.toLocaleString('en')} steps kept (capacity ${history.capacity.toLocaleString('en')})`);
  console.log('point         step        heap MB   buffers MB   RSS MB');
  for (const r of readings) console.log(`${r.label.padEnd(12)} ${String(r.step).padStart(9)}   ${r.heapMB.toFixed(1).padStart(8)}   ${r.buffersMB.toFixed(1).padStart(10)}   ${r.rssMB.toFixed(1).padStart(6)}`);
  const [first, , last] = readings;
  if (first && last) console.log(`end / start: heap ${(last.heapMB / first.heapMB).toFixed(2)}, RSS ${(last.rssMB / first.rssMB).toFixed(2)}`);
}

void main();
