// The host's handle on the training worker: started lazily on first use, typed messages both ways,
// terminated on dispose. If the worker dies, every listener hears it once so runs can be marked failed.
// Stop, pause and dispose are also counted in a shared Int32 the worker polls inside a long update, so they act
// within a fraction of a second even while one update of a large model takes seconds (src/shared/stepInterrupt.ts).
import * as path from 'node:path';
import { nodeWorker } from '../base/nodeWorkerTransport';
import { WorkerClient } from '../base/workerClient';
import { countInterrupt, createInterruptCounter, INTERRUPTING_REQUESTS, type TrainingWorkerData } from '../shared/stepInterrupt';
import type { HostToWorker, WorkerToHost } from '../shared/workerProtocol';

export class TrainingWorker {
  private readonly client: WorkerClient<HostToWorker, WorkerToHost, number>;

  constructor(extensionPath: string, onMessage: (message: WorkerToHost) => void, onExit: (reason: string) => void) {
    const script = path.join(extensionPath, 'dist', 'worker.js');
    this.client = new WorkerClient({
      // Each worker gets its own count of interrupting requests, counted just before each one is posted (so the
      // worker never sees one uncounted).
      start: (sink) => {
        const interrupts = createInterruptCounter();
        const workerData: TrainingWorkerData = { interrupts };
        const transport = nodeWorker<HostToWorker, WorkerToHost>(script, { name: 'sequence-lab-training', workerData })(sink);
        return {
          post: (message, transfer) => {
            if (INTERRUPTING_REQUESTS.has(message.type)) countInterrupt(interrupts);
            transport.post(message, transfer);
          },
          terminate: () => transport.terminate(),
        };
      },
      label: 'The training worker',
      newId: (n) => n,
      // The training channel has no requests of the client's: runs and their traces are answered by run id, to every
      // listener of the service (src/training/trainingService.ts).
      requestOf: () => undefined,
      isAnswer: () => true,
    });
    this.client.onDidReceive(onMessage);
    this.client.onDidCrash(onExit);
  }

  post(message: HostToWorker): void {
    this.client.post(message);
  }

  get running(): boolean {
    return this.client.running;
  }

  /**
   * Test seam: kills the current worker thread from outside, as a crash or an out-of-memory kill would, without
   * telling this object first. onExit then fires once, as for any unexpected exit; the next post starts a new worker.
   * Resolves when the thread has stopped.
   */
  terminateForTest(): Promise<void> {
    return this.client.killForTest();
  }

  dispose(): void {
    this.client.dispose();
  }
}
