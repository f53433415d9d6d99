// The adding problem's claim (issue 6): "the LSTM goes well below the 0.167 mean-squared error of always predicting 1
// and the tanh RNN does not" — measured at reduced size (T = 30 instead of 50, 1000 updates instead of the example's
// 2000) with the settings of the example's experiment files (adding-lstm / adding-rnn: H = 16, batch 16, Adam 0.01,
// clipping 1, seed 42), on held-out sequences of another seed. Calibration (this machine): LSTM 0.003, RNN 0.148;
// at T = 50 and 2000 updates, LSTM 0.0005 and RNN 0.169. With seed 7 the LSTM is still on its plateau (0.154) after
// 1000 updates at T = 30 and escapes it before 2000 (0.0005): the example trains 2000.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addingProblem } from '../../src/engine/examples/tasks';
import { FinalTargetTrainer, parseFinalTarget } from '../../src/engine/finalTargetTrainer';
import type { ModelKind } from '../../src/engine/sequenceTrainer';
import { StepAbortedError } from '../../src/engine/stepAbort';

const T = 30;
const STEPS = 1000;

function heldOutError(cell: ModelKind): { mse: number; alwaysOne: number } {
  const train = parseFinalTarget(addingProblem(T, 2000, 1).csv, T).data;
  const heldOut = parseFinalTarget(addingProblem(T, 200, 99).csv, T).data;
  const trainer = new FinalTargetTrainer(train, {
    model: cell, layers: 1, hiddenSize: 16, bidirectional: false, seqLength: T, batchSize: 16,
    optimizer: { kind: 'adam', learningRate: 0.01 }, clipNorm: 1, seed: 42,
  });
  for (let i = 0; i < STEPS; i++) trainer.step();
  const evaluator = new FinalTargetTrainer(heldOut, trainer.config);
  evaluator.model.params.set(trainer.model.params);
  let alwaysOne = 0;
  for (const y of heldOut.targets) alwaysOne += (y - 1) ** 2 / heldOut.count;
  return { mse: evaluator.meanSquaredError(), alwaysOne };
}

test('parseFinalTarget reads the adding problem: inputs (value, marker), one target per sequence on its last row', () => {
  const problem = addingProblem(5, 3, 11);
  const { data, columns } = parseFinalTarget(problem.csv, 5);
  assert.deepEqual(columns, ['value', 'marker']);
  assert.equal(data.count, 3);
  assert.deepEqual(Array.from(data.targets), Array.from(problem.targets));
  assert.equal(data.inputs[1], problem.markers[0]);
  assert.throws(() => parseFinalTarget(problem.csv, 4), /15 rows, not a multiple of the sequence length 4/);
});

test('an abandoned sequence-to-one update changes nothing: the next update is the one an uninterrupted trainer takes', () => {
  const data = parseFinalTarget(addingProblem(8, 40, 5).csv, 8).data;
  const config = {
    model: 'lstm' as const, layers: 1, hiddenSize: 6, bidirectional: false, seqLength: 8, batchSize: 4,
    optimizer: { kind: 'adam' as const, learningRate: 0.01 }, clipNorm: 1, seed: 3,
  };
  const straight = new FinalTargetTrainer(data, config);
  const interrupted = new FinalTargetTrainer(data, config);
  straight.step();
  interrupted.step();
  let polls = 0;
  interrupted.abortCheck = () => ++polls === 3;
  assert.throws(() => interrupted.step(), StepAbortedError);
  interrupted.abortCheck = null;
  assert.equal(interrupted.stepCount, 1);
  const a = straight.step();
  const b = interrupted.step();
  assert.equal(b.loss, a.loss);
  assert.deepEqual(interrupted.model.params, straight.model.params);
  assert.deepEqual(interrupted.exportState(), straight.exportState());
});

test(`adding problem, T = ${T}: the LSTM goes well below always predicting 1 (≈ 0.167), the tanh RNN does not`, () => {
  const lstm = heldOutError('lstm');
  const rnn = heldOutError('rnn');
  console.log(`held-out MSE after ${STEPS} updates: LSTM ${lstm.mse.toFixed(4)}, RNN ${rnn.mse.toFixed(4)}, always 1: ${lstm.alwaysOne.toFixed(4)}`);
  assert.ok(Math.abs(lstm.alwaysOne - 1 / 6) < 0.04, `always predicting 1 scores about 1/6 (${lstm.alwaysOne})`);
  assert.ok(lstm.mse < 0.05, `the LSTM carries the marked values to the end (MSE ${lstm.mse})`);
  assert.ok(rnn.mse > 0.1, `the tanh RNN does not (MSE ${rnn.mse})`);
});
