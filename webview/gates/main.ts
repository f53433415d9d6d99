// Entry of the Gates panel's webview (bundled to dist/webview/gates.js): for one window of a run's training text, a
// heatmap (steps × units) of one series of one layer — LSTM i, f, g, o, c, h; GRU r, z, n, h; RNN h — picked in the
// dropdown; the picked units' traces as lines; the saturation of every gate and what it means; the selected step's
// top-5 next characters; and LSTMVis-style pattern selection: drag over a stretch of steps (or Shift+arrows), and the
// units above the threshold across all of it are listed, with every other place in the window where they are on
// together marked above the heatmap. Clicking a step (or arrows) asks the host to select that character in the editor.
// A word run's steps are its words: labelled as words, cut short on the axes (the whole word on hover and in the
// step's line).
import type { GatesPanelToHost, GatesView, HostToGatesPanel } from '../../src/shared/webviewProtocol';
import { applyTheme, createLineChart, type LineChart, type LineChartSpec, type ThemeColorName } from '../common/charts';
import { adoptStyles, el, toolkitElement } from '../common/dom';
import { onThemeChange, readTheme } from '../common/theme';
import { registerToolkit } from '../common/toolkit';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import { fromBase64, seriesBlock, toBase64, typedOutputs } from '../common/gatesView';
import { shortLabel, showChar } from '../common/tokenLabels';
import { chainCount, chainTitle, isSigmoid, parseUnitList, saturation, saturationReading, SERIES_TITLES, stepsAllOn, unitsOnAcross } from './analysis';
import css from './gates.css';
import { createSearchCard, typedResults, type SearchQuery } from './search';
import { cellAt, drawHeatmap, drawLegend, scaleFor, type HeatmapGeometry } from './heatmap';
import { isView, type Choice, type SavedGates } from './gatesState';

const MAX_PICKED = 8;

const send = (m: GatesPanelToHost) => post<GatesPanelToHost>(m);

registerToolkit();
adoptStyles(css);

// ── Layout ──
const root = document.getElementById('root') ?? document.body;
root.id = 'gates';
const header = el('header');
const refresh = toolkitElement('vscode-button', { id: 'refresh', title: 'Trace the run\'s current model again over this window' }, 'Refresh');
refresh.addEventListener('click', () => send({ type: 'refresh' }));
header.append(el('h1', {}, 'Gates'), el('span', { class: 'labels', id: 'labels' }), refresh);
const message = el('p', { id: 'message', role: 'status' });
message.hidden = true;
const empty = el('p', { id: 'empty', class: 'muted' }, 'Waiting for a trace of the run…');
const content = el('div', { id: 'content' });
content.hidden = true;

const controls = el('div', { class: 'controls' });
const seriesLabel = el('label', { for: 'series', id: 'series-label' }, 'Layer and gate');
const seriesPick = toolkitElement('vscode-dropdown', { id: 'series', 'aria-labelledby': 'series-label' });
const unitsField = toolkitElement('vscode-text-field', { id: 'units', placeholder: 'e.g. 3, 7, 12-14', size: '16' }, 'Units (lines)');
const thresholdBox = el('label', { class: 'threshold', for: 'threshold' });
const threshold = el('input', { id: 'threshold', type: 'range', min: '0', max: '1', step: '0.05', value: '0.5' });
const thresholdOut = el('output', { id: 'threshold-value', for: 'threshold' }, '0.5');
thresholdBox.append('Pattern threshold ', threshold, thresholdOut);
const seriesBox = el('div', { class: 'field' });
seriesBox.append(seriesLabel, seriesPick);
controls.append(seriesBox, unitsField, thresholdBox);
const unitsError = el('p', { id: 'units-error', class: 'error', role: 'alert' });
unitsError.hidden = true;

const mapCard = el('section', { class: 'card' });
const mapTitle = el('h2', { id: 'map-title' });
const legend = el('canvas', { id: 'legend', role: 'img' });
const mapBox = el('div', { class: 'map-box' });
const heatmap = el('canvas', {
  id: 'heatmap', tabindex: '0', role: 'img',
  'aria-describedby': 'map-help',
});
mapBox.append(heatmap);
const helpText = (unit: string) =>
  `Click a cell: select that step (and its ${unit} in the editor) and add or remove the unit's line. Drag across steps: ` +
  'find the units on across the stretch. Keys: ←/→ step, ↑/↓ unit, Enter pick unit, Shift+←/→ stretch, Esc clear.';
