// Every page → host channel in src/shared/protocol/ and every host → worker channel (training, taggers, examples,
// analysis): each message type has a validator (its schema names the type), a valid sample of each passes unchanged,
// and changing any one field — its type, a bound (below min, above max, a fraction for a whole number, NaN, ±Infinity,
// one character or item too many), a required key left out, a key the message does not name — is refused (or, on the
// channels that always dropped unknown keys, dropped). The mutations are read from the schema itself, so a field added
// to a message is mutated the day it is added.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelSettingsFromConfig } from '../../src/shared/modelSettings';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { ComparePanelToHost } from '../../src/shared/protocol/comparePanel';
import { parseComparePanelMessage } from '../../src/shared/protocol/comparePanel';
import { parseExportedImageMessage, type ExportedImageMessage } from '../../src/shared/protocol/exportImage';
import { MAX_GATES_WINDOW, MAX_SEARCH_UNITS, parseGatesPanelMessage, type GatesPanelToHost } from '../../src/shared/protocol/gatesPanel';
import { parseGradientPanelMessage, type GradientPanelToHost } from '../../src/shared/protocol/gradientFlowPanel';
import { parseGradientLabPanelMessage, type GradientLabPanelToHost } from '../../src/shared/protocol/gradientLabPanel';
import { parseHmmFitPanelMessage, type HmmFitPanelToHost } from '../../src/shared/protocol/hmmFitPanel';
import { parseMarkovPanelMessage, type MarkovPanelToHost } from '../../src/shared/protocol/markovPanel';
import { parseModelViewMessage, type ModelViewToHost } from '../../src/shared/protocol/modelView';
import { DEFAULT_TAGGER_SETTINGS } from '../../src/shared/protocol/taggerComparison';
import { parseTaggersPanelMessage, type TaggersPanelToHost } from '../../src/shared/protocol/taggersPanel';
import { parseTrainingPanelMessage, type TrainingPanelToHost } from '../../src/shared/protocol/trainingPanel';
import { parseTrellisPanelMessage, type TrellisPanelToHost } from '../../src/shared/protocol/trellisPanel';
import { parseHostToWorker, type HostToWorker } from '../../src/shared/protocol/trainingWorker';
import { parseHostToTaggersWorker, type HostToTaggersWorker } from '../../src/shared/protocol/taggersWorker';
import { parseGenerateExampleRequest } from '../../src/shared/protocol/examplesWorker';
import { parseHostToAnalysisWorker, type HostToAnalysisWorker } from '../../src/shared/protocol/analysisWorker';
import { variant } from '../../src/shared/protocol/schema';
import { objectShape, tagsOf, type Parser, type Schema } from '../../src/shared/protocol/schema';

/** One valid message per type: the record type makes the compiler insist on every member of the union. */
type Samples<M extends { type: string }> = { [K in M['type']]: Extract<M, { type: K }> };

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const SETTINGS = modelSettingsFromConfig(DEFAULT_CONFIG);

const training: Samples<TrainingPanelToHost> = {
  ready: { type: 'ready' },
  stop: { type: 'stop', runId: 'run-1' },
  pause: { type: 'pause', runId: 'run-1' },
  resume: { type: 'resume', runId: 'run-1' },
  step: { type: 'step', runId: 'run-1' },
  resample: { type: 'resample', runId: 'run-1', temperature: 0.7, greedy: true },
};
const trellis: Samples<TrellisPanelToHost> = { ready: { type: 'ready' }, selectStep: { type: 'selectStep', step: 12 } };
const markov: Samples<MarkovPanelToHost> = {
  ready: { type: 'ready' },
  showSurprisal: { type: 'showSurprisal', order: 3 },
  sample: { type: 'sample', order: 2, smoothing: 'kneser-ney', seed: 7, length: 200 },
};
const hmmFit: Samples<HmmFitPanelToHost> = {
  ready: { type: 'ready' }, cancel: { type: 'cancel' }, saveModel: { type: 'saveModel' }, decode: { type: 'decode' },
  sample: { type: 'sample', length: 40, seed: 3 }, selectStep: { type: 'selectStep', step: 9 },
};
const gradientFlow: Samples<GradientPanelToHost> = { ready: { type: 'ready' }, refresh: { type: 'refresh' }, revealStep: { type: 'revealStep', t: 5 } };
const taggers: Samples<TaggersPanelToHost> = { ready: { type: 'ready' }, stop: { type: 'stop' }, train: { type: 'train', settings: { ...DEFAULT_TAGGER_SETTINGS } } };
const gates: Samples<GatesPanelToHost> = {
  ready: { type: 'ready' },
  refresh: { type: 'refresh' },
  revealStep: { type: 'revealStep', t: 3 },
  recurrence: { type: 'recurrence', chain: 1, t: 4 },
  searchFile: { type: 'searchFile', layer: 0, series: 'c', units: [3, 7], threshold: 0.5, queryLength: 6 },
  cancelSearch: { type: 'cancelSearch' },
  showMatch: { type: 'showMatch', index: 2 },
  stepMatch: { type: 'stepMatch', direction: -1 },
};
const compare: Samples<ComparePanelToHost> = { ready: { type: 'ready' }, openRun: { type: 'openRun', runId: 'run-2' } };
const gradientLab: Samples<GradientLabPanelToHost> = {
  ready: { type: 'ready' },
  compute: { type: 'compute', requestId: 4, spectralRadius: 1.05, steps: 50, hiddenSize: 16, seed: 1, forgetBias: 1 },
  listTrainedRuns: { type: 'listTrainedRuns' },
  computeTrained: { type: 'computeTrained', requestId: 5, rnnRunId: 'rnn-1', lstmRunId: 'lstm-1', steps: 60 },
};
const modelView: Samples<ModelViewToHost> = {
  ready: { type: 'ready' },
  train: { type: 'train', settings: SETTINGS },
  saveExperiment: { type: 'saveExperiment', settings: SETTINGS },
  useActiveFile: { type: 'useActiveFile' },
};
const exportImage: Samples<ExportedImageMessage> = {
  exportedImage: { type: 'exportedImage', format: 'png', bytes: PNG },
  exportImageFailed: { type: 'exportImageFailed', format: 'svg', error: 'no canvas' },
};

