// Experiment files (*.seqlab.json): data + model + training in one JSON document, described for the editor by
// media/schemas/seqlab.schema.json. This module reads one: either a typed Experiment, or problems, each with the
// JSON path it is about, a one-line message and where it is in the text (so the host can underline it). It also
// maps an experiment to the Training panel's TrainingConfig, or says why the editor cannot train it yet (the
// equivalent `sequence-lab train …` command line is experimentCommandLine.ts). Pure: no vscode, no node APIs.
import { parsePositionedJson, lineColumn, type JsonNode, type JsonProperty } from './positionedJson';
import {
  BATCH_LIMIT, CONFIG_LIMITS, DATA_KINDS, DEFAULT_CONFIG, DTYPES, float32Trains, FLOAT32_STREAMED_ONLY, EMBEDDING_LIMIT, INIT_SCHEMES, LAYERS_LIMIT, MODEL_KINDS, MOMENTUM_LIMIT, OPTIMIZER_KINDS,
  SPECTRAL_RADIUS_LIMIT, type DataKind, type InitScheme, type Limit, type TrainingConfig, type TrainingDtype, type TrainingModelKind,
  type TrainingOptimizerKind,
} from './trainingConfig';

export { BATCH_LIMIT, DATA_KINDS, EMBEDDING_LIMIT, INIT_SCHEMES, MOMENTUM_LIMIT, SPECTRAL_RADIUS_LIMIT, type DataKind, type InitScheme };
export const EXPERIMENT_FILE_SUFFIX = '.seqlab.json';
export const NONLINEARITIES = ['tanh', 'relu'] as const;
/** An experiment file larger than this is refused before parsing (a real one is a few hundred bytes). */
export const MAX_EXPERIMENT_CHARS = 1_000_000;

export interface Experiment {
  description?: string;
  data: { path: string; kind: DataKind };
  model: {
    cell: TrainingModelKind;
    nonlinearity?: (typeof NONLINEARITIES)[number];
    layers: number;
    hiddenSize: number;
    bidirectional: boolean;
    embedding?: number;
    init?: InitScheme;
    spectralRadius?: number;
  };
  training: {
    seqLength: number;
    truncate?: number;
    batch: number;
    optimizer: TrainingOptimizerKind;
    learningRate: number;
    momentum?: number;
    clip: number;
    steps: number;
    seed: number;
    /** Absent: defaultDtype of data.kind (float32 for streamed data). */
    dtype?: TrainingDtype;
  };
  sampling: { temperature: number; every: number; length: number };
}

export interface ExperimentProblem {
  /** JSON path of the value the problem is about, e.g. "training.learningRate" ("" for the whole file). */
  path: string;
  message: string;
  /** Where to underline, in UTF-16 code units of the text. */
  offset: number;
  length: number;
}

export type ExperimentParseResult = { ok: true; experiment: Experiment } | { ok: false; problems: ExperimentProblem[] };

/** What one field may hold. `limit` of numbers is checked inclusively; `default` is used when the key is absent. */
export type FieldSpec =
  | { type: 'integer' | 'number'; limit: Limit; default?: number; required?: boolean }
  | { type: 'enum'; values: readonly string[]; default?: string; required?: boolean }
  | { type: 'string'; default?: string; required?: boolean }
  | { type: 'boolean'; default: boolean; required?: boolean };

/**
 * Every key of every section, in schema order. The schema (media/schemas/seqlab.schema.json) repeats these
 * types, enums, ranges and defaults for the editor; test/host/experimentFile.test.ts checks the two agree.
 */
