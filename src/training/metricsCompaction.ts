// How metrics.jsonl thins itself (src/training/runStore.ts) and how Compare Runs mirrors it for a live run
// (src/panels/compareCurves.ts): one rule in one place, so the live curve and the file stay point for point equal.
// Pure: no vscode, no node:*.

/** A point of a loss curve: the means over the `stride` steps ending at `step`. */
export interface MetricPoint {
  step: number;
  loss: number;
  gradNorm: number;
}

/** Six significant digits: enough for a loss curve, a third of the bytes of a full double. */
export function roundMetric(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

/**
 * Doubles the stride of `points` (one per `stride` steps): a point at an odd multiple of `stride` merges with the next
 * one, since the window of 2·stride steps ending there is both halves (the mean of the two means). A trailing point at
 * an odd multiple has no partner yet: it is returned as `pending`, for the caller to fold back into its running sums
 * (weighted by `stride` steps), so the next point is the mean over its whole doubled window.
 */
export function halveMetricPoints<P extends MetricPoint>(points: Iterable<P>, stride: number): { merged: (P | MetricPoint)[]; pending: P | undefined } {
  const doubled = stride * 2;
  const merged: (P | MetricPoint)[] = [];
  let pending: P | undefined;
  for (const point of points) {
    if (point.step % doubled !== 0) {
      pending = point;
      continue;
    }
    merged.push(pending && pending.step === point.step - stride
      ? { step: point.step, loss: roundMetric((pending.loss + point.loss) / 2), gradNorm: roundMetric((pending.gradNorm + point.gradNorm) / 2) }
      : point);
    pending = undefined;
  }
  return { merged, pending };
}
