// Property-based fuzzing of the HMM file parsers (issue 7): model JSON (discrete and Gaussian), tagged files,
// observation files and numeric series. Whatever the text, a parser returns a value or throws EngineInputError
// with a one-line message naming the place; stringify → parse is identity for models.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EngineInputError } from '../../src/engine/errors';
import { createDiscreteHmm } from '../../src/engine/hmm/discreteHmm';
import { createGaussianHmm } from '../../src/engine/hmm/gaussianHmm';
import { discreteHmmToJson, parseDiscreteHmm, parseHmm, stringifyDiscreteHmm, stringifyGaussianHmm } from '../../src/engine/hmm/modelJson';
import { formatTaggedFile, parseNumericSeries, parseObservations, parseTaggedFile, readObservations } from '../../src/engine/hmm/parsers';
import { assertUserMessage, fuzzParams, goodHmm } from '../fixtures/badInputs';

const params = fuzzParams;

function parseOrExplain(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof EngineInputError)) throw e;
    assertUserMessage(e.message);
  }
}

/** Text made of the characters that matter to these parsers, plus anything. */
const fileText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'X', ' ', '\t', '\n', '\r', '\r\n', ',', '1', '.', '-', 'e', 'N', 'I', '😀', '\u0000', '\u00a0') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 1 }) },
  ),
  maxLength: 60,
});

// ── Model JSON ──────────────────────────────────────────────────────────────────────────────────────────────

const anyNumber = fc.oneof(fc.double(), fc.constantFrom(0, 1, 0.5, -0.5, Number.MAX_VALUE, -0), fc.nat({ max: 3 }));
const name = fc.oneof(fc.constantFrom('A', 'B', 'a b', '', 'x\ny', '"', '__proto__'), fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }));
const row = fc.oneof(fc.array(anyNumber, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), fc.array(fc.jsonValue({ maxDepth: 0 }), { maxLength: 3 }));
const matrix = fc.oneof(fc.array(row, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }));
const modelObject = fc.record(
  {
    states: fc.oneof(fc.array(name, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
    symbols: fc.oneof(fc.array(name, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
    start: row,
    transition: matrix,
    emission: matrix,
    means: matrix,
    variances: matrix,
  },
  { requiredKeys: [] },
);

test('model JSON: random model-like objects parse or are refused with a one-line message', () => {
  fc.assert(
    fc.property(modelObject, (o) => {
      const text = JSON.stringify(o);
      parseOrExplain(() => parseHmm(text));
      parseOrExplain(() => parseDiscreteHmm(text));
    }),
    params(4000),
  );
});

test('model JSON: a good model with one field replaced by a random value', () => {
  const keys = ['states', 'symbols', 'start', 'transition', 'emission'] as const;
  fc.assert(
    fc.property(fc.constantFrom(...keys), fc.oneof(row, matrix, fc.jsonValue({ maxDepth: 2 })), (key, value) => {
      parseOrExplain(() => parseHmm(JSON.stringify({ ...goodHmm(), [key]: value })));
    }),
    params(2000),
  );
});

test('model JSON: random text and truncations of a good model', () => {
  const good = JSON.stringify(goodHmm());
  fc.assert(fc.property(fileText, (text) => parseOrExplain(() => parseHmm(text))), params(1500));
  for (let n = 0; n < good.length; n++) parseOrExplain(() => parseHmm(good.slice(0, n)));
});

/** A stochastic row of `n` entries (sums to 1 within far less than the tolerance). */
const stochastic = (n: number) =>
  fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((w) => {
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / sum);
  });
const distinctNames = (min: number, max: number, noSpace: boolean) =>
  fc.uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 5 }).filter((s) => !noSpace || !/\s/.test(s)), { minLength: min, maxLength: max });

test('round trip: stringifyDiscreteHmm → parseDiscreteHmm is identity', () => {
  const spec = fc
    .tuple(distinctNames(1, 4, false), distinctNames(1, 4, true))
    .chain(([states, symbols]) =>
      fc.record({
        states: fc.constant(states),
        symbols: fc.constant(symbols),
        start: stochastic(states.length),
        transition: fc.array(stochastic(states.length), { minLength: states.length, maxLength: states.length }),
        emission: fc.array(stochastic(symbols.length), { minLength: states.length, maxLength: states.length }),
      }),
    );
  fc.assert(
    fc.property(spec, (s) => {
      const model = createDiscreteHmm(s);
      const again = parseDiscreteHmm(stringifyDiscreteHmm(model));
      assert.deepEqual(discreteHmmToJson(again), discreteHmmToJson(model));
    }),
    params(500),
  );
});

