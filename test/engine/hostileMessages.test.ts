// Error messages describe a bad value without serialising it whole: a deeply nested JSON value (which
// JSON.stringify cannot write without overflowing the stack) or a megabyte string gives a short one-line message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineInputError } from '../../src/engine/errors';
import { parseDiscreteHmm } from '../../src/engine/hmm/modelJson';
import { previewJson } from '../../src/engine/preview';
import { decodeSafetensors } from '../../src/engine/safetensors';

const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

function oneLineError(f: () => unknown, expected: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof EngineInputError, `an EngineInputError, not ${String(e)}`);
    assert.doesNotMatch(e.message, /\n/);
    assert.ok(e.message.length < 400, `short: ${e.message.length} characters`);
    assert.match(e.message, expected);
    return true;
  });
}

test('HMM model JSON with a state name nested 100,000 lists deep: a one-line message', () => {
  const text = `{"states": ["a", ${deep(100_000)}], "symbols": ["x"], "start": [1, 0], "transition": [[1,0],[0,1]], "emission": [[1],[1]]}`;
  oneLineError(() => parseDiscreteHmm(text), /state 2 in "states" is \[\[\[\[.*…, not a non-empty name/);
  oneLineError(() => parseDiscreteHmm(`{"states": ["${'s'.repeat(1_000_000)}", 7], "symbols": ["x"]}`), /state 2 in "states" is 7/);
});

test('safetensors whose tensor entry is nested 100,000 deep: a one-line message', () => {
  const header = new TextEncoder().encode(`{"w": {"dtype": "F32", "shape": ${deep(100_000)}, "data_offsets": [0, 0]}}`);
  const bytes = new Uint8Array(8 + header.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  oneLineError(() => decodeSafetensors(bytes), /tensor "w" has the shape \[\[\[.*…, not a list of whole numbers/);
});

test('previewJson: JSON for small values, cut with … at the budget, whatever the depth or size', () => {
  assert.equal(previewJson({ a: [1, 'x\n'] }), '{"a":[1,"x\\n"]}');
  assert.equal(previewJson('\u2028'), '"\\u2028"');
  const long = previewJson('y'.repeat(10_000_000), 20);
  assert.equal(long.length, 20);
  assert.ok(long.endsWith('…'));
  let nested: unknown = 1;
  for (let i = 0; i < 1_000_000; i++) nested = [nested];
  assert.equal(previewJson(nested, 10), '[[[[[[[[[…');
});
