// Pure (no vscode): "Colour Text by Model" for a word run, where one step of the model is one whitespace-separated
// word (src/worker/textInference.ts). The window sent to the worker is widened to whole words, the hover finds the
// word under the cursor, and unknown words are underlined whole. Unit-tested in test/host/textInferenceWords.test.ts.
import type { InferenceWindow } from './inferenceWindow';

/** The farthest a window edge moves to reach a word boundary (a longer "word" is read cut, as the worker allows). */
export const MAX_WORD_EXTENSION = 1_000;

const isSpace = (text: string, offset: number) => /\s/u.test(text[offset]);

/**
 * `window` over `text` with every edge that cuts a word moved outwards to that word's boundary: the warm-up's start
 * and the scored part's start back to the start of their word, the end on to the end of its word (each at most
 * MAX_WORD_EXTENSION units), so that the model reads whole words and the first scored word is not a fragment.
 */
export function wordAlignedWindow(text: string, window: InferenceWindow): InferenceWindow {
  const back = (offset: number) => {
    let at = offset;
    while (at > 0 && offset - at < MAX_WORD_EXTENSION && !isSpace(text, at - 1) && !isSpace(text, at)) at--;
    return at;
  };
  let to = window.to;
  while (to < text.length && to - window.to < MAX_WORD_EXTENSION && to > 0 && !isSpace(text, to - 1) && !isSpace(text, to)) to++;
  const from = back(window.from);
  return { sliceStart: Math.min(back(window.sliceStart), from), from, to };
}

/** Step spans of a word inference, relative to the scored part: word t is [starts[t], ends[t]). */
export interface WordSpans {
  tokenStarts: Int32Array;
  tokenEnds: Int32Array;
}

/** The step whose word holds unit `i` of the scored part, or −1 (whitespace, or outside). */
export function wordStepAt(spans: WordSpans, i: number): number {
  let lo = 0;
  let hi = spans.tokenStarts.length;
  // The last word starting at or before i (starts are increasing).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans.tokenStarts[mid] <= i) lo = mid + 1;
    else hi = mid;
  }
  const t = lo - 1;
  return t >= 0 && i < spans.tokenEnds[t] ? t : -1;
}

/**
 * Document offset ranges [start, end) of the words flagged unknown that meet the offset ranges `wanted`, for a
 * scored part starting at document offset `base`: each word underlined whole, once.
 */
export function unknownWordRanges(spans: WordSpans, unknown: ArrayLike<number>, base: number, wanted: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  for (let t = 0; t < spans.tokenStarts.length; t++) {
    const start = base + spans.tokenStarts[t];
    const end = base + spans.tokenEnds[t];
    if (!unknown[spans.tokenStarts[t]]) continue;
    if (wanted.some(([a, b]) => start < b && end > a)) out.push([start, end]);
  }
  return out;
}

/** The mean surprisal per word of the words in the scored part (NaN when none has a surprisal). */
export function bitsPerWord(spans: WordSpans, surprisal: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (const start of spans.tokenStarts) {
    const s = surprisal[start];
    if (!Number.isFinite(s)) continue;
    sum += s;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}
