// The host's handle on the tagger comparison's own dist/worker.js instance (never the Training panel's worker, so a
// comparison and a training run never wait for each other). Started on the first comparison, terminated with the
// panel. One comparison at a time; its messages go to the listener given with it (a crash arrives as taggersFailed).
import { engineWorkers } from '../base/engineWorkers';
import { WorkerClient } from '../base/workerClient';
import type { EngineWorkers } from '../base/workerTransport';
import type { TaggerSettings } from '../shared/protocol/taggerComparison';
import type { HostToTaggersWorker, TaggersWorkerToHost } from '../shared/protocol/taggersWorker';

export class TaggersWorker {
  private readonly client: WorkerClient<HostToTaggersWorker, TaggersWorkerToHost>;
  /** The comparison whose messages are wanted; an earlier one's late messages are dropped by the client. */
  private current: string | undefined;

  constructor(workers: EngineWorkers) {
    this.client = new WorkerClient({
      start: workers.start({ name: 'sequence-lab-taggers' }),
      label: 'The tagger worker',
      newId: (n) => `t${n}`,
      requestOf: (m) => m.requestId,
      isAnswer: (m) => m.type === 'taggersResult' || m.type === 'taggersFailed',
    });
  }

  /** On the platform's engine worker (the entry's choice, src/base/engineWorkers.ts). */
  static forExtension(): TaggersWorker {
    return new TaggersWorker(engineWorkers());
  }

  /** Starts a comparison (stopping the one before); returns its request id. */
  compare(trainText: string, heldOutText: string | undefined, settings: TaggerSettings, listener: (m: TaggersWorkerToHost) => void): string {
    const before = this.current;
    if (before !== undefined) {
      this.client.post({ type: 'stopTaggers', requestId: before });
      this.client.cancel(before);
    }
    const { id, answer } = this.client.send(
      (requestId) => ({ type: 'compareTaggers', requestId, trainText, ...(heldOutText === undefined ? {} : { heldOutText }), settings }),
      ['taggersResult', 'taggersFailed'],
      { onEvent: listener },
    );
    this.current = id;
    answer.then(
      (m) => {
        if (this.current === id) this.current = undefined;
        listener(m);
      },
      (error: Error) => {
        // Cancelled by a newer comparison or by dispose: nobody waits for it any more.
        if (this.current !== id) return;
        this.current = undefined;
        listener({ type: 'taggersFailed', requestId: id, message: error.message });
      },
    );
    return id;
  }

  /** Asks the worker to stop the running comparison at its next RNN update (the result still arrives). */
  stop(): void {
    if (this.current !== undefined) this.client.post({ type: 'stopTaggers', requestId: this.current });
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  dispose(): void {
    this.current = undefined;
    this.client.dispose();
  }
}
