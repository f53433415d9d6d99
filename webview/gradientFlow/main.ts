// Entry of the Gradient Flow panel's webview (bundled to dist/webview/gradientFlow.js): for one window of a run's
// training text, (1) ‖∂L/∂h_t‖ against t on a log scale, one line per layer, the characters as x labels; (2) the
// Jacobian norm ‖∂h_T/∂h_t‖ against the distance T − t, log scale; the spectral radius and σ_max of W_hh per layer;
// a plain-language reading; (3) over training (the run's history, when the worker sent one): a heatmap of
// ‖∂L/∂h_t‖ of a fixed window (training step × t, log colour scale, legend), ρ and σ_max of W_hh against the step,
// and the gradient norm before and after clipping with the clipped steps marked. "Refresh" asks the host for a fresh trace (the host also refreshes while the run trains).
import { Chart } from 'chart.js';
import type { GradientFlowView, GradientPanelToHost, HostToGradientPanel } from '../../src/shared/webviewProtocol';
import { applyTheme, createLineChart, redraw, type LineChart, type LineChartSpec, type ThemeColorName } from '../common/charts';
import { onThemeChange, readTheme } from '../common/theme';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import css from './gradients.css';
import { bidirectionalReading, clippingReading, gradientReading, truncationCaption } from './reading';
import { drawHistoryHeatmap, drawLegend } from './history';
import { clippingPoints, historyKeys, normaliseHistory, plainHistory, type GradientHistorySnapshot } from './historyData';
import { adoptStyles, el } from '../common/dom';
import { shortLabel, showChar } from '../common/tokenLabels';
import { chainLineLabel, fillPoints, log, logAxis, shadedFrom, truncationShade } from './chartParts';
import { isView, nullsToNaN, type SavedGradients } from './traceView';

adoptStyles(css);

// ── Layout ──
const root = document.getElementById('root') ?? document.body;
root.id = 'gradients';
const header = el('header');
const refresh = el('button', { id: 'refresh', title: 'Trace the run\'s current model again' }, 'Refresh');
refresh.addEventListener('click', () => post<GradientPanelToHost>({ type: 'refresh' }));
header.append(el('h1', {}, 'Gradient flow'), el('span', { class: 'labels', id: 'labels' }), refresh);
const message = el('p', { id: 'message', role: 'status' });
message.hidden = true;
const empty = el('p', { id: 'empty', class: 'muted' }, 'Waiting for a trace of the run…');
const content = el('div', { id: 'content', class: 'cards' });
content.hidden = true;

function card(titleText: string, canvasId?: string): { card: HTMLElement; canvas?: HTMLCanvasElement } {
  const c = el('section', { class: 'card' });
  c.append(el('h2', {}, titleText));
  let canvas: HTMLCanvasElement | undefined;
  if (canvasId) {
    const box = el('div', { class: 'chart-box' });
    canvas = el('canvas', { id: canvasId });
    box.append(canvas);
    c.append(box);
  }
  return { card: c, canvas };
}

