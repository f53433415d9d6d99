// Where each observation of a text sits (UTF-16 offsets, as the editor counts), by the same rules as the engine's
// parsers (src/engine/hmm/parsers.ts): characters = every non-whitespace code point; tokens = maximal runs of
// non-whitespace; tagged = the trimmed token before the tab on each non-blank line.

export interface Spans {
  starts: Uint32Array;
  ends: Uint32Array;
}

const WHITESPACE = /\s/;

export function tokenSpans(text: string, split: 'chars' | 'tokens'): Spans {
  const starts: number[] = [];
  const ends: number[] = [];
  if (split === 'chars') {
    let offset = 0;
    for (const c of text) {
      if (!WHITESPACE.test(c)) {
        starts.push(offset);
        ends.push(offset + c.length);
      }
      offset += c.length;
    }
  } else {
    for (const m of text.matchAll(/\S+/g)) {
      starts.push(m.index);
      ends.push(m.index + m[0].length);
    }
  }
  return { starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) };
}

export function taggedTokenSpans(text: string): Spans {
  const starts: number[] = [];
  const ends: number[] = [];
  let lineStart = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') {
      const column = line.split('\t')[0];
      const lead = column.length - column.trimStart().length;
      starts.push(lineStart + lead);
      ends.push(lineStart + lead + column.trim().length);
    }
    lineStart += raw.length + 1;
  }
  return { starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) };
}
