// Trace export (src/shared/traceExport.ts): the CSV reads back, with a strict RFC 4180 reader, to exactly the values
// and characters of the trace — commas, quotes, line breaks and spaces as characters, NaN and ±Infinity as such —
// and the JSON gives the same numbers as named arrays of the stated shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, neutraliseFormula, gatesTraceCsv, gatesTraceJson, gradientTraceCsv, gradientTraceJson } from '../../src/shared/traceExport';
import type { GatesView } from '../../src/shared/protocol/gatesPanel';
import type { GradientFlowView } from '../../src/shared/protocol/gradientFlowPanel';

/** RFC 4180: fields separated by commas, records by CRLF; a quoted field may hold anything, "" is a quote. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') { field += '"'; i = q + 2; } else { i = q + 1; break; }
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      field = end < 0 ? text.slice(i) : text.slice(i, i + end);
      assert.ok(!/["\r\n]/.test(field), `bare field with a quote or line break: ${JSON.stringify(field)}`);
      i += field.length;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) { rows.push(row); row = []; i += 2; }
    else assert.equal(i, text.length);
  }
  assert.deepEqual(row, [], 'the last record ends with CRLF');
  return rows;
}

const number = (s: string) => (s === 'NaN' ? NaN : s === 'Infinity' ? Infinity : s === '-Infinity' ? -Infinity : Number(s));

// Characters a CSV writer must quote, and some it need not; values include NaN, ±Infinity, −0 and float32 rounding.
const TOKENS = [',', '\n', '"', ' ', 'a', 'é', '\r', '😀', "'", '='];
const T = TOKENS.length;
const LAYERS = 2;
const H = 3;
const SERIES = ['i', 'f', 'g', 'o', 'c', 'h'];
const values = new Float32Array(LAYERS * SERIES.length * T * H).map((_, n) => Math.sin(n * 0.7) * 10 ** ((n % 7) - 3));
values[5] = NaN;
values[6] = Infinity;
values[7] = -Infinity;
values[8] = -0;
const gradNormH = new Float32Array(LAYERS * T).map((_, n) => Math.exp(-n / 3));
gradNormH[3] = NaN;

const gates: GatesView = {
  runLabel: 'LSTM 2×3 on "a,b".txt', step: 120, start: 40, cell: 'lstm', layers: LAYERS, hiddenSize: H, series: SERIES, values,
  tokens: TOKENS, topChars: TOKENS.flatMap((c) => [c, c, c, c, c]), topProbabilities: new Float32Array(T * 5).fill(0.2),
  cursor: -1, gradNormH,
};

const flow: GradientFlowView = {
  runLabel: 'RNN', step: 7, start: 3, layers: LAYERS,
  gradNormH: [Array.from(gradNormH.subarray(0, T)), Array.from(gradNormH.subarray(T))],
  jacobianNorm: Array.from({ length: T - 1 }, (_, n) => 0.9 ** (n + 1)), spectralRadius: [0.95, NaN], largestSingularValue: [1.25, 2.5],
  tokens: TOKENS,
};

describe('trace export', () => {
  it('quotes exactly the fields that need it', () => {
    assert.equal(csvField('a'), 'a');
    // Formula injection: a token from the file that a spreadsheet would evaluate is written as text.
    assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    for (const t of ['+1', '-', '@SUM(A1)', '\t=1', '\r=1']) assert.ok(csvField(t).replace(/^"/, '').startsWith("'"), JSON.stringify(t));
    assert.equal(csvField(-1), '-1', 'numbers stay numbers');
    assert.equal(csvField(','), '","');
    assert.equal(csvField('"'), '""""');
    assert.equal(csvField('\n'), '"\n"');
    assert.equal(csvField(' '), '" "');
    assert.equal(csvField(NaN), 'NaN');
    assert.equal(csvField(-Infinity), '-Infinity');
  });

  it('Gates CSV: one row per layer, series, step and unit, reading back to the same characters and values', () => {
    const rows = readCsv(gatesTraceCsv(gates));
    assert.deepEqual(rows[0], ['layer', 'series', 't', 'position', 'char', 'unit', 'value']);
    const body = rows.slice(1);
    assert.equal(body.length, values.length + gradNormH.length);
    const S = SERIES.length;
    for (const [layer, series, t, position, char, unit, value] of body.slice(0, values.length)) {
      const [k, s, tt, j] = [Number(layer), SERIES.indexOf(series), Number(t), Number(unit)];
      assert.equal(char, neutraliseFormula(TOKENS[tt]), 'the character, with an apostrophe before a formula start');
      assert.equal(Number(position), gates.start + tt);
      assert.ok(Object.is(number(value), values[((k * S + s) * T + tt) * H + j]), `${value} at ${layer},${series},${t},${unit}`);
    }
    const norms = body.slice(values.length);
    assert.ok(norms.every((r) => r[1] === 'grad_norm_h' && r[5] === ''));
    assert.ok(norms.every((r) => Object.is(number(r[6]), gradNormH[Number(r[0]) * T + Number(r[2])])));
    assert.ok(body.some((r) => r[6] === 'NaN') && body.some((r) => r[6] === '-Infinity') && body.some((r) => r[6] === '-0'));
  });

  it('Gates JSON: one [layer, t, unit] array per series with the same numbers, non-finite as null', () => {
    const json = JSON.parse(gatesTraceJson(gates));
    assert.equal(json.kind, 'sequence-lab/gates-trace');
    assert.deepEqual(json.tokens, TOKENS);
    assert.deepEqual(Object.keys(json.arrays), [...SERIES, 'grad_norm_h', 'top_probabilities']);
    const S = SERIES.length;
    SERIES.forEach((name, s) => {
      const a = json.arrays[name];
      assert.deepEqual(a.shape, [LAYERS, T, H]);
      assert.deepEqual(a.axes, ['layer', 't', 'unit']);
      for (let k = 0; k < LAYERS; k++) for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) {
        const v = values[((k * S + s) * T + t) * H + j];
        assert.equal(a.data[(k * T + t) * H + j], Number.isFinite(v) ? (v === 0 ? 0 : v) : null);
      }
    });
  });

  it('Gradient Flow CSV and JSON: ‖∂L/∂h_t‖ per layer and step, the Jacobian norm by distance, ρ and σ_max', () => {
    const rows = readCsv(gradientTraceCsv(flow));
    assert.deepEqual(rows[0], ['quantity', 'layer', 't', 'position', 'char', 'distance', 'value']);
    const of = (q: string) => rows.filter((r) => r[0] === q);
    assert.equal(of('grad_norm_h').length, LAYERS * T);
    for (const [, layer, t, position, char, , value] of of('grad_norm_h')) {
      assert.equal(char, neutraliseFormula(TOKENS[Number(t)]));
      assert.equal(Number(position), flow.start + Number(t));
      assert.ok(Object.is(number(value), flow.gradNormH[Number(layer)][Number(t)]));
    }
    assert.deepEqual(of('jacobian_norm').map((r) => [Number(r[5]), number(r[6])]), flow.jacobianNorm.map((v, i) => [i + 1, v]));
    assert.deepEqual(of('spectral_radius').map((r) => number(r[6])), flow.spectralRadius);
    assert.deepEqual(of('largest_singular_value').map((r) => number(r[6])), flow.largestSingularValue);
    const json = JSON.parse(gradientTraceJson(flow));
    assert.deepEqual(json.arrays.grad_norm_h.shape, [LAYERS, T]);
    assert.deepEqual(json.arrays.grad_norm_h.data, flow.gradNormH.flat().map((v) => (Number.isFinite(v) ? v : null)));
    assert.deepEqual(json.arrays.spectral_radius.data, [0.95, null]);
    assert.deepEqual(json.arrays.jacobian_norm.data, flow.jacobianNorm);
  });

  it('a word run names its columns and its JSON steps as words; a character run as characters', () => {
    const words = ['The', 'ancient', 'winter', 'whispers', 'to', 'the'];
    const wordGates: GatesView = { ...gates, tokenKind: 'words', tokens: words.slice(0, T) };
    assert.deepEqual(readCsv(gatesTraceCsv(wordGates))[0], ['layer', 'series', 't', 'word_index', 'word', 'unit', 'value']);
    assert.equal(readCsv(gatesTraceCsv(wordGates))[1][4], words[0]);
    assert.equal(JSON.parse(gatesTraceJson(wordGates)).steps, 'words');
    assert.equal(JSON.parse(gatesTraceJson(gates)).steps, 'characters');
    const wordFlow: GradientFlowView = { ...flow, tokenKind: 'words', tokens: words.slice(0, T) };
    assert.deepEqual(readCsv(gradientTraceCsv(wordFlow))[0], ['quantity', 'layer', 't', 'word_index', 'word', 'distance', 'value']);
    assert.equal(JSON.parse(gradientTraceJson(wordFlow)).steps, 'words');
    assert.equal(JSON.parse(gradientTraceJson(flow)).steps, 'characters');
  });
});
