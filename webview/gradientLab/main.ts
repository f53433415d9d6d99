// Entry of the Vanishing/Exploding Gradient Lab's webview (bundled to dist/webview/gradientLab.js): sliders for the spectral
// radius ρ of W_hh and the sequence length T, fields for the hidden size and seed, a forget-bias choice; one log-axis
// chart of ‖∂L_T/∂h_t‖ (tanh RNN, LSTM, linear RNN with the same W_hh) and ‖∂L_T/∂c_t‖ (LSTM) against the distance
// T − 1 − t, each relative to its last step, so all four start at 10⁰; and the reading in words (webview/gradientLab/reading.ts,
// by the rule of src/shared/gradientReading.ts). Every settled change asks the host for a computation
// (at most 10 a second while a slider moves); answers older than the one drawn are dropped by request id.
// "Weights: trained" swaps the random models for two finished runs the host lists (a tanh RNN and an LSTM on the same
// file): the same chart and rule on their checkpoints, with the run names in the legend and the reading.
import {
  GRADIENT_LAB_LIMITS as LIMITS,
  type GradientLabPanelToHost,
  type GradientLabSettings,
  type GradientLabView,
  type HostToGradientLabPanel,
  type TrainedGradientLabView,
  type TrainedRunChoice,
} from '../../src/shared/webviewProtocol';
import { applyTheme, createLineChart, redraw, type LineChart, type LineChartSpec } from '../common/charts';
import { adoptStyles, el, toolkitElement } from '../common/dom';
import { throttle } from '../common/schedule';
import { onThemeChange, readTheme } from '../common/theme';
import { registerToolkit } from '../common/toolkit';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import css from './lab.css';
import { CLIP_THRESHOLDS, clipCurve, clipReading, labReading, linearReading, lstmReading, rnnReading, trainedLabReading, trainedLstmReading, type LabCurves } from './reading';

interface SavedLab {
  settings?: GradientLabSettings;
  view?: GradientLabView;
  dataLabel?: string;
  note?: string;
  lastRequestId?: number;
  mode?: Mode;
  /** The trained-weights mode's picks (run ids) and its last drawing. */
  trainedPick?: { rnn: string; lstm: string };
  trainedView?: TrainedGradientLabView;
  /** Gradient clipping threshold θ of the clipping chart (null: off). */
  clip?: number | null;
}

type Mode = 'random' | 'trained';

// Forget bias 2: the first view shows what the lecture claims, an LSTM whose open forget gates carry the gradient; at 0
// (PyTorch's default) the LSTM line says why an untrained LSTM does not.
const DEFAULTS: GradientLabSettings = { spectralRadius: 0.9, steps: 60, hiddenSize: 32, seed: 1, forgetBias: 2 };
const FORGET_BIASES = [0, 1, 2, 3];

registerToolkit();
adoptStyles(css);

// ── Layout ──
const root = document.getElementById('root') ?? document.body;
root.id = 'lab';
const header = el('header');
header.append(el('h1', {}, 'Vanishing/exploding gradient lab'), el('span', { class: 'labels', id: 'data-label' }));
const message = el('p', { id: 'message', role: 'status' });
message.hidden = true;

function slider(id: string, label: string, min: number, max: number, step: number): { box: HTMLElement; input: HTMLInputElement; output: HTMLOutputElement } {
  const box = el('div', { class: 'slider' });
  const input = el('input', { id, type: 'range', min: String(min), max: String(max), step: String(step) });
  const output = el('output', { id: `${id}-value`, for: id });
  const caption = el('label', { for: id, id: `${id}-label` }, label);
  caption.append(' ', output);
  box.append(caption, input);
  return { box, input, output };
}

