// Every run of the workspace on disk, one folder each, so runs outlive the window:
//
//   <root>/<run id>/run.json                   what the Runs view shows (file, hash, config, status, step, loss…)
//   <root>/<run id>/metrics.jsonl              one {"step","loss","gradNorm"} line per `stride` steps (window means)
//   <root>/<run id>/heldout.jsonl              one {"step","loss","accuracy"?,"count"} line per held-out score
//                                              (absent for runs older than held-out loss; they still display)
//   <root>/<run id>/model.safetensors          latest checkpoint: PyTorch-compatible weights + config in metadata
//   <root>/<run id>/trainer-state.safetensors  the optimiser state of the same step
//
// Synchronous file calls through a StoreFs, no vscode and no Node import: node:fs on the desktop (runStore.ts; tests
// run it on a temp dir), an in-memory file system written behind to workspace.fs on the web (memoryStoreFs.ts). Files are replaced atomically: written to a temp file in
// the same folder, fsynced, renamed over the old one — a failed write leaves the previous file whole. Failures are
// reported once through `onError` until a write succeeds again, not once per checkpoint. How a run folder's files are
// opened (regular files only, bounded) is runFolderFiles.ts; what a run.json holds and its check, storedRun.ts.
import type { HeldOutPoint } from '../shared/run';
import { MAX_MODEL_FILE_BYTES, MAX_MODEL_PARAMETERS } from '../shared/modelMetadata';
import { halveMetricPoints, roundMetric as round } from './metricsCompaction';
import { appendRegular, joinPath, openRegular, readRegular, RefusedFile, type StoreFs, type StoreStats } from './runFolderFiles';
import { readStoredRun, type MetricLine, type StoredRun } from './storedRun';

export type { StoreFs, StoreStats } from './runFolderFiles';
export { isStoredRun, type MetricLine, type StoredRun } from './storedRun';

/**
 * The most of a metrics.jsonl or heldout.jsonl the store reads. The store's own files stay far below it (they are
 * compacted past maxMetricLines lines); a larger one came from elsewhere (a repository's .sequence-lab/) and is not
 * read at all, so its size never decides what is allocated.
 */
export const MAX_JSONL_BYTES = 16 * 1024 * 1024;

export { MAX_MODEL_FILE_BYTES };
/** The most of a trainer-state.safetensors: up to three float64 buffers per weight (Adam's two moments, one more). */
export const MAX_STATE_FILE_BYTES = 3 * 8 * MAX_MODEL_PARAMETERS + 16 * 1024 * 1024;
/** The most of a run.json: the store's own are a few KB. */
export const MAX_RUN_FILE_BYTES = 1_000_000;

export interface RunStoreOptions {
  fs: StoreFs;
  /** Called once when saving starts failing (again), with a one-line message. */
  onError?: (message: string) => void;
  /** metrics.jsonl never holds more lines than this (default 2000). */
  maxMetricLines?: number;
  now?: () => Date;
  /**
   * Whether the store's files can be read yet (the web's arrive from workspace.fs after activation). Until then the
   * store lists nothing and does not read its folder; the first call after reads it.
   */
  ready?: () => boolean;
  /** In temp file names, so two processes writing one store never share one (the desktop's process id). */
  tempTag?: string;
}

/** Statuses of a run still owned by a live worker; on disk after a reload they mean the window died mid-run. */
const LIVE_STATUSES: ReadonlySet<string> = new Set(['starting', 'training', 'paused']);

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const HELD_OUT_FILE = 'heldout.jsonl';
export const MODEL_FILE = 'model.safetensors';
export const STATE_FILE = 'trainer-state.safetensors';

interface MetricsAccumulator {
  lines: number;
  lossSum: number;
  gradSum: number;
  count: number;
}

