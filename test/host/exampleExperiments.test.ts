// The experiment files "New Example…" writes beside the data: each one is valid, names the example's main data file,
// says what it shows, and trains — in the editor (its config passes the Training panel's validation, whatever the
// data kind), and on the command line (the printed command, shortened to 2 steps, runs on the generated data).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/commands/cliIo';
import { run as runTrain } from '../../src/cli/commands/trainModel';
import { EXAMPLE_IDS, exampleFiles } from '../../src/engine/examples';
import { exampleExperimentFiles } from '../../src/examples/exampleExperiments';
import { experimentCommandLine, experimentOutDir } from '../../src/shared/experimentCommandLine';
import { experimentTrainingConfig, parseExperiment } from '../../src/shared/experimentFile';
import { validateTrainingConfig } from '../../src/shared/trainingConfig';
import { CharModel } from '../../src/worker/charModel';
import { SequenceModel } from '../../src/worker/sequenceModel';
import { charData } from '../../src/engine/sequenceData';
import { SequenceTrainer } from '../../src/engine/sequenceTrainer';
import { traceData } from '../../src/engine/traces';

test('every example with an RNN to train gets experiment files; the names say the model', () => {
  const names = Object.fromEntries(EXAMPLE_IDS.map((id) => [id, exampleExperimentFiles(id, exampleFiles(id)[0].name).map((f) => f.name)]));
  assert.deepEqual(names, {
    reber: ['reber-lstm.seqlab.json', 'reber-rnn.seqlab.json'],
    adding: ['adding-lstm.seqlab.json', 'adding-rnn.seqlab.json'],
    copy: ['copy-lstm.seqlab.json'],
    parity: ['parity-gru.seqlab.json'],
    sine: ['sine-gru.seqlab.json'],
    mackeyGlass: ['mackey-glass-lstm.seqlab.json'],
    casino: [],
    text: ['verse-rnn.seqlab.json'],
    articles: ['articles-bigru.seqlab.json'],
  });
});

test('each experiment file is valid, names the main data file and trains in the editor or on the command line', async () => {
  for (const id of EXAMPLE_IDS) {
    const data = exampleFiles(id);
    for (const file of exampleExperimentFiles(id, data[0].name)) {
      const result = parseExperiment(file.content);
      assert.ok(result.ok, `${file.name}: ${result.ok ? '' : result.problems.map((p) => p.message).join('; ')}`);
      const experiment = result.experiment;
      assert.equal(experiment.data.path, data[0].name, file.name);
      assert.ok((experiment.description ?? '').length > 30, `${file.name} says what it shows`);
      const mapped = experimentTrainingConfig(experiment);
      assert.ok(mapped.ok, `${file.name}: the editor trains ${experiment.data.kind} data`);
      assert.deepEqual(validateTrainingConfig(mapped.config), [], file.name);
      assert.equal(mapped.config.dataKind ?? 'characters', experiment.data.kind, file.name);
      if (experiment.data.kind === 'characters') assert.equal(mapped.config.cell, file.name.includes('lstm') ? 'lstm' : 'rnn');
      const line = experimentCommandLine({ ...experiment, training: { ...experiment.training, steps: 2 } }, experimentOutDir(file.name));
      const io = memoryIo(Object.fromEntries(data.map((f) => [f.name, f.content])));
      const code = await runTrain(line.split(' ').slice(2), io);
      assert.equal(code, 0, `${file.name}: ${line}\n${io.err.join('')}`);
      assert.ok(io.files.has(`${experimentOutDir(file.name)}/model.safetensors`), file.name);
    }
  }
});

test('a character experiment trains to the same losses in the editor (the worker) and with its command line', async () => {
  const data = exampleFiles('reber');
  for (const file of exampleExperimentFiles('reber', data[0].name)) {
    const result = parseExperiment(file.content);
    assert.ok(result.ok);
    const steps = 5;
    const experiment = { ...result.experiment, training: { ...result.experiment.training, steps } };
    const mapped = experimentTrainingConfig(experiment);
    assert.ok(mapped.ok);
    const editor = new CharModel(data[0].content, mapped.config);
    const editorLosses = Array.from({ length: steps }, () => editor.step().loss);

    const out = experimentOutDir(file.name);
    const io = memoryIo({ [data[0].name]: data[0].content });
    assert.equal(await runTrain(experimentCommandLine(experiment, out).split(' ').slice(2), io), 0, io.err.join(''));
    const metrics = new TextDecoder().decode(io.files.get(`${out}/metrics.jsonl`)!).trim().split('\n').map((l) => JSON.parse(l).loss as number);
    assert.equal(metrics.length, steps);
    assert.deepEqual(metrics, editorLosses, `${file.name}: same losses step for step`);
    assert.ok(editorLosses.every(Number.isFinite) && new Set(editorLosses).size > 1, 'real training, not a constant');
  }
});

