// Experiment files (*.seqlab.json) without VS Code: what a valid file gives, the one-line message and the underlined
// text of every kind of mistake, "did you mean …?", the schema the editor validates with agreeing with the parser and
// the training limits, the command line built from an experiment being one the CLI accepts, and no exception on
// random input.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { run as runTrain } from '../../src/cli/commands/trainModel';
import type { CliIo } from '../../src/cli/commands/cliIo';
import { experimentCommandLine, experimentOutDir } from '../../src/shared/experimentCommandLine';
import {
  EXPERIMENT_FIELDS,
  experimentTrainingConfig,
  findValueRange,
  parseExperiment,
  suggestKey,
  type ExperimentProblem,
  type FieldSpec,
} from '../../src/shared/experimentFile';
import { CONFIG_LIMITS, DEFAULT_CONFIG, defaultDtype, DTYPES, LAYERS_LIMIT, modelLabel, validateTrainingConfig } from '../../src/shared/trainingConfig';
import { trainerConfigOf } from '../../src/worker/modelTrainerConfig';
import { fuzzParams } from '../fixtures/badInputs';

const schema = JSON.parse(readFileSync('media/schemas/seqlab.schema.json', 'utf8'));

const REBER = `{
  "description": "LSTM on the embedded Reber grammar",
  "data": { "path": "embedded-reber.txt", "kind": "characters" },
  "model": { "cell": "lstm", "layers": 1, "hiddenSize": 32, "bidirectional": false },
  "training": { "seqLength": 40, "batch": 1, "optimizer": "adam", "learningRate": 0.01, "clip": 5, "steps": 3000, "seed": 7 }
}
`;

function problemsOf(text: string): ExperimentProblem[] {
  const result = parseExperiment(text);
  assert.equal(result.ok, false, 'expected problems');
  return result.ok ? [] : result.problems;
}

/** The single problem of `text`, with the text it underlines. */
function onlyProblem(text: string): { path: string; message: string; underlined: string } {
  const problems = problemsOf(text);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  const [p] = problems;
  return { path: p.path, message: p.message, underlined: text.slice(p.offset, p.offset + p.length) };
}

function withTraining(fields: string): string {
  return `{ "data": { "path": "a.txt" }, "training": { ${fields} } }`;
}

test('a valid file gives the experiment; absent keys take the defaults of the Training panel', () => {
  const result = parseExperiment(REBER);
  assert.ok(result.ok);
  assert.deepEqual(result.experiment, {
    description: 'LSTM on the embedded Reber grammar',
    data: { path: 'embedded-reber.txt', kind: 'characters' },
    model: { cell: 'lstm', layers: 1, hiddenSize: 32, bidirectional: false },
    training: { seqLength: 40, batch: 1, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 3000, seed: 7 },
    sampling: { temperature: 0.8, every: 100, length: 200 },
  });
  const minimal = parseExperiment('{ "data": { "path": "verse.txt" } }');
  assert.ok(minimal.ok);
  assert.deepEqual(minimal.experiment.model, { cell: DEFAULT_CONFIG.cell, layers: DEFAULT_CONFIG.layers, hiddenSize: DEFAULT_CONFIG.hiddenSize, bidirectional: false });
  assert.equal(minimal.experiment.data.kind, 'characters');
  assert.equal(minimal.experiment.training.learningRate, DEFAULT_CONFIG.learningRate);
  assert.equal(minimal.experiment.training.steps, DEFAULT_CONFIG.steps);
});

test('the experiment maps onto the Training panel config, which passes its validation', () => {
  const result = parseExperiment(REBER);
  assert.ok(result.ok);
  const mapped = experimentTrainingConfig(result.experiment);
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.config, { ...DEFAULT_CONFIG, cell: 'lstm', layers: 1, hiddenSize: 32, optimizer: 'adam', seqLength: 40, learningRate: 0.01, clip: 5, steps: 3000, seed: 7 });
  assert.deepEqual(validateTrainingConfig(mapped.config), []);
});

