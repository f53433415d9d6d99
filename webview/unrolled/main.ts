// Entry of the Unrolled Network panel's webview (bundled to dist/webview/unrolled.js): the run's network unrolled over
// 8–16 steps around the selected step of the traced window (see graph.ts), or folded into one cell with its loop.
// Hovering (or focusing) any arrow lights up every copy of the same weights — one network passing a message forward
// — and a hidden node shows the sparkline of its units and its recurrence with this step's numbers (formula.ts).
// Clicking an input (or Enter on it) asks the host to select that character (a word run: word) in the editor. "Show gradients" colours
// the arrows by the gradient flowing back along them after the backward pass over the whole window (BPTT down to its
// first step): ‖∂L/∂h_t‖ of the node an arrow points into, on a log scale (viridis), with a legend.
import type { GatesPanelToHost, GatesView, HostToGatesPanel } from '../../src/shared/webviewProtocol';
import type { RecurrenceTerms } from '../../src/shared/workerProtocol';
import { adoptStyles, el } from '../common/dom';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import { fromBase64, toBase64, typedOutputs } from '../common/gatesView';
import { stepFormula, unitValues, windowStart } from './formula';
import { chainOf, drawGraph, svg, type GraphLayout } from './graph';
import { chainIndex, mostActiveUnit, num, recurrenceText } from './recurrence';
import css from './unrolled.css';
import { chains, isView, plainTerms, typedTerms, type SavedUnrolled } from './unrolledState';
import { css as rgb, logRange, sequentialScale } from '../common/colours';

const send = (m: GatesPanelToHost) => post<GatesPanelToHost>(m);
const STEP_CHOICES = [8, 12, 16];
const WEIGHT_WORDS: Record<string, string> = {
  xh: 'W_xh', hh: 'W_hh', hy: 'W_hy', state: 'the carried state',
};

adoptStyles(css);
const root = document.getElementById('root') ?? document.body;
root.id = 'unrolled';
const header = el('header');
const refresh = el('button', { id: 'refresh', title: 'Trace the run\'s current model again' }, 'Refresh');
refresh.addEventListener('click', () => send({ type: 'refresh' }));
header.append(el('h1', {}, 'Unrolled network'), el('span', { class: 'labels', id: 'labels' }), refresh);
const message = el('p', { id: 'message', role: 'status' });
message.hidden = true;
const empty = el('p', { id: 'empty', class: 'muted' }, 'Waiting for a trace of the run…');
const controls = el('div', { class: 'controls' });
const fold = el('button', { id: 'fold', class: 'secondary', 'aria-pressed': 'false' }, 'Fold');
const fewer = el('button', { id: 'fewer', class: 'secondary', 'aria-label': 'Show fewer steps' }, '− steps');
const more = el('button', { id: 'more', class: 'secondary', 'aria-label': 'Show more steps' }, '+ steps');
const stepsLabel = el('span', { id: 'steps-label', class: 'muted' });
const gradToggle = el('button', { id: 'show-gradients', class: 'secondary', 'aria-pressed': 'false', title: 'Colour the arrows by ‖∂L/∂hₜ‖ after a backward pass over the window' }, 'Show gradients');
controls.append(fold, fewer, more, gradToggle, stepsLabel);
const gradLegend = el('div', { id: 'gradient-legend', class: 'grad-legend' });
const gradBar = el('canvas', { id: 'gradient-legend-bar', width: '160', height: '10', role: 'img', 'aria-label': 'Colour scale of the gradient norm, smallest left, largest right (log scale)' });
const gradLo = el('span', { id: 'gradient-lo' });
const gradHi = el('span', { id: 'gradient-hi' });
const gradNote = el('span', { id: 'gradient-note', class: 'muted' });
const gradStrip = el('canvas', { id: 'gradient-strip', role: 'img', 'aria-label': 'The gradient norm at every step of the window, one row per layer, the shown steps outlined' });
const gradStripBox = el('div', { class: 'strip-box' });
gradStripBox.append(gradStrip);
gradLegend.append(el('span', {}, '‖∂L/∂hₜ‖'), gradLo, gradBar, gradHi, gradNote, gradStripBox);
gradLegend.hidden = true;
const graphBox = el('div', { class: 'graph-box' });
const caption = el('p', { id: 'caption', 'aria-live': 'polite' });
const details = el('section', { id: 'details', 'aria-live': 'polite' });
details.hidden = true;
const content = el('div', { id: 'content' });
content.hidden = true;
// The recurrence of the selected step (or the window's last) with the worker's numbers, for a picked unit.
const recurrence = el('section', { id: 'recurrence', 'aria-live': 'polite' });
const recLayer = el('select', { id: 'rec-layer', 'aria-label': 'Layer of the recurrence' });
const recDirection = el('select', { id: 'rec-direction', 'aria-label': 'Direction of the recurrence' });
recDirection.append(el('option', { value: 'forward' }, 'forward chain h→ (reads h_{t−1})'), el('option', { value: 'backward' }, 'backward chain h← (reads h_{t+1})'));
const recUnit = el('input', { id: 'rec-unit', type: 'number', min: '1', step: '1', 'aria-label': 'Unit of the recurrence (1 to H)' });
const recMostActive = el('button', { id: 'rec-most-active', class: 'secondary', title: 'Follow the unit with the largest |h_t| at the selected step' }, 'Most active');
const recControls = el('div', { class: 'controls' });
recControls.append(el('label', { for: 'rec-layer', id: 'rec-layer-label' }, 'Layer'), recLayer, recDirection, el('label', { for: 'rec-unit' }, 'Unit'), recUnit, recMostActive);
const recStatus = el('p', { id: 'rec-status', class: 'muted' });
const recBody = el('div', { id: 'rec-body' });
recurrence.append(el('h2', {}, 'The recurrence with this step\'s numbers'), recControls, recStatus, recBody);
content.append(controls, gradLegend, graphBox, caption, details, recurrence);
root.append(header, message, empty, content);

