// The host's safetensors header reader (Open PyTorch Model…): what model a file holds, from Sequence Lab's metadata
// or from PyTorch's tensor names and shapes, and a one-line message for every broken file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeModel } from '../../src/engine/modelFile';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { decodeSafetensors, encodeSafetensors, layoutToSafetensors } from '../../src/engine/safetensors';
import {
  characterVocabulary,
  describeModel,
  readSafetensorsHeader,
  SafetensorsHeaderError,
  vocabularyMismatch,
} from '../../src/shared/safetensorsHeader';
import { assertUserMessage, fuzzParams, safetensorsWithHeader, smallSafetensors } from '../fixtures/badInputs';

function stack(cell: 'rnn_tanh' | 'gru' | 'lstm', layers: number, hiddenSize: number, vocab: number): RecurrentStack {
  return new RecurrentStack({ cell, inputSize: vocab, hiddenSize, layers, bidirectional: false, outputSize: vocab, maxSteps: 1 });
}

/** A model file as PyTorch's save_file(model.state_dict()) writes it: tensors only, no Sequence Lab metadata. */
function bareModel(s: RecurrentStack): Uint8Array {
  return encodeSafetensors(layoutToSafetensors(s.params, s.tensors, 'F32'), { format: 'pt' });
}

function headerMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof SafetensorsHeaderError, `expected SafetensorsHeaderError, got ${(e as Error).name}: ${(e as Error).message}`);
    assertUserMessage(e.message);
    return e.message;
  }
  assert.fail('expected an error');
}

test('the header lists the same tensors and metadata as the full reader', () => {
  const file = encodeModel(stack('lstm', 2, 5, 7), {
    format: 'sequence-lab/1', task: 'lm', model: { cell: 'lstm', layers: 2, hiddenSize: 5, bidirectional: false },
    inputSize: 7, outputSize: 7, tokens: 'chars', vocabulary: [...'abcdefg'],
  });
  const header = readSafetensorsHeader(file);
  const full = decodeSafetensors(file);
  assert.deepEqual(
    header.tensors.map((t) => [t.name, t.shape]).sort(),
    full.tensors.map((t) => [t.name, t.shape]).sort(),
  );
  assert.deepEqual(header.metadata, full.metadata);
  assert.deepEqual(describeModel(header), { cell: 'lstm', layers: 2, hiddenSize: 5, vocabSize: 7, vocabulary: [...'abcdefg'] });
});

test('a model trained elsewhere: the cell, layers and sizes come from the tensor shapes', () => {
  const cases = [
    ['rnn_tanh', 'rnn'],
    ['gru', 'gru'],
    ['lstm', 'lstm'],
  ] as const;
  for (const [cell, kind] of cases) {
    for (const layers of [1, 3]) {
      const d = describeModel(readSafetensorsHeader(bareModel(stack(cell, layers, 6, 11))));
      assert.deepEqual(d, { cell: kind, layers, hiddenSize: 6, vocabSize: 11 }, `${cell} × ${layers}`);
    }
  }
});

test('files that are not a character model say why in one line', () => {
  assert.match(headerMessage(() => describeModel(readSafetensorsHeader(smallSafetensors()))), /no tensor rnn\.weight_hh_l0/);
  const bi = new RecurrentStack({ cell: 'gru', inputSize: 4, hiddenSize: 3, layers: 1, bidirectional: true, outputSize: 4, maxSteps: 1 });
  assert.match(headerMessage(() => describeModel(readSafetensorsHeader(bareModel(bi)))), /bidirectional/);
  const odd = safetensorsWithHeader({
    'rnn.weight_hh_l0': { dtype: 'F32', shape: [10, 5], data_offsets: [0, 0] },
    'head.weight': { dtype: 'F32', shape: [4, 5], data_offsets: [0, 0] },
  });
  assert.match(headerMessage(() => describeModel(readSafetensorsHeader(odd))), /\[10, 5\].*H, 3H or 4H rows/);
  const lying = encodeModel(stack('rnn_tanh', 1, 3, 4), {
    format: 'sequence-lab/1', task: 'lm', model: { cell: 'rnn', layers: 1, hiddenSize: 3, bidirectional: false },
    inputSize: 4, outputSize: 4, tokens: 'chars', vocabulary: ['a', 'b'],
  });
  assert.match(headerMessage(() => describeModel(readSafetensorsHeader(lying))), /lists 2 vocabulary entries for an input size of 4/);
  const consistentLie = encodeModel(stack('rnn_tanh', 1, 3, 4), {
    format: 'sequence-lab/1', task: 'lm', model: { cell: 'rnn', layers: 1, hiddenSize: 3, bidirectional: false },
    inputSize: 2, outputSize: 2, tokens: 'chars', vocabulary: ['a', 'b'],
  });
  assert.match(headerMessage(() => describeModel(readSafetensorsHeader(consistentLie))), /lists 2 characters but head\.weight has 4 rows/);
});

test('broken files: truncated, header length beyond the file, bad JSON', () => {
  assert.match(headerMessage(() => readSafetensorsHeader(new Uint8Array(5))), /fewer than the 8/);
  assert.match(headerMessage(() => readSafetensorsHeader(safetensorsWithHeader({}, 0, 1000n))), /header length 1000 goes beyond the end of the file/);
  assert.match(headerMessage(() => readSafetensorsHeader(safetensorsWithHeader('{"a": '))), /not UTF-8 JSON/);
  assert.match(headerMessage(() => readSafetensorsHeader(safetensorsWithHeader('[1,2]'))), /not a JSON object/);
  const file = bareModel(stack('gru', 1, 4, 5));
  // Cut inside the data: the header is whole but promises bytes the file does not have.
  assert.match(headerMessage(() => readSafetensorsHeader(file.subarray(0, file.length - 4))), /outside the .* bytes of data/);
  for (let length = 0; length < 40; length++) headerMessage(() => readSafetensorsHeader(file.subarray(0, length)));
});