const readingCard = card('Reading');
const reading = el('p', { id: 'reading' });
readingCard.card.append(reading);
const gradCard = card('‖∂L/∂hₜ‖ at each step t of the window (log scale)', 'grad-chart');
// The step the editor's cursor is on (or the one clicked): marked on the chart and read out below it. A click on the
// chart, or ←/→ on it, selects that step's text in the editor.
const stepInfo = el('p', { id: 'step-info', 'aria-live': 'polite' });
const stepHelp = el('p', { class: 'muted' }, 'Click a step (or ←/→ on the chart) to select its text in the editor; moving the editor\'s cursor in the run\'s file moves the window here.');
gradCard.card.append(stepInfo, stepHelp);
gradCard.canvas!.tabIndex = 0;
let selectedStep = -1;
const jacCard = card('Jacobian norm ‖∂h_T/∂hₜ‖ against the distance T − t (first layer, log scale)', 'jacobian-chart');
// Distances a run's training never backpropagates (truncated BPTT of K steps reaches K − 1 back) are shaded.
const truncationNote = el('p', { id: 'jacobian-truncation', class: 'muted' });
jacCard.card.append(truncationNote);
const spectraCard = card('W_hh per layer (for gated cells, its candidate block)');
const table = el('table', { id: 'spectra' });
spectraCard.card.append(table);
const historyCard = card('‖∂L/∂hₜ‖ over training: rows are training steps (oldest on top), columns the steps t of the text\'s first characters (log colour scale)');
const historyTitle = historyCard.card.querySelector('h2')!;
const layerPick = el('select', { id: 'history-layer', 'aria-label': 'Layer shown in the history heatmap' });
layerPick.addEventListener('change', () => {
  historyLayer = Number(layerPick.value);
  if (shown) renderHistory(shownHistory);
  save();
});
historyCard.card.append(layerPick);
const heatBox = el('div', { class: 'heat-box' });
const heatmap = el('canvas', { id: 'history-heatmap', role: 'img', 'aria-label': 'Heatmap of the gradient norm at each step of a fixed window, one row per recorded training step, log colour scale' });
heatBox.append(heatmap);
const legend = el('div', { class: 'legend', id: 'history-legend' });
const legendBar = el('canvas', { id: 'history-legend-bar', role: 'img', 'aria-label': 'Colour scale from the smallest to the largest gradient norm shown' });
const legendLo = el('span', { id: 'legend-lo' });
const legendHi = el('span', { id: 'legend-hi' });
legend.append(legendLo, legendBar, legendHi);
drawLegend(legendBar);
const historyEmpty = el('p', { id: 'history-empty', class: 'muted' }, 'The history fills in as the run trains: a row every few steps.');
historyCard.card.append(historyEmpty, legend);
historyCard.card.insertBefore(heatBox, legend);
const spectraHistoryCard = card('Spectral radius ρ and largest singular value σ_max of W_hh against the training step', 'spectra-chart');
const clipCard = card('Gradient norm before and after clipping, per step (log scale; clipped steps marked)', 'clip-chart');
content.append(readingCard.card, gradCard.card, jacCard.card, spectraCard.card, historyCard.card, spectraHistoryCard.card, clipCard.card);
root.append(header, message, empty, content);

const COLORS: ThemeColorName[] = ['blue', 'orange', 'purple', 'red'];
/** A word run's steps are words (cut short on the axis, whole in the tooltip); a character run's, characters. */
const words = () => shown?.tokenKind === 'words' || shown?.tokenKind === 'tokens' || shown?.tokenKind === 'rows';
const unitName = () => (shown?.tokenKind === 'words' ? 'words' : shown?.tokenKind === 'tokens' ? 'tokens' : shown?.tokenKind === 'rows' ? 'rows' : 'characters');

let theme = readTheme();
let shown: GradientFlowView | undefined;
/** shown.history with typed arrays (normalised once per trace). */
let shownHistory: GradientHistorySnapshot | undefined;
let gradSpec: LineChartSpec | undefined;
/** An LSTM's cell path is drawn beside the hidden path in both window charts (its chart series come last). */
const hasCell = (view: GradientFlowView) => view.gradNormC !== undefined && view.cellPath !== undefined;
const jacSpec: LineChartSpec = {
  series: [{ label: '‖∂h_T/∂hₜ‖', color: 'blue' }, { label: '‖∂c_T/∂cₜ‖ (cell path: the forget gates\' product)', color: 'purple', dashed: true }],
  xTitle: 'distance T − t (steps back)',
  yTitle: 'norm (log scale)',
  ariaLabel: 'Jacobian norm of the last hidden state with respect to earlier ones, against the distance, log scale',
};
let charts: { grad: LineChart; jac: LineChart } | undefined;
Chart.register(truncationShade(() => theme));