test('wrong types and out-of-range values: one line naming the key, the allowed values and what was written', () => {
  assert.deepEqual(onlyProblem(withTraining('"learningRate": "fast"')), {
    path: 'training.learningRate',
    message: 'training.learningRate must be a number from 0.000001 to 1 (got "fast")',
    underlined: '"fast"',
  });
  assert.deepEqual(onlyProblem(withTraining('"steps": 2.5')), { path: 'training.steps', message: 'training.steps must be a whole number from 1 to 10000000 (got 2.5)', underlined: '2.5' });
  assert.deepEqual(onlyProblem(withTraining('"clip": -1')), { path: 'training.clip', message: 'training.clip must be a number from 0 to 1000 (got -1)', underlined: '-1' });
  assert.deepEqual(onlyProblem(withTraining('"optimizer": "adamw"')), { path: 'training.optimizer', message: 'training.optimizer must be "adam", "sgd" or "rmsprop" (got "adamw")', underlined: '"adamw"' });
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "model": { "cell": "transformer" } }'), {
    path: 'model.cell',
    message: 'model.cell must be "rnn", "gru" or "lstm" (got "transformer")',
    underlined: '"transformer"',
  });
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "model": { "layers": 9 } }'), { path: 'model.layers', message: 'model.layers must be a whole number from 1 to 4 (got 9)', underlined: '9' });
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "model": { "bidirectional": "yes" } }'), { path: 'model.bidirectional', message: 'model.bidirectional must be true or false (got "yes")', underlined: '"yes"' });
  assert.deepEqual(onlyProblem('{ "data": { "path": 3 } }'), { path: 'data.path', message: 'data.path must be a string (got 3)', underlined: '3' });
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt", "kind": "bytes" } }'), {
    path: 'data.kind',
    message: 'data.kind must be "characters", "words", "tagged", "series" or "sequence-to-one" (got "bytes")',
    underlined: '"bytes"',
  });
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "model": [1, 2] }'), { path: 'model', message: 'model must be an object { … } (got an array)', underlined: '[1, 2]' });
});

test('unknown keys are underlined with a suggestion when one is close, else the allowed keys', () => {
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "model": { "hiden": 64 } }'), {
    path: 'model.hiden',
    message: 'unknown key model.hiden — did you mean hiddenSize?',
    underlined: '"hiden"',
  });
  assert.deepEqual(onlyProblem(withTraining('"learning_rate": 0.1')), { path: 'training.learning_rate', message: 'unknown key training.learning_rate — did you mean learningRate?', underlined: '"learning_rate"' });
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "traning": {} }'), { path: 'traning', message: 'unknown key traning — did you mean training?', underlined: '"traning"' });
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "model": { "dropout": 0.5 } }'), {
    path: 'model.dropout',
    message: 'unknown key model.dropout — allowed here: cell, nonlinearity, layers, hiddenSize, bidirectional, embedding, init, spectralRadius',
    underlined: '"dropout"',
  });
  assert.equal(suggestKey('Seed', ['seed', 'steps']), 'seed');
  assert.equal(suggestKey('lr', ['learningRate', 'clip']), undefined);
  assert.equal(suggestKey('hidden', ['cell', 'hiddenSize']), 'hiddenSize');
});

test('missing, duplicated and contradictory keys', () => {
  const missing = '{ "model": { "cell": "lstm" } }';
  assert.deepEqual(onlyProblem(missing), { path: 'data', message: 'the "data" section is missing', underlined: '{' });
  assert.deepEqual(onlyProblem('{ "data": { "kind": "words" } }'), { path: 'data.path', message: 'data.path is missing', underlined: '{' });
  const duplicate = '{ "data": { "path": "a.txt" }, "model": { "cell": "rnn", "cell": "lstm" } }';
  const dup = onlyProblem(duplicate);
  assert.equal(dup.message, 'duplicate key model.cell: write each key once');
  assert.equal(problemsOf(duplicate)[0].offset, duplicate.lastIndexOf('"cell"'));
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "model": { "cell": "lstm", "nonlinearity": "relu" } }'), {
    path: 'model.nonlinearity',
    message: 'model.nonlinearity applies to the RNN cell only (model.cell is "lstm"); remove it',
    underlined: '"relu"',
  });
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "model": { "bidirectional": true } }'), {
    path: 'model.bidirectional',
    message: 'model.bidirectional needs data.kind "tagged": a model that predicts the next token must not read it (data.kind is "characters")',
    underlined: 'true',
  });
  assert.deepEqual(onlyProblem('{ "data": { "path": "s.csv", "kind": "series" }, "model": { "embedding": 8 } }').message, 'model.embedding applies to tokens (characters, words, tagged), not to numeric series; remove it');
  assert.deepEqual(onlyProblem('{ "data": { "path": "a.txt" }, "training": { "momentum": 0.9 } }').message, 'training.momentum applies to the "sgd" optimizer only (training.optimizer is "adam")');
  for (const absolute of ['/home/me/a.txt', 'C:\\\\data\\\\a.txt', 'file:///a.txt']) {
    const p = onlyProblem(`{ "data": { "path": "${absolute}" } }`);
    assert.equal(p.path, 'data.path');
    assert.match(p.message, /^data\.path must be relative to this experiment file/);
  }
  assert.equal(onlyProblem('{ "data": { "path": " " } }').message, 'data.path is empty: name the data file, relative to this experiment file');
});

