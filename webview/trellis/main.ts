// Entry of the Trellis panel's webview (bundled to dist/webview/trellis.js): states × time of one HMM decoding, for
// the window of steps the host sends. Posterior P(s_t = i | o) shades each node, the Viterbi path is drawn over
// them, hovering a node shows its back-pointer and the joint log probability decomposed at that step; clicking a
// column (or prev/next, or the step field) posts the step, and the host moves the window and the editor cursor.
import type { HostToTrellisPanel, TrellisPanelToHost, TrellisWindow } from '../../src/shared/protocol/trellisPanel';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import css from './trellis.css';
import { decompose, formatLog, formatProbability, isTrellisWindow } from './decomposition';
import { adoptStyles, el } from '../common/dom';

interface SavedTrellis {
  view?: TrellisWindow;
  message?: string;
}

const SVG = 'http://www.w3.org/2000/svg';

adoptStyles(css);

function svg(tag: string, attrs: Record<string, string | number>, parent?: Element): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

// ── Layout ──
const root = document.getElementById('root') ?? document.body;
const header = el('header');
const title = el('h1', {}, 'Trellis');
const labels = el('span', { class: 'labels', id: 'labels' });
header.append(title, labels);
const stats = el('div', { class: 'stats', id: 'stats' });
const nav = el('nav', { 'aria-label': 'Steps' });
const firstWindow = el('button', { id: 'prev-window', title: 'Previous window' }, '«');
const prev = el('button', { id: 'prev', title: 'Previous step' }, '‹');
const stepLabel = el('label', { for: 'step' }, 'step');
const stepField = el('input', { id: 'step', type: 'number', min: '1', inputmode: 'numeric', 'aria-label': 'Step (1-based)' });
const ofTotal = el('span', { id: 'of-total', class: 'range' });
const next = el('button', { id: 'next', title: 'Next step' }, '›');
const nextWindow = el('button', { id: 'next-window', title: 'Next window' }, '»');
const range = el('span', { id: 'window-range', class: 'range' });
nav.append(firstWindow, prev, stepLabel, stepField, ofTotal, next, nextWindow, range);
const message = el('p', { id: 'message', role: 'status' });
message.hidden = true;
const wrap = el('div', { id: 'trellis-wrap' });
wrap.addEventListener('scroll', () => pinStateLabels(), { passive: true });
const legend = el('p', { class: 'legend' });
legend.append(
  el('span', { class: 'swatch-node' }, '●'), ' shading = posterior P(state | all symbols)   ',
  el('span', { class: 'swatch-path' }, '━'), ' Viterbi path   ',
  el('span', { class: 'swatch-back' }, '→'), ' back-pointer of the hovered node',
);
const decomposition = el('section', { id: 'decomposition', 'aria-live': 'polite' });
const empty = el('p', { id: 'empty' }, "Run 'Sequence Lab: Decode Active File with HMM…' on a file to see its trellis here.");
const content = el('div', { id: 'content' });
content.append(stats, nav, wrap, legend, decomposition);
root.append(header, message, empty, content);

// ── State ──
let view: TrellisWindow | undefined;
let hovered: { step: number; state: number } | undefined;

function save(): void {
  setState<SavedTrellis>({ view, message: message.hidden ? undefined : message.textContent ?? undefined });
}

/** The last step posted, so the step field's Enter and change events do not post it twice. */
let lastRequested = -1;

function selectStep(step: number): void {
  if (!view) return;
  const target = Math.max(0, Math.min(view.totalSteps - 1, Math.round(step)));
  lastRequested = target;
  if (target >= view.from && target < view.from + view.symbols.length) {
    view = { ...view, selected: target };
    draw();
    save();
  }
  post<TrellisPanelToHost>({ type: 'selectStep', step: target });
}

// ── Drawing ──
function draw(): void {
  const has = view !== undefined;
  empty.hidden = has;
  content.hidden = !has;
  if (!view) {
    labels.textContent = '';
    return;
  }
  const v = view;
  labels.textContent = `${v.fileLabel} · ${v.modelLabel}`;
  stats.replaceChildren(
    stat('selected step', String(v.selected + 1), 'step-shown'),
    stat('steps', v.totalSteps.toLocaleString('en'), 'total-steps'),
    stat('states', String(v.states.length), 'state-count'),
    stat('log P(Viterbi path, o)', formatLog(v.pathLogProbability), 'path-log-probability'),
    stat('log P(o)', formatLog(v.logLikelihood), 'log-likelihood'),
  );
  if (document.activeElement !== stepField) stepField.value = String(v.selected + 1);
  stepField.max = String(v.totalSteps);
  ofTotal.textContent = `of ${v.totalSteps.toLocaleString('en')}`;
  range.textContent = `showing steps ${v.from + 1}–${v.from + v.symbols.length}`;
  prev.disabled = firstWindow.disabled = v.selected <= 0;
  next.disabled = nextWindow.disabled = v.selected >= v.totalSteps - 1;
  drawTrellis(v);
  drawDecomposition(v);
}

