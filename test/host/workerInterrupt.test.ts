// Issue #7: Stop and Pause act during one long update. The host's TrainingWorker counts them in a shared Int32 the
// worker polls between the time steps of an update; the update in progress is abandoned, changing nothing, so the
// stopped run's checkpoint is that of its last completed step, bit-equal to a run that simply took that many steps,
// and a paused run resumed goes on exactly as if never interrupted. Latency is printed, never asserted.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { decodeTrainerState } from '../../src/engine/trainerState';
import { TrainingWorker } from '../../src/training/trainingWorker';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

// The worker bundled as the build does, where TrainingWorker looks for it (<extension>/dist/worker.js).
const extensionPath = mkdtempSync(join(tmpdir(), 'seqlab-interrupt-'));
mkdirSync(join(extensionPath, 'dist'));
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: join(extensionPath, 'dist', 'worker.js'), logLevel: 'silent' });

const received: (WorkerToHost & { at: number })[] = [];
const waiters: (() => void)[] = [];
const exits: string[] = [];
const host = new TrainingWorker(nodeEngineWorkers(join(extensionPath, 'dist', 'worker.js')), (m) => {
  received.push({ ...m, at: Date.now() });
  for (const wake of waiters.splice(0)) wake();
}, (reason) => exits.push(reason));
after(() => host.dispose());

type Of<T extends WorkerToHost['type']> = Extract<WorkerToHost, { type: T }> & { at: number };

function all<T extends WorkerToHost['type']>(runId: string, type: T): Of<T>[] {
  return received.filter((m) => m.runId === runId && m.type === type) as Of<T>[];
}

/** The first message of `type` for the run that satisfies `accept` (already received or still to come). */
async function first<T extends WorkerToHost['type']>(runId: string, type: T, accept: (m: Of<T>) => boolean = () => true): Promise<Of<T>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const found = all(runId, type).find(accept);
    if (found) return found;
    if (exits.length > 0) throw new Error(`the worker exited: ${exits[0]}`);
    if (Date.now() > deadline) throw new Error(`no '${type}' for ${runId}`);
    await new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, 1000);
    });
  }
}

const lastStepOf = (m: Of<'progress'>) => m.firstStep + m.losses.length - 1;

// One update of this model takes most of a second (2 LSTM layers of 256 units over 160 characters).
const text = 'the cat sat on the mat. the dog sat on the log. a bird sang in the tree. '.repeat(30);
const long: TrainingConfig = { ...DEFAULT_CONFIG, cell: 'lstm', layers: 2, hiddenSize: 256, seqLength: 160, sampleEvery: 1_000_000, sampleLength: 10, checkpointEvery: 1_000_000 };

/** Trains `steps` updates uninterrupted and returns its final checkpoint. */
async function straightRun(runId: string, steps: number): Promise<Of<'checkpoint'>> {
  host.post({ type: 'train', runId, text, config: { ...long, steps: steps } });
  const finished = await first(runId, 'finished');
  assert.equal(finished.steps, steps);
  return all(runId, 'checkpoint').at(-1)!;
}

/** Same weights and same trainer state (optimiser moments, counters, carried h and c). */
function assertSameState(a: Of<'checkpoint'>, b: Of<'checkpoint'>, what: string): void {
  assert.equal(a.step, b.step, what);
  assert.deepEqual(a.model, b.model, `${what}: the weights are bit-equal`);
  assert.deepEqual(decodeTrainerState(a.state).state, decodeTrainerState(b.state).state, `${what}: optimiser state, counters and carried states are bit-equal`);
}

test('Stop during a long update: the run stops at its last completed step, and its checkpoint is exactly that state', { timeout: 300_000 }, async () => {
  host.post({ type: 'train', runId: 'stop', text, config: { ...long, steps: 1000 } });
  // The first step's progress is posted as the second update begins: stop it while it runs.
  const progress = await first('stop', 'progress');
  const completed = lastStepOf(progress);
  const sent = Date.now();
  host.post({ type: 'stop', runId: 'stop' });
  const finished = await first('stop', 'finished');
  console.log(`stop latency during a long update: ${finished.at - sent} ms`);
  assert.equal(finished.reason, 'stopped');
  assert.equal(finished.steps, completed, 'the update in progress was abandoned, not finished');
  assert.equal(all('stop', 'progress').reduce((n, m) => n + m.losses.length, 0), completed, 'no progress for the abandoned update');
  const checkpoint = all('stop', 'checkpoint').at(-1)!;
  assert.equal(checkpoint.step, completed);
  assertSameState(checkpoint, await straightRun('stop-reference', completed), 'stopped run vs a run of that many steps');
});

test('Pause during a long update, then resume: the run goes on exactly as one never interrupted', { timeout: 300_000 }, async () => {
  const total = 2;
  host.post({ type: 'train', runId: 'pause', text, config: { ...long, steps: total } });
  const progress = await first('pause', 'progress');
  const completed = lastStepOf(progress);
  const sent = Date.now();
  host.post({ type: 'pause', runId: 'pause' });
  const paused = await first('pause', 'paused');
  console.log(`pause latency during a long update: ${paused.at - sent} ms`);
  assert.equal(paused.step, completed, 'paused at the last completed step');
  assert.equal(all('pause', 'checkpoint').at(-1)!.step, completed, 'a checkpoint of the paused state');
  host.post({ type: 'resume', runId: 'pause' });
  const finished = await first('pause', 'finished');
  assert.equal(finished.reason, 'completed');
  assert.equal(finished.steps, total);
  const steps = all('pause', 'progress').flatMap((m) => Array.from(m.losses, (_, i) => m.firstStep + i));
  assert.deepEqual(steps, Array.from({ length: total }, (_, i) => i + 1), 'every step reported once');
  assertSameState(all('pause', 'checkpoint').at(-1)!, await straightRun('pause-reference', total), 'paused and resumed vs uninterrupted');
});