const rho = slider('rho', 'Spectral radius ρ of W_hh', LIMITS.spectralRadius.min, LIMITS.spectralRadius.max, LIMITS.spectralRadius.step);
const steps = slider('steps', 'Sequence length T', LIMITS.steps.min, LIMITS.steps.max, 1);
const hidden = toolkitElement('vscode-text-field', { id: 'hidden', size: '5' }, 'Hidden size');
const seed = toolkitElement('vscode-text-field', { id: 'seed', size: '10' }, 'Seed');
const biasBox = el('div', { class: 'field' });
const biasLabel = el('label', { for: 'forget-bias', id: 'forget-bias-label' }, 'LSTM forget-gate bias');
const bias = toolkitElement('vscode-dropdown', { id: 'forget-bias', 'aria-labelledby': 'forget-bias-label' });
for (const b of FORGET_BIASES) bias.append(toolkitElement('vscode-option', { value: String(b) }, b === 0 ? '0 (PyTorch default)' : String(b)));
biasBox.append(biasLabel, bias);
const modeBox = el('div', { class: 'field' });
const modeLabel = el('label', { for: 'mode', id: 'mode-label' }, 'Weights');
const modeSelect = toolkitElement('vscode-dropdown', { id: 'mode', 'aria-labelledby': 'mode-label' });
modeSelect.append(toolkitElement('vscode-option', { value: 'random' }, 'random (set ρ)'), toolkitElement('vscode-option', { value: 'trained' }, 'trained (two finished runs)'));
modeBox.append(modeLabel, modeSelect);
function runPicker(id: string, label: string): { box: HTMLElement; select: HTMLElement & { value: string } } {
  const box = el('div', { class: 'field trained-only' });
  const select = toolkitElement('vscode-dropdown', { id, 'aria-labelledby': `${id}-label` });
  box.append(el('label', { for: id, id: `${id}-label` }, label), select);
  return { box, select };
}
const rnnPick = runPicker('rnn-run', 'tanh RNN run');
const lstmPick = runPicker('lstm-run', 'LSTM run (same file)');
for (const b of [rho.box, hidden, seed, biasBox]) b.classList.add('random-only');
const clipBox = el('div', { class: 'field' });
const clipSelect = toolkitElement('vscode-dropdown', { id: 'clip', 'aria-labelledby': 'clip-label' });
clipSelect.append(toolkitElement('vscode-option', { value: 'off' }, 'off'), ...CLIP_THRESHOLDS.map((t) => toolkitElement('vscode-option', { value: String(t) }, `θ = ${t}`)));
clipBox.append(el('label', { for: 'clip', id: 'clip-label' }, 'Gradient clipping (norm)'), clipSelect);
const controls = el('section', { class: 'card controls', 'aria-label': 'Settings' });
controls.append(modeBox, rho.box, rnnPick.box, lstmPick.box, steps.box, hidden, seed, biasBox, clipBox);
const trainedMissing = el('p', { id: 'trained-missing', role: 'status' });
trainedMissing.hidden = true;
const controlsError = el('p', { id: 'controls-error', role: 'alert' });
controlsError.hidden = true;
const status = el('p', { id: 'status', role: 'status' });

const chartCard = el('section', { class: 'card' });
chartCard.append(el('h2', {}, 'Gradient of the last step\'s loss, relative to the last step, against the steps back (log scale)'));
const chartBox = el('div', { class: 'chart-box' });
const canvas = el('canvas', { id: 'lab-chart' });
chartBox.append(canvas);
const reading = el('p', { id: 'reading' });
const rnnText = el('p', { id: 'rnn-reading', class: 'reading' });
const lstmText = el('p', { id: 'lstm-reading', class: 'reading' });
const linearText = el('p', { id: 'linear-reading', class: 'reading' });
chartCard.append(chartBox, reading, rnnText, lstmText, linearText);
// The clipping chart: the linear RNN's gradient norms on an absolute scale, as computed and clipped at θ.
const clipCard = el('section', { class: 'card' });
clipCard.append(el('h2', {}, 'Gradient clipping on the linear RNN: ‖∂L/∂hₜ‖ before and after clipping the whole gradient to norm θ (log scale)'));
const clipBoxChart = el('div', { class: 'chart-box' });
const clipCanvas = el('canvas', { id: 'clip-chart' });
clipBoxChart.append(clipCanvas);
const clipText = el('p', { id: 'clip-reading', class: 'reading' });
clipCard.append(clipBoxChart, clipText);
root.append(header, message, controls, trainedMissing, controlsError, status, chartCard, clipCard);

