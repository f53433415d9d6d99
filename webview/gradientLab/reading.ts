// Pure (no DOM): the lab's numbers in words, read with the extension's one rule (src/shared/gradientReading.ts) from
// the curves the chart draws. "Kept" is ‖g_0‖ / ‖g_{T−1}‖, the share of the last step's gradient norm left T − 1 steps
// back; the factor per step is kept^(1/(T−1)), so the two always agree.
import {
  byDistanceFromTime, EXPLODING_PER_STEP, VANISHING_PER_STEP, formatFactor, formatPerStep, GRADIENT_RULE, pascanuSentence, readGradient, type GradientReading, type GradientRegime,
} from '../../src/shared/gradientReading';
import type { GradientLabView, TrainedGradientLabView } from '../../src/shared/webviewProtocol';

/** What both modes draw: the random models at a set ρ, or two trained runs (ρ measured from the RNN's W_hh). */
export type LabCurves = Pick<GradientLabView, 'spectralRadius' | 'steps' | 'rnnHidden' | 'lstmHidden' | 'lstmCell' | 'meanForgetGate' | 'linearHidden' | 'largestSingularValue' | 'carouselFactor'>;

/** A share or factor with two significant digits, small ones as 3e-6 (never "0" for a tiny positive value). */
export function formatShare(x: number | null): string {
  return x === null ? 'not measurable' : formatFactor(x);
}

/** ‖g_0‖ / ‖g_{T−1}‖ of a curve (null when the last step's norm is zero or a value is missing). */
export function keptShare(curve: (number | null)[]): number | null {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (first === null || first === undefined || last === null || last === undefined || !(last > 0)) return null;
  return first / last;
}

/** The reading of one curve of the chart (index t, the loss at T − 1). */
export function curveReading(curve: (number | null)[]): GradientReading {
  return readGradient(byDistanceFromTime(curve));
}

/** vanishing / exploding / holding of a curve, by the shared rule. */
export function regime(curve: (number | null)[]): GradientRegime {
  return curveReading(curve).regime;
}

const rho = (v: LabCurves) => v.spectralRadius.toFixed(2);
const numbers = (r: GradientReading) => `${formatShare(r.kept)} (×${formatPerStep(r.perStep)} per step, ${r.regime})`;

/** The headline: how much of the last step's gradient each model keeps at the first step, and the rule. */
export function labReading(v: LabCurves): string {
  const back = v.steps - 1;
  const rnn = curveReading(v.rnnHidden);
  const cell = curveReading(v.lstmCell);
  const sigma = v.largestSingularValue === null || v.largestSingularValue === undefined ? '' : ` (σ_max = ${v.largestSingularValue.toFixed(2)})`;
  const ratio = cell.kept / rnn.kept;
  const compare =
    Number.isFinite(ratio) && ratio > 0
      ? ratio >= 1
        ? `, ${formatShare(ratio)} times the RNN's`
        : `; the RNN keeps ${formatShare(1 / ratio)} times as much${v.meanForgetGate !== null && v.meanForgetGate < 0.6 ? ' (the LSTM line says why: its forget gates are half shut)' : ''}`
      : '';
  const linear = v.linearHidden ? `; a linear RNN with the same W_hh keeps ${numbers(curveReading(v.linearHidden))}` : '';
  return (
    `ρ = ${rho(v)}${sigma}, T = ${v.steps}, ${back} steps back: the tanh RNN keeps ${numbers(rnn)} of the last step's gradient; ` +
    `the LSTM's cell gradient ‖∂L/∂c‖ keeps ${numbers(cell)}${compare}${linear}. ${GRADIENT_RULE}`
  );
}

/**
 * The LSTM in a sentence. Going one step back along the cell state multiplies ∂L/∂c by the forget gate (eq. 4 of the
 * engine: ∂L/∂c_t = f_{t+1} ⊙ ∂L/∂c_{t+1} + ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh² c_t)): at f ≈ 0.5 it halves each step.
 */