const help = el('p', { id: 'map-help', class: 'muted' }, helpText('character'));
const stepInfo = el('p', { id: 'step-info', 'aria-live': 'polite' });
const pattern = el('p', { id: 'pattern', 'aria-live': 'polite' });
const pickPattern = toolkitElement('vscode-button', { id: 'pick-pattern', appearance: 'secondary' }, 'Show these units as lines');
pickPattern.hidden = true;
const mapHead = el('div', { class: 'map-head' });
mapHead.append(mapTitle, legend);
mapCard.append(mapHead, mapBox, stepInfo, pattern, pickPattern, help);

/** What "Search whole file" would search for: the pattern's units in this layer's h_t or c_t, or why it cannot. */
function searchQuery(): SearchQuery | string {
  if (!view) return 'Waiting for a trace of the run…';
  if ((view.directions ?? 1) > 1) return 'The whole-file search reads one-directional runs; this run is bidirectional.';
  if (view.tokenKind === 'tokens' || view.tokenKind === 'rows') return 'The whole-file search reads character and word runs.';
  const name = seriesName();
  if (name !== 'h' && name !== 'c') return 'The whole-file search reads h_t or c_t: pick a layer\'s hidden state h (or cell state c) above.';
  if (!choice.stretch) return 'Drag across a stretch of steps: the units on across all of it are searched for in the whole file.';
  if (patternUnits.length === 0) return 'No unit is on across the selected stretch: lower the threshold or shorten the stretch.';
  return { layer: layerOf(), series: name, units: [...patternUnits], threshold: choice.threshold, queryLength: choice.stretch[1] - choice.stretch[0] + 1 };
}
const searchCard = createSearchCard(searchQuery, send, () => save());

const linesCard = el('section', { class: 'card' });
const linesBox = el('div', { class: 'chart-box' });
const linesCanvas = el('canvas', { id: 'units-chart' });
linesBox.append(linesCanvas);
const linesHint = el('p', { id: 'lines-hint', class: 'muted' }, 'Click a heatmap cell or type unit numbers above to draw their values here.');
linesCard.append(el('h2', {}, 'Picked units over the window'), linesHint, linesBox);

const satCard = el('section', { class: 'card' });
const reading = el('p', { id: 'reading' });
const satTable = el('table', { id: 'saturation' });
satCard.append(el('h2', {}, 'Saturation'), reading, satTable);

content.append(controls, unitsError, mapCard, searchCard.element, linesCard, satCard);
root.append(header, message, empty, content);

// ── State ──
let view: GatesView | undefined;
let choice: Choice = { series: 0, picked: [], threshold: 0.5, selected: -1, stretch: null };
let geometry: HeatmapGeometry | undefined;
let unitCursor = 0;
let matches: number[] = [];
let patternUnits: number[] = [];
let theme = readTheme();
let lines: { chart: LineChart; spec: LineChartSpec } | undefined;

const S = () => view!.series.length;
const layerOf = () => Math.floor(choice.series / S());
const seriesIndex = () => choice.series % S();
const seriesName = () => view!.series[seriesIndex()];
const T = () => view!.tokens.length;
/** What one step reads: a character, a word of a word run, a tagged run's token or a series' row (all but characters drawn cut short). */
const words = () => view?.tokenKind === 'words' || view?.tokenKind === 'tokens' || view?.tokenKind === 'rows';
const unit = () => (view?.tokenKind === 'words' ? 'word' : view?.tokenKind === 'tokens' ? 'token' : view?.tokenKind === 'rows' ? 'row' : 'character');
/** Chain title and separator for the dropdown and the heatmap's title ("Layer 1 h← backward · "). */
const chainPrefix = (c: number, sep: string) => {
  const title = chainTitle(view!, c);
  return title ? `${title}${sep}` : '';
};

