// Keeps the RunStore in step with the runs of this window: a run appears on disk when it starts (with its data
// file's URI and SHA-256), its status, step and loss follow it, its metrics are appended, and each checkpoint the
// worker posts replaces the stored one. Resume and Open PyTorch Model announce the data of the run they are about to
// start (expect); runs started by the train commands are matched to their open document by name.
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import { documentLabel } from '../base/documentText';
import type { HeldOutInfo, HeldOutPoint, StepBatch } from '../shared/run';
import type { TrainingConfig } from '../shared/trainingConfig';
import { consecutiveSegments } from './importedHistory';
import type { MetricLine, RunStoreBase as RunStore, StoredRun } from './runStoreBase';
import type { RunRecord } from './trainingService';
import { sha256Hex } from '../base/sha256';

export interface CheckpointEvent {
  run: RunRecord;
  step: number;
  /** PyTorch-compatible model.safetensors (config and vocabulary in __metadata__). */
  model: Uint8Array;
  /** trainer-state.safetensors (optimiser moments, step, PRNG state). */
  state: Uint8Array;
}

export interface StartFromCheckpointOptions {
  fileLabel: string;
  text: string;
  config: TrainingConfig;
  model: Uint8Array;
  state?: Uint8Array;
  startPaused?: boolean;
  /** The split the stored run recorded (absent: trained before runs held data out); see protocol/trainingWorker.ts `restore`. */
  heldOut?: Pick<HeldOutInfo, 'description' | 'trainCount' | 'heldOutCount'>;
}

/**
 * What persistence, Resume and Open PyTorch Model need of the TrainingService. The checkpoint members come with
 * the worker's pause/resume/checkpoint support; until the service has them, runs are stored without checkpoints
 * and Resume / Open PyTorch Model explain that they are not available.
 */
export interface CheckpointSource {
  readonly onDidChangeRun: vscode.Event<RunRecord>;
  readonly onDidProgress: vscode.Event<{ run: RunRecord; batch: StepBatch }>;
  readonly onDidCheckpoint?: vscode.Event<CheckpointEvent>;
  readonly onDidScoreHeldOut?: vscode.Event<{ run: RunRecord; point: HeldOutPoint }>;
  startFromCheckpoint?(options: StartFromCheckpointOptions): RunRecord;
  list(): RunRecord[];
}

/** The data a run is about to train on. `continues`: the stored run it resumes (its folder is reused). */
export interface ExpectedData {
  uri: vscode.Uri;
  label: string;
  text: string;
  continues?: string;
  /** The experiment file the run comes from (see src/experiments/), recorded with the run. */
  experiment?: { label: string; sha256: string };
}

export function sha256(text: string): string {
  return sha256Hex(text);
}

/** run.json is rewritten for step/loss at most this often (status changes and checkpoints write at once). */
const STEP_WRITE_INTERVAL_MS = 5000;
/**
 * A training run's checkpoints are written at most this often: a small model can post hundreds a second, and each
 * write is fsynced. The newest one waits for the interval; a run that pauses, stops or ends writes it at once.
 */
const CHECKPOINT_INTERVAL_MS = 3000;

interface PendingCheckpoint {
  event: CheckpointEvent;
  timer: ReturnType<typeof setTimeout>;
}

export class RunPersistence extends Disposable {
  /** Live run id → stored run id (the same unless the live run resumes a stored one). */
  private readonly storedIdOf = new Map<string, string>();
  private readonly lastStepWrite = new Map<string, number>();
  private readonly lastCheckpointWrite = new Map<string, number>();
  private readonly pendingCheckpoints = new Map<string, PendingCheckpoint>();
  private expected: ExpectedData | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** The stored runs changed (a run was added, deleted, or the store moved). */
  readonly onDidChange = this.changed.event;

  constructor(private storeRef: RunStore, private readonly source: CheckpointSource) {
    super();
    this._register(source.onDidChangeRun((run) => this.onRunChanged(run)));
    this._register(source.onDidProgress(({ run, batch }) => this.onProgress(run, batch)));
    if (source.onDidCheckpoint) this._register(source.onDidCheckpoint((e) => this.onCheckpoint(e)));
    if (source.onDidScoreHeldOut) {
      this._register(source.onDidScoreHeldOut(({ run, point }) => {
        const storedId = this.storedIdOf.get(run.info.id);
        if (storedId !== undefined) this.storeRef.appendHeldOut(storedId, point);
      }));
    }
  }

