// One heatmap of the Gates page: time steps left to right (the window's characters on the x axis, whitespace made
// visible), units top to bottom, a band above the cells marking where the selected pattern's units are on together,
// the selected step outlined, the selected stretch shaded, picked units marked in the gutter. Canvas, crisp at any
// devicePixelRatio; `cellAt` maps a pointer position back to (step, unit).
import { css, divergingScale, sequentialScale, type ColourScale } from '../common/colours';
import type { ThemeColors } from '../common/theme';
import { isSigmoid } from './analysis';
import { shortLabel, showChar } from '../common/tokenLabels';

export interface HeatmapInput {
  block: Float32Array;
  T: number;
  H: number;
  tokens: string[];
  /** The steps are a word run's words: their labels are cut short and spaced by their width. */
  words?: boolean;
  scale: ColourScale;
  selected: number;
  stretch: [number, number] | null;
  matches: number[];
  picked: number[];
  unitCursor: number;
  colours: { foreground: string; muted: string; accent: string; mark: string };
  font: string;
}

export interface HeatmapGeometry {
  left: number;
  top: number;
  cellW: number;
  cellH: number;
  T: number;
  H: number;
}

const GUTTER = 34;
const BAND = 10;
const AXIS = 22;

export function drawHeatmap(canvas: HTMLCanvasElement, input: HeatmapInput): HeatmapGeometry {
  const { block, T, H, tokens, scale } = input;
  const width = Math.max(200, canvas.parentElement?.clientWidth ?? 600);
  const cellW = (width - GUTTER - 4) / T;
  const cellH = Math.max(3, Math.min(12, Math.floor(320 / H)));
  const height = BAND + H * cellH + AXIS;
  const dpr = window.devicePixelRatio || 1;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const geometry: HeatmapGeometry = { left: GUTTER, top: BAND, cellW, cellH, T, H };
  const x = (t: number) => GUTTER + t * cellW;
  const y = (j: number) => BAND + j * cellH;

  // Cells: one pixel per (t, j) in a reused T × H image, scaled up without smoothing (8k fillRects with a colour
  // string each took most of an update's frame at T = 64, H = 128).
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cellImage(block, T, H, scale), x(0), y(0), T * cellW, H * cellH);
  // The selected stretch: a frame around it; the pattern's other matches: marks in the band above.
  if (input.stretch) {
    const [a, b] = input.stretch;
    ctx.strokeStyle = input.colours.accent;
    ctx.lineWidth = 2;
    ctx.strokeRect(x(a) + 1, BAND + 1, (b - a + 1) * cellW - 2, H * cellH - 2);
  }
  ctx.fillStyle = input.colours.mark;
  for (const t of input.matches) ctx.fillRect(x(t), 1, Math.max(2, cellW - 1), BAND - 3);
  // The selected step: a foreground frame around its column.
  if (input.selected >= 0 && input.selected < T) {
    ctx.strokeStyle = input.colours.foreground;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x(input.selected), BAND - 1, cellW, H * cellH + 2);
  }
  // Gutter: unit numbers (1-based) every few rows, picked units and the keyboard's unit cursor marked.
  ctx.font = input.font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  const every = Math.max(1, Math.ceil(12 / cellH));
  for (let j = 0; j < H; j++) {
    const picked = input.picked.includes(j);
    if (picked || j === input.unitCursor || j % every === 0) {
      ctx.fillStyle = picked ? input.colours.accent : input.colours.muted;
      if (picked || j % every === 0) ctx.fillText(String(j + 1), GUTTER - 6, y(j) + cellH / 2);
    }
    if (picked) ctx.fillRect(GUTTER - 4, y(j), 3, cellH);
    if (j === input.unitCursor) {
      ctx.strokeStyle = input.colours.foreground;
      ctx.lineWidth = 1;
      ctx.strokeRect(GUTTER - 0.5, y(j) - 0.5, T * cellW + 1, cellH + 1);
    }
  }
  // x axis: the characters (a word run: its words, cut short), thinned out when they would overlap.
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const labels = input.words ? tokens.map((w) => shortLabel(w ?? '')) : undefined;
  const pitch = labels ? Math.max(0, ...labels.map((l) => ctx.measureText(l).width)) + 8 : 9;
  const step = Math.max(1, Math.ceil(pitch / cellW));
  for (let t = 0; t < T; t += step) {
    ctx.fillStyle = t === input.selected ? input.colours.foreground : input.colours.muted;
    ctx.fillText(labels ? labels[t] : showChar(tokens[t] ?? ''), x(t) + cellW / 2, BAND + H * cellH + 4);
  }
  return geometry;
}

let cells: { canvas: HTMLCanvasElement; image: ImageData } | undefined;

/** The cells' colours as a T × H image (x = step, y = unit), in one canvas and ImageData kept between updates. */
function cellImage(block: Float32Array, T: number, H: number, scale: ColourScale): HTMLCanvasElement {
  if (!cells || cells.image.width !== T || cells.image.height !== H) {
    const canvas = document.createElement('canvas');
    canvas.width = T;
    canvas.height = H;
    cells = { canvas, image: new ImageData(T, H) };
  }
  const data = cells.image.data;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) {
      const [r, g, b] = scale.colour(block[t * H + j]);
      const i = (j * T + t) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  cells.canvas.getContext('2d')!.putImageData(cells.image, 0, 0);
  return cells.canvas;
}

/** The (step, unit) under a point in CSS pixels of the canvas, or undefined outside the cells. */
export function cellAt(g: HeatmapGeometry, px: number, py: number): { t: number; j: number } | undefined {
  const t = Math.floor((px - g.left) / g.cellW);
  const j = Math.floor((py - g.top) / g.cellH);
  if (t < 0 || t >= g.T) return undefined;
  return { t, j: Math.max(0, Math.min(g.H - 1, j)) };
}

/** The legend: the scale as a bar with its ends and middle labelled. */
export function drawLegend(canvas: HTMLCanvasElement, scale: ColourScale, colours: { muted: string }, font: string): void {
  const width = 220;
  const height = 30;
  const dpr = window.devicePixelRatio || 1;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  for (let i = 0; i < 200; i++) {
    ctx.fillStyle = css(scale.colour(scale.min + ((scale.max - scale.min) * (i + 0.5)) / 200));
    ctx.fillRect(10 + i, 0, 1.5, 12);
  }
  ctx.font = font;
  ctx.fillStyle = colours.muted;
  ctx.textBaseline = 'top';
  const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2).replace(/\.?0+$/, '') || '0');
  ctx.textAlign = 'left';
  ctx.fillText(fmt(scale.min), 10, 15);
  ctx.textAlign = 'center';
  ctx.fillText(fmt((scale.min + scale.max) / 2), 110, 15);
  ctx.textAlign = 'right';
  ctx.fillText(fmt(scale.max), 210, 15);
}

/**
 * The colour scale of series `name`: sequential over [0, 1] for a sigmoid gate, else diverging around 0 over tanh's
 * range (g, n, h) or, for the unbounded cell state c, over the window's largest |c|.
 */
export function scaleFor(name: string, block: Float32Array, theme: ThemeColors): ColourScale {
  if (isSigmoid(name)) return sequentialScale();
  let limit = 1; // tanh range for g, n, h; c is unbounded: its largest |c| in the window
  if (name === 'c') {
    limit = 0;
    for (const v of block) limit = Math.max(limit, Math.abs(v));
  }
  const style = getComputedStyle(document.body);
  const background = style.getPropertyValue('--vscode-editor-background').trim() || '#808080';
  return divergingScale(limit, theme.blue, background, theme.red);
}