/** Every setting a run may have, so each is mutated (the host → worker channel carries it in train and reconfigure). */
const FULL_CONFIG = {
  ...DEFAULT_CONFIG, cell: 'rnn' as const, checkpointEvery: 50, dataKind: 'tagged' as const, nonlinearity: 'relu' as const, init: 'orthogonal' as const,
  bidirectional: true, embedding: 8, truncate: 16, batch: 4, momentum: 0.9, spectralRadius: 1.1, maxVocabulary: 5000,
};
const MODEL_BYTES = new Uint8Array([1, 2, 3]);
const worker: Samples<HostToWorker> = {
  train: {
    type: 'train', runId: 'run-1', text: 'hello world', config: FULL_CONFIG,
    restore: { model: MODEL_BYTES, state: new Uint8Array([4]), heldOut: { description: 'the last 10%', trainCount: 9, heldOutCount: 1 } },
    startPaused: true,
  },
  stop: { type: 'stop', runId: 'run-1' },
  pause: { type: 'pause', runId: 'run-1' },
  resume: { type: 'resume', runId: 'run-1' },
  step: { type: 'step', runId: 'run-1' },
  reconfigure: { type: 'reconfigure', runId: 'run-1', config: { ...DEFAULT_CONFIG, learningRate: 0.01, clip: 1 } },
  sample: { type: 'sample', runId: 'run-1', temperature: 0.5, length: 200, greedy: false },
  dispose: { type: 'dispose', runId: 'run-1' },
  traceGradients: { type: 'traceGradients', runId: 'run-1', requestId: 3, start: 10, length: 64 },
  traceActivations: { type: 'traceActivations', runId: 'run-1', requestId: 4, start: 0, length: 32, recurrence: { chain: 1, t: 5 } },
  inferText: { type: 'inferText', runId: 'run-1', requestId: 5, text: 'abc', warmup: 1, quantity: { kind: 'series', layer: 0, series: 'f', unit: 3 } },
  tagText: { type: 'tagText', runId: 'run-1', requestId: 6, text: 'the\tDET\n' },
  searchUnits: { type: 'searchUnits', runId: 'run-1', requestId: 7, text: 'abc', query: { layer: 0, series: 'c', units: [1, 4], threshold: 0.5, queryLength: 3 } },
  cancelUnitSearch: { type: 'cancelUnitSearch', runId: 'run-1', requestId: 7 },
};