export function lstmReading(v: GradientLabView): string {
  const f = v.meanForgetGate === null ? 'not measurable' : v.meanForgetGate.toFixed(2);
  const cell = curveReading(v.lstmCell);
  const hidden = curveReading(v.lstmHidden);
  const carousel = v.carouselFactor === null || v.carouselFactor === undefined ? '' : formatPerStep(v.carouselFactor);
  const best = carousel === '' ? '' : `; the unit whose gates stay most open gives ×${carousel} per step`;
  const measured = `the cell gradient falls ×${formatPerStep(cell.perStep)} per step, the hidden state's ×${formatPerStep(hidden.perStep)}`;
  if (v.meanForgetGate !== null && v.meanForgetGate < 0.6) {
    return (
      `LSTM: mean forget gate f = ${f} (forget bias ${v.forgetBias}). An untrained LSTM has f = σ(pre-activation ≈ ${v.forgetBias}) ≈ ${f}, ` +
      `and going back one step multiplies ∂L/∂c by f${best}: ${measured}, so it does not carry the gradient. ` +
      'A forget-gate bias of 1 or more (Gers et al. 2000; Jozefowicz et al. 2015) — choose it in "LSTM forget-gate bias" above — or training on data that needs a long memory, opens the gates and the cell path then carries it.'
    );
  }
  return (
    `LSTM: mean forget gate f = ${f} (forget bias ${v.forgetBias}). Going back one step multiplies ∂L/∂c by f, not by W_hh${best}, ` +
    `and the h term of the cell's backward adds to it: ${measured}.`
  );
}

/** Why the tanh RNN does what it does, and what to try. */
export function rnnReading(v: LabCurves): string {
  const r = curveReading(v.rnnHidden);
  const pascanu = v.largestSingularValue === null || v.largestSingularValue === undefined ? '' : ` ${pascanuSentence(v.largestSingularValue)}`;
  switch (r.regime) {
    case 'vanishing': {
      // Each step back multiplies by the Jacobian diag(1 − h²) W_hh: W_hh shrinks it (ρ < 1) or tanh saturates (1 − h² ≪ 1).
      const linear = v.linearHidden ? curveReading(v.linearHidden) : undefined;
      // What tanh's slope takes off is measured: the tanh RNN's factor against the linear RNN's with the same W_hh.
      const slope = linear && linear.perStep > 0 ? ` (tanh's slope 1 − h² multiplies the linear RNN's ×${formatPerStep(linear.perStep)} per step by about ×${formatPerStep(r.perStep / linear.perStep)})` : '';
      const why = v.spectralRadius < 1 ? `W_hh shrinks it far back (ρ = ${rho(v)} < 1) and tanh's slope 1 − h² ≤ 1 only adds to that${slope}` : `tanh's slope 1 − h² ≤ 1 outweighs ρ = ${rho(v)}${slope}`;
      return `RNN: vanishing — each step back multiplies the gradient by diag(1 − h²) W_hh, ×${formatPerStep(r.perStep)} on average here: ${why}, so distant characters barely affect learning.${pascanu}`;
    }
    case 'exploding':
      return `RNN: exploding — ×${formatPerStep(r.perStep)} per step: the Jacobians stretch the gradient more than tanh's slope shrinks it; training needs gradient clipping.${pascanu}`;
    case 'holding':
      return v.spectralRadius >= 1
        ? `RNN: holding — ×${formatPerStep(r.perStep)} per step over ${r.distance} steps: here W_hh's stretching (ρ = ${rho(v)}) and tanh's slope balance.${pascanu}`
        : `RNN: holding — ×${formatPerStep(r.perStep)} per step over ${r.distance} steps: W_hh (ρ = ${rho(v)}) shrinks it too slowly to show within the steps read.${pascanu}`;
    default:
      return 'RNN: the gradient is too small to measure its decay.';
  }
}

