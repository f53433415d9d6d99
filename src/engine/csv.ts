// The one CSV reader of Sequence Lab: training series, Gaussian HMM fits (extension and CLI) all read tables here,
// so a file one of them reads, the others read the same way.
//
// Dialect (RFC 4180, widened as spreadsheets write it):
//   - records end at LF, CRLF or a lone CR; a leading byte-order mark is dropped;
//   - the delimiter is `,`, `;` or tab, chosen from the first non-blank record (the one occurring most often outside
//     quotes there; ties go to tab, then `;`, then `,`) and applied to every record;
//   - a field may be quoted: "…" holds delimiters, line breaks and doubled quotes ("" is one "); white space around
//     the quotes is ignored, anything else after the closing quote is an error;
//   - unquoted fields are trimmed of white space (so "1, 2.5" reads as two numbers); quoted fields are kept verbatim;
//   - blank lines are skipped;
//   - the first record is a header when it holds a cell that is not a number and, if a second record exists, some
//     such cell sits above a number (a column named above its values).
// Work is one pass over the text with no recursion; fields are slices of the input, so what is allocated is
// bounded by the input's size, and the column count of the first record is checked against `maxColumns` before any
// field is stored. Errors are EngineInputErrors naming the 1-based line and column.
import { EngineInputError } from './errors';

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvOptions {
  /** Force the delimiter instead of detecting it. */
  delimiter?: CsvDelimiter;
  /** Force header / no header instead of detecting it. */
  header?: boolean;
  /** Most columns a record may have (default: no limit beyond the input's size). */
  maxColumns?: number;
  /** The message when the first record has more than maxColumns columns (default names the line and counts). */
  tooManyColumns?: (count: number) => string;
  /** Let records have different numbers of fields (the caller checks the cells it needs); default: an error. */
  allowRagged?: boolean;
}

export interface CsvTable {
  delimiter: CsvDelimiter;
  /** The header's cells, or undefined when the first record is data. */
  header: string[] | undefined;
  /** The data records (header excluded), each an array of cells. */
  rows: string[][];
  /** The 1-based line on which each data record starts (a quoted line break makes a record span lines). */
  lines: number[];
  /** Cells per record: the first record's count. */
  columns: number;
}

/** A cell that reads as a finite number (the test header detection and every numeric caller apply). */
export function isCsvNumber(cell: string): boolean {
  return cell !== '' && Number.isFinite(Number(cell));
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * The delimiter of the first non-blank record: counts `,` `;` and tab outside quotes up to its end. Also returns the
 * record's field count for that delimiter, so a too-wide file is refused before anything is stored.
 */
function detect(text: string, start: number, forced: CsvDelimiter | undefined): { delimiter: CsvDelimiter; fields: number } {
  const n = text.length;
  let i = start;
  // Skip blank lines (only spaces and tabs before the line break).
  for (;;) {
    let k = i;
    while (k < n && isBlank(text.charCodeAt(k))) k++;
    if (k < n && (text.charCodeAt(k) === LF || text.charCodeAt(k) === CR)) i = k + 1;
    else break;
  }
  let comma = 0;
  let semicolon = 0;
  let tab = 0;
  // As the reader below: a quote opens a quoted field only at a field's start (after blanks); "" inside is a quote;
  // a bare quote in the middle of a field is an ordinary character.
  let quoted = false;
  let fieldStart = true;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) i++;
        else quoted = false;
      }
      continue;
    }
    if (c === LF || c === CR) break;
    if (c === 44 || c === 59 || c === 9) {
      if (c === 44) comma++;
      else if (c === 59) semicolon++;
      else tab++;
      fieldStart = true;
    } else if (c === QUOTE && fieldStart) quoted = true;
    else if (c !== 32) fieldStart = false;
  }
  const delimiter: CsvDelimiter =
    forced ?? (tab > 0 && tab >= semicolon && tab >= comma ? '\t' : semicolon > 0 && semicolon >= comma ? ';' : ',');
  const count = delimiter === ',' ? comma : delimiter === ';' ? semicolon : tab;
  return { delimiter, fields: count + 1 };
}

