// The Gradient Flow panel's chart plumbing (main.ts draws with it): log-scale axes labelled 10ⁿ, points written in
// place so a refresh allocates nothing, the line label of each chain (layer, h→ or h←), and the shading of the
// distances a run's truncated BPTT never backpropagates.
import type { Plugin } from 'chart.js';
import type { GradientFlowView } from '../../src/shared/webviewProtocol';
import type { LineChart } from '../common/charts';
import type { Point } from '../common/downsample';
import type { ThemeColors } from '../common/theme';

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (n: number) => (n < 0 ? '⁻' : '') + [...String(Math.abs(n))].map((d) => SUPERSCRIPT[Number(d)]).join('');
export const tickPower = (value: number | string): string => {
  const v = Number(value);
  return Number.isInteger(v) ? `10${superscript(v)}` : '';
};

/** A chart's y axis as powers of ten (the values drawn are log₁₀ of the norms). */
export function logAxis(chart: LineChart): void {
  const y = chart.options.scales!.y!;
  (y as { beginAtZero?: boolean }).beginAtZero = false;
  y.ticks = { ...y.ticks, stepSize: 1, callback: tickPower };
}

/** log₁₀ of a norm; NaN (no point) for 0, a negative or a non-finite value. */
export const log = (v: number) => (v > 0 && Number.isFinite(v) ? Math.log10(v) : NaN);

/**
 * Writes point i of `n` as (x(i), y(i)) into `target`, reusing its point objects: Chart.js reads the array in place
 * (parsing: false), so a refresh allocates nothing once the arrays have grown. Points where `keep` says false are left out.
 */
export function fillPoints(target: Point[], n: number, x: (i: number) => number, y: (i: number) => number, keep?: (i: number) => boolean): Point[] {
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (keep && !keep(i)) continue;
    const point = target[m] ?? (target[m] = { x: 0, y: 0 });
    point.x = x(i);
    point.y = y(i);
    m++;
  }
  target.length = m;
  return target;
}

/**
 * The chart's line of row c of gradNormH: a layer, or for a bidirectional run (directions = 2) a layer's forward chain
 * h→ (its gradient flows back toward t = 1) or backward chain h← (toward t = T).
 */
export function chainLineLabel(view: Pick<GradientFlowView, 'layers' | 'directions'>, c: number): string {
  const D = view.directions ?? 1;
  if (D === 1) return `layer ${c + 1}`;
  const layer = view.layers > 1 ? `layer ${Math.floor(c / D) + 1} ` : '';
  return c % D === 1 ? `${layer}h← (flows back toward t = T)` : `${layer}h→ (flows back toward t = 1)`;
}

/** The first distance a chart shades as not backpropagated in training (charts without an entry shade nothing). */
export const shadedFrom = new WeakMap<object, number>();
/**
 * Shades the x range from shadedFrom (a distance, so from − 0.5 between two points) to the axis' end behind the
 * lines, in the theme's panel-border colour, with a label in the muted foreground (the theme read when drawn).
 */
export function truncationShade(currentTheme: () => ThemeColors): Plugin<'line'> {
  return {
    id: 'truncationShade',
    beforeDatasetsDraw(chart) {
      const theme = currentTheme();
      const from = shadedFrom.get(chart);
      const x = chart.scales.x;
      if (from === undefined || !x) return;
      const { ctx, chartArea: area } = chart;
      const left = Math.max(area.left, x.getPixelForValue(from - 0.5));
      if (!(left < area.right)) return;
      ctx.save();
      ctx.fillStyle = theme.gridLine;
      ctx.fillRect(left, area.top, area.right - left, area.bottom - area.top);
      ctx.fillStyle = theme.mutedForeground;
      ctx.font = `${theme.fontSize}px ${theme.fontFamily}`;
      ctx.textAlign = 'right';
      ctx.fillText('not backpropagated in training', area.right - 6, area.top + theme.fontSize + 4);
      ctx.restore();
    },
  };
}