test('tagged, series and sequence-to-one experiments train to the same losses in the editor (the worker) and with their command line', async () => {
  for (const [id, options] of [['copy', {}], ['sine', {}], ['adding', { length: 10 }]] as const) {
    const data = exampleFiles(id, options);
    const [file] = exampleExperimentFiles(id, data[0].name);
    const result = parseExperiment(file.content);
    assert.ok(result.ok);
    const steps = 4;
    const experiment = { ...result.experiment, training: { ...result.experiment.training, steps } };
    const mapped = experimentTrainingConfig(experiment);
    assert.ok(mapped.ok);
    const editor = new SequenceModel(data[0].content, mapped.config);
    const editorLosses = Array.from({ length: steps }, () => editor.step().loss);

    const out = experimentOutDir(file.name);
    const io = memoryIo({ [data[0].name]: data[0].content });
    assert.equal(await runTrain(experimentCommandLine(experiment, out).split(' ').slice(2), io), 0, io.err.join(''));
    const metrics = new TextDecoder().decode(io.files.get(`${out}/metrics.jsonl`)!).trim().split('\n').map((l) => JSON.parse(l).loss as number);
    assert.deepEqual(metrics, editorLosses, `${file.name}: same losses step for step`);
    assert.ok(editorLosses.every(Number.isFinite) && new Set(editorLosses).size > 1, 'real training, not a constant');
  }
});

test('a character experiment with every option (embedding, batch, truncation, momentum, init, spectral radius) trains to the same losses in the editor and on the command line', async () => {
  const [data] = exampleFiles('text');
  const result = parseExperiment(JSON.stringify({
    data: { path: data.name },
    model: { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 12, embedding: 6, init: 'identity', spectralRadius: 0.8 },
    training: { seqLength: 8, truncate: 12, batch: 3, optimizer: 'sgd', momentum: 0.9, learningRate: 0.05, steps: 4, seed: 5 },
  }));
  assert.ok(result.ok);
  const mapped = experimentTrainingConfig(result.experiment);
  assert.ok(mapped.ok);
  const editor = new CharModel(data.content, mapped.config, undefined, { gradientHistory: false });
  const editorLosses = Array.from({ length: 4 }, () => editor.step().loss);
  const io = memoryIo({ [data.name]: data.content });
  assert.equal(await runTrain(experimentCommandLine(result.experiment, 'runs/all').split(' ').slice(2), io), 0, io.err.join(''));
  const metrics = new TextDecoder().decode(io.files.get('runs/all/metrics.jsonl')!).trim().split('\n').map((l) => JSON.parse(l).loss as number);
  assert.deepEqual(metrics, editorLosses);
  const plain = new CharModel(data.content, { ...mapped.config, init: undefined, spectralRadius: undefined }, undefined, { gradientHistory: false });
  assert.notEqual(plain.step().loss, editorLosses[0], 'the initialisation options change the model');
});

test('reber-lstm shows the claim of the Reber example: after its steps the LSTM predicts the symbol before the final E, the tanh RNN less often', () => {
  const [file] = exampleFiles('reber');
  // Held-out strings of the same grammar (another seed), encoded with the training text's vocabulary.
  const heldOut = exampleFiles('reber', { seed: 1234 })[0].content;
  const recall: Record<string, number> = {};
  for (const experimentFile of exampleExperimentFiles('reber', file.name)) {
    const parsed = parseExperiment(experimentFile.content);
    assert.ok(parsed.ok);
    const mapped = experimentTrainingConfig(parsed.experiment);
    assert.ok(mapped.ok);
    const c = mapped.config;
    // The editor's trainer for this config (CharModel builds the same one; see the previous test).
    const { data, vocabulary } = charData(file.content);
    const trainer = new SequenceTrainer(data, {
      cell: c.cell, layers: c.layers, hiddenSize: c.hiddenSize, bidirectional: false, seqLength: c.seqLength, batch: 1,
      optimizer: { kind: c.optimizer, learningRate: c.learningRate }, clip: c.clip, seed: c.seed,
    });
    for (let i = 0; i < c.steps; i++) trainer.step();
    const ids = vocabulary.encode(heldOut);
    const T = 2000;
    const trace = traceData(trainer.model, { kind: 'next-token', ids, vocabularySize: vocabulary.size }, 0, T, { jacobian: false });
    const E = vocabulary.idOfChar('E');
    const newline = vocabulary.idOfChar('\n');
    // p(the second symbol repeated | everything before) at each string's last T/P, the one before the final E.
    const probabilities: number[] = [];
    for (let p = 0; p + 3 < T; p++) {
      if (ids[p + 2] === E && ids[p + 3] === newline) probabilities.push(trace.probabilities.data[p * vocabulary.size + ids[p + 1]]);
    }
    assert.ok(probabilities.length > 100, `${probabilities.length} strings in the window`);
    recall[c.cell] = probabilities.reduce((a, b) => a + b, 0) / probabilities.length;
  }
  console.log(`mean p(symbol before the final E): ${JSON.stringify(recall)}`);
  assert.ok(recall.lstm > 0.95, `the LSTM remembers the second symbol (p = ${recall.lstm})`);
  assert.ok(recall.rnn < recall.lstm - 0.1, `the tanh RNN remembers it clearly less often (p = ${recall.rnn} against ${recall.lstm})`);
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
