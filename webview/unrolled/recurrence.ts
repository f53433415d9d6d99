// "The recurrence with this step's numbers" (pure: tested in Node). The worker sends every term of one chain's step
// (src/engine/recurrenceTerms.ts, all H units, float64); this writes them for one unit as arithmetic a reader can
// check by hand, and for H ≤ 16 as whole vectors. Notation as the README and the walkthrough write it: W_xh and W_hh
// (PyTorch's weight_ih and weight_hh; a gated cell's gate blocks by PyTorch's names W_ii, W_hi, … W_in, W_hn), the
// biases b_ih and b_hh, h_{t−1} — or h_{t+1} for the backward chain h←, which runs right to left.
import type { GatesView } from '../../src/shared/protocol/gatesPanel';
import type { RecurrenceTerms } from '../../src/shared/protocol/traces';
import { tokenShown as shownToken, unitValues } from './formula';

/** Whole vectors are shown up to this many units. */
export const WHOLE_VECTORS_MAX_H = 16;

/** The chain c = k·D + d a layer and direction name. */
export const chainIndex = (view: GatesView, layer: number, backward: boolean) => layer * (view.directions ?? 1) + (backward && (view.directions ?? 1) > 1 ? 1 : 0);

/** The unit with the largest |h_t| of chain c at step t (the default unit). */
export function mostActiveUnit(view: GatesView, c: number, t: number): number {
  const h = unitValues(view, c, 'h', t);
  let best = 0;
  for (let j = 1; j < h.length; j++) if (Math.abs(h[j]) > Math.abs(h[best])) best = j;
  return best;
}

/** A signed number with 4 decimals, negative ones in parentheses inside a sum: "0.1234", "(−0.5000)". */
export const num = (x: number, digits = 4) => (Object.is(x, -0) ? 0 : x).toFixed(digits).replace('-', '−');
const term = (x: number) => (x < 0 ? `(${num(x)})` : num(x));

/** The gate blocks of a cell in PyTorch's order, with the nonlinearity each goes through. */
export function gateBlocks(view: GatesView): { name: string; act: string }[] {
  if (view.cell === 'lstm') return [{ name: 'i', act: 'σ' }, { name: 'f', act: 'σ' }, { name: 'g', act: 'tanh' }, { name: 'o', act: 'σ' }];
  if (view.cell === 'gru') return [{ name: 'r', act: 'σ' }, { name: 'z', act: 'σ' }, { name: 'n', act: 'tanh' }];
  return [{ name: 'h', act: view.nonlinearity === 'relu' ? 'relu' : 'tanh' }];
}

export interface RecurrenceText {
  /** Which chain, step and unit. */
  heading: string;
  /** The cell's equations in symbols (the run's own nonlinearity). */
  formula: string[];
  /** The picked unit's arithmetic, one line per term. */
  unit: string[];
  /** H ≤ 16: rows of [label, value per unit]. */
  vectors?: { label: string; values: number[] }[];
}

