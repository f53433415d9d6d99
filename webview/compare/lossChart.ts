// The overlaid loss curves: one line per run in its palette colour, x = step, y = loss in the runs' unit (nats per
// character, word or tag, or a mean squared error) on a linear or logarithmic axis. Chart.js with only the pieces a
// line chart needs (the log scale is this panel's own).
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { ComparedRun } from '../../src/shared/protocol/comparePanel';
import type { Point } from '../common/downsample';
import type { ThemeColors } from '../common/theme';
import { runStyle } from './palette';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend);

type LossChart = Chart<'line', Point[]>;

/** The unit inside a loss label (webview/common/lossUnit.ts): "Loss (nats/char)" → "nats/char". */
export function lossAxis(label: string): string {
  return /^Loss \((.*)\)$/.exec(label)?.[1] ?? label;
}

export class CompareLossChart {
  private readonly chart: LossChart;

  constructor(private readonly canvas: HTMLCanvasElement) {
    canvas.setAttribute('role', 'img');
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          legend: { position: 'top', align: 'start', labels: { usePointStyle: true, pointStyleWidth: 18, boxHeight: 8 } },
          tooltip: { displayColors: true },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step' }, ticks: { maxTicksLimit: 8 } },
          y: { type: 'linear', title: { display: true, text: 'loss (nats/char)' } },
        },
      },
    });
  }

  /**
   * Draws the runs' curves (one dataset each) in the theme's palette, on a log y axis when `logY`; `unit` names the
   * y axis, `title` (the card's heading) starts the chart's accessible name.
   */
  draw(runs: readonly ComparedRun[], palette: readonly string[], theme: ThemeColors, logY: boolean, unit: string, title: string): void {
    const chart = this.chart;
    chart.data.datasets = [
      ...runs.map((run, i) => dataset(run, palette, i)),
      ...runs.flatMap((run, i) => (run.heldOutCurve && run.heldOutCurve.steps.length > 0 ? [heldOutDataset(run, palette, i)] : [])),
    ];
    const options = chart.options;
    const font = { family: theme.fontFamily, size: theme.fontSize };
    options.color = theme.foreground;
    options.font = font;
    options.scales!.y = {
      type: logY ? 'logarithmic' : 'linear',
      title: { display: true, text: logY ? `loss (${unit}, log scale)` : `loss (${unit})` },
      ...(logY ? {} : { beginAtZero: false }),
    };
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
    chart.update();
    this.canvas.setAttribute('aria-label', describe(runs, logY, title));
  }
}

function dataset(run: ComparedRun, palette: readonly string[], i: number): ChartDataset<'line', Point[]> {
  const { color, dashed } = runStyle(palette, i);
  const data: Point[] = [];
  const { steps, losses } = run.curve;
  for (let k = 0; k < steps.length; k++) if (Number.isFinite(losses[k]) && losses[k] > 0) data.push({ x: steps[k], y: losses[k] });
  return {
    label: run.label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    borderDash: dashed ? [6, 4] : [],
    pointStyle: 'line',
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 6,
    tension: 0,
    spanGaps: true,
  };
}

/** A run's held-out scores: circles in its colour joined by a thin line (the training curve is the thick one). */
function heldOutDataset(run: ComparedRun, palette: readonly string[], i: number): ChartDataset<'line', Point[]> {
  const { color } = runStyle(palette, i);
  const data: Point[] = [];
  const { steps, losses } = run.heldOutCurve!;
  for (let k = 0; k < steps.length; k++) if (Number.isFinite(losses[k]) && losses[k] > 0) data.push({ x: steps[k], y: losses[k] });
  return {
    label: `${run.label} · held-out`,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 1,
    borderDash: [2, 3],
    pointStyle: 'circle',
    pointRadius: 2.5,
    pointHoverRadius: 4,
    pointHitRadius: 6,
    tension: 0,
    spanGaps: true,
  };
}

/** The chart in words, for screen readers: each run's loss at its first and last point. */
function describe(runs: readonly ComparedRun[], logY: boolean, title: string): string {
  const parts = runs.map((run) => {
    const n = run.curve.steps.length;
    if (n === 0) return `${run.label}: no steps yet`;
    return `${run.label}: ${run.curve.losses[0].toFixed(3)} at step ${run.curve.steps[0]}, ${run.curve.losses[n - 1].toFixed(3)} at step ${run.curve.steps[n - 1]}`;
  });
  return `${title} of ${runs.length} runs over training steps${logY ? ' (log scale)' : ''}. ${parts.join('; ')}.`;
}