export class RunStoreBase {
  private readonly fs: StoreFs;
  private readonly maxLines: number;
  private readonly now: () => Date;
  private readonly runs = new Map<string, StoredRun>();
  private readonly metrics = new Map<string, MetricsAccumulator>();
  /** Lines in each run's heldout.jsonl, once counted. */
  private readonly heldOutLines = new Map<string, number>();
  private failing = false;
  private loaded = false;
  /** Run-folder files refused once (a symlink, a FIFO, over their bound): said once each, not at every refresh. */
  private readonly refused = new Set<string>();

  constructor(readonly root: string, private readonly options: RunStoreOptions) {
    this.fs = options.fs;
    this.maxLines = Math.max(4, options.maxMetricLines ?? 2000);
    this.now = options.now ?? (() => new Date());
  }

  /** Every stored run, newest first. The first call reads the disk and marks runs the window lost as interrupted. */
  list(): StoredRun[] {
    this.ensureLoaded();
    return [...this.runs.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  get(id: string): StoredRun | undefined {
    this.ensureLoaded();
    return this.runs.get(id);
  }

  folder(id: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(id) || id.startsWith('.')) throw new RangeError(`not a run id: ${JSON.stringify(id)}`);
    return joinPath(this.root, id);
  }

  create(run: Omit<StoredRun, 'version' | 'createdAt' | 'updatedAt' | 'metricsStride' | 'step'> & { step?: number }): StoredRun {
    this.ensureLoaded();
    const time = this.now().toISOString();
    const stored: StoredRun = { version: 1, step: 0, ...run, createdAt: time, updatedAt: time, metricsStride: 1 };
    this.runs.set(stored.id, stored);
    this.writeRunFile(stored);
    return stored;
  }

  update(id: string, patch: Partial<Omit<StoredRun, 'version' | 'id' | 'createdAt'>>): StoredRun | undefined {
    const run = this.get(id);
    if (!run) return undefined;
    Object.assign(run, patch, { updatedAt: this.now().toISOString() });
    this.writeRunFile(run);
    return run;
  }

  /**
   * Appends steps firstStep … firstStep+n−1 to metrics.jsonl as means over windows of `stride` steps. When the file
   * reaches its line limit, pairs of lines merge (their means average) and the stride doubles: a run of any length
   * keeps at most maxMetricLines lines, evenly spread over all its steps.
   */
  appendMetrics(id: string, firstStep: number, losses: ArrayLike<number>, gradNorms: ArrayLike<number>): void {
    const run = this.get(id);
    if (!run) return;
    const acc = this.accumulator(run);
    const out: string[] = [];
    for (let i = 0; i < losses.length; i++) {
      const step = firstStep + i;
      acc.lossSum += losses[i];
      acc.gradSum += gradNorms[i];
      acc.count++;
      if (step % run.metricsStride !== 0) continue;
      out.push(JSON.stringify({ step, loss: round(acc.lossSum / acc.count), gradNorm: round(acc.gradSum / acc.count) }));
      acc.lossSum = acc.gradSum = acc.count = 0;
    }
    if (out.length === 0) return;
    const file = joinPath(this.folder(id), METRICS_FILE);
    if (!this.rootUsable()) return;
    try {
      this.fs.mkdirSync(this.folder(id), { recursive: true });
      appendRegular(this.fs, file, out.join('\n') + '\n');
      acc.lines += out.length;
    } catch (error) {
      this.report(`could not append the metrics of ${run.dataLabel}`, error);
      return;
    }
    if (acc.lines > this.maxLines) this.compactMetrics(run, acc);
  }

  /**
   * Drops the metrics lines after `step`: a run resumed from its checkpoint trains the steps after it again, and
   * without this its curve would run on past the checkpoint and then jump back to it. The running window restarts.
   */
  dropMetricsAfter(id: string, step: number): void {
    const run = this.get(id);
    if (!run) return;
    const acc = this.accumulator(run);
    acc.lossSum = acc.gradSum = acc.count = 0;
    const heldOut = this.readHeldOut(id);
    const heldOutKept = heldOut.filter((m) => m.step <= step);
    if (heldOutKept.length < heldOut.length) {
      const text = heldOutKept.map((m) => JSON.stringify(m)).join('\n') + (heldOutKept.length ? '\n' : '');
      if (this.writeAtomic(this.folder(id), HELD_OUT_FILE, new TextEncoder().encode(text), `the held-out loss of ${run.dataLabel}`)) this.heldOutLines.set(id, heldOutKept.length);
    }
    const lines = this.readMetrics(id);
    const kept = lines.filter((m) => m.step <= step);
    if (kept.length === lines.length) return;
    const text = kept.map((m) => JSON.stringify(m)).join('\n') + (kept.length ? '\n' : '');
    if (this.writeAtomic(this.folder(id), METRICS_FILE, new TextEncoder().encode(text), `the metrics of ${run.dataLabel}`)) acc.lines = kept.length;
  }

  readMetrics(id: string): MetricLine[] {
    const lines: MetricLine[] = [];
    for (const m of this.readJsonLines(id, METRICS_FILE)) {
      const line = (m ?? {}) as MetricLine;
      if (Number.isInteger(line.step) && typeof line.loss === 'number') lines.push(line);
    }
    return lines;
  }

  /**
   * The parsed lines of one of a run's .jsonl files ([] when it is missing, unreadable or over MAX_JSONL_BYTES).
   * A line that does not parse is skipped: a line cut by a crash mid-append leaves the lines before it good.
   */
  private readJsonLines(id: string, name: string): unknown[] {
    const bytes = this.readRegular(id, name, MAX_JSONL_BYTES, 'that run\'s curve is not shown');
    if (!bytes) return [];
    const text = new TextDecoder().decode(bytes);
    const out: unknown[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // cut mid-append
      }
    }
    return out;
  }

