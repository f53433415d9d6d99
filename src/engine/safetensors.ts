// The safetensors file format (https://huggingface.co/docs/safetensors), for F32 and F64 tensors:
//
//   bytes 0 … 7        N, the header length, unsigned 64-bit little-endian
//   bytes 8 … 8+N−1    a UTF-8 JSON object  { name: { "dtype": "F32" | "F64", "shape": [d0, d1, …],
//                                                      "data_offsets": [start, end] }, …,
//                                             "__metadata__": { string: string } }  (metadata optional)
//   bytes 8+N …        the raw data, little-endian, row-major; [start, end) is relative to byte 8+N
//
// A tensor's byte length end − start must be (Π shape) × (4 for F32, 8 for F64). This writer sorts the names,
// stores the tensors in that order without gaps, and pads the header with spaces so that 8 + N is a multiple of 8.
// The reader validates everything it is given and throws EngineInputError with a message saying what is wrong.
// Values are handed over as Float64Array whatever the dtype (F32 values widen exactly; writing F32 rounds).
import { EngineInputError } from './errors';
import { tensorView, type TensorInfo } from './tensorLayout';
import { previewJson } from './preview';

export type SafetensorsDtype = 'F32' | 'F64';

export interface SafetensorsTensor {
  name: string;
  dtype: SafetensorsDtype;
  /** Row-major dimensions; [] for a scalar. */
  shape: number[];
  /** Π shape values. */
  data: Float64Array;
}

export interface SafetensorsFile {
  /** In the order of their data in the file. */
  tensors: SafetensorsTensor[];
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8 };
/** The reference implementation refuses headers above 100 MB; so does this one (a corrupt length is usually huge). */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

/** The file bytes of `tensors` (names sorted) and optional string metadata. */
export function encodeSafetensors(tensors: readonly SafetensorsTensor[], metadata?: Record<string, string>): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i];
    if (i > 0 && sorted[i - 1].name === t.name) throw new RangeError(`two tensors named ${t.name}`);
    if (t.name === METADATA_KEY) throw new RangeError(`${METADATA_KEY} is not a tensor name`);
    if (!(t.dtype in BYTES)) throw new RangeError(`dtype ${String(t.dtype)} is not F32 or F64`);
    const count = elementCount(t.shape);
    if (count === undefined || count !== t.data.length) {
      throw new RangeError(`tensor ${t.name}: shape [${t.shape.join(', ')}] does not hold ${t.data.length} values`);
    }
    const end = offset + count * BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength); // spaces
  let at = 8 + headerLength;
  for (const t of sorted) {
    if (t.dtype === 'F64') for (let i = 0; i < t.data.length; i++, at += 8) view.setFloat64(at, t.data[i], true);
    else for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return bytes;
}

