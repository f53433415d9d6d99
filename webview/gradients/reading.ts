// The Gradient Flow panel's plain-language reading, computed from the trace: how the gradient reaching far back
// compares with the one at the last step, and what to try.
import type { GradientFlowView } from '../../src/shared/webviewProtocol';

/** 1.2e-7 style for small and large ratios, plain digits near 1. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return String(r);
  if (r >= 0.01 && r < 1000) return r.toPrecision(2);
  return r.toExponential(0).replace('e+', 'e');
}

/** The reading: vanishing, exploding or stable, with the distance it looks back and what to try. */
export function gradientReading(view: GradientFlowView): string {
  const j = view.jacobianNorm;
  if (j.length === 0) return 'The window is too short to say how the gradient travels back.';
  const n = Math.min(40, j.length);
  const ratio = j[n - 1] / j[0];
  const rho = view.spectralRadius.reduce((a, b) => Math.max(a, b), -Infinity);
  const at = `the gradient reaching ${n} steps back is ${formatRatio(ratio)} ${ratio > 1.5 ? 'times' : 'of'} the one at the last step`;
  if (ratio < 1e-3 || !(ratio > 0)) {
    return `Vanishing: ${at} (spectral radius of W_hh ${rho.toFixed(2)}). Characters more than a few steps back barely affect learning. Try an LSTM or GRU, an orthogonal initialisation of W_hh, or shorter dependencies.`;
  }
  if (ratio > 1e3 || !Number.isFinite(ratio)) {
    return `Exploding: ${at} (spectral radius of W_hh ${rho.toFixed(2)}). Updates can jump wildly. Try gradient clipping (sequenceLab.training.clipNorm), a lower learning rate, or an LSTM.`;
  }
  return `Stable: ${at} (spectral radius of W_hh ${rho.toFixed(2)}): the gradient neither vanishes nor explodes over this window.`;
}

/**
 * The clipping part of the reading, from the run's history: the share of steps whose gradient norm was clipped. Most
 * steps clipped means the raw gradient keeps exploding and clipping is doing the steering.
 */
export function clippingReading(
  history: { stepsSeen: number; stepsClipped: number; gradNormBefore: ArrayLike<number> } | undefined,
  reading = '',
): string {
  if (!history || history.stepsSeen === 0) return '';
  const share = history.stepsClipped / history.stepsSeen;
  const percent = `${Math.round(100 * share)}%`;
  const steps = `${history.stepsSeen} step${history.stepsSeen === 1 ? '' : 's'}`;
  if (history.stepsClipped === 0) return `No step was clipped (of ${steps} recorded).`;
  let peak = 0;
  for (let i = 0; i < history.gradNormBefore.length; i++) peak = Math.max(peak, history.gradNormBefore[i]);
  if (share >= 0.5) {
    // After an "Exploding: …" reading of the window, the clipping confirms it rather than saying it twice.
    return `${reading.startsWith('Exploding') ? 'Over training too' : 'Exploding'}: clipped ${percent} of steps (of ${steps}) — the raw gradient norm (up to ${peak.toPrecision(3)}) keeps exceeding the threshold, so clipping sets the step size. Try a lower learning rate, or an LSTM or GRU.`;
  }
  return `Clipped ${percent} of steps (of ${steps}; the largest norm before clipping ${peak.toPrecision(3)}).`;
}
