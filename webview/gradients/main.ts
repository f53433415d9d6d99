// Entry of the Gradient Flow panel's webview (bundled to dist/webview/gradients.js): for one window of a run's
// training text, (1) ‖∂L/∂h_t‖ against t on a log scale, one line per layer, the characters as x labels; (2) the
// Jacobian norm ‖∂h_T/∂h_t‖ against the distance T − t, log scale; the spectral radius and σ_max of W_hh per layer;
// a plain-language reading; (3) over training (the run's history, when the worker sent one): a heatmap of
// ‖∂L/∂h_t‖ of a fixed window (training step × t, log colour scale, legend), ρ and σ_max of W_hh against the step,
// and the gradient norm before and after clipping with the clipped steps marked. "Refresh" asks the host for a fresh trace (the host also refreshes while the run trains).
import type { GradientFlowView, GradientPanelToHost, HostToGradientPanel } from '../../src/shared/webviewProtocol';
import { applyTheme, createLineChart, type LineChart, type LineChartSpec, type ThemeColorName } from '../common/charts';
import { onThemeChange, readTheme } from '../common/theme';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import css from './gradients.css';
import { clippingReading, gradientReading } from './reading';
import { drawHistoryHeatmap, drawLegend } from './history';
import { normaliseHistory, plainHistory } from './historyData';
import { adoptStyles, el } from '../common/dom';