let spectraSpec: LineChartSpec | undefined;
const clipSpec: LineChartSpec = {
  series: [
    { label: 'before clipping', color: 'orange' },
    { label: 'after clipping', color: 'blue' },
    { label: 'clipped', color: 'red', markers: 'crossRot' },
  ],
  xTitle: 'training step',
  yTitle: 'gradient norm (log scale)',
  ariaLabel: 'Global gradient norm before and after clipping against the training step, log scale, clipped steps marked',
};
let historyCharts: { spectra: LineChart; clip: LineChart } | undefined;
/** The layer the history heatmap shows (0-based). */
let historyLayer = 0;

function ensureCharts(view: GradientFlowView): { grad: LineChart; jac: LineChart } {
  const chains = view.gradNormH.length;
  const label = (k: number) => chainLineLabel(view, k);
  const cellLabel = '‖∂L/∂cₜ‖ layer 1 (cell path)';
  const wanted = [...Array.from({ length: chains }, (_, k) => label(k)), ...(hasCell(view) ? [cellLabel] : [])];
  if (charts && gradSpec && gradSpec.series.length === wanted.length && gradSpec.series.every((s, c) => s.label === wanted[c])) return charts;
  charts?.grad.destroy();
  charts?.jac.destroy();
  gradSpec = {
    series: [
      ...Array.from({ length: chains }, (_, k) => ({ label: label(k), color: COLORS[k % COLORS.length] })),
      ...(hasCell(view) ? [{ label: cellLabel, color: 'purple' as const, dashed: true }] : []),
    ],
    xTitle: `step t (the window's ${unitName()})`,
    yTitle: hasCell(view) ? '‖∂L/∂hₜ‖, ‖∂L/∂cₜ‖ (log scale)' : '‖∂L/∂hₜ‖ (log scale)',
    ariaLabel: 'Norm of the loss gradient with respect to each hidden state of the window, per layer, log scale',
  };
  const grad = createLineChart(gradCard.canvas!, gradSpec, theme);
  logAxis(grad);
  // The selected step's points drawn large on every line.
  for (const d of grad.data.datasets) {
    (d as { pointRadius?: unknown }).pointRadius = (ctx: { raw?: { x?: number } }) => (ctx.raw?.x === selectedStep ? 5 : 0);
  }
  grad.options.scales!.x!.ticks = {
    // One candidate label per character; Chart.js drops the ones that would overlap in a narrow panel.
    ...grad.options.scales!.x!.ticks, stepSize: 1, autoSkip: true, autoSkipPadding: 4, maxTicksLimit: 1000, maxRotation: 0,
    callback: (value) => (words() ? shortLabel : showChar)(shown?.tokens[Number(value)] ?? ''),
  };
  grad.options.plugins!.tooltip!.callbacks = {
    title: (items) => (items.length > 0 ? `t = ${items[0].parsed.x} '${showChar(shown?.tokens[items[0].parsed.x ?? 0] ?? '')}'` : ''),
    label: (item) => `${item.dataset.label ?? ''}: ${(10 ** (item.parsed.y ?? 0)).toExponential(2)}`,
  };
  const jac = createLineChart(jacCard.canvas!, jacSpec, theme);
  logAxis(jac);
  // The cell path's entry only where there is one (an LSTM run).
  const legend = jac.options.plugins!.legend!;
  legend.labels = { ...legend.labels, filter: (item, data) => item.datasetIndex !== 1 || (data.datasets[1]?.data.length ?? 0) > 0 };
  jac.options.plugins!.tooltip!.callbacks = {
    title: (items) => (items.length > 0 ? `distance ${items[0].parsed.x}` : ''),
    label: (item) => (10 ** (item.parsed.y ?? 0)).toExponential(2),
  };
  charts = { grad, jac };
  return charts;
}

/** Sets an element's text only when it changes (each write invalidates the page's layout). */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

let spectraTableKey = '';