// ── Chart: y holds log10(‖g_t‖ / ‖g_{T−1}‖), x the distance T − 1 − t ──
const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (n: number) => (n < 0 ? '⁻' : '') + [...String(Math.abs(n))].map((d) => SUPERSCRIPT[Number(d)]).join('');
const spec: LineChartSpec = {
  series: [
    { label: 'RNN ‖∂L/∂hₜ‖', color: 'blue' },
    { label: 'LSTM ‖∂L/∂hₜ‖', color: 'orange', dashed: true },
    { label: 'LSTM ‖∂L/∂cₜ‖ (cell gradient)', color: 'purple' },
    { label: 'linear RNN ‖∂L/∂hₜ‖ (same W_hh)', color: 'red', dashed: true },
  ],
  xTitle: 'steps back from the loss (T − 1 − t)',
  yTitle: 'relative to the last step (log scale)',
  ariaLabel: 'Gradient norms of the RNN hidden state, the LSTM hidden state and the LSTM cell state against the distance from the loss, log scale',
};
const clipSpec: LineChartSpec = {
  series: [
    { label: 'linear RNN ‖∂L/∂hₜ‖, not clipped', color: 'red', dashed: true },
    { label: 'after clipping at θ', color: 'blue' },
  ],
  xTitle: 'steps back from the loss (T − 1 − t)',
  yTitle: '‖∂L/∂hₜ‖ (log scale)',
  ariaLabel: 'Gradient norms of the linear RNN against the distance from the loss, before and after clipping the whole gradient to norm theta, log scale',
};
let theme = readTheme();
let chart: LineChart | undefined;
let clipChart: LineChart | undefined;
let clip: number | null = null;

function ensureChart(): LineChart {
  if (chart) return chart;
  chart = createLineChart(canvas, spec, theme);
  const y = chart.options.scales!.y!;
  (y as { beginAtZero?: boolean }).beginAtZero = false;
  y.ticks = { ...y.ticks, callback: (value) => (Number.isInteger(Number(value)) ? `10${superscript(Number(value))}` : '') };
  chart.options.plugins!.tooltip!.callbacks = {
    title: (items) => (items.length > 0 ? `${items[0].parsed.x} steps back` : ''),
    label: (item) => `${item.dataset.label ?? ''}: ${(10 ** (item.parsed.y ?? 0)).toExponential(1)} of the last step`,
  };
  chart.update();
  return chart;
}

function ensureClipChart(): LineChart {
  if (clipChart) return clipChart;
  clipChart = createLineChart(clipCanvas, clipSpec, theme);
  const y = clipChart.options.scales!.y!;
  (y as { beginAtZero?: boolean }).beginAtZero = false;
  y.ticks = { ...y.ticks, callback: (value) => (Number.isInteger(Number(value)) ? `10${superscript(Number(value))}` : '') };
  clipChart.options.plugins!.tooltip!.callbacks = {
    title: (items) => (items.length > 0 ? `${items[0].parsed.x} steps back` : ''),
    label: (item) => `${item.dataset.label ?? ''}: ${(10 ** (item.parsed.y ?? 0)).toExponential(1)}`,
  };
  clipChart.update();
  return clipChart;
}

/** log10 of a curve's values (index t) against the distance T − 1 − t. */
function absoluteLog(curve: (number | null)[]): { x: number; y: number }[] {
  const T = curve.length;
  return curve.map((v, t) => ({ x: T - 1 - t, y: v !== null && v > 0 ? Math.log10(v) : NaN })).reverse();
}

/** The clipping chart and sentence for the curves drawn (either mode). */
function renderClip(v: LabCurves | undefined): void {
  clipCard.hidden = !v?.linearHidden;
  if (!v?.linearHidden) return;
  const c = ensureClipChart();
  c.data.datasets[0].data = absoluteLog(v.linearHidden);
  c.data.datasets[1].data = clip === null ? [] : absoluteLog(clipCurve(v.linearHidden, clip).clipped);
  c.data.datasets[1].label = clip === null ? 'after clipping (off)' : `after clipping at θ = ${clip}`;
  c.options.scales!.x!.min = 0;
  c.options.scales!.x!.max = v.steps - 1;
  redraw(c);
  clipText.textContent = clipReading(v, clip);
}

function relativeLog(curve: (number | null)[]): { x: number; y: number }[] {
  const T = curve.length;
  const last = curve[T - 1];
  return curve.map((v, t) => ({ x: T - 1 - t, y: v !== null && last !== null && v > 0 && last > 0 ? Math.log10(v / last) : NaN })).reverse();
}

// ── State ──
let mode: Mode = 'random';
let trainedRuns: TrainedRunChoice[] = [];
let trainedPick: { rnn: string; lstm: string } | undefined;
let shownTrained: TrainedGradientLabView | undefined;
/** The runs and T of the last trained request: a refreshed list with the same pick asks for nothing new. */
let trainedRequestKey = '';
let shown: GradientLabView | undefined;
let dataLabel = '';
let note: string | undefined;
let lastRequestId = 0;
let latestDrawn = 0;
/** A restored forget bias the dropdown has no option for (it would show, and send, its first option instead). */
let unlistedBias: string | undefined;

