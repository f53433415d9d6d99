// The host's handle on the analysis worker: its own instance of dist/worker.js (so a long decoding never delays a
// training run, and the training channel stays as it is), started on first use. Each request gets a promise that
// settles with the worker's one answer; if the worker dies, every pending request is rejected with the reason.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ANALYSIS_WORKER_HEAP_MB } from '../shared/analysisLimits';
import { createDispatcher } from '../shared/messages';
import type { AnalysisWorkerToHost, GradientLabAnswer, TrainedGradientLabAnswer, HmmDecodeResult, HmmFitInput, HmmFitOptions, HmmFitResult, HmmModelSource, HmmSampleResult, HostToAnalysisWorker, MarkovOrdersResult, MarkovSurprisalResult } from '../shared/protocol/analysisWorker';

interface Pending {
  resolve: (message: AnalysisWorkerToHost) => void;
  reject: (error: Error) => void;
  /** A fit's progress messages (they do not settle the request). */
  progress?: (restart: number, fromIteration: number, logLikelihoods: Float64Array) => void;
}

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
  private worker: Worker | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(private readonly workerPath: string) {}

  static forExtension(extensionPath: string): AnalysisWorker {
    return new AnalysisWorker(path.join(extensionPath, 'dist', 'worker.js'));
  }

  /**
   * Scores `text`; `cancelled` (e.g. a progress notification's token) ends the computation at once: the model is
   * built in one synchronous pass, so the worker is stopped (every pending request is rejected with
   * AnalysisCancelled) and the next request starts a fresh one.
   */
  async markovSurprisal(text: string, order: number, cancelled?: { onCancellationRequested(listener: () => void): { dispose(): void } }): Promise<MarkovSurprisalResult> {
    let id = '';
    const subscription = cancelled?.onCancellationRequested(() => this.stop(id));
    const m = await this.request((requestId) => {
      id = requestId;
      return { type: 'markovSurprisal', requestId, text, order };
    }).finally(() => subscription?.dispose());
    if (m.type !== 'markovSurprisalResult') throw new Error(`unexpected answer ${m.type}`);
    return m;
  }

  async hmmDecode(text: string, source: HmmModelSource): Promise<HmmDecodeResult> {
    const m = await this.request((requestId) => ({ type: 'hmmDecode', requestId, text, source }));
    if (m.type !== 'hmmDecodeResult') throw new Error(`unexpected answer ${m.type}`);
    return m;
  }

  async markovOrders(text: string, unit: 'char' | 'word', seed: number, sampleLength: number): Promise<MarkovOrdersResult> {
    const m = await this.request((requestId) => ({ type: 'markovOrders', requestId, text, unit, seed, sampleLength }));
    if (m.type !== 'markovOrdersResult') throw new Error(`unexpected answer ${m.type}`);
    return m;
  }

  /** Baum-Welch with restarts on `text`, reporting each restart's log-likelihoods as they come. */
  hmmFit(text: string, input: HmmFitInput, options: HmmFitOptions, progress: FitProgress): FitHandle {
    let fitRequestId = '';
    const result = this.request(
      (requestId) => {
        fitRequestId = requestId;
        return { type: 'hmmFit', requestId, text, input, options };
      },
      progress,
    ).then((m) => {
      if (m.type === 'hmmFitCancelled') return undefined;
      if (m.type !== 'hmmFitResult') throw new Error(`unexpected answer ${m.type}`);
      return m;
    });
    return {
      result,
      cancel: () => {
        if (fitRequestId && this.pending.has(fitRequestId) && this.worker) {
          this.worker.postMessage({ type: 'hmmFitCancel', requestId: `a${this.nextId++}`, fitRequestId } satisfies HostToAnalysisWorker);
        }
      },
    };
  }

  async hmmSample(modelText: string, length: number, seed: number): Promise<HmmSampleResult> {
    const m = await this.request((requestId) => ({ type: 'hmmSample', requestId, modelText, length, seed }));
    if (m.type !== 'hmmSampleResult') throw new Error(`unexpected answer ${m.type}`);
    return m;
  }

  /** The columns of a CSV/TSV text as the worker's CSV reader reads them (undefined for a text with no rows). */
  async csvColumns(text: string): Promise<{ names: string[]; numericInFirstRow: boolean[] } | undefined> {
    const m = await this.request((requestId) => ({ type: 'csvColumns', requestId, text }));
    if (m.type !== 'csvColumnsResult') throw new Error(`unexpected answer ${m.type}`);
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
    const m = await this.request((requestId) => ({ type: 'markovSample', requestId, text, unit, order, smoothing, seed, length }));
    if (m.type !== 'markovSampleResult') throw new Error(`unexpected answer ${m.type}`);
    return m.text;
  }

  /** The vanishing/exploding gradient lab at one spectral radius and sequence length (see src/worker/gradientLab.ts). */
  async gradientLab(request: Omit<Extract<HostToAnalysisWorker, { type: 'gradientLab' }>, 'type' | 'requestId'>): Promise<GradientLabAnswer> {
    const m = await this.request((requestId) => ({ type: 'gradientLab', requestId, ...request }));
    if (m.type !== 'gradientLabResult') throw new Error(`unexpected answer ${m.type}`);
    return m;
  }

  /** The lab's trained-weights mode on two runs' checkpoints (see src/worker/gradientLab.ts). */
  async gradientLabTrained(request: Omit<Extract<HostToAnalysisWorker, { type: 'gradientLabTrained' }>, 'type' | 'requestId'>): Promise<TrainedGradientLabAnswer> {
    const m = await this.request((requestId) => ({ type: 'gradientLabTrained', requestId, ...request }));
    if (m.type !== 'gradientLabTrainedResult') throw new Error(`unexpected answer ${m.type}`);
    return m;
  }

  private request(make: (requestId: string) => HostToAnalysisWorker, progress?: FitProgress): Promise<AnalysisWorkerToHost> {
    if (this.disposed) return Promise.reject(new Error('The analysis worker was shut down.'));
    const requestId = `a${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, progress });
      this.ensure().postMessage(make(requestId));
    });
  }

  private settle(requestId: string, action: (p: Pending) => void): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    action(p);
  }

  private readonly dispatch = createDispatcher<AnalysisWorkerToHost>({
    markovSurprisalResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    hmmDecodeResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    markovOrdersResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    hmmFitProgress: (m) => this.pending.get(m.requestId)?.progress?.(m.restart, m.fromIteration, m.logLikelihoods),
    hmmFitResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    hmmFitCancelled: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    hmmSampleResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    csvColumnsResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    markovSampleResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    gradientLabResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    gradientLabTrainedResult: (m) => this.settle(m.requestId, (p) => p.resolve(m)),
    analysisFailed: (m) => this.settle(m.requestId, (p) => p.reject(new AnalysisError(m.message))),
  });

  private ensure(): Worker {
    if (this.worker) return this.worker;
    // A heap of its own: an analysis that outgrows it ends this worker with ERR_WORKER_OUT_OF_MEMORY (a message to
    // the user), never the extension host it shares the process with.
    const worker = new Worker(this.workerPath, { name: 'sequence-lab-analysis', resourceLimits: { maxOldGenerationSizeMb: ANALYSIS_WORKER_HEAP_MB } });
    worker.on('message', (message: AnalysisWorkerToHost) => void this.dispatch(message));
    worker.on('error', (error) => this.fail(worker, `The analysis worker crashed: ${error.message}`));
    worker.on('exit', (code) => this.fail(worker, `The analysis worker stopped unexpectedly (exit code ${code}).`));
    this.worker = worker;
    return worker;
  }

  private fail(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const [id, p] of [...this.pending]) {
      this.pending.delete(id);
      p.reject(new Error(reason));
    }
  }

  /**
   * Stops the worker now: the cancelled request is rejected with AnalysisCancelled, any other pending one with a
   * message saying why; the next request starts a new worker.
   */
  private stop(cancelledId: string): void {
    if (!this.pending.has(cancelledId)) return;
    const worker = this.worker;
    this.worker = undefined;
    for (const [id, p] of this.pending) {
      p.reject(id === cancelledId ? new AnalysisCancelled('Cancelled.') : new AnalysisError('The analysis worker was restarted because another analysis was cancelled; run this one again.'));
    }
    this.pending.clear();
    void worker?.terminate();
  }

  dispose(): void {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Error('The analysis worker was shut down.'));
    this.pending.clear();
    void worker?.terminate();
  }
}
