// Collects per-step results between two progress messages and hands them out as typed arrays,
// so a thousand steps cost one message and a few kilobytes instead of a thousand objects.
import type { StepBatch } from '../shared/run';

export interface StepLike {
  step: number;
  loss: number;
  gradNorm: number;
  clipped: boolean;
  chars: number;
}

export class ProgressBuffer {
  private losses: number[] = [];
  private gradNorms: number[] = [];
  private clipped: number[] = [];
  private chars = 0;
  private since: number;

  constructor(private firstStep: number, now = Date.now()) {
    this.since = now;
  }

  add(result: StepLike): void {
    if (this.losses.length === 0) this.firstStep = result.step;
    this.losses.push(result.loss);
    this.gradNorms.push(result.gradNorm);
    this.clipped.push(result.clipped ? 1 : 0);
    this.chars += result.chars;
  }

  /** The steps collected since the last call, or undefined when there are none. */
  take(now: number): StepBatch | undefined {
    if (this.losses.length === 0) return undefined;
    const seconds = Math.max((now - this.since) / 1000, 1e-3);
    const batch: StepBatch = {
      firstStep: this.firstStep,
      losses: Float32Array.from(this.losses),
      gradNorms: Float32Array.from(this.gradNorms),
      clipped: Uint8Array.from(this.clipped),
      charsPerSecond: this.chars / seconds,
    };
    this.losses = [];
    this.gradNorms = [];
    this.clipped = [];
    this.chars = 0;
    this.since = now;
    return batch;
  }
}
