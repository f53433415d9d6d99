// A labelled probability heatmap as an HTML table: row and column labels and the values are text (textContent),
// each cell's shade is the theme's chart blue mixed in proportion to its value (CSSOM, allowed by the strict CSP),
// so a theme change recolours it without a redraw.
import { el } from '../common/dom';

export interface HeatmapSpec {
  id: string;
  caption: string;
  rowLabels: string[];
  columnLabels: string[];
  /** values[i][j] in [0, 1]. */
  values: number[][];
  /** Header of the row-label column, e.g. "from \ to". */
  corner: string;
}

export function formatProbability(p: number): string {
  if (p === 0) return '0';
  if (p >= 0.995) return '1.00';
  return p < 0.005 ? p.toExponential(0) : p.toFixed(2);
}

export function heatmap(spec: HeatmapSpec): HTMLTableElement {
  const table = el('table', { class: 'heatmap', id: spec.id });
  table.append(el('caption', {}, spec.caption));
  const head = el('tr');
  head.append(el('th', { scope: 'col', class: 'corner' }, spec.corner));
  for (const c of spec.columnLabels) head.append(el('th', { scope: 'col' }, c));
  const thead = el('thead');
  thead.append(head);
  table.append(thead);
  const body = el('tbody');
  spec.values.forEach((row, i) => {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, spec.rowLabels[i]));
    row.forEach((v, j) => {
      const p = Math.max(0, Math.min(1, v));
      const td = el('td', { 'data-value': String(v), title: `${spec.rowLabels[i]} → ${spec.columnLabels[j]}: ${v.toPrecision(4)}` }, formatProbability(v));
      td.style.setProperty('background-color', `color-mix(in srgb, var(--vscode-charts-blue) ${Math.round(p * 85)}%, transparent)`);
      if (p > 0.55) td.classList.add('strong');
      tr.append(td);
    });
    body.append(tr);
  });
  table.append(body);
  return table;
}

/** The colour scale shared by every heatmap. */
export function heatmapLegend(): HTMLElement {
  const legend = el('div', { class: 'heat-legend', id: 'heat-legend', 'aria-label': 'Colour scale: probability 0 (no shade) to 1 (full blue)' });
  legend.append(el('span', {}, '0'), el('span', { class: 'heat-bar' }), el('span', {}, '1'), el('span', { class: 'muted' }, 'probability'));
  return legend;
}
