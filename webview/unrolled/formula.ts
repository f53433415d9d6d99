// The recurrence of one hidden node with the real numbers of its step (pure: tested in Node). Vectors are summarised
// by their Euclidean norm ‖·‖ and gates by their mean over the units.
import type { GatesView } from '../../src/shared/webviewProtocol';
import { seriesBlock, showChar } from '../gates/analysis';

/** The first step shown: `steps` steps centred on `selected`, inside the window of T. */
export function windowStart(selected: number, steps: number, T: number): number {
  const centre = selected < 0 ? T - 1 : selected;
  return Math.max(0, Math.min(centre - Math.floor(steps / 2), T - steps));
}

/** The H values of series `name` of layer k at step t (zeros before the window: the trace starts from h_0 = 0). */
export function unitValues(view: GatesView, k: number, name: string, t: number): Float32Array {
  const H = view.hiddenSize;
  const s = view.series.indexOf(name);
  if (s < 0 || t < 0) return new Float32Array(H);
  return seriesBlock(view, k, s).subarray(t * H, (t + 1) * H);
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
const mean = (v: Float32Array) => v.reduce((a, x) => a + x, 0) / v.length;
const f2 = (x: number) => x.toFixed(2);

/** Lines describing h_t of layer k at step t: the cell's equations and the values of this step. */
export function stepFormula(view: GatesView, k: number, t: number): string[] {
  const input = k === 0 ? `x_t = “${showChar(view.tokens[t])}” (one-hot)` : `x_t = h_t of layer ${k}, ‖x_t‖ = ${f2(norm(unitValues(view, k - 1, 'h', t)))}`;
  const hPrev = norm(unitValues(view, k, 'h', t - 1));
  const h = norm(unitValues(view, k, 'h', t));
  const at = `Layer ${k + 1}, step ${t + 1}${t === 0 ? ' (the window starts from h₀ = 0)' : ''}`;
  if (view.cell === 'lstm') {
    const cPrev = norm(unitValues(view, k, 'c', t - 1));
    const c = norm(unitValues(view, k, 'c', t));
    return [
      at, input,
      `i_t, f_t, o_t = σ(W x_t + U h_{t−1} + b), g_t = tanh(…): mean i = ${f2(mean(unitValues(view, k, 'i', t)))}, f = ${f2(mean(unitValues(view, k, 'f', t)))}, o = ${f2(mean(unitValues(view, k, 'o', t)))}; ‖g_t‖ = ${f2(norm(unitValues(view, k, 'g', t)))}`,
      `c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t: ‖c_{t−1}‖ = ${f2(cPrev)} → ‖c_t‖ = ${f2(c)}`,
      `h_t = o_t ⊙ tanh(c_t): ‖h_{t−1}‖ = ${f2(hPrev)} → ‖h_t‖ = ${f2(h)}`,
    ];
  }
  if (view.cell === 'gru') {
    return [
      at, input,
      `r_t, z_t = σ(W x_t + U h_{t−1} + b): mean r = ${f2(mean(unitValues(view, k, 'r', t)))}, z = ${f2(mean(unitValues(view, k, 'z', t)))}`,
      `n_t = tanh(W_n x_t + r_t ⊙ (U_n h_{t−1}) + b_n): ‖n_t‖ = ${f2(norm(unitValues(view, k, 'n', t)))}`,
      `h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}: ‖h_{t−1}‖ = ${f2(hPrev)} → ‖h_t‖ = ${f2(h)}`,
    ];
  }
  return [at, input, `h_t = tanh(W_xh x_t + W_hh h_{t−1} + b): ‖h_{t−1}‖ = ${f2(hPrev)} → ‖h_t‖ = ${f2(h)}`];
}