const taggersWorker: Samples<HostToTaggersWorker> = {
  compareTaggers: { type: 'compareTaggers', requestId: 't1', trainText: 'the\tDET\n', heldOutText: 'a\tDET\n', settings: { ...DEFAULT_TAGGER_SETTINGS } },
  stopTaggers: { type: 'stopTaggers', requestId: 't1' },
};
const analysisWorker: Samples<HostToAnalysisWorker> = {
  markovSurprisal: { type: 'markovSurprisal', requestId: 'a1', text: 'abc', order: 3 },
  hmmDecode: { type: 'hmmDecode', requestId: 'a2', text: 'abc', source: { kind: 'modelJson', modelText: '{}', modelLabel: 'm.json' } },
  markovOrders: { type: 'markovOrders', requestId: 'a3', text: 'abc', unit: 'word', seed: 1, sampleLength: 20 },
  hmmFit: { type: 'hmmFit', requestId: 'a4', text: 'a,b', input: { kind: 'csv', columns: [0, 1] }, options: { states: 3, restarts: 2, seed: 1, maxIterations: 50, tolerance: 1e-4 } },
  hmmFitCancel: { type: 'hmmFitCancel', requestId: 'a5', fitRequestId: 'a4' },
  hmmSample: { type: 'hmmSample', requestId: 'a6', modelText: '{}', length: 10, seed: 2 },
  csvColumns: { type: 'csvColumns', requestId: 'a7', text: 'a,b' },
  markovSample: { type: 'markovSample', requestId: 'a8', text: 'abc', unit: 'char', order: 2, smoothing: 'kneser-ney', seed: 3, length: 40 },
  gradientLab: { type: 'gradientLab', requestId: 'a9', text: '', spectralRadius: 1.1, steps: 50, hiddenSize: 8, seed: 1, forgetBias: 1 },
  gradientLabTrained: { type: 'gradientLabTrained', requestId: 'a10', rnnModel: new Uint8Array(2), lstmModel: new Uint8Array(3), text: 'abc', steps: 20 },
};
const examplesWorker = { generateExample: { type: 'generateExample', requestId: 'example1', example: 'adding', seed: 3, length: 80 } };
/** The examples channel has one request: walked as a one-member union. */
const parseExampleRequest = Object.assign((raw: unknown) => parseGenerateExampleRequest(raw), {
  schema: variant('type', [parseGenerateExampleRequest.schema]),
}) as Parser<unknown>;

const channels: [string, Parser<unknown>, Record<string, unknown>][] = [
  ['Training panel', parseTrainingPanelMessage, training],
  ['Trellis panel', parseTrellisPanelMessage, trellis],
  ['Markov Orders panel', parseMarkovPanelMessage, markov],
  ['HMM Fit panel', parseHmmFitPanelMessage, hmmFit],
  ['Gradient Flow panel', parseGradientPanelMessage, gradientFlow],
  ['Tagger Comparison panel', parseTaggersPanelMessage, taggers],
  ['Gates and Unrolled panels', parseGatesPanelMessage, gates],
  ['Compare Runs panel', parseComparePanelMessage, compare],
  ['Gradient Lab', parseGradientLabPanelMessage, gradientLab],
  ['Model view', parseModelViewMessage, modelView],
  ['every panel (image export)', parseExportedImageMessage, exportImage],
  ['host → training worker', parseHostToWorker, worker],
  ['host → taggers worker', parseHostToTaggersWorker, taggersWorker],
  ['host → examples worker', parseExampleRequest, examplesWorker],
  ['host → analysis worker', parseHostToAnalysisWorker, analysisWorker],
];

type Path = (string | number)[];
const DELETE = Symbol('delete');

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  const next = setAt(copy[head], rest, value);
  if (next === DELETE) delete copy[head];
  else copy[head] = next;
  return copy;
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}

/** Replacements for the value at `path` that the schema must refuse, each with what it breaks. */
function mutants(schema: Schema<unknown>, value: unknown, path: Path): [string, Path, unknown][] {
  const at = (what: string, v: unknown): [string, Path, unknown] => [`${path.join('.') || '(message)'}: ${what}`, path, v];
  const info = schema.info;
  switch (info.kind) {
    case 'literal':
      return [at('another value', `not-${String(info.value)}`), at('wrong type', typeof info.value === 'string' ? 1 : 'x')];
    case 'picklist':
      return [at('not a choice', 'not-a-choice'), at('not a choice (number)', 12345), at('missing value', null)];
    case 'string': {
      const out = [at('wrong type', 42), at(`${info.max + 1} characters (max ${info.max})`, 'a'.repeat(info.max + 1)), at('null', null)];
      if (info.min > 0) out.push(at('empty', ''));
      if (info.pattern && !info.pattern.test('../etc/passwd')) out.push(at('a path', '../etc/passwd'));
      return out;
    }
    case 'number': {
      const v = value as number;
      const out = [
        at('a string', String(v)), at('NaN', NaN), at('Infinity', Infinity), at('-Infinity', -Infinity),
        at(`below min ${info.min}`, info.min - 1), at(`above max ${info.max}`, info.max + 1), at('null', null),
      ];
      if (info.integer) out.push(at('a fraction', v + 0.5 <= info.max ? v + 0.5 : v - 0.5));
      return out;
    }
    case 'boolean':
      return [at('a string', 'true'), at('a number', 1)];
    case 'array': {
      const items = value as unknown[];
      const out = [at('wrong type', 'x'), at('an object', { 0: items[0] })];
      out.push(at(`${info.max + 1} items (max ${info.max})`, Array.from({ length: info.max + 1 }, (_, i) => items[i % items.length])));
      if (info.min > 0) out.push(at('empty', []));
      if (info.unique && items.length > 0) out.push(at('an item twice', [...items, items[0]]));
      items.forEach((item, i) => out.push(...mutants(info.item, item, [...path, i])));
      return out;
    }
    case 'typedArray':
      return [at('a plain array', Array.from(value as ArrayLike<number>)), at('wrong type', 'x')];
    case 'object': {
      const object = value as Record<string, unknown>;
      const out = [at('wrong type', 'x'), at('an array', [])];
      if (path.length > 0 && info.unknownKeys === 'reject') out.push(at('an unknown key', { ...object, path: '/etc/passwd' }));
      for (const [key, field] of Object.entries(info.shape)) {
        if (!(key in object)) continue;
        if (!field.optional) out.push([`${[...path, key].join('.')}: left out`, [...path, key], DELETE]);
        out.push(...mutants(field, object[key], [...path, key]));
      }
      return out;
    }
    case 'variant':
      return [];
    case 'refined':
      // A rule on top of a schema: whatever the inner schema refuses is refused too.
      return mutants(info.inner, value, path);
    case 'custom':
      return [at('wrong type', 'x'), at('null', null), at('an array', [])];
  }
}

