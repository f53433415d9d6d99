// The example generators: deterministic by seed, in the formats the parsers read, and close to their models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { casinoExample, cpgExample, posExample, regimeExample } from '../../src/engine/examples/hmm';
import { parseNumericSeries, parseObservations, parseTaggedFile } from '../../src/engine/hmm/parsers';
import { viterbiPath } from '../../src/engine/hmm/discreteHmm';

test('same seed, same data; another seed, other data', () => {
  assert.deepEqual(casinoExample(500, 1), casinoExample(500, 1));
  assert.notEqual(casinoExample(500, 1).symbols, casinoExample(500, 2).symbols);
  assert.equal(cpgExample(800, 3).symbols, cpgExample(800, 3).symbols);
  assert.equal(posExample(20, 4).text, posExample(20, 4).text);
  assert.notEqual(posExample(20, 4).text, posExample(20, 5).text);
  assert.equal(regimeExample(100, 6).text, regimeExample(100, 6).text);
});

test('the examples parse, and Viterbi on the true model recovers most true states', () => {
  for (const example of [casinoExample(5000, 8), cpgExample(20000, 9)]) {
    assert.equal(example.symbols.length, example.states.length);
    const obs = parseObservations(example.symbols, example.model.symbols);
    const path = viterbiPath(example.model, obs).path;
    let right = 0;
    path.forEach((i, t) => (right += example.model.states[i] === example.states[t] ? 1 : 0));
    assert.ok(right / path.length > 0.75, `${example.model.states.join('/')}: ${right / path.length}`);
  }
  const pos = posExample(30, 10);
  assert.deepEqual(parseTaggedFile(pos.text), pos.sentences);
  assert.ok(pos.sentences.every((s) => s.tokens.length >= 2 && s.tokens.length === s.tags.length));
  const regimes = regimeExample(300, 11);
  assert.equal(parseNumericSeries(regimes.text).length, 300);
  assert.equal(regimes.states.length, 300);
});