  /**
   * Appends one held-out score. Past maxMetricLines lines the file keeps every second line (first and last kept), so
   * a run of any length stays bounded; a resumed run drops the lines after its checkpoint (dropMetricsAfter).
   */
  appendHeldOut(id: string, point: HeldOutPoint): void {
    const run = this.get(id);
    if (!run) return;
    const line = { step: point.step, loss: round(point.loss), ...(point.accuracy === undefined ? {} : { accuracy: round(point.accuracy) }), count: point.count };
    const file = joinPath(this.folder(id), HELD_OUT_FILE);
    let lines = this.heldOutLines.get(id);
    if (lines === undefined) lines = this.readHeldOut(id).length;
    try {
      this.fs.mkdirSync(this.folder(id), { recursive: true });
      appendRegular(this.fs, file, JSON.stringify(line) + '\n');
    } catch (error) {
      this.report(`could not append the held-out loss of ${run.dataLabel}`, error);
      return;
    }
    lines++;
    if (lines > this.maxLines) {
      const all = this.readHeldOut(id);
      const kept = all.filter((_, i) => i % 2 === 0 || i === all.length - 1);
      if (this.writeAtomic(this.folder(id), HELD_OUT_FILE, new TextEncoder().encode(kept.map((m) => JSON.stringify(m)).join('\n') + '\n'), `the held-out loss of ${run.dataLabel}`)) lines = kept.length;
    }
    this.heldOutLines.set(id, lines);
  }

  /** The held-out scores of a run, in step order ([] when it has none: older runs, or none scored yet). */
  readHeldOut(id: string): HeldOutPoint[] {
    const points: HeldOutPoint[] = [];
    for (const line of this.readJsonLines(id, HELD_OUT_FILE)) {
      const m = (line ?? {}) as HeldOutPoint;
      if (!Number.isInteger(m.step) || typeof m.loss !== 'number' || (points.length > 0 && m.step <= points[points.length - 1].step)) continue;
      points.push({ step: m.step, loss: m.loss, ...(typeof m.accuracy === 'number' ? { accuracy: m.accuracy } : {}), count: Number.isInteger(m.count) ? m.count : 0 });
    }
    return points;
  }

