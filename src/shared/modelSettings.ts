// The Model view's settings (the sidebar form of src/sidebar/modelView.ts and webview/modelView/): an experiment without
// its data path and sampling. The page and the host check them with the SAME function, which runs the experiment
// file's own checker (experimentFile.ts: EXPERIMENT_FIELDS, its limits and its cross-field rules) on the value itself,
// so a value the form accepts is exactly a value an experiment file accepts. Pure: no vscode, no DOM.
import { checkExperimentNode, type DataKind, type Experiment } from './experimentFile';
import type { JsonNode, JsonProperty } from './positionedJson';
import { float32Trains, type TrainingConfig } from './trainingConfig';

export interface ModelSettings {
  kind: DataKind;
  model: Experiment['model'];
  training: Experiment['training'];
}

export interface ModelSettingsProblem {
  /** The experiment path of the field, e.g. "model.hiddenSize" ("" when the whole value is wrong). */
  field: string;
  message: string;
}

export type ModelSettingsCheck = { ok: true; settings: ModelSettings } | { ok: false; problems: ModelSettingsProblem[] };

/** What the form calls each experiment field; messages name fields this way. */
export const MODEL_FIELD_LABELS: Readonly<Record<string, string>> = {
  'data.kind': 'Data',
  'model.cell': 'Cell',
  'model.nonlinearity': 'Nonlinearity',
  'model.layers': 'Layers',
  'model.hiddenSize': 'Hidden size',
  'model.bidirectional': 'Bidirectional',
  'model.embedding': 'Embedding',
  'model.init': 'Initialisation',
  'model.spectralRadius': 'W_hh spectral radius',
  'training.seqLength': 'Sequence length',
  'training.truncate': 'Truncation',
  'training.batch': 'Batch',
  'training.optimizer': 'Optimizer',
  'training.learningRate': 'Learning rate',
  'training.momentum': 'Momentum',
  'training.clip': 'Clipping',
  'training.steps': 'Steps',
  'training.seed': 'Seed',
  'training.dtype': 'Arithmetic (dtype)',
};

/** A posted settings object is a few dozen values; anything far larger is refused unread. */
const MAX_SETTINGS_VALUES = 200;
const MAX_SETTINGS_CHARS = 10_000;
/** data.path stands in for the file the host binds the settings to (the page never names one). */
const PLACEHOLDER_PATH = 'data';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** "model.hiddenSize must be …" → "Hidden size must be …" (every field path in the message). */
function withLabels(message: string): string {
  return message.replace(/\b(data|model|training)\.([A-Za-z]+)\b/g, (whole) => MODEL_FIELD_LABELS[whole] ?? whole);
}

/**
 * The JSON nodes of a posted value, as the experiment file's checker reads them (no positions: offsets 0), or a reason
 * it is not plain data. A key whose value is undefined is absent, as in JSON. Only the root, the sections and their
 * fields are read (the checker refuses an object or array where a field's value belongs, whatever it holds).
 */
function nodesOf(value: unknown): JsonNode | string {
  let values = 0;
  let chars = 0;
  const node = (v: unknown, depth: number): JsonNode | string => {
    if (++values > MAX_SETTINGS_VALUES) return 'the settings are too large';
    const at = { offset: 0, length: 0 };
    if (v === null) return { type: 'null', value: null, ...at };
    if (typeof v === 'string') {
      chars += v.length;
      return chars > MAX_SETTINGS_CHARS ? 'the settings are too large' : { type: 'string', value: v, ...at };
    }
    if (typeof v === 'number') return { type: 'number', value: v, ...at };
    if (typeof v === 'boolean') return { type: 'boolean', value: v, ...at };
    if (Array.isArray(v)) return { type: 'array', items: [], ...at };
    if (!isPlainObject(v) || ![Object.prototype, null].includes(Object.getPrototypeOf(v))) return 'the settings are not plain values';
    const properties: JsonProperty[] = [];
    if (depth < 2) {
      for (const [key, item] of Object.entries(v)) {
        if (item === undefined) continue;
        chars += key.length;
        const child = node(item, depth + 1);
        if (typeof child === 'string') return child;
        properties.push({ key, keyOffset: 0, keyLength: 0, value: child });
      }
    }
    return { type: 'object', properties, ...at };
  };
  return node(value, 0);
}

/**
 * Checks settings typed in the Model view (or posted by it) exactly as an experiment file's data.kind, model and
 * training sections are checked. Absent optional fields stay absent; absent required ones take the file's defaults.
 */
export function checkModelSettings(raw: unknown): ModelSettingsCheck {
  const fail = (message: string): ModelSettingsCheck => ({ ok: false, problems: [{ field: '', message }] });
  if (!isPlainObject(raw) || !isPlainObject(raw.model) || !isPlainObject(raw.training)) return fail('the settings must have a data kind, a model and a training section');
  const extra = Object.keys(raw).filter((k) => k !== 'kind' && k !== 'model' && k !== 'training');
  if (extra.length > 0) return fail(`unknown setting ${extra[0]}`);
  const root = nodesOf({ data: { path: PLACEHOLDER_PATH, kind: raw.kind }, model: raw.model, training: raw.training });
  if (typeof root === 'string') return fail(root);
  const parsed = checkExperimentNode(root);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map((p) => ({ field: p.path, message: withLabels(p.message) })) };
  const { data, model, training } = parsed.experiment;
  return { ok: true, settings: { kind: data.kind, model, training } };
}

/**
 * The form's settings for a training config: the user's sequenceLab.training.* settings (the defaults of a new
 * experiment) or a run's config (Duplicate with Changes…). Choices the config leaves out stay out.
 */
export function modelSettingsFromConfig(config: TrainingConfig): ModelSettings {
  const kind = config.dataKind ?? 'characters';
  return {
    kind,
    model: {
      cell: config.cell,
      ...(config.cell === 'rnn' && config.nonlinearity !== undefined ? { nonlinearity: config.nonlinearity } : {}),
      layers: config.layers,
      hiddenSize: config.hiddenSize,
      bidirectional: config.bidirectional === true && kind === 'tagged',
      ...(config.embedding !== undefined ? { embedding: config.embedding } : {}),
      ...(config.init !== undefined ? { init: config.init } : {}),
      ...(config.spectralRadius !== undefined ? { spectralRadius: config.spectralRadius } : {}),
    },
    training: {
      seqLength: config.seqLength,
      ...(config.truncate !== undefined ? { truncate: config.truncate } : {}),
      batch: config.batch ?? 1,
      optimizer: config.optimizer,
      learningRate: config.learningRate,
      ...(config.optimizer === 'sgd' && config.momentum !== undefined ? { momentum: config.momentum } : {}),
      clip: config.clip,
      steps: config.steps,
      seed: config.seed,
      // Tagged and sequence-to-one data have no dtype to choose (float64 only).
      ...(config.dtype !== undefined && float32Trains(kind) ? { dtype: config.dtype } : {}),
    },
  };
}

/** The experiment these settings describe, on the data file at `dataPath` (relative to the experiment file). */
export function modelSettingsExperiment(settings: ModelSettings, dataPath: string, sampling: Experiment['sampling']): Experiment {
  return { data: { path: dataPath, kind: settings.kind }, model: { ...settings.model }, training: { ...settings.training }, sampling: { ...sampling } };
}

/** The data kind a file's name suggests: .tsv tagged, .csv series, anything else characters. */
export function suggestedDataKind(fileName: string): DataKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsv')) return 'tagged';
  if (lower.endsWith('.csv')) return 'series';
  return 'characters';
}
