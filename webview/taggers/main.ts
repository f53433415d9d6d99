// Entry of the Tagger Comparison panel's webview (bundled to dist/webview/taggers.js): the RNN's settings and the
// held-out choice, a Train and a Stop button, the RNN's loss while it trains, then the two taggers side by side —
// held-out accuracy, confusion matrices, per-tag precision/recall/F1, training time, parameters — with what each
// models in one sentence and a computed sentence comparing them. The page saves what it shows with setState.
import type { HostToTaggersPanel, TaggersPanelSetup, TaggersPanelToHost } from '../../src/shared/protocol/taggersPanel';
import type { TaggerComparison, TaggerScoresView, TaggerSettings } from '../../src/shared/protocol/taggerComparison';
import { applyTheme, createLineChart, redraw, type LineChart, type LineChartSpec } from '../common/charts';
import { adoptStyles, el } from '../common/dom';
import { BucketSeries, type SavedBuckets } from '../common/downsample';
import { coalesceToFrame, throttle } from '../common/schedule';
import { onThemeChange, readTheme } from '../common/theme';
import { registerToolkit } from '../common/toolkit';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import { buildLayout, type ToolkitButton } from './layout';
import { drawConfusion, matrixLabel, readBackground } from './matrix';
import {
  comparisonSentence,
  dataSummary,
  formatCount,
  formatDuration,
  formatScore,
  hmmExplanation,
  percent,
  rnnExplanation,
  rnnName,
  unknownWordsNote,
} from './reading';
import { readSettings } from './settingsForm';
import css from './taggers.css';

interface Shown {
  fileLabel: string;
  heldOutLabel: string;
  result: TaggerComparison;
}

interface SavedTaggers {
  setup?: TaggersPanelSetup;
  settings?: TaggerSettings;
  shown?: Shown;
  losses?: SavedBuckets;
  plannedSteps?: number;
  message?: string;
}

registerToolkit();
adoptStyles(css);
const ui = buildLayout(document.getElementById('root') ?? document.body);

let setup: TaggersPanelSetup | undefined;
let shown: Shown | undefined;
let running = false;
let plannedSteps = 0;
let cell: TaggerSettings['cell'] = 'rnn';
let bidirectional = true;
let heldOut: TaggerSettings['heldOut'] = 'split';
const losses = new BucketSeries(1, 600);
let theme = readTheme();

// ── Settings controls ──
function press(button: ToolkitButton, on: boolean): void {
  button.setAttribute('aria-pressed', String(on));
  button.setAttribute('appearance', on ? 'primary' : 'secondary');
}

function showChoices(): void {
  for (const b of ui.cells) press(b, b.dataset.cell === cell);
  press(ui.bidirectional, bidirectional);
  ui.bidirectional.textContent = `Bidirectional: ${bidirectional ? 'on' : 'off'}`;
  press(ui.heldOutSplit, heldOut === 'split');
  press(ui.heldOutSibling, heldOut === 'sibling');
  ui.heldOutShare.toggleAttribute('disabled', heldOut !== 'split');
}

function fillSettings(s: TaggerSettings): void {
  cell = s.cell;
  bidirectional = s.bidirectional;
  heldOut = s.heldOut === 'sibling' && setup?.siblingLabel ? 'sibling' : 'split';
  ui.hiddenSize.value = String(s.hiddenSize);
  ui.embeddingSize.value = String(s.embeddingSize);
  ui.epochs.value = String(s.epochs);
  ui.learningRate.value = String(s.learningRate);
  ui.seed.value = String(s.seed);
  ui.heldOutShare.value = String(Math.round(s.heldOutShare * 1000) / 10);
  showChoices();
}

function typedSettings(): ReturnType<typeof readSettings> {
  return readSettings({
    cell,
    bidirectional,
    heldOut,
    hiddenSize: ui.hiddenSize.value ?? '',
    embeddingSize: ui.embeddingSize.value ?? '',
    epochs: ui.epochs.value ?? '',
    learningRate: ui.learningRate.value ?? '',
    seed: ui.seed.value ?? '',
    heldOutSharePercent: ui.heldOutShare.value ?? '',
  });
}

function showSetup(s: TaggersPanelSetup): void {
  setup = s;
  ui.empty.hidden = true;
  ui.settings.hidden = false;
  ui.fileLabel.textContent = s.fileLabel;
  ui.heldOutSibling.hidden = s.siblingLabel === null;
  ui.heldOutSibling.textContent = s.siblingLabel ?? '';
  fillSettings(s.settings);
  showRunning();
}

