// The Gradient Lab's reading in words, on views the worker really computes: small ρ reads as vanishing with a tiny
// share kept, a large ρ on a wide network as exploding, and the forget-bias advice follows the setting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradientLabView } from '../../src/panels/gradientLabView';
import { gradientLab } from '../../src/worker/gradientLab';
import { formatPerStep } from '../../src/shared/gradientReading';
import type { TrainedGradientLabView } from '../../src/shared/webviewProtocol';
import { clipCurve, clipReading, formatPercent, curveReading, formatShare, keptShare, labReading, linearReading, lstmReading, rnnReading, trainedLabReading, trainedLstmReading } from '../../webview/gradientLab/reading';

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
  assert.ok(lstmReading(v).includes('choose it in "LSTM forget-gate bias" above'), 'the advice names the lab\'s own control');
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

// ── Trained-weights mode: the sentences on curves whose numbers are known in closed form ──

/** A curve g_t = p^(T−1−t) (index t, the loss at T − 1): kept = p^(T−1), per step p exactly. */
const geometric = (p: number, T: number) => Array.from({ length: T }, (_, t) => p ** (T - 1 - t));

function trainedView(over: Partial<TrainedGradientLabView> = {}): TrainedGradientLabView {
  const T = 60;
  return {
    steps: T, spectralRadius: 1.4, largestSingularValue: 2.9, dataLabel: 'the first characters of embedded-reber.txt',
    rnnRun: 'char RNN · reber-rnn', lstmRun: 'char LSTM · reber-lstm', rnnTruncation: 50, lstmTruncation: 50,
    rnnHidden: geometric(0.5, T), lstmHidden: geometric(0.7, T), lstmCell: geometric(0.99, T), linearHidden: geometric(1.4, T),
    meanForgetGate: 0.9, carouselFactor: 0.995, lstmForgetBias: 1.2, ...over,
  };
}

test('trained mode: the headline gives each curve\'s kept share and factor by the rule, the runs, and where training stopped backpropagating', () => {
  const v = trainedView();
  const reading = trainedLabReading(v);
  assert.ok(reading.startsWith('After training (ρ and σ_max of the trained RNN\'s W_hh): ρ = 1.40 (σ_max = 2.90), T = 60, 59 steps back: '), reading);
  assert.ok(reading.includes(`the tanh RNN keeps ${formatShare(0.5 ** 59)} (×0.500 per step, vanishing)`), reading);
  assert.ok(reading.includes(`keeps ${formatShare(0.99 ** 59)} (×0.990 per step, holding), ${formatShare(0.99 ** 59 / 0.5 ** 59)} times the RNN's`), reading);
  assert.ok(reading.includes('a linear RNN with the same W_hh keeps 4e8 (×1.400 per step, exploding)'), reading);
  assert.ok(reading.endsWith('Training never sent a gradient that far: the RNN run backpropagated at most 49 steps, the LSTM run at most 49 (truncated BPTT).'));
  // Within the truncation nothing is said about it.
  assert.ok(!trainedLabReading(trainedView({ rnnTruncation: 100, lstmTruncation: 100 })).includes('Training never'));
  assert.match(trainedLabReading(trainedView({ rnnTruncation: 100, lstmTruncation: 32 })), /that far: the LSTM run at most 31 \(truncated BPTT\)\.$/);
});

test('trained mode: the LSTM line states the measured forget gates and bias, and says a long path is left only when a unit keeps its gate open', () => {
  const carrying = trainedLstmReading(trainedView());
  assert.ok(carrying.startsWith('LSTM (char LSTM · reber-lstm): mean forget gate f = 0.90 on these 60 characters, mean forget bias b_if + b_hf = 1.20 after training.'));
  assert.ok(carrying.includes('the unit whose gates stay most open gives ×0.995 per step: the cell gradient falls ×0.990 per step (holding), the hidden state\'s ×0.700.'));
  assert.ok(!carrying.includes('half shut'));
  const someOpen = trainedLstmReading(trainedView({ meanForgetGate: 0.45, carouselFactor: 0.98, lstmCell: geometric(0.8, 60) }));
  assert.ok(someOpen.endsWith('only the units whose gates stay open carry the gradient far.'), someOpen);
  const noneOpen = trainedLstmReading(trainedView({ meanForgetGate: 0.41, carouselFactor: 0.49, lstmCell: geometric(0.63, 60) }));
  assert.ok(noneOpen.includes('falls ×0.630 per step (vanishing)'));
  assert.ok(noneOpen.endsWith('no unit keeps its gate open over these 60 characters: after this training the cell path does not carry the gradient far on this text.'), noneOpen);
});

