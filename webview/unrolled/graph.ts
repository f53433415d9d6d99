// The unrolled network as SVG: one column per time step — the input x_t (the real character), a hidden node per layer,
// the output (the predicted next character) — joined by W_xh (input to layer 1, and layer k to layer k + 1), W_hh
// (step t − 1 to t, per layer) and W_hy (top layer to output). Every arrow carries data-weight naming its matrix, so
// hovering one copy can light up all copies of the same weights. LSTM layers get their cell-state line c_t running
// above the hidden nodes; GRU layers their carried state (h_t = (1 − z) n + z h_{t−1}). A word run's columns are wider
// and its words cut short in the nodes (the whole word in the node's title and aria-label).
//
// A bidirectional run (view.directions = 2) is drawn as the lecture draws a BiRNN: per layer two rows of nodes, the
// forward chain h→ (its W_hh arrows pointing left to right, h→_t from h→_{t−1}) and above it the backward chain h←
// (its arrows pointing right to left, h←_t from h←_{t+1}), each with its own weights (PyTorch's *_reverse tensors),
// both reading the same input x_t and both feeding each output: y_t = W_hy [h→_t ; h←_t] (and layer k + 1's input).
// Arrows that skip a row curve around the node in between. The outputs show what the run predicts: the next
// character or word; a tagged run's predicted tag with its probability, ✓ or ✗ against the file's tag; a series
// run's prediction of the next row against that row; a sequence-to-one run one output, at the block's last step.
import type { GatesView } from '../../src/shared/protocol/gatesPanel';
import { shortLabel, showChar } from '../common/tokenLabels';

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

/** Chain c = k·D + d of a view: its layer k, direction d (0 forward h→, 1 backward h←) and how it is named. */
export function chainOf(view: Pick<GatesView, 'layers' | 'directions'>, c: number): { layer: number; backward: boolean; symbol: string; name: string } {
  const D = view.directions ?? 1;
  const layer = Math.floor(c / D);
  const backward = D > 1 && c % D === 1;
  const symbol = D > 1 ? (backward ? 'h←' : 'h→') : 'h';
  const where = view.layers > 1 ? ` of layer ${layer + 1}` : '';
  const name = D > 1 ? `${backward ? 'backward' : 'forward'} state ${symbol}${where}` : `hidden state${where}`;
  return { layer, backward, symbol, name };
}

/** The weight name of chain c's matrices: "xh0", "hh1" … and "xh0r", "hh0r" for a backward chain (PyTorch's _reverse). */
export const chainWeight = (kind: 'xh' | 'hh' | 'state', c: number, D: number) => `${kind}${Math.floor(c / D)}${D > 1 && c % D === 1 ? 'r' : ''}`;