function showRunning(): void {
  ui.train.disabled = running || !setup;
  ui.stop.disabled = !running;
}

function setStatus(text: string): void {
  ui.status.textContent = text;
}

function showMessage(text: string | undefined): void {
  ui.message.textContent = text ?? '';
  ui.message.hidden = text === undefined;
}

for (const b of ui.cells) {
  b.addEventListener('click', () => {
    cell = b.dataset.cell as TaggerSettings['cell'];
    showChoices();
    save();
  });
}
ui.bidirectional.addEventListener('click', () => {
  bidirectional = !bidirectional;
  showChoices();
  save();
});
ui.heldOutSplit.addEventListener('click', () => {
  heldOut = 'split';
  showChoices();
  save();
});
ui.heldOutSibling.addEventListener('click', () => {
  if (!setup?.siblingLabel) return;
  heldOut = 'sibling';
  showChoices();
  save();
});
ui.train.addEventListener('click', () => {
  if (running || !setup) return;
  const read = typedSettings();
  if ('error' in read) {
    ui.settingsError.textContent = read.error;
    ui.settingsError.hidden = false;
    return;
  }
  ui.settingsError.hidden = true;
  showMessage(undefined);
  running = true;
  plannedSteps = 0;
  losses.clear();
  showRunning();
  setStatus('Fitting the HMM…');
  post<TaggersPanelToHost>({ type: 'train', settings: read.settings });
  save();
});
ui.stop.addEventListener('click', () => {
  if (!running) return;
  post<TaggersPanelToHost>({ type: 'stop' });
  setStatus('Stopping…');
});

// ── Loss chart ──
const lossSpec: LineChartSpec = {
  series: [{ label: 'RNN loss', color: 'orange' }],
  xTitle: 'update',
  yTitle: 'loss (nats per tag)',
  ariaLabel: 'Training loss of the RNN tagger against the update',
};
let lossChart: LineChart | undefined;

const drawLoss = coalesceToFrame(() => {
  if (losses.length === 0) return;
  ui.lossCard.hidden = false;
  lossChart ??= createLineChart(ui.lossCanvas, lossSpec, theme);
  lossChart.data.datasets[0].data = losses.fillPoints(0, []);
  lossChart.options.scales!.x!.max = plannedSteps > 0 ? plannedSteps : undefined;
  redraw(lossChart);
});

// ── Results ──
function scoresTable(table: HTMLTableElement, tags: string[], s: TaggerScoresView): void {
  const head = el('tr');
  for (const h of ['tag', 'precision', 'recall', 'F1', 'tokens']) head.append(el('th', { scope: 'col' }, h));
  const rows = tags.map((tag, i) => {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, tag), el('td', {}, formatScore(s.precision[i])), el('td', {}, formatScore(s.recall[i])));
    tr.append(el('td', {}, formatScore(s.f1[i])), el('td', {}, formatCount(s.support[i])));
    return tr;
  });
  table.replaceChildren(el('thead'), el('tbody'));
  table.tHead!.append(head);
  table.tBodies[0].append(...rows);
}

function drawMatrices(): void {
  if (!shown) return;
  const colors = { ...theme, background: readBackground() };
  const { tags } = shown.result;
  drawConfusion(ui.tagger('hmm').matrix, tags, shown.result.hmm.confusion, colors);
  drawConfusion(ui.tagger('rnn').matrix, tags, shown.result.rnn.confusion, colors);
}

function render(s: Shown): void {
  shown = s;
  const r = s.result;
  ui.empty.hidden = true;
  ui.results.hidden = false;
  if (!setup) ui.fileLabel.textContent = s.fileLabel;
  ui.verdict.textContent = comparisonSentence(r);
  ui.dataSummary.textContent = dataSummary(r, s.fileLabel, s.heldOutLabel);
  ui.unknownWords.textContent = unknownWordsNote(r);
  const title = `${rnnName(r.settings)} tagger`;
  ui.rnnTitle.textContent = title[0].toUpperCase() + title.slice(1);
  const models = [
    ['hmm', r.hmm, 'HMM', `trained (counted, α = ${r.hmm.alpha}) in ${formatDuration(r.hmm.trainMs)} · ${formatCount(r.hmm.parameterCount)} parameters`],
    [
      'rnn',
      r.rnn,
      rnnName(r.settings),
      `trained in ${formatDuration(r.rnn.trainMs)} (${formatCount(r.rnn.steps)} of ${formatCount(r.rnn.plannedSteps)} updates${r.rnn.stopped ? ', stopped' : ''}) · ` +
        `${formatCount(r.rnn.parameterCount)} parameters · H = ${r.settings.hiddenSize}, E = ${r.settings.embeddingSize}`,
    ],
  ] as const;
  for (const [key, scores, name, facts] of models) {
    const t = ui.tagger(key);
    t.accuracy.textContent = percent(scores.accuracy);
    t.correct.textContent = `held-out token accuracy (${formatCount(scores.correct)} of ${formatCount(scores.total)})`;
    t.facts.textContent = facts;
    t.matrix.setAttribute('aria-label', matrixLabel(name, r.tags, scores.confusion));
    scoresTable(t.table, r.tags, scores);
  }
  ui.tagger('hmm').explain.textContent = hmmExplanation();
  ui.tagger('rnn').explain.textContent = rnnExplanation(r.settings);
  drawMatrices();
}

