// Pure (no DOM): the Model view's fields as typed → the settings object the host receives, and each field's problem
// in words. The checking itself is checkModelSettings (src/shared/modelSettings.ts), the function the host runs on
// every posted message, so the page and the host always agree on what is valid.
import { checkModelSettings, MODEL_FIELD_LABELS, type ModelSettings } from '../../src/shared/modelSettings';
import { defaultDtype, float32Trains, type DataKind } from '../../src/shared/trainingConfig';

export const FIELD_IDS = [
  'kind', 'cell', 'nonlinearity', 'bidirectional', 'layers', 'hiddenSize', 'embedding', 'seqLength', 'truncate', 'batch',
  'optimizer', 'learningRate', 'momentum', 'clip', 'init', 'spectralRadius', 'steps', 'seed', 'dtype',
] as const;
export type FieldId = (typeof FIELD_IDS)[number];

/** Every field's text as shown (a checkbox: "true" or "false"). */
export type FormValues = Record<FieldId, string>;

/** Where each field lives in an experiment (and so in MODEL_FIELD_LABELS and the problems' paths). */
export const FIELD_PATHS: Record<FieldId, string> = {
  kind: 'data.kind',
  cell: 'model.cell',
  nonlinearity: 'model.nonlinearity',
  bidirectional: 'model.bidirectional',
  layers: 'model.layers',
  hiddenSize: 'model.hiddenSize',
  embedding: 'model.embedding',
  init: 'model.init',
  spectralRadius: 'model.spectralRadius',
  seqLength: 'training.seqLength',
  truncate: 'training.truncate',
  batch: 'training.batch',
  optimizer: 'training.optimizer',
  learningRate: 'training.learningRate',
  momentum: 'training.momentum',
  clip: 'training.clip',
  steps: 'training.steps',
  seed: 'training.seed',
  dtype: 'training.dtype',
};

export function fieldLabel(id: FieldId): string {
  return MODEL_FIELD_LABELS[FIELD_PATHS[id]] ?? id;
}

/** Optional numbers: left blank, the experiment leaves them out (one-hot input, no truncation, …). */
const OPTIONAL = new Set<FieldId>(['embedding', 'truncate', 'momentum', 'spectralRadius']);
const NUMBERS = new Set<FieldId>(['layers', 'hiddenSize', 'embedding', 'seqLength', 'truncate', 'batch', 'learningRate', 'momentum', 'clip', 'spectralRadius', 'steps', 'seed']);
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Which fields apply to the choices made so far (the others are hidden and not sent). */
export function applies(id: FieldId, v: FormValues): boolean {
  switch (id) {
    case 'nonlinearity':
      return v.cell === 'rnn';
    case 'embedding':
      return v.kind === 'characters' || v.kind === 'words' || v.kind === 'tagged';
    case 'truncate':
      return v.kind !== 'sequence-to-one';
    case 'momentum':
      return v.optimizer === 'sgd';
    case 'dtype':
      // Tagged and sequence-to-one data train in float64 only: nothing to choose.
      return float32Trains(v.kind as DataKind);
    default:
      return true;
  }
}

/** Bidirectional reads the whole sequence, so only a tagger (a tag per token) may use it. */
export function bidirectionalAllowed(v: FormValues): boolean {
  return v.kind === 'tagged';
}

/** A number when the text is one, else the text itself (so the checker names what was typed). */
function typedNumber(text: string): number | string {
  const t = text.trim();
  return NUMBER_TEXT.test(t) ? Number(t) : t;
}

/** The settings object the fields describe (unchecked): the shape the host's parser reads. */
export function candidateSettings(v: FormValues): { kind: string; model: Record<string, unknown>; training: Record<string, unknown> } {
  const out = { kind: v.kind, model: {} as Record<string, unknown>, training: {} as Record<string, unknown> };
  for (const id of FIELD_IDS) {
    if (id === 'kind' || !applies(id, v)) continue;
    const [section, key] = FIELD_PATHS[id].split('.') as ['model' | 'training', string];
    if (id === 'bidirectional') {
      out.model[key] = v.bidirectional === 'true' && bidirectionalAllowed(v);
      continue;
    }
    if (OPTIONAL.has(id) && v[id].trim() === '') continue;
    out[section][key] = NUMBERS.has(id) ? typedNumber(v[id]) : v[id];
  }
  return out;
}

export type FormCheck = { ok: true; settings: ModelSettings } | { ok: false; byField: Partial<Record<FieldId, string>>; general: string[] };

/** Checks the typed fields; each problem goes under its field ("Hidden size must be a whole number from 1 to 1024 …"). */
export function checkForm(v: FormValues): FormCheck {
  const checked = checkModelSettings(candidateSettings(v));
  if (checked.ok) return checked;
  const byField: Partial<Record<FieldId, string>> = {};
  const general: string[] = [];
  for (const problem of checked.problems) {
    const id = FIELD_IDS.find((f) => FIELD_PATHS[f] === problem.field);
    const message = problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
    if (id && byField[id] === undefined) byField[id] = message;
    else if (!id) general.push(message);
  }
  return { ok: false, byField, general };
}

/** The fields showing these settings (absent optional values: blank). */
export function valuesFromSettings(s: ModelSettings): FormValues {
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    kind: s.kind,
    cell: s.model.cell,
    nonlinearity: s.model.nonlinearity ?? 'tanh',
    bidirectional: String(s.model.bidirectional),
    layers: text(s.model.layers),
    hiddenSize: text(s.model.hiddenSize),
    embedding: text(s.model.embedding),
    init: s.model.init ?? 'pytorch',
    spectralRadius: text(s.model.spectralRadius),
    seqLength: text(s.training.seqLength),
    truncate: text(s.training.truncate),
    batch: text(s.training.batch),
    optimizer: s.training.optimizer,
    learningRate: text(s.training.learningRate),
    momentum: text(s.training.momentum),
    clip: text(s.training.clip),
    steps: text(s.training.steps),
    seed: text(s.training.seed),
    // Hidden for tagged and sequence-to-one data (float64 only); shown again as a text's default if the kind changes.
    dtype: s.training.dtype ?? defaultDtype('characters'),
  };
}