function fillDropdown(): void {
  const options = [];
  // One entry per chain (layer, and direction h→ / h← of a bidirectional run) and series.
  for (let k = 0; k < chainCount(view!); k++) {
    for (let s = 0; s < S(); s++) {
      const o = toolkitElement('vscode-option', { value: String(k * S() + s) }, `${chainPrefix(k, ' · ')}${SERIES_TITLES[view!.series[s]] ?? view!.series[s]}`);
      options.push(o);
    }
  }
  seriesPick.replaceChildren(...options);
  seriesPick.value = String(choice.series);
}

function draw(): void {
  if (!view) return;
  const name = seriesName();
  const block = seriesBlock(view, layerOf(), seriesIndex());
  const scale = scaleFor(name, block, theme);
  const font = `${Math.max(10, theme.fontSize - 1)}px ${getComputedStyle(document.body).getPropertyValue('--vscode-editor-font-family').trim() || 'monospace'}`;
  const accent = getComputedStyle(document.body).getPropertyValue('--vscode-focusBorder').trim() || theme.orange;
  geometry = drawHeatmap(heatmap, {
    block, T: T(), H: view.hiddenSize, tokens: view.tokens, words: words(), scale, selected: choice.selected, stretch: choice.stretch,
    matches, picked: choice.picked, unitCursor: document.activeElement === heatmap ? unitCursor : -1,
    colours: { foreground: theme.foreground, muted: theme.mutedForeground, accent, mark: theme.orange }, font,
  });
  drawLegend(legend, scale, { muted: theme.mutedForeground }, font);
  legend.setAttribute('aria-label', scale.kind === 'sequential'
    ? 'Colour scale: sequential (viridis), dark purple at 0 to yellow at 1'
    : `Colour scale: diverging, blue at ${scale.min.toFixed(2)} through the background at 0 to red at ${scale.max.toFixed(2)}`);
  const title = `${chainPrefix(layerOf(), ': ')}${SERIES_TITLES[name] ?? name} — ${T()} steps × ${view.hiddenSize} units`;
  mapTitle.textContent = title;
  heatmap.setAttribute('aria-label', `Heatmap of the ${title}; x axis the window's ${unit()}s, y axis the units`);
  drawStepInfo();
  drawLines(block);
  drawSaturation();
}

function drawStepInfo(): void {
  const t = choice.selected;
  if (!view || t < 0 || t >= T()) {
    stepInfo.textContent = 'No step selected.';
    return;
  }
  const top = [0, 1, 2, 3, 4]
    .filter((r) => view!.topChars[t * 5 + r] !== '')
    .map((r) => `${showChar(view!.topChars[t * 5 + r])} ${view!.topProbabilities[t * 5 + r].toFixed(2)}`);
  const o = view.outputs;
  const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4));
  if (o?.kind === 'tag') {
    const right = view.topChars[t * 5] === o.gold[t];
    stepInfo.textContent = `Step ${t + 1} “${view.tokens[t]}” → tag ${top.join(', ')}; the file's tag is ${o.gold[t]} (${right ? 'right' : 'wrong'})`;
  } else if (o?.kind === 'series') {
    const F = o.names.length;
    stepInfo.textContent = `Step ${t + 1} (${view.tokens[t]}) → predicted next row ${o.names.map((n, j) => `${n} ${fmt(o.predicted[t * F + j])} (true ${fmt(o.actual[t * F + j])})`).join(', ')}`;
  } else if (o?.kind === 'final') {
    stepInfo.textContent = `Step ${t + 1} (${view.tokens[t]}) of the block` + (t === T() - 1 ? `: the one output, ${o.name} ${fmt(o.predicted)} against the target ${fmt(o.actual)}` : `; the run predicts once, after step ${T()}`);
  } else stepInfo.textContent = `Step ${t + 1} (${unit()} ${view.start + t}) “${showChar(view.tokens[t])}” → next: ${top.join(', ')}`;
}

const COLOURS: ThemeColorName[] = ['blue', 'orange', 'purple', 'red'];

