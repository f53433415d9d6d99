// Entry of the HMM Fit panel's webview (bundled to dist/webview/hmmFit.js): Baum-Welch on one file. (1) the
// log-likelihood log P(o | λ^(r)) against the EM iteration r, one line per restart, the best restart highlighted;
// (2) the learned π, A and B (or per-state Gaussian means and variances) as labelled heatmaps; (3) each state's
// most likely symbols; (4) buttons: Cancel, Save Model JSON…, Decode File with This Model, Sample.
import type { HmmFitModelView, HmmFitPanelToHost, HmmFitView, HmmSampleView, HostToHmmFitPanel } from '../../src/shared/webviewProtocol';
import { MAX_HMM_PANEL_SAMPLE, MAX_PANEL_SEED } from '../../src/shared/webviewProtocol';
import { applyTheme, createLineChart, redraw, type LineChart, type LineChartSpec } from '../common/charts';
import { adoptStyles, el } from '../common/dom';
import { onThemeChange, readTheme } from '../common/theme';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import { formatProbability, heatmap, heatmapLegend } from './heatmap';
import css from './hmmfit.css';

interface SavedFit {
  view?: HmmFitView;
  sample?: HmmSampleView;
  message?: string;
  running?: boolean;
}

/** Most symbols drawn as emission columns (the most emitted overall); the top list per state covers the rest. */
const MAX_EMISSION_COLUMNS = 40;
const TOP_SYMBOLS = 5;

adoptStyles(css);

// ── Layout ──
const root = document.getElementById('root') ?? document.body;
root.id = 'hmmfit';
const header = el('header');
header.append(el('h1', {}, 'HMM fit (Baum-Welch)'), el('span', { class: 'labels', id: 'labels' }));
const message = el('p', { id: 'message', role: 'status' });
message.hidden = true;
const empty = el('p', { id: 'empty', class: 'muted' }, 'Run "Sequence Lab: Fit HMM with Baum-Welch on Active File…" to fit a hidden Markov model to a file.');
const content = el('div', { id: 'content', class: 'cards' });
content.hidden = true;

const actions = el('div', { class: 'actions' });
const cancelButton = el('button', { id: 'cancel', class: 'primary' }, 'Cancel');
const saveButton = el('button', { id: 'save-model' }, 'Save Model JSON…');
const decodeButton = el('button', { id: 'decode' }, 'Decode File with This Model');
actions.append(cancelButton, saveButton, decodeButton);
const status = el('p', { id: 'status', class: 'reading' });

const llCard = el('section', { class: 'card' });
const llBox = el('div', { class: 'chart-box' });
const llCanvas = el('canvas', { id: 'll-chart' });
llBox.append(llCanvas);
llCard.append(el('h2', {}, 'Log-likelihood log P(o | λ) per EM iteration, one line per restart'), llBox, status, actions);

const modelCard = el('section', { class: 'card', id: 'model-card' });
const matrices = el('div', { class: 'matrices', id: 'matrices' });
const topList = el('div', { id: 'top-symbols' });
modelCard.append(el('h2', {}, 'The learned model (best restart)'), matrices, heatmapLegend(), topList);
modelCard.hidden = true;

const sampleCard = el('section', { class: 'card', id: 'sample-card' });
const sampleLength = el('input', { id: 'sample-length', type: 'number', min: '1', max: String(MAX_HMM_PANEL_SAMPLE), step: '1', value: '60', 'aria-label': 'Sample length' });
const sampleSeed = el('input', { id: 'sample-seed', type: 'number', min: '0', max: String(MAX_PANEL_SEED), step: '1', value: '1', 'aria-label': 'Sample seed' });
const sampleButton = el('button', { id: 'sample' }, 'Sample');
const sampleControls = el('div', { class: 'actions' });
sampleControls.append(el('span', { class: 'muted' }, 'length'), sampleLength, el('span', { class: 'muted' }, 'seed'), sampleSeed, sampleButton);
const sampleReading = el('p', { id: 'sample-reading', class: 'reading' });
const sampleSteps = el('div', { class: 'sample-steps', id: 'sample-steps' });
sampleCard.append(el('h2', {}, 'Sample from the fitted HMM (symbol above, hidden state below)'), sampleControls, sampleReading, sampleSteps);
sampleCard.hidden = true;

content.append(llCard, modelCard, sampleCard);
root.append(header, message, empty, content);

// ── State ──
let theme = readTheme();
let view: HmmFitView | undefined;
let sample: HmmSampleView | undefined;
let running = false;
let chart: { chart: LineChart; spec: LineChartSpec; restarts: number } | undefined;

function llSpec(restarts: number, best: number | undefined): LineChartSpec {
  return {
    series: Array.from({ length: restarts }, (_, k) => ({
      label: k === best ? `restart ${k + 1} (best)` : `restart ${k + 1}`,
      color: k === best ? 'orange' : 'blue',
      dashed: best !== undefined && k !== best,
    })),
    xTitle: 'EM iteration',
    yTitle: 'log-likelihood (nats)',
    ariaLabel: 'Log-likelihood against the EM iteration, one line per restart; the best restart is drawn in orange',
  };
}

