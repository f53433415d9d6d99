// The Model view's controls, built with the DOM API (no user text in markup: file and run names are set later with
// textContent). Each field: a visible label, a toolkit control, an optional hint and an inline message slot that
// the control points to with aria-describedby while it holds a problem.
import { DATA_KINDS, INIT_SCHEMES, NONLINEARITIES } from '../../src/shared/experimentFile';
import { DTYPES, MODEL_KINDS, OPTIMIZER_KINDS } from '../../src/shared/trainingConfig';
import { el } from '../common/dom';
import { fieldLabel, type FieldId } from './fields';

export type Control = HTMLElement & { value: string; disabled: boolean; checked?: boolean };
export type ToolkitButton = HTMLElement & { disabled: boolean };

const CHOICE_LABELS: Record<string, string> = {
  characters: 'Characters',
  words: 'Words',
  tagged: 'Tagged (token⇥tag lines)',
  series: 'Series (numeric columns)',
  'sequence-to-one': 'Sequence to one (adding problem)',
  rnn: 'RNN',
  gru: 'GRU',
  lstm: 'LSTM',
  tanh: 'tanh',
  relu: 'ReLU',
  adam: 'Adam',
  sgd: 'SGD',
  rmsprop: 'RMSProp',
  pytorch: 'PyTorch default U(±1/√H)',
  xavier: 'Xavier uniform',
  orthogonal: 'Orthogonal W_hh',
  identity: 'Identity W_hh (IRNN)',
  float32: 'float32 (fast, as PyTorch)',
  float64: 'float64 (reference)',
};

const CHOICES: Partial<Record<FieldId, readonly string[]>> = {
  kind: DATA_KINDS,
  cell: MODEL_KINDS,
  nonlinearity: NONLINEARITIES,
  optimizer: OPTIMIZER_KINDS,
  init: INIT_SCHEMES,
  dtype: DTYPES,
};

const HINTS: Partial<Record<FieldId, string>> = {
  embedding: 'Blank: one-hot input.',
  truncate: 'Steps backpropagated per update; blank: the sequence length.',
  momentum: 'Blank: no momentum.',
  clip: 'Largest global gradient norm; 0 turns clipping off.',
  spectralRadius: 'Rescales W_hh to this largest |eigenvalue| after initialisation; blank: as initialised.',
  dtype: 'Of the forward and backward passes; the weights and the optimizer stay float64.',
  bidirectional: 'Only for tagged data: a model that predicts the next token must not read the tokens after it.',
};

const SECTIONS: { legend: string; fields: FieldId[] }[] = [
  { legend: 'Data', fields: ['kind'] },
  { legend: 'Model', fields: ['cell', 'nonlinearity', 'bidirectional', 'layers', 'hiddenSize', 'embedding', 'init', 'spectralRadius'] },
  { legend: 'Training', fields: ['seqLength', 'truncate', 'batch', 'optimizer', 'learningRate', 'momentum', 'clip', 'steps', 'seed', 'dtype'] },
];

export interface FieldParts {
  box: HTMLElement;
  control: Control;
  hint?: HTMLElement;
  error: HTMLElement;
}

function buildField(id: FieldId): FieldParts {
  const box = el('div', { class: 'field', id: `${id}-field` });
  const error = el('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  error.hidden = true;
  const hintText = HINTS[id];
  const hint = hintText === undefined ? undefined : el('p', { class: 'hint', id: `${id}-hint` }, hintText);
  let control: Control;
  const choices = CHOICES[id];
  if (choices) {
    const label = el('label', { class: 'label', id: `${id}-label`, for: id }, fieldLabel(id));
    control = el('vscode-dropdown' as 'div', { id, 'aria-labelledby': `${id}-label` }) as unknown as Control;
    for (const value of choices) control.append(el('vscode-option' as 'div', { value }, CHOICE_LABELS[value] ?? value));
    box.append(label, control);
  } else if (id === 'bidirectional') {
    control = el('vscode-checkbox' as 'div', { id }, fieldLabel(id)) as unknown as Control;
    box.append(control);
  } else {
    control = el('vscode-text-field' as 'div', { id, size: '10' }, fieldLabel(id)) as unknown as Control;
    box.append(control);
  }
  if (hint) {
    box.append(hint);
    control.setAttribute('aria-describedby', hint.id);
  }
  box.append(error);
  return { box, control, hint, error };
}

export interface ModelLayout {
  target: HTMLElement;
  duplicate: HTMLElement;
  duplicateNote: HTMLElement;
  useActive: ToolkitButton;
  fields: Record<FieldId, FieldParts>;
  train: ToolkitButton;
  save: ToolkitButton;
  reset: ToolkitButton;
  trainReason: HTMLElement;
  general: HTMLElement;
  status: HTMLElement;
}

export function buildLayout(root: HTMLElement): ModelLayout {
  root.id = 'model-view';
  const target = el('p', { id: 'target', class: 'target', 'aria-live': 'polite' });
  const duplicate = el('div', { id: 'duplicate', class: 'duplicate' });
  const duplicateNote = el('p', { id: 'duplicate-note' });
  const useActive = el('vscode-button' as 'div', { id: 'use-active', appearance: 'secondary' }, 'Use the Active File Instead') as unknown as ToolkitButton;
  duplicate.append(duplicateNote, useActive);
  duplicate.hidden = true;
  root.append(target, duplicate);

  const fields = {} as Record<FieldId, FieldParts>;
  for (const section of SECTIONS) {
    const fieldset = el('fieldset');
    fieldset.append(el('legend', {}, section.legend));
    for (const id of section.fields) {
      fields[id] = buildField(id);
      fieldset.append(fields[id].box);
    }
    root.append(fieldset);
  }

  const actions = el('div', { class: 'actions' });
  const train = el('vscode-button' as 'div', { id: 'train', 'aria-describedby': 'train-reason' }, 'Train') as unknown as ToolkitButton;
  const save = el('vscode-button' as 'div', { id: 'save', appearance: 'secondary' }, 'Save as Experiment File…') as unknown as ToolkitButton;
  const reset = el('vscode-button' as 'div', { id: 'reset', appearance: 'secondary' }, 'Reset to Defaults') as unknown as ToolkitButton;
  actions.append(train, save, reset);
  const trainReason = el('p', { id: 'train-reason', class: 'reason', 'aria-live': 'polite' });
  const general = el('p', { id: 'general-error', class: 'field-error', role: 'alert' });
  general.hidden = true;
  const status = el('p', { id: 'status', role: 'status' });
  root.append(actions, trainReason, general, status);
  return { target, duplicate, duplicateNote, useActive, fields, train, save, reset, trainReason, general, status };
}