export const EXPERIMENT_FIELDS = {
  data: {
    path: { type: 'string', required: true },
    kind: { type: 'enum', values: DATA_KINDS, default: 'characters' },
  },
  model: {
    cell: { type: 'enum', values: MODEL_KINDS, default: DEFAULT_CONFIG.cell },
    nonlinearity: { type: 'enum', values: NONLINEARITIES },
    layers: { type: 'integer', limit: LAYERS_LIMIT, default: DEFAULT_CONFIG.layers },
    hiddenSize: { type: 'integer', limit: CONFIG_LIMITS.hiddenSize, default: DEFAULT_CONFIG.hiddenSize },
    bidirectional: { type: 'boolean', default: false },
    embedding: { type: 'integer', limit: EMBEDDING_LIMIT },
    init: { type: 'enum', values: INIT_SCHEMES },
    spectralRadius: { type: 'number', limit: SPECTRAL_RADIUS_LIMIT },
  },
  training: {
    seqLength: { type: 'integer', limit: CONFIG_LIMITS.seqLength, default: DEFAULT_CONFIG.seqLength },
    truncate: { type: 'integer', limit: CONFIG_LIMITS.seqLength },
    batch: { type: 'integer', limit: BATCH_LIMIT, default: 1 },
    optimizer: { type: 'enum', values: OPTIMIZER_KINDS, default: DEFAULT_CONFIG.optimizer },
    learningRate: { type: 'number', limit: CONFIG_LIMITS.learningRate, default: DEFAULT_CONFIG.learningRate },
    momentum: { type: 'number', limit: MOMENTUM_LIMIT },
    clip: { type: 'number', limit: CONFIG_LIMITS.clip, default: DEFAULT_CONFIG.clip },
    steps: { type: 'integer', limit: CONFIG_LIMITS.steps, default: DEFAULT_CONFIG.steps },
    seed: { type: 'integer', limit: CONFIG_LIMITS.seed, default: DEFAULT_CONFIG.seed },
    dtype: { type: 'enum', values: DTYPES },
  },
  sampling: {
    temperature: { type: 'number', limit: CONFIG_LIMITS.temperature, default: DEFAULT_CONFIG.temperature },
    every: { type: 'integer', limit: CONFIG_LIMITS.sampleEvery, default: DEFAULT_CONFIG.sampleEvery },
    length: { type: 'integer', limit: CONFIG_LIMITS.sampleLength, default: DEFAULT_CONFIG.sampleLength },
  },
} as const satisfies Record<string, Record<string, FieldSpec>>;

type Section = keyof typeof EXPERIMENT_FIELDS;
const SECTIONS = Object.keys(EXPERIMENT_FIELDS) as Section[];
/** Top-level keys that are not sections. */
const TOP_LEVEL_STRINGS = ['$schema', 'description'] as const;
const REQUIRED_SECTIONS: readonly Section[] = ['data'];

export function isExperimentFileName(name: string): boolean {
  return name.toLowerCase().endsWith(EXPERIMENT_FILE_SUFFIX);
}

/** How a JSON value is named in "(got …)": the value itself for scalars, its kind otherwise. */
function shown(node: JsonNode): string {
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return JSON.stringify(node.value.length > 40 ? `${node.value.slice(0, 40)}…` : node.value);
    default:
      return String(node.value);
  }
}

/** "a", "b" or "c" */
function alternatives(values: readonly string[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function rangeText(limit: Limit): string {
  return `from ${limit.min} to ${limit.max}`;
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean …?". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The allowed key the user most likely meant, if one is close enough. */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const c = candidate.toLowerCase();
    // A key is also close to an allowed key it abbreviates ("hiden" → "hidden…" → hiddenSize).
    const d = c === lower ? 0 : c.startsWith(lower) || lower.startsWith(c) ? 1 : Math.min(editDistance(lower, c), editDistance(lower, c.slice(0, lower.length + 1)) + 1);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Allow one typo in short keys, about one per three letters in longer ones (at most three).
  const allowedDistance = key.length <= 3 ? 1 : Math.min(3, Math.max(2, Math.floor(key.length / 3)));
  return best !== undefined && bestDistance <= allowedDistance ? best : undefined;
}

function unknownKeyMessage(path: string, key: string, allowed: readonly string[]): string {
  const name = path === '' ? key : `${path}.${key}`;
  const suggestion = suggestKey(key, allowed);
  return suggestion !== undefined
    ? `unknown key ${name} — did you mean ${suggestion}?`
    : `unknown key ${name} — allowed here: ${allowed.join(', ')}`;
}

/** Checks one value against its spec; returns the parsed value or pushes a problem. */
function readField(spec: FieldSpec, node: JsonNode, path: string, problems: ExperimentProblem[]): unknown {
  const fail = (expected: string) => {
    problems.push({ path, message: `${path} must be ${expected} (got ${shown(node)})`, offset: node.offset, length: node.length });
    return undefined;
  };
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const kind = spec.type === 'integer' ? 'a whole number' : 'a number';
      if (node.type !== 'number' || !Number.isFinite(node.value)) return fail(`${kind} ${rangeText(spec.limit)}`);
      if (spec.type === 'integer' && !Number.isInteger(node.value)) return fail(`${kind} ${rangeText(spec.limit)}`);
      if (node.value < spec.limit.min || node.value > spec.limit.max) return fail(`${kind} ${rangeText(spec.limit)}`);
      return node.value;
    }
    case 'enum':
      if (node.type !== 'string' || !spec.values.includes(node.value)) return fail(alternatives(spec.values));
      return node.value;
    case 'string':
      if (node.type !== 'string') return fail('a string');
      return node.value;
    case 'boolean':
      if (node.type !== 'boolean') return fail('true or false');
      return node.value;
  }
}

