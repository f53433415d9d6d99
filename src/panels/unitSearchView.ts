// The Gates panel's whole-file unit search, the host-side pieces that need no vscode (tested in Node): the worker's
// matches (code points of the data file) as UTF-16 ranges of the editor's text, and as the page's list (1-based line
// and column, a short preview). The page never sees a file name or an offset into the file, only these rows.
import type { UnitSearchResults } from '../shared/protocol/gatesPanel';
import type { UnitSearchAnswer } from '../shared/protocol/trainingWorker';

/** Characters of context either side of a match in its preview, and of the match itself. */
const CONTEXT = 12;
const MATCH_CHARS = 40;

/** UTF-16 offsets of the code point indices `points` of `text` (one pass over the text, in the points' order). */
export function utf16Offsets(text: string, points: Int32Array): Int32Array {
  const order = Array.from(points.keys()).sort((a, b) => points[a] - points[b]);
  const out = new Int32Array(points.length);
  let i = 0; // UTF-16 offset of code point n
  let n = 0;
  for (const k of order) {
    const target = points[k];
    while (n < target && i < text.length) {
      const c = text.charCodeAt(i);
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      i += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
      n++;
    }
    out[k] = i;
  }
  return out;
}

/** Offsets where each line starts (after \n; a \r\n line ends at its \n). */
export function lineStarts(text: string): Int32Array {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return Int32Array.from(starts);
}

/** 0-based line and UTF-16 column of `offset`. */
export function lineColumn(starts: Int32Array, offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo] };
}

/** A stretch of text shown on one line: line breaks and tabs as visible marks, other control characters as '·'. */
export function visible(s: string): string {
  let out = '';
  for (const ch of s.replace(/\r?\n/g, '⏎').replace(/\t/g, '⇥')) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? '·' : ch;
  }
  return out;
}

/** text.slice(from, to) with neither end inside a surrogate pair (a preview cuts no character in half). */
function slice(text: string, from: number, to: number): string {
  const low = (i: number) => i > 0 && i < text.length && text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff;
  let a = Math.max(0, from);
  let b = Math.min(text.length, to);
  if (low(a)) a++;
  if (low(b)) b--;
  return a < b ? text.slice(a, b) : '';
}

/** The matches of an answer as UTF-16 ranges [from, to) of `text`, best first. */
export function matchRanges(text: string, answer: Pick<UnitSearchAnswer, 'starts' | 'ends'>): { from: Int32Array; to: Int32Array } {
  return { from: utf16Offsets(text, answer.starts), to: utf16Offsets(text, answer.ends) };
}

/** The page's list of the matches: place, length, score and “…before «match» after…”. */
export function searchResults(text: string, ranges: { from: Int32Array; to: Int32Array }, answer: UnitSearchAnswer, query: string): UnitSearchResults {
  const starts = lineStarts(text);
  const M = ranges.from.length;
  const lines = new Int32Array(M);
  const columns = new Int32Array(M);
  const previews: string[] = [];
  for (let i = 0; i < M; i++) {
    const from = ranges.from[i];
    const to = ranges.to[i];
    const place = lineColumn(starts, from);
    lines[i] = place.line + 1;
    columns[i] = place.column + 1;
    const match = slice(text, from, Math.min(to, from + MATCH_CHARS)) + (to - from > MATCH_CHARS ? '…' : '');
    previews.push(`${visible(slice(text, from - CONTEXT, from))}«${visible(match)}»${visible(slice(text, to, to + CONTEXT))}`);
  }
  return {
    lines, columns, lengths: Int32Array.from(answer.lengths), scores: Float32Array.from(answer.scores), previews,
    total: answer.total, steps: answer.steps, seconds: answer.seconds, query, current: -1,
    ...(answer.pieces !== undefined && answer.pieces > 1 ? { pieces: answer.pieces, warmup: answer.warmup ?? 0, reread: answer.reread ?? 0 } : {}),
  };
}
