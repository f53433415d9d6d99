// The bad-input corpus of issue 7 for tables (CSV/TSV series for training and for Gaussian HMMs) and for files too
// large to train on: header only, ragged rows, NaN/Inf/empty cells, text in a numeric column, a million columns, a
// single row, a 200 MB text. Each case asserts the one-line message the user reads (what is wrong, where, what to do).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineInputError } from '../../src/engine/errors';
import { csvColumns, parseCsvSeries } from '../../src/engine/hmm/csvSeries';
import { MAX_SERIES_COLUMNS, parseSeries } from '../../src/engine/sequenceData';
import { checkTrainingText } from '../../src/shared/textChecks';
import { assertUserMessage, messageOf, singleLine } from '../fixtures/badInputs';

const MB = 1024 * 1024;

const seriesMessage = (text: string): string => {
  const m = messageOf(() => parseSeries(text), EngineInputError);
  assertUserMessage(m, '', m.includes('NaN') ? ['NaN'] : []);
  return m;
};
const hmmCsvMessage = (text: string, columns: number[]): string => {
  const m = messageOf(() => parseCsvSeries(text, columns), EngineInputError);
  assertUserMessage(m, '', m.includes('NaN') ? ['NaN'] : []);
  return m;
};

/** One CSV row of `n` numbers. */
const wideRow = (n: number): string => Array.from({ length: n }, (_, i) => String(i % 10)).join(',');

test('series CSV for training: header only, a single row, ragged rows, NaN/Inf/empty cells, text cells', () => {
  assert.equal(seriesMessage('time,value\n'), 'The series file has a header but no rows of numbers.');
  assert.equal(seriesMessage('time,value\n0,1.5\n'), 'The series has only one row: there is no next value to predict.');
  assert.equal(seriesMessage('\n \n'), 'The series file is empty.');
  assert.equal(seriesMessage('a,b\n1,2\n3\n4,5\n'), 'Row 3 has 1 columns, expected 2.');
  assert.equal(seriesMessage('a,b\n1,2\n3,NaN\n'), 'Row 3, column 2 is not a finite number: "NaN".');
  assert.equal(seriesMessage('a,b\n1,2\n3,-Infinity\n'), 'Row 3, column 2 is not a finite number: "-Infinity".');
  assert.equal(seriesMessage('a,b\n1,2\n3,\n'), 'Row 3, column 2 is empty: every row needs a number in every column.');
  assert.equal(seriesMessage('a;b\n1;2\n3;four\n'), 'Row 3, column 2 is not a finite number: "four".');
  // A long text cell is quoted shortened, never the whole line.
  assert.equal(seriesMessage(`a\n1\n${'z'.repeat(10_000)}\n`), `Row 3, column 1 is not a finite number: "${'z'.repeat(40)}".`);
  // Without a header the columns are named x0, x1, … and the rows count from the first line.
  assert.deepEqual(parseSeries('1\t2\n3\t4\n').columns, ['x0', 'x1']);
});

test('series CSV for training: a million columns is refused before any model is built, naming both counts', () => {
  const row = wideRow(1_000_000);
  assert.equal(
    seriesMessage(`${row}\n${row}\n`),
    `The series has 1000000 columns, more than the limit of ${MAX_SERIES_COLUMNS}: each column is one input of the model. Keep the columns to learn from (is this file transposed?).`,
  );
  // At the limit it reads (and the values are where they belong).
  const atLimit = wideRow(MAX_SERIES_COLUMNS);
  const { data } = parseSeries(`${atLimit}\n${atLimit}\n`);
  assert.equal(data.features, MAX_SERIES_COLUMNS);
  assert.equal(data.rows[MAX_SERIES_COLUMNS + 13], 3);
});

test('CSV for a Gaussian HMM: header only, one row, empty and non-finite cells name the line and the column', () => {
  assert.equal(hmmCsvMessage('', [0]), 'The file is empty: there are no rows of numbers.');
  assert.equal(hmmCsvMessage('temp,rain\n', [0]), 'The file has a header but no rows of numbers.');
  assert.equal(hmmCsvMessage('temp,rain\n21,0\n', [0, 1]), 'The file has only one row of numbers: an HMM needs a series of at least 2 rows.');
  assert.equal(hmmCsvMessage('temp,rain\n21,0\n22\n', [1]), 'Line 3, column "rain" is empty: every row needs a number there.');
  assert.equal(hmmCsvMessage('temp,rain\n21,0\n22,NaN\n', [1]), 'Line 3, column "rain": "NaN" is not a finite number.');
  assert.equal(hmmCsvMessage('temp\train\n21\t0\n22\tInfinity\n', [1]), 'Line 3, column "rain": "Infinity" is not a finite number.');
  assert.equal(hmmCsvMessage('temp,rain\n21,0\nwarm,1\n', [0, 1]), 'Line 3, column "temp": "warm" is not a finite number.');
  assert.equal(hmmCsvMessage('temp,rain\n21,0\n22,1\n', [2]), 'There is no column 3: the file has 2.');
  assert.equal(hmmCsvMessage('temp,rain\n21,0\n22,1\n', []), 'Choose at least one numeric column.');
});

test('CSV for a Gaussian HMM: a million columns reads its header and the chosen column only', () => {
  const row = wideRow(1_000_000);
  const text = `${row}\n${row}\n${row}\n`;
  const columns = csvColumns(text);
  assert.equal(columns.names.length, 1_000_000);
  assert.equal(columns.hasHeader, false);
  const series = parseCsvSeries(text, [999_999]);
  assert.deepEqual([...series.values], [9, 9, 9]);
  assert.deepEqual(series.columns, ['column 1000000']);
});

test('text: a 200 MB file is refused with its size and the setting to raise, without copying it', () => {
  const text = singleLine(200 * MB, 'line of text\n');
  const before = process.memoryUsage().heapUsed;
  const verdict = checkTrainingText(text, 'huge.log', 20 * MB);
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(verdict.ok, false);
  assert.equal(
    verdict.message,
    'huge.log is 200.0 MB, over the 20.0 MB limit for training. Raise "sequenceLab.limits.maxFileSizeMB" or train on a smaller file.',
  );
  assert.ok(grown < 16 * MB, `checking the size allocated ${(grown / MB).toFixed(1)} MB`);
  // Raising the limit far enough lets the same text through the host's check (the engine's own limits still apply).
  assert.deepEqual(checkTrainingText(text, 'huge.log', 256 * MB), { ok: true });
});