/** The text of the recurrence of `r` (a step of `view`'s chain r.chain) for unit `j`. */
export function recurrenceText(view: GatesView, r: RecurrenceTerms, j: number): RecurrenceText {
  const D = view.directions ?? 1;
  const H = view.hiddenSize;
  const k = Math.floor(r.chain / D);
  const backward = D > 1 && r.chain % D === 1;
  const T = view.tokens.length;
  const h = D > 1 ? (backward ? 'h←' : 'h→') : 'h';
  const c = D > 1 ? (backward ? 'c←' : 'c→') : 'c';
  const p = backward ? '{t+1}' : '{t−1}';
  const hp = `${h}_${p}`;
  const cp = `${c}_${p}`;
  const blocks = gateBlocks(view);
  const at = (g: number) => g * H + j;
  const first = backward ? r.t === T - 1 : r.t === 0;
  const start = first ? (backward ? ` (${hp} = 0: the chain starts at the window's end)` : ` (${hp} = 0: the window starts from a zero state)`) : '';
  const chainName = D > 1 ? `${backward ? 'backward' : 'forward'} chain ${h}, ` : '';
  const tokenShown = shownToken(view, r.t);
  const heading = `Layer ${k + 1} of ${view.layers}, ${chainName}step ${r.t + 1} (${tokenShown}), unit ${j + 1} of ${H}${start}`;
  const suffix = `_l${k}${backward ? '_reverse' : ''}`;

  // x_t and where W_xh x_t comes from.
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((a, x) => a + x * x, 0));
  const list = (v: ArrayLike<number>) => `(${Array.from(v, (x) => num(x, 3)).join(', ')})`;
  const xLine = r.input === 'one-hot'
    ? `x_t = one-hot ${tokenShown} (id ${r.id}): W_xh x_t is the column W_xh[:, ${r.id}] (weight_ih${suffix}; indices from 0 as in PyTorch)`
    : r.input === 'embedding'
      ? `x_t = embedding row ${r.id} of ${tokenShown}, ‖x_t‖ = ${num(norm(r.x))}${r.x.length <= WHOLE_VECTORS_MAX_H ? ` = ${list(r.x)}` : ''}`
      : r.input === 'rows'
        ? `x_t = ${view.tokens[r.t]} = ${r.x.length <= WHOLE_VECTORS_MAX_H ? list(r.x) : `(‖x_t‖ = ${num(norm(r.x))})`}`
        : `x_t = ${D > 1 ? '[h→_t ; h←_t]' : 'h_t'} of layer ${k}, ‖x_t‖ = ${num(norm(r.x))}`;
  const hLine = view.cell === 'rnn'
    ? `‖${hp}‖ = ${num(norm(r.hPrev))}; W_hh ${hp} for unit ${j + 1} is W_hh[${j}, :] · ${hp} (weight_hh${suffix})`
    : `‖${hp}‖ = ${num(norm(r.hPrev))}; W_h· ${hp} for unit ${j + 1} is row ${j} of each gate block · ${hp} (weight_hh${suffix} rows g·H + ${j})`;

  const formula: string[] = [];
  const unit: string[] = [xLine, hLine];
  const sum = (g: number) => `${term(r.inputTerm[at(g)])} + ${term(r.biasIh[at(g)])} + ${term(r.hiddenTerm[at(g)])} + ${term(r.biasHh[at(g)])}`;
  if (view.cell === 'rnn') {
    const act = blocks[0].act;
    formula.push(`${h}_t = ${act}(W_xh x_t + b_ih + W_hh ${hp} + b_hh)`);
    unit.push(
      `a = W_xh x_t + b_ih + W_hh ${hp} + b_hh = ${sum(0)} = ${num(r.preActivation[j])}`,
      `${h}_t = ${act}(a) = ${act}(${num(r.preActivation[j])}) = ${num(r.h[j])}`,
    );
  } else {
    const lstm = view.cell === 'lstm';
    const W = (x: 'i' | 'h', g: string) => `W_${x}${g}`;
    const b = (x: 'i' | 'h', g: string) => `b_${x}${g}`;
    formula.push(lstm
      ? `W_xh = [W_ii; W_if; W_ig; W_io], W_hh = [W_hi; W_hf; W_hg; W_ho], b_ih and b_hh in the same blocks (PyTorch's layout; the walkthrough's W_f [${hp}; x_t] + b_f is W_if x_t + b_if + W_hf ${hp} + b_hf)`
      : `W_xh = [W_ir; W_iz; W_in], W_hh = [W_hr; W_hz; W_hn], b_ih and b_hh in the same blocks (PyTorch's layout)`);
    blocks.forEach((g, gi) => {
      const a = r.preActivation[at(gi)];
      if (!lstm && g.name === 'n') {
        const rr = r.activation[at(0)];
        formula.push(`n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn ${hp} + b_hn))`);
        unit.push(
          `n: a = W_in x_t + b_in + r·(W_hn ${hp} + b_hn) = ${term(r.inputTerm[at(gi)])} + ${term(r.biasIh[at(gi)])} + ${num(rr)}·(${term(r.hiddenTerm[at(gi)])} + ${term(r.biasHh[at(gi)])}) = ${num(a)} → n = tanh(a) = ${num(r.activation[at(gi)])}`,
        );
        return;
      }
      formula.push(`${g.name}_t = ${g.act}(${W('i', g.name)} x_t + ${b('i', g.name)} + ${W('h', g.name)} ${hp} + ${b('h', g.name)})`);
      unit.push(`${g.name}: a = ${W('i', g.name)} x_t + ${b('i', g.name)} + ${W('h', g.name)} ${hp} + ${b('h', g.name)} = ${sum(gi)} = ${num(a)} → ${g.name} = ${g.act}(a) = ${num(r.activation[at(gi)])}`);
    });
    if (lstm) {
      const [i, f, g, o] = [0, 1, 2, 3].map((gi) => r.activation[at(gi)]);
      formula.push(`${c}_t = f_t ⊙ ${cp} + i_t ⊙ g_t`, `${h}_t = o_t ⊙ tanh(${c}_t)`);
      unit.push(
        `${cp} = ${num(r.cPrev![j])}`,
        `${c}_t = f·${cp} + i·g = ${num(f)}·${term(r.cPrev![j])} + ${num(i)}·${term(g)} = ${num(r.c![j])}`,
        `tanh(${c}_t) = ${num(r.tanhC![j])}`,
        `${h}_t = o·tanh(${c}_t) = ${num(o)}·${term(r.tanhC![j])} = ${num(r.h[j])}`,
      );
    } else {
      const [z, n] = [r.activation[at(1)], r.activation[at(2)]];
      formula.push(`${h}_t = (1 − z_t) ⊙ n_t + z_t ⊙ ${hp}`);
      unit.push(`${h}_t = (1 − z)·n + z·${hp} = (1 − ${num(z)})·${term(n)} + ${num(z)}·${term(r.hPrev[j])} = ${num(r.h[j])}`);
    }
  }

  if (H > WHOLE_VECTORS_MAX_H) return { heading, formula, unit };
  const block = (v: Float64Array, g: number) => Array.from(v.subarray(g * H, (g + 1) * H));
  const vectors: { label: string; values: number[] }[] = [{ label: hp, values: Array.from(r.hPrev) }];
  if (r.cPrev) vectors.push({ label: cp, values: Array.from(r.cPrev) });
  blocks.forEach((g, gi) => {
    const n = view.cell === 'rnn' ? '' : g.name;
    const xh = view.cell === 'rnn' ? 'W_xh x_t' : `W_i${n} x_t`;
    const hh = view.cell === 'rnn' ? `W_hh ${hp}` : `W_h${n} ${hp}`;
    vectors.push(
      { label: xh, values: block(r.inputTerm, gi) },
      { label: view.cell === 'rnn' ? 'b_ih' : `b_i${n}`, values: block(r.biasIh, gi) },
      { label: hh, values: block(r.hiddenTerm, gi) },
      { label: view.cell === 'rnn' ? 'b_hh' : `b_h${n}`, values: block(r.biasHh, gi) },
      { label: view.cell === 'rnn' ? 'a' : `a_${n}`, values: block(r.preActivation, gi) },
      { label: view.cell === 'rnn' ? `${h}_t = ${g.act}(a)` : `${n}_t = ${g.act}(a_${n})`, values: block(r.activation, gi) },
    );
  });
  if (r.c && r.tanhC) vectors.push({ label: `${c}_t`, values: Array.from(r.c) }, { label: `tanh(${c}_t)`, values: Array.from(r.tanhC) });
  if (view.cell !== 'rnn') vectors.push({ label: `${h}_t`, values: Array.from(r.h) });
  return { heading, formula, unit, vectors };
}
