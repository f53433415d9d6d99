// Pure (no DOM): the lab's numbers in words. "Kept" is ‖g_t‖ / ‖g_{T−1}‖ at t = 0, the share of the last step's
// gradient norm that is left T − 1 steps back; the per-step factor is the fitted exp(slope) of ln ‖g‖ against distance.
import type { GradientLabView } from '../../src/shared/webviewProtocol';

/** A share or factor with two significant digits, small ones as 3e-6 (never "0" for a tiny positive value). */
export function formatShare(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'not measurable';
  if (x === 0) return '0';
  if (x >= 0.01 && x < 1000) return String(Number(x.toPrecision(2)));
  const [mantissa, exponent] = x.toExponential(0).split('e');
  return `${mantissa}e${Number(exponent)}`;
}

/** ‖g_0‖ / ‖g_{T−1}‖ of a curve (null when the last step's norm is zero or a value is missing). */
export function keptShare(curve: (number | null)[]): number | null {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (first === null || first === undefined || last === null || last === undefined || !(last > 0)) return null;
  return first / last;
}

/** vanishing / exploding / holding, from the per-step factor (±3% per step counts as holding). */
export function regime(factor: number | null): 'vanishing' | 'exploding' | 'holding' | 'unknown' {
  if (factor === null || !Number.isFinite(factor)) return 'unknown';
  if (factor < 0.97) return 'vanishing';
  if (factor > 1.03) return 'exploding';
  return 'holding';
}

const rho = (v: GradientLabView) => v.spectralRadius.toFixed(2);

/** The headline: how much of the last step's gradient each model keeps at the first step. */
export function labReading(v: GradientLabView): string {
  const back = v.steps - 1;
  const rnn = keptShare(v.rnnHidden);
  const cell = keptShare(v.lstmCell);
  return (
    `ρ = ${rho(v)}, T = ${v.steps}: the RNN's gradient ${back} steps back is ${formatShare(rnn)} of the last step's ` +
    `(×${formatShare(v.rnnDecay)} per step, ${regime(v.rnnDecay)}); the LSTM's cell gradient keeps ${formatShare(cell)} of it ` +
    `(×${formatShare(v.lstmCellDecay)} per step, ${regime(v.lstmCellDecay)}).`
  );
}

/** The LSTM in a sentence: the forget gate is what multiplies the carousel's gradient each step. */
export function lstmReading(v: GradientLabView): string {
  const f = v.meanForgetGate === null ? 'not measurable' : v.meanForgetGate.toFixed(2);
  const hidden = keptShare(v.lstmHidden);
  const advice =
    v.forgetBias < 1
      ? 'Raise the forget bias to 1 or more to open the gates: the cell state then carries the gradient further back.'
      : `With forget bias ${v.forgetBias} the gates stay mostly open, so ∂L/∂c is multiplied by f ≈ ${f} per step instead of by W_hh.`;
  return `LSTM: mean forget gate f = ${f}; its hidden-state gradient keeps ${formatShare(hidden)} after ${v.steps - 1} steps. ${advice}`;
}

/** What to try next on the RNN, from its regime. */
export function rnnReading(v: GradientLabView): string {
  switch (regime(v.rnnDecay)) {
    case 'vanishing': {
      // Each step back multiplies by the Jacobian diag(1 − h²) W_hh: W_hh shrinks (ρ < 1) or tanh saturates (1 − h² ≪ 1).
      const why = v.spectralRadius < 1 ? `W_hh shrinks it (ρ = ${rho(v)} < 1)` : `tanh saturates (its slope 1 − h² is small), which outweighs ρ = ${rho(v)}`;
      return `RNN: vanishing — each step back multiplies the gradient by about ×${formatShare(v.rnnDecay)}: ${why}, so distant characters barely affect learning. Move ρ toward 1, or use the LSTM.`;
    }
    case 'exploding':
      return 'RNN: exploding — with ρ above 1 the Jacobians stretch the gradient at every step back; training would need gradient clipping.';
    case 'holding':
      return 'RNN: holding — near ρ = 1 the gradient neither vanishes nor explodes over these steps (the edge of chaos).';
    default:
      return 'RNN: the gradient is too small to measure its decay.';
  }
}
