// The bad-input corpus of issue 7, for the parsers that exist: each case is generated in memory
// (test/fixtures/badInputs.ts) and asserts the exact message a user reads: what is wrong and where.
// No timing assertions here (speed belongs in bench/); memory is asserted where the issue asks for a bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EngineInputError } from '../../src/engine/errors';
import { parseHmm, validateDiscreteHmm } from '../../src/engine/hmm/modelJson';
import { parseNumericSeries, parseObservations, parseTaggedFile, readObservations } from '../../src/engine/hmm/parsers';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { DEFAULT_MAX_VOCABULARY, Vocabulary } from '../../src/engine/vocabulary';
import { checkTrainingText } from '../../src/shared/textChecks';
import {
  assertUserMessage,
  goodHmm,
  manyDistinctCharacters,
  messageOf,
  safetensorsWithHeader,
  singleLine,
  smallSafetensors,
  taggedCases,
  textCases,
} from '../fixtures/badInputs';

const MB = 1024 * 1024;
const DEFAULT_LIMIT = 20 * MB; // sequenceLab.limits.maxFileSizeMB default

/** The host's verdict message for a text, checked for shape. */
function refusal(text: string, label: string, maxBytes = DEFAULT_LIMIT): string {
  const verdict = checkTrainingText(text, label, maxBytes);
  assert.equal(verdict.ok, false, `${label} should be refused`);
  assertUserMessage(verdict.message ?? '', label);
  return verdict.message ?? '';
}

const engineMessage = (f: () => unknown): string => {
  const m = messageOf(f, EngineInputError);
  assertUserMessage(m, '', /is NaN, not a number|not JSON/.test(m) ? ['NaN'] : []); // a NaN entry, or JSON quoting the file
  return m;
};

// ── Text ─────────────────────────────────────────────────────────────────────────────────────────────────────

test('text: empty, one character, whitespace only, NUL bytes are refused by name', () => {
  assert.equal(refusal(textCases.empty, 'empty.txt'), 'empty.txt is empty: there is nothing to learn from. Open a file with some text in it.');
  assert.equal(refusal(textCases.oneCharacter, 'one.txt'), 'one.txt has a single character: a model needs at least two to predict one from another.');
  assert.equal(refusal(textCases.oneEmoji, 'emoji.txt'), 'emoji.txt has a single character: a model needs at least two to predict one from another.');
  assert.equal(
    refusal(textCases.oneDistinctCharacter, 'aaaa.txt'),
    'aaaa.txt repeats one character ("a") and nothing else: every next character is certain, so a model would learn nothing (its loss falls to 0). Open a file with at least two different characters.',
  );
  assert.match(refusal(textCases.oneDistinctEmoji, 'smiles.txt'), /^smiles\.txt repeats one character \("😀"\) and nothing else/);
  assert.equal(checkTrainingText('ab'.repeat(10) + 'a'.repeat(5000), 'mostly-a.txt', DEFAULT_LIMIT).ok, true, 'two characters are enough');
  assert.equal(
    refusal(textCases.onlyWhitespace, 'blank.txt'),
    'blank.txt is empty apart from whitespace: there is nothing to learn from. Open a file with some text in it.',
  );
  assert.equal(
    refusal(textCases.binaryWithNul, 'archive.zip'),
    'archive.zip looks like a binary file (it contains NUL bytes). Sequence Lab trains on text; open a text file.',
  );
  // The engine's own refusals (the CLI reaches the engine without the host's check).
  assert.equal(engineMessage(() => Vocabulary.fromText(textCases.empty)), 'The file is empty: there is nothing to learn from.');
  assert.equal(
    engineMessage(() => Vocabulary.fromText(textCases.oneEmoji)),
    'The file has only one character: a model needs at least two to learn which character follows which.',
  );
});

test('text: invalid UTF-8 (decoded with U+FFFD) and mixed line endings are accepted as text, losslessly', () => {
  assert.deepEqual(checkTrainingText(textCases.invalidUtf8, 'latin1.txt', DEFAULT_LIMIT), { ok: true });
  const v = Vocabulary.fromText(textCases.invalidUtf8);
  assert.ok(v.chars.includes('\ufffd'), 'each undecodable byte run is one replacement character');
  assert.equal(v.decode(v.encode(textCases.invalidUtf8)), textCases.invalidUtf8);

  assert.deepEqual(checkTrainingText(textCases.mixedLineEndings, 'mixed.txt', DEFAULT_LIMIT), { ok: true });
  const w = Vocabulary.fromText(textCases.mixedLineEndings);
  assert.ok(w.chars.includes('\r') && w.chars.includes('\n'), 'line endings are characters like any other, kept as they are');
  assert.equal(w.decode(w.encode(textCases.mixedLineEndings)), textCases.mixedLineEndings);
});