interface SavedGradients {
  view?: Omit<GradientFlowView, 'history'> & { history?: unknown };
  historyLayer?: number;
  message?: string;
}

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
const jacCard = card('Jacobian norm ‖∂h_T/∂hₜ‖ against the distance T − t (first layer, log scale)', 'jacobian-chart');
const spectraCard = card('W_hh per layer (for gated cells, its candidate block)');
const table = el('table', { id: 'spectra' });
spectraCard.card.append(table);
const historyCard = card('‖∂L/∂hₜ‖ over training: rows are training steps (oldest on top), columns the steps t of the text\'s first characters (log colour scale)');
const layerPick = el('select', { id: 'history-layer', 'aria-label': 'Layer shown in the history heatmap' });
layerPick.addEventListener('change', () => {
  historyLayer = Number(layerPick.value);
  if (shown) renderHistory(shown.history ? normaliseHistory(shown.history) : undefined);
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
const historyEmpty = el('p', { id: 'history-empty', class: 'muted' }, 'The history fills in as the run trains: a row every few steps.');
historyCard.card.append(historyEmpty, legend);
historyCard.card.insertBefore(heatBox, legend);
const spectraHistoryCard = card('Spectral radius ρ and largest singular value σ_max of W_hh against the training step', 'spectra-chart');
const clipCard = card('Gradient norm before and after clipping, per step (log scale; clipped steps marked)', 'clip-chart');
content.append(readingCard.card, gradCard.card, jacCard.card, spectraCard.card, historyCard.card, spectraHistoryCard.card, clipCard.card);
root.append(header, message, empty, content);

const COLORS: ThemeColorName[] = ['blue', 'orange', 'purple', 'red'];
const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (n: number) => (n < 0 ? '⁻' : '') + [...String(Math.abs(n))].map((d) => SUPERSCRIPT[Number(d)]).join('');
const tickPower = (value: number | string): string => {
  const v = Number(value);
  return Number.isInteger(v) ? `10${superscript(v)}` : '';
};
const showChar = (c: string) => (c === ' ' ? '␣' : c === '\n' ? '↵' : c === '\t' ? '⇥' : c);

let theme = readTheme();
let shown: GradientFlowView | undefined;
let gradSpec: LineChartSpec | undefined;
const jacSpec: LineChartSpec = {
  series: [{ label: '‖∂h_T/∂hₜ‖', color: 'blue' }],
  xTitle: 'distance T − t (steps back)',
  yTitle: 'norm (log scale)',
  ariaLabel: 'Jacobian norm of the last hidden state with respect to earlier ones, against the distance, log scale',
};
let charts: { grad: LineChart; jac: LineChart } | undefined;
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

function logAxis(chart: LineChart): void {
  const y = chart.options.scales!.y!;
  (y as { beginAtZero?: boolean }).beginAtZero = false;
  y.ticks = { ...y.ticks, stepSize: 1, callback: tickPower };
}

function ensureCharts(view: GradientFlowView): { grad: LineChart; jac: LineChart } {
  if (charts && gradSpec && gradSpec.series.length === view.layers) return charts;
  charts?.grad.destroy();
  charts?.jac.destroy();
  gradSpec = {
    series: Array.from({ length: view.layers }, (_, k) => ({ label: `layer ${k + 1}`, color: COLORS[k % COLORS.length] })),
    xTitle: 'step t (the window\'s characters)',
    yTitle: '‖∂L/∂hₜ‖ (log scale)',
    ariaLabel: 'Norm of the loss gradient with respect to each hidden state of the window, per layer, log scale',
  };
  const grad = createLineChart(gradCard.canvas!, gradSpec, theme);
  logAxis(grad);
  grad.options.scales!.x!.ticks = {
    // One candidate label per character; Chart.js drops the ones that would overlap in a narrow panel.
    ...grad.options.scales!.x!.ticks, stepSize: 1, autoSkip: true, autoSkipPadding: 4, maxTicksLimit: 1000, maxRotation: 0,
    callback: (value) => showChar(shown?.tokens[Number(value)] ?? ''),
  };
  grad.options.plugins!.tooltip!.callbacks = {
    title: (items) => (items.length > 0 ? `t = ${items[0].parsed.x} '${showChar(shown?.tokens[items[0].parsed.x ?? 0] ?? '')}'` : ''),
    label: (item) => `${item.dataset.label ?? ''}: ${(10 ** (item.parsed.y ?? 0)).toExponential(2)}`,
  };
  const jac = createLineChart(jacCard.canvas!, jacSpec, theme);
  logAxis(jac);
  jac.options.plugins!.tooltip!.callbacks = {
    title: (items) => (items.length > 0 ? `distance ${items[0].parsed.x}` : ''),
    label: (item) => (10 ** (item.parsed.y ?? 0)).toExponential(2),
  };
  charts = { grad, jac };
  return charts;
}

const log = (v: number) => (v > 0 && Number.isFinite(v) ? Math.log10(v) : NaN);

function render(view: GradientFlowView): void {
  shown = view;
  empty.hidden = true;
  content.hidden = false;
  document.getElementById('labels')!.textContent =
    `${view.runLabel} · step ${view.step} · characters ${view.start}–${view.start + view.tokens.length - 1}`;
  const { grad, jac } = ensureCharts(view);
  view.gradNormH.forEach((row, k) => {
    grad.data.datasets[k].data = row.map((v, t) => ({ x: t, y: log(v) }));
  });
  grad.options.scales!.x!.min = 0;
  grad.options.scales!.x!.max = view.tokens.length - 1;
  jac.data.datasets[0].data = view.jacobianNorm.map((v, i) => ({ x: i + 1, y: log(v) }));
  jac.options.scales!.x!.min = 1;
  jac.options.scales!.x!.max = Math.max(2, view.jacobianNorm.length);
  grad.update();
  jac.update();
  const history = view.history ? normaliseHistory(view.history) : undefined;
  const windowReading = gradientReading(view);
  reading.textContent = [windowReading, clippingReading(history, windowReading)].filter((s) => s !== '').join(' ');
  renderHistoryNextFrame(history);
  const head = el('tr');
  head.append(el('th', {}, 'layer'), el('th', {}, 'spectral radius ρ'), el('th', {}, 'largest singular value σ_max'));
  table.replaceChildren(
    head,
    ...view.spectralRadius.map((rho, k) => {
      const tr = el('tr');
      tr.append(el('td', {}, String(k + 1)), el('td', {}, rho.toFixed(3)), el('td', {}, view.largestSingularValue[k].toFixed(3)));
      return tr;
    }),
  );
  saveWhenIdle();
}

let pendingHistory: { history: ReturnType<typeof normaliseHistory> } | undefined;

/**
 * The history's heatmap and two charts are drawn in the frame after the window's charts, so neither frame holds the
 * thread for more than about one frame's budget (Chart.js lays out each chart it updates); updates arriving before
 * then are coalesced into the newest.
 */
function renderHistoryNextFrame(history: ReturnType<typeof normaliseHistory>): void {
  const scheduled = pendingHistory !== undefined;
  pendingHistory = { history };
  if (scheduled) return;
  requestAnimationFrame(() => {
    const next = pendingHistory;
    pendingHistory = undefined;
    if (next) renderHistory(next.history);
  });
}

const tenTo = (l: number) => (10 ** l).toExponential(1).replace('e+', 'e');

function renderHistory(history: ReturnType<typeof normaliseHistory>): void {
  const has = history !== undefined && history.steps.length > 0;
  historyEmpty.hidden = has;
  historyEmpty.textContent = history
    ? 'The history fills in as the run trains: a row every few steps.'
    : 'No history over training for this run: it is kept while a run trains in this window, for models small enough to trace between two updates.';
  heatBox.hidden = !has;
  legend.hidden = !has;
  spectraHistoryCard.card.hidden = !history;
  clipCard.card.hidden = !history;
  if (history) {
    if (historyLayer >= history.layers) historyLayer = 0;
    layerPick.hidden = history.layers < 2;
    if (layerPick.options.length !== history.layers) {
      layerPick.replaceChildren(...Array.from({ length: history.layers }, (_, k) => el('option', { value: String(k) }, `layer ${k + 1}`)));
    }
    layerPick.value = String(historyLayer);
    const range = has ? drawHistoryHeatmap(heatmap, history, historyLayer, theme) : undefined;
    drawLegend(legendBar);
    legendLo.textContent = range ? tenTo(range.lo) : '';
    legendHi.textContent = range ? tenTo(range.hi) : '';
  }
  if (!history) return;
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
  }
  const { spectra, clip } = historyCharts;
  for (let k = 0; k < L; k++) {
    spectra.data.datasets[2 * k].data = Array.from(history.steps, (x, r) => ({ x, y: history.spectralRadius[r * L + k] }));
    spectra.data.datasets[2 * k + 1].data = Array.from(history.steps, (x, r) => ({ x, y: history.largestSingularValue[r * L + k] }));
  }
  clip.data.datasets[0].data = Array.from(history.clipSteps, (x, i) => ({ x, y: log(history.gradNormBefore[i]) }));
  clip.data.datasets[1].data = Array.from(history.clipSteps, (x, i) => ({ x, y: log(history.gradNormAfter[i]) }));
  clip.data.datasets[2].data = Array.from(history.clipSteps, (x, i) => ({ x, y: log(history.gradNormBefore[i]) }))
    .filter((_, i) => history.clippedShare[i] > 0);
  spectra.update();
  clip.update();
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
  const history = shown?.history ? normaliseHistory(shown.history) : undefined;
  setState<SavedGradients>({ historyLayer, view: shown && { ...shown, history: history ? plainHistory(history) : undefined }, message: message.hidden ? undefined : message.textContent ?? undefined });
}

/** Saved state is JSON: a NaN in the trace (ρ not computed for a big model) comes back as null; read it as NaN. */
function nullsToNaN(view: unknown): unknown {
  if (typeof view !== 'object' || view === null) return view;
  const fix = (a: unknown): unknown => (Array.isArray(a) ? a.map((n: unknown) => (n === null ? NaN : Array.isArray(n) ? fix(n) : n)) : a);
  const x = view as Record<string, unknown>;
  return { ...x, gradNormH: fix(x.gradNormH), jacobianNorm: fix(x.jacobianNorm), spectralRadius: fix(x.spectralRadius), largestSingularValue: fix(x.largestSingularValue) };
}

function isView(v: unknown): v is GradientFlowView {
  const x = v as GradientFlowView | undefined;
  const numbers = (a: unknown) => Array.isArray(a) && a.every((n) => typeof n === 'number');
  return (
    typeof x === 'object' && x !== null && typeof x.runLabel === 'string' && typeof x.step === 'number' &&
    Number.isInteger(x.layers) && x.layers >= 1 && Array.isArray(x.gradNormH) && x.gradNormH.length === x.layers &&
    x.gradNormH.every(numbers) && numbers(x.jacobianNorm) && numbers(x.spectralRadius) && numbers(x.largestSingularValue) &&
    x.spectralRadius.length === x.layers && x.largestSingularValue.length === x.layers &&
    Array.isArray(x.tokens) && x.tokens.every((s) => typeof s === 'string')
  );
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
  if (shown) renderHistory(shown.history ? normaliseHistory(shown.history) : undefined);
});

onMessage<HostToGradientPanel>({
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
    save();
  },
});

const saved = getState<SavedGradients>();
if (Number.isInteger(saved?.historyLayer) && saved!.historyLayer! >= 0) historyLayer = saved!.historyLayer!;
const restoredView = nullsToNaN(saved?.view);
if (isView(restoredView)) render(restoredView);
if (saved?.message) {
  message.textContent = saved.message;
  message.hidden = false;
}
post<GradientPanelToHost>({ type: 'ready' });
