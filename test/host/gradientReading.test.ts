// The one rule of every gradient reading (src/shared/gradientReading.ts) on constructed sequences, and the panels'
// sentences held to the numbers they are computed from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  byDistanceFromJacobian, byDistanceFromTime, FORGET_BIAS_WHERE, formatPerStep, gradientAdvice, pascanuSentence, readGradient, regimeSentence,
} from '../../src/shared/gradientReading';
import { gradientFindings, type GradientEvidence } from '../../src/rnnEditor/gradientRules';
import { EXPERIMENT_FIELDS } from '../../src/shared/experimentFile';
import { gradientReading } from '../../webview/gradientFlow/reading';
import type { GradientFlowView } from '../../src/shared/protocol/gradientFlowPanel';

const geometric = (rate: number, n: number) => Array.from({ length: n + 1 }, (_, d) => 2 * rate ** d);

test('vanishing, holding and exploding sequences read by the factor per step, which reproduces what is kept', () => {
  const v = readGradient(geometric(0.8, 40));
  assert.equal(v.regime, 'vanishing');
  assert.ok(Math.abs(v.perStep - 0.8) < 1e-12);
  assert.ok(Math.abs(v.kept - 0.8 ** 40) < 1e-15);
  assert.equal(v.floorAt, 31, '0.8^31 ≈ 9.9e-4 is the first below 1e-3');
  const h = readGradient(geometric(0.99, 40));
  assert.equal(h.regime, 'holding');
  assert.equal(h.floorAt, undefined);
  const e = readGradient(geometric(1.2, 40));
  assert.equal(e.regime, 'exploding');
  assert.ok(Math.abs(e.perStep - 1.2) < 1e-12);
  // The band's edges, as printed: 0.969 vanishes, 0.971 holds.
  assert.equal(readGradient(geometric(0.969, 50)).regime, 'vanishing');
  assert.equal(readGradient(geometric(0.971, 50)).regime, 'holding');
  // A zero reference or an empty curve cannot be read; an underflow to 0 far back is vanishing.
  assert.equal(readGradient([0, 1, 2]).regime, 'unknown');
  assert.equal(readGradient([1]).regime, 'unknown');
  assert.equal(readGradient([1, 0.5, 0]).regime, 'vanishing');
});

test('the truncation bounds the distances read: a decay beyond K − 1 steps is not read', () => {
  // Holds for 31 steps, then collapses: a run truncated at 32 never backpropagates that far.
  const curve = Array.from({ length: 64 }, (_, d) => (d <= 31 ? 0.995 ** d : 1e-9));
  const cut = readGradient(curve, { maxDistance: 31 });
  assert.equal(cut.regime, 'holding');
  assert.equal(cut.distance, 31);
  assert.equal(cut.truncatedTo, 31);
  assert.match(regimeSentence(cut, 'characters'), /read only as far as training backpropagates \(31 characters\)/);
  assert.equal(readGradient(curve).regime, 'vanishing');
});

