// safetensors: round trip, layout, validation of broken files, and the golden files written from a torch state_dict
// by fixtures/make_safetensors_golden.py (loaded by name into a RecurrentStack that must then reproduce torch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EngineInputError } from '../../src/engine/errors';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack, type RecurrentStackConfig } from '../../src/engine/recurrentStack';
import {
  decodeSafetensors, encodeSafetensors, layoutToSafetensors, loadIntoLayout, type SafetensorsTensor,
} from '../../src/engine/safetensors';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** A file with the given header text (or object) and data bytes; headerLength overrides the stored length. */
function rawFile(header: string | object, data: number[] = [], headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

test('round trip: F64 exactly, F32 rounded to float32, scalars and empty tensors, metadata; names sorted, header aligned', () => {
  const tensors: SafetensorsTensor[] = [
    { name: 'z.weight', dtype: 'F64', shape: [2, 3], data: Float64Array.from([1, -2.5, Math.PI, 1e-300, -0, 7]) },
    { name: 'a.bias', dtype: 'F32', shape: [3], data: Float64Array.from([0.1, -1e30, 3]) },
    { name: 'scalar', dtype: 'F64', shape: [], data: Float64Array.from([42]) },
    { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float64Array(0) },
  ];
  const bytes = encodeSafetensors(tensors, { format: 'pt', note: 'ünïcödé' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  assert.equal(bytes.length, 8 + n + 6 * 8 + 3 * 4 + 8);
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, { format: 'pt', note: 'ünïcödé' });
  assert.deepEqual(back.tensors.map((t) => t.name), ['a.bias', 'empty', 'scalar', 'z.weight']);
  const byName = new Map(back.tensors.map((t) => [t.name, t]));
  assert.deepEqual(byName.get('z.weight'), tensors[0]);
  assert.deepEqual(byName.get('a.bias')!.data, Float64Array.from([0.1, -1e30, 3].map(Math.fround)));
  assert.deepEqual(byName.get('scalar')!.shape, []);
  assert.deepEqual(byName.get('empty')!.shape, [0, 4]);
  assert.ok(Object.is(byName.get('z.weight')!.data[4], -0));
});

test('a RecurrentStack exports and re-imports its parameters by name', () => {
  const config: RecurrentStackConfig = { cell: 'lstm', inputSize: 4, hiddenSize: 3, layers: 2, bidirectional: true, outputSize: 4, embedding: 2, maxSteps: 5 };
  const a = new RecurrentStack(config, new Prng(8));
  const b = new RecurrentStack(config);
  const file = decodeSafetensors(encodeSafetensors(layoutToSafetensors(a.params, a.tensors, 'F64')));
  assert.deepEqual(file.tensors.find((t) => t.name === 'rnn.bias_hh_l1_reverse')!.shape, [12]);
  assert.deepEqual(file.tensors.find((t) => t.name === 'head.weight')!.shape, [4, 6]);
  assert.deepEqual(loadIntoLayout(file, b.params, b.tensors), []);
  assert.deepEqual(b.params, a.params);
});

test('loadIntoLayout names a missing tensor and a shape that does not fit, and returns unused names', () => {
  const stack = new RecurrentStack({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 2, layers: 1, bidirectional: false, outputSize: 2, maxSteps: 2 });
  const tensors = layoutToSafetensors(stack.params, stack.tensors, 'F32');
  const extra = { name: 'other', dtype: 'F32' as const, shape: [1], data: Float64Array.from([1]) };
  assert.deepEqual(loadIntoLayout(decodeSafetensors(encodeSafetensors([...tensors, extra])), stack.params, stack.tensors), ['other']);
  const missing = decodeSafetensors(encodeSafetensors(tensors.filter((t) => t.name !== 'head.bias')));
  assert.throws(() => loadIntoLayout(missing, stack.params, stack.tensors), (e: unknown) => e instanceof EngineInputError && /no tensor named "head.bias"/.test(e.message));
  const wrong = tensors.map((t) => (t.name === 'rnn.weight_hh_l0' ? { ...t, shape: [4] } : t));
  assert.throws(() => loadIntoLayout(decodeSafetensors(encodeSafetensors(wrong)), stack.params, stack.tensors), /"rnn.weight_hh_l0" .* shape \[4\], but the model needs \[2, 2\]/);
});

test('broken files throw EngineInputError with a message saying what is wrong', () => {
  const ok = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const eight = [0, 0, 128, 63, 0, 0, 0, 64];
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array(5), /fewer than the 8 of the header length/],
    ['header beyond file', rawFile({ a: ok }, eight, 1000), /header length 1000 goes beyond the end of the file/],
    ['huge header length', (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true); return b; })(), /goes beyond the end/],
    ['not JSON', rawFile('{"a": ', eight), /header is not UTF-8 JSON/],
    ['not UTF-8', rawFile('{"ab":1}', eight).map((x, i) => (i === 10 ? 0xff : x)), /not UTF-8 JSON/], // byte 10 is the "a"
    ['JSON array', rawFile('[1, 2]', eight), /header is not a JSON object/],
    ['JSON null', rawFile('null', eight), /header is not a JSON object/],
    ['entry not an object', rawFile({ a: 3 }, eight), /tensor "a" is not described by a JSON object/],
    ['unknown dtype', rawFile({ a: { ...ok, dtype: 'F16' } }, eight), /tensor "a" has the dtype "F16"; only F32 and F64/],
    ['bad shape', rawFile({ a: { ...ok, shape: [2, -1] } }, eight), /tensor "a" has the shape \[2,-1\]/],
    ['bad offsets', rawFile({ a: { ...ok, data_offsets: [0] } }, eight), /data_offsets \[0\], not \[start, end\]/],
    ['offsets outside', rawFile({ a: { ...ok, data_offsets: [4, 12] } }, eight), /data_offsets \[4, 12\] outside the 8 bytes of data/],
    ['end before start', rawFile({ a: { ...ok, data_offsets: [8, 0] } }, eight), /data_offsets \[8, 0\] outside/],
    ['size mismatch', rawFile({ a: { ...ok, shape: [3] } }, eight), /tensor "a" has 8 bytes of data, but shape \[3\] of F32 needs 12/],
    ['overlap', rawFile({ a: { ...ok, shape: [1], data_offsets: [0, 4] }, b: { ...ok, data_offsets: [2, 10] } }, [...eight, 0, 0]), /"a" \[0, 4\) and "b" \[2, 10\) overlap/],
    ['metadata not strings', rawFile({ __metadata__: { n: 1 }, a: ok }, eight), /__metadata__.n is not a string/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(() => decodeSafetensors(bytes), (e: unknown) => e instanceof EngineInputError && message.test(e.message), what);
  }
  // The same header with valid data decodes (the cases above fail for their own reason only).
  assert.deepEqual(decodeSafetensors(rawFile({ a: ok }, eight)).tensors[0].data, Float64Array.from([1, 2]));
});

