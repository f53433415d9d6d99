// The Model view's settings are checked on the value itself (issue 16: the page used to stringify them to JSON and
// re-parse the text on every keystroke): the same rules and words as the experiment file for the same values, no
// JSON round trip, and values JSON cannot hold (NaN, ±Infinity, class instances, too much) refused in words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../src/shared/experimentFile';
import { checkModelSettings, MODEL_FIELD_LABELS, modelSettingsFromConfig } from '../../src/shared/modelSettings';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';

const SETTINGS = modelSettingsFromConfig({ ...DEFAULT_CONFIG, cell: 'lstm', layers: 2 });

test('checking settings makes no JSON text and parses none', (t) => {
  const stringify = t.mock.method(JSON, 'stringify');
  const parse = t.mock.method(JSON, 'parse');
  const checked = checkModelSettings(SETTINGS);
  assert.deepEqual(checked, { ok: true, settings: SETTINGS });
  assert.ok(!checkModelSettings({ ...SETTINGS, model: { ...SETTINGS.model, hiddenSize: 0 } }).ok);
  assert.equal(stringify.mock.callCount(), 0);
  assert.equal(parse.mock.callCount(), 0);
});

test('each field breaks with the experiment file\'s own words (the form\'s labels in place of the paths)', () => {
  const bad: [section: 'model' | 'training', key: string, value: unknown][] = [
    ['model', 'hiddenSize', 0], ['model', 'hiddenSize', 1.5], ['model', 'hiddenSize', '64'], ['model', 'cell', 'transformer'],
    ['model', 'layers', 5], ['model', 'embedding', 2000], ['model', 'bidirectional', 'yes'], ['model', 'hidden', 3],
    ['training', 'clip', -1], ['training', 'steps', 0], ['training', 'batch', 300], ['training', 'optimizer', 'adamw'],
    ['training', 'momentum', 0.9], ['training', 'seqLength', { n: 3 }], ['training', 'truncate', [1]],
  ];
  for (const [section, key, value] of bad) {
    const settings = { ...SETTINGS, [section]: { ...SETTINGS[section], [key]: value } };
    const fromValue = checkModelSettings(settings);
    const file = parseExperiment(JSON.stringify({ data: { path: 'data', kind: settings.kind }, model: settings.model, training: settings.training }));
    assert.ok(!fromValue.ok && !file.ok, `${section}.${key} = ${String(value)}`);
    const label = (m: string) => m.replace(/\b(data|model|training)\.([A-Za-z]+)\b/g, (whole) => MODEL_FIELD_LABELS[whole] ?? whole);
    assert.deepEqual(fromValue.problems, file.problems.map((p) => ({ field: p.path, message: label(p.message) })), `${section}.${key}`);
  }
});

test('values JSON cannot hold are refused, not turned into null or dropped', () => {
  const withHidden = (hiddenSize: unknown) => checkModelSettings({ ...SETTINGS, model: { ...SETTINGS.model, hiddenSize } });
  for (const [value, shown] of [[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']] as const) {
    const checked = withHidden(value);
    assert.ok(!checked.ok);
    assert.deepEqual(checked.problems, [{ field: 'model.hiddenSize', message: `Hidden size must be a whole number from 1 to 1024 (got ${shown})` }]);
  }
  for (const value of [new Date(0), new Map(), new Float32Array(2), 10n]) {
    const checked = withHidden(value);
    assert.ok(!checked.ok, String(value));
    assert.deepEqual(checked.problems, [{ field: '', message: 'the settings are not plain values' }]);
  }
  // An undefined value is an absent key, as in JSON: the default applies.
  const absent = checkModelSettings({ ...SETTINGS, model: { ...SETTINGS.model, embedding: undefined } });
  assert.ok(absent.ok && absent.settings.model.embedding === undefined);
  const many = checkModelSettings({ ...SETTINGS, model: { ...SETTINGS.model, ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])) } });
  assert.deepEqual(many, { ok: false, problems: [{ field: '', message: 'the settings are too large' }] });
  const long = checkModelSettings({ ...SETTINGS, model: { ...SETTINGS.model, cell: 'x'.repeat(20_000) } });
  assert.deepEqual(long, { ok: false, problems: [{ field: '', message: 'the settings are too large' }] });
});
