// Pure (no vscode): which slice of a document the worker runs the model over (see src/worker/textInference.ts for
// why a slice with a warm-up prefix). The editor's visible ranges plus a margin (expandedVisibleOffsets) are scored;
// WARMUP units before them only set the hidden state. Unit-tested in test/host/rnnEditor.test.ts.

/** UTF-16 units read before the scored part only to warm up the hidden state. */
export const WARMUP = 512;
/** The most UTF-16 units scored in one request (the worker accepts slices up to 262 144 with the warm-up). */
export const MAX_SCORED = 65_536;
/** The fewest scored whatever the model's size. */
export const MIN_SCORED = 1_000;
/** Multiply-adds one request may cost (a few seconds of the worker at most). */
const WORK_BUDGET = 4e9;

/**
 * How many units one request may score for a model: forward + backward ≈ 3 × layers · G · H · 2H multiply-adds per
 * character (G = 4 gate blocks for the LSTM, 3 for the GRU, 1 for the RNN), within WORK_BUDGET. A word run
 * (`wordVocabulary` = its number of words K) also pays 3 · K · H for the output layer per step, and takes a step per
 * word: at least two units (the word and a space) each.
 */
export function scoredLimit(model: 'rnn' | 'gru' | 'lstm', layers: number, hiddenSize: number, wordVocabulary?: number): number {
  const G = model === 'lstm' ? 4 : model === 'gru' ? 3 : 1;
  const perCharacter = 3 * layers * G * hiddenSize * 2 * hiddenSize;
  const perUnit = wordVocabulary === undefined ? perCharacter : (perCharacter + 3 * wordVocabulary * hiddenSize) / 2;
  return Math.max(MIN_SCORED, Math.min(MAX_SCORED, Math.floor(WORK_BUDGET / perUnit)));
}

/** [from, to) scored, read from sliceStart (sliceStart ≤ from: the warm-up). */
export interface InferenceWindow {
  sliceStart: number;
  from: number;
  to: number;
}

/**
 * The window covering the merged offset ranges `wanted` (sorted [from, to) as expandedVisibleOffsets gives) in a
 * document of `length` units: from the first range's start to the last range's end, at most `limit` from the start.
 * Undefined when there is nothing to score.
 */
export function windowFor(wanted: readonly [number, number][], length: number, limit = MAX_SCORED): InferenceWindow | undefined {
  if (wanted.length === 0 || length === 0) return undefined;
  const from = Math.max(0, Math.min(wanted[0][0], length - 1));
  const to = Math.min(length, Math.max(from + 1, wanted[wanted.length - 1][1]), from + limit);
  return { sliceStart: Math.max(0, from - WARMUP), from, to };
}

/** Whether a scored window covers every wanted range (clamped to the document's length). */
export function covers(scored: { from: number; to: number } | undefined, wanted: readonly [number, number][], length: number): boolean {
  if (!scored) return false;
  return wanted.every(([a, b]) => {
    const lo = Math.min(a, length);
    const hi = Math.min(b, length);
    return hi <= lo || (lo >= scored.from && hi <= scored.to);
  });
}