// ── State ──
function saveNow(): void {
  const read = typedSettings();
  setState<SavedTaggers>({
    setup,
    settings: 'settings' in read ? read.settings : undefined,
    shown,
    losses: losses.save(),
    plannedSteps,
    message: ui.message.hidden ? undefined : ui.message.textContent ?? undefined,
  });
}

/** Saves at most twice a second (progress, clicks); messages that change what is shown save at once. */
const save = throttle(saveNow, 500);

function isShown(v: unknown): v is Shown {
  const s = v as Shown | undefined;
  const r = s?.result;
  const scores = (x: TaggerScoresView | undefined, n: number) =>
    typeof x === 'object' && x !== null && typeof x.accuracy === 'number' && Array.isArray(x.confusion) && x.confusion.length === n * n &&
    Array.isArray(x.precision) && x.precision.length === n && Array.isArray(x.recall) && Array.isArray(x.f1) && Array.isArray(x.support);
  return (
    typeof s === 'object' && s !== null && typeof s.fileLabel === 'string' && typeof s.heldOutLabel === 'string' &&
    typeof r === 'object' && r !== null && Array.isArray(r.tags) && r.tags.every((t) => typeof t === 'string') &&
    typeof r.settings === 'object' && r.settings !== null && scores(r.hmm, r.tags.length) && scores(r.rnn, r.tags.length)
  );
}

onThemeChange(() => {
  theme = readTheme();
  if (lossChart) applyTheme(lossChart, lossSpec, theme);
  drawMatrices();
});

onMessage<HostToTaggersPanel>({
  setup: (m) => {
    showSetup(m.setup);
    saveNow();
  },
  started: (m) => {
    plannedSteps = m.plannedSteps;
    setStatus(`Training the ${rnnName(typedSettingsOrDefault())}: 0 of ${formatCount(plannedSteps)} updates`);
  },
  progress: (m) => {
    const first = m.firstStep;
    Array.from(m.losses).forEach((loss, k) => losses.push(first + k, [loss]));
    setStatus(`Training the ${rnnName(typedSettingsOrDefault())}: ${formatCount(losses.total)} of ${formatCount(plannedSteps)} updates`);
    drawLoss();
    save();
  },
  results: (m) => {
    running = false;
    showRunning();
    const r = m.result;
    setStatus(r.rnn.stopped ? `Stopped after ${formatCount(r.rnn.steps)} of ${formatCount(r.rnn.plannedSteps)} updates.` : 'Done.');
    render({ fileLabel: m.fileLabel, heldOutLabel: m.heldOutLabel, result: r });
    saveNow();
  },
  failed: (m) => {
    running = false;
    showRunning();
    setStatus('');
    showMessage(m.message);
    saveNow();
  },
  detached: (m) => {
    running = false;
    showRunning();
    showMessage(m.message);
    saveNow();
  },
});

function typedSettingsOrDefault(): TaggerSettings {
  const read = typedSettings();
  return 'settings' in read ? read.settings : { ...(setup?.settings as TaggerSettings), cell, bidirectional };
}

// ── Restore ──
ui.settings.hidden = true;
const saved = getState<SavedTaggers>();
if (saved?.setup) {
  showSetup(saved.setup);
  if (saved.settings) fillSettings(saved.settings);
}
if (saved?.losses && losses.restore(saved.losses)) {
  plannedSteps = saved.plannedSteps ?? 0;
  drawLoss();
}
if (saved?.shown && isShown(saved.shown)) render(saved.shown);
if (saved?.message) showMessage(saved.message);
showRunning();
post<TaggersPanelToHost>({ type: 'ready' });
