// The JSON header of a safetensors file, read without touching the tensor data, so the extension host (which never
// imports the engine) can learn what model a file holds before handing its bytes to the worker:
//
//   bytes 0 … 7        N, the header length, unsigned 64-bit little-endian
//   bytes 8 … 8+N−1    UTF-8 JSON { name: { dtype, shape, data_offsets: [start, end] }, …, "__metadata__": {…} }
//   bytes 8+N …        the tensor data (validated by the worker's reader, src/engine/safetensors.ts)
//
// Every problem is a SafetensorsHeaderError with one line saying what is wrong.
import { ModelMetadataError, parseModelMetadata, type CheckedModelMetadata } from './modelMetadata';
import { CONFIG_LIMITS, LAYERS_LIMIT, MODEL_KINDS, type TrainingModelKind } from './trainingConfig';

export class SafetensorsHeaderError extends Error {
  override name = 'SafetensorsHeaderError';
}

export interface HeaderTensor {
  name: string;
  dtype: string;
  shape: number[];
}

export interface SafetensorsHeader {
  tensors: HeaderTensor[];
  metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';
/**
 * The host parses the header on its own thread: a real one is a few KB (a character model's vocabulary included), so
 * anything above 1 MB is refused before JSON.parse (a 99 MB header took 11.7 s and 1.8 GB there).
 */
export const MAX_HOST_HEADER_BYTES = 1_000_000;

export function readSafetensorsHeader(bytes: Uint8Array, maxHeaderBytes = MAX_HOST_HEADER_BYTES): SafetensorsHeader {
  const fail = (why: string): never => {
    throw new SafetensorsHeaderError(`This is not a valid safetensors file: ${oneLine(why)}.`);
  };
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8 of the header length (the file is truncated)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) fail(`the header length ${n} goes beyond the end of the file (${bytes.length} bytes)`);
  if (n > BigInt(maxHeaderBytes)) fail(`the header length ${n} is above the limit of ${maxHeaderBytes} bytes`);
  const dataStart = 8 + Number(n);
  const dataLength = bytes.length - dataStart;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (e) {
    fail(`the header is not UTF-8 JSON (${clip((e as Error).message, 120)})`);
  }
  if (!isPlainObject(header)) fail('the header is not a JSON object');
  const metadata: Record<string, string> = {};
  const tensors: HeaderTensor[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(entry)) fail(`${METADATA_KEY} is not a JSON object`);
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`${METADATA_KEY}.${clip(k, 40)} is not a string`);
        // defineProperty: a key "__proto__" is data here, not the object's prototype.
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const where = `tensor ${clip(JSON.stringify(name), 60)}`;
    if (!isPlainObject(entry)) fail(`${where} is not described by a JSON object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string') fail(`${where} has no "dtype"`);
    if (!(Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))) {
      fail(`${where} has no "shape" of whole numbers ≥ 0`);
    }
    if (!(Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0))) {
      fail(`${where} has no "data_offsets" [start, end] of whole numbers ≥ 0`);
    }
    const [start, end] = offsets as [number, number];
    if (!(start <= end && end <= dataLength)) fail(`${where} has data_offsets [${start}, ${end}] outside the ${dataLength} bytes of data (the file is truncated?)`);
    tensors.push({ name, dtype: dtype as string, shape: [...(shape as number[])] });
  }
  return { tensors, metadata };
}

/** What the host needs to know of a character model to train or inspect it on a text. */
export interface ModelDescription {
  cell: TrainingModelKind;
  layers: number;
  hiddenSize: number;
  /** Rows of head.weight: the characters the model predicts. */
  vocabSize: number;
  /** The characters, id order, when the file says (Sequence Lab metadata); else the file was trained elsewhere. */
  vocabulary?: string[];
}

/** Where the model's config and vocabulary live in __metadata__ (as written by Sequence Lab). */
export const MODEL_METADATA_KEY = 'sequence_lab';

/**
 * The model a safetensors header holds: from Sequence Lab's metadata when present, else inferred from the PyTorch
 * tensor names and shapes (nn.RNN/GRU/LSTM stacks weight_hh_l{k} as [G·H, H] with G = 1, 3 or 4 gates).
 */
export function describeModel(header: SafetensorsHeader): ModelDescription {
  const inferred = inferModel(header.tensors);
  const raw = header.metadata[MODEL_METADATA_KEY];
  if (raw === undefined) return inferred;
  let meta: CheckedModelMetadata;
  try {
    meta = parseModelMetadata(raw);
  } catch (e) {
    if (e instanceof ModelMetadataError) throw new SafetensorsHeaderError(e.message);
    throw e;
  }
  const vocabulary = meta.vocabulary;
  if (meta.task !== 'lm' || (meta.tokens ?? 'chars') !== 'chars') {
    throw new SafetensorsHeaderError(`This is a ${meta.task === 'lm' ? 'word' : meta.task === 'tag' ? 'tagging' : 'numeric series'} model; Open PyTorch Model loads character models.`);
  }
  if (meta.model.cell !== inferred.cell || meta.model.layers !== inferred.layers || meta.model.hiddenSize !== inferred.hiddenSize) {
    throw new SafetensorsHeaderError(`The model description says ${meta.model.cell.toUpperCase()}, ${meta.model.layers} layer(s), H=${meta.model.hiddenSize}, but the tensors hold ${inferred.cell.toUpperCase()}, ${inferred.layers} layer(s), H=${inferred.hiddenSize}.`);
  }
  if (vocabulary.length !== inferred.vocabSize) {
    throw new SafetensorsHeaderError(`The model description lists ${vocabulary.length} characters but head.weight has ${inferred.vocabSize} rows.`);
  }
  return { ...inferred, vocabulary };
}

const GATES: Record<number, TrainingModelKind> = { 1: 'rnn', 3: 'gru', 4: 'lstm' };

function inferModel(tensors: readonly HeaderTensor[]): ModelDescription {
  const fail = (why: string): never => {
    throw new SafetensorsHeaderError(`This is not a character model Sequence Lab can load: ${oneLine(why)}.`);
  };
  const byName = new Map(tensors.map((t) => [t.name, t]));
  if (tensors.some((t) => t.name.endsWith('_reverse'))) fail('it is bidirectional; the character model reads left to right only');
  if (byName.has('embed.weight')) fail('it has an embedding (embed.weight); the character model reads one-hot characters');
  const hh0 = byName.get('rnn.weight_hh_l0');
  if (!hh0) fail('it has no tensor rnn.weight_hh_l0 (the recurrent weights of a PyTorch nn.RNN, nn.GRU or nn.LSTM named "rnn")');
  const [rows, hiddenSize] = matrixShape(hh0!, fail);
  if (hiddenSize < 1 || rows % hiddenSize !== 0 || !(rows / hiddenSize in GATES)) {
    fail(`rnn.weight_hh_l0 has the shape [${rows}, ${hiddenSize}]; an RNN, GRU or LSTM has H, 3H or 4H rows of H columns`);
  }
  if (hiddenSize > CONFIG_LIMITS.hiddenSize.max) fail(`its hidden size is ${hiddenSize}; at most ${CONFIG_LIMITS.hiddenSize.max} is supported`);
  const cell = GATES[rows / hiddenSize];
  let layers = 0;
  while (byName.has(`rnn.weight_hh_l${layers}`)) layers++;
  if (layers > LAYERS_LIMIT.max) fail(`it has ${layers} layers; at most ${LAYERS_LIMIT.max} are supported`);
  for (let k = 0; k < layers; k++) {
    const [r, c] = matrixShape(byName.get(`rnn.weight_hh_l${k}`)!, fail);
    if (r !== rows || c !== hiddenSize) fail(`layer ${k} has another size than layer 0`);
  }
  const head = byName.get('head.weight');
  if (!head) fail('it has no tensor head.weight (the output layer, one row per character)');
  const [vocabSize, headCols] = matrixShape(head!, fail);
  if (headCols !== hiddenSize) fail(`head.weight has ${headCols} columns but the hidden size is ${hiddenSize}`);
  if (vocabSize < 2) fail('head.weight has fewer than 2 rows (characters)');
  if (!MODEL_KINDS.includes(cell)) fail('unknown cell');
  return { cell, layers, hiddenSize, vocabSize };
}

function matrixShape(t: HeaderTensor, fail: (why: string) => never): [number, number] {
  if (t.shape.length !== 2) fail(`${t.name} has the shape [${t.shape.join(', ')}], not a matrix`);
  return [t.shape[0], t.shape[1]];
}

/** The distinct characters (code points) of a text in code point order: the character model's vocabulary. */
export function characterVocabulary(text: string): string[] {
  const seen = new Set<number>();
  for (const ch of text) seen.add(ch.codePointAt(0)!);
  return [...seen].sort((a, b) => a - b).map((c) => String.fromCodePoint(c));
}

/** Why the characters of the text cannot be the model's inputs, or undefined when they can. */
export function vocabularyMismatch(model: ModelDescription, text: string, label: string): string | undefined {
  const chars = characterVocabulary(text);
  if (model.vocabulary) {
    const known = new Set(model.vocabulary);
    const unknown = chars.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 5).map((c) => JSON.stringify(c)).join(', ');
      return `${label} has ${unknown.length} character${unknown.length === 1 ? '' : 's'} the model never saw (${shown}${unknown.length > 5 ? ', …' : ''}).`;
    }
    if (model.vocabulary.length !== chars.length || model.vocabulary.some((c, i) => c !== chars[i])) {
      return `the model knows ${model.vocabulary.length} characters but ${label} uses ${chars.length}; the character model needs the same set of characters.`;
    }
    return undefined;
  }
  if (chars.length !== model.vocabSize) {
    return `the model predicts ${model.vocabSize} characters (rows of head.weight) but ${label} has ${chars.length} distinct characters.`;
  }
  return undefined;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
