// A confusion matrix as a heatmap on a canvas: rows are the true tags, columns the predicted tags; each cell shows its
// count, and its colour (the theme's chart blue) is as strong as the cell's share of its row, C_ij / Σ_j C_ij (so the
// diagonal reads as recall). A legend bar below maps the colour to that share.
import type { ThemeColors } from '../common/theme';

const CELL = 34;
const GAP = 8;
const LEGEND_HEIGHT = 10;

export interface MatrixColors extends ThemeColors {
  /** The editor background: the count's colour on strongly filled cells. */
  background: string;
}

export function readBackground(): string {
  return getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || '#1e1e1e';
}

/** Draws the matrix; the canvas gets the CSS size it needs (device pixels scaled for sharp text). */
export function drawConfusion(canvas: HTMLCanvasElement, tags: string[], confusion: number[], colors: MatrixColors): void {
  const N = tags.length;
  const ctx = canvas.getContext('2d')!;
  const font = `${colors.fontSize - 1}px ${colors.fontFamily}`;
  ctx.font = font;
  const labelWidth = Math.ceil(tags.reduce((m, t) => Math.max(m, ctx.measureText(t).width), ctx.measureText('true').width)) + 10;
  const titleHeight = colors.fontSize + 6;
  // Column labels stand upright when they fit a cell, else they are turned a quarter.
  const turned = labelWidth - 10 > CELL - 4;
  const columnLabels = turned ? labelWidth : colors.fontSize + 6;
  const left = labelWidth + colors.fontSize + 8;
  const top = titleHeight + columnLabels;
  const lw = Math.max(Math.min(N * CELL, 200), 160);
  const width = left + Math.max(N * CELL, lw) + 2;
  const height = top + N * CELL + GAP + LEGEND_HEIGHT + colors.fontSize + 10;
  const ratio = window.devicePixelRatio || 1;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = font;
  ctx.textBaseline = 'middle';

  // Axis titles.
  ctx.fillStyle = colors.mutedForeground;
  ctx.textAlign = 'center';
  ctx.fillText('predicted tag →', left + (N * CELL) / 2, titleHeight / 2);
  ctx.save();
  ctx.translate((colors.fontSize + 4) / 2, top + (N * CELL) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('true tag →', 0, 0);
  ctx.restore();

  // Tag labels.
  ctx.fillStyle = colors.foreground;
  for (let i = 0; i < N; i++) {
    ctx.textAlign = 'right';
    ctx.fillText(tags[i], left - 6, top + i * CELL + CELL / 2);
    if (turned) {
      ctx.save();
      ctx.translate(left + i * CELL + CELL / 2, top - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'left';
      ctx.fillText(tags[i], 0, 0);
      ctx.restore();
    } else {
      ctx.textAlign = 'center';
      ctx.fillText(tags[i], left + i * CELL + CELL / 2, top - columnLabels / 2);
    }
  }

  // Cells: fill ∝ share of the row, count on top.
  ctx.textAlign = 'center';
  for (let i = 0; i < N; i++) {
    let row = 0;
    for (let j = 0; j < N; j++) row += confusion[i * N + j];
    for (let j = 0; j < N; j++) {
      const count = confusion[i * N + j];
      const share = row > 0 ? count / row : 0;
      const x = left + j * CELL;
      const y = top + i * CELL;
      ctx.globalAlpha = share;
      ctx.fillStyle = colors.blue;
      ctx.fillRect(x + 1, y + 1, CELL - 2, CELL - 2);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = colors.gridLine;
      ctx.lineWidth = i === j ? 2 : 1;
      ctx.strokeRect(x + 0.5, y + 0.5, CELL - 1, CELL - 1);
      if (count > 0) {
        ctx.fillStyle = share > 0.55 ? colors.background : colors.foreground;
        ctx.fillText(String(count), x + CELL / 2, y + CELL / 2);
      }
    }
  }

  // Legend: the colour ramp from 0 to 100% of the row.
  const ly = top + N * CELL + GAP;
  const steps = 20;
  for (let k = 0; k < steps; k++) {
    ctx.globalAlpha = (k + 0.5) / steps;
    ctx.fillStyle = colors.blue;
    ctx.fillRect(left + (k * lw) / steps, ly, lw / steps + 0.5, LEGEND_HEIGHT);
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = colors.gridLine;
  ctx.strokeRect(left + 0.5, ly + 0.5, lw - 1, LEGEND_HEIGHT - 1);
  ctx.fillStyle = colors.mutedForeground;
  ctx.textAlign = 'left';
  ctx.fillText('0', left, ly + LEGEND_HEIGHT + colors.fontSize / 2 + 3);
  ctx.textAlign = 'right';
  ctx.fillText('100% of the true tag', left + lw, ly + LEGEND_HEIGHT + colors.fontSize / 2 + 3);
}

/** The matrix in words for screen readers. */
export function matrixLabel(model: string, tags: string[], confusion: number[]): string {
  const N = tags.length;
  const mistakes: string[] = [];
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (i !== j && confusion[i * N + j] > 0) mistakes.push(`${confusion[i * N + j]} ${tags[i]} tagged ${tags[j]}`);
    }
  }
  return `Confusion matrix of the ${model}: rows are true tags, columns predicted tags. ${mistakes.length === 0 ? 'No mistakes.' : `Mistakes: ${mistakes.join(', ')}.`}`;
}
