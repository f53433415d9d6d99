// The host's handle on the analysis worker: its own instance of dist/worker.js (so a long decoding never delays a
// training run, and the training channel stays as it is), started on first use. Each request gets a promise that
// settles with the worker's one answer; if the worker dies, every pending request is rejected with the reason.
import { engineWorkers } from '../base/engineWorkers';
import { WorkerClient } from '../base/workerClient';
import type { EngineWorkers } from '../base/workerTransport';
import { ANALYSIS_WORKER_HEAP_MB } from '../shared/analysisLimits';
import type { AnalysisWorkerToHost, GradientLabAnswer, TrainedGradientLabAnswer, HmmDecodeResult, HmmFitInput, HmmFitOptions, HmmFitResult, HmmModelSource, HmmSampleResult, HostToAnalysisWorker, MarkovOrdersResult, MarkovSurprisalResult } from '../shared/protocol/analysisWorker';

/** One progress report of a running fit: new log-likelihoods of `restart` from iteration `fromIteration` on. */
export type FitProgress = (restart: number, fromIteration: number, logLikelihoods: Float64Array) => void;

/** A running fit: `result` settles with the model, or undefined when it was cancelled. */
export interface FitHandle {
  result: Promise<HmmFitResult | undefined>;
  /** Asks the worker to stop after its current iteration (the result then settles with undefined). */
  cancel(): void;
}

/** A request the worker refused, with the user-facing reason. */
export class AnalysisError extends Error {}

/** The user cancelled the request (the worker was stopped). */
export class AnalysisCancelled extends Error {}

export class AnalysisWorker {
  private readonly client: WorkerClient<HostToAnalysisWorker, AnalysisWorkerToHost>;

  constructor(workers: EngineWorkers) {
    this.client = new WorkerClient({
      // A heap of its own: an analysis that outgrows it ends this worker with ERR_WORKER_OUT_OF_MEMORY (a message to
      // the user), never the extension host it shares the process with (the desktop only: a browser sets no limit).
      start: workers.start({ name: 'sequence-lab-analysis', heapMb: ANALYSIS_WORKER_HEAP_MB }),
      label: 'The analysis worker',
      newId: (n) => `a${n}`,
      requestOf: (m) => m.requestId,
      isAnswer: (m) => m.type !== 'hmmFitProgress',
      failure: (m) => (m.type === 'analysisFailed' ? new AnalysisError(m.message) : undefined),
    });
  }

  /** On the platform's engine worker (the entry's choice, src/base/engineWorkers.ts). */
  static forExtension(): AnalysisWorker {
    return new AnalysisWorker(engineWorkers());
  }

  /**
   * Scores `text`; `cancelled` (e.g. a progress notification's token) ends the computation at once: the model is
   * built in one synchronous pass, so the worker is stopped (every pending request is rejected with
   * AnalysisCancelled) and the next request starts a fresh one.
   */
  async markovSurprisal(text: string, order: number, cancelled?: { onCancellationRequested(listener: () => void): { dispose(): void } }): Promise<MarkovSurprisalResult> {
    let id = '';
    const subscription = cancelled?.onCancellationRequested(() => this.stop(id));
    const sent = this.client.send((requestId) => ({ type: 'markovSurprisal', requestId, text, order }), ['markovSurprisalResult']);
    id = sent.id;
    return sent.answer.finally(() => subscription?.dispose());
  }

  hmmDecode(text: string, source: HmmModelSource): Promise<HmmDecodeResult> {
    return this.client.request((requestId) => ({ type: 'hmmDecode', requestId, text, source }), ['hmmDecodeResult']);
  }

  markovOrders(text: string, unit: 'char' | 'word', seed: number, sampleLength: number): Promise<MarkovOrdersResult> {
    return this.client.request((requestId) => ({ type: 'markovOrders', requestId, text, unit, seed, sampleLength }), ['markovOrdersResult']);
  }

  /** Baum-Welch with restarts on `text`, reporting each restart's log-likelihoods as they come. */
  hmmFit(text: string, input: HmmFitInput, options: HmmFitOptions, progress: FitProgress): FitHandle {
    const { id: fitRequestId, answer } = this.client.send(
      (requestId) => ({ type: 'hmmFit', requestId, text, input, options }),
      ['hmmFitResult', 'hmmFitCancelled'],
      { onEvent: (m) => m.type === 'hmmFitProgress' && progress(m.restart, m.fromIteration, m.logLikelihoods) },
    );
    return {
      result: answer.then((m) => (m.type === 'hmmFitCancelled' ? undefined : m)),
      cancel: () => {
        if (this.client.isPending(fitRequestId) && this.client.running) {
          this.client.post({ type: 'hmmFitCancel', requestId: this.client.reserveId(), fitRequestId });
        }
      },
    };
  }

  hmmSample(modelText: string, length: number, seed: number): Promise<HmmSampleResult> {
    return this.client.request((requestId) => ({ type: 'hmmSample', requestId, modelText, length, seed }), ['hmmSampleResult']);
  }

  /** The columns of a CSV/TSV text as the worker's CSV reader reads them (undefined for a text with no rows). */
  async csvColumns(text: string): Promise<{ names: string[]; numericInFirstRow: boolean[] } | undefined> {
    const m = await this.client.request((requestId) => ({ type: 'csvColumns', requestId, text }), ['csvColumnsResult']);
    return m.names.length === 0 ? undefined : { names: m.names, numericInFirstRow: m.numericInFirstRow };
  }

  async markovSample(
    text: string,
    unit: 'char' | 'word',
    order: number,
    smoothing: 'add-alpha' | 'kneser-ney',
    seed: number,
    length: number,
  ): Promise<string> {
    const m = await this.client.request((requestId) => ({ type: 'markovSample', requestId, text, unit, order, smoothing, seed, length }), ['markovSampleResult']);
    return m.text;
  }

  /** The vanishing/exploding gradient lab at one spectral radius and sequence length (see src/worker/gradientLab.ts). */
  gradientLab(request: Omit<Extract<HostToAnalysisWorker, { type: 'gradientLab' }>, 'type' | 'requestId'>): Promise<GradientLabAnswer> {
    return this.client.request((requestId) => ({ type: 'gradientLab', requestId, ...request }), ['gradientLabResult']);
  }

  /** The lab's trained-weights mode on two runs' checkpoints (see src/worker/gradientLab.ts). */
  gradientLabTrained(request: Omit<Extract<HostToAnalysisWorker, { type: 'gradientLabTrained' }>, 'type' | 'requestId'>): Promise<TrainedGradientLabAnswer> {
    return this.client.request((requestId) => ({ type: 'gradientLabTrained', requestId, ...request }), ['gradientLabTrainedResult']);
  }

  /**
   * Stops the worker now: the cancelled request is rejected with AnalysisCancelled, any other pending one with a
   * message saying why; the next request starts a new worker.
   */
  private stop(cancelledId: string): void {
    if (!this.client.isPending(cancelledId)) return;
    this.client.restart((id) => (id === cancelledId
      ? new AnalysisCancelled('Cancelled.')
      : new AnalysisError('The analysis worker was restarted because another analysis was cancelled; run this one again.')));
  }

  dispose(): void {
    this.client.dispose();
  }
}
