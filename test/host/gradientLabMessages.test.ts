// What the host accepts from the Gradient Lab page (every field checked, ranges, the slider's grid, type tags) and
// how it turns the worker's answer and the active document into what the page shows; in the trained-weights mode,
// which stored runs it offers and how two runs' curves become the page's view.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENERATED_LABEL, gradientLabView, labData, LAB_TEXT_UNITS, trainedCellOf, trainedLabView, trainedRunChoices } from '../../src/panels/gradientLabView';
import { GRADIENT_LAB_LIMITS, parseGradientLabPanelMessage } from '../../src/shared/protocol/gradientLabPanel';
import type { GradientLabAnswer, TrainedGradientLabAnswer } from '../../src/shared/protocol/analysisWorker';
import type { StoredRun } from '../../src/training/runStore';

const good = { type: 'compute', requestId: 3, spectralRadius: 0.85, steps: 100, hiddenSize: 32, seed: 7, forgetBias: 1 };

test('a well-formed compute request and ready pass unchanged', () => {
  assert.deepEqual(parseGradientLabPanelMessage(good), good);
  assert.deepEqual(parseGradientLabPanelMessage({ type: 'ready' }), { type: 'ready' });
  for (const rho of [GRADIENT_LAB_LIMITS.spectralRadius.min, 1, 1.05, GRADIENT_LAB_LIMITS.spectralRadius.max]) {
    assert.ok(parseGradientLabPanelMessage({ ...good, spectralRadius: rho }), `ρ=${rho}`);
  }
});

test('malformed compute requests are rejected', () => {
  const bad: Record<string, unknown>[] = [
    { ...good, spectralRadius: 0.45 },
    { ...good, spectralRadius: 1.55 },
    { ...good, spectralRadius: 0.87 }, // off the slider's 0.05 grid
    { ...good, spectralRadius: '0.9' },
    { ...good, spectralRadius: Number.NaN },
    { ...good, steps: 9 },
    { ...good, steps: 201 },
    { ...good, steps: 50.5 },
    { ...good, hiddenSize: 1 },
    { ...good, hiddenSize: 129 },
    { ...good, seed: -1 },
    { ...good, seed: 2 ** 31 },
    { ...good, forgetBias: 4 },
    { ...good, forgetBias: 0.5 },
    { ...good, requestId: -1 },
    { ...good, requestId: 'r1' },
    { ...good, text: '/etc/passwd' }, // a page never sends data, let alone a path
    { ...good, type: 'Compute' },
    { type: 'ready', extra: 1 },
    Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'seed')),
  ];
  for (const m of bad) assert.equal(parseGradientLabPanelMessage(m), undefined, JSON.stringify(m));
  for (const m of [null, undefined, 42, 'compute', [], { steps: 10 }]) assert.equal(parseGradientLabPanelMessage(m), undefined);
});

test('the view carries the curves as plain arrays, non-finite numbers as null', () => {
  const answer: GradientLabAnswer = {
    steps: 3, spectralRadius: 1.5, hiddenSize: 8, seed: 1, forgetBias: 0, generated: false, vocabularySize: 5,
    rnnHidden: Float64Array.from([Infinity, 2, 1]), lstmHidden: Float64Array.from([0.1, 0.5, 1]), lstmCell: Float64Array.from([0.2, 0.4, 1]),
    meanForgetGate: 0.5, rnnDecay: Number.NaN, lstmHiddenDecay: 0.3, lstmCellDecay: 0.45, rnnLoss: 2, lstmLoss: 2,
  };
  const view = gradientLabView(answer, 'the first characters of a.txt');
  assert.deepEqual(view.rnnHidden, [null, 2, 1]);
  assert.deepEqual(view.lstmCell, [0.2, 0.4, 1]);
  assert.equal(view.rnnDecay, null);
  assert.equal(view.dataLabel, 'the first characters of a.txt');
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(view))), JSON.stringify(view));
  assert.equal(gradientLabView({ ...answer, generated: true }, 'x').dataLabel, GENERATED_LABEL);
});

test('data: the start of a text file; no editor, an empty or a binary file fall back to generated letters with a reason', () => {
  const long = 'abc '.repeat(1000);
  const d = labData(long, 'notes.txt');
  assert.equal(d.text.length, LAB_TEXT_UNITS);
  assert.match(d.label, /notes\.txt/);
  assert.equal(d.note, undefined);
  assert.deepEqual(labData(undefined, undefined), { text: '', label: GENERATED_LABEL });
  const empty = labData('   \n', 'empty.txt');
  assert.equal(empty.text, '');
  assert.match(empty.note ?? '', /empty\.txt is empty apart from whitespace.*generated letters/);
  assert.match(labData('ab\u0000cd', 'x.bin').note ?? '', /binary/);
});

// ── Trained-weights mode ──

const goodTrained = { type: 'computeTrained', requestId: 4, rnnRunId: 'run-a_1', lstmRunId: 'run-b_2', steps: 60 };

