// The three kinds of data a sequence model trains on, and their parsers:
//   next-token  one long sequence of token ids (characters or whitespace words of a text); the model reads id_t and
//               predicts id_{t+1} (softmax cross-entropy)
//   tagging     separate sequences of (token, tag) pairs, from lines "token<TAB>tag" with a blank line between
//               sequences; the model predicts tag_t at every step (cross-entropy; may be bidirectional)
//   series      rows x_t of F numbers (columns of a CSV/TSV file); the model reads x_t and predicts x_{t+1} (MSE)
import { readCsv } from './csv';
import { EngineInputError } from './errors';
import { splitWords, TokenVocabulary } from './tokenVocabulary';
import { Vocabulary } from './vocabulary';

export interface NextTokenData {
  kind: 'next-token';
  ids: Int32Array;
  vocabularySize: number;
}

export interface TaggedData {
  kind: 'tagging';
  sequences: { ids: Int32Array; tags: Int32Array }[];
  vocabularySize: number;
  tagCount: number;
}

export interface SeriesData {
  kind: 'series';
  /** length × features, row-major. */
  rows: Float64Array;
  length: number;
  features: number;
}

export type SequenceData = NextTokenData | TaggedData | SeriesData;

/** Characters (code points) of a text as ids of its character vocabulary. */
export function charData(text: string, maxVocabulary?: number): { data: NextTokenData; vocabulary: Vocabulary } {
  const vocabulary = Vocabulary.fromText(text, maxVocabulary);
  const ids = vocabulary.encode(text);
  return { data: { kind: 'next-token', ids, vocabularySize: vocabulary.size }, vocabulary };
}

/** Whitespace-separated words of a text as ids of its word vocabulary. */
export function wordData(text: string, maxVocabulary?: number): { data: NextTokenData; vocabulary: TokenVocabulary } {
  const words = splitWords(text);
  if (words.length < 2) throw new EngineInputError('The file has fewer than two words: there is nothing to predict.');
  const vocabulary = TokenVocabulary.fromTokens(words, 'words', maxVocabulary);
  return { data: { kind: 'next-token', ids: vocabulary.encode(words), vocabularySize: vocabulary.size }, vocabulary };
}

/** Parses "token<TAB>tag" lines, blank lines between sequences. */
export function parseTagged(text: string): { data: TaggedData; tokens: TokenVocabulary; tags: TokenVocabulary } {
  const raw: { tokens: string[]; tags: string[] }[] = [];
  let current: { tokens: string[]; tags: string[] } = { tokens: [], tags: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      if (current.tokens.length > 0) raw.push(current);
      current = { tokens: [], tags: [] };
      continue;
    }
    const parts = line.split('\t');
    if (parts.length !== 2 || parts[0] === '' || parts[1].trim() === '') {
      throw new EngineInputError(`Line ${i + 1} of the tagged file is not "token<TAB>tag": ${JSON.stringify(line.slice(0, 80))}.`);
    }
    current.tokens.push(parts[0]);
    current.tags.push(parts[1].trim());
  }
  if (current.tokens.length > 0) raw.push(current);
  if (raw.length === 0) throw new EngineInputError('The tagged file has no "token<TAB>tag" lines.');
  const tokens = TokenVocabulary.fromTokens(raw.flatMap((s) => s.tokens), 'tokens');
  const tags = TokenVocabulary.fromTokens(raw.flatMap((s) => s.tags), 'tags');
  const sequences = raw.map((s) => ({ ids: tokens.encode(s.tokens, 'token'), tags: tags.encode(s.tags, 'tag') }));
  return { data: { kind: 'tagging', sequences, vocabularySize: tokens.size, tagCount: tags.size }, tokens, tags };
}

/** More columns than this is not a series a recurrent model should read as one input vector per row. */
export const MAX_SERIES_COLUMNS = 1024;

/**
 * Parses numeric columns of a CSV/TSV text (the one reader, readCsv: `,` `;` or tab, RFC 4180 quotes, a header row
 * when the first row names its columns). Every row must have the same number of columns.
 */
export function parseSeries(text: string): { data: SeriesData; columns: string[] } {
  const table = readCsv(text, {
    maxColumns: MAX_SERIES_COLUMNS,
    tooManyColumns: (F) =>
      `The series has ${F} columns, more than the limit of ${MAX_SERIES_COLUMNS}: each column is one input of the model. Keep the columns to learn from (is this file transposed?).`,
    allowRagged: true, // checked below, with the series' own message
  });
  if (table.columns === 0) throw new EngineInputError('The series file is empty.');
  const F = table.columns;
  const columns = table.header ?? Array.from({ length: F }, (_, i) => `x${i}`);
  const length = table.rows.length;
  if (length === 0) throw new EngineInputError('The series file has a header but no rows of numbers.');
  if (length < 2) throw new EngineInputError('The series has only one row: there is no next value to predict.');
  const rows = new Float64Array(length * F);
  for (let r = 0; r < length; r++) {
    const cells = table.rows[r];
    const line = table.lines[r];
    if (cells.length !== F) throw new EngineInputError(`Row ${line} has ${cells.length} columns, expected ${F}.`);
    for (let j = 0; j < F; j++) {
      if (cells[j] === '') throw new EngineInputError(`Row ${line}, column ${j + 1} is empty: every row needs a number in every column.`);
      const v = Number(cells[j]);
      if (!Number.isFinite(v)) throw new EngineInputError(`Row ${line}, column ${j + 1} is not a finite number: ${JSON.stringify(cells[j].slice(0, 40))}.`);
      rows[r * F + j] = v;
    }
  }
  return { data: { kind: 'series', rows, length, features: F }, columns };
}