test('round trip: stringifyGaussianHmm → parseHmm is identity', () => {
  const spec = fc
    .tuple(distinctNames(1, 4, false), fc.integer({ min: 1, max: 3 }))
    .chain(([states, d]) => {
      const n = states.length;
      const rowsOf = (x: fc.Arbitrary<number>) => fc.array(fc.array(x, { minLength: d, maxLength: d }), { minLength: n, maxLength: n });
      return fc.record({
        states: fc.constant(states),
        start: stochastic(n),
        transition: fc.array(stochastic(n), { minLength: n, maxLength: n }),
        means: rowsOf(fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x + 0)), // JSON writes -0 as 0
        variances: rowsOf(fc.double({ min: 1e-6, max: 1e6, noNaN: true })),
      });
    });
  fc.assert(
    fc.property(spec, (s) => {
      const model = createGaussianHmm(s);
      const parsed = parseHmm(stringifyGaussianHmm(model));
      assert.equal(parsed.kind, 'gaussian');
      assert.equal(stringifyGaussianHmm(parsed.model as typeof model), stringifyGaussianHmm(model));
      assert.deepEqual([...(parsed.model as typeof model).means], [...model.means]);
      assert.deepEqual([...(parsed.model as typeof model).variances], [...model.variances]);
    }),
    params(500),
  );
});

// ── Data files ──────────────────────────────────────────────────────────────────────────────────────────────

test('tagged files: random text parses or names the line', () => {
  fc.assert(
    fc.property(fileText, (text) => {
      try {
        const sequences = parseTaggedFile(text);
        assert.ok(sequences.length > 0 && sequences.every((s) => s.tokens.length > 0 && s.tokens.length === s.tags.length));
      } catch (e) {
        if (!(e instanceof EngineInputError)) throw e;
        assertUserMessage(e.message);
        assert.match(e.message, /^(Line \d+: |The tagged file has no )/);
      }
    }),
    params(3000),
  );
});

test('round trip: formatTaggedFile → parseTaggedFile is identity', () => {
  const word = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 5 }).filter((w) => w.trim() === w && w !== '' && !/[\t\n\r]/.test(w));
  const sequence = fc.array(fc.tuple(word, word), { minLength: 1, maxLength: 5 }).map((pairs) => ({ tokens: pairs.map((p) => p[0]), tags: pairs.map((p) => p[1]) }));
  fc.assert(
    fc.property(fc.array(sequence, { minLength: 1, maxLength: 4 }), (sequences) => {
      assert.deepEqual(parseTaggedFile(formatTaggedFile(sequences)), sequences);
    }),
    params(1000),
  );
});

test('observation files: random text against random symbol sets parses or names line and position', () => {
  fc.assert(
    fc.property(fileText, fc.uniqueArray(fc.oneof(fc.constantFrom('a', 'b', 'X', '😀', 'ab', 'Xa'), fc.string({ minLength: 1, maxLength: 2 }).filter((s) => !/\s/.test(s))), { minLength: 1, maxLength: 25 }), (text, symbols) => {
      try {
        const ids = parseObservations(text, symbols);
        assert.ok(ids.every((id) => id >= 0 && id < symbols.length));
      } catch (e) {
        if (!(e instanceof EngineInputError)) throw e;
        assertUserMessage(e.message);
        assert.match(e.message, /^(Line \d+, (character|symbol) \d+: |The observation file has no symbols)/);
      }
      for (const split of ['auto', 'chars', 'whitespace'] as const) {
        try {
          const { symbols: found, observations } = readObservations(text, split);
          assert.ok(observations.every((id) => id >= 0 && id < found.length));
          assert.ok(found.every((s) => s !== '' && !/\s/.test(s)));
        } catch (e) {
          if (!(e instanceof EngineInputError)) throw e;
          assertUserMessage(e.message);
        }
      }
    }),
    params(2000),
  );
});

test('numeric series: random text parses to finite numbers or names the line', () => {
  fc.assert(
    fc.property(fileText, fc.integer({ min: 1, max: 3 }), (text, d) => {
      try {
        const values = parseNumericSeries(text, d);
        assert.ok(values.every(Number.isFinite));
        if (d > 1) assert.equal(values.length % d, 0);
      } catch (e) {
        if (!(e instanceof EngineInputError)) throw e;
        assertUserMessage(e.message);
        assert.match(e.message, /^(Line \d+: |The series has no numbers)/);
      }
    }),
    params(3000),
  );
});

test('numeric series: printed finite doubles read back exactly', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 20 }), fc.constantFrom(' ', ',', '\n', ', ', '\r\n'), (xs, sep) => {
      assert.deepEqual([...parseNumericSeries(xs.join(sep))], xs.map((x) => x + 0) /* String(-0) is "0" */);
    }),
    params(1000),
  );
});

test('long single lines (150k–300k items) never overflow the stack in any data parser', () => {
  const unit = fc.constantFrom('H', 'T', 'H ', 'T ', '1 ', '2,', 'a\tb\n');
  fc.assert(
    fc.property(unit, fc.integer({ min: 150_000, max: 300_000 }), (u, repeat) => {
      const text = u.repeat(repeat);
      parseOrExplain(() => readObservations(text));
      parseOrExplain(() => parseObservations(text, ['H', 'T']));
      parseOrExplain(() => parseNumericSeries(text));
      parseOrExplain(() => parseTaggedFile(text));
    }),
    params(12),
  );
});
