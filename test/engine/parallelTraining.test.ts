// Data-parallel training on worker threads (src/parallel): the streams of a batch split into shards, each
// shard's gradient computed on its own thread with the same parameters, the gradients summed in shard order.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Prng } from '../../src/engine/prng';
import type { SequenceData } from '../../src/engine/sequenceData';
import { SequenceNumericFaultError } from '../../src/engine/sequenceFault';
import { SequenceTrainer, type SequenceTrainerConfig } from '../../src/engine/sequenceTrainer';
import { WorkerShards } from '../../src/parallel/workerShards';

const trainers: SequenceTrainer[] = [];
after(() => trainers.forEach((t) => t.dispose()));

function tokens(n: number, V: number, seed: number): SequenceData {
  const rng = new Prng(seed);
  const ids = new Int32Array(n);
  // A learnable text: mostly the successor of the previous id, sometimes a random one.
  for (let i = 1; i < n; i++) ids[i] = rng.next() < 0.8 ? (ids[i - 1] + 1) % V : Math.floor(rng.next() * V);
  return { kind: 'next-token', ids, vocabularySize: V };
}

const base: SequenceTrainerConfig = {
  cell: 'lstm', layers: 2, hiddenSize: 12, bidirectional: false, seqLength: 7, batch: 6,
  optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 3,
};

function run(config: SequenceTrainerConfig, data: SequenceData, steps: number, threads: number): { losses: number[]; params: Float64Array; h: Float64Array; c: Float64Array } {
  const trainer = new SequenceTrainer(data, config, threads > 1 ? { parallel: new WorkerShards({ threads }) } : {});
  trainers.push(trainer);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(trainer.step().loss);
  const out = { losses, params: trainer.model.params.slice(), h: trainer.hiddenState.slice(), c: trainer.cellState.slice() };
  trainer.dispose();
  return out;
}

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-6));
  return worst;
}

for (const [model, extra] of [['lstm', {}], ['gru', {}], ['rnn', { truncate: 4 }]] as const) {
  test(`${model}: 3 threads train the same model as 1 thread (same losses, parameters and carried states)`, () => {
    const config = { ...base, cell: model, ...extra };
    const data = tokens(400, 9, 1);
    const single = run(config, data, 8, 1);
    const parallel = run(config, data, 8, 3);
    // The shard gradients are added in a different grouping than one pass over all streams: equal up to rounding.
    assert.ok(worstRelative(parallel.losses, single.losses) < 1e-12, `losses ${parallel.losses} vs ${single.losses}`);
    assert.ok(worstRelative(parallel.params, single.params) < 1e-10, 'parameters differ');
    assert.ok(worstRelative(parallel.h, single.h) < 1e-10, 'hidden states differ');
    assert.ok(worstRelative(parallel.c, single.c) < 1e-10, 'cell states differ');
    assert.ok(single.losses[7] < single.losses[0], 'the model learns');
  });
}

test('parallel training is reproducible bit for bit, whatever the timing of the threads', () => {
  const data = tokens(600, 7, 2);
  const a = run(base, data, 6, 2);
  const b = run(base, data, 6, 2);
  assert.deepEqual(a.losses, b.losses);
  assert.deepEqual(a.params, b.params);
});

test('float32 trains in parallel too, reproducibly, and like float32 on one thread up to rounding', () => {
  const data = tokens(500, 9, 4);
  const config = { ...base, dtype: 'float32' as const };
  const single = run(config, data, 5, 1);
  const a = run(config, data, 5, 2);
  const b = run(config, data, 5, 2);
  assert.deepEqual(a.params, b.params);
  assert.ok(worstRelative(a.losses, single.losses) < 1e-6, `${a.losses} vs ${single.losses}`);
  assert.ok(worstRelative(a.params, single.params) < 1e-4);
});

test('a series trains in parallel too', () => {
  const rng = new Prng(5);
  const length = 300;
  const rows = new Float64Array(length * 2);
  for (let i = 0; i < length; i++) {
    rows[2 * i] = Math.sin(i / 5);
    rows[2 * i + 1] = Math.cos(i / 7) + 0.1 * rng.next();
  }
  const data: SequenceData = { kind: 'series', rows, length, features: 2 };
  const config = { ...base, cell: 'gru' as const, layers: 1, batch: 4 };
  const single = run(config, data, 5, 1);
  const parallel = run(config, data, 5, 2);
  assert.ok(worstRelative(parallel.params, single.params) < 1e-10);
});

test('a NaN in a worker shard is reported with its stream number over the whole batch', () => {
  const data = tokens(400, 9, 1);
  const trainer = new SequenceTrainer(data, { ...base, layers: 1, batch: 4 }, { parallel: new WorkerShards({ threads: 2 }) });
  trainers.push(trainer);
  trainer.step();
  // A NaN in stream 3's carried state: stream 3 runs in the second shard (streams 2 and 3).
  trainer.hiddenState[3 * 12] = NaN;
  assert.throws(() => trainer.step(), (e: Error) => e instanceof SequenceNumericFaultError && e.stream === 3 && e.timeStep === 0 && /h_l0.*stream 3/.test(e.message));
  trainer.dispose();
});
