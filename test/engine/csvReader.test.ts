// The one CSV reader (src/engine/csv.ts): RFC 4180 quotes, `,` `;` and tab, header detection, BOM and CRLF, and
// errors that name the line and the column. The writer side (trace export's field quoting) round-trips through it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isCsvNumber, readCsv } from '../../src/engine/csv';
import { EngineInputError } from '../../src/engine/errors';
import { csvField, csvNumber, csvRows, neutraliseFormula } from '../../src/shared/traceExport';

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof EngineInputError, String(e));
    return e.message;
  }
  assert.fail('no error');
};

test('quoted fields hold delimiters, doubled quotes and line breaks; white space around quotes is ignored', () => {
  const t = readCsv('name,note\n"a,b","say ""hi"""\n  "x\ny" , plain text \n', { header: true });
  assert.deepEqual(t.header, ['name', 'note']);
  assert.deepEqual(t.rows, [['a,b', 'say "hi"'], ['x\ny', 'plain text']]);
  assert.deepEqual(t.lines, [2, 3], 'a record starts on its first line; the quoted break makes the next line 5');
  assert.deepEqual(readCsv('"1","2"\n"3","4"\n').rows, [['1', '2'], ['3', '4']]);
  assert.deepEqual(readCsv('a,""\n').rows, [], 'a quoted empty field is a field: the single row is the header');
  assert.deepEqual(readCsv('a,""\n', { header: false }).rows, [['a', '']]);
});

test('each delimiter is detected from the first row and applied to every row', () => {
  for (const d of [',', ';', '\t'] as const) {
    const t = readCsv(['x', 'y'].join(d) + '\n' + ['1', '2'].join(d) + '\n' + ['3', '4'].join(d) + '\n');
    assert.equal(t.delimiter, d);
    assert.deepEqual(t.header, ['x', 'y']);
    assert.deepEqual(t.rows, [['1', '2'], ['3', '4']]);
  }
  // A comma inside quotes does not count; a decimal comma in a ;-file stays in its cell.
  assert.equal(readCsv('"a,b,c";d\n').delimiter, ';');
  assert.deepEqual(readCsv('t;v\n1;2,5\n').rows, [['1', '2,5']]);
  // A bare quote inside an unquoted field is a character, not the start of a quoted field (detection agrees).
  assert.deepEqual(readCsv('5" tv;b\n1;2\n', { header: false }).rows, [['5" tv', 'b'], ['1', '2']]);
  // One column: comma (nothing to split).
  assert.deepEqual(readCsv('1\n2\n').rows, [['1'], ['2']]);
});

test('header detection: a first row of names above numbers is a header; a numeric first row is data', () => {
  assert.deepEqual(readCsv('1,2\n3,4\n').header, undefined);
  assert.deepEqual(readCsv('time,value\n0,1\n').header, ['time', 'value']);
  assert.deepEqual(readCsv('time,value\n').header, ['time', 'value'], 'a lone row of names is a header');
  assert.equal(readCsv('x,y\nz,w\n').header, undefined, 'text above text: no column is named above numbers');
  assert.deepEqual(readCsv(',v\n1,2\n').header, ['', 'v']);
  assert.ok(isCsvNumber('-1.5e3') && !isCsvNumber('') && !isCsvNumber('NaN') && !isCsvNumber('Infinity'));
});

test('BOM, CRLF, a lone CR and blank lines', () => {
  const t = readCsv('\uFEFFa;b\r\n1;2\r\n\r\n3;4\r\n');
  assert.deepEqual(t.header, ['a', 'b'], 'the BOM is not part of the first name');
  assert.deepEqual(t.rows, [['1', '2'], ['3', '4']]);
  assert.deepEqual(t.lines, [2, 4]);
  assert.deepEqual(readCsv('1\r2\r').rows, [['1'], ['2']]);
  assert.deepEqual(readCsv('"a\r\nb",1\r\n', { header: false }).rows, [['a\r\nb', '1']]);
  assert.equal(readCsv(' \n\n').columns, 0);
  assert.deepEqual(readCsv('').rows, []);
});

