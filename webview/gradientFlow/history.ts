// The Gradient Flow page's history heatmap: ‖∂L/∂h_t‖ with rows the training steps (oldest on top) and columns the
// steps t of the fixed window, coloured by historyData.ts's log scale, and the legend's colour bar.
import { logRange, sequentialScale } from '../common/colours';
import type { GradientHistorySnapshot } from './historyData';

const LEFT = 64;
const TOP = 6;
const BOTTOM = 20;

/**
 * Draws layer `layer`'s rows `cssWidth` CSS pixels wide (the width of the canvas's box, measured by the caller so
 * that drawing never forces a layout); the canvas carries its geometry in device pixels (data-left, data-top,
 * data-cell-w, data-cell-h) and the log range (data-lo, data-hi), so a test can find a cell and its colour.
 */
export function drawHistoryHeatmap(
  canvas: HTMLCanvasElement, h: GradientHistorySnapshot, layer: number,
  theme: { foreground: string; mutedForeground: string; fontFamily: string; fontSize: number }, cssWidth: number,
): { lo: number; hi: number } | undefined {
  const R = h.steps.length;
  const T = h.length;
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(240, Math.floor(cssWidth));
  const cellH = Math.max(2, Math.min(14, Math.floor(240 / Math.max(1, R))));
  const height = TOP + R * cellH + BOTTOM;
  // Resizing a canvas reallocates and clears its bitmap: only when its size changed.
  if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr);
  if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr);
  if (canvas.style.width !== `${width}px`) canvas.style.width = `${width}px`;
  if (canvas.style.height !== `${height}px`) canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  // Layer `layer` of row r is gradNormH[(r·layers + layer)·T …]: with one layer the rows are the array itself.
  const all = h.layers === 1 ? h.gradNormH.subarray(0, R * T) : new Float32Array(R * T);
  if (h.layers > 1) for (let r = 0; r < R; r++) all.set(h.gradNormH.subarray((r * h.layers + layer) * T, (r * h.layers + layer + 1) * T), r * T);
  const logs = logsOf(all);
  const range = logRange(all);
  // Cells in whole device pixels, so every cell has a solid centre.
  const left = Math.round(LEFT * dpr);
  const top = Math.round(TOP * dpr);
  const cellW = Math.max(1, Math.floor((canvas.width - left - 4 * dpr) / Math.max(1, T)));
  const cellHd = Math.round(cellH * dpr);
  Object.assign(canvas.dataset, { left: String(left), top: String(top), cellW: String(cellW), cellH: String(cellHd), rows: String(R), cols: String(T) });
  if (range) Object.assign(canvas.dataset, { lo: String(range.lo), hi: String(range.hi) });
  if (range && R > 0 && T > 0) {
    // One image pixel per cell, scaled up to whole cells without smoothing, so each cell is one solid colour.
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cellImage(logs, R, T, range), left, top, T * cellW, R * cellHd);
  }
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

/** Entries of the colour table: neighbouring entries of viridis differ by less than one unit per channel. */
const LEVELS = 2048;
let table: Uint32Array | undefined;

/**
 * Viridis at LEVELS evenly spaced points of [0, 1] as RGBA pixel words (in memory R, G, B, A = 0xAABBGGRR on the
 * little-endian machines browsers run on), computed once: a cell's colour is one lookup instead of an interpolation.
 */
function colourTable(): Uint32Array {
  if (table) return table;
  const scale = sequentialScale();
  table = new Uint32Array(LEVELS);
  for (let i = 0; i < LEVELS; i++) {
    const [red, green, blue] = scale.colour(i / (LEVELS - 1)).map(Math.round);
    table[i] = ((255 << 24) | (blue << 16) | (green << 8) | red) >>> 0;
  }
  return table;
}

let logBuffer = new Float64Array(0);

/** log10 of each value, NaN where it is not positive and finite (no colour), in a buffer kept between draws. */
function logsOf(values: Float32Array): Float64Array {
  if (logBuffer.length < values.length) logBuffer = new Float64Array(values.length);
  const logs = logBuffer.subarray(0, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    logs[i] = v > 0 && Number.isFinite(v) ? Math.log10(v) : NaN;
  }
  return logs;
}

let cells: { canvas: HTMLCanvasElement; image: ImageData } | undefined;

/**
 * The cells' colours as a T × R image (x = step t, y = row), in one canvas and ImageData kept between draws:
 * viridis at u = (log10 v − lo) / (hi − lo); NaN (no value) stays transparent. `logs` holds R rows of T log10 v.
 */
function cellImage(logs: Float64Array, R: number, T: number, range: { lo: number; hi: number }): HTMLCanvasElement {
  if (!cells || cells.image.width !== T || cells.image.height !== R) {
    const canvas = document.createElement('canvas');
    canvas.width = T;
    canvas.height = R;
    cells = { canvas, image: new ImageData(T, R) };
  }
  const words = new Uint32Array(cells.image.data.buffer);
  const colours = colourTable();
  const toLevel = (LEVELS - 1) / (range.hi - range.lo);
  for (let i = 0; i < R * T; i++) {
    const l = logs[i];
    words[i] = Number.isNaN(l) ? 0 : colours[Math.max(0, Math.min(LEVELS - 1, Math.round((l - range.lo) * toLevel)))];
  }
  cells.canvas.getContext('2d')!.putImageData(cells.image, 0, 0);
  return cells.canvas;
}

/** The legend's colour bar: viridis from the smallest (left) to the largest value (right). */
export function drawLegend(canvas: HTMLCanvasElement): void {
  const w = 200;
  const hgt = 12;
  canvas.width = w;
  canvas.height = hgt;
  const bar = new ImageData(w, hgt);
  const words = new Uint32Array(bar.data.buffer);
  const colours = colourTable();
  for (let x = 0; x < w; x++) words[x] = colours[Math.round((x / (w - 1)) * (LEVELS - 1))];
  for (let y = 1; y < hgt; y++) words.copyWithin(y * w, 0, w);
  canvas.getContext('2d')!.putImageData(bar, 0, 0);
}