test('several problems are all reported, each at its own place', () => {
  const text = '{ "data": { "path": "a.txt" }, "model": { "hiden": 64, "cell": "cnn" }, "training": { "steps": 0 } }';
  assert.deepEqual(
    problemsOf(text).map((p) => [p.path, text.slice(p.offset, p.offset + p.length)]),
    [['model.hiden', '"hiden"'], ['model.cell', '"cnn"'], ['training.steps', '0']],
  );
});

test('syntax errors: where, in line and column, and what was expected', () => {
  const text = '{\n  "data": { "path": "a.txt" }\n  "model": {}\n}';
  const [p] = problemsOf(text);
  assert.equal(p.message, 'not valid JSON: expected "," or "}", found "\\"" (line 3, column 3)');
  assert.equal(p.offset, text.indexOf('"model"'));
  assert.equal(onlyProblem('{ "data": { "path": "a.txt", } }').message, 'not valid JSON: trailing comma before "}" (line 1, column 28)');
  assert.equal(onlyProblem('').message, 'not valid JSON: expected a value (object, array, string, number, true, false or null), found the end of the file (line 1, column 1)');
  assert.equal(onlyProblem('{ "data": { "path": "a\nb" } }').message, 'not valid JSON: a string must not contain a line break or control character (write \\n) (line 1, column 23)');
  assert.equal(onlyProblem('{ // comment\n }').message, 'not valid JSON: expected a property name in double quotes or "}", found "/" (line 1, column 3)');
  assert.equal(onlyProblem('[1]').message, 'an experiment file is a JSON object { "data": …, "model": …, "training": … } (got an array)');
  assert.equal(onlyProblem('{} x').message, 'not valid JSON: unexpected "x" after the end of the JSON value (line 1, column 4)');
  assert.match(onlyProblem('['.repeat(100)).message, /nesting deeper than 64 levels/);
});

test('the schema agrees with the parser: same keys, types, enums, ranges and defaults; ranges are the training limits', () => {
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(Object.keys(schema.properties), ['$schema', 'description', ...Object.keys(EXPERIMENT_FIELDS)]);
  for (const [section, fields] of Object.entries(EXPERIMENT_FIELDS) as [string, Record<string, FieldSpec>][]) {
    const s = schema.properties[section];
    assert.equal(s.type, 'object', section);
    assert.equal(s.additionalProperties, false, section);
    assert.ok(typeof s.description === 'string' && s.description.length > 10, section);
    assert.deepEqual(Object.keys(s.properties), Object.keys(fields), section);
    assert.deepEqual(s.required ?? [], Object.keys(fields).filter((k) => fields[k].required), section);
    for (const [key, spec] of Object.entries(fields)) {
      const p = s.properties[key];
      const where = `${section}.${key}`;
      assert.ok(typeof p.description === 'string' && p.description.length > 10, `${where} has a description`);
      assert.ok('default' in p, `${where} has a default`);
      if (spec.default !== undefined) assert.deepEqual(p.default, spec.default, `${where} default`);
      if (spec.type === 'integer' || spec.type === 'number') {
        assert.equal(p.type, spec.type, where);
        assert.deepEqual([p.minimum, p.maximum], [spec.limit.min, spec.limit.max], `${where} range`);
      } else if (spec.type === 'enum') {
        assert.deepEqual(p.enum, [...spec.values], where);
        if (p.enumDescriptions) assert.equal(p.enumDescriptions.length, p.enum.length, where);
      } else assert.equal(p.type, spec.type, where);
    }
  }
  // The ranges the editor checks are the Training panel's own limits (sequenceLab.training.* settings).
  const t = EXPERIMENT_FIELDS.training;
  assert.deepEqual([t.learningRate.limit, t.clip.limit, t.steps.limit, t.seed.limit, t.seqLength.limit], [CONFIG_LIMITS.learningRate, CONFIG_LIMITS.clip, CONFIG_LIMITS.steps, CONFIG_LIMITS.seed, CONFIG_LIMITS.seqLength]);
  assert.deepEqual([EXPERIMENT_FIELDS.model.layers.limit, EXPERIMENT_FIELDS.model.hiddenSize.limit], [LAYERS_LIMIT, CONFIG_LIMITS.hiddenSize]);
  const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
  const settings = manifest.contributes.configuration.properties;
  assert.deepEqual(schema.properties.model.properties.cell.enum, settings['sequenceLab.training.model'].enum);
  assert.deepEqual(schema.properties.training.properties.optimizer.enum, settings['sequenceLab.training.optimizer'].enum);
  assert.deepEqual(schema.properties.training.properties.dtype.enum, settings['sequenceLab.training.dtype'].enum);
  assert.deepEqual([...DTYPES], settings['sequenceLab.training.dtype'].enum);
});

