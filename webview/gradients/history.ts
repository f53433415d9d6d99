// The Gradient Flow page's history heatmap: ‖∂L/∂h_t‖ with rows the training steps (oldest on top) and columns the
// steps t of the fixed window, coloured by historyData.ts's log scale, and the legend's colour bar.
import { css, sequentialScale } from '../gates/colours';
import { logRange, type GradientHistorySnapshot } from './historyData';

const LEFT = 64;
const TOP = 6;
const BOTTOM = 20;

/**
 * Draws layer `layer`'s rows; the canvas carries its geometry in device pixels (data-left, data-top, data-cell-w,
 * data-cell-h) and the log range (data-lo, data-hi), so a test can find a cell and its colour.
 */
export function drawHistoryHeatmap(
  canvas: HTMLCanvasElement, h: GradientHistorySnapshot, layer: number,
  theme: { foreground: string; mutedForeground: string; fontFamily: string; fontSize: number },
): { lo: number; hi: number } | undefined {
  const R = h.steps.length;
  const T = h.length;
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = Math.max(240, canvas.parentElement?.clientWidth ?? 600);
  const cellH = Math.max(2, Math.min(14, Math.floor(240 / Math.max(1, R))));
  const cssHeight = TOP + R * cellH + BOTTOM;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const rows: Float32Array[] = Array.from({ length: R }, (_, r) => h.gradNormH.subarray((r * h.layers + layer) * T, (r * h.layers + layer + 1) * T));
  const all = new Float32Array(R * T);
  rows.forEach((row, r) => all.set(row, r * T));
  const range = logRange(all);
  // Cells in whole device pixels, so every cell has a solid centre.
  const left = Math.round(LEFT * dpr);
  const top = Math.round(TOP * dpr);
  const cellW = Math.max(1, Math.floor((canvas.width - left - 4 * dpr) / Math.max(1, T)));
  const cellHd = Math.round(cellH * dpr);
  Object.assign(canvas.dataset, { left: String(left), top: String(top), cellW: String(cellW), cellH: String(cellHd), rows: String(R), cols: String(T) });
  if (range) Object.assign(canvas.dataset, { lo: String(range.lo), hi: String(range.hi) });
  if (range && R > 0 && T > 0) ctx.putImageData(cellPixels(rows, T, cellW, cellHd, range), left, top);
  ctx.font = `${Math.round(theme.fontSize * 0.85 * dpr)}px ${theme.fontFamily}`;
  ctx.fillStyle = theme.mutedForeground;
  ctx.textBaseline = 'middle';
  if (R > 0) {
    ctx.fillText(`step ${h.steps[0]}`, 2 * dpr, top + cellHd / 2);
    if (R > 1) ctx.fillText(`step ${h.steps[R - 1]}`, 2 * dpr, top + (R - 0.5) * cellHd);
  }
  ctx.textBaseline = 'top';
  ctx.fillText('t = 0', left, top + R * cellHd + 4 * dpr);
  ctx.textAlign = 'right';
  ctx.fillText(`t = ${T - 1}`, left + T * cellW, top + R * cellHd + 4 * dpr);
  ctx.textAlign = 'left';
  return range;
}

let pixels: ImageData | undefined;

/**
 * The cells as device pixels, written straight into one ImageData kept between draws (a fillRect with a colour string
 * per cell took most of an update at 200 rows × 64 steps): heatColour's viridis at the log-scaled value, each cell
 * cellW × cellH pixels; values that are not positive and finite stay transparent.
 */
function cellPixels(rows: Float32Array[], T: number, cellW: number, cellH: number, range: { lo: number; hi: number }): ImageData {
  const width = T * cellW;
  const height = rows.length * cellH;
  if (!pixels || pixels.width !== width || pixels.height !== height) pixels = new ImageData(width, height);
  // One 32-bit word per pixel, RGBA in memory = 0xAABBGGRR on the little-endian machines browsers run on.
  const words = new Uint32Array(pixels.data.buffer);
  words.fill(0);
  const scale = sequentialScale();
  for (let r = 0; r < rows.length; r++) {
    for (let t = 0; t < T; t++) {
      const v = rows[r][t];
      if (!(v > 0 && Number.isFinite(v))) continue;
      const [red, green, blue] = scale.colour((Math.log10(v) - range.lo) / (range.hi - range.lo)).map(Math.round);
      const word = ((255 << 24) | (blue << 16) | (green << 8) | red) >>> 0;
      for (let y = r * cellH; y < (r + 1) * cellH; y++) words.fill(word, y * width + t * cellW, y * width + (t + 1) * cellW);
    }
  }
  return pixels;
}

/** The legend's colour bar: viridis from the smallest (left) to the largest value (right). */
export function drawLegend(canvas: HTMLCanvasElement): void {
  const w = 200;
  const hgt = 12;
  canvas.width = w;
  canvas.height = hgt;
  const ctx = canvas.getContext('2d')!;
  const scale = sequentialScale();
  for (let x = 0; x < w; x++) {
    ctx.fillStyle = css(scale.colour(x / (w - 1)));
    ctx.fillRect(x, 0, 1, hgt);
  }
}
