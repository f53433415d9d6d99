// What the Training panel knows about the run it shows, and its compact saved form. Pure (no DOM): it is fed the
// host's messages and unit-tested in node.
import type { RunInfo, StepBatch, TextSample } from '../../src/shared/run';
import type { HeldOutPoint } from '../../src/shared/run';
import type { HeldOutSeries, StoredMetrics } from '../../src/shared/protocol/curves';
import { BucketSeries, type SavedBuckets } from '../common/downsample';

/** Channels of the step series. */
export const LOSS = 0;
export const GRAD_NORM = 1;
export const CLIPPED = 2;

const EMA_DECAY = 0.95;

export interface SavedTrainingView {
  version: 1;
  run?: RunInfo;
  steps?: SavedBuckets;
  step: number;
  firstLoss?: number;
  firstStep?: number;
  lastLoss?: number;
  ema: number;
  emaWeight: number;
  charsPerSecond: number;
  sample?: TextSample;
  /** The run's folder in the run store (the host shows it from there when no worker holds it any more). */
  storedRunId?: string;
  /** Shown from the run store, not a live run: nothing but Resume (when resumable) can be asked of it. */
  readOnly?: boolean;
  resumable?: boolean;
  /** Held-out scores (absent in states saved before held-out loss). */
  heldOut?: { steps: number[]; losses: number[]; accuracies: (number | null)[] };
}

/** The panel keeps at most this many held-out points (the host sends at most ~1000). */
const MAX_HELD_OUT = 2000;

export class TrainingModel {
  run: RunInfo | undefined;
  /** Loss, gradient norm and clipped (0/1) per step, downsampled to at most 2000 points. */
  readonly steps = new BucketSeries(3, 2000);
  /** Last step received. */
  step = 0;
  /** Raw loss at the first step received (step 1 when the panel saw the whole run). */
  firstLoss: number | undefined;
  /** The step of firstLoss. */
  firstStep: number | undefined;
  /** Raw loss at the last step. */
  lastLoss: number | undefined;
  charsPerSecond = 0;
  sample: TextSample | undefined;
  storedRunId: string | undefined;
  readOnly = false;
  resumable = false;
  /** Held-out scores in step order: loss, and accuracy (NaN where none). */
  readonly heldOut: { steps: number[]; losses: number[]; accuracies: number[] } = { steps: [], losses: [], accuracies: [] };
  private ema = 0;
  private emaWeight = 0;

  /** Exponential moving average of the loss (bias-corrected, so early steps are not pulled towards 0). */
  get smoothedLoss(): number | undefined {
    return this.emaWeight > 0 ? this.ema / this.emaWeight : undefined;
  }

  /** The worker still holds the run: it can be stopped (and, when paused, resumed or stepped). */
  get isActive(): boolean {
    if (this.readOnly) return false;
    return this.run?.status === 'starting' || this.run?.status === 'training' || this.run?.status === 'paused';
  }

  /** Starts over with a run and every step it has so far. */
  showRun(run: RunInfo, history: StepBatch, storedRunId?: string, heldOut?: HeldOutSeries): void {
    this.reset(run);
    this.storedRunId = storedRunId;
    this.appendSteps(history);
    this.setHeldOut(heldOut);
  }

  private setHeldOut(series: HeldOutSeries | undefined): void {
    if (!series) return;
    for (let i = 0; i < series.steps.length; i++) {
      this.addHeldOut({ step: series.steps[i], loss: series.losses[i], accuracy: series.accuracies[i], count: 0 });
    }
  }

  /** One held-out score; a score at or before the last one's step replaces those after it (a resumed run). */
  addHeldOut(point: HeldOutPoint): void {
    const h = this.heldOut;
    if (!Number.isFinite(point.step) || !Number.isFinite(point.loss)) return;
    while (h.steps.length > 0 && h.steps[h.steps.length - 1] >= point.step) {
      h.steps.pop();
      h.losses.pop();
      h.accuracies.pop();
    }
    h.steps.push(point.step);
    h.losses.push(point.loss);
    h.accuracies.push(typeof point.accuracy === 'number' ? point.accuracy : NaN);
    if (h.steps.length > MAX_HELD_OUT) {
      const keep = (_: number, i: number) => i % 2 === 0 || i === h.steps.length - 1;
      h.steps.splice(0, h.steps.length, ...h.steps.filter(keep));
      h.losses.splice(0, h.losses.length, ...h.losses.filter(keep));
      h.accuracies.splice(0, h.accuracies.length, ...h.accuracies.filter(keep));
    }
  }

  /** The newest held-out score, if any. */
  get lastHeldOut(): { step: number; loss: number; accuracy: number } | undefined {
    const n = this.heldOut.steps.length;
    return n === 0 ? undefined : { step: this.heldOut.steps[n - 1], loss: this.heldOut.losses[n - 1], accuracy: this.heldOut.accuracies[n - 1] };
  }

  /** Passes over the training part after the shown step (undefined when the run did not say how long one is). */
  get epochs(): number | undefined {
    const per = this.run?.heldOut?.stepsPerEpoch;
    return per && per > 0 ? this.step / per : undefined;
  }