/** The window's part of a trace, drawn at once: it is painted in the next frame, the history in the one after. */
function render(view: GradientFlowView): void {
  shown = view;
  shownHistory = view.history ? normaliseHistory(view.history) : undefined;
  empty.hidden = true;
  content.hidden = false;
  const T = view.tokens.length;
  setText(document.getElementById('labels')!, `${view.runLabel} · step ${view.step} · ` + (view.tokenKind === 'tokens'
    ? `a tagged sequence of ${T} token${T === 1 ? '' : 's'}`
    : view.tokenKind === 'rows' ? `${view.tokens[0]}–${view.tokens[T - 1]}` : `${unitName()} ${view.start}–${view.start + T - 1}`));
  setText(historyTitle, `‖∂L/∂hₜ‖ over training: rows are training steps (oldest on top), columns the steps t of the text's first ${unitName()} (log colour scale)`);
  const xTitle = `step t (the window's ${unitName()})`;
  if (charts && gradSpec && gradSpec.xTitle !== xTitle) {
    // The same chart, another run kind: its axis says what a step is (drawn with the update below).
    gradSpec.xTitle = xTitle;
    (charts.grad.options.scales!.x as { title: { text: string } }).title.text = xTitle;
  }
  const { grad, jac } = ensureCharts(view);
  view.gradNormH.forEach((row, k) => {
    grad.data.datasets[k].data = fillPoints(grad.data.datasets[k].data, row.length, (t) => t, (t) => log(row[t]));
  });
  grad.options.scales!.x!.min = 0;
  grad.options.scales!.x!.max = view.tokens.length - 1;
  if (view.gradNormC && view.cellPath) {
    const c = view.gradNormC;
    const set = grad.data.datasets[view.gradNormH.length];
    set.data = fillPoints(set.data, c.length, (t) => t, (t) => log(c[t]));
  }
  jac.data.datasets[0].data = fillPoints(jac.data.datasets[0].data, view.jacobianNorm.length, (i) => i + 1, (i) => log(view.jacobianNorm[i]));
  const path = view.cellPath ?? [];
  jac.data.datasets[1].data = fillPoints(jac.data.datasets[1].data, path.length, (i) => i + 1, (i) => log(path[i]));
  // How many points of the cell path are drawn (0: not an LSTM run), for a test or a screen reader to find.
  jacCard.canvas!.dataset.cellPath = String(path.length);
  jac.options.scales!.x!.min = 1;
  jac.options.scales!.x!.max = Math.max(2, view.jacobianNorm.length);
  // Distances ≥ K: beyond what the run's truncated BPTT sends back (the reading stops at K − 1 too).
  const beyond = view.truncation !== undefined && view.truncation <= view.jacobianNorm.length ? view.truncation : undefined;
  if (beyond === undefined) shadedFrom.delete(jac);
  else shadedFrom.set(jac, beyond);
  jacCard.canvas!.dataset.notBackpropagatedFrom = beyond === undefined ? '' : String(beyond);
  setText(truncationNote, truncationCaption(view));
  truncationNote.hidden = truncationNote.textContent === '';
  if (selectedStep >= view.tokens.length) selectedStep = -1;
  drawStepInfo();
  redraw(grad);
  redraw(jac);
  const windowReading = [gradientReading(view), bidirectionalReading(view)].filter((x) => x !== '').join(' ');
  setText(reading, [windowReading, clippingReading(shownHistory, windowReading)].filter((s) => s !== '').join(' '));
  renderHistoryNextFrame(shownHistory);
  const spectra = view.spectralRadius.map((rho, k) => [String(k + 1), rho.toFixed(3), view.largestSingularValue[k].toFixed(3)]);
  if (JSON.stringify(spectra) !== spectraTableKey) {
    spectraTableKey = JSON.stringify(spectra);
    const head = el('tr');
    head.append(el('th', {}, 'layer'), el('th', {}, 'spectral radius ρ'), el('th', {}, 'largest singular value σ_max'));
    table.replaceChildren(
      head,
      ...spectra.map((cells) => {
        const tr = el('tr');
        tr.append(...cells.map((text) => el('td', {}, text)));
        return tr;
      }),
    );
  }
  saveWhenIdle();
}