  get store(): RunStore {
    return this.storeRef;
  }

  /** New runs go to another folder (the storeInWorkspace setting changed); runs already tracked are forgotten. */
  setStore(store: RunStore): void {
    this.storeRef = store;
    this.storedIdOf.clear();
    this.changed.fire();
  }

  get canStartFromCheckpoint(): boolean {
    return typeof this.source.startFromCheckpoint === 'function';
  }

  /** Starts a run from a checkpoint, remembering which file it trains on; undefined when the service cannot yet. */
  startFromCheckpoint(data: ExpectedData, options: Omit<StartFromCheckpointOptions, 'fileLabel' | 'text'>): RunRecord | undefined {
    if (!this.source.startFromCheckpoint) return undefined;
    this.expected = data;
    try {
      return this.source.startFromCheckpoint({ ...options, fileLabel: data.label, text: data.text });
    } finally {
      this.expected = undefined;
    }
  }

  /** Starts a run with `start`, storing it against `data` (a file that need not be open, e.g. an experiment's). */
  startTracked(data: ExpectedData, start: () => RunRecord): RunRecord {
    this.expected = data;
    try {
      return start();
    } finally {
      this.expected = undefined;
    }
  }

  /**
   * A history trained elsewhere (train.py's metrics.jsonl, parsed by importedHistory.ts) as a stored run of its own:
   * stopped, no checkpoint, its steps as written (they continue the exported run's), so Compare Runs shows it next to
   * the run it continues. Metrics go in through appendMetrics, which thins them to the store's line limit.
   */
  importHistory(data: { uri: vscode.Uri; label: string; text: string }, config: TrainingConfig, modelLabel: string, lines: readonly MetricLine[], message: string): StoredRun {
    const id = `imported-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
    this.storeRef.create({ id, dataUri: data.uri.toString(), dataLabel: data.label, dataSha256: sha256(data.text), modelLabel, config, status: 'stopped', message });
    for (const segment of consecutiveSegments(lines)) {
      for (let i = 0; i < segment.losses.length;) {
        // appendMetrics halves the file at most once a call: each call adds at most 32 lines at the current stride.
        const n = 32 * (this.storeRef.get(id)?.metricsStride ?? 1);
        this.storeRef.appendMetrics(id, segment.firstStep + i, segment.losses.slice(i, i + n), segment.gradNorms.slice(i, i + n));
        i += n;
      }
    }
    const last = lines[lines.length - 1];
    const stored = this.storeRef.update(id, { step: last.step, lastLoss: last.loss })!;
    this.changed.fire();
    return stored;
  }

  /** The stored run of a live run of this window. */
  storedRunOf(liveId: string): StoredRun | undefined {
    const id = this.storedIdOf.get(liveId);
    return id === undefined ? undefined : this.storeRef.get(id);
  }

  /** Stored id → live run of this window, for the stored runs this window is training. */
  liveRuns(): Map<string, RunRecord> {
    const live = new Map<string, RunRecord>();
    for (const run of this.source.list()) {
      const id = this.storedIdOf.get(run.info.id);
      if (id !== undefined) live.set(id, run);
    }
    return live;
  }

  delete(storedId: string): void {
    this.storeRef.delete(storedId);
    for (const [live, stored] of this.storedIdOf) if (stored === storedId) this.storedIdOf.delete(live);
    this.changed.fire();
  }

  private onRunChanged(run: RunRecord): void {
    const { info } = run;
    let storedId = this.storedIdOf.get(info.id);
    if (storedId === undefined) {
      storedId = this.track(run);
      if (storedId === undefined) return;
    }
    this.storeRef.update(storedId, {
      status: info.status,
      modelLabel: info.modelLabel,
      // A fix (clipping on, a lower learning rate) changes a live run's settings: Resume after a reload uses them.
      config: info.config,
      // history.steps counts from the checkpoint a resumed run started at; 0 until the worker has started it.
      ...(run.history.steps > 0 ? { step: run.history.steps } : {}),
      ...(run.history.lastLoss !== undefined ? { lastLoss: run.history.lastLoss } : {}),
      ...(info.vocabSize !== undefined ? { vocabSize: info.vocabSize } : {}),
      ...(info.heldOut !== undefined ? { heldOut: info.heldOut } : {}),
      message: info.message,
    });
    this.lastStepWrite.set(storedId, Date.now());
    if (info.status !== 'training') this.flushCheckpoint(storedId);
    this.changed.fire();
  }

  /** First sight of a live run: finds its data and creates (or continues) its stored run. */
  private track(run: RunRecord): string | undefined {
    const expected = this.expected?.label === run.info.fileLabel ? this.expected : undefined;
    this.expected = undefined;
    const data = expected ?? findDocument(run.info.fileLabel);
    if (!data) return undefined; // Not a document of this window (cannot happen through the commands): not stored.
    const hash = sha256(data.text);
    if (expected?.continues !== undefined && this.storeRef.get(expected.continues)) {
      // The run it continues (a stopped run of this window, if any) no longer writes to the folder.
      for (const [live, stored] of this.storedIdOf) if (stored === expected.continues) this.storedIdOf.delete(live);
      this.storedIdOf.set(run.info.id, expected.continues);
      const from = this.storeRef.get(expected.continues)!;
      this.storeRef.update(expected.continues, {
        dataUri: data.uri.toString(), dataLabel: data.label, dataSha256: hash, config: run.info.config,
        step: from.checkpointStep ?? from.step,
      });
      // The steps after the checkpoint are trained again: their old metrics go.
      this.storeRef.dropMetricsAfter(expected.continues, from.checkpointStep ?? from.step);
      return expected.continues;
    }
    const stored = this.storeRef.create({
      id: run.info.id,
      dataUri: data.uri.toString(),
      dataLabel: data.label,
      dataSha256: hash,
      modelLabel: run.info.modelLabel,
      config: run.info.config,
      status: run.info.status,
      ...(expected?.experiment ? { experiment: expected.experiment } : {}),
    });
    this.storedIdOf.set(run.info.id, stored.id);
    return stored.id;
  }

  private onProgress(run: RunRecord, batch: StepBatch): void {
    const storedId = this.storedIdOf.get(run.info.id);
    if (storedId === undefined) return;
    this.storeRef.appendMetrics(storedId, batch.firstStep, batch.losses, batch.gradNorms);
    const now = Date.now();
    if (now - (this.lastStepWrite.get(storedId) ?? 0) < STEP_WRITE_INTERVAL_MS) return;
    this.lastStepWrite.set(storedId, now);
    this.storeRef.update(storedId, { step: batch.firstStep + batch.losses.length - 1, lastLoss: batch.losses[batch.losses.length - 1] });
  }

  private onCheckpoint(e: CheckpointEvent): void {
    const storedId = this.storedIdOf.get(e.run.info.id);
    if (storedId === undefined) return;
    const wait = (this.lastCheckpointWrite.get(storedId) ?? 0) + CHECKPOINT_INTERVAL_MS - Date.now();
    const pending = this.pendingCheckpoints.get(storedId);
    if (e.run.info.status !== 'training' || wait <= 0) {
      if (pending) clearTimeout(pending.timer);
      this.pendingCheckpoints.delete(storedId);
      this.writeCheckpoint(storedId, e);
      return;
    }
    if (pending) pending.event = e;
    else this.pendingCheckpoints.set(storedId, { event: e, timer: setTimeout(() => this.flushCheckpoint(storedId), wait) });
  }

  /** Writes the checkpoint waiting for its interval, if any. */
  private flushCheckpoint(storedId: string): void {
    const pending = this.pendingCheckpoints.get(storedId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pendingCheckpoints.delete(storedId);
    this.writeCheckpoint(storedId, pending.event);
  }

  private writeCheckpoint(storedId: string, e: CheckpointEvent): void {
    this.lastCheckpointWrite.set(storedId, Date.now());
    if (this.storeRef.saveCheckpoint(storedId, e.step, e.model, e.state)) {
      this.storeRef.update(storedId, { step: e.step, ...(e.run.history.lastLoss !== undefined ? { lastLoss: e.run.history.lastLoss } : {}) });
      this.changed.fire();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    // The window is closing: the newest checkpoint is worth the wait of one write.
    for (const id of [...this.pendingCheckpoints.keys()]) this.flushCheckpoint(id);
    super.dispose();
  }
}

/** The open document a train command just started on: the active editor's if its name matches, else any open one. */
function findDocument(label: string): ExpectedData | undefined {
  const candidates = [
    vscode.window.activeTextEditor?.document,
    ...vscode.window.visibleTextEditors.map((e) => e.document),
    ...vscode.workspace.textDocuments,
  ];
  const document = candidates.find((d) => d !== undefined && documentLabel(d) === label);
  return document && { uri: document.uri, label, text: document.getText() };
}
