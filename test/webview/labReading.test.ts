// The Gradient Lab's reading in words, on views the worker really computes: small ρ reads as vanishing with a tiny
// share kept, a large ρ on a wide network as exploding, and the forget-bias advice follows the setting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradientLabView } from '../../src/panels/gradientLabView';
import { gradientLab } from '../../src/worker/gradientLab';
import { formatPerStep } from '../../src/shared/gradientReading';
import { curveReading, formatShare, keptShare, labReading, linearReading, lstmReading, rnnReading } from '../../webview/lab/reading';

const TEXT = 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, ';

function view(spectralRadius: number, hiddenSize: number, forgetBias: number, steps = 100) {
  const answer = gradientLab({ type: 'gradientLab', requestId: 'r', text: TEXT, spectralRadius, steps, hiddenSize, seed: 1, forgetBias });
  return gradientLabView(answer, 'the first characters of tale.txt');
}

test('formatShare: two significant digits, small and large values in e-notation, missing ones in words', () => {
  assert.equal(formatShare(0.4), '0.4');
  assert.equal(formatShare(0.8341), '0.83');
  assert.equal(formatShare(3.2e-6), '3e-6');
  assert.equal(formatShare(12345), '1e4');
  assert.equal(formatShare(null), 'not measurable');
  assert.equal(keptShare([1, null, 4]), 0.25);
  assert.equal(keptShare([1, 0]), null);
});

test('small ρ reads as vanishing, with the share kept 99 steps back far below 1, each sentence with its curve\'s numbers', () => {
  const v = view(0.5, 32, 0);
  const rnn = curveReading(v.rnnHidden);
  assert.equal(rnn.regime, 'vanishing');
  const reading = labReading(v);
  assert.match(reading, /^ρ = 0\.50 \(σ_max = \d\.\d\d\), T = 100, 99 steps back: the tanh RNN keeps \de-\d+ \(×0\.\d+ per step, vanishing\)/);
  assert.ok(reading.includes(`keeps ${formatShare(rnn.kept)} (×${formatPerStep(rnn.perStep)} per step, vanishing)`));
  assert.match(rnnReading(v), /^RNN: vanishing — .*W_hh shrinks it far back \(ρ = 0\.50 < 1\)/);
  // Bias 0: f ≈ 0.5, the LSTM does not carry the gradient, and the line says why and what changes it.
  assert.match(lstmReading(v), /mean forget gate f = 0\.5\d .*does not carry the gradient\. A forget-gate bias of 1 or more/);
  assert.ok(lstmReading(v).includes(`the cell gradient falls ×${formatPerStep(curveReading(v.lstmCell).perStep)} per step`));
  // At ρ = 0.9 and bias 0 the untrained LSTM's cell path keeps less than the RNN, and the headline points to why.
  assert.match(labReading(view(0.9, 32, 0, 60)), /the RNN keeps \S+ times as much \(the LSTM line says why: its forget gates are half shut\)/);
});

test('the default first view (ρ 0.9, T 60, bias 2) shows the LSTM cell path keeping far more than the RNN', () => {
  const v = view(0.9, 32, 2, 60);
  const rnn = curveReading(v.rnnHidden);
  const cell = curveReading(v.lstmCell);
  assert.ok(cell.kept > 100 * rnn.kept, `cell ${cell.kept} vs rnn ${rnn.kept}`);
  assert.match(labReading(v), / times the RNN's/);
  assert.doesNotMatch(labReading(v), /times as much/);
  assert.match(lstmReading(v), /multiplies ∂L\/∂c by f, not by W_hh/);
});

test('the linear RNN explodes above ρ = 1 at the rate the closed form gives, and its sentence says so', () => {
  const v = view(1.5, 32, 2, 60);
  const lin = curveReading(v.linearHidden!);
  assert.equal(lin.regime, 'exploding');
  assert.match(linearReading(v), /^Linear RNN .*: exploding, ×1\.\d\d\d per step/);
  assert.match(labReading(v), /a linear RNN with the same W_hh keeps \de\d+ \(×1\.\d+ per step, exploding\)/);
  assert.match(linearReading(v), /Gradient clipping rescales/);
});
