// Entry of the Model view (sidebar; bundled to dist/webview/modelView.js): a form for an experiment's data kind, model
// and training, prefilled from the user's settings (or a run, for "Duplicate with Changes…"), checked on every key
// with the host's own checker (inline message under the field, Train disabled with the reason), and Train / Save as
// Experiment File… for the file the host names. What the user typed survives hiding and reloads (setState).
import type { ModelSettings } from '../../src/shared/modelSettings';
import type { HostToModelView, ModelViewTarget, ModelViewToHost } from '../../src/shared/webviewProtocol';
import { adoptStyles } from '../common/dom';
import { registerToolkit } from '../common/toolkit';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import { applies, bidirectionalAllowed, checkForm, FIELD_IDS, fieldLabel, valuesFromSettings, type FieldId, type FormCheck, type FormValues } from './fields';
import { buildLayout } from './layout';
import css from './model.css';

interface SavedModelView {
  values?: FormValues;
  /** Fields the user changed: new defaults from the settings leave them alone. */
  touched?: FieldId[];
  defaults?: ModelSettings;
  target?: ModelViewTarget;
  status?: { message: string; error: boolean };
}

registerToolkit();
adoptStyles(css);
const ui = buildLayout(document.getElementById('root') ?? document.body);

const saved = getState<SavedModelView>() ?? {};
let values: FormValues | undefined = saved.values;
const touched = new Set<FieldId>(saved.touched ?? []);
let defaults: ModelSettings | undefined = saved.defaults;
let target: ModelViewTarget | undefined = saved.target;
let status = saved.status;
let check: FormCheck | undefined;
/** True while the page itself sets controls (a toolkit checkbox reports that as a user's change). */
let writing = false;

function save(): void {
  setState<SavedModelView>({ values, touched: [...touched], defaults, target, status });
}

function readControl(id: FieldId): string {
  const control = ui.fields[id].control;
  return id === 'bidirectional' ? String(control.checked === true) : (control.value ?? '');
}

function writeControls(v: FormValues): void {
  writing = true;
  for (const id of FIELD_IDS) {
    const control = ui.fields[id].control;
    if (id === 'bidirectional') control.checked = v.bidirectional === 'true';
    else control.value = v[id];
  }
  writing = false;
}

/** Shows one field's problem under it (or clears it), and points the control at the message while it is shown. */
function showFieldProblem(id: FieldId, message: string | undefined): void {
  const { control, hint, error } = ui.fields[id];
  error.textContent = message ?? '';
  error.hidden = message === undefined;
  const describedBy = [hint?.id, message === undefined ? undefined : error.id].filter(Boolean).join(' ');
  if (describedBy) control.setAttribute('aria-describedby', describedBy);
  else control.removeAttribute('aria-describedby');
  if (message === undefined) control.removeAttribute('aria-invalid');
  else control.setAttribute('aria-invalid', 'true');
}

/** Why Train cannot run now, or undefined. */
function trainBlocker(): string | undefined {
  if (!values) return 'Waiting for the settings…';
  if (check && !check.ok) {
    const first = FIELD_IDS.find((id) => check && !check.ok && check.byField[id] !== undefined);
    return first ? `Fix ${fieldLabel(first)} first.` : 'Fix the settings first.';
  }
  if (!target?.fileLabel) return target?.reason ?? 'Open a file to train on.';
  return undefined;
}