test('fuzz: any bytes give a header or a one-line SafetensorsHeaderError', () => {
  const explain = (bytes: Uint8Array) => {
    try {
      describeModel(readSafetensorsHeader(bytes));
    } catch (e) {
      if (!(e instanceof SafetensorsHeaderError)) throw e;
      assertUserMessage(e.message);
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), explain), fuzzParams(2000));
  const file = bareModel(stack('lstm', 2, 3, 4));
  fc.assert(
    fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
      const bytes = file.slice();
      bytes[at] = value;
      explain(bytes);
    }),
    fuzzParams(2000),
  );
  fc.assert(fc.property(fc.jsonValue(), (header) => explain(safetensorsWithHeader(header, 16))), fuzzParams(1000));
});

test('the character vocabulary is the distinct code points in order, as the worker builds it', () => {
  assert.deepEqual(characterVocabulary('banana 😀!'), [' ', '!', 'a', 'b', 'n', '😀']);
});

test('the active file must use exactly the model\'s characters, or as many as head.weight has rows', () => {
  const described = { cell: 'gru' as const, layers: 1, hiddenSize: 4, vocabSize: 4 };
  assert.equal(vocabularyMismatch({ ...described, vocabulary: ['a', 'b', 'c', 'd'] }, 'abcdcba', 'x.txt'), undefined);
  const unseen = vocabularyMismatch({ ...described, vocabulary: ['a', 'b', 'c', 'd'] }, 'abcz!', 'x.txt')!;
  assertUserMessage(unseen);
  assert.match(unseen, /x\.txt has 2 characters the model never saw \("!", "z"\)/);
  assert.match(vocabularyMismatch({ ...described, vocabulary: ['a', 'b', 'c', 'd'] }, 'ab', 'x.txt')!, /knows 4 characters but x\.txt uses 2/);
  // Trained elsewhere: only the count can be checked.
  assert.equal(vocabularyMismatch(described, 'wxyz', 'x.txt'), undefined);
  assert.match(vocabularyMismatch(described, 'hello world', 'x.txt')!, /predicts 4 characters \(rows of head\.weight\) but x\.txt has 8 distinct characters/);
});

test('files written by PyTorch: a char LSTM is recognised, a bidirectional GRU with embedding is refused in words', () => {
  const lstm = readSafetensorsHeader(readFileSync(new URL('./fixtures/torch_char_lstm.safetensors', import.meta.url)));
  const text = readFileSync(new URL('./fixtures/torch_char_lstm.txt', import.meta.url), 'utf8');
  const described = describeModel(lstm);
  assert.deepEqual(described, { cell: 'lstm', layers: 2, hiddenSize: 8, vocabSize: 13 });
  assert.equal(vocabularyMismatch(described, text, 'torch_char_lstm.txt'), undefined);
  const gru = readSafetensorsHeader(readFileSync(new URL('../engine/fixtures/stack_f32.safetensors', import.meta.url)));
  assert.match(headerMessage(() => describeModel(gru)), /bidirectional/);
});

test("the host parses at most 1 MB of header (Open PyTorch Model…): a 20 MB header is refused before JSON.parse, at once", () => {
  const padded = new TextEncoder().encode(`{"__metadata__": {"pad": "${'x'.repeat(20_000_000)}"}}`);
  const bytes = new Uint8Array(8 + padded.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded.length), true);
  bytes.set(padded, 8);
  // "Before JSON.parse": the refusal comes from the length field alone, so the 20 MB are never decoded or parsed.
  const parse = JSON.parse;
  let parsed = 0;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => (parsed++, parse(...args))) as typeof JSON.parse;
  try {
    assert.match(headerMessage(() => readSafetensorsHeader(bytes)), /the header length 200000\d\d is above the limit of 1000000 bytes/);
  } finally {
    JSON.parse = parse;
  }
  assert.equal(parsed, 0, 'JSON.parse never ran on the header');
});

test('a description whose sizes are out of range, or whose nonlinearity is not a word of the set, is refused in one line', () => {
  const lstm = new RecurrentStack({ cell: 'lstm', inputSize: 2, hiddenSize: 3, layers: 1, bidirectional: false, outputSize: 2, maxSteps: 1 });
  const base = { format: 'sequence-lab/1' as const, task: 'lm' as const, inputSize: 2, outputSize: 2, tokens: 'chars' as const, vocabulary: ['a', 'b'] };
  const withModel = (model: Record<string, unknown>) => encodeModel(lstm, { ...base, model: model as never });
  assert.match(headerMessage(() => describeModel(readSafetensorsHeader(withModel({ cell: 'lstm', layers: 1, hiddenSize: 3, bidirectional: false, nonlinearity: 'tanh"); import os' })))), /nonlinearity the text "tanh\\"\); import os"; it must be tanh, relu/);
  assert.match(headerMessage(() => describeModel(readSafetensorsHeader(withModel({ cell: 'lstm', layers: 1, hiddenSize: 1e6, bidirectional: false })))), /model\.hiddenSize 1000000; it must be a whole number from 1 to 1024/);
  assert.match(headerMessage(() => describeModel(readSafetensorsHeader(withModel({ cell: 'lstm', layers: 2, hiddenSize: 3, bidirectional: false })))), /says LSTM, 2 layer\(s\), H=3, but the tensors hold LSTM, 1 layer\(s\), H=3/);
});