/** Reads a CSV/TSV text into its header and data records. */
export function readCsv(text: string, options: CsvOptions = {}): CsvTable {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const { delimiter, fields: firstFields } = detect(text, i, options.delimiter);
  const maxColumns = options.maxColumns ?? Infinity;
  if (firstFields > maxColumns) {
    throw new EngineInputError(options.tooManyColumns?.(firstFields) ?? `The first row has ${firstFields} columns, more than the limit of ${maxColumns}.`);
  }
  const d = delimiter.charCodeAt(0);
  const records: string[][] = [];
  const starts: number[] = [];
  let expected = -1;
  let line = 1;
  const n = text.length;
  while (i < n) {
    // One record: fields until an unquoted line break or the end of the text.
    const recordLine = line;
    const record: string[] = [];
    let anyQuoted = false;
    let lineStart = i; // index of the first character of the current line, for column numbers in messages
    for (;;) {
      // Skip white space before a field (unless it is the delimiter itself).
      let j = i;
      while (j < n && isBlank(text.charCodeAt(j)) && text.charCodeAt(j) !== d) j++;
      let cell: string;
      if (j < n && text.charCodeAt(j) === QUOTE) {
        // Quoted field: up to the next " not followed by another ".
        anyQuoted = true;
        const openLine = line;
        const openColumn = j - lineStart + 1;
        const parts: string[] = [];
        let from = j + 1;
        let k = from;
        for (;;) {
          if (k >= n) {
            throw new EngineInputError(`Line ${openLine}, column ${record.length + 1}: the quote at character ${openColumn} is never closed.`);
          }
          const c = text.charCodeAt(k);
          if (c === QUOTE) {
            if (text.charCodeAt(k + 1) === QUOTE) {
              parts.push(text.slice(from, k + 1));
              k += 2;
              from = k;
              continue;
            }
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) {
            line++;
            lineStart = k + 1;
          }
          k++;
        }
        parts.push(text.slice(from, k));
        cell = parts.length === 1 ? parts[0] : parts.join('');
        k++;
        while (k < n && isBlank(text.charCodeAt(k)) && text.charCodeAt(k) !== d) k++;
        const after = k < n ? text.charCodeAt(k) : -1;
        if (after !== -1 && after !== d && after !== LF && after !== CR) {
          throw new EngineInputError(`Line ${line}, column ${record.length + 1}: text after the closing quote at character ${k - lineStart + 1} (a quote inside a quoted field is written "").`);
        }
        i = k;
      } else {
        let k = i;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === d || c === LF || c === CR) break;
          k++;
        }
        cell = text.slice(i, k).trim();
        i = k;
      }
      record.push(cell);
      if (expected >= 0 && record.length > expected && !options.allowRagged) {
        throw new EngineInputError(`Line ${recordLine} has more than ${expected} columns, expected ${expected} (as in the first row).`);
      }
      if (record.length > maxColumns) {
        throw new EngineInputError(`Line ${recordLine} has more than ${maxColumns} columns, the limit.`);
      }
      if (i < n && text.charCodeAt(i) === d) {
        i++;
        continue;
      }
      break;
    }
    // The record ends at a line break (CRLF, LF or CR) or the end of the text.
    if (i < n) {
      if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF) i++;
      i++;
      line++;
    }
    if (record.length === 1 && record[0] === '' && !anyQuoted) continue; // a blank line
    if (expected < 0) expected = record.length;
    else if (record.length !== expected && !options.allowRagged) {
      throw new EngineInputError(`Line ${recordLine} has ${record.length} columns, expected ${expected} (as in the first row).`);
    }
    records.push(record);
    starts.push(recordLine);
  }
  const first = records[0];
  const second = records[1];
  const header =
    options.header ??
    (first !== undefined && first.some((c, k) => !isCsvNumber(c) && (second === undefined || isCsvNumber(second[k] ?? ''))));
  return {
    delimiter,
    header: header && first !== undefined ? first : undefined,
    rows: header ? records.slice(1) : records,
    lines: header ? starts.slice(1) : starts,
    columns: first?.length ?? 0,
  };
}
