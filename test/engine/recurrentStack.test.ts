// RecurrentStack's layout, initialisation, state handling and input checks (the maths is in the golden and
// gradient-check tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';

test('parameters are named, shaped and ordered like the PyTorch state_dict, in one flat buffer', () => {
  const stack = new RecurrentStack({ cell: 'lstm', inputSize: 7, hiddenSize: 4, layers: 2, bidirectional: true, outputSize: 7, embedding: 5, maxSteps: 3 });
  const rows = (name: string): [string, number, number] => {
    const t = stack.tensorInfo(name);
    return [t.name, t.rows, t.cols];
  };
  assert.deepEqual(stack.tensors.map((t) => t.name), [
    'embed.weight',
    'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0',
    'rnn.weight_ih_l0_reverse', 'rnn.weight_hh_l0_reverse', 'rnn.bias_ih_l0_reverse', 'rnn.bias_hh_l0_reverse',
    'rnn.weight_ih_l1', 'rnn.weight_hh_l1', 'rnn.bias_ih_l1', 'rnn.bias_hh_l1',
    'rnn.weight_ih_l1_reverse', 'rnn.weight_hh_l1_reverse', 'rnn.bias_ih_l1_reverse', 'rnn.bias_hh_l1_reverse',
    'head.weight', 'head.bias',
  ]);
  assert.deepEqual(rows('embed.weight'), ['embed.weight', 7, 5]);
  assert.deepEqual(rows('rnn.weight_ih_l0'), ['rnn.weight_ih_l0', 16, 5]);
  assert.deepEqual(rows('rnn.weight_ih_l1_reverse'), ['rnn.weight_ih_l1_reverse', 16, 8]);
  assert.deepEqual(rows('head.weight'), ['head.weight', 7, 8]);
  // sum(p.numel() for p in model.parameters()) of the same torch model
  assert.equal(stack.parameterCount, 35 + 2 * (16 * 5 + 16 * 4 + 32) + 2 * (16 * 8 + 16 * 4 + 32) + 7 * 8 + 7);
  let end = 0;
  for (const t of stack.tensors) {
    assert.equal(t.offset, end);
    end += t.rows * t.cols;
  }
  stack.param('rnn.bias_hh_l1')[2] = 4;
  assert.equal(stack.params[stack.tensorInfo('rnn.bias_hh_l1').offset + 2], 4);
});

test('initialisation like PyTorch: recurrent entries within 1/√H, head within 1/√(H·D), embedding N(0, 1)', () => {
  const stack = new RecurrentStack({ cell: 'gru', inputSize: 6, hiddenSize: 16, layers: 2, bidirectional: true, outputSize: 6, embedding: 40, maxSteps: 2 }, new Prng(3));
  const maxAbs = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  for (const t of stack.tensors) {
    const v = stack.param(t.name);
    if (t.name.startsWith('rnn.')) assert.ok(maxAbs(v) <= 0.25 && maxAbs(v) > 0.2, t.name);
    if (t.name.startsWith('head.')) assert.ok(maxAbs(v) <= 1 / Math.sqrt(32), t.name);
  }
  const e = stack.param('embed.weight');
  const mean = e.reduce((s, x) => s + x, 0) / e.length;
  const variance = e.reduce((s, x) => s + (x - mean) ** 2, 0) / e.length;
  assert.ok(Math.abs(mean) < 0.15 && Math.abs(variance - 1) < 0.2, `mean ${mean}, variance ${variance}`);
  assert.ok(new RecurrentStack({ cell: 'gru', inputSize: 2, hiddenSize: 2, layers: 1, bidirectional: false, outputSize: 2, maxSteps: 1 }).params.every((x) => x === 0));
});

test('backward overwrites the gradients; omitted initial states are zero; final states chain across calls', () => {
  const stack = new RecurrentStack({ cell: 'lstm', inputSize: 4, hiddenSize: 3, layers: 2, bidirectional: false, outputSize: 4, maxSteps: 8 }, new Prng(1));
  const ids = Int32Array.from([0, 1, 2, 3, 2, 1, 0]);
  const loss1 = stack.forwardBackwardNextToken(ids);
  const g1 = stack.grads.slice();
  const loss2 = stack.forwardBackwardNextToken(ids, new Float64Array(6), new Float64Array(6));
  assert.equal(loss2, loss1);
  assert.deepEqual(stack.grads, g1);
  // Running 0…3 then 3…6 with the carried states gives the states of one run over 0…6.
  stack.forward({ ids: ids.subarray(0, 6) });
  const hAll = stack.hN.slice();
  const cAll = stack.cN.slice();
  stack.forward({ ids: ids.subarray(0, 3) });
  const h = stack.hN.slice();
  const c = stack.cN.slice();
  stack.forward({ ids: ids.subarray(3, 6) }, h, c);
  for (let i = 0; i < 6; i++) {
    assert.ok(Math.abs(stack.hN[i] - hAll[i]) < 1e-15);
    assert.ok(Math.abs(stack.cN[i] - cAll[i]) < 1e-15);
  }
});

test('input checks: sequence length, ids, state sizes, c0 for a non-LSTM, targets', () => {
  const stack = new RecurrentStack({ cell: 'gru', inputSize: 3, hiddenSize: 2, layers: 1, bidirectional: true, outputSize: 3, maxSteps: 4 });
  assert.throws(() => stack.forward({ ids: Int32Array.from([0, 1, 2, 0, 1]) }), /5 steps do not fit/);
  assert.throws(() => stack.forward({ ids: Int32Array.from([0, 3]) }), /id 3 at step 1/);
  assert.throws(() => stack.forward({ ids: Int32Array.from([0]) }, new Float64Array(2)), /h0 has 2 values/);
  assert.throws(() => stack.forward({ ids: Int32Array.from([0]) }, undefined, new Float64Array(4)), /c0 is only for the LSTM/);
  assert.throws(() => stack.forward({ x: new Float64Array(5), steps: 2 }), /x has 5 values/);
  assert.throws(() => stack.backward({ kind: 'cross-entropy', targets: Int32Array.from([0]) }), /backward before forward/);
  stack.forward({ ids: Int32Array.from([0, 1]) });
  assert.throws(() => stack.backward({ kind: 'cross-entropy', targets: Int32Array.from([0, 3]) }), /target 3 at step 1/);
  assert.throws(() => stack.backward({ kind: 'mse', targets: new Float64Array(5) }), /5 target values/);
  const embedded = new RecurrentStack({ cell: 'rnn_tanh', inputSize: 3, hiddenSize: 2, layers: 1, bidirectional: false, outputSize: 3, embedding: 2, maxSteps: 4 });
  assert.throws(() => embedded.forward({ x: new Float64Array(6), steps: 2 }), /reads ids, not dense rows/);
  assert.throws(() => new RecurrentStack({ cell: 'gru', inputSize: 3, hiddenSize: 2, layers: 0, bidirectional: true, outputSize: 3, maxSteps: 4 }), /layers must be/);
});