test('the sentence states the numbers of the reading, and p^D = kept', () => {
  const r = readGradient(geometric(0.7, 20));
  const s = regimeSentence(r, 'characters');
  assert.match(s, /^vanishing: 20 characters back it is 8e-4 of the last step's \(×0\.700 per step; below 1e-3 from 20 characters back\)$/);
  assert.equal(formatPerStep(r.perStep), '0.700');
  assert.ok(Math.abs(r.perStep ** r.distance - r.kept) < 1e-15);
});

test('the advice knows the cell: never an LSTM to an LSTM, forget gates for an LSTM', () => {
  const v = readGradient(geometric(0.5, 30));
  assert.doesNotMatch(gradientAdvice(v, 'lstm', 0.5), /Try an LSTM|use an LSTM|or an LSTM/);
  assert.match(gradientAdvice(v, 'lstm', 0.5), /forget gate f \(their mean over the window is 0\.50\)/);
  assert.match(gradientAdvice(v, 'rnn'), /Try an LSTM/);
  const e = readGradient(geometric(1.5, 30));
  assert.doesNotMatch(gradientAdvice(e, 'lstm'), /LSTM/);
  assert.match(gradientAdvice(e, 'rnn'), /clipping/);
});

test('Pascanu et al. 2013: σ_max < 1/γ is sufficient for vanishing, σ_max > 1/γ only necessary for exploding', () => {
  assert.match(pascanuSentence(0.8), /must vanish .*sufficient/);
  assert.match(pascanuSentence(1.8), /exploding is possible but not certain .*necessary/);
});

function flowView(jacobianNorm: number[], extra: Partial<GradientFlowView> = {}): GradientFlowView {
  const T = jacobianNorm.length + 1;
  return {
    runLabel: 'run', step: 100, start: 0, layers: 1, gradNormH: [Array.from({ length: T }, () => 1)], jacobianNorm,
    spectralRadius: [1.83], largestSingularValue: [2.4], tokens: Array.from({ length: T }, () => 'a'), ...extra,
  };
}

test('Gradient Flow: an LSTM whose cell path holds reads as holding along the cell path, with no LSTM advice', () => {
  // The hidden path (c held) vanishes, the forget gates (f ≈ 0.995) carry the gradient.
  const view = flowView(geometric(0.6, 62).slice(1).map((x) => x / 2), {
    cell: 'lstm', truncation: 64, cellPath: geometric(0.995, 62).slice(1).map((x) => x / 2), gradNormC: Array.from({ length: 63 }, () => 1), meanForgetGate: 0.97,
  });
  const text = gradientReading(view);
  assert.match(text, /^Holding along the cell path\./);
  assert.match(text, /Cell path ‖∂c_T\/∂c_\{T−d\}‖ \(the forget gates' product; mean forget gate f = 0\.97 over the window\): holding: 62 characters back/);
  assert.match(text, /Hidden path .*: vanishing/);
  assert.doesNotMatch(text, /Try an LSTM/);
});

test('Gradient Flow reads distances in the run\'s own unit: a tagger\'s tokens, a series\' rows, a word run\'s words', () => {
  const j = geometric(0.83, 7).slice(1).map((x) => x / 2);
  for (const tokenKind of ['tokens', 'rows', 'words'] as const) {
    const text = gradientReading(flowView(j, { cell: 'gru', truncation: 64, tokenKind }));
    assert.match(text, new RegExp(`^Vanishing: 7 ${tokenKind} back`), tokenKind);
    assert.doesNotMatch(text, /characters/, tokenKind);
  }
});

test('Gradient Flow: a tanh RNN falling to 1e-3 within 40 steps is vanishing, never "stable"', () => {
  const j = geometric(0.83, 63).slice(1).map((x) => x / 2);
  const text = gradientReading(flowView(j, { cell: 'rnn', truncation: 64 }));
  assert.match(text, /^Vanishing: 63 characters back .*below 1e-3 from 38 characters back/);
  assert.match(text, /σ_max\(W_hh\) = 2\.40 > 1\/γ = 1\.00: exploding is possible but not certain/);
  assert.match(text, /Rule: /);
});

const evidence: GradientEvidence = {
  cell: 'rnn', clip: 0, learningRate: 0.01, minLearningRate: 1e-6, recentGradNorms: new Float32Array(0), vanishingSteps: 50,
};

test('Problems: no vanishing diagnostic for a distance beyond the truncation', () => {
  // 0.6^d: below 1e-6 from 28 steps back. With truncation 32 (distances ≤ 31) it is a problem of the run;
  const fast = Float32Array.from({ length: 63 }, (_, i) => 0.6 ** (i + 1));
  const found = gradientFindings({ ...evidence, truncation: 32, trace: { jacobianNorm: fast, start: 0, length: 64 } });
  assert.equal(found[0]?.kind, 'vanishing');
  assert.match(found[0].message, /‖∂h_T\/∂h_\{T−28\}‖ = 6\.1e-7 < 1e-6 \(below from 28 steps back; ×0\.600 per step\)/);
  assert.match(found[0].message, /what lies 31 characters back/);
  assert.match(found[0].message, /training backpropagates 32 steps/);
  // 0.7^d falls below 1e-6 only 39 steps back: beyond a truncation of 32, so no diagnostic (it had one at N = 50).
  const slow = Float32Array.from({ length: 63 }, (_, i) => 0.7 ** (i + 1));
  assert.deepEqual(gradientFindings({ ...evidence, truncation: 32, trace: { jacobianNorm: slow, start: 0, length: 64 } }), []);
  assert.equal(gradientFindings({ ...evidence, truncation: 100, trace: { jacobianNorm: slow, start: 0, length: 64 } })[0]?.kind, 'vanishing');
});

test('Problems: an LSTM whose cell path carries the gradient gets no vanishing diagnostic', () => {
  const hidden = Float32Array.from({ length: 63 }, (_, i) => 0.6 ** (i + 1));
  const cellPath = Float32Array.from({ length: 63 }, (_, i) => 0.99 ** (i + 1));
  assert.deepEqual(gradientFindings({ ...evidence, cell: 'lstm', trace: { jacobianNorm: hidden, start: 0, length: 64, cellPath } }), []);
  const closed = Float32Array.from({ length: 63 }, (_, i) => 0.5 ** (i + 1));
  const f = gradientFindings({ ...evidence, cell: 'lstm', trace: { jacobianNorm: hidden, start: 0, length: 64, cellPath: closed } });
  assert.equal(f[0]?.kind, 'vanishing');
  assert.deepEqual(f[0].fixes, [], 'no "Switch to LSTM" for an LSTM');
});

test('byDistance helpers: time order reversed, a Jacobian gets its reference 1', () => {
  assert.deepEqual(byDistanceFromTime([3, 2, 1]), [1, 2, 3]);
  assert.deepEqual(byDistanceFromJacobian([0.5, 0.25]), [1, 0.5, 0.25]);
});

test('the forget-bias advice names settings that exist: the Gradient Lab\'s control and the PyTorch export command, and no experiment key (there is none)', () => {
  const v = readGradient([1, 0.5, 0.25, 0.125, 0.06]);
  const advice = gradientAdvice(v, 'lstm', 0.5);
  assert.ok(advice.endsWith(FORGET_BIAS_WHERE));
  // The experiment file's model section really has no forget-bias key, and model.init is the scheme it names.
  assert.ok(!Object.keys(EXPERIMENT_FIELDS.model).some((k) => /forget/i.test(k)), 'an experiment key for the forget bias exists now: name it in the advice');
  assert.ok('init' in EXPERIMENT_FIELDS.model);
  // The lab's control and the command are named as the user sees them.
  assert.match(readFileSync('webview/gradientLab/main.ts', 'utf8'), /'LSTM forget-gate bias'/);
  assert.match(FORGET_BIAS_WHERE, /"LSTM forget-gate bias"/);
  const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
  assert.equal(nls['command.sequenceLab.runs.exportPytorch.title'], 'Export as PyTorch Project…');
  assert.match(FORGET_BIAS_WHERE, /"Export as PyTorch Project…"/);
  // Not for a tanh RNN or a GRU.
  assert.ok(!gradientAdvice(v, 'rnn').includes('bias_ih_l0'));
});