  /** Replaces the run's checkpoint; returns false (after reporting) when it could not be written. */
  saveCheckpoint(id: string, step: number, model: Uint8Array, state?: Uint8Array): boolean {
    const run = this.get(id);
    if (!run) return false;
    const dir = this.folder(id);
    // The state first: a model newer than its state is worse than an old pair (resume would mix two steps).
    const ok = (state === undefined || this.writeAtomic(dir, STATE_FILE, state, `the checkpoint of ${run.dataLabel}`))
      && this.writeAtomic(dir, MODEL_FILE, model, `the checkpoint of ${run.dataLabel}`);
    if (ok) this.update(id, { checkpointStep: step });
    return ok;
  }

  readCheckpoint(id: string): { model: Uint8Array; state?: Uint8Array } | undefined {
    const model = this.readRegular(id, MODEL_FILE, MAX_MODEL_FILE_BYTES, 'the run has no checkpoint to resume or export');
    if (!model) return undefined;
    const state = this.readRegular(id, STATE_FILE, MAX_STATE_FILE_BYTES, 'the run resumes with a fresh optimiser state');
    return state ? { model, state } : { model };
  }

  hasCheckpoint(id: string): boolean {
    try {
      return this.fs.lstatSync(joinPath(this.folder(id), MODEL_FILE)).isFile();
    } catch {
      return false;
    }
  }

  /**
   * The bytes of `name` in the run's folder, or undefined (missing, unreadable, or refused and said once): the folder
   * must be a real folder and the file a regular file reached without a symlink, at most `maxBytes` long (checked on
   * the open file, before the buffer is allocated). `otherwise` says what follows for the user when it is refused.
   */
  private readRegular(id: string, name: string, maxBytes: number, otherwise: string): Uint8Array | undefined {
    const file = joinPath(this.folder(id), name);
    try {
      return readRegular(this.fs, this.folder(id), name, maxBytes);
    } catch (error) {
      if (!(error instanceof RefusedFile)) return undefined; // missing or unreadable: as if absent
      if (!this.refused.has(file)) {
        this.refused.add(file);
        this.options.onError?.(`Sequence Lab did not read ${file}: ${error.message}, so ${otherwise}. The file was not written by Sequence Lab; delete the run to remove it.`);
      }
      return undefined;
    }
  }

  /** Removes the run's folder; throws (for the caller to show) when it cannot. */
  delete(id: string): void {
    this.fs.rmSync(this.folder(id), { recursive: true, force: true });
    this.runs.delete(id);
    this.metrics.delete(id);
    this.heldOutLines.delete(id);
  }

  deleteAll(): number {
    const ids = this.list().map((r) => r.id);
    for (const id of ids) this.delete(id);
    return ids.length;
  }

  /**
   * Whether the store's folder may be used: absent (it will be created) or a real folder. A symlinked
   * .sequence-lab (a repository can commit one) would send every write and read elsewhere: refused, said once.
   */
  private rootUsable(): boolean {
    let info: StoreStats;
    try {
      info = this.fs.lstatSync(this.root);
    } catch {
      return true;
    }
    if (info.isSymbolicLink()) {
      this.report('does not store or read runs', new Error('the folder is a symbolic link'));
      return false;
    }
    return true; // a file in its place fails at mkdir, with the system's reason
  }

  /** The store's own .gitignore ("*"), so runs are not committed with the workspace by accident. */
  private ensureGitignore(): void {
    const file = joinPath(this.root, '.gitignore');
    try {
      this.fs.lstatSync(file);
      return; // there (whatever it is: never written through)
    } catch {
      // not there: written below
    }
    const fd = openRegular(this.fs, file, 'create');
    try {
      this.fs.writeSync(fd, '# Written by Sequence Lab: its stored runs stay out of version control.\n*\n');
    } finally {
      this.fs.closeSync(fd);
    }
  }

  private ensureLoaded(): void {
    if (!this.loaded && (this.options.ready?.() ?? true)) this.load();
  }

