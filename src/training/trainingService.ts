// Owns the runs of this window and the worker that trains them. Everything the UI shows about a run
// (Runs tree, status bar, Training panel) comes from the events fired here.
import { maxVocabulary } from '../base/settings';
import { modelsToRelease } from './modelRelease';
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import type { HeldOutInfo, HeldOutPoint, RunFault, RunInfo, StepBatch, TextSample } from '../shared/run';
import { modelLabel, validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';
import type { ActivationTrace, GradientTrace, RecurrenceAt } from '../shared/protocol/traces';
import type { HostToWorker, TaggedTextInference, TextInference, TextInferenceRequest, UnitSearchAnswer, UnitSearchRequest } from '../shared/protocol/trainingWorker';
import { StepHistory } from './stepHistory';
import { type RunMessage, TrainingWorker } from './trainingWorker';
import type { EngineWorkers } from '../base/workerTransport';

export interface RunRecord {
  info: RunInfo;
  history: StepHistory;
  latestSample?: TextSample;
  /** Held-out scores in step order (thinned to at most MAX_HELD_OUT_POINTS: every second one goes when full). */
  heldOut?: HeldOutPoint[];
}

/** A run keeps at most this many held-out points in memory (the worker scores at most ~4 a second). */
export const MAX_HELD_OUT_POINTS = 1000;

/** Appends `point` (dropping points at or after its step: a resumed run scores its steps again), thinning when full. */
export function appendHeldOutPoint(points: HeldOutPoint[], point: HeldOutPoint, max = MAX_HELD_OUT_POINTS): void {
  while (points.length > 0 && points[points.length - 1].step >= point.step) points.pop();
  points.push(point);
  if (points.length > max) {
    // Keep the first and every second one after it; the newest is always kept.
    const kept = points.filter((_, i) => i % 2 === 0 || i === points.length - 1);
    points.length = 0;
    points.push(...kept);
  }
}

/** A run the worker still holds and can go on with (a paused run counts: it can be resumed or stopped). */
const ACTIVE: ReadonlySet<RunInfo['status']> = new Set(['starting', 'training', 'paused']);

export function isActive(info: RunInfo): boolean {
  return ACTIVE.has(info.status);
}

/** A checkpoint the worker posted: model.safetensors and trainer-state.safetensors bytes after `step` updates. */
export interface CheckpointEvent {
  run: RunRecord;
  step: number;
  model: Uint8Array;
  state: Uint8Array;
}

/** The answer to one traceGradients/traceActivations request: the trace, or why there is none. */
export type TraceAnswer<T> = { runId: string; requestId: number; trace: T } | { runId: string; requestId: number; error: string };

/** A run to go on from a checkpoint (no `state`: weights only, a fresh optimiser at step 0). */
export interface StartFromCheckpointOptions {
  fileLabel: string;
  text: string;
  config: TrainingConfig;
  model: Uint8Array;
  state?: Uint8Array;
  /** Wait paused at the checkpoint's step instead of training. */
  startPaused?: boolean;
  /** The split the stored run recorded (absent: trained before runs held data out); see protocol/trainingWorker.ts `restore`. */
  heldOut?: Pick<HeldOutInfo, 'description' | 'trainCount' | 'heldOutCount'>;
}

/** The settings a paused run may change before it resumes (the optimiser's state is kept). */
export type RunReconfiguration = Partial<Pick<TrainingConfig, 'learningRate' | 'clip'>>;

export class TrainingService implements vscode.Disposable {
  private readonly runs = new Map<string, RunRecord>();
  private readonly worker: TrainingWorker;
  private nextId = 1;

  private readonly changed = new vscode.EventEmitter<RunRecord>();
  private readonly progressed = new vscode.EventEmitter<{ run: RunRecord; batch: StepBatch }>();
  private readonly sampled = new vscode.EventEmitter<{ run: RunRecord; sample: TextSample }>();
  private readonly heldOutScored = new vscode.EventEmitter<{ run: RunRecord; point: HeldOutPoint }>();
  /** The worker scored a run's held-out part. */
  readonly onDidScoreHeldOut = this.heldOutScored.event;
  /** A run was added or its status/info changed. */
  readonly onDidChangeRun = this.changed.event;
  readonly onDidProgress = this.progressed.event;
  readonly onDidSample = this.sampled.event;
  private readonly traced = new vscode.EventEmitter<TraceAnswer<GradientTrace>>();
  /** A gradient trace (or why there is none) for a run, answering the traceGradients call that returned `requestId`. */
  readonly onDidTrace = this.traced.event;
  private readonly activationsTraced = new vscode.EventEmitter<TraceAnswer<ActivationTrace>>();
  /** An activation trace (gates, c, h; or why there is none), answering the traceActivations call that returned `requestId`. */
  readonly onDidTraceActivations = this.activationsTraced.event;
  /** The id of the next traceGradients/traceActivations request (one counter: ids are unique across panels and runs). */
  private nextTraceRequestId = 1;
  private readonly checkpointed = new vscode.EventEmitter<CheckpointEvent>();
  /** The worker saved a run's state: every checkpointEvery steps, on pause, stop, completion and before a NaN/Inf. */
  readonly onDidCheckpoint = this.checkpointed.event;
  private readonly faulted = new vscode.EventEmitter<{ run: RunRecord; fault: RunFault }>();
  /** A NaN/Inf paused a run at its last good state (the run's info.fault says where). */
  readonly onDidFault = this.faulted.event;

  private readonly released = new Set<string>();

  /** `workers`: the platform's engine worker (src/base/engineWorkers.ts), started on the first training request. */
  constructor(workers: EngineWorkers) {
    this.worker = new TrainingWorker(
      workers,
      (message) => void this.dispatch(message),
      (reason) => this.failActiveRuns(reason),
    );
  }

  list(): RunRecord[] {
    return [...this.runs.values()];
  }

  get(runId: string): RunRecord | undefined {
    return this.runs.get(runId);
  }

  /** The most recently started run that is still training, if any. */
  activeRun(): RunRecord | undefined {
    return this.list().reverse().find((r) => isActive(r.info));
  }

  latestRun(): RunRecord | undefined {
    const all = this.list();
    return all[all.length - 1];
  }

  start(text: string, fileLabel: string, config: TrainingConfig): RunRecord {
    return this.launch(text, fileLabel, config, {});
  }

  /**
   * Starts a run from a checkpoint (weights, and optimiser/trainer state when given). The worker checks the weights
   * against the config and the text's vocabulary; a mismatch ends the run as 'failed' with the reason.
   */
  startFromCheckpoint(opts: StartFromCheckpointOptions): RunRecord {
    return this.launch(opts.text, opts.fileLabel, opts.config, {
      restore: {
        model: opts.model,
        ...(opts.state ? { state: opts.state } : {}),
        ...(opts.heldOut ? { heldOut: { description: opts.heldOut.description, trainCount: opts.heldOut.trainCount, heldOutCount: opts.heldOut.heldOutCount } } : {}),
      },
      ...(opts.startPaused ? { startPaused: true } : {}),
    });
  }

  private launch(text: string, fileLabel: string, chosen: TrainingConfig, extra: Pick<Extract<HostToWorker, { type: 'train' }>, 'restore' | 'startPaused'>): RunRecord {
    // The vocabulary limit is a setting, not a model choice: every run gets the one in force when it starts.
    const config: TrainingConfig = { ...chosen, maxVocabulary: chosen.maxVocabulary ?? maxVocabulary() };
    const id = `run-${Date.now().toString(36)}-${this.nextId++}`;
    const record: RunRecord = {
      info: {
        id,
        fileLabel,
        modelLabel: modelLabel(config),
        config,
        status: 'starting',
      },
      history: new StepHistory(),
      heldOut: [],
    };
    this.runs.set(id, record);
    this.changed.fire(record);
    this.worker.post({ type: 'train', runId: id, text, config, ...extra });
    this.releaseOldModels();
    return record;
  }

  /** Tells the worker to drop the models of finished runs beyond the newest few (src/training/modelRelease.ts). */
  private releaseOldModels(): void {
    for (const runId of modelsToRelease(this.list().map((r) => r.info), this.released)) {
      this.released.add(runId);
      this.worker.post({ type: 'dispose', runId });
    }
  }

  /** Whether the worker still holds this run's model (false after it was released to bound memory). */
  isLoaded(runId: string): boolean {
    return this.runs.has(runId) && !this.released.has(runId);
  }

  /** Pauses a training run at the next step boundary (the worker posts a checkpoint). */
  pause(runId: string): boolean {
    const record = this.runs.get(runId);
    if (record?.info.status !== 'training') return false;
    this.worker.post({ type: 'pause', runId });
    return true;
  }

  resume(runId: string): boolean {
    const record = this.runs.get(runId);
    if (record?.info.status !== 'paused') return false;
    this.worker.post({ type: 'resume', runId });
    return true;
  }

  /** One update of a paused run; its progress arrives through onDidProgress and the run stays paused. */
  singleStep(runId: string): boolean {
    const record = this.runs.get(runId);
    if (record?.info.status !== 'paused' || (record.history.steps >= record.info.config.steps)) return false;
    this.worker.post({ type: 'step', runId });
    return true;
  }

  /**
   * Changes a live run's learning rate and/or clipping from its next update on (optimiser state kept). Returns the
   * problems in words (nothing is changed then), or [] when the change was sent.
   */
  reconfigure(runId: string, change: RunReconfiguration): string[] {
    const record = this.runs.get(runId);
    if (!record || !isActive(record.info)) return ['The run is not training or paused any more.'];
    const config = { ...record.info.config, ...change };
    const problems = validateTrainingConfig(config);
    if (problems.length > 0) return problems;
    this.update(record, { config, modelLabel: modelLabel(config) });
    this.worker.post({ type: 'reconfigure', runId, config });
    return [];
  }

  stop(runId: string): void {
    const record = this.runs.get(runId);
    if (!record || !isActive(record.info)) return;
    this.worker.post({ type: 'stop', runId });
  }

  resample(runId: string, temperature: number, greedy = false): void {
    const record = this.runs.get(runId);
    if (!record || record.info.status === 'failed') return;
    if (this.released.has(runId)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: the model of the run on {0} is no longer loaded (the newest finished runs are kept in memory). Resume it from the Runs view to sample from it again.', record.info.fileLabel));
      return;
    }
    this.worker.post({ type: 'sample', runId, temperature, length: record.info.config.sampleLength, ...(greedy ? { greedy } : {}) });
  }

  /**
   * Asks the worker for a gradient-flow trace of the run's current model, answered through onDidTrace with the
   * returned request id (undefined: the run has no model to trace, nothing was asked).
   */
  traceGradients(runId: string, length: number, start?: number): number | undefined {
    const record = this.runs.get(runId);
    if (!record || record.info.status === 'starting' || record.info.status === 'failed') return undefined;
    const requestId = this.nextTraceRequestId++;
    this.worker.post({ type: 'traceGradients', runId, requestId, length, ...(start === undefined ? {} : { start }) });
    return requestId;
  }

  /**
   * Asks the worker for the gates, c and h of the run's current model over a window, answered through
   * onDidTraceActivations with the returned request id (undefined: the run has no model to trace, nothing was asked).
   */
  traceActivations(runId: string, length: number, start?: number, recurrence?: RecurrenceAt): number | undefined {
    const record = this.runs.get(runId);
    if (!record || record.info.status === 'starting' || record.info.status === 'failed') return undefined;
    const requestId = this.nextTraceRequestId++;
    this.worker.post({ type: 'traceActivations', runId, requestId, length, ...(start === undefined ? {} : { start }), ...(recurrence ? { recurrence } : {}) });
    return requestId;
  }

  /**
   * Runs the run's current model over a slice of text ("Colour Text by Model", src/rnnEditor/); the answer rejects
   * with the reason it cannot (undefined: the run has no model yet, nothing was asked).
   */
  inferText(runId: string, request: TextInferenceRequest): Promise<TextInference> | undefined {
    const record = this.runs.get(runId);
    if (!record || record.info.status === 'starting' || record.info.status === 'failed') return undefined;
    return this.worker.inferText(runId, request);
  }

  /** Tags a slice of a tagged run's file (a tagged run's "Colour Text by Model"), as inferText. */
  tagText(runId: string, text: string): Promise<TaggedTextInference> | undefined {
    const record = this.runs.get(runId);
    if (!record || record.info.status === 'starting' || record.info.status === 'failed') return undefined;
    return this.worker.tagText(runId, text);
  }

  /**
   * Searches `request.text` with the run's current model for stretches where the units are all on; `progress` hears
   * the share done (undefined: the run has no model to search with, nothing was asked). The answer rejects with a
   * message when the search fails or the worker dies, and as cancelled after cancelUnitSearch.
   */
  searchUnits(runId: string, request: UnitSearchRequest, progress: (share: number) => void): { id: number; answer: Promise<UnitSearchAnswer> } | undefined {
    const record = this.runs.get(runId);
    if (!record || record.info.status === 'starting' || record.info.status === 'failed') return undefined;
    return this.worker.searchUnits(runId, request, progress);
  }

  cancelUnitSearch(runId: string, id: number): void {
    this.worker.cancelUnitSearch(runId, id);
  }

  private update(record: RunRecord, patch: Partial<RunInfo>): void {
    record.info = { ...record.info, ...patch };
    this.changed.fire(record);
  }

  private readonly dispatch = createDispatcher<RunMessage>({
    started: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      record.history.startAt(m.step ?? 0);
      this.update(record, {
        status: 'training',
        vocabSize: m.vocabSize,
        dataLength: m.dataLength,
        parameterCount: m.parameterCount,
        threads: m.threads,
        oneThreadReason: m.oneThreadReason,
        ...(m.heldOut ? { heldOut: m.heldOut } : {}),
      });
    },
    heldOut: ({ type: _type, runId, ...point }) => {
      const record = this.runs.get(runId);
      if (!record) return;
      appendHeldOutPoint((record.heldOut ??= []), point);
      this.heldOutScored.fire({ run: record, point });
    },
    progress: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      const batch: StepBatch = {
        firstStep: m.firstStep,
        losses: m.losses,
        gradNorms: m.gradNorms,
        clipped: m.clipped,
        charsPerSecond: m.charsPerSecond,
      };
      record.history.append(batch);
      this.progressed.fire({ run: record, batch });
    },
    sample: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      record.latestSample = { step: m.step, temperature: m.temperature, text: m.text, ...(m.greedy === true ? { greedy: true } : {}) };
      this.sampled.fire({ run: record, sample: record.latestSample });
    },
    finished: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      this.update(record, {
        fault: undefined,
        status: m.reason === 'stopped' ? 'stopped' : 'completed',
        message: m.reason === 'stopped' ? `Stopped at step ${m.steps}.` : `Completed ${m.steps} steps.`,
      });
    },
    failed: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      this.update(record, { status: 'failed', message: m.message });
    },
    paused: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      this.update(record, { status: 'paused', fault: m.fault, message: m.fault ? m.fault.message : `Paused at step ${m.step}.` });
      if (m.fault) this.faulted.fire({ run: record, fault: m.fault });
    },
    resumed: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      this.update(record, { status: 'training', fault: undefined, message: undefined });
    },
    checkpoint: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      this.checkpointed.fire({ run: record, step: m.step, model: m.model, state: m.state });
    },
    gradientTrace: ({ type: _type, runId, requestId, ...trace }) => this.traced.fire({ runId, requestId, trace }),
    traceFailed: (m) => this.traced.fire({ runId: m.runId, requestId: m.requestId, error: m.message }),
    activationTrace: ({ type: _type, runId, requestId, ...trace }) => this.activationsTraced.fire({ runId, requestId, trace }),
    activationTraceFailed: (m) => this.activationsTraced.fire({ runId: m.runId, requestId: m.requestId, error: m.message }),
  });

  private failActiveRuns(reason: string): void {
    for (const record of this.runs.values()) {
      if (isActive(record.info)) this.update(record, { status: 'failed', message: reason });
    }
  }

  dispose(): void {
    this.worker.dispose();
    this.changed.dispose();
    this.progressed.dispose();
    this.sampled.dispose();
    this.heldOutScored.dispose();
    this.traced.dispose();
    this.activationsTraced.dispose();
    this.checkpointed.dispose();
    this.faulted.dispose();
  }
}
