// The host's handle on the tagger comparison's own dist/worker.js instance (never the Training panel's worker, so a
// comparison and a training run never wait for each other). Started on the first comparison, terminated with the
// panel. One comparison at a time; its messages go to the listener given with it.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TaggerSettings } from '../shared/protocol/taggerComparison';
import type { HostToTaggersWorker, TaggersWorkerToHost } from '../shared/protocol/taggersWorker';

export class TaggersWorker {
  private worker: Worker | undefined;
  private current: { requestId: string; listener: (m: TaggersWorkerToHost) => void } | undefined;
  private nextId = 1;

  constructor(private readonly workerPath: string) {}

  static forExtension(extensionPath: string): TaggersWorker {
    return new TaggersWorker(path.join(extensionPath, 'dist', 'worker.js'));
  }

  /** Starts a comparison (stopping the one before); returns its request id. */
  compare(trainText: string, heldOutText: string | undefined, settings: TaggerSettings, listener: (m: TaggersWorkerToHost) => void): string {
    if (this.current) this.post({ type: 'stopTaggers', requestId: this.current.requestId });
    const requestId = `t${this.nextId++}`;
    this.current = { requestId, listener };
    this.post({ type: 'compareTaggers', requestId, trainText, heldOutText, settings });
    return requestId;
  }

  /** Asks the worker to stop the running comparison at its next RNN update (the result still arrives). */
  stop(): void {
    if (this.current) this.post({ type: 'stopTaggers', requestId: this.current.requestId });
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  private post(message: HostToTaggersWorker): void {
    this.ensure().postMessage(message);
  }

  private receive(m: TaggersWorkerToHost): void {
    const current = this.current;
    if (!current || m.requestId !== current.requestId) return;
    if (m.type === 'taggersResult' || m.type === 'taggersFailed') this.current = undefined;
    current.listener(m);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { name: 'sequence-lab-taggers' });
    worker.on('message', (m: TaggersWorkerToHost) => this.receive(m));
    worker.on('error', (error) => this.fail(worker, `The tagger worker crashed: ${error.message}`));
    worker.on('exit', (code) => this.fail(worker, `The tagger worker stopped unexpectedly (exit code ${code}).`));
    this.worker = worker;
    return worker;
  }

  private fail(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const current = this.current;
    this.current = undefined;
    if (current) current.listener({ type: 'taggersFailed', requestId: current.requestId, message });
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.current = undefined;
    void worker?.terminate();
  }
}
