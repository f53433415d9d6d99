// Entry of the Markov Orders panel's webview (bundled to dist/webview/markovOrders.js): n-gram models of order k = 0..8 on
// one file. (1) train and held-out perplexity against k on a log scale, the best held-out k marked; (2) observed
// against possible contexts (|V|^k, drawn from its log10 so it never overflows); (3) one sample per order, as text.
// Clicking an order (a sample's button or a point of a chart) posts it; the host shows that order's surprisal.
import type { HostToMarkovPanel, MarkovOrdersView, MarkovPanelToHost } from '../../src/shared/webviewProtocol';
import { applyTheme, createLineChart, redraw, type LineChart, type LineChartSpec } from '../common/charts';
import { onThemeChange, readTheme } from '../common/theme';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import css from './markov.css';
import { bestOrder, contextsReading, formatNumber, formatPerplexity, formatPowerOfTen, perplexityReading, superscript } from './reading';
import { adoptStyles, el } from '../common/dom';
import { createSampleControl, type SavedSample } from './sampleControl';

interface SavedMarkov {
  view?: MarkovOrdersView;
  message?: string;
  sample?: SavedSample;
}

adoptStyles(css);

// ── Layout ──
const root = document.getElementById('root') ?? document.body;
root.id = 'markov';
const header = el('header');
header.append(el('h1', {}, 'Markov orders'), el('span', { class: 'labels', id: 'labels' }));
const message = el('p', { id: 'message', role: 'status' });
message.hidden = true;
const empty = el('p', { id: 'empty', class: 'muted' }, 'Run "Sequence Lab: Compare Markov Orders on Active File" to compare orders k = 0..8 on a file.');
const content = el('div', { id: 'content', class: 'cards' });
content.hidden = true;

function card(titleText: string, canvasId?: string): { card: HTMLElement; canvas?: HTMLCanvasElement; reading: HTMLParagraphElement } {
  const c = el('section', { class: 'card' });
  c.append(el('h2', {}, titleText));
  let canvas: HTMLCanvasElement | undefined;
  if (canvasId) {
    const box = el('div', { class: 'chart-box' });
    canvas = el('canvas', { id: canvasId });
    box.append(canvas);
    c.append(box);
  }
  const reading = el('p', { class: 'reading', id: canvasId ? `${canvasId.replace('-chart', '')}-reading` : 'samples-reading' });
  c.append(reading);
  return { card: c, canvas, reading };
}

const perplexityCard = card('Perplexity against order k (train: first 90%, held out: last 10%)', 'perplexity-chart');
const contextsCard = card('Contexts of k tokens: observed in training against all |V|ᵏ possible', 'contexts-chart');
const samplesCard = card('A sample from each order (click an order to see its surprisal in the editor)');
const samples = el('ol', { id: 'samples' });
samplesCard.card.append(samples);
const sampleControl = createSampleControl((m) => post<MarkovPanelToHost>(m), () => save());
content.append(perplexityCard.card, contextsCard.card, sampleControl.card, samplesCard.card);
root.append(header, message, empty, content);

// ── Charts: y holds log10 values, ticks show the powers of ten ──
const tickPower = (value: number | string): string => {
  const v = Number(value);
  return Number.isInteger(v) ? `10${superscript(v)}` : '';
};

const perplexitySpec: LineChartSpec = {
  series: [
    { label: 'train', color: 'blue' },
    { label: 'held out', color: 'orange' },
    { label: 'best held-out k', color: 'red', markers: 'circle' },
  ],
  xTitle: 'order k',
  yTitle: 'perplexity (log scale)',
  ariaLabel: 'Train and held-out perplexity against the order k, log scale',
};
const contextsSpec: LineChartSpec = {
  series: [
    { label: 'observed contexts', color: 'blue' },
    { label: 'possible contexts |V|ᵏ', color: 'purple', dashed: true },
  ],
  xTitle: 'order k',
  yTitle: 'contexts (log scale)',
  ariaLabel: 'Observed and possible contexts against the order k, log scale',
};

let theme = readTheme();
let shown: MarkovOrdersView | undefined;

/** log10 of 1, 1.5, 2, 3, 5, 7 × 10ⁿ inside [min, max]: readable ticks on a short log axis. */
function niceLogTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(min); e <= Math.ceil(max); e++) {
    for (const m of [1, 1.5, 2, 3, 5, 7]) {
      const v = e + Math.log10(m);
      if (v >= min - 1e-9 && v <= max + 1e-9) ticks.push(v);
    }
  }
  return ticks;
}

function makeChart(
  canvas: HTMLCanvasElement,
  spec: LineChartSpec,
  valueText: (log10: number) => string,
  fineTicks = false,
): LineChart {
  const chart = createLineChart(canvas, spec, theme);
  const scales = chart.options.scales!;
  scales.x!.ticks = { ...scales.x!.ticks, stepSize: 1, precision: 0, maxTicksLimit: 9 };
  scales.x!.min = 0;
  scales.x!.max = 8;
  if (fineTicks) {
    const y = scales.y as { beginAtZero?: boolean; afterBuildTicks?: (axis: { min: number; max: number; ticks: { value: number }[] }) => void };
    y.beginAtZero = false;
    y.afterBuildTicks = (axis) => {
      axis.ticks = niceLogTicks(axis.min, axis.max).map((value) => ({ value }));
    };
    scales.y!.ticks = { ...scales.y!.ticks, callback: (value) => valueText(Number(value)) };
  } else {
    scales.y!.ticks = { ...scales.y!.ticks, stepSize: 1, callback: tickPower };
  }
  chart.options.plugins!.tooltip!.callbacks = {
    title: (items) => (items.length > 0 ? `k = ${items[0].parsed.x}` : ''),
    label: (item) => `${item.dataset.label ?? ''}: ${valueText(item.parsed.y ?? 0)}`,
  };
  canvas.addEventListener('click', (event) => {
    const area = chart.chartArea;
    if (!shown || event.offsetX < area.left - 10 || event.offsetX > area.right + 10) return;
    const k = Math.round(chart.scales.x.getValueForPixel(event.offsetX) ?? NaN);
    if (Number.isInteger(k) && k >= 0 && k < shown.trainPerplexity.length) showSurprisal(k);
  });
  canvas.style.cursor = 'pointer';
  chart.update();
  return chart;
}