test('a tagged experiment with options maps to the editor config field for field; the command line built from it runs', async () => {
  const text = '{ "data": { "path": "parity.tagged.txt", "kind": "tagged" }, "model": { "cell": "gru", "hiddenSize": 8, "bidirectional": true, "embedding": 4 }, "training": { "seqLength": 10, "batch": 2, "steps": 3, "learningRate": 0.01 } }';
  const result = parseExperiment(text);
  assert.ok(result.ok);
  const mapped = experimentTrainingConfig(result.experiment);
  assert.ok(mapped.ok);
  assert.deepEqual(
    { dataKind: mapped.config.dataKind, bidirectional: mapped.config.bidirectional, embedding: mapped.config.embedding, batch: mapped.config.batch, cell: mapped.config.cell, hiddenSize: mapped.config.hiddenSize },
    { dataKind: 'tagged', bidirectional: true, embedding: 4, batch: 2, cell: 'gru', hiddenSize: 8 },
  );
  assert.deepEqual(validateTrainingConfig(mapped.config), []);
  const line = experimentCommandLine(result.experiment, experimentOutDir('parity-bigru.seqlab.json'));
  assert.equal(
    line,
    'sequence-lab train parity.tagged.txt --out runs/parity-bigru --task tag --model gru --layers 1 --hidden 8 --bidirectional --embedding 4 --seq 10 --batch 2 --optimizer adam --lr 0.01 --clip 5 --steps 3 --seed 42 --dtype float64 --held-out 0.1',
  );
  const tagged = 'a\tx\nb\ty\n\nb\ty\na\tx\n\na\tx\na\tx\n';
  const io = memoryIo({ 'parity.tagged.txt': tagged });
  assert.equal(await runTrain(line.split(' ').slice(2), io), 0, io.err.join(''));
  const runJson = JSON.parse(new TextDecoder().decode(io.files.get('runs/parity-bigru/run.json')!));
  assert.equal(runJson.steps, 3);
  assert.equal(runJson.config.bidirectional, true);
  assert.equal(runJson.config.batch, 2);
});

test('a character experiment gives the same settings on the command line, with quoting of odd paths', async () => {
  const result = parseExperiment('{ "data": { "path": "my verse.txt" }, "model": { "cell": "rnn", "hiddenSize": 8 }, "training": { "seqLength": 5, "steps": 2, "optimizer": "sgd", "momentum": 0.5, "learningRate": 0.1, "truncate": 3 } }');
  assert.ok(result.ok);
  const line = experimentCommandLine(result.experiment, 'runs/x', 'node dist/cli.js');
  assert.equal(line, "node dist/cli.js train 'my verse.txt' --out runs/x --task lm --tokens chars --model rnn --layers 1 --hidden 8 --truncate 5,3 --batch 1 --optimizer sgd --lr 0.1 --momentum 0.5 --clip 5 --steps 2 --seed 42 --dtype float32 --held-out 0.1");
  const mapped = experimentTrainingConfig(result.experiment);
  assert.ok(mapped.ok);
  assert.deepEqual([mapped.config.truncate, mapped.config.momentum, mapped.config.dataKind], [3, 0.5, undefined], 'truncation and momentum reach the editor; characters are the default kind');
  const io = memoryIo({ 'my verse.txt': 'abcabcabcabcabcabc abc abc\n' });
  const argv = ['my verse.txt', ...line.split(' ').slice(5)];
  assert.equal(await runTrain(argv, io), 0, io.err.join(''));
});