test('text: tens of thousands of distinct characters (CJK, emoji) are refused naming the count and the limit', () => {
  const text = manyDistinctCharacters(30_000);
  assert.equal([...new Set(text)].length, 30_000);
  assert.deepEqual(checkTrainingText(text, 'cjk.txt', DEFAULT_LIMIT), { ok: true }, 'it is text; the size is fine');
  assert.equal(
    engineMessage(() => Vocabulary.fromText(text)),
    `The file has 30000 different characters, more than the limit of ${DEFAULT_MAX_VOCABULARY}: ` +
      'it does not look like text a character model can learn from (is it a binary file?).',
  );
  // Exactly at the limit is fine; one more is refused.
  assert.equal(Vocabulary.fromText(manyDistinctCharacters(DEFAULT_MAX_VOCABULARY)).size, DEFAULT_MAX_VOCABULARY);
  assert.match(engineMessage(() => Vocabulary.fromText(manyDistinctCharacters(DEFAULT_MAX_VOCABULARY + 1))), /has 10001 different characters, more than the limit of 10000/);
});

test('text: a single 50 MB line is refused under the default 20 MB limit, with both sizes', () => {
  const line = singleLine(50 * MB);
  assert.equal(
    refusal(line, 'one-line.log'),
    'one-line.log is 50.0 MB, over the 20.0 MB limit for training. Raise "sequenceLab.limits.maxFileSizeMB" or train on a smaller file.',
  );
  // Just over the limit still shows two different numbers.
  assert.equal(
    refusal(line.slice(0, DEFAULT_LIMIT + 50 * 1024), 'edge.txt'),
    'edge.txt is 20.05 MB, over the 20.00 MB limit for training. Raise "sequenceLab.limits.maxFileSizeMB" or train on a smaller file.',
  );
  assert.match(refusal(line.slice(0, DEFAULT_LIMIT + 1), 'byte.txt'), /^byte\.txt is 20971521 bytes, over the 20971520-byte limit/);
});

test('text: with a raised limit, the vocabulary of a 50 MB line is built in bounded memory', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const line = singleLine(50 * MB);
  assert.deepEqual(checkTrainingText(line, 'one-line.log', 64 * MB), { ok: true });
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1);
  const v = Vocabulary.fromText(line, DEFAULT_MAX_VOCABULARY);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  assert.equal(v.size, new Set('abcdefghij klmnopqrstuvwxyz. ').size);
  // The text is 50 MB; a copy (split into an array, a code point list) would be 400 MB or more.
  assert.ok(retained < 4 * MB, `retained ${(retained / MB).toFixed(1)} MB`);
  assert.ok(peak - before < 64 * MB, `heap grew by ${((peak - before) / MB).toFixed(1)} MB while building`);
});

// ── Tagged files ─────────────────────────────────────────────────────────────────────────────────────────────

test('tagged files: missing tags, extra columns, empty sequences and empty tags name the line', () => {
  assert.equal(engineMessage(() => parseTaggedFile(taggedCases.missingTag)), 'Line 2: "cat" has no tag; each line should be token<TAB>tag.');
  assert.equal(engineMessage(() => parseTaggedFile(taggedCases.extraColumns)), 'Line 1: 3 tab-separated columns, expected 2 (token<TAB>tag).');
  assert.equal(engineMessage(() => parseTaggedFile(taggedCases.emptySequences)), 'The tagged file has no token<TAB>tag lines.');
  assert.equal(engineMessage(() => parseTaggedFile(taggedCases.emptyTag)), 'Line 1: the tag after the tab is empty.');
  // A long line without a tab is quoted shortened, on one line.
  const long = `${'x'.repeat(100_000)}\ny\tZ`;
  assert.equal(engineMessage(() => parseTaggedFile(long)), `Line 1: "${'x'.repeat(58)}… has no tag; each line should be token<TAB>tag.`);
});

test('tagged files: a tag set of one is a valid (if dull) file', () => {
  const sequences = parseTaggedFile(taggedCases.tagSetOfOne);
  assert.deepEqual(sequences, [
    { tokens: ['a', 'b'], tags: ['X', 'X'] },
    { tokens: ['c'], tags: ['X'] },
  ]);
});

// ── Observation files and numeric series ─────────────────────────────────────────────────────────────────