/** Reads and validates a safetensors file. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  const fail = (why: string): never => {
    throw new EngineInputError(`This is not a valid safetensors file: ${oneLine(why)}.`);
  };
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) fail(`the header length ${n} goes beyond the end of the file (${bytes.length} bytes)`);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`the header length ${n} is above the limit of ${MAX_HEADER_BYTES} bytes`);
  const headerLength = Number(n);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (e) {
    fail(`the header is not UTF-8 JSON (${clip((e as Error).message, 120)})`);
  }
  if (!isPlainObject(header)) fail('the header is not a JSON object');
  const entries = header as Record<string, unknown>;

  const metadata: Record<string, string> = {};
  const rawMetadata = entries[METADATA_KEY];
  if (rawMetadata !== undefined) {
    if (!isPlainObject(rawMetadata)) fail(`${METADATA_KEY} is not a JSON object`);
    for (const [k, v] of Object.entries(rawMetadata as Record<string, unknown>)) {
      if (typeof v !== 'string') fail(`${METADATA_KEY}.${clip(k, 40)} is not a string (it is ${shown(v)})`);
      // defineProperty, not assignment: a key "__proto__" is data here, not the object's prototype.
      Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }

  const spans: { name: string; dtype: SafetensorsDtype; shape: number[]; start: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (name === METADATA_KEY) continue;
    const where = `tensor ${quote(name)}`;
    if (!isPlainObject(entry)) fail(`${where} is not described by a JSON object (it is ${shown(entry)})`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (dtype === undefined) fail(`${where} has no "dtype"; only F32 and F64 are supported`);
    if (dtype !== 'F32' && dtype !== 'F64') fail(`${where} has the dtype ${shown(dtype)}; only F32 and F64 are supported`);
    if (shape === undefined) fail(`${where} has no "shape"`);
    const whole = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
    if (!whole) fail(`${where} has the shape ${shown(shape)}, not a list of whole numbers ≥ 0`);
    const count = elementCount(shape as unknown[]);
    if (count === undefined) fail(`${where} has the shape ${shown(shape)}, more than 2^53 values`);
    if (offsets === undefined) fail(`${where} has no "data_offsets"`);
    if (!(Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isSafeInteger(o) && o >= 0))) {
      fail(`${where} has data_offsets ${shown(offsets)}, not [start, end] in whole numbers ≥ 0`);
    }
    const [start, end] = offsets as [number, number];
    if (!(start <= end && end <= dataLength)) {
      fail(`${where} has data_offsets [${start}, ${end}] outside the ${dataLength} bytes of data`);
    }
    const expected = count! * BYTES[dtype as SafetensorsDtype];
    if (end - start !== expected) {
      fail(`${where} has ${end - start} bytes of data, but shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${expected}`);
    }
    spans.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], start, end });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const a = spans[i - 1];
    const b = spans[i];
    if (b.start < a.end) fail(`the data of tensors ${quote(a.name)} [${a.start}, ${a.end}) and ${quote(b.name)} [${b.start}, ${b.end}) overlap`);
  }

  const tensors = spans.map(({ name, dtype, shape, start, end }) => {
    const data = new Float64Array((end - start) / BYTES[dtype]);
    const at = dataStart + start;
    if (dtype === 'F64') for (let i = 0; i < data.length; i++) data[i] = view.getFloat64(at + 8 * i, true);
    else for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(at + 4 * i, true);
    return { name, dtype, shape: [...shape], data };
  });
  return { tensors, metadata };
}

/**
 * The tensors of a flat parameter layout (e.g. RecurrentStack's), named as in the layout. A tensor with one column
 * is written 1-D ([rows]) unless its name ends in "weight", matching PyTorch's biases and weights.
 */
export function layoutToSafetensors(buffer: Float64Array, tensors: readonly TensorInfo[], dtype: SafetensorsDtype): SafetensorsTensor[] {
  return tensors.map((t) => ({
    name: t.name,
    dtype,
    shape: t.cols === 1 && !t.name.endsWith('weight') ? [t.rows] : [t.rows, t.cols],
    data: tensorView(buffer, t).slice(),
  }));
}

/**
 * Copies every tensor of the layout from the file, by name, into `buffer`. Throws EngineInputError when one is
 * missing or has another shape ([rows] and [rows, 1] both fit a one-column tensor). Returns the names in the file
 * that the layout does not use.
 */
export function loadIntoLayout(file: SafetensorsFile, buffer: Float64Array, tensors: readonly TensorInfo[]): string[] {
  const byName = new Map(file.tensors.map((t) => [t.name, t]));
  for (const t of tensors) {
    const found = byName.get(t.name);
    if (!found) throw new EngineInputError(`The weights file has no tensor named "${t.name}".`);
    const s = found.shape;
    const fits = (s.length === 2 && s[0] === t.rows && s[1] === t.cols) || (s.length === 1 && s[0] === t.rows && t.cols === 1);
    if (!fits) {
      throw new EngineInputError(
        `The tensor "${t.name}" in the weights file has the shape [${s.join(', ')}], but the model needs [${t.rows}, ${t.cols}].`,
      );
    }
    buffer.set(found.data, t.offset);
    byName.delete(t.name);
  }
  return [...byName.keys()];
}

/** Π shape for a list of whole numbers ≥ 0 (1 for []), or undefined when it is not one or the count is unsafe. */
function elementCount(shape: readonly unknown[]): number | undefined {
  let count = 1;
  for (const d of shape) {
    if (!(Number.isSafeInteger(d) && (d as number) >= 0)) return undefined;
    count *= d as number;
  }
  return Number.isSafeInteger(count) ? count : undefined;
}

/** A value from the header as it would be written in JSON, shortened: messages stay one readable line. */
function shown(v: unknown): string {
  return previewJson(v, 60);
}

/** A name in double quotes, with control characters escaped and long names shortened. */
function quote(name: string): string {
  return previewJson(name, 60);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Escapes line breaks and other control characters (e.g. from a JSON.parse message quoting the header). */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
