// Pure (no vscode): the mapping between editor offsets and decoding steps, the trellis window around a step, and
// the cheap test for a tagged file. Unit-tested in test/host/hmmHelpers.test.ts.

/** The step whose token contains `offset`, else the last token before it, else step 0 (−1 when there are none). */
export function stepAtOffset(starts: ArrayLike<number>, offset: number): number {
  const n = starts.length;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  if (offset < starts[0]) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The steps [lo, hi) whose tokens start in the offsets [from, to). */
export function stepsInRange(starts: ArrayLike<number>, from: number, to: number): [number, number] {
  const first = (offset: number): number => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [first(from), Math.max(first(from), first(to))];
}

export const TRELLIS_WINDOW = 40;
/** The selection may come this close to a window's edge before the window moves. */
export const TRELLIS_MARGIN = 4;

/**
 * The first step of the window showing `step`: the current window when the step is inside it (and not within the
 * margin of an edge that can still move), otherwise a window centred on the step; always inside 0..total−size.
 */
export function windowStart(step: number, current: number | undefined, total: number, size = TRELLIS_WINDOW, margin = TRELLIS_MARGIN): number {
  const last = Math.max(0, total - size);
  if (current !== undefined && current >= 0 && current <= last) {
    const lowOk = step >= current + margin || current === 0;
    const highOk = step < current + size - margin || current === last;
    if (step >= current && step < current + size && lowOk && highOk) return current;
  }
  return Math.min(last, Math.max(0, step - Math.floor(size / 2)));
}

/**
 * True when the text is a tagged file: every non-blank line is `token<TAB>tag` (exactly one tab, something on
 * both sides) and there is at least one such line.
 */
export function looksTagged(text: string): boolean {
  let lines = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    if (line.trim() !== '') {
      const tab = line.indexOf('\t');
      if (tab < 0 || line.indexOf('\t', tab + 1) >= 0) return false;
      if (line.slice(0, tab).trim() === '' || line.slice(tab + 1).trim() === '') return false;
      lines++;
    }
    start = end + 1;
  }
  return lines > 0;
}