/** Reads one object's properties: unknown keys, duplicates and each field; returns key → value (absent keys omitted). */
function readObject(
  node: JsonNode,
  path: string,
  fields: Record<string, FieldSpec>,
  problems: ExperimentProblem[],
): Map<string, { value: unknown; property: JsonProperty }> | undefined {
  if (node.type !== 'object') {
    problems.push({ path, message: `${path} must be an object { … } (got ${shown(node)})`, offset: node.offset, length: node.length });
    return undefined;
  }
  const allowed = Object.keys(fields);
  const values = new Map<string, { value: unknown; property: JsonProperty }>();
  const seen = new Set<string>();
  for (const property of node.properties) {
    const name = `${path}.${property.key}`;
    if (seen.has(property.key)) {
      problems.push({ path: name, message: `duplicate key ${name}: write each key once`, offset: property.keyOffset, length: property.keyLength });
      continue;
    }
    seen.add(property.key);
    const spec = fields[property.key];
    if (!spec) {
      problems.push({ path: name, message: problems.length >= MAX_PROBLEMS ? 'unknown key' : unknownKeyMessage(path, property.key, allowed), offset: property.keyOffset, length: property.keyLength });
      continue;
    }
    const value = readField(spec, property.value, name, problems);
    if (value !== undefined) values.set(property.key, { value, property });
  }
  for (const key of allowed) {
    if (fields[key].required && !seen.has(key)) {
      problems.push({ path: `${path}.${key}`, message: `${path}.${key} is missing`, offset: node.offset, length: 1 });
    }
  }
  return values;
}

/** Parses and checks an experiment file's text. */
/** At most this many problems are listed (a hostile file had 53,000), each message at most MAX_PROBLEM_CHARS. */
export const MAX_PROBLEMS = 100;
export const MAX_PROBLEM_CHARS = 300;

/** The first MAX_PROBLEMS problems with messages and paths cut short, and one line counting the rest. */
function cappedProblems(problems: ExperimentProblem[]): ExperimentProblem[] {
  const clip = (s: string) => (s.length > MAX_PROBLEM_CHARS ? `${s.slice(0, MAX_PROBLEM_CHARS - 1)}…` : s);
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => ({ ...p, path: clip(p.path), message: clip(p.message) }));
  if (problems.length > MAX_PROBLEMS) {
    const next = problems[MAX_PROBLEMS];
    shown.push({ path: '', message: `and ${problems.length - MAX_PROBLEMS} more problems (only the first ${MAX_PROBLEMS} are listed)`, offset: next.offset, length: next.length });
  }
  return shown;
}

export function parseExperiment(text: string): ExperimentParseResult {
  if (text.length > MAX_EXPERIMENT_CHARS) {
    return { ok: false, problems: [{ path: '', message: `the experiment file is over ${MAX_EXPERIMENT_CHARS / 1_000_000} million characters; an experiment is a few lines of JSON`, offset: 0, length: 0 }] };
  }
  const parsed = parsePositionedJson(text);
  if (!parsed.ok) {
    const { line, column } = lineColumn(text, parsed.error.offset);
    return { ok: false, problems: [{ path: '', message: `not valid JSON: ${parsed.error.message} (line ${line}, column ${column})`, offset: parsed.error.offset, length: parsed.error.length }] };
  }
  return checkExperimentNode(parsed.root);
}

/**
 * Checks an experiment already read into JSON nodes: an experiment file's text (parseExperiment), or the Model view's
 * settings as they were posted (modelSettings.ts builds the nodes from the value, without positions).
 */