function drawLines(block: Float32Array): void {
  const H = view!.hiddenSize;
  const specKey = choice.picked.join(',');
  linesHint.hidden = choice.picked.length > 0;
  linesBox.hidden = choice.picked.length === 0;
  const xTitle = `step (the window's ${unit()}s)`;
  if (!lines || lines.spec.xTitle !== xTitle || lines.spec.series.map((s) => s.label).join(',') !== choice.picked.map((j) => `unit ${j + 1}`).join(',')) {
    lines?.chart.destroy();
    const spec: LineChartSpec = {
      series: choice.picked.map((j, i) => ({ label: `unit ${j + 1}`, color: COLOURS[i % COLOURS.length], dashed: i >= COLOURS.length })),
      xTitle,
      yTitle: 'value',
      ariaLabel: `Values of the picked units ${specKey || '(none)'} at each step of the window`,
    };
    const chart = createLineChart(linesCanvas, spec, theme);
    (chart.options.scales!.y as { beginAtZero?: boolean }).beginAtZero = false;
    chart.options.scales!.x!.ticks = {
      ...chart.options.scales!.x!.ticks, stepSize: 1, autoSkip: true, autoSkipPadding: 4, maxTicksLimit: 1000, maxRotation: 0,
      callback: (value) => (words() ? shortLabel : showChar)(view?.tokens[Number(value)] ?? ''),
    };
    lines = { chart, spec };
  }
  lines.chart.data.datasets.forEach((d, i) => {
    const j = choice.picked[i];
    d.data = Array.from({ length: T() }, (_, t) => ({ x: t, y: block[t * H + j] }));
  });
  lines.chart.options.scales!.x!.min = 0;
  lines.chart.options.scales!.x!.max = T() - 1;
  lines.chart.update();
}

function drawSaturation(): void {
  const rows = saturation(view!, layerOf());
  const head = el('tr');
  head.append(el('th', {}, 'series'), el('th', {}, 'below 0.1'), el('th', {}, 'above 0.9 (|v| for tanh)'));
  satTable.replaceChildren(head, ...rows.map((r) => {
    const tr = el('tr');
    tr.append(el('td', {}, SERIES_TITLES[r.name] ?? r.name), el('td', {}, isSigmoid(r.name) ? `${(100 * r.low).toFixed(0)}%` : '—'), el('td', {}, `${(100 * r.high).toFixed(0)}%`));
    return tr;
  }));
  reading.textContent = saturationReading(view!, layerOf());
}

/** The pattern of the selected stretch (its units and the other steps where they are all on), and what a whole-file search would search. */
function findPattern(): void {
  findPatternInWindow();
  searchCard.refresh();
}

function findPatternInWindow(): void {
  matches = [];
  patternUnits = [];
  pickPattern.hidden = true;
  if (!view || !choice.stretch) {
    pattern.textContent = 'Drag across a stretch of steps to find the units that are on across all of it.';
    return;
  }
  const [a, b] = choice.stretch;
  patternUnits = unitsOnAcross(view, layerOf(), seriesIndex(), a, b, choice.threshold);
  const text = view.tokens.slice(a, b + 1).map(showChar).join(words() ? ' ' : '');
  if (patternUnits.length === 0) {
    pattern.textContent = `No unit is above ${choice.threshold} across steps ${a + 1}–${b + 1} “${text}”. Lower the threshold or shorten the stretch.`;
    return;
  }
  const inside = (t: number) => t >= a && t <= b;
  matches = stepsAllOn(view, layerOf(), seriesIndex(), patternUnits, choice.threshold).filter((t) => !inside(t));
  const shown = patternUnits.slice(0, 20).map((j) => j + 1).join(', ') + (patternUnits.length > 20 ? ', …' : '');
  pattern.textContent =
    `${patternUnits.length} unit${patternUnits.length === 1 ? ' is' : 's are'} above ${choice.threshold} across steps ${a + 1}–${b + 1} “${text}”: ${shown}. ` +
    (matches.length === 0 ? 'They are not on together anywhere else in the window.'
      : `They are on together at ${matches.length} other step${matches.length === 1 ? '' : 's'} (marked above the heatmap): ${matches.slice(0, 12).map((t) => `“${showChar(view!.tokens[t])}” ${t + 1}`).join(', ')}${matches.length > 12 ? ', …' : ''}.`);
  pickPattern.hidden = false;
}

