// The one check of a model description (model.safetensors' __metadata__.sequence_lab) that every reader shares:
// the CLI's eval/sample/trace/export (src/cli/commands/readModel.ts), the worker restoring a checkpoint, the host's
// "Open PyTorch Model…" and "Export as PyTorch Project…". A model file comes from wherever the user got it, so its
// description is checked against the schema and the training limits before anything is allocated from it or written
// from it (train.py is generated from these values: see pytorchProject.ts), and every message describes a bad value
// without serialising it whole.
import { renameKeys } from './renamedKeys';
import { CONFIG_LIMITS, EMBEDDING_LIMIT, LAYERS_LIMIT, MODEL_KINDS, VOCABULARY_LIMIT, type Limit } from './trainingConfig';

export class ModelMetadataError extends Error {
  override name = 'ModelMetadataError';
}

export const MODEL_FORMAT = 'sequence-lab/1';
export const TASKS = ['lm', 'tag', 'series'] as const;
export const NONLINEARITIES = ['tanh', 'relu'] as const;
export const TOKEN_KINDS = ['chars', 'words'] as const;

/** Inputs and outputs of a model: a vocabulary, a tag set or series columns, at most the vocabulary limit. */
export const MODEL_IO_LIMIT: Limit = { min: 1, max: VOCABULARY_LIMIT.max, integer: true };
/**
 * Most parameters a model description may imply (float64: 512 MB). The engine allocates the weights, a gradient and
 * optimiser moments of this size, so the bound is checked before any of them is built.
 */
export const MAX_MODEL_PARAMETERS = 64_000_000;
/**
 * The most of a model.safetensors anything reads (a stored run's checkpoint, export-pytorch's model): the largest
 * model's float64 weights and a 16 MB header (a word vocabulary in the metadata fits many times over).
 */
export const MAX_MODEL_FILE_BYTES = 8 * MAX_MODEL_PARAMETERS + 16 * 1024 * 1024;

export interface CheckedModelMetadata {
  format: typeof MODEL_FORMAT;
  task: (typeof TASKS)[number];
  model: {
    cell: (typeof MODEL_KINDS)[number];
    nonlinearity?: (typeof NONLINEARITIES)[number];
    layers: number;
    hiddenSize: number;
    bidirectional: boolean;
    embedding?: number;
  };
  inputSize: number;
  outputSize: number;
  tokens?: (typeof TOKEN_KINDS)[number];
  vocabulary: string[];
  tags?: string[];
}

