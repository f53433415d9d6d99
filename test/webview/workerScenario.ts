// One scenario of the host's worker client over a worker transport, run unchanged against both: the desktop's
// worker thread (nodeWorkerTransport) in Node, and the web's Web Worker (webWorkerTransport) in headless Chromium
// (bundled into a page by engineWorkerTransports.test.ts). Only the start function differs.
import { WorkerClient, WorkerCrashed } from '../../src/base/workerClient';
import type { StartWorker } from '../../src/base/workerTransport';
import type { HostToWorker, WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import type { TrainingConfig } from '../../src/shared/trainingConfig';

export interface TrainingOutcome {
  vocabSize: number;
  /** Threads each update ran on, and why one where the run could have used more ('started'). */
  threads: number;
  oneThreadReason?: string;
  /** Every step's loss, in step order, as the progress batches brought them. */
  losses: number[];
  finished: { reason: string; steps: number };
  /** Training throughput as the worker measured it, over every progress batch (weighted by its steps). */
  charsPerSecond: number;
  /** What the worker answered to a train request whose settings are out of range. */
  refused: string;
}

function trainingClient(start: StartWorker<HostToWorker, WorkerToHost>) {
  return new WorkerClient<HostToWorker, WorkerToHost, number>({
    start, label: 'The training worker', newId: (n) => n, requestOf: () => undefined, isAnswer: () => true,
  });
}

/** Trains `config` on `text` to its end through a client on `start`, then sends one out-of-range request. */
export async function trainThrough(start: StartWorker<HostToWorker, WorkerToHost>, text: string, config: TrainingConfig, timeoutMs: number): Promise<TrainingOutcome> {
  const client = trainingClient(start);
  try {
    const losses: number[] = [];
    let weighted = 0;
    let vocabSize = 0;
    let threads = 0;
    let oneThreadReason: string | undefined;
    const done = new Promise<{ reason: string; steps: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no 'finished' within ${timeoutMs} ms (${losses.length} steps arrived)`)), timeoutMs);
      client.onDidCrash((reason) => reject(new Error(reason)));
      client.onDidReceive((m) => {
        if (m.runId !== 'run') return;
        if (m.type === 'started') ({ vocabSize, threads, oneThreadReason } = m);
        if (m.type === 'progress') {
          for (let i = 0; i < m.losses.length; i++) losses[m.firstStep - 1 + i] = m.losses[i];
          weighted += m.charsPerSecond * m.losses.length;
        }
        if (m.type === 'failed') reject(new Error(m.message));
        if (m.type === 'finished') {
          clearTimeout(timer);
          resolve({ reason: m.reason, steps: m.steps });
        }
      });
    });
    client.post({ type: 'train', runId: 'run', text, config });
    const finished = await done;
    const refusal = new Promise<string>((resolve) => client.onDidReceive((m) => m.runId === 'bad' && m.type === 'failed' && resolve(m.message)));
    client.post({ type: 'train', runId: 'bad', text, config: { ...config, hiddenSize: -3 } });
    return { vocabSize, threads, oneThreadReason, losses, finished, charsPerSecond: weighted / losses.length, refused: await refusal };
  } finally {
    client.dispose();
  }
}

/** Starts a run that would take minutes, stops it once its first steps arrived: how it ended, and how long that took. */
export async function stopThrough(start: StartWorker<HostToWorker, WorkerToHost>, text: string, config: TrainingConfig): Promise<{ reason: string; firstSteps: number; stopMs: number }> {
  const client = trainingClient(start);
  try {
    let firstSteps = 0;
    let stoppedAt = 0;
    const finished = new Promise<string>((resolve, reject) => {
      client.onDidCrash((reason) => reject(new Error(reason)));
      client.onDidReceive((m) => {
        if (m.runId !== 'long') return;
        if (m.type === 'progress' && stoppedAt === 0) {
          firstSteps = m.firstStep + m.losses.length - 1;
          stoppedAt = Date.now();
          client.post({ type: 'stop', runId: 'long' });
        }
        if (m.type === 'finished') resolve(m.reason);
      });
    });
    client.post({ type: 'train', runId: 'long', text, config: { ...config, steps: 1_000_000 } });
    const reason = await finished;
    return { reason, firstSteps, stopMs: Date.now() - stoppedAt };
  } finally {
    client.dispose();
  }
}

/** A worker whose script is not there: what the pending request is rejected with (the client's crash handling). */
export async function crashThrough(start: StartWorker<HostToWorker, WorkerToHost>): Promise<{ crashed: boolean; message: string }> {
  const client = new WorkerClient<HostToWorker, WorkerToHost, number>({
    start, label: 'The training worker', newId: (n) => n,
    requestOf: (m) => ('requestId' in m ? m.requestId : undefined), isAnswer: () => true,
  });
  try {
    await client.request((requestId) => ({ type: 'tagText', runId: 'none', requestId, text: 'abc' }), ['taggedText']);
    return { crashed: false, message: 'answered' };
  } catch (error) {
    return { crashed: error instanceof WorkerCrashed, message: error instanceof Error ? error.message : String(error) };
  } finally {
    client.dispose();
  }
}