test('trained mode: listTrainedRuns and a well-formed computeTrained pass; anything else about runs is rejected', () => {
  assert.deepEqual(parseGradientLabPanelMessage({ type: 'listTrainedRuns' }), { type: 'listTrainedRuns' });
  assert.deepEqual(parseGradientLabPanelMessage(goodTrained), goodTrained);
  const bad: Record<string, unknown>[] = [
    { type: 'listTrainedRuns', runs: [] },
    { ...goodTrained, rnnRunId: '../../etc' }, // an id, never a path
    { ...goodTrained, lstmRunId: '' },
    { ...goodTrained, lstmRunId: 7 },
    { ...goodTrained, rnnRunId: 'x'.repeat(65) },
    { ...goodTrained, steps: 9 },
    { ...goodTrained, steps: 201 },
    { ...goodTrained, steps: 20.5 },
    { ...goodTrained, requestId: -2 },
    { ...goodTrained, dataUri: 'file:///etc/passwd' },
    Object.fromEntries(Object.entries(goodTrained).filter(([k]) => k !== 'steps')),
  ];
  for (const m of bad) assert.equal(parseGradientLabPanelMessage(m), undefined, JSON.stringify(m));
});

function stored(id: string, over: Omit<Partial<StoredRun>, 'config'> & { config?: Partial<StoredRun['config']> } = {}): StoredRun {
  const { config, ...rest } = over;
  return {
    version: 1, id, dataUri: 'file:///w/reber.txt', dataLabel: 'reber.txt', dataSha256: 'ab'.repeat(32), modelLabel: 'char LSTM · H=32',
    config: { seqLength: 50, hiddenSize: 32, learningRate: 0.01, steps: 3000, seed: 42, cell: 'lstm', layers: 1, optimizer: 'adam', ...config } as StoredRun['config'],
    status: 'completed', step: 3000, checkpointStep: 3000, createdAt: '2026-12-05T12:30:00.000Z', updatedAt: '2026-12-05T12:40:00.000Z', metricsStride: 1,
    experiment: { label: 'examples/reber-lstm.seqlab.json', sha256: 'cd'.repeat(32) },
    ...rest,
  };
}

test('trained mode lists only finished one-layer tanh RNN / LSTM character runs with a checkpoint, named with their file and step', () => {
  const runs = [
    stored('lstm-ok'),
    stored('rnn-ok', { modelLabel: 'char RNN · tanh · H=32', config: { cell: 'rnn' }, status: 'stopped', experiment: undefined, dataSha256: 'ef'.repeat(32) }),
    stored('training', { status: 'training' }),
    stored('failed', { status: 'failed' }),
    stored('no-checkpoint', { checkpointStep: undefined }),
    stored('file-gone'),
    stored('relu', { config: { cell: 'rnn', nonlinearity: 'relu' } }),
    stored('gru', { config: { cell: 'gru' } }),
    stored('deep', { config: { layers: 2 } }),
    stored('bi', { config: { bidirectional: true } }),
    stored('words', { config: { dataKind: 'words' } }),
  ];
  const choices = trainedRunChoices(runs, (id) => id !== 'file-gone');
  assert.deepEqual(choices.map((c) => [c.id, c.cell]), [['lstm-ok', 'lstm'], ['rnn-ok', 'rnn']]);
  assert.equal(choices[0].label, 'char LSTM · H=32 · reber-lstm.seqlab.json · step 3000 · reber.txt · 12:30');
  assert.equal(choices[0].fileKey, 'ab'.repeat(8));
  assert.notEqual(choices[0].fileKey, choices[1].fileKey, 'runs on different texts are told apart');
  assert.equal(trainedCellOf(stored('x', { config: { cell: 'rnn' } })), 'rnn');
});

test('trained mode view: the curves as plain arrays (non-finite as null), the runs\' names and truncations', () => {
  const answer: TrainedGradientLabAnswer = {
    steps: 3, rnnHidden: Float64Array.from([NaN, 0.5, 1]), lstmHidden: Float64Array.from([0.2, 0.5, 1]), lstmCell: Float64Array.from([0.7, 0.8, 1]),
    linearHidden: Float64Array.from([Infinity, 2, 1]), meanForgetGate: 0.9, carouselFactor: 0.97, rnnDecay: 0.5, lstmHiddenDecay: 0.4, lstmCellDecay: 0.9,
    spectralRadius: 1.2, largestSingularValue: 1.9, rnnLoss: 1, lstmLoss: 1, rnnHiddenSize: 32, lstmHiddenSize: 32, lstmForgetBias: 1.5,
  };
  const v = trainedLabView(answer, { rnn: { label: 'R', truncation: 50 }, lstm: { label: 'L', truncation: 40 } }, 'the first characters of reber.txt');
  assert.deepEqual(v.rnnHidden, [null, 0.5, 1]);
  assert.deepEqual(v.linearHidden, [null, 2, 1]);
  assert.equal(v.rnnRun, 'R');
  assert.equal(v.lstmTruncation, 40);
  assert.equal(v.lstmForgetBias, 1.5);
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(v))), JSON.stringify(v));
});