let idleSave: number | undefined;

/** A new window from the host is saved once the page is idle: encoding it (~200 kB) is no part of its update's frame. */
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
  const saved: SavedGates = { choice, message: message.hidden ? undefined : message.textContent ?? undefined, search: searchCard.saved() };
  if (view) saved.view = { ...view, values: toBase64(view.values), topProbabilities: toBase64(view.topProbabilities) };
  setState<SavedGates>(saved);
}

function update(): void {
  findPattern();
  draw();
  save();
}

// ── Intents ──
function selectStep(t: number, reveal: boolean): void {
  if (!view) return;
  choice.selected = Math.max(0, Math.min(T() - 1, t));
  if (reveal) send({ type: 'revealStep', t: choice.selected });
  update();
}

function togglePicked(j: number): void {
  const i = choice.picked.indexOf(j);
  if (i >= 0) choice.picked.splice(i, 1);
  else if (choice.picked.length < MAX_PICKED) choice.picked.push(j);
  unitsField.value = choice.picked.map((u) => u + 1).join(', ');
}

let drag: { t: number; j: number; moved: boolean } | undefined;
const pointerCell = (e: PointerEvent) => geometry && cellAt(geometry, e.offsetX, e.offsetY);
heatmap.addEventListener('pointerdown', (e) => {
  const cell = pointerCell(e);
  if (!cell) return;
  heatmap.setPointerCapture(e.pointerId);
  drag = { t: cell.t, j: cell.j, moved: false };
});
heatmap.addEventListener('pointermove', (e) => {
  // A word run's axis shows words cut short: the whole word of the step under the pointer as the tooltip.
  if (words()) {
    const hovered = pointerCell(e);
    heatmap.title = hovered ? `Step ${hovered.t + 1}: ${showChar(view!.tokens[hovered.t])}` : '';
  }
  if (!drag) return;
  const cell = pointerCell(e);
  if (!cell || cell.t === drag.t) return;
  drag.moved = true;
  choice.stretch = [Math.min(drag.t, cell.t), Math.max(drag.t, cell.t)];
  update();
});
heatmap.addEventListener('pointerup', (e) => {
  const d = drag;
  drag = undefined;
  if (!d || d.moved) return;
  const cell = pointerCell(e) ?? d;
  unitCursor = cell.j;
  togglePicked(cell.j);
  selectStep(cell.t, true);
});
heatmap.addEventListener('keydown', (e) => {
  if (!view) return;
  const last = T() - 1;
  const from = choice.selected < 0 ? 0 : choice.selected;
  if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && e.shiftKey) {
    const [a, b] = choice.stretch ?? [from, from];
    choice.stretch = e.key === 'ArrowRight' ? [a, Math.min(last, b + 1)] : [a, Math.max(a, b - 1)];
    update();
  } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
    selectStep(from + (e.key === 'ArrowRight' ? 1 : -1), true);
  } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
    unitCursor = Math.max(0, Math.min(view.hiddenSize - 1, unitCursor + (e.key === 'ArrowDown' ? 1 : -1)));
    draw();
  } else if (e.key === 'Enter' || e.key === ' ') {
    togglePicked(unitCursor);
    update();
  } else if (e.key === 'Escape') {
    choice.stretch = null;
    update();
  } else return;
  e.preventDefault();
});
heatmap.addEventListener('focus', () => draw());
heatmap.addEventListener('blur', () => draw());

seriesPick.addEventListener('change', () => {
  const v = Number(seriesPick.value);
  if (!view || !Number.isInteger(v) || v < 0 || v >= chainCount(view) * S()) return;
  choice.series = v;
  update();
});
unitsField.addEventListener('change', () => {
  if (!view) return;
  const units = parseUnitList(unitsField.value ?? '', view.hiddenSize, MAX_PICKED);
  unitsError.hidden = typeof units !== 'string';
  if (typeof units === 'string') {
    unitsError.textContent = units;
    return;
  }
  choice.picked = units;
  update();
});
threshold.addEventListener('input', () => {
  choice.threshold = Number(threshold.value);
  thresholdOut.textContent = threshold.value;
  update();
});
pickPattern.addEventListener('click', () => {
  choice.picked = patternUnits.slice(0, MAX_PICKED);
  unitsField.value = choice.picked.map((u) => u + 1).join(', ');
  update();
});

