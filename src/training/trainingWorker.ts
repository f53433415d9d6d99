// The host's handle on the training worker: started lazily on first use, typed messages both ways,
// terminated on dispose. If the worker dies, every listener hears it once so runs can be marked failed.
// Stop, pause and dispose are also counted in a shared Int32 the worker polls inside a long update, so they act
// within a fraction of a second even while one update of a large model takes seconds (src/shared/stepInterrupt.ts).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { countInterrupt, createInterruptCounter, INTERRUPTING_REQUESTS, type TrainingWorkerData } from '../shared/stepInterrupt';
import type { HostToWorker, WorkerToHost } from '../shared/protocol/trainingWorker';

export class TrainingWorker {
  private worker: Worker | undefined;
  /** The current worker's count of interrupting requests (a new worker gets a new counter). */
  private interrupts: SharedArrayBuffer | undefined;
  private disposed = false;

  constructor(
    private readonly extensionPath: string,
    private readonly onMessage: (message: WorkerToHost) => void,
    private readonly onExit: (reason: string) => void,
  ) {}

  post(message: HostToWorker): void {
    if (this.disposed) return;
    const worker = this.ensure();
    if (this.interrupts && INTERRUPTING_REQUESTS.has(message.type)) countInterrupt(this.interrupts);
    worker.postMessage(message);
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const interrupts = createInterruptCounter();
    const workerData: TrainingWorkerData = { interrupts };
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'worker.js'), { name: 'sequence-lab-training', workerData });
    this.interrupts = interrupts;
    worker.on('message', (message: WorkerToHost) => this.onMessage(message));
    worker.on('error', (error) => {
      // An 'exit' follows; forgetting the worker first makes that exit silent, so listeners hear this once.
      if (this.worker !== worker) return;
      this.forget(worker);
      if (!this.disposed) this.onExit(`The training worker crashed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.forget(worker);
      if (!this.disposed) this.onExit(`The training worker stopped unexpectedly (exit code ${code}).`);
    });
    this.worker = worker;
    return worker;
  }

  private forget(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
  }

  /**
   * Test seam: kills the current worker thread from outside, as a crash or an out-of-memory kill would, without
   * telling this object first. onExit then fires once, as for any unexpected exit; the next post starts a new worker.
   * Resolves when the thread has stopped.
   */
  async terminateForTest(): Promise<void> {
    await this.worker?.terminate();
  }

  dispose(): void {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}