let pendingHistory: { history: GradientHistorySnapshot | undefined } | undefined;
const historyCards = [historyCard.card, spectraHistoryCard.card, clipCard.card];

/**
 * The history's heatmap and two charts are drawn in the frame after the one that paints the window's charts, so
 * neither frame holds the thread for more than part of a frame's budget (Chart.js lays out each chart it updates);
 * updates arriving before then are coalesced into the newest. Until it is drawn, the history's cards are aria-busy.
 */
function renderHistoryNextFrame(history: GradientHistorySnapshot | undefined): void {
  const scheduled = pendingHistory !== undefined;
  pendingHistory = { history };
  if (scheduled) return;
  for (const c of historyCards) c.setAttribute('aria-busy', 'true');
  // The first callback runs in the frame that paints the window's charts; the second in the frame after it.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const next = pendingHistory;
    pendingHistory = undefined;
    if (next) renderHistory(next.history);
    for (const c of historyCards) c.removeAttribute('aria-busy');
  }));
}

const tenTo = (l: number) => (10 ** l).toExponential(1).replace('e+', 'e');

/** What each part of the history shows (historyKeys); a part whose key is cleared is drawn again. */
let drawnKeys: Partial<ReturnType<typeof historyKeys>> = {};
/** The heatmap box's width in CSS pixels, from a ResizeObserver (0 until known): reading it never forces a layout. */
let heatWidth = 0;

function renderHistory(history: GradientHistorySnapshot | undefined): void {
  const has = history !== undefined && history.steps.length > 0;
  historyEmpty.hidden = has;
  setText(historyEmpty, history
    ? 'The history fills in as the run trains: a row every few steps.'
    : 'No history over training for this run: it is kept while a run trains in this window, for models small enough to trace between two updates.');
  heatBox.hidden = !has;
  legend.hidden = !has;
  spectraHistoryCard.card.hidden = !history;
  clipCard.card.hidden = !history;
  if (!history) {
    drawnKeys = {};
    return;
  }
  if (historyLayer >= history.layers) historyLayer = 0;
  layerPick.hidden = history.layers < 2;
  if (layerPick.options.length !== history.layers) {
    layerPick.replaceChildren(...Array.from({ length: history.layers }, (_, k) => el('option', { value: String(k) }, `layer ${k + 1}`)));
  }
  if (layerPick.value !== String(historyLayer)) layerPick.value = String(historyLayer);
  const keys = historyKeys(history, historyLayer);
  // The ρ/σ_max chart ends at the table's values of the shown trace (the history's last row can be older).
  keys.spectra = `${keys.spectra}|${shown?.step ?? ''}`;
  if (has && keys.heatmap !== drawnKeys.heatmap) drawHeatmap(history);
  if (keys.spectra !== drawnKeys.spectra || keys.clipping !== drawnKeys.clipping) drawHistoryCharts(history, keys);
  drawnKeys = { ...drawnKeys, ...keys, heatmap: has ? keys.heatmap : undefined };
}

/** The heatmap at the box's width and its legend's range. */
function drawHeatmap(history: GradientHistorySnapshot): void {
  // Only before the ResizeObserver's first report (the box was hidden until now) is the width read from the layout.
  const range = drawHistoryHeatmap(heatmap, history, historyLayer, theme, heatWidth || heatBox.clientWidth);
  setText(legendLo, range ? tenTo(range.lo) : '');
  setText(legendHi, range ? tenTo(range.hi) : '');
}

// A wider or narrower panel redraws the heatmap at its new width (in the frame of the resize, after its layout).
new ResizeObserver((entries) => {
  const width = Math.floor(entries[entries.length - 1].contentRect.width);
  if (width === 0 || width === heatWidth) return;
  heatWidth = width;
  if (pendingHistory !== undefined) drawnKeys = { ...drawnKeys, heatmap: undefined }; // drawn in the coming frame
  else if (drawnKeys.heatmap !== undefined && shownHistory) drawHeatmap(shownHistory);
}).observe(heatBox);