function settingsToControls(s: GradientLabSettings): void {
  rho.input.value = String(s.spectralRadius);
  rho.output.textContent = s.spectralRadius.toFixed(2);
  steps.input.value = String(s.steps);
  steps.output.textContent = String(s.steps);
  hidden.value = String(s.hiddenSize);
  seed.value = String(s.seed);
  unlistedBias = FORGET_BIASES.includes(s.forgetBias) ? undefined : String(s.forgetBias);
  bias.value = String(s.forgetBias);
}

const whole = (text: string, lo: number, hi: number): number | undefined => {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n >= lo && n <= hi ? n : undefined;
};

/** The controls' settings, or a message naming the field that is out of range. */
function readSettings(): GradientLabSettings | string {
  const hiddenSize = whole(hidden.value ?? '', LIMITS.hiddenSize.min, LIMITS.hiddenSize.max);
  if (hiddenSize === undefined) return `The hidden size must be a whole number from ${LIMITS.hiddenSize.min} to ${LIMITS.hiddenSize.max}.`;
  const s = whole(seed.value ?? '', LIMITS.seed.min, LIMITS.seed.max);
  if (s === undefined) return `The seed must be a whole number from ${LIMITS.seed.min} to ${LIMITS.seed.max}.`;
  const forgetBias = whole(unlistedBias ?? bias.value ?? '', LIMITS.forgetBias.min, LIMITS.forgetBias.max);
  if (forgetBias === undefined) return `The LSTM forget-gate bias must be a whole number from ${LIMITS.forgetBias.min} to ${LIMITS.forgetBias.max}.`;
  // The slider's grid is 0.05: round away binary noise so the host's check and the reading agree.
  const spectralRadius = Number((Math.round(Number(rho.input.value) / LIMITS.spectralRadius.step) * LIMITS.spectralRadius.step).toFixed(2));
  return { spectralRadius, steps: Number(steps.input.value), hiddenSize, seed: s, forgetBias };
}

function save(): void {
  const settings = readSettings();
  setState<SavedLab>({ settings: typeof settings === 'string' ? shown : settings, view: shown, dataLabel, note, lastRequestId, mode, trainedPick, trainedView: shownTrained, clip });
}

function request(): void {
  if (mode === 'trained') {
    requestTrained();
    return;
  }
  const settings = readSettings();
  controlsError.hidden = typeof settings !== 'string';
  if (typeof settings === 'string') {
    controlsError.textContent = settings;
    return;
  }
  lastRequestId += 1;
  post<GradientLabPanelToHost>({ type: 'compute', requestId: lastRequestId, ...settings });
  status.textContent = 'Computing…';
  save();
}
const requestSoon = throttle(request, 100);

/** Fills a run dropdown; keeps `keep` selected when it is offered, else the first (newest). */
function fillPicker(select: HTMLElement & { value: string }, runs: TrainedRunChoice[], keep: string | undefined): string | undefined {
  select.replaceChildren(...runs.map((r) => toolkitElement('vscode-option', { value: r.id }, r.label)));
  const chosen = runs.find((r) => r.id === keep)?.id ?? runs[0]?.id;
  if (chosen !== undefined) select.value = chosen;
  return chosen;
}

/** The dropdowns from the host's list: the LSTM runs offered are those on the RNN run's file. */
function showTrainedRuns(missing: string | null): void {
  const rnnRuns = trainedRuns.filter((r) => r.cell === 'rnn');
  const rnnId = fillPicker(rnnPick.select, rnnRuns, trainedPick?.rnn);
  const fileKey = rnnRuns.find((r) => r.id === rnnId)?.fileKey;
  const lstmRuns = trainedRuns.filter((r) => r.cell === 'lstm' && r.fileKey === fileKey);
  const lstmId = fillPicker(lstmPick.select, lstmRuns, trainedPick?.lstm);
  const file = rnnRuns.find((r) => r.id === rnnId)?.fileLabel;
  const text = missing ?? (lstmId === undefined && file !== undefined ? `No finished LSTM run on ${file} yet: train one on the same file first (e.g. "Sequence Lab: Train Experiment" on reber-lstm.seqlab.json next to reber-rnn.seqlab.json).` : null);
  trainedMissing.textContent = text ?? '';
  trainedMissing.hidden = text === null;
  trainedPick = rnnId !== undefined && lstmId !== undefined ? { rnn: rnnId, lstm: lstmId } : undefined;
}

