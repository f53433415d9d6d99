// The Gates panel's host-side pieces that need no vscode (tested in Node): the worker's trace as the page's view, and
// the editor linkage's arithmetic. The text's positions are code points (the worker's characters); the editor's
// offsets are UTF-16 code units, and the two differ after every character outside the Basic Multilingual Plane.
import type { GatesView } from '../shared/webviewProtocol';
import type { ActivationTrace } from '../shared/workerProtocol';

/** Characters in a window the panel asks for (the worker allows up to 256). */
export const GATES_WINDOW = 128;

export function gatesView(trace: ActivationTrace, runLabel: string, cursor: number | undefined): GatesView {
  const t = cursor === undefined ? -1 : cursor - trace.start;
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
