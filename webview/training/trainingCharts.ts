// The Training panel's two charts: loss (nats and bits per character) and gradient norm with clip events.
import { applyTheme, createLineChart, redraw, type LineChart, type LineChartSpec } from '../common/charts';
import type { Point } from '../common/downsample';
import type { ThemeColors } from '../common/theme';
import { formatInteger, formatLoss } from './format';
import { CLIPPED, GRAD_NORM, LOSS, type TrainingModel } from './trainingModel';
import { lossUnit } from '../common/lossUnit';

const LN2 = Math.LN2;

const LOSS_SPEC: LineChartSpec = {
  series: [
    { label: 'loss (nats/char)', color: 'blue' },
    { label: 'bits/char', color: 'orange' },
    { label: 'held-out loss', color: 'purple' },
  ],
  xTitle: 'step',
  yTitle: 'per character',
  ariaLabel: 'Loss per character over training steps',
};

const GRAD_SPEC: LineChartSpec = {
  series: [
    { label: 'gradient norm', color: 'purple' },
    { label: 'clipped', color: 'red', markers: 'triangle' },
    { label: 'clip threshold', color: 'red', dashed: true },
  ],
  xTitle: 'step',
  yTitle: 'L2 norm before clipping',
  ariaLabel: 'Gradient norm over training steps',
};

export class TrainingCharts {
  private readonly loss: LineChart;
  private readonly grad: LineChart;

  constructor(lossCanvas: HTMLCanvasElement, gradCanvas: HTMLCanvasElement, theme: ThemeColors) {
    this.loss = createLineChart(lossCanvas, LOSS_SPEC, theme);
    this.grad = createLineChart(gradCanvas, GRAD_SPEC, theme);
  }

  setTheme(theme: ThemeColors): void {
    applyTheme(this.loss, LOSS_SPEC, theme);
    applyTheme(this.grad, GRAD_SPEC, theme);
  }

  /**
   * Copies the model's downsampled steps into the charts (reusing their arrays) and redraws; `smoothing` in [0, 1)
   * draws the training and held-out curves as their debiased exponential moving average (TensorBoard's smoothing).
   */
  update(model: TrainingModel, smoothing = 0): void {
    const steps = model.steps;
    const [nats, bits, heldOut] = this.loss.data.datasets.map((d) => d.data);
    steps.fillPoints(LOSS, nats);
    smooth(nats, smoothing);
    steps.fillPoints(LOSS, bits);
    smooth(bits, smoothing);
    for (const p of bits) p.y /= LN2;
    heldOut.length = 0;
    const h = model.heldOut;
    for (let i = 0; i < h.steps.length; i++) heldOut.push({ x: h.steps[i], y: h.losses[i] });
    smooth(heldOut, smoothing);
    // The loss's unit follows the run's data kind (nats per char/word/tag, or a mean squared error without bits).
    const unit = lossUnit(model.run?.config);
    const [natsSet, bitsSet] = this.loss.data.datasets;
    natsSet.label = `${unit.per ? `loss (nats/${unit.short})` : 'loss (MSE)'}${smoothing > 0 ? ', smoothed' : ''}`;
    this.loss.data.datasets[2].label = `held-out ${unit.per ? `loss (nats/${unit.short})` : 'MSE'}`;
    this.loss.data.datasets[2].hidden = heldOut.length === 0;
    bitsSet.label = unit.per ? `bits/${unit.short}` : 'bits (not for MSE)';
    bitsSet.hidden = !unit.per;

    const [norms, clips, threshold] = this.grad.data.datasets.map((d) => d.data);
    steps.fillPoints(GRAD_NORM, norms);
    steps.fillPoints(GRAD_NORM, clips, (i) => steps.y(CLIPPED, i) > 0);
    setThreshold(threshold, model.run?.config.clip ?? 0, norms);

    describe(this.loss.canvas, unit.per ? `Loss per ${unit.per}` : 'Mean squared error', nats, (y) => `${formatLoss(y)}${unit.per ? ' nats' : ''}`);
    describe(this.grad.canvas, 'Gradient norm', norms, (y) => y.toPrecision(3));
    redraw(this.loss);
    redraw(this.grad);
  }
}

/** In place: y ← the debiased EMA of the ys so far (weight `w` on the past), so the first points are not pulled to 0. */
export function smooth(points: Point[], w: number): void {
  if (!(w > 0)) return;
  let ema = 0;
  let weight = 0;
  for (const p of points) {
    if (!Number.isFinite(p.y)) continue;
    ema = w * ema + (1 - w) * p.y;
    weight = w * weight + (1 - w);
    p.y = ema / weight;
  }
}

/** A horizontal line at the clip norm across the steps shown (none when clipping is off). */
function setThreshold(target: Point[], clip: number, norms: Point[]): void {
  target.length = 0;
  if (clip <= 0 || norms.length === 0) return;
  target.push({ x: norms[0].x, y: clip }, { x: norms[norms.length - 1].x, y: clip });
}

/** Keeps the canvas's accessible name in step with what it draws. */
function describe(canvas: HTMLCanvasElement, what: string, points: Point[], value: (y: number) => string): void {
  if (points.length === 0) {
    canvas.setAttribute('aria-label', `${what}: no steps yet`);
    return;
  }
  const first = points[0];
  const last = points[points.length - 1];
  canvas.setAttribute(
    'aria-label',
    `${what} from step ${formatInteger(Math.round(first.x))} to ${formatInteger(Math.round(last.x))}: ` +
      `${value(first.y)} at the start, ${value(last.y)} now`,
  );
}
