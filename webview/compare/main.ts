// Entry of the Compare Runs panel's webview (bundled to dist/webview/compare.js): the loss curves of the compared
// runs overlaid (linear or log y), the sentence comparing them, and a table of their final metrics. It draws what the
// host sends; it saves only the run ids and the log-scale choice (the host re-reads the runs after a reload).
// The loss is labelled by the runs' data kind (nats per character, word or tag, or a mean squared error); perplexity
// and chars/s mean nothing for a mean squared error and are left out.
import type { ComparedRun, ComparePanelToHost, HostToComparePanel } from '../../src/shared/protocol/comparePanel';
import { adoptStyles, el } from '../common/dom';
import { coalesceToFrame } from '../common/schedule';
import { onThemeChange, readTheme } from '../common/theme';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import { lossUnit } from '../common/lossUnit';
import css from './compare.css';
import { CELL_NAMES, formatFixed, formatPerplexity, formatRate, formatSteps } from './format';
import { CompareLossChart, lossAxis } from './lossChart';
import { readPalette, runStyle } from './palette';

interface SavedCompare {
  runIds: string[];
  logY: boolean;
}

adoptStyles(css);

// ── Layout ──
const root = document.getElementById('root') ?? document.body;
root.id = 'compare';
const header = el('header');
header.append(el('h1', {}, 'Compare runs'), el('span', { class: 'muted', id: 'files' }));
const message = el('p', { id: 'message', role: 'status' });
message.hidden = true;
const empty = el('p', { id: 'empty', class: 'muted' },
  'Select two or more runs in the Runs view and choose "Compare Runs" (or run "Sequence Lab: Compare Runs…").');
const content = el('div', { id: 'content', class: 'cards' });
content.hidden = true;
const summary = el('p', { id: 'summary', role: 'status' });

const chartCard = el('section', { class: 'card' });
const toolbar = el('div', { class: 'toolbar' });
const logLabel = el('label', { title: 'Log y axis: equal ratios of the loss look equal, which separates curves near their floor' });
const logBox = el('input', { type: 'checkbox', id: 'log-y' });
logLabel.append(logBox, document.createTextNode(' Log scale'));
toolbar.append(logLabel);
const chartBox = el('div', { class: 'chart-box' });
const canvas = el('canvas', { id: 'loss-chart' });
chartBox.append(canvas);
const chartTitle = el('h2', { id: 'loss-title' }, 'Loss per character');
const unitNote = el('p', { id: 'unit-note', class: 'muted' });
unitNote.hidden = true;
chartCard.append(chartTitle, toolbar, unitNote, chartBox);

const tableCard = el('section', { class: 'card' });
const tableBox = el('div', { class: 'table-box' });
const table = el('table', { id: 'metrics' });
const COLUMNS: [string, string][] = [
  ['Model', 'text'], ['File', 'text'], ['Cell', 'text'], ['Hidden', ''], ['Layers', ''], ['Optimizer', 'text'], ['Learning rate', ''],
  ['Steps', ''], ['Final loss', ''], ['Best loss', ''], ['Held-out loss', ''], ['Perplexity', ''], ['Gradient norm', ''], ['Chars/s', ''], ['Status', 'text'],
];
/** Columns shown only when some run's loss is a cross-entropy (perplexity e^loss, characters per second). */
const CROSS_ENTROPY_ONLY = new Set(['Perplexity', 'Chars/s']);
const headRow = el('tr');
const headCells = COLUMNS.map(([name, cls]) => el('th', cls ? { class: cls, scope: 'col' } : { scope: 'col' }, name));
headRow.append(...headCells);
const thead = el('thead');
thead.append(headRow);
const tbody = el('tbody');
table.append(thead, tbody);
tableBox.append(table);
tableCard.append(el('h2', {}, 'Final metrics (means over the last 5% of each run\u2019s steps)'), tableBox);

content.append(summary, chartCard, tableCard);
root.append(header, message, empty, content);

// ── State ──
const saved = getState<Partial<SavedCompare>>();
let logY = saved?.logY === true;
let runIds: string[] = Array.isArray(saved?.runIds) ? saved.runIds.filter((id) => typeof id === 'string') : [];
let runs: ComparedRun[] = [];
logBox.checked = logY;
let chart: CompareLossChart | undefined;