function render(): void {
  if (target) {
    ui.target.textContent = target.fileLabel ? `Train on: ${target.fileLabel}` : (target.reason ?? '');
    ui.duplicate.hidden = target.duplicating === null;
    ui.duplicateNote.textContent = target.duplicating === null ? '' : `Duplicating ${target.duplicating} — change settings and Train`;
  }
  if (values) {
    for (const id of FIELD_IDS) ui.fields[id].box.hidden = !applies(id, values);
    const bidirectional = ui.fields.bidirectional;
    bidirectional.control.disabled = !bidirectionalAllowed(values);
    // Shown as it will be sent: off while the data kind rules it out (the choice comes back with tagged data).
    writing = true;
    bidirectional.control.checked = bidirectionalAllowed(values) && values.bidirectional === 'true';
    writing = false;
    if (bidirectional.hint) bidirectional.hint.hidden = bidirectionalAllowed(values);
    check = checkForm(values);
    for (const id of FIELD_IDS) showFieldProblem(id, check.ok ? undefined : check.byField[id]);
    ui.general.textContent = check.ok ? '' : check.general.join(' ');
    ui.general.hidden = check.ok || check.general.length === 0;
  }
  const blocker = trainBlocker();
  ui.train.disabled = blocker !== undefined;
  ui.save.disabled = blocker !== undefined;
  ui.reset.disabled = defaults === undefined;
  ui.trainReason.textContent = blocker ?? '';
  ui.trainReason.hidden = blocker === undefined;
  ui.status.textContent = status?.message ?? '';
  ui.status.classList.toggle('error', status?.error === true);
}

/** The defaults, with the data kind the target file suggests. */
function defaultValues(): FormValues | undefined {
  if (!defaults) return undefined;
  const v = valuesFromSettings(defaults);
  return target?.suggestedKind ? { ...v, kind: target.suggestedKind } : v;
}

function onEdit(id: FieldId): void {
  if (!values || writing) return;
  values = { ...values, [id]: readControl(id) };
  touched.add(id);
  status = undefined;
  render();
  save();
}

for (const id of FIELD_IDS) {
  const control = ui.fields[id].control;
  control.addEventListener(id === 'bidirectional' || control.tagName === 'VSCODE-DROPDOWN' ? 'change' : 'input', () => onEdit(id));
}

function send(type: 'train' | 'saveExperiment'): void {
  if (!values) return;
  const checked = checkForm(values);
  if (!checked.ok || trainBlocker() !== undefined) {
    render();
    return;
  }
  status = { message: type === 'train' ? 'Starting…' : 'Choose where to save the experiment file…', error: false };
  post<ModelViewToHost>({ type, settings: checked.settings });
  render();
  save();
}

ui.train.addEventListener('click', () => send('train'));
// Enter in a text field trains, as in a form (the field's problem stays shown when it cannot).
for (const id of FIELD_IDS) {
  const control = ui.fields[id].control;
  if (control.tagName !== 'VSCODE-TEXT-FIELD') continue;
  control.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter') send('train');
  });
}
ui.save.addEventListener('click', () => send('saveExperiment'));
ui.reset.addEventListener('click', () => {
  const v = defaultValues();
  if (!v) return;
  values = v;
  touched.clear();
  status = undefined;
  writeControls(values);
  render();
  save();
});
ui.useActive.addEventListener('click', () => post<ModelViewToHost>({ type: 'useActiveFile' }));

onMessage<HostToModelView>({
  defaults: (m) => {
    defaults = m.settings;
    const fresh = defaultValues()!;
    // New defaults replace only what the user has not changed.
    values = values ? (Object.fromEntries(FIELD_IDS.map((id) => [id, touched.has(id) ? values![id] : fresh[id]])) as FormValues) : fresh;
    writeControls(values);
    render();
    save();
  },
  target: (m) => {
    target = m.target;
    if (values && !touched.has('kind') && target.suggestedKind && values.kind !== target.suggestedKind) {
      values = { ...values, kind: target.suggestedKind };
      writeControls(values);
    }
    render();
    save();
  },
  prefill: (m) => {
    values = valuesFromSettings(m.settings);
    for (const id of FIELD_IDS) touched.add(id);
    status = undefined;
    writeControls(values);
    render();
    save();
  },
  status: (m) => {
    status = { message: m.message, error: m.error };
    render();
    save();
  },
});

if (values) writeControls(values);
render();
post<ModelViewToHost>({ type: 'ready' });
