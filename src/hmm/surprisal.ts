// Pure (no vscode): what the surprisal decorations need — buckets of surprisal, runs of equally coloured characters
// in a bounded range of offsets, and the hover's text. Unit-tested in test/host/hmmHelpers.test.ts.

/** Lower bounds (bits) of the coloured levels 1..5; below the first a character is not coloured. */
export const SURPRISAL_LEVELS = [1, 2, 4, 6, 9] as const;
export const LEVEL_COUNT = SURPRISAL_LEVELS.length;

/** 0 (not coloured) or 1..5 for a surprisal in bits; NaN (no value at this offset) is 0. */
export function surprisalLevel(bits: number): number {
  if (!(bits >= SURPRISAL_LEVELS[0])) return 0;
  let level = 1;
  while (level < LEVEL_COUNT && bits >= SURPRISAL_LEVELS[level]) level++;
  return level;
}

/** Human label of a level, e.g. "2–4 bits". */
export function levelLabel(level: number): string {
  const lo = SURPRISAL_LEVELS[level - 1];
  const hi = SURPRISAL_LEVELS[level];
  return hi === undefined ? `≥ ${lo} bits` : `${lo}–${hi} bits`;
}

/**
 * Runs [start, end) of offsets in [from, to) with the same level, per level (index 0 = level 1). Looks at no more
 * than `maxOffsets` offsets, so the work per update is bounded whatever the file size.
 */
export function levelRuns(surprisal: ArrayLike<number>, from: number, to: number, maxOffsets = 200_000): [number, number][][] {
  const runs: [number, number][][] = Array.from({ length: LEVEL_COUNT }, () => []);
  const end = Math.min(to, surprisal.length, from + maxOffsets);
  let runLevel = 0;
  let runStart = from;
  for (let offset = Math.max(0, from); offset <= end; offset++) {
    let level: number;
    if (offset === end) level = -1;
    else {
      const bits = surprisal[offset];
      // The second half of a surrogate pair (NaN) belongs to the character before it.
      level = Number.isNaN(bits) && offset > 0 && !Number.isNaN(surprisal[offset - 1]) ? runLevel : surprisalLevel(bits);
    }
    if (level !== runLevel) {
      if (runLevel > 0 && offset > runStart) runs[runLevel - 1].push([runStart, offset]);
      runLevel = level;
      runStart = offset;
    }
  }
  return runs;
}

/** A character as the hover shows it: visible escapes for line breaks, tabs and spaces. */
export function showCharacter(c: string): string {
  switch (c) {
    case '\n':
      return '↵ (line break)';
    case '\r':
      return '\\r (carriage return)';
    case '\t':
      return '⇥ (tab)';
    case ' ':
      return '␣ (space)';
    default:
      return c;
  }
}

/** The character (code point) at `offset` and the up-to-`order` characters before it (the model's context). */
export function characterAndContext(text: string, offset: number, order: number): { character: string; context: string } {
  const cp = text.codePointAt(offset);
  const character = cp === undefined ? '' : String.fromCodePoint(cp);
  let start = offset;
  for (let k = 0; k < order && start > 0; k++) {
    start -= 1;
    const code = text.charCodeAt(start);
    if (code >= 0xdc00 && code <= 0xdfff && start > 0) {
      const high = text.charCodeAt(start - 1);
      if (high >= 0xd800 && high <= 0xdbff) start -= 1;
    }
  }
  return { character, context: text.slice(start, offset) };
}

/** The hover's Markdown for one character: the character, its probability, its surprisal and the context used. */
export function surprisalHoverMarkdown(text: string, offset: number, bits: number, order: number): string {
  const { character, context } = characterAndContext(text, offset, order);
  const p = 2 ** -bits;
  const visibleContext = [...context].map((c) => (c === '\n' ? '↵' : c === '\t' ? '⇥' : c === ' ' ? '␣' : c)).join('');
  const code = (s: string): string => '`` ' + s.replace(/`/g, 'ˋ') + ' ``';
  return [
    `**Markov surprisal** (order ${order}, Kneser-Ney)`,
    '',
    `| | |`,
    `|---|---|`,
    `| character | ${code(showCharacter(character))} |`,
    `| P(x_t \\| context) | ${p < 1e-4 ? p.toExponential(3) : p.toFixed(4)} |`,
    `| surprisal | ${bits < 0.1 ? bits.toFixed(4) : bits.toFixed(2)} bits |`,
    `| context | ${context === '' ? '(none: start of text)' : code(visibleContext)} (${[...context].length} of ${order}) |`,
  ].join('\n');
}
