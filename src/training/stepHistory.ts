// The steps of one run, kept on the host so a panel opened (or re-opened) mid-run can draw the curve.
// Growable typed arrays, 4 + 4 + 1 bytes a step, bounded by COUNT: at most `capacity` steps are kept (the most
// recent ones; default 2^20, about 9 MB), so a run of millions of steps does not grow the extension host without end.
// When full, the oldest quarter is dropped at once (one copyWithin per quarter of the capacity: amortised O(1) a step).
import type { StepBatch } from '../shared/run';

/** Steps a run's history keeps at most (the most recent; stored metrics and the panel's own curve go further back). */
export const STEP_HISTORY_CAPACITY = 1 << 20;

export class StepHistory {
  private losses = new Float32Array(1024);
  private gradNorms = new Float32Array(1024);
  private clipped = new Uint8Array(1024);
  private length = 0;
  private lastCharsPerSecond = 0;
  /** Steps taken before the first one kept here (a run started from a checkpoint at that step, or dropped as old). */
  private offset = 0;

  constructor(readonly capacity = STEP_HISTORY_CAPACITY) {
    if (!(Number.isInteger(capacity) && capacity >= 4)) throw new RangeError(`a step history keeps at least 4 steps (got ${capacity})`);
  }

  /** The number of the last step (steps taken so far, counting those before a checkpoint the run started from). */
  get steps(): number {
    return this.offset + this.length;
  }

  /** How many steps are kept (≤ capacity). */
  get retained(): number {
    return this.length;
  }

  /** A run started from a checkpoint after `step` updates: its first batch is step + 1 (call before any append). */
  startAt(step: number): void {
    if (this.length === 0) this.offset = step;
  }

  get lastLoss(): number | undefined {
    return this.length > 0 ? this.losses[this.length - 1] : undefined;
  }

  get charsPerSecond(): number {
    return this.lastCharsPerSecond;
  }

  append(batch: StepBatch): void {
    const n = batch.losses.length;
    // A batch longer than the capacity keeps only its last `capacity` steps.
    const skip = Math.max(0, n - this.capacity);
    this.dropOldest(this.length + n - skip - this.capacity);
    this.offset += skip;
    this.reserve(this.length + n - skip);
    this.losses.set(batch.losses.subarray(skip), this.length);
    this.gradNorms.set(batch.gradNorms.subarray(skip), this.length);
    this.clipped.set(batch.clipped.subarray(skip), this.length);
    this.length += n - skip;
    this.lastCharsPerSecond = batch.charsPerSecond;
  }

  /** The kept steps as one batch (copies, so the receiver may keep them). */
  snapshot(): StepBatch {
    return {
      firstStep: this.offset + 1,
      losses: this.losses.slice(0, this.length),
      gradNorms: this.gradNorms.slice(0, this.length),
      clipped: this.clipped.slice(0, this.length),
      charsPerSecond: this.lastCharsPerSecond,
    };
  }

  /** Makes room for `excess` more steps by dropping the oldest: at least a quarter of the capacity at a time. */
  private dropOldest(excess: number): void {
    if (excess <= 0) return;
    const drop = Math.min(this.length, Math.max(excess, this.capacity >> 2));
    this.losses.copyWithin(0, drop, this.length);
    this.gradNorms.copyWithin(0, drop, this.length);
    this.clipped.copyWithin(0, drop, this.length);
    this.length -= drop;
    this.offset += drop;
  }

  private reserve(needed: number): void {
    if (needed <= this.losses.length) return;
    let size = this.losses.length;
    while (size < needed) size *= 2;
    size = Math.min(size, this.capacity);
    const grow = <T extends Float32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.losses = grow(this.losses, (k) => new Float32Array(k));
    this.gradNorms = grow(this.gradNorms, (k) => new Float32Array(k));
    this.clipped = grow(this.clipped, (k) => new Uint8Array(k));
  }
}
