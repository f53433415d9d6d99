// Numeric columns of a CSV or TSV file as the observations of a Gaussian HMM: row t of the chosen D columns is
// x_t (D-dimensional), read by the one CSV reader (../csv.ts). Every problem is one
// EngineInputError naming the line and the column.
import { readCsv, type CsvDelimiter, type CsvTable } from '../csv';
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

/** The delimiter readCsv detects: `,` `;` or tab, from the first non-blank row. */
export function csvDelimiter(text: string): CsvDelimiter {
  return readCsv(text, { allowRagged: true }).delimiter;
}

/** The header (or default names) of a CSV/TSV text and whether the first line is a header. */
export function csvColumns(text: string): { names: string[]; hasHeader: boolean; delimiter: CsvDelimiter } {
  return columnsOf(readCsv(text, { allowRagged: true }));
}

function columnsOf(table: CsvTable): { names: string[]; hasHeader: boolean; delimiter: CsvDelimiter } {
  if (table.columns === 0) throw new EngineInputError('The file is empty: there are no rows of numbers.');
  const { header, delimiter } = table;
  return {
    names: header ? header.map((c, k) => c || `column ${k + 1}`) : Array.from({ length: table.columns }, (_, k) => `column ${k + 1}`),
    hasHeader: header !== undefined,
    delimiter,
  };
}

/**
 * Reads columns `chosen` (0-based) of every data row (the one reader, readCsv: quotes, `,` `;` or tab, header
 * detection). Blank lines are skipped; a row may be short, but a chosen cell it lacks is named.
 */
export function parseCsvSeries(text: string, chosen: readonly number[]): CsvSeries {
  return seriesOf(readCsv(text, { allowRagged: true }), chosen);
}

/**
 * Every column of a CSV/TSV text as one observation x_t per row (the CLI's `hmm fit --gaussian` and decoding of a
 * .csv/.tsv file). `dimension`, when given, must be the number of columns: a mismatch is named, never guessed.
 */
export function parseCsvObservations(text: string, dimension?: number): CsvSeries {
  const table = readCsv(text, { allowRagged: true });
  const { names } = columnsOf(table);
  if (dimension !== undefined && dimension !== names.length) {
    throw new EngineInputError(`The file has ${names.length} column${names.length === 1 ? '' : 's'} (one dimension each), but the dimension is ${dimension}.`);
  }
  return seriesOf(table, names.map((_, k) => k));
}

function seriesOf(table: CsvTable, chosen: readonly number[]): CsvSeries {
  const { names } = columnsOf(table);
  if (chosen.length === 0) throw new EngineInputError('Choose at least one numeric column.');
  for (const c of chosen) {
    if (!(Number.isInteger(c) && c >= 0 && c < names.length)) throw new EngineInputError(`There is no column ${c + 1}: the file has ${names.length}.`);
  }
  const values = new Float64Array(table.rows.length * chosen.length);
  table.rows.forEach((row, r) => {
    chosen.forEach((c, k) => {
      const where = `Line ${table.lines[r]}, column ${JSON.stringify(names[c])}`;
      const cell = row[c];
      if (cell === undefined || cell === '') throw new EngineInputError(`${where} is empty: every row needs a number there.`);
      const x = Number(cell);
      if (!Number.isFinite(x)) throw new EngineInputError(`${where}: ${JSON.stringify(cell.slice(0, 40))} is not a finite number.`);
      values[r * chosen.length + k] = x;
    });
  });
  if (table.rows.length === 0) throw new EngineInputError('The file has a header but no rows of numbers.');
  if (table.rows.length === 1) throw new EngineInputError('The file has only one row of numbers: an HMM needs a series of at least 2 rows.');
  // lines are 0-based here (the editor's line numbers), readCsv's 1-based.
  return { columns: chosen.map((c) => names[c]), values, dimension: chosen.length, lines: Uint32Array.from(table.lines, (l) => l - 1) };
}