/** ρ and σ_max against the step, and the clipping chart: each redrawn only when its data changed. */
function drawHistoryCharts(history: GradientHistorySnapshot, keys: ReturnType<typeof historyKeys>): void {
  const L = history.layers;
  if (!historyCharts || spectraSpec?.series.length !== 2 * L) {
    historyCharts?.spectra.destroy();
    historyCharts?.clip.destroy();
    spectraSpec = {
      series: Array.from({ length: L }, (_, k) => [
        { label: `ρ${L > 1 ? ` layer ${k + 1}` : ''}`, color: 'blue' as const, dashed: k > 0 },
        { label: `σ_max${L > 1 ? ` layer ${k + 1}` : ''}`, color: 'orange' as const, dashed: k > 0 },
      ]).flat(),
      xTitle: 'training step',
      yTitle: 'ρ, σ_max',
      ariaLabel: 'Spectral radius and largest singular value of W_hh against the training step',
    };
    const spectra = createLineChart(spectraHistoryCard.canvas!, spectraSpec, theme);
    (spectra.options.scales!.y as { beginAtZero?: boolean }).beginAtZero = false;
    const clip = createLineChart(clipCard.canvas!, clipSpec, theme);
    logAxis(clip);
    clip.options.plugins!.tooltip!.callbacks = {
      title: (items) => (items.length > 0 ? `step ${items[0].parsed.x}` : ''),
      label: (item) => `${item.dataset.label ?? ''}: ${(10 ** (item.parsed.y ?? 0)).toExponential(2)}`,
    };
    historyCharts = { spectra, clip };
    drawnKeys = { ...drawnKeys, spectra: undefined, clipping: undefined };
  }
  const { spectra, clip } = historyCharts;
  const R = history.steps.length;
  const step = (r: number) => history.steps[r];
  if (keys.spectra !== drawnKeys.spectra) {
    for (let k = 0; k < L; k++) {
      const sets = spectra.data.datasets;
      // One more point after the rows: the shown trace's own ρ and σ_max (the table's), when it is newer.
      const now = shown && shown.step > (R > 0 ? history.steps[R - 1] : -Infinity) && k < shown.spectralRadius.length ? shown : undefined;
      const n = R + (now ? 1 : 0);
      const at = (r: number) => (r < R ? step(r) : now!.step);
      sets[2 * k].data = fillPoints(sets[2 * k].data, n, at, (r) => (r < R ? history.spectralRadius[r * L + k] : now!.spectralRadius[k]));
      sets[2 * k + 1].data = fillPoints(sets[2 * k + 1].data, n, at, (r) => (r < R ? history.largestSingularValue[r * L + k] : now!.largestSingularValue[k]));
    }
    redraw(spectra);
  }
  if (keys.clipping !== drawnKeys.clipping) {
    // At most about one point per pixel of the chart's width (its size is known to Chart.js: no layout is read).
    const points = clippingPoints(history, clip.width || Infinity);
    const sets = clip.data.datasets;
    const n = points.steps.length;
    const clipStep = (i: number) => points.steps[i];
    const before = (i: number) => log(points.before[i]);
    sets[0].data = fillPoints(sets[0].data, n, clipStep, before);
    sets[1].data = fillPoints(sets[1].data, n, clipStep, (i) => log(points.after[i]));
    sets[2].data = fillPoints(sets[2].data, n, clipStep, before, (i) => points.clipped[i] === 1);
    redraw(clip);
  }
}

let idleSave: number | undefined;

/** A new trace from the host is saved once the page is idle: its history (up to 200 rows) is no part of the update's frame. */
function saveWhenIdle(): void {
  idleSave ??= requestIdleCallback(() => save(), { timeout: 1000 });
}