// ── Showing a view ──
function show(v: GatesView, keepChoice: boolean): void {
  const sameShape = view && view.layers === v.layers && view.directions === v.directions && view.series.join() === v.series.join() && view.hiddenSize === v.hiddenSize;
  const sameWindow = view && view.start === v.start && view.tokens.length === v.tokens.length;
  view = { ...v, values: Float32Array.from(v.values), topProbabilities: Float32Array.from(v.topProbabilities), outputs: typedOutputs(v.outputs) };
  if (!sameShape && !keepChoice) choice = { ...choice, series: view.series.indexOf(view.cell === 'lstm' ? 'f' : view.cell === 'gru' ? 'z' : 'h'), picked: [] };
  if (!sameWindow && !keepChoice) choice.stretch = null;
  if (v.cursor >= 0) choice.selected = v.cursor;
  else if (choice.selected >= T()) choice.selected = -1;
  choice.series = Math.min(choice.series, chainCount(view) * S() - 1);
  choice.picked = choice.picked.filter((j) => j < view!.hiddenSize);
  empty.hidden = true;
  content.hidden = false;
  document.getElementById('labels')!.textContent = `${v.runLabel} · step ${v.step} · ` + (v.tokenKind === 'tokens'
    ? `a tagged sequence of ${T()} token${T() === 1 ? '' : 's'}`
    : v.tokenKind === 'rows' ? `${v.tokens[0]}–${v.tokens[T() - 1]}` : `${unit()}s ${v.start}–${v.start + T() - 1}`);
  help.textContent = helpText(unit());
  if (!words()) heatmap.removeAttribute('title');
  if (!sameShape || keepChoice) fillDropdown();
  unitsField.value = choice.picked.map((u) => u + 1).join(', ');
  threshold.value = String(choice.threshold);
  thresholdOut.textContent = String(choice.threshold);
  findPattern();
  draw();
  saveWhenIdle();
}

onThemeChange(() => {
  theme = readTheme();
  if (lines) applyTheme(lines.chart, lines.spec, theme);
  draw();
});
window.addEventListener('resize', () => draw());

onMessage<HostToGatesPanel>({
  showActivations: (m) => {
    if (!isView(m.view)) return;
    message.hidden = true;
    show(m.view, false);
  },
  select: (m) => {
    if (view && Number.isInteger(m.t)) selectStep(m.t, false);
  },
  status: (m) => {
    refresh.title = m.training ? `${m.runLabel} is training: the panel refreshes every second` : `Trace ${m.runLabel} again`;
  },
  searchProgress: (m) => {
    if (typeof m.share === 'number' && Number.isFinite(m.share)) searchCard.progress(m.share);
  },
  searchResults: (m) => {
    const r = typedResults(m.results);
    if (r) searchCard.results(r);
  },
  searchEnded: (m) => {
    if (typeof m.message === 'string') searchCard.ended(m.message);
  },
  searchCurrent: (m) => {
    if (Number.isInteger(m.index)) searchCard.current(m.index);
  },
  detached: (m) => {
    message.textContent = m.message;
    message.hidden = false;
    // No trace is on its way: the page no longer says it waits for one.
    empty.hidden = true;
    save();
  },
});

const saved = getState<SavedGates>();
if (saved?.choice) choice = saved.choice;
if (saved?.search) searchCard.restore(saved.search);
if (saved?.view) {
  const restored = { ...saved.view, values: fromBase64(saved.view.values), topProbabilities: fromBase64(saved.view.topProbabilities) };
  if (isView(restored)) show(restored, true);
}
if (saved?.message) {
  message.textContent = saved.message;
  message.hidden = false;
  empty.hidden = true;
}
send({ type: 'ready' });
