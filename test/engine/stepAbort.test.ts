// Issue #7: an update abandoned half way (the abort check answers true between two time steps of its forward or
// backward pass) changes nothing: the trainer's exported state and parameters are bit-equal to before, and training
// then goes on exactly as a trainer that was never interrupted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charData } from '../../src/engine/sequenceData';
import { SequenceTrainer, type SequenceTrainerConfig } from '../../src/engine/sequenceTrainer';
import { StepAbortedError } from '../../src/engine/stepAbort';

const { data } = charData('the quick brown fox jumps over the lazy dog; pack my box with five dozen jugs. '.repeat(6));

const configs: [string, SequenceTrainerConfig][] = [
  ['LSTM, 2 layers, 2 streams, float64', {
    cell: 'lstm', layers: 2, hiddenSize: 10, bidirectional: false, seqLength: 12, batch: 2,
    optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 7,
  }],
  ['GRU, k2 < k1 (a forward without gradient first), float32', {
    cell: 'gru', layers: 1, hiddenSize: 8, bidirectional: false, seqLength: 10, truncate: 6, batch: 3,
    optimizer: { kind: 'rmsprop', learningRate: 0.01 }, clip: 0, seed: 3, dtype: 'float32',
  }],
];

/** The trainer's whole state: exported state (optimiser, counters, carried h and c) and a copy of the parameters. */
function snapshot(trainer: SequenceTrainer) {
  return { state: trainer.exportState(), params: trainer.model.params.slice() };
}

for (const [name, config] of configs) {
  test(`an abandoned update leaves the trainer as it was, and training goes on bit for bit: ${name}`, () => {
    const interrupted = new SequenceTrainer(data, config);
    const straight = new SequenceTrainer(data, config);
    for (let i = 0; i < 3; i++) {
      interrupted.step();
      straight.step();
    }
    // How many times one update polls the check: count them on a check that never aborts.
    let polls = 0;
    interrupted.abortCheck = () => {
      polls++;
      return false;
    };
    const probe = new SequenceTrainer(data, config);
    probe.abortCheck = interrupted.abortCheck;
    probe.step();
    assert.ok(polls > 2 * (config.truncate ?? config.seqLength), `polled between time steps of forward and backward (${polls} polls)`);
    const perUpdate = polls;

    // Abort at the first poll, inside the forward pass, at the turn to the backward pass, and at the very last poll.
    for (const abortAt of [1, 2, Math.floor(perUpdate / 2), Math.floor(perUpdate / 2) + 1, perUpdate]) {
      const before = snapshot(interrupted);
      let seen = 0;
      interrupted.abortCheck = () => ++seen >= abortAt;
      assert.throws(() => interrupted.step(), StepAbortedError, `abort at poll ${abortAt}`);
      assert.equal(seen, abortAt, 'the update stopped at the poll that answered true');
      assert.deepEqual(snapshot(interrupted), before, `abort at poll ${abortAt} changed nothing`);
      interrupted.abortCheck = null;
      const a = interrupted.step();
      const b = straight.step();
      assert.ok(Object.is(a.loss, b.loss) && Object.is(a.gradNorm, b.gradNorm), `step ${a.step}: ${a.loss} vs ${b.loss}`);
      assert.deepEqual(snapshot(interrupted), snapshot(straight), `after step ${a.step}, as if never interrupted`);
    }
  });
}
