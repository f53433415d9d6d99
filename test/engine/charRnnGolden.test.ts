// CharRnn against PyTorch: loss, last hidden state and every gradient for the weights of fixtures/rnn_golden.json,
// produced by fixtures/make_rnn_golden.py (torch nn.RNN + nn.Linear + cross_entropy, float64). No python needed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CharRnn } from '../../src/engine/charRnn';

interface TorchTensors {
  weight_ih_l0: number[][];
  weight_hh_l0: number[][];
  bias_ih_l0: number[];
  bias_hh_l0: number[];
  head_weight: number[][];
  head_bias: number[];
}
interface GoldenCase {
  name: string;
  V: number;
  H: number;
  inputs: number[];
  targets: number[];
  h0: number[];
  weights: TorchTensors;
  loss: number;
  hLast: number[];
  grads: TorchTensors;
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/rnn_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const TOL = 1e-9;

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    assert.ok(diff <= TOL * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs torch ${expected[i]}`);
  }
}

assert.ok(golden.cases.length >= 3);
for (const c of golden.cases) {
  test(`matches PyTorch nn.RNN + nn.Linear + cross_entropy: case "${c.name}" (V=${c.V}, H=${c.H}, L=${c.inputs.length})`, () => {
    const model = new CharRnn(c.V, c.H, c.inputs.length);
    const w = c.weights;
    // W_xh = weight_ih_l0, W_hh = weight_hh_l0, b_h = bias_ih_l0 + bias_hh_l0, W_hy = head.weight, b_y = head.bias
    model.W_xh.set(w.weight_ih_l0.flat());
    model.W_hh.set(w.weight_hh_l0.flat());
    model.b_h.set(w.bias_ih_l0.map((b, i) => b + w.bias_hh_l0[i]));
    model.W_hy.set(w.head_weight.flat());
    model.b_y.set(w.head_bias);

    const { loss, hLast } = model.forwardBackward(Int32Array.from(c.inputs), Int32Array.from(c.targets), Float64Array.from(c.h0));
    assertClose([loss], [c.loss], 'loss');
    assertClose(hLast, c.hLast, 'hLast');
    const g = c.grads;
    assertClose(model.dW_xh, g.weight_ih_l0.flat(), 'dW_xh');
    assertClose(model.dW_hh, g.weight_hh_l0.flat(), 'dW_hh');
    // Both torch biases enter the sum the same way, so each has the gradient of b_h.
    assertClose(model.db_h, g.bias_ih_l0, 'db_h vs bias_ih_l0');
    assertClose(model.db_h, g.bias_hh_l0, 'db_h vs bias_hh_l0');
    assertClose(model.dW_hy, g.head_weight.flat(), 'dW_hy');
    assertClose(model.db_y, g.head_bias, 'db_y');
  });
}