test('model.init and model.spectralRadius: parsed, checked, sent to the editor and written on the command line', async () => {
  const result = parseExperiment('{ "data": { "path": "a.txt" }, "model": { "cell": "rnn", "nonlinearity": "relu", "hiddenSize": 6, "init": "identity", "spectralRadius": 0.9 }, "training": { "seqLength": 4, "steps": 2 } }');
  assert.ok(result.ok);
  assert.deepEqual([result.experiment.model.init, result.experiment.model.spectralRadius], ['identity', 0.9]);
  const mapped = experimentTrainingConfig(result.experiment);
  assert.ok(mapped.ok);
  assert.deepEqual([mapped.config.init, mapped.config.spectralRadius, mapped.config.nonlinearity], ['identity', 0.9, 'relu']);
  const line = experimentCommandLine(result.experiment, 'runs/x');
  assert.match(line, / --nonlinearity relu .* --init identity --spectral-radius 0\.9 /);
  const io = memoryIo({ 'a.txt': 'abcabcabcabcabcabc abc abc\n' });
  assert.equal(await runTrain(line.split(' ').slice(2), io), 0, io.err.join(''));
  const runJson = JSON.parse(new TextDecoder().decode(io.files.get('runs/x/run.json')!));
  assert.deepEqual(runJson.config.init, { recurrent: 'identity', spectralRadius: 0.9 });

  const bad = parseExperiment('{ "data": { "path": "a.txt" }, "model": { "init": "he", "spectralRadius": -1 } }');
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.ok ? [] : bad.problems.map((p) => p.message), [
    'model.init must be "pytorch", "xavier", "orthogonal" or "identity" (got "he")',
    'model.spectralRadius must be a number from 0 to 10 (got -1)',
  ]);
  const s2o = parseExperiment('{ "data": { "path": "a.csv", "kind": "sequence-to-one" }, "model": { "embedding": 4 }, "training": { "truncate": 3 } }');
  assert.deepEqual(s2o.ok ? [] : s2o.problems.map((p) => p.path), ['model.embedding', 'training.truncate']);
});

test('fuzz: random text and random JSON never throw; every problem is inside the text', () => {
  const check = (text: string) => {
    const result = parseExperiment(text);
    if (result.ok) {
      assert.equal(typeof result.experiment.data.path, 'string');
      return;
    }
    assert.ok(result.problems.length > 0);
    for (const p of result.problems) {
      assert.ok(p.offset >= 0 && p.length >= 0 && p.offset + p.length <= text.length, JSON.stringify(p));
      assert.ok(p.message.length > 0 && !p.message.includes('\n'), p.message);
    }
  };
  // A backslash at the very end of the text once underlined one character past it (found by this fuzzer).
  for (const text of ['"\\', '"abc\\', '{"a":"\\']) check(text);
  fc.assert(fc.property(fc.string({ maxLength: 200 }), check), fuzzParams(3000));
  fc.assert(fc.property(fc.json({ maxDepth: 4 }), check), fuzzParams(3000));
  // Near-valid experiments: random values for real keys.
  const value = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
  const section = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys, 'extra'), value, { maxKeys: 5 });
  fc.assert(
    fc.property(section(Object.keys(EXPERIMENT_FIELDS.model)), section(Object.keys(EXPERIMENT_FIELDS.training)), (model, training) => {
      check(JSON.stringify({ data: { path: 'a.txt' }, model, training }, null, 2));
    }),
    fuzzParams(1000),
  );
});

test('parsing agrees with JSON.parse on which texts are JSON', () => {
  fc.assert(
    fc.property(fc.oneof(fc.json(), fc.string({ maxLength: 60 })), (text) => {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      const result = parseExperiment(text);
      const syntax = !result.ok && result.problems.some((p) => p.message.startsWith('not valid JSON'));
      // JSON.parse allows nesting deeper than the parser does; fast-check's json() stays shallow.
      assert.equal(syntax, !valid, text);
    }),
    fuzzParams(2000),
  );
});

function memoryIo(files: Record<string, string>): CliIo & { err: string[]; files: Map<string, Uint8Array> } {
  const stored = new Map<string, Uint8Array>(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)]));
  const err: string[] = [];
  return {
    err,
    files: stored,
    stdout: () => undefined,
    stderr: (t) => void err.push(t),
    readFile: async (p) => {
      const f = stored.get(p);
      if (!f) throw new Error(`no file ${p}`);
      return f;
    },
    writeFile: async (p, d) => void stored.set(p, typeof d === 'string' ? new TextEncoder().encode(d) : d),
  };
}