// Created on the first render, once their cards are visible, so Chart.js measures real sizes (not display: none).
let charts: { perplexity: LineChart; contexts: LineChart } | undefined;

function ensureCharts(): { perplexity: LineChart; contexts: LineChart } {
  charts ??= {
    perplexity: makeChart(perplexityCard.canvas!, perplexitySpec, (y) => formatNumber(10 ** y), true),
    contexts: makeChart(contextsCard.canvas!, contextsSpec, formatPowerOfTen),
  };
  return charts;
}

function showSurprisal(order: number): void {
  post<MarkovPanelToHost>({ type: 'showSurprisal', order });
}

function render(view: MarkovOrdersView): void {
  shown = view;
  empty.hidden = true;
  content.hidden = false;
  const unit = view.unit === 'char' ? 'characters' : 'words';
  document.getElementById('labels')!.textContent =
    `${view.fileLabel} · ${unit} · |V| = ${view.vocabularySize} · ${view.trainTokens.toLocaleString('en')} train / ${view.heldOutTokens.toLocaleString('en')} held out`;
  const { perplexity: perplexityChart, contexts: contextsChart } = ensureCharts();
  const best = bestOrder(view);
  const points = (values: number[]) => values.map((v, k) => ({ x: k, y: Math.log10(v) }));
  perplexityChart.data.datasets[0].data = points(view.trainPerplexity);
  perplexityChart.data.datasets[1].data = points(view.heldOutPerplexity);
  perplexityChart.data.datasets[2].data = [{ x: best, y: Math.log10(view.heldOutPerplexity[best]) }];
  perplexityChart.data.datasets[2].pointRadius = 6;
  contextsChart.data.datasets[0].data = view.observedContexts.map((v, k) => ({ x: k, y: v > 0 ? Math.log10(v) : NaN }));
  contextsChart.data.datasets[1].data = view.log10PossibleContexts.map((y, k) => ({ x: k, y }));
  redraw(perplexityChart);
  redraw(contextsChart);
  perplexityCard.reading.textContent = perplexityReading(view);
  contextsCard.reading.textContent = contextsReading(view);
  samplesCard.reading.textContent = `${view.unit === 'char' ? 'Characters' : 'Words'} drawn from each order's own distribution (seeded, so the same file gives the same samples).`;
  sampleControl.suggestOrder(best, view.unit);
  samples.replaceChildren(
    ...view.samples.map((text, k) => {
      const li = el('li', { class: k === best ? 'best' : '' });
      const button = el('button', { class: 'order', 'data-order': String(k), title: `Show the order-${k} Markov surprisal in the editor` }, `k = ${k}`);
      button.append(el('span', { class: 'ppl' }, `held-out ${formatPerplexity(view.heldOutPerplexity[k])}`));
      button.addEventListener('click', () => showSurprisal(k));
      li.append(button, el('pre', { class: 'sample', 'data-order': String(k) }, text));
      return li;
    }),
  );
  save();
}

function save(): void {
  setState<SavedMarkov>({ view: shown, message: message.hidden ? undefined : message.textContent ?? undefined, sample: sampleControl.saved() });
}

function isView(v: unknown): v is MarkovOrdersView {
  const x = v as MarkovOrdersView | undefined;
  const numbers = (a: unknown) => Array.isArray(a) && a.length > 0 && a.every((n) => typeof n === 'number');
  return (
    typeof x === 'object' && x !== null && typeof x.fileLabel === 'string' && (x.unit === 'char' || x.unit === 'word') &&
    numbers(x.trainPerplexity) && numbers(x.heldOutPerplexity) && numbers(x.observedContexts) && numbers(x.log10PossibleContexts) &&
    x.trainPerplexity.length === x.heldOutPerplexity.length && x.trainPerplexity.length === x.observedContexts.length &&
    x.trainPerplexity.length === x.log10PossibleContexts.length &&
    Array.isArray(x.samples) && x.samples.every((s) => typeof s === 'string')
  );
}

onThemeChange(() => {
  theme = readTheme();
  if (!charts) return;
  applyTheme(charts.perplexity, perplexitySpec, theme);
  applyTheme(charts.contexts, contextsSpec, theme);
});

onMessage<HostToMarkovPanel>({
  showOrders: (m) => {
    message.hidden = true;
    render(m.view);
  },
  sampleResult: (m) => sampleControl.showResult({ order: m.order, smoothing: m.smoothing, seed: m.seed, text: m.text }),
  sampleFailed: (m) => sampleControl.showError(m.message),
  detached: (m) => {
    message.textContent = m.message;
    message.hidden = false;
    save();
  },
});

const saved = getState<SavedMarkov>();
if (saved?.view && isView(saved.view)) {
  render(saved.view);
  const s = saved.sample;
  if (s && typeof s.text === 'string' && Number.isInteger(s.order) && Number.isInteger(s.seed)) sampleControl.showResult(s);
}
if (saved?.message) {
  message.textContent = saved.message;
  message.hidden = false;
}
post<MarkovPanelToHost>({ type: 'ready' });