/** The linear RNN (closed form): it shows the exploding half, which tanh's saturation hides. */
export function linearReading(v: LabCurves): string {
  if (!v.linearHidden) return '';
  const r = curveReading(v.linearHidden);
  const base = `Linear RNN (no tanh, the same W_hh, ∂L/∂h_{T−1−d} = (W_hhᵀ)ᵈ ∂L/∂h_{T−1}): ${r.regime}, ×${formatPerStep(r.perStep)} per step — far back it scales like ρᵈ = ${rho(v)}ᵈ.`;
  if (r.regime !== 'exploding') return `${base} Far back it grows like ρᵈ once ρ > 1; the rule calls it exploding once the measured factor per step passes ${EXPLODING_PER_STEP}.`;
  return (
    `${base} ${r.distance} steps back the gradient is ${formatShare(r.kept)} times the last step's. Gradient clipping rescales the whole ` +
    'gradient to the threshold when its norm exceeds it: the update stays bounded and keeps its direction, but the distant steps still dominate it.'
  );
}

// ── Trained-weights mode: the same rule and sentences on the curves of two finished runs ──

/**
 * The headline after training: which runs, then labReading's numbers (ρ and σ_max are measured on the trained RNN's
 * W_hh), then how far training itself backpropagated: a run trained with truncated BPTT of K steps never sent a
 * gradient further than K − 1 steps back, so its weights were never shaped by what lies beyond.
 */
export function trainedLabReading(v: TrainedGradientLabView): string {
  const back = v.steps - 1;
  const beyond = [
    v.rnnTruncation - 1 < back ? `the RNN run backpropagated at most ${v.rnnTruncation - 1} steps` : '',
    v.lstmTruncation - 1 < back ? `the LSTM run at most ${v.lstmTruncation - 1}` : '',
  ].filter((x) => x !== '');
  const truncation = beyond.length > 0 ? ` Training never sent a gradient that far: ${beyond.join(', ')} (truncated BPTT).` : '';
  return `After training (ρ and σ_max of the trained RNN's W_hh): ${labReading(v)}${truncation}`;
}

/** The trained LSTM: its forget gates on these characters, measured, and what they do to ∂L/∂c. */
export function trainedLstmReading(v: TrainedGradientLabView): string {
  const f = v.meanForgetGate === null ? 'not measurable' : v.meanForgetGate.toFixed(2);
  const bias = v.lstmForgetBias === null ? '' : `, mean forget bias b_if + b_hf = ${v.lstmForgetBias.toFixed(2)} after training`;
  const cell = curveReading(v.lstmCell);
  const hidden = curveReading(v.lstmHidden);
  const best = v.carouselFactor === null ? '' : `; the unit whose gates stay most open gives ×${formatPerStep(v.carouselFactor)} per step`;
  const measured = `the cell gradient falls ×${formatPerStep(cell.perStep)} per step (${cell.regime}), the hidden state's ×${formatPerStep(hidden.perStep)}`;
  // The carousel's best unit decides whether any long path is left: ∏ f_t of that unit over the window, per step.
  const open = v.carouselFactor !== null && v.carouselFactor >= VANISHING_PER_STEP;
  const shut = v.meanForgetGate !== null && v.meanForgetGate < 0.6
    ? open
      ? ' Its forget gates are half shut on average here, so most units forget within a few characters; only the units whose gates stay open carry the gradient far.'
      : ` Its forget gates are half shut on average here, and no unit keeps its gate open over these ${v.steps} characters: after this training the cell path does not carry the gradient far on this text.`
    : '';
  return `LSTM (${v.lstmRun}): mean forget gate f = ${f} on these ${v.steps} characters${bias}. Going back one step multiplies ∂L/∂c by f, not by W_hh${best}: ${measured}.${shut}`;
}