for (const [channel, parse, samples] of channels) {
  describe(`${channel} channel`, () => {
    it('every message type has a validator and a sample, and each sample passes unchanged', () => {
      assert.deepEqual(tagsOf(parse.schema).sort(), Object.keys(samples).sort());
      for (const sample of Object.values(samples)) assert.deepEqual(parse(sample), sample, JSON.stringify(sample));
    });

    it('refuses every message with one field of the wrong type or out of bounds', () => {
      let count = 0;
      for (const [tag, sample] of Object.entries(samples)) {
        const option = parse.schema.info.kind === 'variant' ? parse.schema.info.options[tag] : undefined;
        assert.ok(option && objectShape(option), `no object schema for ${tag}`);
        for (const [what, path, replacement] of mutants(option, sample, [])) {
          if (path.length === 0) continue; // the whole message replaced: the fuzz tests cover non-objects
          const mutated = setAt(sample, path, replacement);
          assert.equal(parse(mutated), undefined, `${tag} with ${what} passed: ${JSON.stringify(getAt(mutated, path.slice(0, 1)))?.slice(0, 120)}`);
          count++;
        }
      }
      assert.ok(count >= Object.keys(samples).length, `only ${count} mutations`);
    });

    it('a key the message does not name is refused, or dropped on channels that always dropped it', () => {
      for (const [tag, sample] of Object.entries(samples)) {
        const option = parse.schema.info.kind === 'variant' ? parse.schema.info.options[tag] : undefined;
        const info = option && (option.info.kind === 'refined' ? option.info.inner.info : option.info);
        const withPath = { ...(sample as object), path: '/etc/passwd' };
        if (info?.kind === 'object' && info.unknownKeys === 'strip') assert.deepEqual(parse(withPath), parse(sample), tag);
        else assert.equal(parse(withPath), undefined, tag);
      }
    });
  });
}

describe('bounds named by the channels', () => {
  it('the Gates search refuses a unit at MAX_SEARCH_UNITS and a query longer than the window', () => {
    const ok = gates.searchFile;
    assert.deepEqual(parseGatesPanelMessage({ ...ok, units: [MAX_SEARCH_UNITS - 1] }), { ...ok, units: [MAX_SEARCH_UNITS - 1] });
    assert.equal(parseGatesPanelMessage({ ...ok, units: [MAX_SEARCH_UNITS] }), undefined);
    assert.equal(parseGatesPanelMessage({ ...ok, queryLength: MAX_GATES_WINDOW + 1 }), undefined);
    const sparse = [1, 2, 3];
    delete sparse[1];
    assert.equal(parseGatesPanelMessage({ ...ok, units: sparse }), undefined, 'a sparse array');
  });

  it('an optional key is left out, not sent as undefined, where a channel names its keys exactly', () => {
    assert.deepEqual(parseExportedImageMessage({ type: 'exportImageFailed', error: 'x' }), { type: 'exportImageFailed', error: 'x' });
    assert.equal(parseExportedImageMessage({ type: 'exportImageFailed', format: undefined, error: 'x' }), undefined);
    // The Training panel always dropped what it does not need: greedy undefined is no greedy.
    assert.deepEqual(parseTrainingPanelMessage({ type: 'resample', runId: 'r', temperature: 1, greedy: undefined }), { type: 'resample', runId: 'r', temperature: 1 });
  });
});