  /**
   * Starts over with a stored run, read-only: one point per stored metrics line (a mean over the steps since the
   * previous line), so the smoothed loss is the moving average of those means.
   */
  showStored(run: RunInfo, metrics: StoredMetrics, resumable: boolean, heldOut?: HeldOutSeries): void {
    this.reset(run);
    this.setHeldOut(heldOut);
    this.storedRunId = run.id;
    this.readOnly = true;
    this.resumable = resumable;
    const row = [0, 0, 0];
    for (let i = 0; i < metrics.steps.length; i++) {
      const step = metrics.steps[i];
      const loss = metrics.losses[i];
      if (!(step > this.step) || !Number.isFinite(loss)) continue;
      row[LOSS] = loss;
      row[GRAD_NORM] = metrics.gradNorms[i] ?? 0;
      row[CLIPPED] = 0;
      this.steps.push(step, row);
      this.addLoss(loss, step);
      this.step = step;
    }
  }

  private reset(run: RunInfo): void {
    this.run = run;
    this.readOnly = false;
    this.resumable = false;
    this.steps.clear();
    this.step = 0;
    this.firstLoss = undefined;
    this.firstStep = undefined;
    this.lastLoss = undefined;
    this.ema = 0;
    this.emaWeight = 0;
    this.charsPerSecond = 0;
    this.sample = undefined;
    this.heldOut.steps.length = 0;
    this.heldOut.losses.length = 0;
    this.heldOut.accuracies.length = 0;
  }

  private addLoss(loss: number, step: number): void {
    this.firstStep ??= step;
    this.firstLoss ??= loss;
    this.lastLoss = loss;
    this.ema = EMA_DECAY * this.ema + (1 - EMA_DECAY) * loss;
    this.emaWeight = EMA_DECAY * this.emaWeight + (1 - EMA_DECAY);
  }

  /** Appends a batch of steps; steps already seen (overlap with a `showRun` history) are skipped. */
  appendSteps(batch: StepBatch): void {
    const row = [0, 0, 0];
    const n = batch.losses.length;
    for (let i = 0; i < n; i++) {
      const step = batch.firstStep + i;
      const loss = batch.losses[i];
      if (step <= this.step || !Number.isFinite(loss)) continue;
      row[LOSS] = loss;
      row[GRAD_NORM] = batch.gradNorms[i] ?? 0;
      row[CLIPPED] = batch.clipped[i] ? 1 : 0;
      this.steps.push(step, row);
      this.addLoss(loss, step);
      this.step = step;
    }
    if (n > 0 && batch.charsPerSecond > 0) this.charsPerSecond = batch.charsPerSecond;
  }

  /** New status or details of the shown run (ignored for another run once one is shown). */
  updateRun(run: RunInfo): void {
    if (this.run && this.run.id !== run.id) return;
    if (this.readOnly) return;
    this.run = run;
  }

  showSample(sample: TextSample): void {
    this.sample = sample;
  }

  save(): SavedTrainingView {
    return {
      version: 1,
      run: this.run,
      steps: this.steps.save(),
      step: this.step,
      firstLoss: this.firstLoss,
      ...(this.firstStep !== undefined ? { firstStep: this.firstStep } : {}),
      lastLoss: this.lastLoss,
      ema: this.ema,
      emaWeight: this.emaWeight,
      charsPerSecond: this.charsPerSecond,
      sample: this.sample,
      ...(this.storedRunId !== undefined ? { storedRunId: this.storedRunId } : {}),
      ...(this.readOnly ? { readOnly: true, resumable: this.resumable } : {}),
      ...(this.heldOut.steps.length > 0
        ? { heldOut: { steps: [...this.heldOut.steps], losses: [...this.heldOut.losses], accuracies: this.heldOut.accuracies.map((a) => (Number.isFinite(a) ? a : null)) } }
        : {}),
    };
  }

  /** Restores a saved copy; anything malformed (e.g. from an older version) leaves the model empty. */
  restore(saved: unknown): boolean {
    const s = saved as Partial<SavedTrainingView> | undefined;
    // A run saved before the config's keys were renamed (maxSteps → steps) is left to the host, which sends it again.
    if (!s || s.version !== 1 || typeof s.run?.id !== 'string' || typeof s.run.config?.steps !== 'number' || !this.steps.restore(s.steps)) return false;
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    this.run = s.run;
    this.step = num(s.step) ?? 0;
    this.firstLoss = num(s.firstLoss);
    this.firstStep = num(s.firstStep);
    this.lastLoss = num(s.lastLoss);
    this.ema = num(s.ema) ?? 0;
    this.emaWeight = num(s.emaWeight) ?? 0;
    this.charsPerSecond = num(s.charsPerSecond) ?? 0;
    this.sample = typeof s.sample?.text === 'string' ? s.sample : undefined;
    this.storedRunId = typeof s.storedRunId === 'string' ? s.storedRunId : undefined;
    this.readOnly = s.readOnly === true;
    this.resumable = this.readOnly && s.resumable === true;
    const h = s.heldOut;
    if (h && Array.isArray(h.steps) && Array.isArray(h.losses) && Array.isArray(h.accuracies)) {
      for (let i = 0; i < Math.min(h.steps.length, h.losses.length, MAX_HELD_OUT); i++) {
        const step = num(h.steps[i]);
        const loss = num(h.losses[i]);
        if (step !== undefined && loss !== undefined) this.addHeldOut({ step, loss, accuracy: num(h.accuracies[i]) ?? NaN, count: 0 });
      }
    }
    return true;
  }
}