// ── Gradient clipping on the exploding case (Pascanu, Mikolov & Bengio 2013, "clipping the gradient's norm") ──
//
// Clipping by norm rescales the whole gradient g when it is too long: g ← g · θ / ‖g‖ if ‖g‖ > θ. Here g is the
// linear RNN's backpropagated gradient over the window, (∂L/∂h_0, …, ∂L/∂h_{T−1}), so ‖g‖² = Σ_t ‖∂L/∂h_t‖²; every
// step's part is multiplied by the SAME factor c = min(1, θ/‖g‖) (the parameter gradient Σ_t δ_t h_{t−1}ᵀ is scaled by
// the same c when clipped as a whole). The update's length is bounded by θ, its direction is unchanged: the share of
// ‖g‖² from distant steps is what it was.

/** Thresholds the page offers (null: off). 5 is the clip of the example experiments. */
export const CLIP_THRESHOLDS = [1, 5, 10] as const;

export interface ClippedCurve {
  /** ‖g‖ before clipping. */
  total: number;
  /** c = min(1, θ/‖g‖). */
  factor: number;
  /** c · ‖∂L/∂h_t‖, index t as the curve. */
  clipped: (number | null)[];
  /** Share of ‖g‖² from the steps more than (T − 1)/2 back: the same before and after clipping. */
  farShare: number;
}

/** The curve clipped as one gradient at norm θ (null entries count as 0 and stay null). */
export function clipCurve(curve: (number | null)[], threshold: number): ClippedCurve {
  const T = curve.length;
  let sum = 0;
  let far = 0;
  // Sums of squares relative to the largest entry, so a norm of 1e150 does not overflow when squared.
  const scale = Math.max(...curve.map((v) => (v !== null && Number.isFinite(v) ? v : 0)));
  curve.forEach((v, t) => {
    if (v === null || !(scale > 0)) return;
    const q = (v / scale) ** 2;
    sum += q;
    if (T - 1 - t > (T - 1) / 2) far += q;
  });
  const total = scale > 0 ? scale * Math.sqrt(sum) : 0;
  const factor = total > threshold ? threshold / total : 1;
  return { total, factor, clipped: curve.map((v) => (v === null ? null : v * factor)), farShare: sum > 0 ? far / sum : NaN };
}

/** A share as a percentage with two digits; never "100%" or "0%" for a share short of them. */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return 'an unmeasurable share';
  if (share > 0.99 && share < 1) return 'over 99%';
  if (share > 0 && share < 0.01) return 'under 1%';
  return `${Number((100 * share).toPrecision(2))}%`;
}

/** What clipping at θ does to the linear RNN's gradient here, in numbers the clipping chart draws. */
export function clipReading(v: LabCurves, threshold: number | null): string {
  if (!v.linearHidden) return '';
  if (threshold === null) return 'Gradient clipping is off: choose a threshold θ to see what clipping the norm does to this gradient.';
  const c = clipCurve(v.linearHidden, threshold);
  const regime = curveReading(v.linearHidden).regime;
  const half = Math.floor((v.steps - 1) / 2);
  const share = formatPercent(c.farShare);
  if (c.factor === 1) {
    return (
      `Clipping at θ = ${threshold}: the linear RNN's gradient norm ${formatFactor(c.total)} is not above θ, so clipping changes nothing; ` +
      `${share} of its squared norm comes from more than ${half} steps back. Clipping only shortens a gradient that is too long: it never restores a vanishing one's distant part (Pascanu et al. 2013).`
    );
  }
  return (
    `Clipping at θ = ${threshold} (Pascanu et al. 2013) on the linear RNN (${regime}): its gradient norm ${formatFactor(c.total)} is rescaled to ${threshold}, ` +
    `every step's part by the same factor ×${formatFactor(c.factor)}, so the update's size is bounded and its direction unchanged: ` +
    `${share} of the squared norm still comes from more than ${half} steps back, before and after. ` +
    'Clipping stops one huge step; it does not change which steps the gradient comes from, nor restore the long-range information tanh saturation or a vanishing product loses.'
  );
}
