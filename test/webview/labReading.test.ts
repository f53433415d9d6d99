// The Gradient Lab's reading in words, on views the worker really computes: small ρ reads as vanishing with a tiny
// share kept, a large ρ on a wide network as exploding, and the forget-bias advice follows the setting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradientLabView } from '../../src/panels/gradientLabView';
import { gradientLab } from '../../src/worker/gradientLab';
import { formatShare, keptShare, labReading, lstmReading, regime, rnnReading } from '../../webview/lab/reading';

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

test('small ρ reads as vanishing, with the share kept 99 steps back far below 1', () => {
  const v = view(0.5, 32, 0);
  assert.equal(regime(v.rnnDecay), 'vanishing');
  const reading = labReading(v);
  assert.match(reading, /^ρ = 0\.50, T = 100: the RNN's gradient 99 steps back is \de-\d+ of the last step's \(×0\.\d+ per step, vanishing\)/);
  assert.match(rnnReading(v), /^RNN: vanishing — .*W_hh shrinks it \(ρ = 0\.50 < 1\)/);
  assert.match(lstmReading(v), /Raise the forget bias to 1/);
});

test('ρ = 1.5 on a wide RNN reads as exploding; forget bias 2 reads as open gates', () => {
  const v = view(1.5, 128, 2);
  assert.equal(regime(v.rnnDecay), 'exploding');
  assert.match(rnnReading(v), /^RNN: exploding/);
  assert.match(labReading(v), /per step, exploding\)/);
  assert.match(lstmReading(v), /With forget bias 2 the gates stay mostly open, so ∂L\/∂c is multiplied by f ≈ 0\.\d\d per step/);
});