test('the example in the README is a valid experiment the editor trains', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Experiment files'));
  const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'README has a JSON example under "Experiment files"');
  const result = parseExperiment(block);
  assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => p.message).join('; '));
  assert.ok(experimentTrainingConfig(result.experiment).ok);
});

test('findValueRange locates a value to underline (the data path of a file whose data file is missing)', () => {
  const at = findValueRange(REBER, ['data', 'path']);
  assert.ok(at);
  assert.equal(REBER.slice(at.offset, at.offset + at.length), '"embedded-reber.txt"');
  assert.equal(findValueRange(REBER, ['data', 'nope']), undefined);
  assert.equal(findValueRange('{ "data": ', ['data']), undefined);
});

test('training.dtype: float32 by default for streamed data, float64 for tagged and sequence-to-one; one name from file to engine', async () => {
  const parsed = (json: string) => {
    const r = parseExperiment(json);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    return r.experiment;
  };
  // Absent: the data kind's default, written out on the command line and resolved by the worker's trainer config.
  const chars = parsed('{ "data": { "path": "a.txt" }, "training": { "seqLength": 4, "steps": 2 } }');
  assert.equal(chars.training.dtype, undefined);
  assert.match(experimentCommandLine(chars, 'runs/x'), / --dtype float32 /);
  const charsConfig = experimentTrainingConfig(chars);
  assert.ok(charsConfig.ok);
  assert.equal(trainerConfigOf(charsConfig.config).dtype, 'float32');
  assert.equal(modelLabel(charsConfig.config), 'char RNN · tanh · H=64');
  const tagged = parsed('{ "data": { "path": "t.txt", "kind": "tagged" }, "training": { "steps": 2 } }');
  assert.match(experimentCommandLine(tagged, 'runs/x'), / --dtype float64 /);
  const taggedConfig = experimentTrainingConfig(tagged);
  assert.ok(taggedConfig.ok);
  assert.equal(trainerConfigOf(taggedConfig.config).dtype, 'float64');
  assert.equal(defaultDtype('sequence-to-one'), 'float64');
  assert.equal(defaultDtype('series'), 'float32');
  assert.equal(defaultDtype('words'), 'float32');

  // Named: it travels to the editor's config, the command line and the label (float64 is not a text's default).
  const f64 = parsed('{ "data": { "path": "a.txt" }, "training": { "steps": 2, "dtype": "float64" } }');
  const f64Config = experimentTrainingConfig(f64);
  assert.ok(f64Config.ok);
  assert.equal(f64Config.config.dtype, 'float64');
  assert.equal(trainerConfigOf(f64Config.config).dtype, 'float64');
  assert.match(modelLabel(f64Config.config), / · float64$/);
  const line = experimentCommandLine(f64, 'runs/x');
  assert.match(line, / --dtype float64 /);
  const io = memoryIo({ 'a.txt': 'abcabcabcabcabcabc abc abc\n' });
  assert.equal(await runTrain(line.split(' ').slice(2), io), 0, io.err.join(''));
  assert.equal(JSON.parse(new TextDecoder().decode(io.files.get('runs/x/run.json')!)).config.dtype, 'float64');

  // Refused where the engine has no float32 path, and anything else refused by name, underlined at the value.
  for (const kind of ['tagged', 'sequence-to-one']) {
    const text = `{ "data": { "path": "t.txt", "kind": "${kind}" }, "training": { "dtype": "float32" } }`;
    const r = parseExperiment(text);
    assert.ok(!r.ok);
    assert.equal(r.problems[0].path, 'training.dtype');
    assert.match(r.problems[0].message, new RegExp(`^training\\.dtype float32 is for streamed data .*\\(data\\.kind is "${kind}"\\); remove it$`));
    assert.equal(text.slice(r.problems[0].offset, r.problems[0].offset + r.problems[0].length), '"float32"');
    assert.deepEqual(validateTrainingConfig({ ...DEFAULT_CONFIG, dataKind: kind as 'tagged', dtype: 'float32' }).slice(-1), [
      'dtype float32 is for streamed data (characters, words, series); tagged and sequence-to-one data train in float64',
    ]);
  }
  const bad = parseExperiment('{ "data": { "path": "a.txt" }, "training": { "dtype": "float16" } }');
  assert.ok(!bad.ok);
  assert.equal(bad.problems[0].path, 'training.dtype');
  assert.match(bad.problems[0].message, /"float32" or "float64"/);
});