function ensureChart(restarts: number): LineChart {
  if (chart && chart.restarts === restarts) return chart.chart;
  chart?.chart.destroy();
  const spec = llSpec(restarts, undefined);
  const c = createLineChart(llCanvas, spec, theme);
  const y = c.options.scales!.y as { beginAtZero?: boolean };
  y.beginAtZero = false;
  c.options.plugins!.tooltip!.callbacks = {
    title: (items) => (items.length > 0 ? `iteration ${items[0].parsed.x}` : ''),
    label: (item) => `${item.dataset.label ?? ''}: ${(item.parsed.y ?? 0).toFixed(2)}`,
  };
  chart = { chart: c, spec, restarts };
  return c;
}

/** Draws every curve; after the fit, the best restart in orange and thicker, the others dashed. */
function drawCurves(): void {
  if (!view) return;
  const c = ensureChart(view.restarts);
  const best = view.model?.best;
  chart!.spec = llSpec(view.restarts, best);
  c.data.datasets.forEach((d, k) => {
    const curve = view!.logLikelihoods[k] ?? [];
    d.data = curve.map((y, x) => ({ x, y }));
    d.label = chart!.spec.series[k].label;
    d.borderWidth = k === best ? 3 : 1.5;
    d.borderDash = chart!.spec.series[k].dashed ? [5, 4] : [];
    d.order = k === best ? 0 : 1;
  });
  applyTheme(c, chart!.spec, theme);
  redraw(c);
}

function statusText(): string {
  if (!view) return '';
  const curves = view.logLikelihoods;
  if (view.model) {
    const m = view.model;
    const curve = curves[m.best] ?? [];
    return (
      `Best: restart ${m.best + 1} of ${view.restarts}, log-likelihood ${(curve[curve.length - 1] ?? NaN).toFixed(2)} nats after ` +
      `${curve.length - 1} iterations (${m.converged ? 'converged' : 'stopped at the iteration limit'}) · ${m.observations.toLocaleString('en')} observations.`
    );
  }
  const r = curves.length - 1;
  if (r < 0) return 'Starting…';
  const curve = curves[r];
  const text = `Restart ${r + 1} of ${view.restarts}, iteration ${curve.length - 1}, log-likelihood ${curve[curve.length - 1].toFixed(2)}`;
  return running ? `${text}…` : text;
}

function updateButtons(): void {
  cancelButton.hidden = !running;
  const has = view?.model !== undefined;
  saveButton.disabled = !has;
  decodeButton.disabled = !has;
  sampleButton.disabled = !has;
}

function renderHeader(): void {
  if (!view) return;
  empty.hidden = true;
  content.hidden = false;
  document.getElementById('labels')!.textContent =
    `${view.fileLabel} · ${view.inputLabel} · ${view.kind === 'gaussian' ? 'Gaussian emissions' : 'discrete emissions'} · ${view.restarts} restart${view.restarts === 1 ? '' : 's'}`;
  decodeButton.textContent = view.kind === 'gaussian' ? 'Mark Rows with Their Viterbi State' : 'Decode File with This Model';
}

function renderModel(m: HmmFitModelView): void {
  modelCard.hidden = false;
  sampleCard.hidden = false;
  const states = m.states;
  const parts: HTMLElement[] = [
    heatmap({ id: 'start-heatmap', caption: 'Start π', corner: '', rowLabels: ['π'], columnLabels: states, values: [m.start] }),
    heatmap({ id: 'transition-heatmap', caption: 'Transition A (row: from, column: to)', corner: 'from \\ to', rowLabels: states, columnLabels: states, values: m.transition }),
  ];
  topList.replaceChildren();
  if (m.emission.length > 0) {
    // Columns: the symbols with the highest total emission probability, in the file's symbol order.
    const totals = m.symbols.map((_, k) => m.emission.reduce((s, row) => s + row[k], 0));
    const columns = m.symbols.map((_, k) => k).sort((a, b) => totals[b] - totals[a]).slice(0, MAX_EMISSION_COLUMNS).sort((a, b) => a - b);
    const shown = columns.length < m.symbols.length ? ` — ${columns.length} of ${m.symbols.length} symbols` : '';
    parts.push(
      heatmap({
        id: 'emission-heatmap',
        caption: `Emission B (row: state, column: symbol)${shown}`,
        corner: 'state \\ symbol',
        rowLabels: states,
        columnLabels: columns.map((k) => m.symbols[k]),
        values: m.emission.map((row) => columns.map((k) => row[k])),
      }),
    );
    topList.append(el('h3', {}, 'Most likely symbols per state'));
    const ul = el('ul', { class: 'top' });
    m.emission.forEach((row, i) => {
      const top = row.map((p, k) => ({ p, k })).sort((a, b) => b.p - a.p).slice(0, TOP_SYMBOLS);
      const li = el('li', { 'data-state': states[i] }, `${states[i]}: `);
      li.append(el('span', { class: 'top-symbols' }, top.map(({ p, k }) => `${m.symbols[k]} (${formatProbability(p)})`).join(', ')));
      ul.append(li);
    });
    topList.append(ul);
  } else {
    const table = el('table', { class: 'heatmap gaussian', id: 'gaussian-table' });
    table.append(el('caption', {}, 'Gaussian emissions per state: mean μ and variance σ²'));
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, 'state'));
    for (const c of m.symbols) head.append(el('th', { scope: 'col' }, `μ ${c}`), el('th', { scope: 'col' }, `σ² ${c}`));
    const thead = el('thead');
  thead.append(head);
  table.append(thead);
    const body = el('tbody');
    states.forEach((s, i) => {
      const tr = el('tr');
      tr.append(el('th', { scope: 'row' }, s));
      m.symbols.forEach((_, d) => tr.append(el('td', { class: 'mean' }, m.means[i][d].toPrecision(4)), el('td', { class: 'variance' }, m.variances[i][d].toPrecision(4))));
      body.append(tr);
    });
    table.append(body);
    parts.push(table);
  }
  matrices.replaceChildren(...parts);
}

