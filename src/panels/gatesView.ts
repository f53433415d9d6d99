// The Gates panel's host-side pieces that need no vscode (tested in Node): the worker's trace as the page's view, and
// the editor linkage's arithmetic. The text's positions are code points (the worker's characters); the editor's
// offsets are UTF-16 code units, and the two differ after every character outside the Basic Multilingual Plane. A word
// run's trace says where each of its words sits (tokenStarts/tokenEnds, code points); its windows start at a word index.
import { recurrenceFits, type GatesView } from '../shared/webviewProtocol';
import type { ActivationTrace } from '../shared/workerProtocol';

/** Steps (characters, or words of a word run) in a window the panel asks for (the worker allows up to 256). */
export const GATES_WINDOW = 128;

/**
 * Where a traced window's steps sit in the run's text, in code points: step t reads code point start + t, or in a
 * word run (tokenStarts set) the code points [tokenStarts[t], tokenEnds[t]).
 */
export interface TracedWindow {
  start: number;
  length: number;
  tokenStarts?: Int32Array;
  tokenEnds?: Int32Array;
}

/**
 * The step of the window that code point `position` of the text belongs to, or −1 outside the window. In a word run:
 * the word the position is in (or right after, as a cursor after a word's last letter), and on the whitespace
 * between two words of the window the word before it.
 */
export function stepAt(window: TracedWindow, position: number): number {
  const { tokenStarts: starts, tokenEnds: ends } = window;
  if (!starts || !ends) {
    const t = position - window.start;
    return t >= 0 && t < window.length ? t : -1;
  }
  const T = Math.min(window.length, starts.length, ends.length);
  // The last step whose word starts at or before the position (binary search: the starts increase).
  let lo = 0;
  let hi = T;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= position) lo = mid + 1;
    else hi = mid;
  }
  const t = lo - 1;
  if (t < 0 || (t === T - 1 && position > ends[t])) return -1;
  return t;
}

/** The code points [from, to) that step t of the window reads. */
export function stepSpan(window: TracedWindow, t: number): { from: number; to: number } {
  if (window.tokenStarts && window.tokenEnds) return { from: window.tokenStarts[t], to: window.tokenEnds[t] };
  return { from: window.start + t, to: window.start + t + 1 };
}

/** The UTF-16 offsets [from, to) of the code points [fromCodePoint, toCodePoint) of `text`. */
export function utf16Range(text: string, fromCodePoint: number, toCodePoint: number): { from: number; to: number } {
  const from = utf16Span(text, fromCodePoint).from;
  return { from, to: toCodePoint > fromCodePoint ? utf16Span(text, toCodePoint - 1).to : from };
}

/**
 * Index of the word at or before UTF-16 offset `offset` of `text`, the words being the maximal runs of non-whitespace
 * as a word run splits its text (engine/tokenVocabulary.ts splitWords); 0 before the first word.
 */
export function wordIndexAt(text: string, offset: number): number {
  const words = /\S+/gu;
  let index = -1;
  for (let m = words.exec(text); m !== null && m.index <= offset; m = words.exec(text)) index++;
  return Math.max(0, index);
}

/** Whether `text` has a character outside the Basic Multilingual Plane (then code points and UTF-16 offsets differ). */
export function hasSurrogates(text: string): boolean {
  return /[\ud800-\udfff]/.test(text);
}

export function gatesView(trace: ActivationTrace, runLabel: string, cursor: number | undefined): GatesView {
  const t = cursor === undefined ? -1 : stepAt(trace, cursor);
  return {
    runLabel,
    step: trace.step,
    start: trace.start,
    cell: trace.cell,
    layers: trace.layers,
    hiddenSize: trace.hiddenSize,
    series: [...trace.series],
    values: trace.values,
    tokens: [...trace.tokens],
    topChars: [...trace.topChars],
    topProbabilities: trace.topProbabilities,
    cursor: t >= 0 && t < trace.length ? t : -1,
    ...(trace.gradNormH ? { gradNormH: trace.gradNormH } : {}),
    ...(trace.tokenStarts ? { tokenKind: trace.outputs ? (trace.outputs.kind === 'tag' ? 'tokens' as const : 'rows' as const) : 'words' as const } : {}),
    ...(trace.directions && trace.directions > 1 ? { directions: trace.directions } : {}),
    ...(trace.outputs ? { outputs: trace.outputs } : {}),
    ...(trace.nonlinearity ? { nonlinearity: trace.nonlinearity } : {}),
    ...(trace.input ? { input: { ...trace.input } } : {}),
    // The worker's terms of one step, passed on only when every array has its shape (else the page shows none).
    ...(trace.recurrence && recurrenceFits(trace.recurrence, trace.cell, trace.layers * (trace.directions ?? 1), trace.hiddenSize, trace.length)
      ? { recurrence: trace.recurrence } : {}),
  };
}

/** The first step of a window of `length` characters centred on `position`, inside a text of `dataLength`. */
export function windowAround(position: number, length: number, dataLength: number): number {
  const last = Math.max(0, dataLength - 1 - length);
  return Math.max(0, Math.min(position - Math.floor(length / 2), last));
}

/** Code points before UTF-16 offset `offset` of `text` (a surrogate pair counts once). */
export function codePointIndex(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    n++;
  }
  return n;
}

/** The UTF-16 offsets [from, to) of code point `index` of `text` (to = from when the text is shorter). */
export function utf16Span(text: string, index: number): { from: number; to: number } {
  let i = 0;
  for (let n = 0; n < index && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  if (i >= text.length) return { from: text.length, to: text.length };
  const c = text.charCodeAt(i);
  return { from: i, to: i + (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1) };
}
