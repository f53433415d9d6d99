// Property-based fuzzing of the safetensors reader (issue 7): whatever the bytes, decodeSafetensors either returns
// a file or throws EngineInputError with a one-line message saying what is wrong; writing then reading is identity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EngineInputError } from '../../src/engine/errors';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '../../src/engine/safetensors';
import { assertUserMessage, fuzzParams, safetensorsWithHeader, smallSafetensors } from '../fixtures/badInputs';

const params = fuzzParams;

/** Decodes, and if it throws, checks the error class and message shape. */
function decodeOrExplain(bytes: Uint8Array): void {
  try {
    decodeSafetensors(bytes);
  } catch (e) {
    if (!(e instanceof EngineInputError)) throw e;
    assertUserMessage(e.message);
    assert.match(e.message, /^This is not a valid safetensors file: .+\.$/);
  }
}

test('random bytes: a file or an EngineInputError, never anything else', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => decodeOrExplain(bytes)), params(3000));
});

test('random bytes after a plausible header length', () => {
  fc.assert(
    fc.property(fc.nat({ max: 80 }), fc.uint8Array({ maxLength: 80 }), (n, rest) => {
      const bytes = new Uint8Array(8 + rest.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(n), true);
      bytes.set(rest, 8);
      decodeOrExplain(bytes);
    }),
    params(2000),
  );
});

test('a valid file truncated at every length is refused with a clear message', () => {
  const file = smallSafetensors();
  for (let length = 0; length < file.length; length++) {
    assert.throws(() => decodeSafetensors(file.subarray(0, length)), (e: Error) => {
      assert.ok(e instanceof EngineInputError, `length ${length}: ${e.name}`);
      assertUserMessage(e.message, `length ${length}`);
      return true;
    });
  }
  assert.equal(decodeSafetensors(file).tensors.length, 2);
});

test('a valid file with one corrupted byte anywhere: a file or an EngineInputError', () => {
  const file = smallSafetensors();
  fc.assert(
    fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
      const bytes = file.slice();
      bytes[at] = value;
      decodeOrExplain(bytes);
    }),
    params(2000),
  );
});

test('corrupted header length (any 64-bit value) is refused without reading past the file', () => {
  const file = smallSafetensors();
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
      const bytes = file.slice();
      new DataView(bytes.buffer).setBigUint64(0, n, true);
      decodeOrExplain(bytes);
    }),
    params(1000),
  );
});

const jsonValue = fc.jsonValue({ maxDepth: 2 });
const corruptEntry = fc.record(
  {
    dtype: fc.oneof(fc.constantFrom('F32', 'F64', 'F16', 'BF16', 'I64', 'U8', 'f32', ''), jsonValue),
    shape: fc.oneof(fc.array(fc.oneof(fc.nat({ max: 4 }), fc.integer(), fc.double(), fc.constant(2 ** 53)), { maxLength: 4 }), jsonValue),
    data_offsets: fc.oneof(
      fc.tuple(fc.nat({ max: 64 }), fc.nat({ max: 64 })),
      fc.array(fc.oneof(fc.integer({ min: -5, max: 2 ** 40 }), fc.double()), { maxLength: 3 }),
      jsonValue,
    ),
  },
  { requiredKeys: [] },
);

test('valid framing with corrupted dtype / shape / data_offsets / metadata entries', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.oneof(corruptEntry, jsonValue), { maxKeys: 3 }),
      fc.option(fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), jsonValue)), jsonValue), { nil: undefined }),
      fc.nat({ max: 64 }),
      (entries, metadata, dataBytes) => {
        const header: Record<string, unknown> = { ...entries };
        if (metadata !== undefined) header.__metadata__ = metadata;
        decodeOrExplain(safetensorsWithHeader(header, dataBytes));
      },
    ),
    params(3000),
  );
});

const tensorArb: fc.Arbitrary<Omit<SafetensorsTensor, 'name'>> = fc
  .tuple(fc.constantFrom('F32' as const, 'F64' as const), fc.array(fc.nat({ max: 4 }), { maxLength: 3 }))
  .chain(([dtype, shape]) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const value = dtype === 'F64' ? fc.double() : fc.float().map((x) => x); // F32 values round-trip exactly
    return fc.array(value, { minLength: count, maxLength: count }).map((values) => ({ dtype, shape, data: Float64Array.from(values) }));
  });

test('round trip: encode → decode is identity for random F32/F64 tensors, names and metadata', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((n) => n !== '__metadata__'), tensorArb, { maxKeys: 4 }),
      fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 12 }), { maxKeys: 3 }),
      (byName, metadata) => {
        const tensors = Object.entries(byName).map(([name, t]) => ({ name, ...t }));
        const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
        const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        assert.deepEqual(
          decoded.tensors.map((t) => ({ ...t, data: [...t.data] })),
          sorted.map((t) => ({ ...t, data: [...t.data] })),
        );
        assert.deepEqual({ ...decoded.metadata }, { ...metadata });
      },
    ),
    params(1000),
  );
});
