// SequenceTrainer: reproducibility, loss falls for every cell and task, truncated BPTT and batching against
// hand-arranged equivalents on a bare RecurrentStack, refusals, and numeric faults that leave the model unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineInputError, NumericFaultError } from '../../src/engine/errors';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { charData, parseSeries, parseTagged } from '../../src/engine/sequenceData';
import { SequenceNumericFaultError } from '../../src/engine/sequenceFault';
import { SequenceTrainer, type SequenceTrainerConfig } from '../../src/engine/sequenceTrainer';

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(8);

function config(over: Partial<SequenceTrainerConfig> = {}): SequenceTrainerConfig {
  return {
    cell: 'lstm', layers: 1, hiddenSize: 8, bidirectional: false, seqLength: 8, batch: 2,
    optimizer: { kind: 'adam', learningRate: 0.02 }, clip: 5, seed: 7, ...over,
  };
}

test('identical configs give bit-identical runs; a different seed does not', () => {
  const { data } = charData(TEXT);
  const run = (seed: number): number[] => {
    const t = new SequenceTrainer(data, config({ cell: 'gru', layers: 2, embedding: 4, seed, init: { recurrent: 'orthogonal' } }));
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) losses.push(t.step().loss);
    return [...losses, ...t.model.params];
  };
  const a = run(3);
  assert.deepEqual(run(3), a);
  assert.notDeepEqual(run(4), a);
});

const cases: [string, Partial<SequenceTrainerConfig>][] = [
  ['rnn tanh, sgd momentum', { cell: 'rnn', optimizer: { kind: 'sgd', learningRate: 0.5, momentum: 0.9 }, clip: 1 }],
  ['rnn relu, rmsprop, IRNN', { cell: 'rnn', nonlinearity: 'relu', optimizer: { kind: 'rmsprop', learningRate: 0.005 }, init: { recurrent: 'identity', identityScale: 0.5 } }],
  ['gru, adam, 2 layers, embedding', { cell: 'gru', layers: 2, embedding: 5 }],
  ['lstm, adam, forget bias, truncate 4/12', { cell: 'lstm', seqLength: 4, truncate: 12, init: { forgetBias: 1 } }],
];
for (const [name, over] of cases) {
  test(`next-token loss falls: ${name}`, () => {
    const { data } = charData(TEXT);
    const t = new SequenceTrainer(data, config(over));
    const first = t.step().loss;
    let last = first;
    for (let i = 0; i < 80; i++) last = t.step().loss;
    assert.ok(last < 0.7 * first, `loss ${first} → ${last}`);
  });
}

test('tagging with a bidirectional LSTM learns tags; series regression with a GRU learns a sine', () => {
  const lines: string[] = [];
  const words = ['a', 'b', 'c', 'd'];
  const rng = new Prng(1);
  for (let s = 0; s < 12; s++) {
    // Tag of a word: whether the NEXT word is 'a' (needs the backward chain).
    const seq = Array.from({ length: 6 }, () => words[Math.floor(rng.next() * 4)]);
    seq.forEach((w, i) => lines.push(`${w}\t${seq[i + 1] === 'a' ? 'Y' : 'N'}`));
    lines.push('');
  }
  const { data } = parseTagged(lines.join('\n'));
  const tagger = new SequenceTrainer(data, config({ bidirectional: true, batch: 4 }));
  const first = tagger.step().loss;
  let last = first;
  for (let i = 0; i < 150; i++) last = tagger.step().loss;
  assert.ok(last < 0.2 * first, `tagging loss ${first} → ${last}`);

  const csv = ['t,value', ...Array.from({ length: 200 }, (_, i) => `${i},${Math.sin(i / 4).toFixed(6)}`)].join('\n');
  const { data: series } = parseSeries(csv.split('\n').map((l) => l.split(',')[1]).join('\n'));
  const t = new SequenceTrainer(series, config({ cell: 'gru', seqLength: 16, optimizer: { kind: 'adam', learningRate: 0.02 } }));
  const s0 = t.step().loss;
  let s1 = s0;
  for (let i = 0; i < 100; i++) s1 = t.step().loss;
  assert.ok(s1 < 0.1 * s0, `series loss ${s0} → ${s1}`);
});

