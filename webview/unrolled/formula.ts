// The recurrence of one hidden node with the real numbers of its step (pure: tested in Node). Vectors are summarised
// by their Euclidean norm ‖·‖ and gates by their mean over the units.
import type { GatesView } from '../../src/shared/webviewProtocol';
import { seriesBlock } from '../common/gatesView';
import { showChar } from '../common/tokenLabels';

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

/** Step t's token as the panels name it: a row's label, or the character / word in quotes (whitespace made visible). */
export function tokenShown(view: GatesView, t: number): string {
  return view.tokenKind === 'rows' ? view.tokens[t] : `“${showChar(view.tokens[t])}”`;
}

/**
 * What the first layer reads at step t, as the run feeds it (view.input): a one-hot vector over the vocabulary, the
 * token's learned embedding row, or the row's numbers. A trace that does not say (made before it was recorded) is
 * named by its steps only: a character run's input is one-hot, a row's its numbers, otherwise "its input vector".
 */
export function inputShown(view: GatesView, t: number): string {
  const token = tokenShown(view, t);
  const x = view.input;
  if (x?.kind === 'one-hot') return `one-hot ${token} (${x.vocabulary} entries: 1 at its id, 0 elsewhere)`;
  if (x?.kind === 'embedding') return `the embedding row of ${token} (${x.size} learned numbers: row id of the ${x.vocabulary} × ${x.size} table E)`;
  if (x?.kind === 'rows') return `${token} (its ${x.size === 1 ? 'one number' : `${x.size} numbers`})`;
  if (view.tokenKind === 'rows') return `${token} (its numbers)`;
  return view.tokenKind === undefined ? `${token} (one-hot)` : `${token} (its input vector)`;
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
const mean = (v: Float32Array) => v.reduce((a, x) => a + x, 0) / v.length;
const f2 = (x: number) => x.toFixed(2);

/**
 * Lines describing h_t of chain c at step t (c = k·D + d: layer k, direction d; a one-directional run's chain is its
 * layer): the cell's equations and the values of this step. A backward chain h← runs right to left: its previous
 * state is h←_{t+1}, zero past the window's last step.
 */
export function stepFormula(view: GatesView, c: number, t: number): string[] {
  const D = view.directions ?? 1;
  const k = Math.floor(c / D);
  const backward = D > 1 && c % D === 1;
  const T = view.tokens.length;
  const prevT = backward ? t + 1 : t - 1;
  const prevOut = prevT < 0 || prevT >= T;
  const h_ = D > 1 ? (backward ? 'h←' : 'h→') : 'h';
  const prev = backward ? '{t+1}' : '{t−1}';
  const below = (name: string, tt: number) => {
    // Layer k − 1's output at t: [h→_t ; h←_t] for a bidirectional run.
    const parts = Array.from({ length: D }, (_, d) => unitValues(view, (k - 1) * D + d, name, tt));
    return Math.sqrt(parts.reduce((a, v) => a + norm(v) ** 2, 0));
  };
  const input = k === 0 ? `x_t = ${inputShown(view, t)}` : `x_t = ${D > 1 ? '[h→_t ; h←_t]' : 'h_t'} of layer ${k}, ‖x_t‖ = ${f2(below('h', t))}`;
  const at = `${D > 1 ? `${backward ? 'Backward' : 'Forward'} chain ${h_}, l` : 'L'}ayer ${k + 1}, step ${t + 1}${prevOut ? (backward ? ' (the chain starts at the window\'s end from h← = 0)' : ' (the window starts from h₀ = 0)') : ''}`;
  const values = (name: string, tt: number) => (tt < 0 || tt >= T ? new Float32Array(view.hiddenSize) : unitValues(view, c, name, tt));
  const hPrev = norm(values('h', prevT));
  const h = norm(values('h', t));
  if (view.cell === 'lstm') {
    const cPrev = norm(values('c', prevT));
    const cc = norm(values('c', t));
    return [
      at, input,
      `i_t, f_t, o_t = σ(W_xh x_t + b_ih + W_hh h_${prev} + b_hh) per gate block, g_t = tanh(…): mean i = ${f2(mean(values('i', t)))}, f = ${f2(mean(values('f', t)))}, o = ${f2(mean(values('o', t)))}; ‖g_t‖ = ${f2(norm(values('g', t)))}`,
      `c_t = f_t ⊙ c_${prev} + i_t ⊙ g_t: ‖c_${prev}‖ = ${f2(cPrev)} → ‖c_t‖ = ${f2(cc)}`,
      `h_t = o_t ⊙ tanh(c_t): ‖h_${prev}‖ = ${f2(hPrev)} → ‖h_t‖ = ${f2(h)}`,
    ];
  }
  if (view.cell === 'gru') {
    return [
      at, input,
      `r_t, z_t = σ(W_xh x_t + b_ih + W_hh h_${prev} + b_hh) per gate block: mean r = ${f2(mean(values('r', t)))}, z = ${f2(mean(values('z', t)))}`,
      `n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_${prev} + b_hn)): ‖n_t‖ = ${f2(norm(values('n', t)))}`,
      `h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_${prev}: ‖h_${prev}‖ = ${f2(hPrev)} → ‖h_t‖ = ${f2(h)}`,
    ];
  }
  const act = view.nonlinearity === 'relu' ? 'relu' : 'tanh';
  return [at, input, `h_t = ${act}(W_xh x_t + b_ih + W_hh h_${prev} + b_hh): ‖h_${prev}‖ = ${f2(hPrev)} → ‖h_t‖ = ${f2(h)}`];
}