/** A value named in a message: its kind and a short, one-line preview (never the whole value). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the text ${preview(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** A string quoted, cut to `max` characters, with control and line-separator characters escaped: one safe line. */
export function preview(s: string, max = 40): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  return `"${cut.replace(/[\u0000-\u001f\u007f\u2028\u2029"\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks the JSON text of __metadata__.sequence_lab. */
export function parseModelMetadata(raw: string): CheckedModelMetadata {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ModelMetadataError('The model description (__metadata__.sequence_lab) is not valid JSON.');
  }
  return checkModelMetadata(value);
}

/** The number of weights a checked description implies (embedding, every layer and direction, the head). */
export function parameterCount(meta: Pick<CheckedModelMetadata, 'model' | 'inputSize' | 'outputSize'>): number {
  const m = meta.model;
  const gates = m.cell === 'lstm' ? 4 : m.cell === 'gru' ? 3 : 1;
  const directions = m.bidirectional ? 2 : 1;
  const H = m.hiddenSize;
  let count = m.embedding !== undefined ? meta.inputSize * m.embedding : 0;
  for (let k = 0; k < m.layers; k++) {
    const input = k === 0 ? (m.embedding ?? meta.inputSize) : H * directions;
    count += directions * (gates * H * (input + H) + 2 * gates * H);
  }
  return count + meta.outputSize * H * directions + meta.outputSize;
}

/**
 * model.safetensors files written before the engine's config took the experiment file's names carry model.model
 * and model.embeddingDim; today they are model.cell and model.embedding. A description with its model's old keys under
 * today's names (a key already under its new name wins); anything else as it was. {@link checkModelMetadata} reads
 * every description through this, so each reader (CLI, worker, host) accepts both and every writer writes the new.
 */
export const RENAMED_MODEL_KEYS: Readonly<Record<string, string>> = { model: 'cell', embeddingDim: 'embedding' };

export function migrateModelMetadata(value: unknown): unknown {
  if (!isPlainObject(value) || !isPlainObject(value.model)) return value;
  return { ...value, model: renameKeys(value.model, RENAMED_MODEL_KEYS) };
}

/**
 * Checks a parsed description against the schema (task, cell and nonlinearity enums, sizes within the training
 * limits, vocabulary and tags lists of strings matching the sizes, a bounded parameter count). Returns a fresh
 * object holding only the known fields, so nothing else in the file travels further.
 */
export function checkModelMetadata(untrusted: unknown): CheckedModelMetadata {
  const value = migrateModelMetadata(untrusted);
  const fail = (why: string): never => {
    throw new ModelMetadataError(`The model description (__metadata__.sequence_lab) ${why}.`);
  };
  if (!isPlainObject(value)) return fail(`is ${describeValue(value)}, not a JSON object`);
  if (value.format !== MODEL_FORMAT) fail(`has the format ${describeValue(value.format)}; this version reads "${MODEL_FORMAT}"`);
  const oneOf = <T extends string>(name: string, v: unknown, allowed: readonly T[]): T => {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(`has ${name} ${describeValue(v)}; it must be ${allowed.join(', ')}`);
    return v as T;
  };
  const whole = (name: string, v: unknown, limit: Limit): number => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= limit.min && v <= limit.max)) {
      fail(`has ${name} ${describeValue(v)}; it must be a whole number from ${limit.min} to ${limit.max}`);
    }
    return v as number;
  };
  const strings = (name: string, v: unknown): string[] => {
    if (!Array.isArray(v)) return fail(`has ${name} ${describeValue(v)}, not a list of strings`);
    if (v.length > MODEL_IO_LIMIT.max) fail(`has ${v.length} entries in ${name}, above the limit of ${MODEL_IO_LIMIT.max}`);
    for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') fail(`has ${describeValue(v[i])} at ${name}[${i}], not a string`);
    return [...(v as string[])];
  };

  const task = oneOf('the task', value.task, TASKS);
  const m = value.model;
  if (!isPlainObject(m)) return fail(`has model ${describeValue(m)}, not an object`);
  const kind = oneOf('the cell (model.cell)', m.cell, MODEL_KINDS);
  let nonlinearity: CheckedModelMetadata['model']['nonlinearity'];
  if (m.nonlinearity !== undefined && m.nonlinearity !== null) {
    nonlinearity = oneOf('the nonlinearity', m.nonlinearity, NONLINEARITIES);
    if (kind !== 'rnn') fail(`gives a nonlinearity to a ${kind.toUpperCase()}; only the RNN has one`);
  }
  const layers = whole('model.layers', m.layers, LAYERS_LIMIT);
  const hiddenSize = whole('model.hiddenSize', m.hiddenSize, CONFIG_LIMITS.hiddenSize);
  if (typeof m.bidirectional !== 'boolean') fail(`has model.bidirectional ${describeValue(m.bidirectional)}, not true or false`);
  const embedding = m.embedding === undefined || m.embedding === null ? undefined : whole('model.embedding', m.embedding, EMBEDDING_LIMIT);
  const inputSize = whole('inputSize', value.inputSize, MODEL_IO_LIMIT);
  const outputSize = whole('outputSize', value.outputSize, MODEL_IO_LIMIT);
  const tokens = value.tokens === undefined || value.tokens === null ? undefined : oneOf('tokens', value.tokens, TOKEN_KINDS);
  const vocabulary = strings('vocabulary', value.vocabulary);
  const tags = value.tags === undefined || value.tags === null ? undefined : strings('tags', value.tags);

  if (task !== 'series' && vocabulary.length !== inputSize) fail(`lists ${vocabulary.length} vocabulary entries for an input size of ${inputSize}`);
  if (task === 'lm' && outputSize !== inputSize) fail(`predicts ${outputSize} tokens from a vocabulary of ${inputSize}`);
  if (task === 'tag' && tags?.length !== outputSize) fail(`lists ${tags?.length ?? 0} tags for an output size of ${outputSize}`);
  if (task === 'series' && embedding !== undefined) fail('gives an embedding to a numeric series model');

  const checked: CheckedModelMetadata = {
    format: MODEL_FORMAT,
    task,
    model: { cell: kind, ...(nonlinearity ? { nonlinearity } : {}), layers, hiddenSize, bidirectional: m.bidirectional as boolean, ...(embedding !== undefined ? { embedding } : {}) },
    inputSize,
    outputSize,
    ...(tokens ? { tokens } : {}),
    vocabulary,
    ...(tags ? { tags } : {}),
  };
  const count = parameterCount(checked);
  if (count > MAX_MODEL_PARAMETERS) fail(`describes ${count.toLocaleString('en-US')} parameters, above the limit of ${MAX_MODEL_PARAMETERS.toLocaleString('en-US')}`);
  return checked;
}