let view: GatesView | undefined;
let selected = -1;
let steps = 12;
let folded = false;
let gradients = false;
/** The recurrence's layer, direction and picked unit (undefined: the most active one). */
let recLayerPicked = 0;
let recBackward = false;
let recUnitPicked: number | undefined;
/** The chain and step last asked of the host (asked once per page until it changes). */
let recAsked = '';

/** The colour of each arrow when "Show gradients" is on: ‖∂L/∂h_t‖ on viridis over the whole window's log range. */
function gradientColours(v: GatesView): GraphLayout['gradients'] {
  const g = v.gradNormH;
  const T = v.tokens.length;
  if (!gradients || !g || g.length !== chains(v) * T) return undefined;
  const range = logRange(g);
  if (!range) return undefined;
  const scale = sequentialScale();
  return {
    value: (k, t) => g[k * T + t],
    colour: (k, t) => {
      const x = g[k * T + t];
      return x > 0 && Number.isFinite(x) ? rgb(scale.colour((Math.log10(x) - range.lo) / (range.hi - range.lo))) : undefined;
    },
  };
}

function drawGradientLegend(v: GatesView): void {
  gradToggle.textContent = gradients ? 'Hide gradients' : 'Show gradients';
  gradToggle.setAttribute('aria-pressed', String(gradients));
  gradToggle.toggleAttribute('disabled', !v.gradNormH);
  if (!v.gradNormH) gradToggle.title = 'The worker traced no gradients for this model (too big for a backward pass between two updates)';
  const range = gradients && v.gradNormH ? logRange(v.gradNormH) : undefined;
  gradLegend.hidden = !range;
  if (!range) return;
  const ctx = gradBar.getContext('2d')!;
  const scale = sequentialScale();
  for (let x = 0; x < gradBar.width; x++) {
    ctx.fillStyle = rgb(scale.colour(x / (gradBar.width - 1)));
    ctx.fillRect(x, 0, 1, gradBar.height);
  }
  const tenTo = (l: number) => (10 ** l).toExponential(1).replace('e+', 'e');
  gradLo.textContent = tenTo(range.lo);
  gradHi.textContent = tenTo(range.hi);
  gradNote.textContent = folded ? '' : (v.directions ?? 1) > 1
    ? `BPTT of the window's loss: the forward chain h→'s gradient flows back toward step 1, the backward chain h←'s toward step ${v.tokens.length}; each arrow has the gradient of the state it points into. The whole window, one row per chain (layer 1 h→ at the bottom):`
    : `BPTT of the window's loss from step ${v.tokens.length} back to step 1; each arrow has the gradient of the state it points into. The whole window, layer 1 at the bottom:`;
  drawGradientStrip(v, range);
}

