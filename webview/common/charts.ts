// Chart.js for the webviews: only the pieces a line chart needs are registered (tree-shaken bundle), animation is
// off, and every colour comes from the VS Code theme (see theme.ts). Data is downsampled before it reaches Chart.js
// (downsample.ts), so each frame draws at most a few thousand points whatever the number of steps.
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type PointStyle,
} from 'chart.js';
import type { Point } from './downsample';
import type { ThemeColors } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

export type LineChart = Chart<'line', Point[]>;

/** Which theme colour a dataset is drawn in. */
export type ThemeColorName = 'blue' | 'orange' | 'purple' | 'red' | 'foreground';

export interface SeriesSpec {
  label: string;
  color: ThemeColorName;
  /** Points only (e.g. events), no line between them. */
  markers?: PointStyle;
  dashed?: boolean;
}

export interface LineChartSpec {
  series: SeriesSpec[];
  xTitle: string;
  yTitle: string;
  /** Describes the chart in words for screen readers. */
  ariaLabel: string;
}

function dataset(spec: SeriesSpec, theme: ThemeColors): ChartDataset<'line', Point[]> {
  const color = theme[spec.color];
  return {
    label: spec.label,
    data: [],
    borderColor: color,
    backgroundColor: color,
    borderWidth: spec.markers ? 1 : 2,
    borderDash: spec.dashed ? [5, 4] : [],
    showLine: !spec.markers,
    // 'line' draws a short line in the legend; the points themselves are hidden (radius 0).
    pointStyle: spec.markers ?? 'line',
    pointRadius: spec.markers ? 3 : 0,
    pointHoverRadius: spec.markers ? 5 : 0,
    pointHitRadius: 6,
    tension: 0,
    spanGaps: true,
  };
}

/** Creates a themed line chart with linear x and y axes; `specs` fixes the datasets' order. */
export function createLineChart(canvas: HTMLCanvasElement, spec: LineChartSpec, theme: ThemeColors): LineChart {
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', spec.ariaLabel);
  const chart: LineChart = new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: spec.series.map((s) => dataset(s, theme)) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        legend: { position: 'top', align: 'end', labels: { usePointStyle: true, pointStyleWidth: 18, boxHeight: 8 } },
        tooltip: { displayColors: true },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: spec.xTitle }, ticks: { maxTicksLimit: 8 } },
        y: { type: 'linear', beginAtZero: true, title: { display: true, text: spec.yTitle } },
      },
    },
  });
  applyTheme(chart, spec, theme);
  return chart;
}

/** Re-colours a chart after a theme change (datasets, axes, grid, legend, tooltip) and redraws it. */
export function applyTheme(chart: LineChart, spec: LineChartSpec, theme: ThemeColors): void {
  chart.data.datasets.forEach((d, i) => {
    const color = theme[spec.series[i].color];
    d.borderColor = color;
    d.backgroundColor = color;
  });
  const font = { family: theme.fontFamily, size: theme.fontSize };
  const options = chart.options;
  options.color = theme.foreground;
  options.font = font;
  for (const axis of [options.scales?.x, options.scales?.y]) {
    if (!axis) continue;
    axis.grid = { ...axis.grid, color: theme.gridLine };
    axis.border = { ...axis.border, color: theme.gridLine };
    axis.ticks = { ...axis.ticks, color: theme.mutedForeground, font };
    if ('title' in axis && axis.title) axis.title = { ...axis.title, color: theme.mutedForeground, font };
  }
  if (options.plugins?.legend?.labels) {
    options.plugins.legend.labels.color = theme.foreground;
    options.plugins.legend.labels.font = font;
  }
  // Not update('none'): in that mode Chart.js keeps the points' shared options, so markers would keep old colours.
  chart.update();
}

/** Redraws after the datasets' data arrays were refreshed in place (cheap: no animation, no re-parsing). */
export function redraw(chart: LineChart): void {
  chart.update('none');
}