// A reload or close before the page was idle still saves the newest trace.
addEventListener('pagehide', () => {
  if (idleSave !== undefined) save();
});

function save(): void {
  if (idleSave !== undefined) cancelIdleCallback(idleSave);
  idleSave = undefined;
  setState<SavedGradients>({ historyLayer, selected: selectedStep, view: shown && { ...shown, history: shownHistory ? plainHistory(shownHistory) : undefined }, message: message.hidden ? undefined : message.textContent ?? undefined });
}

onThemeChange(() => {
  theme = readTheme();
  if (!charts || !gradSpec) return;
  applyTheme(charts.grad, gradSpec, theme);
  applyTheme(charts.jac, jacSpec, theme);
  if (historyCharts && spectraSpec) {
    applyTheme(historyCharts.spectra, spectraSpec, theme);
    applyTheme(historyCharts.clip, clipSpec, theme);
  }
  // applyTheme has redrawn the charts; the heatmap's labels take the theme's colours too.
  drawnKeys = { ...drawnKeys, heatmap: undefined };
  if (shown) renderHistory(shownHistory);
});

/** The selected step's line: its token and ‖∂L/∂hₜ‖ of every chain there. */
function drawStepInfo(): void {
  const t = selectedStep;
  if (!shown || t < 0 || t >= shown.tokens.length) {
    setText(stepInfo, 'No step selected.');
    return;
  }
  const norms = shown.gradNormH.map((row, c) => `${chainLineLabel(shown!, c)} ${Number.isFinite(row[t]) ? row[t].toExponential(2) : '—'}`);
  setText(stepInfo, `Step ${t + 1} “${showChar(shown.tokens[t])}”: ‖∂L/∂hₜ‖ ${norms.join(', ')}`);
}

function selectStep(t: number, reveal: boolean): void {
  if (!shown) return;
  selectedStep = t < 0 ? -1 : Math.min(shown.tokens.length - 1, t);
  if (reveal && selectedStep >= 0) post<GradientPanelToHost>({ type: 'revealStep', t: selectedStep });
  drawStepInfo();
  saveWhenIdle();
  if (charts) redraw(charts.grad);
}

gradCard.canvas!.addEventListener('click', (e) => {
  if (!charts || !shown) return;
  const x = charts.grad.scales.x?.getValueForPixel(e.offsetX);
  if (x === undefined || !Number.isFinite(x)) return;
  const t = Math.round(x);
  if (t >= 0 && t < shown.tokens.length) selectStep(t, true);
});
gradCard.canvas!.addEventListener('keydown', (e) => {
  if (!shown || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
  e.preventDefault();
  const from = selectedStep < 0 ? 0 : selectedStep;
  selectStep(Math.max(0, Math.min(shown.tokens.length - 1, from + (e.key === 'ArrowRight' ? 1 : -1))), true);
});

onMessage<HostToGradientPanel>({
  select: (m) => {
    if (Number.isInteger(m.t)) selectStep(m.t, false);
  },
  showTrace: (m) => {
    if (!isView(m.view)) return;
    message.hidden = true;
    render(m.view);
  },
  status: (m) => {
    refresh.title = m.training ? `${m.runLabel} is training: the panel refreshes every 2 s` : `Trace ${m.runLabel} again`;
  },
  detached: (m) => {
    message.textContent = m.message;
    message.hidden = false;
    // No trace is on its way: the page no longer says it waits for one.
    empty.hidden = true;
    save();
  },
});

const saved = getState<SavedGradients>();
if (Number.isInteger(saved?.historyLayer) && saved!.historyLayer! >= 0) historyLayer = saved!.historyLayer!;
if (Number.isInteger(saved?.selected)) selectedStep = saved!.selected!;
const restoredView = nullsToNaN(saved?.view);
if (isView(restoredView)) render(restoredView);
if (saved?.message) {
  message.textContent = saved.message;
  message.hidden = false;
  empty.hidden = true;
}
post<GradientPanelToHost>({ type: 'ready' });