test('observation files: an unknown symbol names line and position; a million-symbol single line reads', () => {
  assert.equal(engineMessage(() => parseObservations('HT\nTX', ['H', 'T'])), 'Line 2, character 2: "X" is not one of the model\'s symbols (H, T).');
  assert.equal(engineMessage(() => parseObservations(' \n\r\n', ['H', 'T'])), 'The observation file has no symbols.');
  assert.equal(engineMessage(() => readObservations('\n \n')), 'The observation file has no symbols.');
  // Regression: readObservations spread each line into push(...), a RangeError (call stack) past ~100k symbols.
  const line = 'HT'.repeat(500_000);
  assert.deepEqual(readObservations(line).symbols, ['H', 'T']);
  assert.equal(readObservations(line).observations.length, 1_000_000);
  assert.equal(readObservations('H T '.repeat(300_000)).observations.length, 600_000);
  assert.equal(parseObservations(line, ['H', 'T']).length, 1_000_000);
});

test('numeric series: header only, NaN/Inf and text cells, ragged rows name the line', () => {
  assert.equal(engineMessage(() => parseNumericSeries('x,y\n')), 'Line 1: "x" is not a finite number.');
  assert.equal(engineMessage(() => parseNumericSeries('1,2\n3,NaN\n', 2)), 'Line 2: "NaN" is not a finite number.');
  assert.equal(engineMessage(() => parseNumericSeries('1,2\n3,Infinity\n', 2)), 'Line 2: "Infinity" is not a finite number.');
  assert.equal(engineMessage(() => parseNumericSeries('1 2 3 abc\n')), 'Line 1: "abc" is not a finite number.');
  assert.equal(engineMessage(() => parseNumericSeries('1,2\n3\n4,5\n', 2)), 'Line 2: 1 numbers, expected 2 (one observation per line).');
  assert.equal(engineMessage(() => parseNumericSeries(' \n\n')), 'The series has no numbers.');
  assert.deepEqual([...parseNumericSeries('1,,2\r\n3\n')], [1, 2, 3], 'empty cells between commas are skipped in a 1-D series');
  assert.equal(engineMessage(() => parseNumericSeries(`${'7 '.repeat(10)}${'z'.repeat(10_000)}`)), `Line 1: "${'z'.repeat(58)}… is not a finite number.`);
});

// ── HMM JSON ─────────────────────────────────────────────────────────────────────────────────────────────────

test('HMM JSON: rows not summing to 1, negative, NaN and infinite entries, mismatched sizes', () => {
  const g = goodHmm();
  const cases: [unknown, string][] = [
    [{ ...g, transition: [[0.7, 0.2], [0.4, 0.6]] }, 'Invalid model: "transition" row 1 ("Rain") sums to 0.9, not 1 (tolerance 0.000001).'],
    [{ ...g, start: [0.5, 0.6] }, 'Invalid model: "start" sums to 1.1, not 1 (tolerance 0.000001).'],
    [
      { ...g, emission: [[0.1, 0.4, 0.5], [0.6, -0.3, 0.7]] },
      'Invalid model: "emission" row 2 ("Sun"), entry 2 (symbol "shop") is -0.3: probabilities cannot be negative.',
    ],
    [{ ...g, start: [NaN, 1] }, 'Invalid model: "start", entry 1 (state "Rain") is NaN, not a number.'],
    [{ ...g, start: ['0.6', 0.4] }, 'Invalid model: "start", entry 1 (state "Rain") is "0.6", not a number.'],
    [{ ...g, emission: [[0.1, 0.4, 0.5]] }, 'Invalid model: "emission" has 1 rows but there are 2 states.'],
    [{ ...g, emission: [[0.5, 0.5], [0.5, 0.5]] }, 'Invalid model: "emission" row 1 ("Rain") has 2 entries but there are 3 symbols.'],
    [{ ...g, start: [1] }, 'Invalid model: "start" has 1 entries but there are 2 states.'],
    [{ ...g, states: ['Rain', 'Rain'] }, 'Invalid model: the state name "Rain" appears twice in "states" (positions 1 and 2).'],
    [{ ...g, states: ['Rain\nfall', 'Sun'], start: [2, -1] }, 'Invalid model: "start", entry 2 (state "Sun") is -1: probabilities cannot be negative.'],
    [{ ...g, states: ['Rain\nfall', 'Sun'], start: [0.5, 0.6] }, 'Invalid model: "start" sums to 1.1, not 1 (tolerance 0.000001).'],
    [{ ...g, states: ['Rain\nfall', 'Sun'], transition: [[1, 1], [0.5, 0.5]] }, 'Invalid model: "transition" row 1 ("Rain\\nfall") sums to 2, not 1 (tolerance 0.000001).'],
  ];
  for (const [model, expected] of cases) assert.equal(engineMessage(() => validateDiscreteHmm(model)), expected);
  // Written in a file: 1e400 reads as Infinity; NaN is not JSON at all.
  const text = JSON.stringify(g);
  assert.equal(engineMessage(() => parseHmm(text.replace('0.6,0.4', '1e400,0.4'))), 'Invalid model: "start", entry 1 (state "Rain") is Infinity, not a finite number.');
  assert.match(engineMessage(() => parseHmm(text.replace('0.6,0.4', 'NaN,0.4'))), /^Invalid model: the file is not JSON \(Unexpected token 'N'.*\)\.$/);
  assert.match(engineMessage(() => parseHmm('{\n"states": [\n')), /^Invalid model: the file is not JSON \(.+\)\.$/);
});