test('bidirectional next-token prediction and an embedding on a series are refused', () => {
  const { data } = charData(TEXT);
  assert.throws(() => new SequenceTrainer(data, config({ bidirectional: true })), (e: unknown) => e instanceof EngineInputError && /next token/.test(e.message));
  const { data: series } = parseSeries('1\n2\n3\n4');
  assert.throws(() => new SequenceTrainer(series, config({ bidirectional: true })), EngineInputError);
  assert.throws(() => new SequenceTrainer(series, config({ embedding: 3 })), EngineInputError);
  assert.throws(() => new SequenceTrainer(data, config({ cell: 'gru', nonlinearity: 'relu' })), EngineInputError);
});

/** SGD without momentum makes the parameter trajectory a direct record of the gradients. */
const SGD = { kind: 'sgd' as const, learningRate: 0.3 };

test('truncated BPTT with k2 < k1 equals: k1 − k2 steps forward without gradient, then a plain k2 chunk', () => {
  const { data } = charData(TEXT);
  const k1 = 7;
  const k2 = 3;
  const trainer = new SequenceTrainer(data, config({ cell: 'gru', batch: 1, seqLength: k1, truncate: k2, optimizer: SGD, clip: 0 }));
  const stack = new RecurrentStack({ ...trainer.model.config, maxSteps: k1 });
  stack.params.set(trainer.model.params);
  const ids = data.ids;
  let h = new Float64Array(8);
  for (let n = 0; n < 4; n++) {
    trainer.step();
    const p = n * k1;
    stack.forward({ ids: ids.subarray(p, p + k1 - k2) }, h);
    h = Float64Array.from(stack.hN);
    stack.forwardBackwardNextToken(ids.subarray(p + k1 - k2, p + k1 + 1), h);
    h = Float64Array.from(stack.hN);
    for (let i = 0; i < stack.params.length; i++) stack.params[i] -= SGD.learningRate * stack.grads[i];
  }
  // The trainer's B-stream kernels add in another order than the one-stream stack: equal up to rounding.
  const worst = Math.max(...trainer.model.params.map((v, i) => Math.abs(v - stack.params[i])));
  assert.ok(worst < 1e-13, `largest parameter difference ${worst}`);
  const worstH = Math.max(...trainer.hiddenState.map((v, i) => Math.abs(v - h[i])));
  assert.ok(worstH < 1e-13, `largest state difference ${worstH}`);
});

test('truncated BPTT with k2 > k1 equals the window gradient minus its context prefix, state carried from the window', () => {
  // The loss counts only the k1 new steps of the k2-step window [w, e). Outputs of the first steps do not depend
  // on later ones, so Σ_new ℓ_t = T·mean(window) − ctx·mean(prefix), and its gradient likewise, from the same state.
  const { data } = charData(TEXT);
  const k1 = 2;
  const k2 = 5;
  const trainer = new SequenceTrainer(data, config({ batch: 1, seqLength: k1, truncate: k2, optimizer: SGD, clip: 0 }));
  const stack = new RecurrentStack({ ...trainer.model.config, maxSteps: k2 });
  stack.params.set(trainer.model.params);
  const ids = data.ids;
  let h = new Float64Array(8);
  let c = new Float64Array(8);
  const grad = new Float64Array(stack.parameterCount);
  for (let n = 0; n < 5; n++) {
    const r = trainer.step();
    const e = k1 * (n + 1);
    const w = Math.max(0, e - k2);
    const T = e - w;
    const ctx = T - k1;
    const full = stack.forwardBackwardNextToken(ids.subarray(w, e + 1), h, c);
    for (let i = 0; i < grad.length; i++) grad[i] = (T * stack.grads[i]) / k1;
    // The state carried to the next window start w' = max(0, e + k1 − k2), from this forward (row w' − w).
    const keep = Math.max(0, e + k1 - k2) - w;
    const hNext = Float64Array.from(stack.cells[0].hs.subarray(keep * 8, keep * 8 + 8));
    const cells0 = stack.cells[0] as unknown as { cs: Float64Array };
    const cNext = Float64Array.from(cells0.cs.subarray(keep * 8, keep * 8 + 8));
    let prefix = 0;
    if (ctx > 0) {
      prefix = stack.forwardBackwardNextToken(ids.subarray(w, w + ctx + 1), h, c);
      for (let i = 0; i < grad.length; i++) grad[i] -= (ctx * stack.grads[i]) / k1;
    }
    const lossNew = (T * full - ctx * prefix) / k1;
    assert.ok(Math.abs(r.loss - lossNew) < 1e-12, `step ${n + 1}: loss ${r.loss} vs ${lossNew}`);
    for (let i = 0; i < grad.length; i++) stack.params[i] -= SGD.learningRate * grad[i];
    h = hNext;
    c = cNext;
  }
  const worst = Math.max(...trainer.model.params.map((v, i) => Math.abs(v - stack.params[i])));
  assert.ok(worst < 1e-12, `largest parameter difference ${worst}`);
});

