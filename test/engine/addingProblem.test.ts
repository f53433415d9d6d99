// The adding problem's claim (Hochreiter & Schmidhuber 1997; issues 6 and 12): "the LSTM solves it and the tanh RNN
// does not", measured over several seeds at reduced size (T = 30 instead of the example's 50, 1000 updates instead
// of its 2000) with the settings of the example's experiment files (adding-lstm / adding-rnn: H = 16, batch 16, Adam
// 0.01, clipping 1), on 200 held-out sequences of another seed. "Solved": the absolute error of the final output below
// 0.04 on the sum (4× stricter than the paper's 0.04 on its rescaled target). Calibration (this machine, held-out MSE and share solved, seeds 1, 2, 3, 42):
//   1000 updates  LSTM 0.0020 / 58%, 0.0034 / 53%, 0.0012 / 76%, 0.0028 / 57%   RNN 0.164 / 4%, 0.166 / 6%, 0.159 / 6%, 0.148 / 4%
//   2000 updates  LSTM 0.0005 / 96%, 0.0006 / 90%, 0.0003 / 98%, 0.0004 / 97%   RNN 0.166 / 6%, 0.172 / 8%, 0.159 / 6%, 0.158 / 6%
// (shares rounded from k/200 here; the test prints them to the percent). Always predicting 1 scores 1/6 ≈ 0.167. The
// test runs seeds 1, 2 and 42 at 1000 updates (about 25 s of CPU); README.md and walkthrough step 8 quote its output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addingProblem } from '../../src/engine/examples/tasks';
import { FinalTargetTrainer, parseFinalTarget } from '../../src/engine/finalTargetTrainer';
import type { ModelKind } from '../../src/engine/sequenceTrainer';
import { StepAbortedError } from '../../src/engine/stepAbort';

const T = 30;
const STEPS = 1000;

const SEEDS = [1, 2, 42];
/**
 * A sequence is solved when the final output is within this of the sum X₁ + X₂. Hochreiter & Schmidhuber (1997) ask
 * for 0.04 on their rescaled target 0.5 + (X₁ + X₂)/4, which is 0.16 on the sum: this is 4× stricter.
 */
const SOLVED = 0.04;

function heldOutError(cell: ModelKind, seed: number): { mse: number; solved: number; alwaysOne: number } {
  const train = parseFinalTarget(addingProblem(T, 2000, 1).csv, T).data;
  const heldOut = parseFinalTarget(addingProblem(T, 200, 99).csv, T).data;
  const trainer = new FinalTargetTrainer(train, {
    cell, layers: 1, hiddenSize: 16, bidirectional: false, seqLength: T, batch: 16,
    optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 1, seed,
  });
  for (let i = 0; i < STEPS; i++) trainer.step();
  const evaluator = new FinalTargetTrainer(heldOut, trainer.config);
  evaluator.model.params.set(trainer.model.params);
  let alwaysOne = 0;
  let solved = 0;
  for (let n = 0; n < heldOut.count; n++) {
    alwaysOne += (heldOut.targets[n] - 1) ** 2 / heldOut.count;
    if (Math.abs(evaluator.predict(n) - heldOut.targets[n]) < SOLVED) solved += 1 / heldOut.count;
  }
  return { mse: evaluator.meanSquaredError(), solved, alwaysOne };
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
    cell: 'lstm' as const, layers: 1, hiddenSize: 6, bidirectional: false, seqLength: 8, batch: 4,
    optimizer: { kind: 'adam' as const, learningRate: 0.01 }, clip: 1, seed: 3,
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

test(`adding problem, T = ${T}, ${STEPS} updates, seeds ${SEEDS.join(', ')}: the LSTM solves it, the tanh RNN does not`, () => {
  for (const seed of SEEDS) {
    const lstm = heldOutError('lstm', seed);
    const rnn = heldOutError('rnn', seed);
    console.log(
      `seed ${seed}: held-out MSE LSTM ${lstm.mse.toFixed(4)} (solved ${(100 * lstm.solved).toFixed(0)}%), ` +
      `RNN ${rnn.mse.toFixed(4)} (solved ${(100 * rnn.solved).toFixed(0)}%), always 1: ${lstm.alwaysOne.toFixed(4)}`,
    );
    assert.ok(Math.abs(lstm.alwaysOne - 1 / 6) < 0.04, `always predicting 1 scores about 1/6 (${lstm.alwaysOne})`);
    assert.ok(lstm.mse < 0.01, `seed ${seed}: the LSTM carries the marked values to the end (MSE ${lstm.mse})`);
    assert.ok(lstm.solved > 0.4, `seed ${seed}: the LSTM solves most sequences (${lstm.solved})`);
    assert.ok(rnn.mse > 0.1, `seed ${seed}: the tanh RNN does not (MSE ${rnn.mse})`);
    assert.ok(rnn.solved < 0.15, `seed ${seed}: the tanh RNN solves no more than chance (${rnn.solved})`);
  }
});
