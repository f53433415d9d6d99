// A real training worker for host-level tests: the worker bundled as the build does, run in a worker_threads
// Worker, with every message it sends kept so a test can wait for the next one of a type for a run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import type { HostToWorker, WorkerToHost } from '../../src/shared/protocol/trainingWorker';

export interface TrainingWorkerHarness {
  /** Every message the worker has sent, in order. */
  received: WorkerToHost[];
  send(message: HostToWorker): void;
  /** The first message of `type` for `runId` (already received, or the next one to arrive). */
  next<T extends WorkerToHost['type']>(runId: string, type: T, timeoutMs?: number): Promise<Extract<WorkerToHost, { type: T }>>;
  /** The first message (already received, or the next to arrive) that `match` accepts. */
  waitFor(match: (m: WorkerToHost) => boolean, timeoutMs?: number): Promise<WorkerToHost>;
}

/** Starts the worker for the calling test file (with `workerData`, e.g. TrainingWorkerData); terminated after the file's tests. */
export function startTrainingWorker(defaultTimeoutMs = 20_000, workerData?: unknown): TrainingWorkerHarness {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-worker-'));
  const bundle = join(dir, 'worker.js');
  // As dist/ holds them: the worker starts a run's data-parallel threads from shardWorker.js next to itself.
  esbuild.buildSync({
    entryPoints: { worker: 'src/worker/worker.ts', shardWorker: 'src/parallel/shardWorker.ts' }, bundle: true, platform: 'node', format: 'cjs', outdir: dir, logLevel: 'silent',
  });
  const worker = new Worker(bundle, { workerData });
  after(() => worker.terminate());

  const received: WorkerToHost[] = [];
  const waiters: { match: (m: WorkerToHost) => boolean; resolve: (m: WorkerToHost) => void }[] = [];
  worker.on('message', (m: WorkerToHost) => {
    received.push(m);
    for (const w of waiters.splice(0)) {
      if (w.match(m)) w.resolve(m);
      else waiters.push(w);
    }
  });

  function waitFor(match: (m: WorkerToHost) => boolean, timeoutMs = defaultTimeoutMs, what = 'the awaited message'): Promise<WorkerToHost> {
    const seen = received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<WorkerToHost>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  function next<T extends WorkerToHost['type']>(runId: string, type: T, timeoutMs = defaultTimeoutMs) {
    type M = Extract<WorkerToHost, { type: T }>;
    return waitFor((m) => m.runId === runId && m.type === type, timeoutMs, `'${type}' for ${runId}`) as Promise<M>;
  }

  return { received, send: (m) => worker.postMessage(m), next, waitFor: (match, timeoutMs) => waitFor(match, timeoutMs) };
}
