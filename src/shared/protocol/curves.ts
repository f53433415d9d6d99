// Loss curves as the host sends them to the Training and Compare Runs panels (host → webview only).
import type { HeldOutPoint } from '../run';

/** A run's held-out scores: loss (and accuracy, NaN where none) after steps[i] updates, steps ascending. */
export interface HeldOutSeries {
  steps: Float64Array;
  losses: Float32Array;
  accuracies: Float32Array;
}

/** The series form of held-out points (what the panels are sent). */
export function heldOutSeries(points: readonly HeldOutPoint[]): HeldOutSeries {
  return {
    steps: Float64Array.from(points, (p) => p.step),
    losses: Float32Array.from(points, (p) => p.loss),
    accuracies: Float32Array.from(points, (p) => p.accuracy ?? NaN),
  };
}

/** A stored run's loss curve: points at steps[i] (ascending), loss and gradient norm means over the step's window. */
export interface StoredMetrics {
  steps: Float64Array;
  losses: Float32Array;
  gradNorms: Float32Array;
}