function requestTrained(): void {
  controlsError.hidden = true;
  if (!trainedPick) {
    status.textContent = '';
    save();
    return;
  }
  trainedRequestKey = `${trainedPick.rnn} ${trainedPick.lstm} ${steps.input.value}`;
  lastRequestId += 1;
  post<GradientLabPanelToHost>({ type: 'computeTrained', requestId: lastRequestId, rnnRunId: trainedPick.rnn, lstmRunId: trainedPick.lstm, steps: Number(steps.input.value) });
  status.textContent = 'Computing…';
  save();
}

function setMode(next: Mode): void {
  mode = next;
  modeSelect.value = next;
  for (const e of Array.from(document.querySelectorAll<HTMLElement>('.random-only'))) e.hidden = next !== 'random';
  for (const e of Array.from(document.querySelectorAll<HTMLElement>('.trained-only'))) e.hidden = next !== 'trained';
  if (next === 'random') trainedMissing.hidden = true;
}

const LEGEND = spec.series.map((x) => x.label);

function render(view: GradientLabView): void {
  shown = view;
  const c = ensureChart();
  c.data.datasets.forEach((d, i) => (d.label = LEGEND[i]));
  c.data.datasets[0].data = relativeLog(view.rnnHidden);
  c.data.datasets[1].data = relativeLog(view.lstmHidden);
  c.data.datasets[2].data = relativeLog(view.lstmCell);
  c.data.datasets[3].data = view.linearHidden ? relativeLog(view.linearHidden) : [];
  c.options.scales!.x!.min = 0;
  c.options.scales!.x!.max = view.steps - 1;
  redraw(c);
  reading.textContent = labReading(view);
  rnnText.textContent = rnnReading(view);
  lstmText.textContent = lstmReading(view);
  linearText.textContent = linearReading(view);
  renderClip(view);
  document.getElementById('data-label')!.textContent = `Data: ${view.dataLabel} · hidden size ${view.hiddenSize} · seed ${view.seed}`;
}

/** The trained-weights drawing: the same chart, the legend naming the runs, the readings of the same rule. */
function renderTrained(view: TrainedGradientLabView): void {
  shownTrained = view;
  const c = ensureChart();
  c.data.datasets[0].data = relativeLog(view.rnnHidden);
  c.data.datasets[1].data = relativeLog(view.lstmHidden);
  c.data.datasets[2].data = relativeLog(view.lstmCell);
  c.data.datasets[3].data = relativeLog(view.linearHidden);
  // The legend says which trained run each curve is of; the runs' full names head the page and the readings.
  const runOf = ['tanh RNN run', 'LSTM run', 'LSTM run', 'tanh RNN run\'s W_hh'];
  c.data.datasets.forEach((d, i) => (d.label = `${LEGEND[i]} — trained ${runOf[i]}`));
  c.options.scales!.x!.min = 0;
  c.options.scales!.x!.max = view.steps - 1;
  redraw(c);
  reading.textContent = trainedLabReading(view);
  rnnText.textContent = `${rnnReading(view)} (${view.rnnRun})`;
  lstmText.textContent = trainedLstmReading(view);
  linearText.textContent = linearReading(view);
  renderClip(view);
  document.getElementById('data-label')!.textContent = `Data: ${view.dataLabel} · trained runs: ${view.rnnRun}; ${view.lstmRun}`;
}

function showNote(): void {
  message.textContent = note ?? '';
  message.hidden = !note;
}

