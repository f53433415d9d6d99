// Numeric columns of a CSV or TSV file as the observations of a Gaussian HMM: row t of the chosen D columns is
// x_t (D-dimensional). The first line is a header when any of its cells is not a number. Every problem is one
// EngineInputError naming the line and the column.
import { EngineInputError } from '../errors';

export interface CsvSeries {
  /** Names of the chosen columns (the header's, or "column 1", ...). */
  columns: string[];
  /** x_t at values[t·D .. t·D + D − 1]. */
  values: Float64Array;
  dimension: number;
  /** 0-based line of the file each observation came from. */
  lines: Uint32Array;
}

/** Tab when the first non-blank line holds a tab, else comma. */
export function csvDelimiter(text: string): ',' | '\t' {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return first.includes('\t') ? '\t' : ',';
}

function cells(line: string, delimiter: string): string[] {
  return (line.endsWith('\r') ? line.slice(0, -1) : line).split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

const isNumber = (cell: string): boolean => cell !== '' && Number.isFinite(Number(cell));

/** The header (or default names) of a CSV/TSV text and whether the first line is a header. */
export function csvColumns(text: string): { names: string[]; hasHeader: boolean; delimiter: ',' | '\t' } {
  const delimiter = csvDelimiter(text);
  const first = text.split('\n').find((l) => l.trim() !== '');
  if (first === undefined) throw new EngineInputError('The file is empty: there are no rows of numbers.');
  const head = cells(first, delimiter);
  const hasHeader = head.some((c) => !isNumber(c));
  return { names: hasHeader ? head.map((c, k) => c || `column ${k + 1}`) : head.map((_, k) => `column ${k + 1}`), hasHeader, delimiter };
}

/** Reads columns `chosen` (0-based) of every data row. Blank lines are skipped. */
export function parseCsvSeries(text: string, chosen: readonly number[]): CsvSeries {
  const { names, hasHeader, delimiter } = csvColumns(text);
  if (chosen.length === 0) throw new EngineInputError('Choose at least one numeric column.');
  for (const c of chosen) {
    if (!(Number.isInteger(c) && c >= 0 && c < names.length)) throw new EngineInputError(`There is no column ${c + 1}: the file has ${names.length}.`);
  }
  const values: number[] = [];
  const lines: number[] = [];
  let headerSeen = !hasHeader;
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    if (!headerSeen) {
      headerSeen = true;
      return;
    }
    const row = cells(line, delimiter);
    for (const c of chosen) {
      const where = `Line ${index + 1}, column ${JSON.stringify(names[c])}`;
      const cell = row[c];
      if (cell === undefined || cell === '') throw new EngineInputError(`${where} is empty: every row needs a number there.`);
      const x = Number(cell);
      if (!Number.isFinite(x)) throw new EngineInputError(`${where}: ${JSON.stringify(cell.slice(0, 40))} is not a finite number.`);
      values.push(x);
    }
    lines.push(index);
  });
  if (lines.length === 0) throw new EngineInputError('The file has a header but no rows of numbers.');
  if (lines.length === 1) throw new EngineInputError('The file has only one row of numbers: an HMM needs a series of at least 2 rows.');
  return { columns: chosen.map((c) => names[c]), values: Float64Array.from(values), dimension: chosen.length, lines: Uint32Array.from(lines) };
}
