// The host's handle on the training worker: started lazily on first use, typed messages both ways,
// terminated on dispose. If the worker dies, every listener hears it once so runs can be marked failed.
// Stop, pause and dispose are also counted in a shared Int32 the worker polls inside a long update, so they act
// within a fraction of a second even while one update of a large model takes seconds (src/shared/stepInterrupt.ts).
import { WorkerClient } from '../base/workerClient';
import type { EngineWorkers } from '../base/workerTransport';
import { countInterrupt, createInterruptCounter, INTERRUPTING_REQUESTS, type TrainingWorkerData } from '../shared/stepInterrupt';
import type { HostToWorker, TaggedTextInference, TextInference, TextInferenceRequest, UnitSearchAnswer, UnitSearchRequest, WorkerToHost } from '../shared/protocol/trainingWorker';

/** The training channel's answers matched to their request by the client: a unit search's and a text inference's. */
type RequestMessage = Extract<WorkerToHost, { type: 'unitSearch' | 'unitSearchFailed' | 'unitSearchProgress' | 'textInference' | 'taggedText' | 'textInferenceFailed' }>;
const REQUEST_MESSAGES: ReadonlySet<string> = new Set<RequestMessage['type']>([
  'unitSearch', 'unitSearchFailed', 'unitSearchProgress', 'textInference', 'taggedText', 'textInferenceFailed',
]);

/**
 * The rest: a run's messages, for every listener of the service by run id (traces and text inference too: several
 * askers share one run's traces, each keeping the latest of its own; see src/panels/traceRequest.ts).
 */
export type RunMessage = Exclude<WorkerToHost, RequestMessage>;

export class TrainingWorker {
  private readonly client: WorkerClient<HostToWorker, WorkerToHost, number>;

  constructor(workers: EngineWorkers, onMessage: (message: RunMessage) => void, onExit: (reason: string) => void) {
    this.client = new WorkerClient({
      // Each worker gets its own count of interrupting requests, counted just before each one is posted (so the
      // worker never sees one uncounted). Without shared memory (a web page that is not cross-origin isolated) there
      // is no count: a stop or pause then acts at the end of the update in progress.
      start: (sink) => {
        const interrupts = workers.sharedMemory ? createInterruptCounter() : undefined;
        const workerData: TrainingWorkerData = interrupts ? { interrupts } : {};
        const transport = workers.start<HostToWorker, WorkerToHost>({ name: 'sequence-lab-training', workerData })(sink);
        return {
          post: (message, transfer) => {
            if (interrupts && INTERRUPTING_REQUESTS.has(message.type)) countInterrupt(interrupts);
            transport.post(message, transfer);
          },
          terminate: () => transport.terminate(),
        };
      },
      label: 'The training worker',
      newId: (n) => n,
      requestOf: (m) => (REQUEST_MESSAGES.has(m.type) ? (m as RequestMessage).requestId : undefined),
      isAnswer: (m) => m.type !== 'unitSearchProgress',
      failure: (m) => (m.type === 'unitSearchFailed' || m.type === 'textInferenceFailed' ? new Error(m.message) : undefined),
    });
    this.client.onDidReceive((m) => onMessage(m as RunMessage));
    this.client.onDidCrash(onExit);
  }

  post(message: HostToWorker): void {
    this.client.post(message);
  }

  /** Runs the run's current model over a slice of text (see src/worker/textInference.ts); rejects with the reason. */
  inferText(runId: string, request: TextInferenceRequest): Promise<TextInference> {
    return this.client.request((requestId) => ({ type: 'inferText', runId, requestId, ...request }), ['textInference']);
  }

  /** Tags a slice of a tagged run's file (see src/worker/tagText.ts); rejects with the reason. */
  tagText(runId: string, text: string): Promise<TaggedTextInference> {
    return this.client.request((requestId) => ({ type: 'tagText', runId, requestId, text }), ['taggedText']);
  }

  /**
   * Searches `request.text` with the run's current model (see src/worker/unitSearch.ts); `progress` hears the share
   * done. The answer rejects with the worker's message if the search fails, or if it is cancelled or the worker dies.
   */
  searchUnits(runId: string, request: UnitSearchRequest, progress: (share: number) => void): { id: number; answer: Promise<UnitSearchAnswer> } {
    return this.client.send(
      (requestId) => ({ type: 'searchUnits', runId, requestId, ...request }),
      ['unitSearch'],
      { onEvent: (m) => m.type === 'unitSearchProgress' && progress(m.share) },
    );
  }

  /** Ends search `id`: the worker drops it without an answer, and its promise rejects as cancelled at once. */
  cancelUnitSearch(runId: string, id: number): void {
    if (!this.client.isPending(id)) return;
    this.client.post({ type: 'cancelUnitSearch', runId, requestId: id });
    this.client.cancel(id);
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
