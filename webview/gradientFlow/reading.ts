// The Gradient Flow panel's plain-language reading, computed from the trace: how the gradient reaching far back
// compares with the one at the last step, and what to try.
import {
  byDistanceFromJacobian, gradientAdvice, GRADIENT_RULE, pascanuSentence, readGradient, regimeSentence, type GradientReading,
} from '../../src/shared/gradientReading';
import type { GradientFlowView } from '../../src/shared/webviewProtocol';

/** 1.2e-7 style for small and large ratios, plain digits near 1. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return String(r);
  if (r >= 0.01 && r < 1000) return r.toPrecision(2);
  return r.toExponential(0).replace('e+', 'e');
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The readings of the two paths the charts draw: the hidden path (Jacobian), and for an LSTM the cell path. */
export function pathReadings(view: GradientFlowView): { hidden: GradientReading; cell?: GradientReading } {
  // K steps of truncated BPTT send the gradient at most K − 1 steps back: no further distance is read.
  const maxDistance = view.truncation !== undefined ? view.truncation - 1 : undefined;
  const hidden = readGradient(byDistanceFromJacobian(view.jacobianNorm), { maxDistance });
  const cell = view.cellPath ? readGradient(byDistanceFromJacobian(view.cellPath), { maxDistance }) : undefined;
  return cell ? { hidden, cell } : { hidden };
}

/**
 * The reading: the regime of the path that carries the gradient furthest, each path's numbers as the Jacobian chart
 * draws them, what to try for this cell, and the rule (src/shared/gradientReading.ts).
 */
export function gradientReading(view: GradientFlowView): string {
  if (view.jacobianNorm.length === 0) return 'The window is too short to say how the gradient travels back.';
  // The window's steps in the run's own unit: a tagger's tokens, a series' rows, a word run's words, else characters.
  const unit = view.tokenKind === 'words' || view.tokenKind === 'tokens' || view.tokenKind === 'rows' ? view.tokenKind : 'characters';
  const { hidden, cell } = pathReadings(view);
  const rho = view.spectralRadius[0];
  const sigma = view.largestSingularValue[0];
  const matrix = `ρ = ${rho.toFixed(2)}, σ_max = ${sigma.toFixed(2)} of W_hh`;
  if (cell) {
    // The gradient reaches back along whichever path keeps more of it; for a trained LSTM that is the cell state.
    const best = cell.regime !== 'unknown' && !(hidden.kept > cell.kept) ? cell : hidden;
    const f = view.meanForgetGate !== undefined ? `; mean forget gate f = ${view.meanForgetGate.toFixed(2)} over the window` : '';
    return [
      `${capital(best.regime)} along the ${best === cell ? 'cell' : 'hidden'} path.`,
      `Cell path ‖∂c_T/∂c_{T−d}‖ (the forget gates' product${f}): ${regimeSentence(cell, unit)}.`,
      `Hidden path ‖∂h_T/∂h_{T−d}‖ with c held (${matrix}'s candidate block): ${regimeSentence(hidden, unit)}.`,
      gradientAdvice(best, 'lstm', view.meanForgetGate),
      GRADIENT_RULE,
    ].filter((s) => s !== '').join(' ');
  }
  const block = view.cell === 'gru' ? `${matrix}'s candidate block` : matrix;
  return [
    `${capital(regimeSentence(hidden, unit))}, by ‖∂h_T/∂h_{T−d}‖ (${block}).`,
    view.cell === 'rnn' ? pascanuSentence(sigma) : '',
    gradientAdvice(hidden, view.cell),
    GRADIENT_RULE,
  ].filter((s) => s !== '').join(' ');
}

/**
 * A bidirectional run's two chains: the forward chain h→ carries the gradient back toward the window's first step,
 * the backward chain h← toward its last, and each chain's own last step gets only the loss of that step. Compares
 * the first layer's two chains at their far ends (t = 1 for h→, t = T for h←) with their own last steps.
 */
export function bidirectionalReading(view: Pick<GradientFlowView, 'directions' | 'gradNormH'>): string {
  if ((view.directions ?? 1) < 2 || view.gradNormH.length < 2) return '';
  const forward = view.gradNormH[0];
  const backward = view.gradNormH[1];
  const T = forward.length;
  if (T < 2) return '';
  const f = forward[0] / forward[T - 1];
  const b = backward[T - 1] / backward[0];
  return `Bidirectional: the forward chain h→ carries the gradient back toward step 1 (there ${formatRatio(f)} × its value at step ${T}), ` +
    `the backward chain h← toward step ${T} (there ${formatRatio(b)} × its value at step 1); each chain's last step gets only its own step's loss. ` +
    'The Jacobian and the spectra below are the forward chain\'s.';
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
  // A few clipped steps out of many are "under 1%", never "0%" beside a count that is not zero.
  const percent = share > 0 && share < 0.005 ? 'under 1%' : `${Math.round(100 * share)}%`;
  const steps = `${history.stepsSeen} step${history.stepsSeen === 1 ? '' : 's'}`;
  if (history.stepsClipped === 0) return `No step was clipped (of ${steps} recorded).`;
  let peak = 0;
  for (let i = 0; i < history.gradNormBefore.length; i++) peak = Math.max(peak, history.gradNormBefore[i]);
  if (share >= 0.5) {
    // After an "Exploding: …" reading of the window, the clipping confirms it rather than saying it twice.
    return `${reading.startsWith('Exploding') ? 'Over training too' : 'Exploding'}: clipped ${percent} of steps (of ${steps}) — the raw gradient norm (up to ${peak.toPrecision(3)}) keeps exceeding the threshold, so clipping sets the step size. Try a lower learning rate.`;
  }
  return `Clipped ${percent} of steps (of ${steps}; the largest norm before clipping ${peak.toPrecision(3)}).`;
}

/**
 * The caption under the Jacobian chart when the run's truncated BPTT (K steps) reaches less far than the window:
 * the shaded distances, K … T, are where training never sends a gradient (it reaches K − 1 steps back at most).
 */
export function truncationCaption(view: Pick<GradientFlowView, 'truncation' | 'jacobianNorm'>): string {
  const K = view.truncation;
  const n = view.jacobianNorm.length;
  if (K === undefined || K > n) return '';
  return `Shaded: distances ${K} to ${n}. This run trains with truncated BPTT of K = ${K} steps, so its gradient reaches at most ${K - 1} steps back: the shaded distances are never backpropagated in training, and the reading stops before them.`;
}
