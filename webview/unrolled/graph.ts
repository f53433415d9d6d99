// The unrolled network as SVG: one column per time step — the input x_t (the real character), a hidden node per layer,
// the output (the predicted next character) — joined by W_xh (input to layer 1, and layer k to layer k + 1), W_hh
// (step t − 1 to t, per layer) and W_hy (top layer to output). Every arrow carries data-weight naming its matrix, so
// hovering one copy can light up all copies of the same weights. LSTM layers get their cell-state line c_t running
// above the hidden nodes; GRU layers their carried state (h_t = (1 − z) n + z h_{t−1}). A word run's columns are wider
// and its words cut short in the nodes (the whole word in the node's title and aria-label).
import type { GatesView } from '../../src/shared/webviewProtocol';
import { shortLabel, showChar } from '../gates/analysis';

const NS = 'http://www.w3.org/2000/svg';
const COL = 92;
/** A word run's columns, and the widths of its input and output nodes (their words cut to fit). */
const WORD_COL = 116;
const WORD_INPUT = { width: 100, chars: 11 };
const WORD_OUTPUT = { width: 104, chars: 7 };
const ROW = 84;
const LEFT = 70;
const TOP = 34;

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface GraphLayout {
  from: number;
  steps: number;
  selected: number;
  /** When set, arrows into h_t of layer k (and W_hy out of the top layer) take the colour of ‖∂L/∂h_t‖. */
  gradients?: { colour(k: number, t: number): string | undefined; value(k: number, t: number): number };
}