function save(): void {
  setState<SavedCompare>({ runIds, logY });
}

function cell(text: string, cls = ''): HTMLTableCellElement {
  return el('td', cls ? { class: cls } : {}, text);
}

function renderTable(palette: readonly string[]): void {
  const anyCrossEntropy = runs.some((run) => lossUnit(run).per !== undefined);
  const hideColumn = COLUMNS.map(([name]) => !anyCrossEntropy && CROSS_ENTROPY_ONLY.has(name));
  headCells.forEach((th, k) => (th.hidden = hideColumn[k]));
  tbody.replaceChildren(
    ...runs.map((run, i) => {
      const row = el('tr', { 'data-run': run.id });
      const { color, dashed } = runStyle(palette, i);
      const swatch = el('span', { class: dashed ? 'swatch dashed' : 'swatch', 'aria-hidden': 'true' });
      // CSSOM, not a style attribute: the page's CSP allows no inline styles.
      if (dashed) swatch.style.color = color;
      else swatch.style.backgroundColor = color;
      const link = el('button', { class: 'run-link', type: 'button', title: 'Show this run in the Training panel' }, run.label);
      link.addEventListener('click', () => post<ComparePanelToHost>({ type: 'openRun', runId: run.id }));
      const model = el('td', { class: 'text' });
      model.append(swatch, link);
      row.append(
        model,
        cell(run.fileLabel, 'text'),
        cell(CELL_NAMES[run.cell] ?? run.cell, 'text'),
        cell(String(run.hiddenSize)),
        cell(String(run.layers)),
        cell(run.optimizer, 'text'),
        cell(String(run.learningRate)),
        cell(formatSteps(run.step, run.steps)),
        cell(formatFixed(run.finalLoss)),
        cell(formatFixed(run.bestLoss)),
        cell(formatFixed(run.heldOutLoss)),
        cell(formatPerplexity(run.perplexity)),
        cell(formatFixed(run.gradNorm, 2)),
        cell(formatRate(run.charsPerSecond)),
        cell(run.status, 'text'),
      );
      [...row.children].forEach((td, k) => ((td as HTMLElement).hidden = hideColumn[k]));
      return row;
    }),
  );
}

function draw(): void {
  content.hidden = runs.length === 0;
  empty.hidden = runs.length > 0 || !message.hidden;
  if (runs.length === 0) return;
  const palette = readPalette();
  const units = [...new Set(runs.map((r) => lossUnit(r).label))];
  const unit = lossUnit(runs[0]);
  chartTitle.textContent = units.length > 1 ? 'Loss (different units)' : unit.per ? `Loss per ${unit.per}` : unit.label;
  unitNote.hidden = units.length < 2;
  unitNote.textContent = units.length < 2 ? '' : `The runs’ losses are in different units (${units.map((u) => lossAxis(u)).join(', ')}): their curves share an axis but cannot be compared.`;
  chart ??= new CompareLossChart(canvas);
  chart.draw(runs, palette, readTheme(), logY, units.length > 1 ? 'different units' : lossAxis(unit.label), chartTitle.textContent);
  renderTable(palette);
  const files = [...new Set(runs.map((r) => r.fileLabel))];
  document.getElementById('files')!.textContent = `${runs.length} runs on ${files.join(', ')}`;
}

const scheduleDraw = coalesceToFrame(draw);

onMessage<HostToComparePanel>({
  showComparison: (m) => {
    runs = m.runs;
    runIds = m.runs.map((r) => r.id);
    summary.textContent = m.summary;
    message.hidden = m.missing === 0;
    message.textContent = m.missing === 0 ? '' : `${m.missing} of the compared runs ${m.missing === 1 ? 'is' : 'are'} no longer stored and not shown.`;
    save();
    scheduleDraw();
  },
  detached: (m) => {
    message.hidden = false;
    message.textContent = m.message;
    scheduleDraw();
  },
});

logBox.addEventListener('change', () => {
  logY = logBox.checked;
  save();
  scheduleDraw();
});

onThemeChange(() => scheduleDraw());

draw();
post<ComparePanelToHost>({ type: 'ready' });