/** The whole window's ‖∂L/∂h_t‖, one row per layer (layer 1 at the bottom), the steps drawn above outlined. */
function drawGradientStrip(v: GatesView, range: { lo: number; hi: number }): void {
  const g = v.gradNormH!;
  const T = v.tokens.length;
  const L = chains(v);
  const cell = Math.max(2, Math.min(16, Math.floor(900 / T)));
  const rowH = 10;
  gradStrip.width = T * cell + 2;
  gradStrip.height = L * rowH + 2;
  const ctx = gradStrip.getContext('2d')!;
  ctx.clearRect(0, 0, gradStrip.width, gradStrip.height);
  const scale = sequentialScale();
  for (let k = 0; k < L; k++) {
    for (let t = 0; t < T; t++) {
      const x = g[k * T + t];
      if (!(x > 0 && Number.isFinite(x))) continue;
      ctx.fillStyle = rgb(scale.colour((Math.log10(x) - range.lo) / (range.hi - range.lo)));
      ctx.fillRect(1 + t * cell, 1 + (L - 1 - k) * rowH, cell, rowH);
    }
  }
  if (folded) return;
  const from = windowStart(selected, Math.min(steps, T), T);
  ctx.strokeStyle = getComputedStyle(document.body).getPropertyValue('--vscode-focusBorder').trim() || '#0078d4';
  ctx.lineWidth = 2;
  ctx.strokeRect(1 + from * cell, 1, Math.min(steps, T) * cell, L * rowH);
}

function draw(): void {
  if (!view) return;
  const T = view.tokens.length;
  const from = windowStart(selected, Math.min(steps, T), T);
  const graph = drawGraph(view, { from, steps, selected, gradients: gradientColours(view) }, folded);
  drawGradientLegend(view);
  // Shrink to the panel's width, but not below 3/4 of the natural size (then the box scrolls sideways).
  const natural = Number(graph.getAttribute('width'));
  graph.style.width = `${Math.max(Math.min(natural, graphBox.clientWidth - 2), 0.75 * natural)}px`;
  graphBox.replaceChildren(graph);
  // Keep the selected step in sight when the graph is wider than the panel.
  const chosen = graph.querySelector('.node.input.selected');
  if (chosen) {
    const r = chosen.getBoundingClientRect();
    const b = graphBox.getBoundingClientRect();
    graphBox.scrollLeft += r.left + r.width / 2 - (b.left + b.width / 2);
  }
  fold.textContent = folded ? 'Unroll' : 'Fold';
  fold.setAttribute('aria-pressed', String(folded));
  stepsLabel.textContent = folded ? 'one cell, its state looping back' : `${Math.min(steps, T)} steps: ${from + 1}–${from + Math.min(steps, T)} of the window`;
  fewer.toggleAttribute('disabled', folded || steps <= STEP_CHOICES[0]);
  more.toggleAttribute('disabled', folded || steps >= STEP_CHOICES[STEP_CHOICES.length - 1]);
  drawRecurrence();
  save();
}

/** The step whose recurrence is shown: the selected one, else the window's last. */
const recStep = (v: GatesView) => (selected >= 0 && selected < v.tokens.length ? selected : v.tokens.length - 1);

