// How a step's token is shown where space is short (axes, nodes, titles) on the Gates, Gradient Flow and Unrolled
// pages: whitespace made visible, long words cut with an ellipsis.

/** How a character is shown on the axis: whitespace made visible. */
export function showChar(c: string): string {
  return c === ' ' ? '␣' : c === '\n' ? '⏎' : c === '\t' ? '⇥' : c === '\r' ? '␍' : c;
}

/** The most code points of a word drawn where space is short (an axis tick, an Unrolled node), ellipsis included. */
export const WORD_LABEL_CHARS = 8;

/**
 * A step's text where space is short: showChar, cut to `max` code points ending in an ellipsis when longer (the page
 * puts the whole word in a title, an aria-label or the step's line).
 */
export function shortLabel(token: string, max = WORD_LABEL_CHARS): string {
  const shown = [...showChar(token)];
  return shown.length <= max ? shown.join('') : `${shown.slice(0, Math.max(1, max - 1)).join('')}…`;
}