  private load(): void {
    this.loaded = true;
    if (!this.rootUsable()) return;
    let names: string[];
    try {
      names = this.fs.readdirSync(this.root);
    } catch {
      return; // No folder yet: no runs.
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      let run: StoredRun | undefined;
      try {
        // Real folders only (a symlinked one is not followed out of the store), then a regular run.json within bounds.
        if (!/^[A-Za-z0-9._-]+$/.test(name) || !this.fs.lstatSync(joinPath(this.root, name)).isDirectory()) continue;
        const bytes = this.readRegular(name, RUN_FILE, MAX_RUN_FILE_BYTES, 'that run is not listed');
        if (!bytes) continue;
        run = readStoredRun(JSON.parse(new TextDecoder().decode(bytes)));
      } catch {
        continue; // Not a run folder, or run.json unreadable: skip it rather than fail the whole list.
      }
      // A run this window created before the store could read its folder (ready) is this window's, not a lost one.
      if (run === undefined || run.id !== name || this.runs.has(name)) continue;
      this.runs.set(run.id, run);
      if (LIVE_STATUSES.has(run.status)) {
        const at = run.checkpointStep !== undefined ? ` It can resume from the checkpoint of step ${run.checkpointStep}.` : '';
        this.update(run.id, { status: 'interrupted', message: `The window closed while it was ${run.status} (step ${run.step}).${at}` });
      }
    }
  }

  private accumulator(run: StoredRun): MetricsAccumulator {
    let acc = this.metrics.get(run.id);
    if (!acc) {
      acc = { lines: this.readMetrics(run.id).length, lossSum: 0, gradSum: 0, count: 0 };
      this.metrics.set(run.id, acc);
    }
    return acc;
  }

  private compactMetrics(run: StoredRun, acc: MetricsAccumulator): void {
    const stride = run.metricsStride * 2;
    const { merged, pending } = halveMetricPoints(this.readMetrics(run.id), run.metricsStride);
    const text = merged.map((m) => JSON.stringify(m)).join('\n') + (merged.length ? '\n' : '');
    if (!this.writeAtomic(this.folder(run.id), METRICS_FILE, new TextEncoder().encode(text), `the metrics of ${run.dataLabel}`)) return;
    acc.lines = merged.length;
    if (pending) {
      // A trailing half-window (odd multiple of the old stride) left the file: its steps go back into the running
      // sums, weighted by its width, so the next line is the mean over its whole doubled window.
      acc.lossSum += pending.loss * run.metricsStride;
      acc.gradSum += pending.gradNorm * run.metricsStride;
      acc.count += run.metricsStride;
    }
    this.update(run.id, { metricsStride: stride });
  }

  private writeRunFile(run: StoredRun): void {
    this.writeAtomic(this.folder(run.id), RUN_FILE, new TextEncoder().encode(JSON.stringify(run, null, 2) + '\n'), `the run on ${run.dataLabel}`);
  }

  /** temp file in the same folder → fsync → rename over `name`: readers see the old file or the new one, never half. */
  private writeAtomic(dir: string, name: string, bytes: Uint8Array, what: string): boolean {
    const target = joinPath(dir, name);
    const temp = joinPath(dir, `.${name}.${this.options.tempTag ?? 'w'}.${Math.random().toString(36).slice(2)}.tmp`);
    if (!this.rootUsable()) return false;
    try {
      this.fs.mkdirSync(dir, { recursive: true });
      this.ensureGitignore();
      const fd = this.fs.openSync(temp, 'w');
      try {
        for (let at = 0; at < bytes.length;) at += this.fs.writeSync(fd, bytes, at, bytes.length - at);
        this.fs.fsyncSync(fd);
      } finally {
        this.fs.closeSync(fd);
      }
      this.fs.renameSync(temp, target);
    } catch (error) {
      try {
        this.fs.rmSync(temp, { force: true });
      } catch {
        // The temp file may not exist; the error that matters is the one reported below.
      }
      this.report(`could not save ${what}`, error);
      return false;
    }
    this.failing = false;
    return true;
  }

  private report(what: string, error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const reason = error instanceof Error ? (error as { code?: string }).code ?? error.message : String(error);
    this.options.onError?.(
      `Sequence Lab ${what} in ${this.root} (${reason}); what was saved before is kept. Training goes on; check the folder's permissions and free space.`,
    );
  }
}
