// The progress line of `sequence-lab train --out` on a terminal: one line redrawn with \r —
//   [#########...........]  450/1000  loss 1.2345  12,345 chars/s  ETA 0:42
// Rate = tokens (chars, words, tags or series values) counted by the loss so far / elapsed seconds;
// ETA = remaining steps × elapsed / steps done. Not a terminal: nothing at all, so logs and pipes stay clean.

export interface Progress {
  step: number;
  total: number;
  loss: number;
  /** Loss-bearing tokens processed so far. */
  tokens: number;
  elapsedSeconds: number;
}

/** m:ss or h:mm:ss; "?" while it cannot be known. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One progress line (no \r, no newline), at most `width` characters (the bar shrinks first, then disappears). */
export function formatProgress(p: Progress, unit: string, width = 80): string {
  const rate = p.elapsedSeconds > 0 ? p.tokens / p.elapsedSeconds : NaN;
  const eta = p.step > 0 && p.elapsedSeconds > 0 ? ((p.total - p.step) * p.elapsedSeconds) / p.step : NaN;
  const rateText = Number.isFinite(rate) ? `${Math.round(rate).toLocaleString('en-US')} ${unit}/s` : `? ${unit}/s`;
  const stepText = `${String(p.step).padStart(String(p.total).length)}/${p.total}`;
  const lossText = Number.isFinite(p.loss) ? p.loss.toFixed(4) : String(p.loss);
  const tail = `  ${stepText}  loss ${lossText}  ${rateText}  ETA ${p.step >= p.total ? '0:00' : formatDuration(eta)}`;
  const barWidth = Math.min(30, width - tail.length - 2);
  if (barWidth < 5) return tail.trimStart().slice(0, width);
  const filled = Math.round((barWidth * Math.min(p.step, p.total)) / Math.max(1, p.total));
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`;
}

export interface ProgressSink {
  update(p: Progress): void;
  /** Ends the line (the final state has been drawn). */
  done(): void;
}

/**
 * Redraws `\r<line>` at most every `intervalMs` (and always at the last step), padding over a longer previous line.
 * `now` is a millisecond clock (injected so the throttling is testable).
 */
export function terminalProgress(write: (text: string) => void, unit: string, columns: number, now: () => number, intervalMs = 100): ProgressSink {
  let lastDraw = -Infinity;
  let lastLength = 0;
  let drawn = false;
  return {
    update(p) {
      const t = now();
      if (t - lastDraw < intervalMs && p.step < p.total) return;
      lastDraw = t;
      const line = formatProgress(p, unit, Math.max(20, columns - 1));
      write(`\r${line}${' '.repeat(Math.max(0, lastLength - line.length))}`);
      lastLength = line.length;
      drawn = true;
    },
    done() {
      if (drawn) write('\n');
    },
  };
}