function drawRecurrence(): void {
  if (!view) return;
  const v = view;
  const D = v.directions ?? 1;
  recLayerPicked = Math.min(recLayerPicked, v.layers - 1);
  if (recLayer.options.length !== v.layers) {
    recLayer.replaceChildren(...Array.from({ length: v.layers }, (_, k) => el('option', { value: String(k) }, `${k + 1}${k > 0 ? ` (reads layer ${k}'s h_t)` : ''}`)));
  }
  recLayer.value = String(recLayerPicked);
  recLayer.hidden = v.layers === 1;
  document.getElementById('rec-layer-label')!.hidden = v.layers === 1;
  recDirection.hidden = D === 1;
  recDirection.value = recBackward && D > 1 ? 'backward' : 'forward';
  recUnit.max = String(v.hiddenSize);
  const c = chainIndex(v, recLayerPicked, recBackward);
  const t = recStep(v);
  const r = v.recurrence;
  if (!r || r.chain !== c || r.t !== t) {
    recStatus.textContent = `Asking the worker for every term of step ${t + 1}…`;
    recStatus.hidden = false;
    recBody.replaceChildren();
    const key = `${v.start}:${c}:${t}`;
    if (key !== recAsked) {
      recAsked = key;
      send({ type: 'recurrence', chain: c, t });
    }
    return;
  }
  const j = recUnitPicked !== undefined && recUnitPicked < v.hiddenSize ? recUnitPicked : mostActiveUnit(v, c, t);
  if (document.activeElement !== recUnit) recUnit.value = String(j + 1);
  recMostActive.setAttribute('aria-pressed', String(recUnitPicked === undefined));
  const text = recurrenceText(v, r, j);
  recStatus.hidden = true;
  const parts: HTMLElement[] = [el('p', { id: 'rec-heading' }, `${text.heading}${recUnitPicked === undefined ? ' — the most active unit (largest |h_t|)' : ''} · training step ${v.step}`)];
  parts.push(el('div', { id: 'rec-formula', class: 'formula' }));
  for (const line of text.formula) parts[1].append(el('p', {}, line));
  const unitBox = el('div', { id: 'rec-unit-terms', class: 'formula' });
  for (const line of text.unit) unitBox.append(el('p', {}, line));
  parts.push(el('h3', {}, `Unit ${j + 1}`), unitBox);
  if (text.vectors) {
    const table = el('table', { id: 'rec-vectors' });
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, 'all units'), ...Array.from({ length: v.hiddenSize }, (_, u) => el('th', { scope: 'col', ...(u === j ? { class: 'picked' } : {}) }, String(u + 1))));
    table.append(head);
    for (const row of text.vectors) {
      const tr = el('tr');
      tr.append(el('th', { scope: 'row' }, row.label), ...row.values.map((x, u) => el('td', u === j ? { class: 'picked' } : {}, num(x, 3))));
      table.append(tr);
    }
    parts.push(el('h3', {}, `The whole vectors (H = ${v.hiddenSize})`), el('div', { class: 'table-box' }));
    parts[parts.length - 1].append(table);
  }
  recBody.replaceChildren(...parts);
}

recLayer.addEventListener('change', () => {
  recLayerPicked = Number(recLayer.value) || 0;
  draw();
});
recDirection.addEventListener('change', () => {
  recBackward = recDirection.value === 'backward';
  draw();
});
recUnit.addEventListener('change', () => {
  const u = Number(recUnit.value);
  if (view && Number.isInteger(u) && u >= 1 && u <= view.hiddenSize) recUnitPicked = u - 1;
  draw();
});
recMostActive.addEventListener('click', () => {
  recUnitPicked = undefined;
  draw();
});

/** The shown view's arrays as base64, encoded once per view rather than on every draw. */
let encoded: { of: GatesView; values: string; topProbabilities: string; gradNormH?: string } | undefined;
let idleSave: number | undefined;

function save(): void {
  if (view && encoded?.of !== view) {
    // A new window from the host: encoding it (~200 kB at 64 steps × 128 units) waits until the page is idle, so it
    // is no part of the update's frame; the state saved then is the page's state at that moment.
    idleSave ??= requestIdleCallback(() => {
      idleSave = undefined;
      encodeShown();
      save();
    }, { timeout: 1000 });
    return;
  }
  const saved: SavedUnrolled = {
    selected, steps, folded, gradients, message: message.hidden ? undefined : message.textContent ?? undefined,
    recurrenceLayer: recLayerPicked, recurrenceBackward: recBackward, recurrenceUnit: recUnitPicked,
  };
  if (view && encoded) {
    saved.view = {
      ...view, values: encoded.values, topProbabilities: encoded.topProbabilities, gradNormH: encoded.gradNormH,
      recurrence: view.recurrence ? plainTerms(view.recurrence) : undefined,
    };
  }
  setState<SavedUnrolled>(saved);
}

function encodeShown(): void {
  if (view) encoded = { of: view, values: toBase64(view.values), topProbabilities: toBase64(view.topProbabilities), gradNormH: view.gradNormH ? toBase64(view.gradNormH) : undefined };
}

// A reload or close before the page was idle still saves the newest window.
addEventListener('pagehide', () => {
  if (idleSave === undefined) return;
  cancelIdleCallback(idleSave);
  idleSave = undefined;
  encodeShown();
  save();
});

/** Lights up every copy of the weights (or state line) `weight` names. */
function highlight(weight: string | null): void {
  for (const e of graphBox.querySelectorAll('.shared')) e.classList.remove('shared');
  if (!weight) return;
  for (const e of graphBox.querySelectorAll(`[data-weight="${weight}"]`)) e.classList.add('shared');
  // "xh0", "hh1", "state0", "hy"; a backward chain's weights end in "r" (PyTorch's _reverse tensors).
  const parts = /^([a-z]+?)(\d*)(r?)$/.exec(weight);
  const kind = parts?.[1] ?? weight;
  const layer = parts?.[2] || undefined;
  const reverse = parts?.[3] === 'r';
  const copies = graphBox.querySelectorAll(`.edge[data-weight="${weight}"]`).length;
  const bi = view && (view.directions ?? 1) > 1 && kind !== 'hy';
  const name = `${WEIGHT_WORDS[kind] ?? weight}${bi ? (reverse ? ' of the backward chain h←' : ' of the forward chain h→') : ''}${layer !== undefined && view && view.layers > 1 ? ` of layer ${Number(layer) + 1}` : ''}`;
  caption.textContent = kind === 'state'
    ? `${name}: one line through every copy — what the cell keeps from step to step.`
    : `${name}: the same matrix at all ${copies} places — copies of one network passing a message ${reverse && kind === 'hh' ? 'backward, right to left' : 'forward'}.`;
}

function showDetails(k: number, t: number): void {
  if (!view) return;
  details.hidden = false;
  const values = unitValues(view, k, 'h', t);
  const W = 240;
  const Hh = 40;
  const spark = svg('svg', { width: W, height: Hh, viewBox: `0 0 ${W} ${Hh}`, role: 'img', 'aria-label': `${chainOf(view, k).symbol}_t of its ${values.length} units, from −1 to 1` });
  spark.append(svg('line', { x1: 0, y1: Hh / 2, x2: W, y2: Hh / 2, class: 'spark-zero' }));
  const n = values.length;
  const points = Array.from(values, (v, j) => `${(n === 1 ? W / 2 : (j / (n - 1)) * W).toFixed(1)},${(Hh / 2 - (Math.max(-1, Math.min(1, v)) * (Hh / 2 - 2))).toFixed(1)}`);
  spark.append(svg('polyline', { points: points.join(' '), class: 'spark' }));
  details.replaceChildren(el('h2', {}, (view.directions ?? 1) > 1 ? (chainOf(view, k).backward ? 'Backward state h←' : 'Forward state h→') : 'Hidden state'), spark, ...stepFormula(view, k, t).map((line) => el('p', {}, line)));
}

graphBox.addEventListener('pointerover', (e) => onTarget(e.target));
graphBox.addEventListener('focusin', (e) => onTarget(e.target));
graphBox.addEventListener('pointerleave', () => highlight(null));

function onTarget(target: EventTarget | null): void {
  const e = target instanceof Element ? target : null;
  const weighted = e?.closest('[data-weight]');
  if (weighted) highlight(weighted.getAttribute('data-weight'));
  const node = e?.closest('.node.hidden');
  if (node && view) {
    highlight(null);
    showDetails(Number(node.getAttribute('data-layer')), Number(node.getAttribute('data-step')));
  }
}

function pickInput(target: EventTarget | null): void {
  const hidden = target instanceof Element ? target.closest('.node.hidden') : null;
  if (hidden && view && !folded) {
    // A hidden node picked: its chain's recurrence at its step (the step is selected as an input's would be).
    const c = Number(hidden.getAttribute('data-layer'));
    const D = view.directions ?? 1;
    if (Number.isInteger(c) && c >= 0 && c < chains(view)) {
      recLayerPicked = Math.floor(c / D);
      recBackward = D > 1 && c % D === 1;
    }
  }
  const node = target instanceof Element ? target.closest('.node.input') ?? hidden : null;
  if (!node || !view || folded) return;
  const t = Number(node.getAttribute('data-step'));
  if (!Number.isInteger(t) || t < 0 || t >= view.tokens.length) return;
  selected = t;
  send({ type: 'revealStep', t });
  draw();
  const again = node === hidden ? `.node.hidden[data-layer="${hidden!.getAttribute('data-layer')}"][data-step="${t}"]` : `.node.input[data-step="${t}"]`;
  (graphBox.querySelector(again) as SVGGElement | null)?.focus();
}
graphBox.addEventListener('click', (e) => pickInput(e.target));
graphBox.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    pickInput(e.target);
    e.preventDefault();
  }
});
window.addEventListener('resize', () => draw());
gradToggle.addEventListener('click', () => {
  gradients = !gradients;
  draw();
});
fold.addEventListener('click', () => {
  folded = !folded;
  draw();
});
fewer.addEventListener('click', () => {
  steps = STEP_CHOICES[Math.max(0, STEP_CHOICES.indexOf(steps) - 1)];
  draw();
});
more.addEventListener('click', () => {
  steps = STEP_CHOICES[Math.min(STEP_CHOICES.length - 1, STEP_CHOICES.indexOf(steps) + 1)];
  draw();
});