/** What the output node of step t shows: its text, a longer title, and whether it is wrong (a tagged run's ✗). */
export function outputLabel(view: GatesView, t: number, chars: number | undefined): { text: string; title: string; aria?: string; wrong?: boolean } | undefined {
  const o = view.outputs;
  const fmt = (v: number) => (Math.abs(v) >= 100 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(1) : v.toFixed(2));
  if (o?.kind === 'tag') {
    const tag = view.topChars[t * 5];
    const p = view.topProbabilities[t * 5];
    const gold = o.gold[t];
    const right = tag === gold;
    return {
      text: `${chars ? shortLabel(tag, chars - 2) : tag} ${p.toFixed(2)} ${right ? '✓' : '✗'}`,
      title: `Predicted tag ${tag} with probability ${p.toFixed(2)}; the file's tag is ${gold}${right ? ' (right)' : ' (wrong)'}`,
      wrong: !right,
    };
  }
  if (o?.kind === 'series') {
    const F = o.names.length;
    const cells = o.names.map((n, j) => `${n} ${fmt(o.predicted[t * F + j])} (true ${fmt(o.actual[t * F + j])})`);
    return { text: `${fmt(o.predicted[t * F])} | ${fmt(o.actual[t * F])}`, title: `Predicted next row against the true next row: ${cells.join(', ')}` };
  }
  if (o?.kind === 'final') {
    if (t !== view.tokens.length - 1) return undefined;
    return { text: `${fmt(o.predicted)} | ${fmt(o.actual)}`, title: `The one output, after the block's last step: predicted ${o.name} ${fmt(o.predicted)} against the target ${fmt(o.actual)}` };
  }
  const top = showChar(view.topChars[t * 5]);
  const p = view.topProbabilities[t * 5].toFixed(2);
  const unit = view.tokenKind === 'words' ? 'word' : 'character';
  return {
    text: `${chars ? shortLabel(view.topChars[t * 5], chars) : top} ${p}`, title: `Predicted next ${unit}: ${top} ${p}`,
    aria: `predicted next ${unit} after step ${t + 1}: ${top} with probability ${p}`,
  };
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
  const D = view.directions ?? 1;
  const C = L * D;
  const kind = view.tokenKind;
  const wide = kind === 'words' || kind === 'tokens' || kind === 'rows';
  const unit = kind === 'words' ? 'word' : kind === 'tokens' ? 'token' : kind === 'rows' ? 'row' : 'character';
  const col = wide ? WORD_COL : COL;
  const steps = folded ? 1 : Math.min(layout.steps, view.tokens.length);
  const width = LEFT + steps * col + (folded ? 120 : 30);
  const height = TOP + (C + 2) * ROW;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'group', 'aria-label': folded
    ? `The network folded: ${D > 1 ? 'two cells per layer, h→ and h←, each' : 'one cell whose'} hidden state loops back into itself`
    : `The network unrolled over steps ${layout.from + 1} to ${layout.from + steps}${D > 1 ? ': the forward chain h→ left to right, the backward chain h← right to left' : ''}` });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
  defs.append(marker);
  root.append(defs);

  const x = (i: number) => LEFT + i * col + col / 2;
  const yOut = TOP + 14;
  /** Row ρ: −1 the inputs, 0 … C − 1 the chains (c = k·D + d, the lowest first), C the outputs. */
  const yRow = (r: number) => (r < 0 ? TOP + (C + 1) * ROW + 14 : r >= C ? yOut : TOP + (C - r) * ROW + 14);
  const yHidden = (c: number) => yRow(c);
  const yIn = yRow(-1);
  const half = (r: number) => (r < 0 || r >= C ? 14 : 16);
  /** Appends an arrow (a line, or a path for a curve) with its hit twin, its weight, its title and its gradient colour. */
  const arrow = (shape: SVGLineElement | SVGPathElement, twin: SVGLineElement | SVGPathElement, label: string, grad?: { k: number; t: number }) => {
    const g = grad && !folded ? layout.gradients : undefined;
    const colour = g?.colour(grad!.k, grad!.t);
    let title = label;
    if (g && colour) {
      // The gradient flowing back along this arrow: ‖∂L/∂h_t‖ of the node it points into (CSSOM style: CSP-safe).
      const v = g.value(grad!.k, grad!.t);
      shape.classList.add('graded');
      shape.style.stroke = colour;
      shape.setAttribute('data-grad', String(v));
      title = `${label}. Gradient flowing back: ‖∂L/∂h_t‖ = ${v.toExponential(2)}`;
    }
    shape.append(svg('title', {}, title));
    // A wide transparent twin, so a thin arrow is easy to hover.
    root.append(shape, twin);
    return shape;
  };
  const edge = (x1: number, y1: number, x2: number, y2: number, weight: string, label: string, grad?: { k: number; t: number }) =>
    arrow(
      svg('line', { x1, y1, x2, y2, class: 'edge', 'data-weight': weight, 'marker-end': 'url(#arrow)' }),
      svg('line', { x1, y1, x2, y2, class: 'hit', 'data-weight': weight }), label, grad,
    );
  const edgeOf = (d: string, weight: string, label: string, grad?: { k: number; t: number }) =>
    arrow(svg('path', { d, class: 'edge', 'data-weight': weight, 'marker-end': 'url(#arrow)' }), svg('path', { d, class: 'hit', 'data-weight': weight }), label, grad);
  /** An arrow up column cx from row `from` to row `to`: straight when they are neighbours, else curving around the rows between (side −1 left, +1 right). */
  const up = (cx: number, from: number, to: number, side: number, weight: string, label: string, grad?: { k: number; t: number }) => {
    const y1 = yRow(from) - half(from);
    const y2 = yRow(to) + half(to);
    if (to - from <= 1) return edge(cx, y1, cx, y2, weight, label, grad);
    const bulge = side * (44 + 10 * (to - from - 2));
    const dx = side * 12;
    return edgeOf(`M ${cx + dx} ${y1} Q ${cx + bulge} ${(y1 + y2) / 2} ${cx + dx} ${y2}`, weight, label, grad);
  };
  // Row labels
  const rowLabel = (y: number, text: string) => root.append(svg('text', { x: 8, y: y + 4, class: 'row-label' }, text));
  rowLabel(yOut, 'output');
  for (let c = 0; c < C; c++) {
    const { symbol, layer } = chainOf(view, c);
    rowLabel(yHidden(c), D > 1 ? `${symbol}${L > 1 ? ` layer ${layer + 1}` : ''}` : L > 1 ? `h layer ${layer + 1}` : 'hidden h');
  }
  rowLabel(yIn, 'input x');

  // Cell-state / carried-state lines, behind the nodes.
  if (view.cell !== 'rnn') {
    for (let c = 0; c < C; c++) {
      const { layer, backward, symbol } = chainOf(view, c);
      const y = yHidden(c) - 26;
      const of = `${D > 1 ? `${symbol} chain of ` : ''}layer ${layer + 1}`;
      const prev = backward ? 't+1' : 't−1';
      const line = svg('line', { x1: x(0) - col / 2 + 4, y1: y, x2: x(steps - 1) + col / 2 - 4, y2: y, class: 'state-line', 'data-weight': chainWeight('state', c, D) });
      line.append(svg('title', {}, view.cell === 'lstm' ? `Cell state c of the ${of}: c_t = f_t ⊙ c_{${prev}} + i_t ⊙ g_t` : `Carried state of the ${of}: h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{${prev}}`));
      root.append(line, svg('text', { x: backward ? x(0) - col / 2 + 6 : x(steps - 1) + col / 2 - 2, y: y - 4, class: 'state-label', 'text-anchor': backward ? 'start' : 'end' }, view.cell === 'lstm' ? 'c' : 'z·h'));
    }
  }

  const sources = (c: number): number[] => {
    // What chain c reads at step t: x_t (layer 0), else both chains of the layer below (y^{k−1}_t = [h→_t ; h←_t]).
    const k = Math.floor(c / D);
    return k === 0 ? [-1] : Array.from({ length: D }, (_, d) => (k - 1) * D + d);
  };
  const top = (L - 1) * D;
  const inputWord = kind === 'tokens' ? 'token' : kind === 'rows' ? 'row' : unit;

  for (let i = 0; i < steps; i++) {
    const t = layout.from + i;
    const cx = x(i);
    // Arrows first (under the nodes).
    for (let c = 0; c < C; c++) {
      const { layer, backward, symbol } = chainOf(view, c);
      for (const from of sources(c)) {
        const w = chainWeight('xh', c, D);
        const label = from < 0
          ? `W_xh${D > 1 ? ` of the ${symbol} chain` : ''}${L > 1 ? ` of layer 1` : ''} (the same matrix at every step)`
          : `W_xh of layer ${layer + 1}${D > 1 ? ` (${symbol})` : ''}: layer ${layer}'s ${D > 1 ? chainOf(view, from).symbol : 'h'}_t as its input`;
        up(cx, from, c, backward ? -1 : 1, w, label, { k: c, t });
      }
    }
    const out = outputLabel(view, t, undefined);
    if (folded || out) {
      for (let c = top; c < C; c++) {
        up(cx, c, C, 1, 'hy', D > 1 ? `W_hy (the same output layer at every step) reads ${chainOf(view, c).symbol}_t` : 'W_hy (the same output layer at every step)', { k: c, t });
      }
    }
    for (let c = 0; c < C; c++) {
      const { backward, layer, symbol } = chainOf(view, c);
      const w = chainWeight('hh', c, D);
      const of = `${L > 1 ? ` of layer ${layer + 1}` : ''}${D > 1 ? ` (${symbol})` : ''}`;
      if (folded) {
        const y = yHidden(c);
        const loop = svg('path', { d: `M ${cx + 24} ${y - 6} C ${cx + 90} ${y - 40}, ${cx + 90} ${y + 40}, ${cx + 24} ${y + 6}`, class: 'edge', 'data-weight': w, 'marker-end': 'url(#arrow)', fill: 'none' });
        loop.append(svg('title', {}, `W_hh${of}: h_{${backward ? 't+1' : 't−1'}} feeds back into the same cell`));
        root.append(loop, svg('text', { x: cx + 74, y: y + 4, class: 'weight-label', 'data-weight': w, tabindex: 0, role: 'button' }, 'W_hh'));
      } else if (i > 0) {
        // Forward: h_{t−1} (left) → h_t. Backward: h_t (right) → h_{t−1}, the arrow into step t − 1.
        if (backward) edge(cx - 24, yHidden(c), x(i - 1) + 24, yHidden(c), w, `W_hh${of}: h←_{t+1} to h←_t, right to left (the same matrix at every step)`, { k: c, t: t - 1 });
        else edge(x(i - 1) + 24, yHidden(c), cx - 24, yHidden(c), w, `W_hh${of}: h_{t−1} to h_t (the same matrix at every step)`, { k: c, t });
      }
    }
    // The weights' names on the first copy, focusable: focus lights up every copy, like hovering.
    const label = (lx: number, ly: number, weight: string, text: string, anchor = 'start') =>
      root.append(svg('text', { x: lx, y: ly, class: 'weight-label', 'text-anchor': anchor, 'data-weight': weight, tabindex: 0, role: 'button' }, text));
    if (i === 0 || folded) {
      for (let c = 0; c < C; c++) {
        const below = sources(c)[sources(c).length - 1];
        if (c - below === 1) label(cx + 6, (yRow(below) + yHidden(c)) / 2 + 4, chainWeight('xh', c, D), D > 1 && chainOf(view, c).backward ? 'W_xh←' : D > 1 ? 'W_xh→' : 'W_xh');
      }
      label(cx + 6, (yHidden(C - 1) + yOut) / 2 + 4, 'hy', 'W_hy');
    }
    if (i === 1 && !folded) for (let c = 0; c < C; c++) label((x(0) + cx) / 2, yHidden(c) - 6, chainWeight('hh', c, D), D > 1 ? (chainOf(view, c).backward ? 'W_hh←' : 'W_hh→') : 'W_hh', 'middle');

    // Nodes.
    const selected = t === layout.selected && !folded;
    const token = folded ? 'x_t' : showChar(view.tokens[t]);
    const input = svg('g', { class: `node input${selected ? ' selected' : ''}`, tabindex: 0, role: 'button', 'data-step': t, 'aria-label': `input at step ${t + 1}: ${token}. Press Enter to select it in the editor.` });
    const inputWidth = wide ? WORD_INPUT.width : 36;
    input.append(
      svg('rect', { x: cx - inputWidth / 2, y: yIn - 14, width: inputWidth, height: 28, rx: 4 }),
      svg('text', { x: cx, y: yIn + 5, 'text-anchor': 'middle' }, wide && !folded ? shortLabel(view.tokens[t], WORD_INPUT.chars) : token),
    );
    if (wide && !folded) input.append(svg('title', {}, kind === 'words' ? `Step ${t + 1}: ${token}` : `Step ${t + 1}: ${inputWord} ${token}`));
    root.append(input);
    for (let c = 0; c < C; c++) {
      const { symbol, name } = chainOf(view, c);
      const node = svg('g', { class: `node hidden${selected ? ' selected' : ''}${D > 1 ? (chainOf(view, c).backward ? ' backward' : ' forward') : ''}`, tabindex: 0, 'data-layer': c, 'data-step': t, 'data-weight-node': `cell${c}`,
        'aria-label': `${name} at step ${t + 1}; focus for its numbers` });
      node.append(svg('rect', { x: cx - 24, y: yHidden(c) - 16, width: 48, height: 32, rx: 8 }), svg('text', { x: cx, y: yHidden(c) + 5, 'text-anchor': 'middle' }, folded ? `${symbol}_t` : `${symbol}${subscript(t + 1)}`));
      root.append(node);
    }
    if (folded || out) {
      const shown = folded ? { text: view.outputs?.kind === 'tag' ? 'tag_t' : 'ŷ_t', title: 'output' } : outputLabel(view, t, wide ? WORD_OUTPUT.chars : undefined)!;
      const o = svg('g', { class: `node output${shown.wrong ? ' wrong' : ''}`, 'data-step': t, 'aria-label': folded ? 'output' : shown.aria ?? `step ${t + 1}: ${shown.title}` });
      const outputWidth = wide ? WORD_OUTPUT.width : 52;
      o.append(
        svg('rect', { x: cx - outputWidth / 2, y: yOut - 14, width: outputWidth, height: 28, rx: 4 }),
        svg('text', { x: cx, y: yOut + 5, 'text-anchor': 'middle' }, shown.text),
      );
      // A character is never cut short: its node needs no title (every other output's whole text is in one).
      if (!folded && (wide || view.outputs)) o.append(svg('title', {}, shown.title));
      root.append(o);
    }
  }
  return root;
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
function subscript(n: number): string {
  return [...String(n)].map((d) => SUB[Number(d)]).join('');
}
