// Process faults (issue 7): the host's TrainingWorker when its worker thread dies mid-training. The thread is killed
// from outside (TrainingWorker.terminateForTest, i.e. Worker.terminate, as a crash or OOM kill would), never by a
// message asking it to exit. onExit fires exactly once with a reason; the next request starts a fresh worker.
// Bundles src/worker/worker.ts as the build does, as dist/worker.js under a temporary "extension path".
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { TrainingWorker } from '../../src/training/trainingWorker';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const extensionPath = mkdtempSync(join(tmpdir(), 'seqlab-faults-'));
mkdirSync(join(extensionPath, 'dist'));
esbuild.buildSync({
  entryPoints: ['src/worker/worker.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: join(extensionPath, 'dist', 'worker.js'),
  logLevel: 'silent',
});
after(() => rmSync(extensionPath, { recursive: true, force: true }));

const text = 'the cat sat on the mat. '.repeat(40);
const longRun = { ...DEFAULT_CONFIG, hiddenSize: 32, seqLength: 16, steps: 10_000_000 };
const shortRun = { ...DEFAULT_CONFIG, hiddenSize: 8, seqLength: 8, steps: 20, sampleEvery: 10, sampleLength: 10 };

/** A TrainingWorker with recorded messages and exits, and waits on them. */
function harness(path = extensionPath) {
  const messages: WorkerToHost[] = [];
  const exits: string[] = [];
  let wake: () => void = () => undefined;
  const host = new TrainingWorker(
    nodeEngineWorkers(join(path, 'dist', 'worker.js')),
    (m) => {
      messages.push(m);
      wake();
    },
    (reason) => {
      exits.push(reason);
      wake();
    },
  );
  async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
  const has = (runId: string, type: WorkerToHost['type']) => () => messages.some((m) => m.runId === runId && m.type === type);
  return { host, messages, exits, until, has };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

test('killing the worker mid-training fires onExit once with a reason; a new run starts a fresh worker', async () => {
  const { host, messages, exits, until, has } = harness();
  try {
    for (let round = 1; round <= 5; round++) {
      const runId = `killed-${round}`;
      host.post({ type: 'train', runId, text, config: longRun });
      await until(`${runId} progress`, has(runId, 'progress'));
      assert.equal(host.running, true);
      await host.terminateForTest();
      await until(`exit ${round}`, () => exits.length >= round);
      await settle(); // a second report would arrive by now
      assert.equal(exits.length, round, `round ${round}: onExit fired ${exits.length - round + 1} times`);
      assert.equal(exits[round - 1], 'The training worker stopped unexpectedly (exit code 1).');
      assert.equal(host.running, false);
      assert.ok(!messages.some((m) => m.runId === runId && m.type === 'finished'), 'a killed run does not pretend to finish');
    }
    // After five kills, a run still trains to completion on a fresh worker.
    host.post({ type: 'train', runId: 'after', text, config: shortRun });
    await until('after finished', has('after', 'finished'));
    const finished = messages.find((m) => m.runId === 'after' && m.type === 'finished');
    assert.ok(finished?.type === 'finished' && finished.reason === 'completed' && finished.steps === 20);
    assert.equal(exits.length, 5, 'no exit reported for the healthy run');
  } finally {
    host.dispose();
  }
});

test('dispose terminates the worker silently; posts after dispose are ignored', async () => {
  const { host, messages, exits, until, has } = harness();
  host.post({ type: 'train', runId: 'disposed', text, config: longRun });
  await until('progress', has('disposed', 'progress'));
  host.dispose();
  assert.equal(host.running, false);
  const count = messages.length;
  assert.doesNotThrow(() => host.post({ type: 'train', runId: 'late', text, config: shortRun }));
  assert.doesNotThrow(() => host.post({ type: 'stop', runId: 'disposed' }));
  assert.doesNotThrow(() => host.dispose(), 'dispose twice is harmless');
  await settle();
  assert.equal(host.running, false, 'no worker was started after dispose');
  assert.deepEqual(exits, [], 'a disposed worker does not report an unexpected exit');
  assert.ok(!messages.slice(count).some((m) => m.runId === 'late'), 'the late run never ran');
  assert.doesNotThrow(() => void host.terminateForTest());
});

test('a missing worker bundle is reported once, in words, and a later post tries again', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'seqlab-nobundle-'));
  const { host, exits, until } = harness(empty);
  try {
    host.post({ type: 'train', runId: 'nobundle', text, config: shortRun });
    await until('exit', () => exits.length >= 1);
    await settle();
    assert.equal(exits.length, 1);
    assert.match(exits[0], /^The training worker crashed: Cannot find module '.*worker\.js'/);
    host.post({ type: 'train', runId: 'nobundle-2', text, config: shortRun });
    await until('second exit', () => exits.length >= 2);
    assert.equal(host.running, false);
  } finally {
    host.dispose();
    rmSync(empty, { recursive: true, force: true });
  }
});
