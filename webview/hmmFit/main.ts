// Entry of the HMM Fit panel's webview (bundled to dist/webview/hmmFit.js): Baum-Welch on one file. (1) the
// log-likelihood log P(o | λ^(r)) against the EM iteration r, one line per restart, the best restart highlighted;
// (2) the learned π, A and B (or per-state Gaussian means and variances) as labelled heatmaps; (3) each state's
// most likely symbols; (4) buttons: Cancel, Save Model JSON…, Decode File with This Model, Sample; (5) the decoded
// rows: the fitted file's steps around the editor's cursor under the best model, with the Viterbi state and the
// posterior γ_t(i) = P(s_t = i | o) of each; clicking a step posts it and the host selects its text in the editor.
import type { HmmDecodedRows, HmmFitModelView, HmmFitPanelToHost, HmmFitView, HmmSampleView, HostToHmmFitPanel } from '../../src/shared/webviewProtocol';
import { MAX_HMM_PANEL_SAMPLE, MAX_PANEL_SEED } from '../../src/shared/webviewProtocol';
import { applyTheme, createLineChart, redraw, type LineChart, type LineChartSpec } from '../common/charts';
import { adoptStyles, el } from '../common/dom';
import { onThemeChange, readTheme } from '../common/theme';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import { formatProbability, heatmap, heatmapLegend } from './heatmap';
import css from './hmmfit.css';