function stat(name: string, value: string, id: string): HTMLElement {
  const s = el('span', {}, `${name} `);
  s.append(el('b', { id }, value));
  return s;
}

function drawTrellis(v: TrellisWindow): void {
  const n = v.states.length;
  const steps = v.symbols.length;
  const labelWidth = Math.min(140, 16 + 7.5 * v.states.reduce((m, s) => Math.max(m, s.length), 0));
  const available = Math.max(320, (wrap.clientWidth || document.body.clientWidth || 900) - 4);
  const colWidth = Math.max(20, Math.min(56, (available - labelWidth - 8) / steps));
  const rowHeight = Math.max(18, Math.min(44, 420 / n));
  // Labels longer than a column is wide are drawn slanted (up to 12 characters), with room above the nodes.
  const maxChars = Math.max(1, Math.floor(colWidth / 7.5));
  const longest = v.symbols.reduce((m, x) => Math.max(m, [...x].length), 0);
  const slanted = longest > maxChars;
  const labelChars = slanted ? Math.min(12, longest) : maxChars;
  const top = slanted ? 20 + labelChars * 5.6 : 34;
  const width = labelWidth + colWidth * steps + 8;
  const height = top + rowHeight * n + 26;
  const radius = Math.max(4, Math.min(colWidth * 0.28, rowHeight * 0.32));
  const x = (k: number): number => labelWidth + colWidth * (k + 0.5);
  const y = (i: number): number => top + rowHeight * (i + 0.5);

  const s = svg('svg', { id: 'trellis', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Trellis of ${n} states over steps ${v.from + 1} to ${v.from + steps}` });
  const defs = svg('defs', {}, s);
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }, marker);

  for (let k = 0; k < steps; k++) {
    const step = v.from + k;
    const col = svg('rect', { class: `col${step === v.selected ? ' selected' : ''}`, x: labelWidth + colWidth * k, y: 0, width: colWidth, height, 'data-step': step }, s);
    col.addEventListener('click', () => selectStep(step));
    const symbol = v.symbols[k];
    const shown = [...symbol].length > labelChars ? `${[...symbol].slice(0, Math.max(1, labelChars - 1)).join('')}…` : symbol;
    const group = svg('g', {}, s);
    const full = svg('title', {}, group);
    full.textContent = `step ${step + 1}: “${symbol}”`;
    const labelAttrs: Record<string, string | number> = slanted
      ? { x: x(k), y: top - 8, transform: `rotate(-55 ${x(k)} ${top - 8})`, 'text-anchor': 'start' }
      : { x: x(k), y: 20 };
    const label = svg('text', { class: `symbol${step === v.selected ? ' selected' : ''}`, 'data-step': step, ...labelAttrs }, group);
    label.textContent = shown;
    label.addEventListener('click', () => selectStep(step));
    const nearSelected = Math.abs(step - v.selected) === 1;
    if (((step + 1) % 5 === 0 || k === 0) && !nearSelected || step === v.selected) {
      const num = svg('text', { class: 'step-number', x: x(k), y: height - 8 }, s);
      num.textContent = String(step + 1);
    }
  }
  // The state names sit in their own group over an opaque strip; when the trellis is wider than the panel the group
  // is moved with the horizontal scroll (see pinStateLabels), so the rows stay named.
  const stateLabels = svg('g', { id: 'state-labels', class: 'state-labels' });
  svg('rect', { class: 'label-strip', x: 0, y: 0, width: labelWidth - 2, height }, stateLabels);
  for (let i = 0; i < n; i++) {
    svg('line', { class: 'grid', x1: labelWidth, x2: labelWidth + colWidth * steps, y1: y(i), y2: y(i) }, s);
    const t = svg('text', { class: 'state-label', x: labelWidth - 8, y: y(i) }, stateLabels);
    t.textContent = v.states[i];
  }
  const points = v.path.map((i, k) => `${x(k).toFixed(1)},${y(i).toFixed(1)}`).join(' ');
  svg('polyline', { id: 'viterbi-path', class: 'path-line', points, 'pointer-events': 'none' }, s);

  const back = svg('line', { id: 'backpointer', class: 'backpointer', 'marker-end': 'url(#arrow)', visibility: 'hidden', 'pointer-events': 'none' });
  for (let k = 0; k < steps; k++) {
    const step = v.from + k;
    for (let i = 0; i < n; i++) {
      const p = v.posterior[k * n + i];
      const onPath = v.path[k] === i;
      const node = svg('circle', {
        class: `node${onPath ? ' on-path' : ''}`,
        cx: x(k), cy: y(i), r: radius,
        'fill-opacity': (0.06 + 0.94 * Math.max(0, Math.min(1, p))).toFixed(3),
        'data-step': step, 'data-state': i,
      }, s);
      const tip = svg('title', {}, node);
      tip.textContent = `${v.states[i]} at step ${step + 1}: P = ${formatProbability(p)}${onPath ? ' (Viterbi)' : ''}`;
      node.addEventListener('mouseenter', () => {
        hovered = { step, state: i };
        node.classList.add('hovered');
        const b = v.backpointer[k * n + i];
        if (step > 0 && k > 0 && b >= 0) {
          // From the predecessor's edge to this node's edge.
          const x1 = x(k - 1), y1 = y(b), x2 = x(k), y2 = y(i);
          const len = Math.hypot(x2 - x1, y2 - y1) || 1;
          back.setAttribute('x1', String(x1 + ((x2 - x1) / len) * radius));
          back.setAttribute('y1', String(y1 + ((y2 - y1) / len) * radius));
          back.setAttribute('x2', String(x2 - ((x2 - x1) / len) * (radius + 1)));
          back.setAttribute('y2', String(y2 - ((y2 - y1) / len) * (radius + 1)));
          back.setAttribute('visibility', 'visible');
          back.setAttribute('data-from-state', String(b));
        }
        drawDecomposition(v);
      });
      node.addEventListener('mouseleave', () => {
        node.classList.remove('hovered');
        back.setAttribute('visibility', 'hidden');
        hovered = undefined;
        drawDecomposition(v);
      });
      node.addEventListener('click', () => selectStep(step));
    }
  }
  s.appendChild(back); // on top of the nodes
  s.appendChild(stateLabels); // on top of everything, so scrolled columns pass under it
  wrap.replaceChildren(s);
  // Keep the selected column in view when the trellis is wider than the panel.
  const selectedX = x(v.selected - v.from);
  if (selectedX - colWidth < wrap.scrollLeft || selectedX + colWidth > wrap.scrollLeft + wrap.clientWidth) {
    wrap.scrollLeft = Math.max(0, selectedX - wrap.clientWidth / 2);
  }
  pinStateLabels();
}

/** Keeps the state-name column at the left edge of the visible part of a horizontally scrolled trellis. */
function pinStateLabels(): void {
  const group = wrap.querySelector('#state-labels');
  if (group) group.setAttribute('transform', `translate(${wrap.scrollLeft} 0)`);
}

function drawDecomposition(v: TrellisWindow): void {
  const target = hovered ?? { step: v.selected, state: v.path[v.selected - v.from] };
  const d = decompose(v, target.step, target.state);
  if (!d) {
    decomposition.replaceChildren();
    return;
  }
  const heading = el('h2', { id: 'decomposition-title' },
    `Step ${d.step + 1}, state ${v.states[d.state]}, symbol “${v.symbols[d.step - v.from]}”${hovered ? ' (hovered)' : ' (selected)'}`);
  const table = el('table', { id: 'decomposition-table' });
  const head = el('tr');
  head.append(el('th', {}, ''), el('th', {}, 'log (nats)'), el('th', {}, 'probability'));
  table.append(head);
  for (const row of d.rows) {
    const tr = el('tr', { class: row.kind });
    tr.append(el('td', {}, row.label), el('td', { class: 'num' }, formatLog(row.value)), el('td', { class: 'num' }, row.probability === undefined ? '' : formatProbability(row.probability)));
    table.append(tr);
  }
  const note = el('p', { class: 'note', id: 'decomposition-note' },
    `${d.onPath ? 'On the Viterbi path' : 'Not on the Viterbi path: the best path ending in this node'} · posterior P(${v.states[d.state]} at step ${d.step + 1} | o) = ${formatProbability(d.posterior)}` +
      ` · at the last step the Viterbi total is log P(path, o) = ${formatLog(v.pathLogProbability)}`);
  decomposition.replaceChildren(heading, table, note);
}

// ── Events ──
const move = (delta: number) => () => view && selectStep(view.selected + delta);
prev.addEventListener('click', move(-1));
next.addEventListener('click', move(1));
firstWindow.addEventListener('click', () => view && selectStep(view.selected - view.symbols.length));
nextWindow.addEventListener('click', () => view && selectStep(view.selected + view.symbols.length));
stepField.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || !view) return;
  const n = Number(stepField.value);
  if (Number.isInteger(n) && n >= 1) selectStep(n - 1);
});
stepField.addEventListener('change', () => {
  const n = Number(stepField.value);
  if (view && Number.isInteger(n) && n >= 1 && n - 1 !== view.selected && n - 1 !== lastRequested) selectStep(n - 1);
});
document.addEventListener('keydown', (event) => {
  if (event.target === stepField) return;
  if (event.key === 'ArrowLeft') move(-1)();
  if (event.key === 'ArrowRight') move(1)();
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(draw, 100);
});

onMessage<HostToTrellisPanel>({
  showWindow: (m) => {
    if (!isTrellisWindow(m.view)) return;
    view = m.view;
    hovered = undefined;
    message.hidden = true;
    draw();
    save();
  },
  detached: (m) => {
    message.textContent = m.message;
    message.hidden = false;
    save();
  },
});

const saved = getState<SavedTrellis>();
if (saved && isTrellisWindow(saved.view)) view = saved.view;
if (saved?.message) {
  message.textContent = saved.message;
  message.hidden = false;
}
draw();
post<TrellisPanelToHost>({ type: 'ready' });