export function checkExperimentNode(root: JsonNode): ExperimentParseResult {
  const problems: ExperimentProblem[] = [];
  if (root.type !== 'object') {
    return { ok: false, problems: [{ path: '', message: `an experiment file is a JSON object { "data": …, "model": …, "training": … } (got ${shown(root)})`, offset: root.offset, length: root.length }] };
  }

  const sections = new Map<Section, Map<string, { value: unknown; property: JsonProperty }>>();
  const sectionNodes = new Map<Section, JsonNode>();
  let description: string | undefined;
  const topLevel = [...TOP_LEVEL_STRINGS, ...SECTIONS];
  const seen = new Set<string>();
  for (const property of root.properties) {
    if (seen.has(property.key)) {
      problems.push({ path: property.key, message: `duplicate key ${property.key}: write each key once`, offset: property.keyOffset, length: property.keyLength });
      continue;
    }
    seen.add(property.key);
    if ((TOP_LEVEL_STRINGS as readonly string[]).includes(property.key)) {
      const value = readField({ type: 'string' }, property.value, property.key, problems);
      if (property.key === 'description' && typeof value === 'string') description = value;
      continue;
    }
    const section = SECTIONS.find((s) => s === property.key);
    if (!section) {
      problems.push({ path: property.key, message: problems.length >= MAX_PROBLEMS ? 'unknown key' : unknownKeyMessage('', property.key, topLevel), offset: property.keyOffset, length: property.keyLength });
      continue;
    }
    sectionNodes.set(section, property.value);
    const values = readObject(property.value, section, EXPERIMENT_FIELDS[section], problems);
    if (values) sections.set(section, values);
  }
  for (const section of REQUIRED_SECTIONS) {
    if (!seen.has(section)) problems.push({ path: section, message: `the "${section}" section is missing`, offset: root.offset, length: 1 });
  }
  if (problems.length > 0) return { ok: false, problems: cappedProblems(problems) };

  const get = <T>(section: Section, key: string): T => {
    const given = sections.get(section)?.get(key)?.value;
    return (given ?? (EXPERIMENT_FIELDS[section] as Record<string, FieldSpec>)[key].default) as T;
  };
  const experiment: Experiment = {
    ...(description === undefined ? {} : { description }),
    data: { path: get('data', 'path'), kind: get('data', 'kind') },
    model: {
      cell: get('model', 'cell'),
      ...optional('nonlinearity', get<Experiment['model']['nonlinearity']>('model', 'nonlinearity')),
      layers: get('model', 'layers'),
      hiddenSize: get('model', 'hiddenSize'),
      bidirectional: get('model', 'bidirectional'),
      ...optional('embedding', get<number | undefined>('model', 'embedding')),
      ...optional('init', get<InitScheme | undefined>('model', 'init')),
      ...optional('spectralRadius', get<number | undefined>('model', 'spectralRadius')),
    },
    training: {
      seqLength: get('training', 'seqLength'),
      ...optional('truncate', get<number | undefined>('training', 'truncate')),
      batch: get('training', 'batch'),
      optimizer: get('training', 'optimizer'),
      learningRate: get('training', 'learningRate'),
      ...optional('momentum', get<number | undefined>('training', 'momentum')),
      clip: get('training', 'clip'),
      steps: get('training', 'steps'),
      seed: get('training', 'seed'),
      ...optional('dtype', get<TrainingDtype | undefined>('training', 'dtype')),
    },
    sampling: { temperature: get('sampling', 'temperature'), every: get('sampling', 'every'), length: get('sampling', 'length') },
  };

  // Choices that contradict each other, underlined where the second one is written.
  const at = (section: Section, key: string): { offset: number; length: number } => {
    const property = sections.get(section)?.get(key)?.property;
    const node = property?.value ?? sectionNodes.get(section) ?? root;
    return { offset: node.offset, length: property ? node.length : 1 };
  };
  const conflict = (section: Section, key: string, message: string) => problems.push({ path: `${section}.${key}`, message, ...at(section, key) });
  const path = experiment.data.path;
  if (path.trim() === '') conflict('data', 'path', 'data.path is empty: name the data file, relative to this experiment file');
  else if (/^([a-zA-Z]:[\\/]|[\\/]|[a-zA-Z][a-zA-Z0-9+.-]+:\/\/)/.test(path)) {
    conflict('data', 'path', `data.path must be relative to this experiment file, so the experiment can be shared (got ${JSON.stringify(path)})`);
  }
  const { model, training, data } = experiment;
  if (model.nonlinearity !== undefined && model.cell !== 'rnn') {
    conflict('model', 'nonlinearity', `model.nonlinearity applies to the RNN cell only (model.cell is ${JSON.stringify(model.cell)}); remove it`);
  }
  if (model.bidirectional && data.kind !== 'tagged') {
    conflict('model', 'bidirectional', `model.bidirectional needs data.kind "tagged": a model that predicts the next ${data.kind === 'series' ? 'value' : 'token'} must not read it (data.kind is ${JSON.stringify(data.kind)})`);
  }
  if (model.embedding !== undefined && (data.kind === 'series' || data.kind === 'sequence-to-one')) {
    conflict('model', 'embedding', 'model.embedding applies to tokens (characters, words, tagged), not to numeric series; remove it');
  }
  if (training.truncate !== undefined && data.kind === 'sequence-to-one') {
    conflict('training', 'truncate', 'training.truncate does not apply to data.kind "sequence-to-one": each sequence of training.seqLength rows is backpropagated whole; remove it');
  }
  if (training.dtype === 'float32' && !float32Trains(data.kind)) {
    conflict('training', 'dtype', `training.${FLOAT32_STREAMED_ONLY} (data.kind is ${JSON.stringify(data.kind)}); remove it`);
  }
  if (training.momentum !== undefined && training.optimizer !== 'sgd') {
    conflict('training', 'momentum', `training.momentum applies to the "sgd" optimizer only (training.optimizer is ${JSON.stringify(training.optimizer)})`);
  }
  return problems.length > 0 ? { ok: false, problems: cappedProblems(problems) } : { ok: true, experiment };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The Training panel's config for this experiment: every choice of the file travels to the worker (which trains
 * each data kind the CLI trains), or the reasons the editor cannot train it.
 */