interface SavedFit {
  view?: HmmFitView;
  rows?: HmmDecodedRows;
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

const rowsCard = el('section', { class: 'card', id: 'rows-card' });
const rowsReading = el('p', { id: 'rows-reading', class: 'reading' });
const rowsBox = el('div', { class: 'rows-box' });
const rowsNote = el('p', { id: 'rows-note', class: 'muted' });
rowsCard.append(el('h2', {}, 'Decoded steps around the editor\'s cursor (best model)'), rowsReading, rowsBox, rowsNote);
rowsCard.hidden = true;

content.append(llCard, rowsCard, modelCard, sampleCard);
root.append(header, message, empty, content);

// ── State ──
let theme = readTheme();
let view: HmmFitView | undefined;
let sample: HmmSampleView | undefined;
let rows: HmmDecodedRows | undefined;
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

const fmt = (x: number) => x.toLocaleString('en', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

/** The decoded rows: what each step reads, its Viterbi state, then one row of γ_t(i) per state, the cursor's step marked. */
function renderRows(r: HmmDecodedRows): void {
  rows = r;
  rowsCard.hidden = false;
  const n = r.states.length;
  const w = r.symbols.length;
  const table = el('table', { class: 'heatmap decoded', id: 'decoded-rows' });
  const caption = `Steps ${r.from + 1}–${r.from + w} of ${r.totalSteps.toLocaleString('en')}: each ${r.stepNoun}, its Viterbi state and its posterior P(state | o)`;
  table.append(el('caption', {}, caption));
  const head = el('tr');
  head.append(el('th', { scope: 'col', class: 'corner' }, r.stepNoun));
  const viterbi = el('tr', { class: 'viterbi' });
  viterbi.append(el('th', { scope: 'row' }, 'Viterbi state'));
  const posteriorRows = r.states.map((s) => {
    const tr = el('tr', { class: 'posterior' });
    tr.append(el('th', { scope: 'row' }, `P(${s} | o)`));
    return tr;
  });
  let agree = 0;
  for (let k = 0; k < w; k++) {
    const step = r.from + k;
    const selected = step === r.selected ? ' selected' : '';
    const symbol = r.symbols[k];
    const button = el('button', { class: `step-symbol${selected}`, 'data-step': String(step), 'aria-label': `step ${step + 1}: ${symbol}`, title: `step ${step + 1}: select it in the editor` }, symbol);
    button.addEventListener('click', () => post<HmmFitPanelToHost>({ type: 'selectStep', step }));
    const th = el('th', { scope: 'col', class: `step${selected}`, 'data-step': String(step) });
    th.append(button);
    head.append(th);
    const state = r.path[k];
    const v = el('td', { class: `state state${state % 6}${selected}`, 'data-step': String(step), 'data-state': String(state) }, r.states[state]);
    viterbi.append(v);
    let argmax = 0;
    for (let i = 0; i < n; i++) {
      const p = r.posterior[k * n + i];
      if (p > r.posterior[k * n + argmax]) argmax = i;
      const td = el('td', { class: `p${selected}`, 'data-step': String(step), 'data-value': String(p), title: `step ${step + 1}: P(${r.states[i]} | o) = ${p.toPrecision(4)}` }, formatProbability(p));
      td.style.setProperty('background-color', `color-mix(in srgb, var(--vscode-charts-blue) ${Math.round(Math.max(0, Math.min(1, p)) * 85)}%, transparent)`);
      if (p > 0.55) td.classList.add('strong');
      posteriorRows[i].append(td);
    }
    if (argmax === state) agree++;
  }
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  body.append(viterbi, ...posteriorRows);
  table.append(thead, body);
  rowsBox.replaceChildren(table);
  // A narrow panel scrolls the rows: keep the cursor's step in the middle of what shows.
  const mark = head.querySelector<HTMLElement>('th.selected');
  if (mark && !rowsCard.hidden) rowsBox.scrollLeft = Math.max(0, mark.offsetLeft - (rowsBox.clientWidth - mark.offsetWidth) / 2);

  const k = r.selected - r.from;
  const gammas = r.states.map((s, i) => `P(${s} | o) = ${formatProbability(r.posterior[k * n + i])}`).join(', ');
  rowsReading.textContent =
    `Step ${r.selected + 1} (at the cursor) reads “${r.symbols[k]}”: Viterbi state ${r.states[r.path[k]]}; ${gammas}. ` +
    `In these ${w} steps the Viterbi state is the state of highest posterior at ${agree}.`;
  const density = view?.kind === 'gaussian';
  rowsNote.textContent =
    `Viterbi: the single most likely state sequence of the whole file, ${density ? 'log p(path, x)' : 'log P(path, o)'} = ${fmt(r.pathLogProbability)} nats. ` +
    `Posterior: each step's own state probabilities from forward-backward given every observation, ${density ? 'log p(x)' : 'log P(o)'} = ${fmt(r.logLikelihood)} nats; ` +
    `the state of highest posterior at each step need not form the Viterbi path. Move the cursor in the file to move these rows; click a ${r.stepNoun} to select it in the editor.`;
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
  setState<SavedFit>({ view, sample, rows, message: message.hidden ? undefined : message.textContent ?? undefined, running });
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
    rows = undefined;
    rowsCard.hidden = true;
    rowsBox.replaceChildren();
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
  decodedRows: (m) => {
    renderRows(m.rows);
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

function isSavedRows(v: unknown): v is HmmDecodedRows {
  const r = v as HmmDecodedRows | undefined;
  return (
    typeof r === 'object' && r !== null && Array.isArray(r.states) && Array.isArray(r.symbols) && Array.isArray(r.path) &&
    Array.isArray(r.posterior) && r.path.length === r.symbols.length && r.posterior.length === r.symbols.length * r.states.length &&
    r.path.every((s) => Number.isInteger(s) && s >= 0 && s < r.states.length) && Number.isInteger(r.from) && Number.isInteger(r.selected)
  );
}

const saved = getState<SavedFit>();
if (saved?.view && isSavedView(saved.view)) {
  view = saved.view;
  // A fit still running when the page was saved is gone with the reload unless the host re-sends it.
  running = false;
  render();
  if (saved.sample && Array.isArray(saved.sample.steps)) renderSample(saved.sample);
  if (saved.rows && isSavedRows(saved.rows)) renderRows(saved.rows);
}
if (saved?.message) showMessage(saved.message);
post<HmmFitPanelToHost>({ type: 'ready' });