// ── Safetensors ──────────────────────────────────────────────────────────────────────────────────────────────

test('safetensors: truncated, header longer than the file, offsets outside, wrong dtype, missing fields', () => {
  const file = smallSafetensors();
  const ok = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const st = (why: string) => `This is not a valid safetensors file: ${why}.`;
  const cases: [Uint8Array, string][] = [
    [file.subarray(0, 5), st('it has 5 bytes, fewer than the 8 of the header length')],
    [file.subarray(0, file.length - 3), st('tensor "weight" has data_offsets [12, 44] outside the 41 bytes of data')],
    [file.subarray(0, 20), st(`the header length ${new DataView(file.buffer).getUint32(0, true)} goes beyond the end of the file (20 bytes)`)],
    [safetensorsWithHeader({ a: ok }, 8, 4096n), st('the header length 4096 goes beyond the end of the file (72 bytes)')],
    [safetensorsWithHeader({ a: { ...ok, data_offsets: [8, 16] } }, 8), st('tensor "a" has data_offsets [8, 16] outside the 8 bytes of data')],
    [safetensorsWithHeader({ a: { ...ok, dtype: 'I64' } }, 8), st('tensor "a" has the dtype "I64"; only F32 and F64 are supported')],
    [safetensorsWithHeader({ a: { shape: [2], data_offsets: [0, 8] } }, 8), st('tensor "a" has no "dtype"; only F32 and F64 are supported')],
    [safetensorsWithHeader({ a: { dtype: 'F32', data_offsets: [0, 8] } }, 8), st('tensor "a" has no "shape"')],
    [safetensorsWithHeader({ a: { dtype: 'F32', shape: [2] } }, 8), st('tensor "a" has no "data_offsets"')],
    [safetensorsWithHeader({ 'line\nbreak': 3 }, 8), st('tensor "line\\nbreak" is not described by a JSON object (it is 3)')],
    [safetensorsWithHeader({ a: { ...ok, shape: [2 ** 40, 2 ** 40] } }, 8), st('tensor "a" has the shape [1099511627776,1099511627776], more than 2^53 values')],
    [safetensorsWithHeader({ __metadata__: { 'k\n': 1 }, a: ok }, 8), st('__metadata__.k\\u000a is not a string (it is 1)')],
    [safetensorsWithHeader('{"a":\n\n', 8), st('the header is not UTF-8 JSON (Unexpected end of JSON input)')],
  ];
  for (const [bytes, expected] of cases) assert.equal(engineMessage(() => decodeSafetensors(bytes)), expected);
});

test('safetensors: a 1 GB declared tensor is refused without allocating it', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const header = { big: { dtype: 'F32', shape: [16384, 16384], data_offsets: [0, 1024 * MB] } };
  const bytes = safetensorsWithHeader(header, 16);
  gc();
  const before = process.memoryUsage();
  const message = engineMessage(() => decodeSafetensors(bytes));
  const after = process.memoryUsage();
  assert.equal(message, 'This is not a valid safetensors file: tensor "big" has data_offsets [0, 1073741824] outside the 16 bytes of data.');
  assert.ok(after.arrayBuffers - before.arrayBuffers < MB && after.heapUsed - before.heapUsed < 16 * MB, 'nothing of the declared size was allocated');
  // The same with a header length that claims the whole 1 GB.
  const claim = safetensorsWithHeader(header, 16, 1024n * 1024n * 1024n);
  assert.match(engineMessage(() => decodeSafetensors(claim)), /^This is not a valid safetensors file: the header length 1073741824 goes beyond the end of the file \(\d+ bytes\)\.$/);
});
