// Pure (no vscode): how "Colour Text by Model" shows a tagged run on its token<TAB>tag file (taggedColouring.ts
// draws it). Each token's text is coloured by the tag the model predicts (one hue per tag, TAG_HUES of them, the
// run's tags in their vocabulary order), shaded behind by how unsure the model is (1 − p of that tag), and a token
// whose predicted tag is not the file's is underlined, with the model's tag written after the file's. The hover
// gives p(y_t | x_1 … x_T) of the top-5 tags. Unit-tested in test/host/taggedText.test.ts.
import type { TaggedTextInference } from '../shared/protocol/trainingWorker';

/** Theme colours of the predicted tags' hues (tag id mod TAG_HUES). */
export const TAG_HUES = ['charts.blue', 'charts.orange', 'charts.green', 'charts.purple', 'charts.red', 'charts.yellow', 'terminal.ansiCyan', 'terminal.ansiMagenta'] as const;
export const TAG_HUE_NAMES = ['blue', 'orange', 'green', 'purple', 'red', 'yellow', 'cyan', 'magenta'] as const;

/** Lines read beyond the visible ones on each side, then on to a blank line (a sentence is read whole). */
export const TAGGED_MARGIN_LINES = 100;
/** The furthest a window is widened looking for a blank line, on each side. */
export const MAX_SENTENCE_LINES = 2000;
/** The longest slice sent to the worker (UTF-16 units; the worker takes up to 262 144). */
export const MAX_TAGGED_SLICE = 200_000;

/** The unsureness shade of a token whose predicted tag has probability p: 0 (none) for p ≥ 0.9, then 1…4 (heat1…heat4). */
export function unsurenessLevel(p: number): 0 | 1 | 2 | 3 | 4 {
  if (!(p < 0.9)) return 0;
  if (p >= 0.75) return 1;
  if (p >= 0.5) return 2;
  if (p >= 0.25) return 3;
  return 4;
}

/**
 * Lines [first, end) to tag for visible lines [top, bottom]: TAGGED_MARGIN_LINES more on each side, widened to the
 * nearest blank line (at most MAX_SENTENCE_LINES further), so that every sentence in view is read whole.
 */
export function taggedLineWindow(lineCount: number, top: number, bottom: number, isBlank: (line: number) => boolean): { first: number; end: number } {
  let first = Math.max(0, top - TAGGED_MARGIN_LINES);
  for (let n = 0; first > 0 && !isBlank(first - 1) && n < MAX_SENTENCE_LINES; n++) first--;
  let last = Math.min(lineCount - 1, bottom + TAGGED_MARGIN_LINES);
  for (let n = 0; last < lineCount - 1 && !isBlank(last + 1) && n < MAX_SENTENCE_LINES; n++) last++;
  return { first, end: last + 1 };
}

/** The token n whose line (token to tag) holds `offset` (an offset into the tagged slice), or −1. */
export function tokenAt(r: TaggedTextInference, offset: number): number {
  let lo = 0;
  let hi = r.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r.tokenStarts[mid] > offset) hi = mid - 1;
    else if (r.tagEnds[mid] < offset) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Tokens among [from, to) (offsets into the slice) and how many of them the model tags as the file does. */
export function agreement(r: TaggedTextInference, from: number, to: number): { tokens: number; agree: number } {
  let tokens = 0;
  let agree = 0;
  for (let n = 0; n < r.count; n++) {
    if (r.tokenStarts[n] < from || r.tokenStarts[n] >= to) continue;
    tokens++;
    if (r.predicted[n] === r.gold[n]) agree++;
  }
  return { tokens, agree };
}

const code = (s: string): string => '`` ' + s.replace(/`/g, 'ˋ') + ' ``';
const percent = (p: number): string => `${(100 * p).toFixed(1)}%`;

/** What is written after the file's tag when the model disagrees: "≠ VB 71.0%". */
export function disagreementText(r: TaggedTextInference, n: number): string {
  return ` ≠ ${r.tags[r.predicted[n]]} ${percent(r.topProbabilities[n * 5])}`;
}

/** Markdown for token n (`token`, `tag` its text and the file's tag): the predicted tag, the file's, the top-5. */
export function taggedHoverMarkdown(r: TaggedTextInference, n: number, token: string, tag: string, runLabel: string): string {
  const predicted = r.tags[r.predicted[n]];
  const p = r.topProbabilities[n * 5];
  const lines = [`**${runLabel}** at step ${r.step}`, ''];
  if (r.unknown[n]) lines.push(`${code(token)} is not in the run's vocabulary: the model reads it as a zero input.`, '');
  const verdict = r.gold[n] < 0
    ? `the file's tag ${code(tag)} is not among the run's ${r.tags.length} tags`
    : r.predicted[n] === r.gold[n] ? `the file says ${code(tag)} too ✓` : `the file says ${code(tag)} ✗`;
  lines.push(`${code(token)} → ${code(predicted)} with p = ${percent(p)}; ${verdict}.`, '');
  lines.push('| tag | p(y_t \\| x_1 … x_T) |', '|---|---|');
  for (let k = 0; k < 5; k++) {
    const id = r.topIds[n * 5 + k];
    if (id < 0) break;
    lines.push(`| ${code(r.tags[id] ?? '?')} | ${percent(r.topProbabilities[n * 5 + k])} |`);
  }
  return lines.join('\n');
}

/** The status bar tooltip: the hues of the run's first tags, the shade, the underline. */
export function taggedLegend(tags: readonly string[], runLabel: string): string {
  const hues = tags.slice(0, TAG_HUES.length).map((tag, id) => `${tag}: ${TAG_HUE_NAMES[id]}`);
  const more = tags.length > TAG_HUES.length ? ` (${tags.length} tags: the hues repeat from the ${TAG_HUES.length + 1}th; the hover names each)` : '';
  return [
    `Tokens coloured by the tag ${runLabel} predicts${more}:`,
    hues.join(' · '),
    'Shaded behind: how unsure the model is (p of its tag below 90%, 75%, 50%, 25%).',
    'Underlined, with the model’s tag after the file’s: the model disagrees with the file. Click to clear.',
  ].join('\n');
}