function renderSample(s: HmmSampleView): void {
  sample = s;
  sampleReading.textContent = `${s.steps.length} steps sampled with seed ${s.seed} (the same seed gives the same sample).`;
  sampleSteps.replaceChildren(
    ...s.steps.map((step) => {
      const span = el('span', { class: `step state${step.state % 6}`, title: `state ${s.states[step.state]}` });
      span.append(el('b', {}, step.emitted), el('small', {}, s.states[step.state]));
      return span;
    }),
  );
}

function render(): void {
  renderHeader();
  drawCurves();
  if (view?.model) renderModel(view.model);
  else {
    modelCard.hidden = true;
    sampleCard.hidden = true;
  }
  status.textContent = statusText();
  updateButtons();
}

function showMessage(text: string | undefined): void {
  message.textContent = text ?? '';
  message.hidden = text === undefined;
}

function save(): void {
  setState<SavedFit>({ view, sample, message: message.hidden ? undefined : message.textContent ?? undefined, running });
}

const saveSoon = (() => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      save();
    }, 500);
  };
})();

cancelButton.addEventListener('click', () => post<HmmFitPanelToHost>({ type: 'cancel' }));
saveButton.addEventListener('click', () => post<HmmFitPanelToHost>({ type: 'saveModel' }));
decodeButton.addEventListener('click', () => post<HmmFitPanelToHost>({ type: 'decode' }));
sampleButton.addEventListener('click', () => {
  const length = Number(sampleLength.value);
  const seed = Number(sampleSeed.value);
  if (!(Number.isInteger(length) && length >= 1 && length <= MAX_HMM_PANEL_SAMPLE)) {
    sampleReading.textContent = `The length must be a whole number from 1 to ${MAX_HMM_PANEL_SAMPLE}.`;
    return;
  }
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= MAX_PANEL_SEED)) {
    sampleReading.textContent = `The seed must be a whole number from 0 to ${MAX_PANEL_SEED}.`;
    return;
  }
  post<HmmFitPanelToHost>({ type: 'sample', length, seed });
});

onThemeChange(() => {
  theme = readTheme();
  if (chart) applyTheme(chart.chart, chart.spec, theme);
});

onMessage<HostToHmmFitPanel>({
  fitStarted: (m) => {
    view = { ...m.view, logLikelihoods: m.view.logLikelihoods.map((c) => [...c]) };
    sample = undefined;
    sampleSteps.replaceChildren();
    sampleReading.textContent = '';
    running = m.view.model === undefined;
    showMessage(undefined);
    render();
    save();
  },
  fitProgress: (m) => {
    if (!view) return;
    const curve = (view.logLikelihoods[m.restart] ??= []);
    curve.length = Math.min(curve.length, m.fromIteration);
    for (const ll of m.logLikelihoods) curve.push(ll);
    drawCurves();
    status.textContent = statusText();
    saveSoon();
  },
  fitFinished: (m) => {
    if (!view) return;
    view.model = m.model;
    running = false;
    render();
    save();
  },
  fitStopped: (m) => {
    running = false;
    showMessage(m.message);
    render();
    save();
  },
  sampleResult: (m) => {
    renderSample(m.sample);
    save();
  },
  notice: (m) => {
    showMessage(m.message);
    save();
  },
});

function isSavedView(v: unknown): v is HmmFitView {
  const x = v as HmmFitView | undefined;
  return (
    typeof x === 'object' && x !== null && typeof x.fileLabel === 'string' && typeof x.inputLabel === 'string' &&
    (x.kind === 'discrete' || x.kind === 'gaussian') && Number.isInteger(x.restarts) && x.restarts >= 1 &&
    Array.isArray(x.logLikelihoods) && x.logLikelihoods.every((c) => Array.isArray(c) && c.every((y) => typeof y === 'number'))
  );
}

const saved = getState<SavedFit>();
if (saved?.view && isSavedView(saved.view)) {
  view = saved.view;
  // A fit still running when the page was saved is gone with the reload unless the host re-sends it.
  running = false;
  render();
  if (saved.sample && Array.isArray(saved.sample.steps)) renderSample(saved.sample);
}
if (saved?.message) showMessage(saved.message);
post<HmmFitPanelToHost>({ type: 'ready' });
