// Where the Compare Runs panel gets each run's curve (pure: no vscode, no node:fs; the panel passes the reader).
//
// - A run this window trains (or trained: its steps are still in memory) is drawn from the host's own steps
//   (RunRecord.history and the batches of onDidProgress), mirrored into the same points metrics.jsonl holds
//   (src/training/runStore.ts): one point per `stride` steps, the mean over the `stride` steps ending there, rounded to
//   six significant digits, and when the store doubles its stride the points merge pairwise as the file's lines do.
//   So a refresh (up to 4 a second) reads no file, and after a window reload the stored curve is the one shown before.
//   metrics.jsonl is read once for such a run only when its history does not reach back to step 1 (a resumed run: the
//   steps before its checkpoint were trained by an earlier run).
// - A stored run trained elsewhere (an earlier window, another window) is read once, and again only when its stored
//   record changes (status, step, last loss, stride).
import { halveMetricPoints, roundMetric as round } from '../training/metricsCompaction';
import type { CurvePoint } from './compareSummary';

/** Steps firstStep … firstStep+n−1 of a run (a StepBatch, or a StepHistory snapshot). */
export interface MetricsBatch {
  firstStep: number;
  losses: ArrayLike<number>;
  gradNorms: ArrayLike<number>;
}

/** What a live curve needs of a run's in-memory steps (src/training/stepHistory.ts). */
export interface StepSource {
  /** The number of the last step taken (including the steps before a checkpoint the run started from). */
  readonly steps: number;
  /** How many of the last steps are kept in memory. */
  readonly retained: number;
  /** The kept steps (a copy). */
  snapshot(): MetricsBatch;
}

/** What a run's stored record says about its curve (src/training/runStore.ts StoredRun). */
export interface CurveStamp {
  id: string;
  status: string;
  step: number;
  lastLoss?: number;
  /** metrics.jsonl holds one line per this many steps. */
  metricsStride: number;
}


/**
 * A live run's points beyond this many halve (the stride doubles) even if the store did not compact (its file could
 * not be written): the mirror stays bounded like the file. The store keeps 2000 lines by default.
 */
export const LIVE_POINT_LIMIT = 8192;

/**
 * The points metrics.jsonl holds for a run, kept in memory from its steps. `prefix`: the file's points up to
 * `afterStep` (the steps trained before this run's history starts), then every appended step after it.
 */
export class LiveCurve {
  private lines: CurvePoint[];
  private lossSum = 0;
  private gradSum = 0;
  private count = 0;
  private nextStep: number;

  constructor(private strideValue: number, prefix: readonly CurvePoint[], afterStep: number) {
    this.lines = prefix.filter((p) => p.step <= afterStep);
    this.nextStep = afterStep + 1;
  }

  get stride(): number {
    return this.strideValue;
  }

  get points(): readonly CurvePoint[] {
    return this.lines;
  }

  /**
   * Appends steps: at each multiple of the stride a point, the mean of the steps since the previous point (as
   * RunStore.appendMetrics). false, and nothing changes, when the batch does not start at the next step.
   */
  append(batch: MetricsBatch): boolean {
    if (batch.firstStep !== this.nextStep) return false;
    const n = batch.losses.length;
    for (let i = 0; i < n; i++) {
      const step = batch.firstStep + i;
      this.lossSum += batch.losses[i];
      this.gradSum += batch.gradNorms[i];
      this.count++;
      if (step % this.strideValue !== 0) continue;
      this.lines.push({ step, loss: round(this.lossSum / this.count), gradNorm: round(this.gradSum / this.count) });
      this.lossSum = this.gradSum = this.count = 0;
      if (this.lines.length > LIVE_POINT_LIMIT) this.compact();
    }
    this.nextStep += n;
    return true;
  }

  /** Doubles the stride while it is below the store's (each doubling as RunStore.compactMetrics does). */
  followStride(stride: number): void {
    while (this.strideValue < stride) this.compact();
  }

  /** Doubles the stride as the store thins metrics.jsonl (metricsCompaction.ts); a trailing half-window goes back into the sums. */
  private compact(): void {
    const stride = this.strideValue * 2;
    const { merged, pending } = halveMetricPoints(this.lines, this.strideValue);
    if (pending) {
      this.lossSum += pending.loss * this.strideValue;
      this.gradSum += pending.gradNorm * this.strideValue;
      this.count += this.strideValue;
    }
    this.lines = merged;
    this.strideValue = stride;
  }
}

/** A run of this window as the curves need it: its live id (a resumed run gets a new one) and its steps. */
export interface LiveRunSteps {
  liveId: string;
  history: StepSource;
}

/** The compared runs' curves (see the top of this file). `readMetrics`: a stored run's metrics.jsonl. */
export class RunCurves {
  private readonly stored = new Map<string, { stamp: string; points: readonly CurvePoint[] }>();
  private readonly live = new Map<string, { liveId: string; curve: LiveCurve }>();

  constructor(private readonly readMetrics: (storedId: string) => readonly CurvePoint[]) {}

  /** A stored run no run of this window trains: read once, and again only when its record changes. */
  storedPoints(run: CurveStamp): readonly CurvePoint[] {
    this.live.delete(run.id);
    const stamp = `${run.status}|${run.step}|${run.lastLoss ?? ''}|${run.metricsStride}`;
    const cached = this.stored.get(run.id);
    if (cached?.stamp === stamp) return cached.points;
    const points = this.readMetrics(run.id);
    this.stored.set(run.id, { stamp, points });
    return points;
  }

  /** A stored run a run of this window trains (or trained): its curve from the steps in memory. */
  livePoints(run: CurveStamp, live: LiveRunSteps): readonly CurvePoint[] {
    this.stored.delete(run.id);
    let entry = this.live.get(run.id);
    if (entry?.liveId !== live.liveId) {
      entry = { liveId: live.liveId, curve: this.mirror(run, live.history) };
      this.live.set(run.id, entry);
    }
    entry.curve.followStride(run.metricsStride);
    return entry.curve.points;
  }

  /**
   * Steps of a run of this window (onDidProgress), appended to its curve if one is kept; a batch that does not follow
   * on (a missed one) drops the curve, rebuilt from the history at the next refresh.
   */
  progress(run: CurveStamp, liveId: string, batch: MetricsBatch): void {
    const entry = this.live.get(run.id);
    if (entry?.liveId !== liveId) return;
    if (entry.curve.append(batch)) entry.curve.followStride(run.metricsStride);
    else this.live.delete(run.id);
  }

  /** Forgets the runs no longer shown. */
  keepOnly(ids: readonly string[]): void {
    for (const map of [this.stored, this.live]) for (const id of [...map.keys()]) if (!ids.includes(id)) map.delete(id);
  }

  /**
   * A live run's curve from its history. The steps before the history's first (a run resumed from a checkpoint, or a
   * history that dropped its oldest steps) come from metrics.jsonl, read this once; before its first batch a resumed
   * run's history is empty and its stored step is the checkpoint's.
   */
  private mirror(run: CurveStamp, history: StepSource): LiveCurve {
    const kept = history.retained > 0 ? history.snapshot() : undefined;
    const before = kept ? kept.firstStep - 1 : Math.max(history.steps, run.step);
    const curve = new LiveCurve(run.metricsStride, before > 0 ? this.readMetrics(run.id) : [], before);
    if (kept) curve.append(kept);
    return curve;
  }
}