function show(v: GatesView): void {
  view = {
    ...v, values: Float32Array.from(v.values), topProbabilities: Float32Array.from(v.topProbabilities),
    gradNormH: v.gradNormH ? Float32Array.from(v.gradNormH) : undefined, outputs: typedOutputs(v.outputs),
    recurrence: typedTerms(v, v.recurrence),
  };
  if (v.cursor >= 0) selected = v.cursor;
  if (selected >= v.tokens.length) selected = -1;
  empty.hidden = true;
  content.hidden = false;
  const unit = v.tokenKind === 'words' ? 'words' : 'characters';
  const T = v.tokens.length;
  // A tagged run's window is one tagged sequence; a series' or sequence-to-one run's a stretch of rows (start is then a code point).
  const where = v.tokenKind === 'tokens' ? `a tagged sequence of ${T} token${T === 1 ? '' : 's'}`
    : v.tokenKind === 'rows' ? `${v.tokens[0]}–${v.tokens[T - 1]}${v.outputs?.kind === 'final' ? ' (one block)' : ''}`
    : `${unit} ${v.start}–${v.start + T - 1}`;
  document.getElementById('labels')!.textContent = `${v.runLabel} · step ${v.step} · ${where}`;
  draw();
}

onMessage<HostToGatesPanel>({
  showActivations: (m) => {
    if (!isView(m.view)) return;
    message.hidden = true;
    show(m.view);
  },
  select: (m) => {
    if (!view || !Number.isInteger(m.t) || m.t < 0 || m.t >= view.tokens.length) return;
    selected = m.t;
    draw();
  },
  status: (m) => {
    refresh.title = m.training ? `${m.runLabel} is training: the panel refreshes every second` : `Trace ${m.runLabel} again`;
  },
  detached: (m) => {
    message.textContent = m.message;
    message.hidden = false;
    // No trace is on its way, nor a recurrence the page asked for.
    if (!recStatus.hidden) recStatus.textContent = 'No terms for this step: the host could not trace the run (see the message above).';
    // No trace is on its way: the page no longer says it waits for one.
    empty.hidden = true;
    save();
  },
  // The whole-file unit search is the Gates page's (the host sends its messages there only).
  searchProgress: () => undefined,
  searchResults: () => undefined,
  searchEnded: () => undefined,
  searchCurrent: () => undefined,
});

const saved = getState<SavedUnrolled>();
if (saved) {
  selected = Number.isInteger(saved.selected) ? saved.selected : -1;
  steps = STEP_CHOICES.includes(saved.steps) ? saved.steps : 12;
  folded = saved.folded === true;
  gradients = saved.gradients === true;
  recLayerPicked = Number.isInteger(saved.recurrenceLayer) && saved.recurrenceLayer! >= 0 ? saved.recurrenceLayer! : 0;
  recBackward = saved.recurrenceBackward === true;
  recUnitPicked = Number.isInteger(saved.recurrenceUnit) && saved.recurrenceUnit! >= 0 ? saved.recurrenceUnit : undefined;
  if (saved.view) {
    const restored = {
      ...saved.view, values: fromBase64(saved.view.values), topProbabilities: fromBase64(saved.view.topProbabilities),
      gradNormH: saved.view.gradNormH ? fromBase64(saved.view.gradNormH) : undefined,
      recurrence: saved.view.recurrence as unknown as RecurrenceTerms | undefined,
    };
    if (isView(restored)) show({ ...restored, cursor: -1 });
  }
  if (saved.message) {
    message.textContent = saved.message;
    message.hidden = false;
    empty.hidden = true;
  }
}
send({ type: 'ready' });
