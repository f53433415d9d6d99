// Property-based fuzzing of the character vocabulary (issue 7): fromText refuses only with EngineInputError and a
// one-line message, and encode → decode is identity for any string: BMP, astral (emoji) and lone surrogates.
//
// Lone surrogates (a UTF-16 half without its partner, e.g. from a truncated string) are kept, not replaced: string
// iteration yields such a half as one "code point" of its own (U+D800–U+DFFF), so it becomes one vocabulary entry
// and decodes back to the same half. Text never silently changes between the file and the model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EngineInputError } from '../../src/engine/errors';
import { Vocabulary } from '../../src/engine/vocabulary';
import { assertUserMessage, fuzzParams } from '../fixtures/badInputs';

const params = fuzzParams;

/** Any UTF-16 string, weighted towards the awkward parts: surrogate halves, astral characters, controls. */
const anyText = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), // any code point, astral included
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), // a lone surrogate half
    fc.constantFrom('😀', '👩‍💻', '漢', 'e\u0301', '\u0000', '\r\n', ' '),
  ),
  maxLength: 40,
});

test('fromText: a vocabulary or an EngineInputError with a one-line message', () => {
  fc.assert(
    fc.property(anyText, fc.integer({ min: 1, max: 20 }), (text, limit) => {
      try {
        const v = Vocabulary.fromText(text, limit);
        assert.ok(v.size >= 1 && v.size <= limit);
        assert.deepEqual([...v.chars], [...v.chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
      } catch (e) {
        if (!(e instanceof EngineInputError)) throw e;
        assertUserMessage(e.message);
        if ([...text].length >= 2) assert.match(e.message, new RegExp(`has \\d+ different characters, more than the limit of ${limit}`));
      }
    }),
    params(3000),
  );
});

test('round trip: encode → decode is identity for any string, lone surrogates included', () => {
  fc.assert(
    fc.property(anyText.filter((t) => [...t].length >= 2), (text) => {
      const v = Vocabulary.fromText(text, 1_000_000);
      const ids = v.encode(text);
      assert.equal(ids.length, [...text].length, 'one id per code point');
      assert.equal(v.decode(ids), text);
      for (const ch of v.chars) assert.equal(v.idOfChar(ch), v.chars.indexOf(ch));
    }),
    params(3000),
  );
});

test('lone surrogates are one character each and survive the round trip', () => {
  const text = 'a\ud800b\udfffa\ud83d'; // high, low, and a high half at the end
  const v = Vocabulary.fromText(text);
  assert.deepEqual([...v.chars], ['a', 'b', '\ud800', '\ud83d', '\udfff']);
  assert.equal(v.decode(v.encode(text)), text);
  // A pair is one astral character, not two halves.
  assert.equal(Vocabulary.fromText('\ud83d\ude00x').size, 2);
});

test('encode of a character outside the vocabulary names it, escaped, on one line', () => {
  const v = Vocabulary.fromText('ab');
  fc.assert(
    fc.property(anyText.filter((t) => [...t].some((c) => c !== 'a' && c !== 'b')), (text) => {
      assert.throws(() => v.encode(text), (e: Error) => {
        assert.ok(e instanceof EngineInputError);
        assertUserMessage(e.message);
        assert.match(e.message, /^The character ".+" does not occur in the training text\.$/);
        return true;
      });
    }),
    params(1000),
  );
});
