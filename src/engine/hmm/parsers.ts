// Data files for HMMs: tagged files (supervised training), observation files (symbols) and numeric series.
// Every problem is an EngineInputError naming the line (1-based).
import { EngineInputError } from '../errors';
import type { TaggedSequence } from './estimation';

/** Text from the file as a JSON string (quoted, control characters escaped), shortened to keep messages short. */
function quote(text: string): string {
  const s = JSON.stringify(text.length > 60 ? text.slice(0, 60) : text);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/**
 * A tagged file: one `token<TAB>tag` per line, a blank line (or one of only spaces) between sequences; several blank
 * lines count as one, and "\r\n" line ends are accepted. Token and tag keep their inner spaces but lose those at
 * their ends.
 */
export function parseTaggedFile(text: string): TaggedSequence[] {
  const sequences: TaggedSequence[] = [];
  let current: TaggedSequence = { tokens: [], tags: [] };
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const at = `Line ${index + 1}`;
    if (line.trim() === '') {
      if (current.tokens.length > 0) sequences.push(current);
      current = { tokens: [], tags: [] };
      return;
    }
    const columns = line.split('\t');
    if (columns.length === 1) {
      throw new EngineInputError(`${at}: ${quote(line)} has no tag; each line should be token<TAB>tag.`);
    }
    if (columns.length > 2) {
      throw new EngineInputError(`${at}: ${columns.length} tab-separated columns, expected 2 (token<TAB>tag).`);
    }
    const token = columns[0].trim();
    const tag = columns[1].trim();
    if (token === '') throw new EngineInputError(`${at}: the token before the tab is empty.`);
    if (tag === '') throw new EngineInputError(`${at}: the tag after the tab is empty.`);
    current.tokens.push(token);
    current.tags.push(tag);
  });
  if (current.tokens.length > 0) sequences.push(current);
  if (sequences.length === 0) throw new EngineInputError('The tagged file has no token<TAB>tag lines.');
  return sequences;
}

/** The tagged-file text of some sequences (the inverse of parseTaggedFile). */
export function formatTaggedFile(sequences: readonly TaggedSequence[]): string {
  return sequences.map((s) => s.tokens.map((tok, t) => `${tok}\t${s.tags[t]}\n`).join('')).join('\n');
}

/** True when every symbol is one Unicode code point. */
export function allSingleCharacters(symbols: readonly string[]): boolean {
  return symbols.every((s) => [...s].length === 1);
}

/**
 * The symbols of an observation file, as ids into `symbols`:
 * - when every symbol of the model is a single character, every non-whitespace character is one symbol and
 *   whitespace (spaces, line breaks) is ignored, so "HTTH", "H T T H" and a string wrapped over lines all work;
 * - otherwise the symbols are separated by whitespace (spaces, tabs, line breaks).
 * A symbol not in the model is an error naming its line and position.
 */
export function parseObservations(text: string, symbols: readonly string[]): Int32Array {
  const idOf = new Map(symbols.map((s, i) => [s, i]));
  const chars = allSingleCharacters(symbols);
  const ids: number[] = [];
  const lines = text.split('\n');
  const known = symbols.length <= 20 ? ` (${symbols.join(', ')})` : '';
  lines.forEach((line, index) => {
    const items = chars ? [...line].filter((c) => !/\s/.test(c)) : line.split(/\s+/).filter((w) => w !== '');
    items.forEach((item, k) => {
      const id = idOf.get(item);
      if (id === undefined) {
        const where = chars ? `character ${[...line].indexOf(item) + 1}` : `symbol ${k + 1}`;
        throw new EngineInputError(`Line ${index + 1}, ${where}: ${quote(item)} is not one of the model's symbols${known}.`);
      }
      ids.push(id);
    });
  });
  if (ids.length === 0) throw new EngineInputError('The observation file has no symbols.');
  return Int32Array.from(ids);
}

export type SymbolSplit = 'auto' | 'chars' | 'whitespace';

/**
 * Reads an observation file without a model (to fit one): the symbols are the sorted set of what occurs.
 * `auto`: whitespace-separated when some line holds two or more whitespace-separated items, else characters
 * (a plain string, line breaks ignored).
 */
export function readObservations(text: string, split: SymbolSplit = 'auto'): { symbols: string[]; observations: Int32Array } {
  const lines = text.split('\n');
  const byWhitespace = split === 'whitespace' || (split === 'auto' && lines.some((l) => l.trim().split(/\s+/).length > 1));
  const items: string[] = [];
  // One push per item, never push(...items): spreading a long line's items overflows the call stack.
  for (const line of lines) {
    if (byWhitespace) {
      for (const w of line.split(/\s+/)) if (w !== '') items.push(w);
    } else {
      for (const c of line) if (!/\s/.test(c)) items.push(c);
    }
  }
  if (items.length === 0) throw new EngineInputError('The observation file has no symbols.');
  const symbols = [...new Set(items)].sort();
  const idOf = new Map(symbols.map((s, i) => [s, i]));
  return { symbols, observations: Int32Array.from(items, (s) => idOf.get(s)!) };
}

/**
 * A numeric series. Dimension 1: numbers separated by whitespace or commas, any number per line. Dimension D > 1:
 * one observation per line, exactly D numbers on each non-blank line. A non-number names its line.
 */
export function parseNumericSeries(text: string, dimension = 1): Float64Array {
  const values: number[] = [];
  text.split('\n').forEach((line, index) => {
    const items = line.split(/[\s,]+/).filter((item) => item !== '');
    if (dimension > 1 && items.length > 0 && items.length !== dimension) {
      throw new EngineInputError(`Line ${index + 1}: ${items.length} numbers, expected ${dimension} (one observation per line).`);
    }
    for (const item of items) {
      const x = Number(item);
      if (!Number.isFinite(x)) throw new EngineInputError(`Line ${index + 1}: ${quote(item)} is not a finite number.`);
      values.push(x);
    }
  });
  if (values.length === 0) throw new EngineInputError('The series has no numbers.');
  return Float64Array.from(values);
}