test('a batch of B streams takes the mean of the streams’ gradients', () => {
  const { data } = charData(TEXT);
  const B = 3;
  const L = 5;
  const trainer = new SequenceTrainer(data, config({ cell: 'rnn', batch: B, seqLength: L, optimizer: SGD, clip: 0 }));
  const S = trainer.segmentLength;
  const stack = new RecurrentStack({ ...trainer.model.config, maxSteps: L });
  stack.params.set(trainer.model.params);
  const sum = new Float64Array(stack.parameterCount);
  const hs = Array.from({ length: B }, () => new Float64Array(8));
  for (let n = 0; n < 3; n++) {
    trainer.step();
    sum.fill(0);
    for (let b = 0; b < B; b++) {
      const p = b * S + n * L;
      stack.forwardBackwardNextToken(data.ids.subarray(p, p + L + 1), hs[b]);
      hs[b] = Float64Array.from(stack.hN);
      for (let i = 0; i < sum.length; i++) sum[i] += stack.grads[i] / B;
    }
    for (let i = 0; i < sum.length; i++) stack.params[i] -= SGD.learningRate * sum[i];
  }
  const worst = Math.max(...trainer.model.params.map((v, i) => Math.abs(v - stack.params[i])));
  assert.ok(worst < 1e-14, `largest difference ${worst}`);
});

test('clipping and the per-step report', () => {
  const { data } = charData(TEXT);
  const t = new SequenceTrainer(data, config({ clip: 0.01, clipValue: 0.001 }));
  const r = t.step();
  assert.ok(r.clipped && r.gradNorm > 0.01 && r.gradNormAfterClip <= 0.01 + 1e-15);
  assert.ok(Math.max(...t.gradient.map(Math.abs)) <= 0.001);
  assert.deepEqual(Object.keys(r.updateRatios), t.model.tensors.map((x) => x.name));
  assert.ok(Object.values(r.updateRatios).every((v) => v > 0 && v < 1));
  assert.equal(r.tokens, 2 * 8);
});

test('a NaN names the tensor, leaves parameters and state unchanged, and a forward fault names layer and time step', () => {
  const { data } = charData(TEXT);
  const t = new SequenceTrainer(data, config({ cell: 'rnn', nonlinearity: 'relu', layers: 2, batch: 1 }));
  t.step();
  const params = Float64Array.from(t.model.params);
  const h = Float64Array.from(t.hiddenState);
  t.model.param('rnn.bias_hh_l1')[0] = NaN;
  assert.throws(() => t.step(), (e: unknown) => e instanceof NumericFaultError && e.tensor === 'rnn.bias_hh_l1' && e.kind === 'parameter');
  t.model.params.set(params);
  // Finite parameters whose sum overflows: with W_hh = 0, a_t = 8e307 + 1e308 = Infinity in layer 0 at the first step
  // reading `id` (and a finite 8e307 elsewhere).
  const chunk = data.ids.subarray(8, 16);
  const id = chunk[3];
  const first = chunk.indexOf(id);
  const W = t.model.param('rnn.weight_ih_l0');
  const V = data.vocabularySize;
  for (let k = 0; k < 8; k++) W[k * V + id] = 1e308;
  t.model.param('rnn.bias_ih_l0').fill(8e307);
  t.model.param('rnn.weight_hh_l0').fill(0);
  assert.throws(() => t.step(), (e: unknown) => {
    assert.ok(e instanceof SequenceNumericFaultError, String(e));
    assert.equal(e.tensor, 'h_l0');
    assert.equal(e.timeStep, first);
    assert.match(e.message, new RegExp(`h_l0 at time step ${first}`));
    return true;
  });
  t.model.params.set(params);
  assert.deepEqual([...t.hiddenState], [...h]);
  assert.equal(t.stepCount, 1);
  t.step();
  assert.equal(t.stepCount, 2);
});
