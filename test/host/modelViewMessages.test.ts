// The host's check of what the Model view posts (parseModelViewMessage): the experiment file's own rules, so a
// settings object the host accepts is exactly one an experiment file accepts; anything else is dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../src/shared/experimentFile';
import { checkModelSettings, modelSettingsExperiment, modelSettingsFromConfig, suggestedDataKind, type ModelSettings } from '../../src/shared/modelSettings';
import { CONFIG_LIMITS, DEFAULT_CONFIG, LAYERS_LIMIT } from '../../src/shared/trainingConfig';
import { parseModelViewMessage } from '../../src/shared/protocol/modelView';

const VALID: ModelSettings = modelSettingsFromConfig(DEFAULT_CONFIG);

function withModel(change: Record<string, unknown>): unknown {
  return { ...VALID, model: { ...VALID.model, ...change } };
}

function withTraining(change: Record<string, unknown>): unknown {
  return { ...VALID, training: { ...VALID.training, ...change } };
}

describe('Model view messages', () => {
  it('accepts ready, useActiveFile, and train/save with valid settings, keeping every field', () => {
    assert.deepEqual(parseModelViewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseModelViewMessage({ type: 'useActiveFile' }), { type: 'useActiveFile' });
    const tagger = { kind: 'tagged', model: { ...VALID.model, bidirectional: true, embedding: 16 }, training: { ...VALID.training, batch: 8 } };
    assert.deepEqual(parseModelViewMessage({ type: 'train', settings: tagger }), { type: 'train', settings: tagger });
    assert.deepEqual(parseModelViewMessage({ type: 'saveExperiment', settings: VALID }), { type: 'saveExperiment', settings: VALID });
  });

  it('rejects malformed messages and out-of-range or contradictory settings', () => {
    const bad: unknown[] = [
      null, 'train', [], { type: 'train' }, { type: 'launch', settings: VALID }, { type: 'ready', extra: 1 },
      { type: 'train', settings: VALID, path: '/etc/passwd' },
      { type: 'train', settings: { ...VALID, path: '/etc/passwd' } },
      { type: 'train', settings: { ...VALID, kind: 'pixels' } },
      { type: 'train', settings: withModel({ hiddenSize: CONFIG_LIMITS.hiddenSize.max + 1 }) },
      { type: 'train', settings: withModel({ hiddenSize: 0 }) },
      { type: 'train', settings: withModel({ hiddenSize: 12.5 }) },
      { type: 'train', settings: withModel({ hiddenSize: '64' }) },
      { type: 'train', settings: withModel({ layers: LAYERS_LIMIT.max + 1 }) },
      { type: 'train', settings: withModel({ cell: 'transformer' }) },
      { type: 'train', settings: withModel({ bidirectional: true }) }, // characters: a language model must not read ahead
      { type: 'train', settings: withModel({ cell: 'gru', nonlinearity: 'relu' }) },
      { type: 'train', settings: withModel({ file: 'x' }) },
      { type: 'train', settings: withTraining({ learningRate: NaN }) },
      { type: 'train', settings: withTraining({ learningRate: Infinity }) },
      { type: 'train', settings: withTraining({ momentum: 0.9 }) }, // Adam: momentum is SGD's
      { type: 'train', settings: withTraining({ seed: -1 }) },
      { type: 'train', settings: withTraining({ steps: Float64Array.of(10) }) },
      { type: 'train', settings: { ...VALID, model: 'rnn' } },
      { type: 'saveExperiment', settings: { ...VALID, training: { ...VALID.training, seqLength: 'x'.repeat(20_000) } } },
    ];
    for (const raw of bad) assert.equal(parseModelViewMessage(raw), undefined, JSON.stringify(raw, (_k, v) => (typeof v === 'string' && v.length > 40 ? `${v.slice(0, 40)}…` : v)));
  });

  it('names the field and its range in words, the way an experiment file does', () => {
    const checked = checkModelSettings(withModel({ hiddenSize: 0 }));
    assert.equal(checked.ok, false);
    assert.deepEqual(!checked.ok && checked.problems, [
      { field: 'model.hiddenSize', message: `Hidden size must be a whole number from ${CONFIG_LIMITS.hiddenSize.min} to ${CONFIG_LIMITS.hiddenSize.max} (got 0)` },
    ]);
    const conflict = checkModelSettings(withTraining({ momentum: 0.5 }));
    assert.ok(!conflict.ok && conflict.problems[0].field === 'training.momentum' && /Momentum applies to the "sgd" optimizer only/.test(conflict.problems[0].message));
  });

  it('the settings of a run (or the user settings) become an experiment file that parses back to the same choices', () => {
    const config = { ...DEFAULT_CONFIG, cell: 'lstm' as const, layers: 2, hiddenSize: 96, optimizer: 'sgd' as const, momentum: 0.9, dataKind: 'words' as const, embedding: 32, truncate: 16, batch: 4, init: 'orthogonal' as const, spectralRadius: 0.95 };
    const settings = modelSettingsFromConfig(config);
    const experiment = modelSettingsExperiment(settings, 'verse.txt', { temperature: 0.8, every: 100, length: 200 });
    const parsed = parseExperiment(JSON.stringify(experiment));
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
    assert.deepEqual(parsed.experiment, experiment);
    assert.equal(parsed.experiment.model.hiddenSize, 96);
    assert.equal(parsed.experiment.training.momentum, 0.9);
  });

  it('suggests the data kind from the file name', () => {
    assert.equal(suggestedDataKind('pos-train.TSV'), 'tagged');
    assert.equal(suggestedDataKind('sine.csv'), 'series');
    assert.equal(suggestedDataKind('verse.txt'), 'characters');
  });
});