// ── Events ──
rho.input.addEventListener('input', () => {
  rho.output.textContent = Number(rho.input.value).toFixed(2);
  requestSoon();
});
steps.input.addEventListener('input', () => {
  steps.output.textContent = steps.input.value;
  requestSoon();
});
hidden.addEventListener('change', requestSoon);
seed.addEventListener('change', requestSoon);
clipSelect.addEventListener('change', () => {
  const t = Number(clipSelect.value);
  clip = (CLIP_THRESHOLDS as readonly number[]).includes(t) ? t : null;
  renderClip(mode === 'trained' ? shownTrained : shown);
  save();
});
modeSelect.addEventListener('change', () => {
  const next: Mode = modeSelect.value === 'trained' ? 'trained' : 'random';
  if (next === mode) return;
  setMode(next);
  status.textContent = '';
  if (next === 'trained') {
    trainedRequestKey = '';
    if (shownTrained) renderTrained(shownTrained);
    post<GradientLabPanelToHost>({ type: 'listTrainedRuns' });
  } else {
    if (shown) render(shown);
    request();
  }
  save();
});
rnnPick.select.addEventListener('change', () => {
  trainedPick = { rnn: rnnPick.select.value, lstm: trainedPick?.lstm ?? '' };
  showTrainedRuns(null);
  requestSoon();
});
lstmPick.select.addEventListener('change', () => {
  if (trainedPick) trainedPick = { ...trainedPick, lstm: lstmPick.select.value };
  requestSoon();
});
bias.addEventListener('change', () => {
  unlistedBias = undefined;
  requestSoon();
});

onThemeChange(() => {
  theme = readTheme();
  if (chart) applyTheme(chart, spec, theme);
  if (clipChart) applyTheme(clipChart, clipSpec, theme);
});

onMessage<HostToGradientLabPanel>({
  dataSource: (m) => {
    dataLabel = m.label;
    note = m.note;
    showNote();
    if (!shown && mode === 'random') document.getElementById('data-label')!.textContent = `Data: ${m.label}`;
    if (mode === 'trained') post<GradientLabPanelToHost>({ type: 'listTrainedRuns' });
    else request();
  },
  trainedRuns: (m) => {
    trainedRuns = m.runs;
    showTrainedRuns(m.missing);
    // The host sends the list again whenever stored runs change (every checkpoint of a training run): ask for
    // curves only when the pick is new.
    const key = trainedPick ? `${trainedPick.rnn} ${trainedPick.lstm} ${steps.input.value}` : '';
    if (mode === 'trained' && key !== trainedRequestKey) request();
  },
  trainedResult: (m) => {
    if (m.requestId <= latestDrawn || mode !== 'trained') return;
    latestDrawn = m.requestId;
    renderTrained(m.view);
    status.textContent = m.requestId < lastRequestId ? 'Computing…' : '';
    save();
  },
  labResult: (m) => {
    if (m.requestId <= latestDrawn || mode !== 'random') return; // an answer to settings older than the drawing
    latestDrawn = m.requestId;
    render(m.view);
    status.textContent = m.requestId < lastRequestId ? 'Computing…' : '';
    save();
  },
  labFailed: (m) => {
    if (m.requestId === lastRequestId) status.textContent = m.message;
  },
});

// ── Start: the saved settings and drawing (a reload), else the defaults ──
const saved = getState<SavedLab>();
const start = saved?.settings && typeof saved.settings.spectralRadius === 'number' ? { ...DEFAULTS, ...saved.settings } : DEFAULTS;
settingsToControls(start);
lastRequestId = Number.isInteger(saved?.lastRequestId) ? saved!.lastRequestId! : 0;
latestDrawn = lastRequestId;
clip = typeof saved?.clip === 'number' && (CLIP_THRESHOLDS as readonly number[]).includes(saved.clip) ? saved.clip : null;
clipSelect.value = clip === null ? 'off' : String(clip);
clipCard.hidden = true;
const savedMode: Mode = saved?.mode === 'trained' ? 'trained' : 'random';
setMode(savedMode);
const validCurves = (v: { rnnHidden?: unknown; lstmCell?: unknown; lstmHidden?: unknown } | undefined) => !!v && Array.isArray(v.rnnHidden) && Array.isArray(v.lstmCell) && Array.isArray(v.lstmHidden);
if (saved?.trainedPick && typeof saved.trainedPick.rnn === 'string' && typeof saved.trainedPick.lstm === 'string') trainedPick = saved.trainedPick;
if (validCurves(saved?.trainedView) && Array.isArray(saved!.trainedView!.linearHidden)) shownTrained = saved!.trainedView;
if (validCurves(saved?.view)) {
  shown = saved!.view;
  if (savedMode === 'random') render(saved!.view!);
}
if (savedMode === 'trained' && shownTrained) renderTrained(shownTrained);
if (typeof saved?.dataLabel === 'string') dataLabel = saved.dataLabel;
if (typeof saved?.note === 'string') {
  note = saved.note;
  showNote();
}
post<GradientLabPanelToHost>({ type: 'ready' });
