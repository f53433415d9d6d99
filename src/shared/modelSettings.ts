// The Model view's settings (the sidebar form of src/sidebar/modelView.ts and webview/modelView/): an experiment without
// its data path and sampling. The page and the host check them with the SAME function, which runs the experiment
// file's own parser (experimentFile.ts: EXPERIMENT_FIELDS, its limits and its cross-field rules), so a value the form
// accepts is exactly a value an experiment file accepts. Pure: no vscode, no DOM.
import { parseExperiment, type DataKind, type Experiment } from './experimentFile';
import type { TrainingConfig } from './trainingConfig';

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
};

/** A posted settings object is a few hundred characters; anything far larger is refused unread. */
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
 * Checks settings typed in the Model view (or posted by it) exactly as an experiment file's data.kind, model and
 * training sections are checked. Absent optional fields stay absent; absent required ones take the file's defaults.
 */
export function checkModelSettings(raw: unknown): ModelSettingsCheck {
  const fail = (message: string): ModelSettingsCheck => ({ ok: false, problems: [{ field: '', message }] });
  if (!isPlainObject(raw) || !isPlainObject(raw.model) || !isPlainObject(raw.training)) return fail('the settings must have a data kind, a model and a training section');
  const extra = Object.keys(raw).filter((k) => k !== 'kind' && k !== 'model' && k !== 'training');
  if (extra.length > 0) return fail(`unknown setting ${extra[0]}`);
  let text: string;
  try {
    text = JSON.stringify({ data: { path: PLACEHOLDER_PATH, kind: raw.kind }, model: raw.model, training: raw.training });
  } catch {
    return fail('the settings are not plain values');
  }
  if (text.length > MAX_SETTINGS_CHARS) return fail('the settings are too large');
  const parsed = parseExperiment(text);
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
      cell: config.model,
      ...(config.model === 'rnn' && config.nonlinearity !== undefined ? { nonlinearity: config.nonlinearity } : {}),
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
      clip: config.clipNorm,
      steps: config.maxSteps,
      seed: config.seed,
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
