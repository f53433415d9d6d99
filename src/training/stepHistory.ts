// Every step of one run, kept on the host so a panel opened (or re-opened) mid-run can draw the whole curve.
// Growable typed arrays: 4 + 4 + 1 bytes a step, so even ten million steps stay under 100 MB.
import type { StepBatch } from '../shared/run';

export class StepHistory {
  private losses = new Float32Array(1024);
  private gradNorms = new Float32Array(1024);
  private clipped = new Uint8Array(1024);
  private length = 0;
  private lastCharsPerSecond = 0;
  /** Steps taken before the first one kept here (a run started from a checkpoint at that step). */
  private offset = 0;

  /** The number of the last step (steps taken so far, counting those before a checkpoint the run started from). */
  get steps(): number {
    return this.offset + this.length;
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
    this.reserve(this.length + n);
    this.losses.set(batch.losses, this.length);
    this.gradNorms.set(batch.gradNorms, this.length);
    this.clipped.set(batch.clipped, this.length);
    this.length += n;
    this.lastCharsPerSecond = batch.charsPerSecond;
  }

  /** All steps so far as one batch (copies, so the receiver may keep them). */
  snapshot(): StepBatch {
    return {
      firstStep: this.offset + 1,
      losses: this.losses.slice(0, this.length),
      gradNorms: this.gradNorms.slice(0, this.length),
      clipped: this.clipped.slice(0, this.length),
      charsPerSecond: this.lastCharsPerSecond,
    };
  }

  private reserve(capacity: number): void {
    if (capacity <= this.losses.length) return;
    let size = this.losses.length;
    while (size < capacity) size *= 2;
    const grow = <T extends Float32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.losses = grow(this.losses, (k) => new Float32Array(k));
    this.gradNorms = grow(this.gradNorms, (k) => new Float32Array(k));
    this.clipped = grow(this.clipped, (k) => new Uint8Array(k));
  }
}