export function drawGraph(view: GatesView, layout: GraphLayout, folded: boolean): SVGSVGElement {
  const L = view.layers;
  const words = view.tokenKind === 'words';
  const unit = words ? 'word' : 'character';
  const col = words ? WORD_COL : COL;
  const steps = folded ? 1 : Math.min(layout.steps, view.tokens.length);
  const width = LEFT + steps * col + (folded ? 120 : 30);
  const height = TOP + (L + 2) * ROW;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'group', 'aria-label': folded
    ? 'The network folded: one cell whose hidden state loops back into itself'
    : `The network unrolled over steps ${layout.from + 1} to ${layout.from + steps}` });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
  defs.append(marker);
  root.append(defs);

  const x = (i: number) => LEFT + i * col + col / 2;
  const yOut = TOP + 14;
  const yHidden = (k: number) => TOP + (L - k) * ROW + 14; // layer 0 lowest
  const yIn = TOP + (L + 1) * ROW + 14;
  const edge = (x1: number, y1: number, x2: number, y2: number, weight: string, label: string, grad?: { k: number; t: number }) => {
    const line = svg('line', { x1, y1, x2, y2, class: 'edge', 'data-weight': weight, 'marker-end': 'url(#arrow)' });
    const g = grad && !folded ? layout.gradients : undefined;
    const colour = g?.colour(grad!.k, grad!.t);
    let title = label;
    if (g && colour) {
      // The gradient flowing back along this arrow: ‖∂L/∂h_t‖ of the node it points into (CSSOM style: CSP-safe).
      const v = g.value(grad!.k, grad!.t);
      line.classList.add('graded');
      line.style.stroke = colour;
      line.setAttribute('data-grad', String(v));
      title = `${label}. Gradient flowing back: ‖∂L/∂h_t‖ = ${v.toExponential(2)}`;
    }
    line.append(svg('title', {}, title));
    // A wide transparent twin, so a thin arrow is easy to hover.
    root.append(line, svg('line', { x1, y1, x2, y2, class: 'hit', 'data-weight': weight }));
    return line;
  };
  // Row labels
  const rowLabel = (y: number, text: string) => root.append(svg('text', { x: 8, y: y + 4, class: 'row-label' }, text));
  rowLabel(yOut, 'output');
  for (let k = 0; k < L; k++) rowLabel(yHidden(k), L > 1 ? `h layer ${k + 1}` : 'hidden h');
  rowLabel(yIn, 'input x');

  // Cell-state / carried-state lines, behind the nodes.
  if (view.cell !== 'rnn') {
    for (let k = 0; k < L; k++) {
      const y = yHidden(k) - 26;
      const line = svg('line', { x1: x(0) - col / 2 + 4, y1: y, x2: x(steps - 1) + col / 2 - 4, y2: y, class: 'state-line', 'data-weight': `state${k}` });
      line.append(svg('title', {}, view.cell === 'lstm' ? `Cell state c of layer ${k + 1}: c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t` : `Carried state of layer ${k + 1}: h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}`));
      root.append(line, svg('text', { x: x(steps - 1) + col / 2 - 2, y: y - 4, class: 'state-label', 'text-anchor': 'end' }, view.cell === 'lstm' ? 'c' : 'z·h'));
    }
  }

  for (let i = 0; i < steps; i++) {
    const t = layout.from + i;
    const cx = x(i);
    // Arrows first (under the nodes).
    edge(cx, yIn - 14, cx, yHidden(0) + 16, 'xh0', L > 1 ? 'W_xh of layer 1 (the same matrix at every step)' : 'W_xh (the same matrix at every step)', { k: 0, t });
    for (let k = 1; k < L; k++) edge(cx, yHidden(k - 1) - 16, cx, yHidden(k) + 16, `xh${k}`, `W_xh of layer ${k + 1}: layer ${k}'s h_t as its input`, { k, t });
    edge(cx, yHidden(L - 1) - 16, cx, yOut + 14, 'hy', 'W_hy (the same output layer at every step)', { k: L - 1, t });
    for (let k = 0; k < L; k++) {
      if (folded) {
        const y = yHidden(k);
        const loop = svg('path', { d: `M ${cx + 24} ${y - 6} C ${cx + 90} ${y - 40}, ${cx + 90} ${y + 40}, ${cx + 24} ${y + 6}`, class: 'edge', 'data-weight': `hh${k}`, 'marker-end': 'url(#arrow)', fill: 'none' });
        loop.append(svg('title', {}, `W_hh of layer ${k + 1}: h_{t−1} feeds back into the same cell`));
        root.append(loop, svg('text', { x: cx + 74, y: y + 4, class: 'weight-label', 'data-weight': `hh${k}`, tabindex: 0, role: 'button' }, 'W_hh'));
      } else if (i > 0) {
        edge(x(i - 1) + 24, yHidden(k), cx - 24, yHidden(k), `hh${k}`, `W_hh of layer ${k + 1}: h_{t−1} to h_t (the same matrix at every step)`, { k, t });
      }
    }
    // The weights' names on the first copy, focusable: focus lights up every copy, like hovering.
    const label = (lx: number, ly: number, weight: string, text: string, anchor = 'start') =>
      root.append(svg('text', { x: lx, y: ly, class: 'weight-label', 'text-anchor': anchor, 'data-weight': weight, tabindex: 0, role: 'button' }, text));
    if (i === 0 || folded) {
      label(cx + 6, (yIn + yHidden(0)) / 2 + 4, 'xh0', 'W_xh');
      for (let k = 1; k < L; k++) label(cx + 6, (yHidden(k - 1) + yHidden(k)) / 2 + 4, `xh${k}`, 'W_xh');
      label(cx + 6, (yHidden(L - 1) + yOut) / 2 + 4, 'hy', 'W_hy');
    }
    if (i === 1 && !folded) for (let k = 0; k < L; k++) label((x(0) + cx) / 2, yHidden(k) - 6, `hh${k}`, 'W_hh', 'middle');

    // Nodes.
    const selected = t === layout.selected && !folded;
    const token = folded ? 'x_t' : showChar(view.tokens[t]);
    const input = svg('g', { class: `node input${selected ? ' selected' : ''}`, tabindex: 0, role: 'button', 'data-step': t, 'aria-label': `input at step ${t + 1}: ${token}. Press Enter to select it in the editor.` });
    const inputWidth = words ? WORD_INPUT.width : 36;
    input.append(
      svg('rect', { x: cx - inputWidth / 2, y: yIn - 14, width: inputWidth, height: 28, rx: 4 }),
      svg('text', { x: cx, y: yIn + 5, 'text-anchor': 'middle' }, words && !folded ? shortLabel(view.tokens[t], WORD_INPUT.chars) : token),
    );
    if (words && !folded) input.append(svg('title', {}, `Step ${t + 1}: ${token}`));
    root.append(input);
    for (let k = 0; k < L; k++) {
      const node = svg('g', { class: `node hidden${selected ? ' selected' : ''}`, tabindex: 0, 'data-layer': k, 'data-step': t, 'data-weight-node': `cell${k}`,
        'aria-label': `hidden state of layer ${k + 1} at step ${t + 1}; focus for its numbers` });
      node.append(svg('rect', { x: cx - 24, y: yHidden(k) - 16, width: 48, height: 32, rx: 8 }), svg('text', { x: cx, y: yHidden(k) + 5, 'text-anchor': 'middle' }, folded ? 'h_t' : `h${subscript(t + 1)}`));
      root.append(node);
    }
    const top = folded ? 'ŷ_t' : showChar(view.topChars[t * 5]);
    const p = folded ? '' : ` ${view.topProbabilities[t * 5].toFixed(2)}`;
    const out = svg('g', { class: 'node output', 'data-step': t, 'aria-label': folded ? 'output' : `predicted next ${unit} after step ${t + 1}: ${top} with probability${p}` });
    const outputWidth = words ? WORD_OUTPUT.width : 52;
    out.append(
      svg('rect', { x: cx - outputWidth / 2, y: yOut - 14, width: outputWidth, height: 28, rx: 4 }),
      svg('text', { x: cx, y: yOut + 5, 'text-anchor': 'middle' }, `${words && !folded ? shortLabel(view.topChars[t * 5], WORD_OUTPUT.chars) : top}${p}`),
    );
    if (words && !folded) out.append(svg('title', {}, `Predicted next word: ${top}${p}`));
    root.append(out);
  }
  return root;
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
function subscript(n: number): string {
  return [...String(n)].map((d) => SUB[Number(d)]).join('');
}