export function experimentTrainingConfig(experiment: Experiment): { ok: true; config: TrainingConfig } | { ok: false; reasons: string[] } {
  const { data, model, training, sampling } = experiment;
  const reasons: string[] = [];
  if (model.bidirectional && data.kind !== 'tagged') reasons.push('model.bidirectional needs data.kind "tagged"');
  if (reasons.length > 0) return { ok: false, reasons };
  return {
    ok: true,
    config: {
      ...DEFAULT_CONFIG,
      cell: model.cell,
      layers: model.layers,
      hiddenSize: model.hiddenSize,
      optimizer: training.optimizer,
      seqLength: training.seqLength,
      learningRate: training.learningRate,
      clip: training.clip,
      steps: training.steps,
      seed: training.seed,
      temperature: sampling.temperature,
      sampleEvery: sampling.every,
      sampleLength: sampling.length,
      ...(data.kind === 'characters' ? {} : { dataKind: data.kind }),
      ...optional('nonlinearity', model.nonlinearity),
      ...(model.bidirectional ? { bidirectional: true } : {}),
      ...optional('embedding', model.embedding),
      ...(training.truncate !== undefined && training.truncate !== training.seqLength ? { truncate: training.truncate } : {}),
      ...(training.batch !== 1 ? { batch: training.batch } : {}),
      ...(training.momentum !== undefined && training.momentum !== 0 ? { momentum: training.momentum } : {}),
      ...(model.init !== undefined && model.init !== 'pytorch' ? { init: model.init } : {}),
      ...optional('spectralRadius', model.spectralRadius),
      ...optional('dtype', training.dtype),
    },
  };
}

/** Where the value at `path` (e.g. ["data", "path"]) is written in `text`, if the text is JSON and has it. */
export function findValueRange(text: string, path: readonly string[]): { offset: number; length: number } | undefined {
  const parsed = text.length > MAX_EXPERIMENT_CHARS ? undefined : parsePositionedJson(text);
  if (!parsed?.ok) return undefined;
  let node: JsonNode | undefined = parsed.root;
  for (const key of path) {
    if (node?.type !== 'object') return undefined;
    node = node.properties.find((p) => p.key === key)?.value;
  }
  return node ? { offset: node.offset, length: node.length } : undefined;
}
