// Owns the runs of this window and the worker that trains them. Everything the UI shows about a run
// (Runs tree, status bar, Training panel) comes from the events fired here.
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import type { RunInfo, StepBatch, TextSample } from '../shared/run';
import { modelLabel, type TrainingConfig } from '../shared/trainingConfig';
import type { GradientTrace, WorkerToHost } from '../shared/workerProtocol';
import { StepHistory } from './stepHistory';
import { TrainingWorker } from './trainingWorker';

export interface RunRecord {
  info: RunInfo;
  history: StepHistory;
  latestSample?: TextSample;
}

const ACTIVE: ReadonlySet<RunInfo['status']> = new Set(['starting', 'training']);

export function isActive(info: RunInfo): boolean {
  return ACTIVE.has(info.status);
}

export class TrainingService implements vscode.Disposable {
  private readonly runs = new Map<string, RunRecord>();
  private readonly worker: TrainingWorker;
  private nextId = 1;

  private readonly changed = new vscode.EventEmitter<RunRecord>();
  private readonly progressed = new vscode.EventEmitter<{ run: RunRecord; batch: StepBatch }>();
  private readonly sampled = new vscode.EventEmitter<{ run: RunRecord; sample: TextSample }>();
  /** A run was added or its status/info changed. */
  readonly onDidChangeRun = this.changed.event;
  readonly onDidProgress = this.progressed.event;
  readonly onDidSample = this.sampled.event;
  private readonly traced = new vscode.EventEmitter<{ runId: string; trace: GradientTrace } | { runId: string; error: string }>();
  /** A gradient trace (or why there is none) for a run, answering traceGradients. */
  readonly onDidTrace = this.traced.event;

  constructor(extensionPath: string) {
    this.worker = new TrainingWorker(
      extensionPath,
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
    };
    this.runs.set(id, record);
    this.changed.fire(record);
    this.worker.post({ type: 'train', runId: id, text, config });
    return record;
  }

  stop(runId: string): void {
    const record = this.runs.get(runId);
    if (!record || !isActive(record.info)) return;
    this.worker.post({ type: 'stop', runId });
  }

  resample(runId: string, temperature: number): void {
    const record = this.runs.get(runId);
    if (!record || record.info.status === 'failed') return;
    this.worker.post({ type: 'sample', runId, temperature, length: record.info.config.sampleLength });
  }

  /** Asks the worker for a gradient-flow trace of the run's current model (answered through onDidTrace). */
  traceGradients(runId: string, length: number, start?: number): boolean {
    const record = this.runs.get(runId);
    if (!record || record.info.status === 'starting' || record.info.status === 'failed') return false;
    this.worker.post({ type: 'traceGradients', runId, length, ...(start === undefined ? {} : { start }) });
    return true;
  }

  private update(record: RunRecord, patch: Partial<RunInfo>): void {
    record.info = { ...record.info, ...patch };
    this.changed.fire(record);
  }

  private readonly dispatch = createDispatcher<WorkerToHost>({
    started: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      this.update(record, {
        status: 'training',
        vocabSize: m.vocabSize,
        dataLength: m.dataLength,
        parameterCount: m.parameterCount,
      });
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
      record.latestSample = { step: m.step, temperature: m.temperature, text: m.text };
      this.sampled.fire({ run: record, sample: record.latestSample });
    },
    finished: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      this.update(record, {
        status: m.reason === 'stopped' ? 'stopped' : 'completed',
        message: m.reason === 'stopped' ? `Stopped at step ${m.steps}.` : `Completed ${m.steps} steps.`,
      });
    },
    failed: (m) => {
      const record = this.runs.get(m.runId);
      if (!record) return;
      this.update(record, { status: 'failed', message: m.message });
    },
    gradientTrace: ({ type: _type, runId, ...trace }) => this.traced.fire({ runId, trace }),
    traceFailed: (m) => this.traced.fire({ runId: m.runId, error: m.message }),
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
    this.traced.dispose();
  }
}
