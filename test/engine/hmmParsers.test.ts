// Model JSON, tagged files, observation files and numeric series: accepted inputs and the message for each bad case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineInputError } from '../../src/engine/errors';
import { parseDiscreteHmm, stringifyDiscreteHmm, validateDiscreteHmm } from '../../src/engine/hmm/modelJson';
import { parseNumericSeries, parseObservations, parseTaggedFile, readObservations } from '../../src/engine/hmm/parsers';
import { casinoModel } from '../../src/engine/examples/hmm';

const good = () => ({
  states: ['F', 'L'],
  symbols: ['H', 'T'],
  start: [0.5, 0.5],
  transition: [
    [0.9, 0.1],
    [0.2, 0.8],
  ],
  emission: [
    [0.5, 0.5],
    [0.8, 0.2],
  ],
});

function rejects(value: unknown, message: string | RegExp): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  assert.throws(
    () => parseDiscreteHmm(text),
    (e: unknown) => {
      assert.ok(e instanceof EngineInputError, `not an EngineInputError: ${String(e)}`);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

test('a valid model parses, and survives a stringify round trip', () => {
  const m = parseDiscreteHmm(JSON.stringify(good()));
  assert.deepEqual(m.states, ['F', 'L']);
  assert.equal(m.transition[2], 0.2);
  const casino = casinoModel();
  const again = parseDiscreteHmm(stringifyDiscreteHmm(casino));
  assert.deepEqual(again, casino);
  // Within the 1e-6 tolerance is fine.
  const near = good();
  near.emission[1] = [0.8000004, 0.2];
  assert.doesNotThrow(() => parseDiscreteHmm(JSON.stringify(near)));
});

test('each bad model is rejected with a message naming the problem and its place', () => {
  rejects('{"states": [', /^Invalid model: the file is not JSON \(.+\)\.$/);
  rejects('[1, 2]', /must hold one JSON object/);
  rejects({ ...good(), states: undefined }, 'Invalid model: there is no "states" list.');
  rejects({ ...good(), states: [] }, 'Invalid model: "states" is empty: a model needs at least one state.');
  rejects({ ...good(), states: ['F', 'F'] }, 'Invalid model: the state name "F" appears twice in "states" (positions 1 and 2).');
  rejects({ ...good(), symbols: ['H', 7] }, 'Invalid model: symbol 2 in "symbols" is 7, not a non-empty name.');
  rejects({ ...good(), symbols: ['H', 'T', 'H'] }, /the symbol name "H" appears twice in "symbols" \(positions 1 and 3\)/);
  rejects({ ...good(), symbols: ['H', 'T T'] }, /the symbol "T T" contains whitespace/);
  rejects({ ...good(), start: [1] }, 'Invalid model: "start" has 1 entries but there are 2 states.');
  rejects({ ...good(), start: [0.5, 0.4] }, 'Invalid model: "start" sums to 0.9, not 1 (tolerance 0.000001).');
  const t = good();
  t.transition[1] = [0.3, 0.8];
  rejects(t, 'Invalid model: "transition" row 2 ("L") sums to 1.1, not 1 (tolerance 0.000001).');
  const neg = good();
  neg.emission[0] = [1.5, -0.5];
  rejects(neg, 'Invalid model: "emission" row 1 ("F"), entry 2 (symbol "T") is -0.5: probabilities cannot be negative.');
  rejects({ ...good(), transition: [[1, 0]] }, 'Invalid model: "transition" has 1 rows but there are 2 states.');
  rejects({ ...good(), emission: [[1], [1]] }, 'Invalid model: "emission" row 1 ("F") has 1 entries but there are 2 symbols.');
  rejects({ ...good(), emission: undefined }, 'Invalid model: there is no "emission" matrix.');
  const str = good() as { transition: unknown[][] };
  str.transition[0] = ['0.9', 0.1];
  rejects(str, 'Invalid model: "transition" row 1 ("F"), entry 1 (state "F") is "0.9", not a number.');
  // NaN cannot be written in JSON, but a model object built in code can hold it.
  const nan = good();
  nan.start = [NaN, 1];
  assert.throws(() => validateDiscreteHmm(nan), { message: 'Invalid model: "start", entry 1 (state "F") is NaN, not a number.' });
});

test('tagged files: sequences split at blank lines; malformed lines are named', () => {
  const seqs = parseTaggedFile('the\tDET\ndog\tNOUN\n\n  \nit\tPRON\r\nruns\tVERB');
  assert.deepEqual(seqs, [
    { tokens: ['the', 'dog'], tags: ['DET', 'NOUN'] },
    { tokens: ['it', 'runs'], tags: ['PRON', 'VERB'] },
  ]);
  assert.throws(() => parseTaggedFile('the\tDET\ndog\n'), {
    name: 'EngineInputError',
    message: 'Line 2: "dog" has no tag; each line should be token<TAB>tag.',
  });
  assert.throws(() => parseTaggedFile('a\tB\n\nthe\tDET\textra\n'), {
    message: 'Line 3: 3 tab-separated columns, expected 2 (token<TAB>tag).',
  });
  assert.throws(() => parseTaggedFile('a\t \n'), { message: 'Line 1: the tag after the tab is empty.' });
  assert.throws(() => parseTaggedFile('\n\n'), { message: 'The tagged file has no token<TAB>tag lines.' });
});

test('observation files: whitespace-separated, or a plain string when every symbol is one character', () => {
  assert.deepEqual([...parseObservations('H T\nT H', ['H', 'T'])], [0, 1, 1, 0]);
  assert.deepEqual([...parseObservations('HTT\nH\n', ['H', 'T'])], [0, 1, 1, 0]);
  assert.deepEqual([...parseObservations('sun rain\n  rain', ['rain', 'sun'])], [1, 0, 0]);
  assert.throws(() => parseObservations('HT\nTXH', ['H', 'T']), {
    name: 'EngineInputError',
    message: 'Line 2, character 2: "X" is not one of the model\'s symbols (H, T).',
  });
  assert.throws(() => parseObservations('sun rain\nsun snow', ['rain', 'sun']), {
    message: 'Line 2, symbol 2: "snow" is not one of the model\'s symbols (rain, sun).',
  });
  assert.throws(() => parseObservations(' \n', ['H', 'T']), { message: 'The observation file has no symbols.' });
  assert.deepEqual(readObservations('3 1 2\n1'), { symbols: ['1', '2', '3'], observations: Int32Array.from([2, 0, 1, 0]) });
  assert.deepEqual(readObservations('ACG\nTA'), { symbols: ['A', 'C', 'G', 'T'], observations: Int32Array.from([0, 1, 2, 3, 0]) });
  assert.deepEqual(readObservations('ab ba').symbols, ['ab', 'ba']);
});

test('numeric series: numbers split by whitespace or commas; a non-number names its line', () => {
  assert.deepEqual([...parseNumericSeries('1, 2.5\n-3e1\n')], [1, 2.5, -30]);
  assert.throws(() => parseNumericSeries('1\n2\nabc'), { message: 'Line 3: "abc" is not a finite number.' });
});
