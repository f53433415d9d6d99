// Trainer checkpoints: N updates, save (model + trainer state as safetensors bytes), restore into a fresh trainer,
// M more updates must equal N + M straight through, bit for bit: every cell, every optimiser, every data kind,
// including an epoch wrap and truncated BPTT with k2 > k1. Damaged or mismatched states are refused in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineInputError } from '../../src/engine/errors';
import { decodeSafetensors, encodeSafetensors, layoutToSafetensors, loadIntoLayout } from '../../src/engine/safetensors';
import { charData, parseSeries, parseTagged, type SequenceData } from '../../src/engine/sequenceData';
import { SequenceTrainer, type SequenceTrainerConfig } from '../../src/engine/sequenceTrainer';
import { decodeTrainerState, encodeTrainerState } from '../../src/engine/trainerState';

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(3);

function config(over: Partial<SequenceTrainerConfig> = {}): SequenceTrainerConfig {
  return {
    cell: 'lstm', layers: 1, hiddenSize: 6, bidirectional: false, seqLength: 8, batch: 2,
    optimizer: { kind: 'adam', learningRate: 0.02 }, clip: 1, seed: 11, ...over,
  };
}

function save(t: SequenceTrainer): { model: Uint8Array; state: Uint8Array } {
  return { model: encodeSafetensors(layoutToSafetensors(t.model.params, t.model.tensors, 'F64')), state: encodeTrainerState(t.exportState()) };
}

function restore(data: SequenceData, c: SequenceTrainerConfig, saved: { model: Uint8Array; state: Uint8Array }): SequenceTrainer {
  const t = new SequenceTrainer(data, { ...c, seed: c.seed + 1 }); // other initial weights: all must come from the files
  loadIntoLayout(decodeSafetensors(saved.model), t.model.params, t.model.tensors);
  t.importState(decodeTrainerState(saved.state).state);
  return t;
}

/** Losses and gradient norms of `m` updates, then the parameters and the carried states. */
function trace(t: SequenceTrainer, m: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    const r = t.step();
    out.push(r.step, r.epoch, r.loss, r.gradNorm);
  }
  return [...out, ...t.model.params, ...t.hiddenState, ...t.cellState];
}

function tagged(): SequenceData {
  const lines: string[] = [];
  const words = ['a', 'b', 'c'];
  for (let s = 0; s < 7; s++) {
    for (let i = 0; i < 4; i++) lines.push(`${words[(s + i) % 3]}\t${(s * i) % 2 ? 'X' : 'Y'}`);
    lines.push('');
  }
  return parseTagged(lines.join('\n')).data;
}

const series = (): SequenceData => parseSeries(Array.from({ length: 60 }, (_, i) => Math.sin(i / 3).toFixed(5)).join('\n')).data;

const cases: [string, () => SequenceData, Partial<SequenceTrainerConfig>][] = [
  ['rnn tanh · SGD with momentum', () => charData(TEXT).data, { cell: 'rnn', optimizer: { kind: 'sgd', learningRate: 0.3, momentum: 0.9 } }],
  ['rnn relu · plain SGD', () => charData(TEXT).data, { cell: 'rnn', nonlinearity: 'relu', optimizer: { kind: 'sgd', learningRate: 0.1 } }],
  ['gru · RMSProp · 2 layers · embedding', () => charData(TEXT).data, { cell: 'gru', layers: 2, embedding: 3, optimizer: { kind: 'rmsprop', learningRate: 0.01 } }],
  ['lstm · Adam · truncate 4/12', () => charData(TEXT).data, { cell: 'lstm', seqLength: 4, truncate: 12, batch: 4 }],
  ['lstm · Adam · series', series, { cell: 'lstm', seqLength: 5 }],
  ['gru · Adam · bidirectional tagging', tagged, { cell: 'gru', bidirectional: true, batch: 3 }],
];

for (const [name, makeData, over] of cases) {
  test(`${name}: N steps, checkpoint, restore, M steps = N + M straight, bit for bit (across an epoch wrap)`, () => {
    const data = makeData();
    const c = config(over);
    const N = 7;
    const M = 9;
    const straight = new SequenceTrainer(data, c);
    const expected = trace(straight, N + M).slice(4 * N); // drop the first N steps' numbers
    const first = new SequenceTrainer(data, c);
    trace(first, N);
    const resumed = restore(data, c, save(first));
    assert.equal(resumed.stepCount, N);
    const got = trace(resumed, M);
    assert.equal(got.length, expected.length);
    for (let i = 0; i < got.length; i++) assert.ok(Object.is(got[i], expected[i]), `value ${i}: ${got[i]} ≠ ${expected[i]}`);
    assert.ok(straight.epoch >= 1, 'the run crossed an epoch boundary');
  });
}

test('a restored trainer that skipped the optimiser state would differ (the state matters)', () => {
  const { data } = charData(TEXT);
  const c = config();
  const a = new SequenceTrainer(data, c);
  trace(a, 5);
  const saved = save(a);
  const full = trace(restore(data, c, saved), 3);
  const weightsOnly = new SequenceTrainer(data, { ...c, seed: 99 });
  loadIntoLayout(decodeSafetensors(saved.model), weightsOnly.model.params, weightsOnly.model.tensors);
  assert.notDeepEqual(trace(weightsOnly, 3), full);
});

test('reconfigure changes the learning rate and clipping but keeps the optimiser moments', () => {
  const { data } = charData(TEXT);
  const c = config({ clip: 0 });
  const a = new SequenceTrainer(data, c);
  trace(a, 4);
  const saved = save(a);
  a.reconfigure({ learningRate: 0.01, clip: 0.1 });
  // The same as a trainer restored from the checkpoint with those settings.
  const b = restore(data, { ...c, optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 0.1 }, saved);
  const ra = a.step();
  const rb = b.step();
  assert.equal(ra.loss, rb.loss);
  assert.ok(ra.clipped && ra.gradNormAfterClip <= 0.1 + 1e-12);
  assert.deepEqual([...a.model.params], [...b.model.params]);
  assert.throws(() => a.reconfigure({ learningRate: -1 }), /learning rate must be a positive number/);
});

test('a mismatched or damaged trainer state is refused in words', () => {
  const { data } = charData(TEXT);
  const a = new SequenceTrainer(data, config());
  a.step();
  const { state } = save(a);
  const sgd = new SequenceTrainer(data, config({ optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.5 } }));
  assert.throws(() => sgd.importState(decodeTrainerState(state).state), /saved with the adam optimiser, but this run uses sgd/);
  const bigger = new SequenceTrainer(data, config({ hiddenSize: 7 }));
  assert.throws(() => bigger.importState(decodeTrainerState(state).state), EngineInputError);
  assert.throws(() => decodeTrainerState(state.subarray(0, state.length - 9)), /not a valid safetensors file/);
  const model = encodeSafetensors(layoutToSafetensors(a.model.params, a.model.tensors, 'F64'));
  assert.throws(() => decodeTrainerState(model), /not a Sequence Lab trainer state/);
});
