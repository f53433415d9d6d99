import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocabulary } from '../../src/engine/vocabulary';
import { EngineInputError } from '../../src/engine/errors';

test('vocabulary is the sorted set of code points; encode/decode round-trip', () => {
  const v = Vocabulary.fromText('hello world');
  assert.deepEqual(v.chars, [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  const ids = v.encode('hello world');
  assert.ok(ids instanceof Int32Array);
  assert.deepEqual([...ids], [3, 2, 4, 4, 5, 0, 7, 5, 6, 4, 1]);
  assert.equal(v.decode(ids), 'hello world');
});

test('an emoji (surrogate pair) and a CJK character are one character each', () => {
  const text = 'a😀b😀漢';
  const v = Vocabulary.fromText(text);
  assert.equal(v.size, 4);
  assert.deepEqual(v.chars, ['a', 'b', '漢', '😀']); // code point order: U+61, U+62, U+6F22, U+1F600
  const ids = v.encode(text);
  assert.equal(ids.length, 5);
  assert.equal(v.decode(ids), text);
});

test('empty and one-character texts are refused with the user-facing messages', () => {
  assert.throws(() => Vocabulary.fromText(''), {
    name: 'EngineInputError',
    message: 'The file is empty: there is nothing to learn from.',
  });
  const one = 'The file has only one character: a model needs at least two to learn which character follows which.';
  assert.throws(() => Vocabulary.fromText('x'), { name: 'EngineInputError', message: one });
  assert.throws(() => Vocabulary.fromText('😀'), { name: 'EngineInputError', message: one });
  assert.equal(Vocabulary.fromText('xx').size, 1);
});

test('a vocabulary over the limit is refused', () => {
  let text = '';
  for (let c = 0x4e00; c < 0x4e00 + 30; c++) text += String.fromCodePoint(c);
  assert.equal(Vocabulary.fromText(text, 30).size, 30);
  assert.throws(
    () => Vocabulary.fromText(text, 29),
    (e: unknown) => e instanceof EngineInputError && /30 different characters, more than the limit of 29/.test(e.message),
  );
});

test('encoding a character outside the vocabulary is an EngineInputError', () => {
  const v = Vocabulary.fromText('abc');
  assert.throws(() => v.encode('abz'), EngineInputError);
});
