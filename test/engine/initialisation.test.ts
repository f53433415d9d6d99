// Initialisation schemes: orthogonal blocks are orthogonal, identity blocks are s·I with zero biases, the LSTM
// forget-gate bias sums to the value, spectral-radius rescaling hits the target, Xavier stays in its bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyInitialisation } from '../../src/engine/initialisation';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { spectralRadius } from '../../src/engine/spectral';

const H = 6;
const stack = (cell: 'lstm' | 'gru' | 'rnn_relu'): RecurrentStack =>
  new RecurrentStack({ cell, inputSize: 5, hiddenSize: H, layers: 2, bidirectional: true, outputSize: 5, maxSteps: 4 }, new Prng(1));

test('orthogonal W_hh: every H×H gate block satisfies QᵀQ = I', () => {
  const s = stack('gru');
  applyInitialisation(s, { recurrent: 'orthogonal' }, new Prng(2));
  for (const name of ['rnn.weight_hh_l0', 'rnn.weight_hh_l1_reverse']) {
    const w = s.param(name);
    for (let g = 0; g < 3; g++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          let d = 0;
          for (let k = 0; k < H; k++) d += w[g * H * H + k * H + i] * w[g * H * H + k * H + j];
          assert.ok(Math.abs(d - (i === j ? 1 : 0)) < 1e-12, `${name} block ${g} (QᵀQ)[${i},${j}] = ${d}`);
        }
      }
    }
  }
});

test('identity W_hh (IRNN), forget bias, spectral radius, xavier', () => {
  const r = stack('rnn_relu');
  applyInitialisation(r, { recurrent: 'identity', identityScale: 0.7 }, new Prng(2));
  const w = r.param('rnn.weight_hh_l1');
  for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) assert.equal(w[i * H + j], i === j ? 0.7 : 0);
  assert.ok(r.param('rnn.bias_hh_l0').every((v) => v === 0) && r.param('rnn.bias_ih_l0').every((v) => v === 0));

  const l = stack('lstm');
  applyInitialisation(l, { forgetBias: 1.5, spectralRadius: 1.1 }, new Prng(2));
  const bi = l.param('rnn.bias_ih_l0_reverse');
  const bh = l.param('rnn.bias_hh_l0_reverse');
  for (let j = H; j < 2 * H; j++) assert.equal(bi[j] + bh[j], 1.5);
  assert.notEqual(bi[0], 1.5);
  for (let g = 0; g < 4; g++) {
    const block = l.param('rnn.weight_hh_l1').subarray(g * H * H, (g + 1) * H * H);
    assert.ok(Math.abs(spectralRadius(block, H) - 1.1) < 1e-12);
  }

  const x = stack('gru');
  applyInitialisation(x, { scheme: 'xavier' }, new Prng(3));
  const a = Math.sqrt(6 / (3 * H + 2 * H));
  const wi = x.param('rnn.weight_ih_l1');
  assert.ok(wi.every((v) => Math.abs(v) <= a) && Math.max(...wi.map(Math.abs)) > 0.8 * a);
  assert.ok(x.param('head.bias').every((v) => v === 0));
});