test('ragged rows, unterminated quotes and text after a closing quote name the line and the column', () => {
  assert.equal(messageOf(() => readCsv('a,b\n1,2\n3\n')), 'Line 3 has 1 columns, expected 2 (as in the first row).');
  assert.equal(messageOf(() => readCsv('a,b\n1,2\n3,4,5\n')), 'Line 3 has more than 2 columns, expected 2 (as in the first row).');
  assert.equal(messageOf(() => readCsv('a,b\n1,2\n3,"4\n5,6\n')), 'Line 3, column 2: the quote at character 3 is never closed.');
  assert.equal(messageOf(() => readCsv('a,b\n"x"y,2\n')), 'Line 2, column 1: text after the closing quote at character 4 (a quote inside a quoted field is written "").');
  // A record spanning lines names the line it starts on.
  assert.equal(messageOf(() => readCsv('a,b\n"1\n",2\n3\n')), 'Line 4 has 1 columns, expected 2 (as in the first row).');
  assert.deepEqual(readCsv('a,b\n1\n', { allowRagged: true }).rows, [['1']]);
});

test('the column limit is checked on the first row, before its cells are stored', () => {
  const wide = Array.from({ length: 5000 }, () => '1').join(',');
  assert.equal(messageOf(() => readCsv(`${wide}\n`, { maxColumns: 1024 })), 'The first row has 5000 columns, more than the limit of 1024.');
  assert.equal(messageOf(() => readCsv(`1\n${wide}\n`, { maxColumns: 1024, allowRagged: true })), 'Line 2 has more than 1024 columns, the limit.');
  assert.equal(messageOf(() => readCsv(`${wide}\n`, { maxColumns: 10, tooManyColumns: (n) => `${n} is too many.` })), '5000 is too many.');
});

test('a deep run of quotes or a long file is read without recursion', () => {
  const quotes = `"${'""'.repeat(200_000)}"\n`;
  assert.equal(readCsv(quotes, { header: false }).rows[0][0], '"'.repeat(200_000));
  const rows = Array.from({ length: 100_000 }, (_, i) => `${i};${i / 2}`).join('\n');
  const t = readCsv(rows);
  assert.equal(t.rows.length, 100_000);
  assert.deepEqual(t.rows[99_999], ['99999', '49999.5']);
});

test('writing with trace export quoting, then reading, gives back every string (formula starts neutralised) and number', () => {
  const cell = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('=1+1', '+x', '-', '@A1', '\t=x', '\r=y', ' a ', '"', ';', '\t', ',', '\r\n', ''),
    fc.double(),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 6 }), (width, table) => {
      const rows = table.map((r) => r.slice(0, width));
      const header = rows[0].map((c) => (typeof c === 'number' ? csvNumber(c) : c));
      const read = readCsv(csvRows(header, rows.slice(1)), { header: true });
      assert.equal(read.delimiter, ',');
      assert.deepEqual(read.header, header.map(neutraliseFormula));
      assert.equal(read.rows.length, rows.length - 1);
      read.rows.forEach((r, i) =>
        r.forEach((got, k) => {
          const wrote = rows[i + 1][k];
          if (typeof wrote === 'number') assert.ok(Object.is(Number(got), wrote), `${got} vs ${wrote}`);
          else assert.equal(got, neutraliseFormula(wrote));
        }),
      );
    }),
    { numRuns: 300 },
  );
  // Without forcing the header, a written numeric table reads as the same numbers with its header detected.
  const text = csvRows(['t', 'x;y'], [[0, 1.5], [1, -0]]);
  const t = readCsv(text);
  assert.deepEqual(t.header, ['t', 'x;y']);
  assert.deepEqual(t.rows, [['0', '1.5'], ['1', '-0']]);
  assert.equal(csvField('a;b'), '"a;b"');
});