interface SafetensorsGolden {
  config: Omit<RecurrentStackConfig, 'maxSteps'>;
  metadata: Record<string, string>;
  ids: number[];
  h0: number[];
  outputs: number[];
  hN: number[];
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/safetensors_golden.json', import.meta.url), 'utf8')) as SafetensorsGolden;

for (const dtype of ['F64', 'F32'] as const) {
  test(`reads torch's state_dict (${dtype}, written by fixtures/make_safetensors_golden.py) into a RecurrentStack by name`, () => {
    const bytes = fixture(`stack_${dtype.toLowerCase()}.safetensors`);
    const file = decodeSafetensors(bytes);
    assert.deepEqual(file.metadata, golden.metadata);
    assert.ok(file.tensors.every((t) => t.dtype === dtype));
    const stack = new RecurrentStack({ ...golden.config, maxSteps: golden.ids.length });
    assert.deepEqual(loadIntoLayout(file, stack.params, stack.tensors), []);
    const o = stack.forward({ ids: Int32Array.from(golden.ids) }, Float64Array.from(golden.h0));
    // F64: torch's own outputs to 1e-12; F32: weights rounded to float32, so only to ~1e-6.
    const tol = dtype === 'F64' ? 1e-12 : 1e-5;
    for (let i = 0; i < golden.outputs.length; i++) {
      assert.ok(Math.abs(o[i] - golden.outputs[i]) <= tol * Math.max(1, Math.abs(golden.outputs[i])), `output ${i}: ${o[i]} vs ${golden.outputs[i]}`);
    }
    for (let i = 0; i < golden.hN.length; i++) assert.ok(Math.abs(stack.hN[i] - golden.hN[i]) <= tol, `hN ${i}`);
    // Writing the same tensors and metadata back gives the python file byte for byte.
    const again = encodeSafetensors(layoutToSafetensors(stack.params, stack.tensors, dtype), golden.metadata);
    assert.deepEqual(again, bytes);
  });
}