// ── Clipping on the exploding case, against the closed form of a geometric gradient ──

test('clipping a geometric gradient g_d = a·rᵈ: norm, factor, clipped norm θ and the distant share all as the closed form says', () => {
  const T = 60;
  const a = 0.3;
  const r = 1.5;
  // Index t, distance d = T − 1 − t: ‖∂L/∂h_t‖ = a·r^(T−1−t).
  const curve = Array.from({ length: T }, (_, t) => a * r ** (T - 1 - t));
  // ‖g‖² = a² Σ_{d<T} r^{2d} = a² (r^{2T} − 1)/(r² − 1);  far part: d > (T − 1)/2, i.e. d ≥ 30 here.
  const total = a * Math.sqrt((r ** (2 * T) - 1) / (r * r - 1));
  const far = (r ** (2 * T) - r ** 60) / (r ** (2 * T) - 1);
  const c = clipCurve(curve, 5);
  assert.ok(Math.abs(c.total - total) <= 1e-12 * total);
  assert.ok(Math.abs(c.factor - 5 / total) <= 1e-12 * c.factor);
  assert.ok(Math.abs(c.farShare - far) < 1e-12);
  // The clipped gradient has norm θ, and every step is scaled alike: the curve's shape (its relative values) is unchanged.
  assert.ok(Math.abs(Math.hypot(...c.clipped.map((v) => v!)) - 5) < 1e-9);
  for (let t = 0; t < T; t++) assert.ok(Math.abs(c.clipped[t]! / c.clipped[T - 1]! - curve[t] / curve[T - 1]) <= 1e-9 * (curve[t] / curve[T - 1]));
  // A norm too large to square in floating point is still measured.
  const huge = clipCurve([1e200, 1e180, 1], 1);
  assert.ok(Math.abs(huge.total / 1e200 - 1) < 1e-12 && huge.factor === 1e-200);
  // Below θ nothing changes.
  assert.equal(clipCurve([0.1, 0.2, 0.3], 5).factor, 1);
});

test('the clipping sentence: in the exploding regime it gives the closed form\'s numbers and says the direction is kept; below θ it says nothing changes', () => {
  const v = view(1.5, 32, 2, 60);
  assert.equal(curveReading(v.linearHidden!).regime, 'exploding');
  const c = clipCurve(v.linearHidden!, 5);
  const sentence = clipReading(v, 5);
  assert.ok(sentence.startsWith(`Clipping at θ = 5 (Pascanu et al. 2013) on the linear RNN (exploding): its gradient norm ${formatShare(c.total)} is rescaled to 5, every step's part by the same factor ×${formatShare(c.factor)}`), sentence);
  assert.ok(sentence.includes(`${formatPercent(c.farShare)} of the squared norm still comes from more than 29 steps back, before and after`), sentence);
  assert.ok(c.farShare > 0.99, 'exploding: the distant steps carry almost all of the norm');
  assert.match(sentence, /it does not change which steps the gradient comes from/);
  const vanishing = view(0.5, 32, 2, 60);
  assert.match(clipReading(vanishing, 10), /^Clipping at θ = 10: the linear RNN's gradient norm \S+ is not above θ, so clipping changes nothing; .*never restores a vanishing one's distant part/);
  assert.match(clipReading(v, null), /^Gradient clipping is off/);
  assert.equal(formatPercent(0.999999), 'over 99%');
  assert.equal(formatPercent(0.004), 'under 1%');
  assert.equal(formatPercent(0.5), '50%');
  assert.equal(formatPercent(1), '100%');
});
