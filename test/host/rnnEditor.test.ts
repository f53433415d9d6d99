// "Colour Text by Model" (src/rnnEditor/), its pure parts: the colour slot of a value on each scale, runs of equally
// coloured characters (surrogate pairs kept whole), the window of the document sent to the worker, the rules that
// turn a run's fault / gradient trace / gradient norms into problems with fixes, and the hover's text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { largestIn, legendLines, quantityArgument, scaleOf, SLOTS, slotColour, slotOf, slotRuns } from '../../src/rnnEditor/colourScale';
import { fixPlan, gradientFindings, type GradientEvidence } from '../../src/rnnEditor/gradientRules';
import { MAX_VANISHING_STEPS, vanishingWindow } from '../../src/rnnEditor/gradientWindow';
import { hoverMarkdown } from '../../src/rnnEditor/hoverText';
import { covers, MAX_SCORED, MIN_SCORED, scoredLimit, WARMUP, windowFor } from '../../src/rnnEditor/inferenceWindow';
import { largestInRanges, visibleRuns } from '../../src/rnnEditor/visibleColours';
import type { TextInference } from '../../src/shared/protocol/trainingWorker';

test('surprisal uses the Markov levels in bits; gates read closed as blue and open as orange', () => {
  assert.equal(scaleOf({ kind: 'surprisal' }), 'bits');
  assert.equal(slotOf(0.5, 'bits'), undefined);
  assert.equal(slotOf(1, 'bits'), 'heat1');
  assert.equal(slotOf(5, 'bits'), 'heat3');
  assert.equal(slotOf(12, 'bits'), 'heat5');
  assert.equal(slotOf(NaN, 'bits'), undefined);
  const forget = scaleOf({ kind: 'series', layer: 0, series: 'f', unit: 0 });
  assert.equal(forget, 'sigmoid');
  assert.equal(slotOf(0.97, forget), 'pos3');
  assert.equal(slotOf(0.5, forget), undefined);
  assert.equal(slotOf(0.3, forget), 'neg1');
  assert.equal(slotOf(0.02, forget), 'neg3');
  assert.equal(scaleOf({ kind: 'series', layer: 0, series: 'h', unit: 0 }), 'tanh');
  assert.equal(slotOf(-0.6, 'tanh'), 'neg2');
  assert.equal(slotOf(3, 'cell'), 'pos3', 'c is read through tanh');
  assert.equal(slotColour('heat4'), 'sequenceLab.surprisalLevel4');
  assert.equal(slotColour('neg2'), 'sequenceLab.modelNegative2');
});

test('‖∂L/∂h‖ is coloured by decades below the largest in view', () => {
  assert.equal(scaleOf({ kind: 'gradNorm', layer: 0 }), 'decades');
  assert.equal(slotOf(2, 'decades', 2), 'heat5');
  assert.equal(slotOf(0.3, 'decades', 2), 'heat4');
  assert.equal(slotOf(0.15, 'decades', 2), 'heat3');
  assert.equal(slotOf(2e-3, 'decades', 2), 'heat2');
  assert.equal(slotOf(1e-9, 'decades', 2), undefined);
  assert.equal(largestIn(Float32Array.from([NaN, 3, 7, 1]), 10, 11, 13), 7);
  assert.ok(Number.isNaN(largestIn(Float32Array.from([NaN, NaN]), 0, 0, 2)));
});

test('runs of equally coloured characters, offset by the scored window, with surrogate pairs kept whole', () => {
  // offsets 100…107: bits 0, 1.5, 1.5, 5, NaN(low surrogate of the pair at 103), 12, NaN(no value), 1.2
  const values = Float32Array.from([0, 1.5, 1.5, 5, NaN, 12, NaN, 1.2]);
  const runs = slotRuns(values, 100, 90, 200, 'bits', { lowSurrogate: (o) => o === 104 });
  const bySlot = Object.fromEntries(SLOTS.map((s, i) => [s, runs[i]]).filter(([, r]) => (r as unknown[]).length > 0));
  assert.deepEqual(bySlot, { heat1: [[101, 103], [107, 108]], heat3: [[103, 105]], heat5: [[105, 106]] });
  const clipped = slotRuns(values, 100, 102, 104, 'bits');
  assert.deepEqual(clipped[SLOTS.indexOf('heat1')], [[102, 103]]);
  assert.deepEqual(clipped[SLOTS.indexOf('heat3')], [[103, 104]]);
});

test('the window: what is wanted, preceded by a warm-up, bounded in size', () => {
  assert.deepEqual(windowFor([[5000, 9000]], 20_000), { sliceStart: 5000 - WARMUP, from: 5000, to: 9000 });
  assert.deepEqual(windowFor([[0, 300]], 120), { sliceStart: 0, from: 0, to: 120 });
  assert.deepEqual(windowFor([[10, 20], [400, 500]], 1000), { sliceStart: 0, from: 10, to: 500 });
  const huge = windowFor([[2_000_000, 3_000_000]], 5_000_000)!;
  assert.equal(huge.to - huge.from, MAX_SCORED);
  assert.equal(windowFor([[0, 50_000]], 60_000, scoredLimit('lstm', 1, 64))!.to, scoredLimit('lstm', 1, 64));
  assert.ok(scoredLimit('lstm', 2, 512) < scoredLimit('rnn', 1, 64), 'bigger models score fewer characters per request');
  assert.equal(scoredLimit('lstm', 4, 1024), MIN_SCORED);
  assert.equal(windowFor([], 100), undefined);
  assert.equal(windowFor([[0, 10]], 0), undefined);
  assert.ok(covers({ from: 100, to: 500 }, [[120, 480]], 1000));
  assert.ok(!covers({ from: 100, to: 500 }, [[120, 520]], 1000));
  assert.ok(covers({ from: 100, to: 500 }, [[120, 600]], 500), 'clamped to the document');
  assert.ok(!covers(undefined, [[0, 1]], 10));
});

const base: GradientEvidence = {
  cell: 'rnn', clip: 0, learningRate: 0.01, minLearningRate: 1e-6, recentGradNorms: new Float32Array(0), vanishingSteps: 50,
};

test('a NaN/Inf fault is an error with clipping, a lower learning rate and the LSTM offered', () => {
  const [f, ...rest] = gradientFindings({ ...base, fault: { message: 'x', tensor: 'h_l0', timeStep: 3, step: 12 } });
  assert.equal(rest.length, 0);
  assert.equal(f.kind, 'nan');
  assert.equal(f.severity, 'error');
  assert.match(f.message, /h_l0 at time step 3 .* step 12/);
  assert.deepEqual(f.fixes, ['enableClipping', 'lowerLearningRate', 'switchToLstm']);
  const lstm = gradientFindings({ ...base, cell: 'lstm', clip: 5, fault: { message: 'x', tensor: 'loss', step: 2 } });
  assert.deepEqual(lstm[0].fixes, ['lowerLearningRate'], 'clipping already on, already an LSTM');
});

test('vanishing: the Jacobian norm at distance N below 1e-6, not before', () => {
  const decay = (rate: number) => Float32Array.from({ length: 63 }, (_, i) => rate ** (i + 1));
  const fast = gradientFindings({ ...base, trace: { jacobianNorm: decay(0.7), start: 40, length: 64 } });
  assert.equal(fast.length, 1);
  assert.equal(fast[0].kind, 'vanishing');
  assert.deepEqual(fast[0].window, { start: 40, length: 64 });
  assert.match(fast[0].message, /below from 39 steps back/); // 0.7^39 ≈ 9e-7 is the first below 1e-6
  assert.match(fast[0].message, /what lies 50 characters back/);
  const wordRun = gradientFindings({ ...base, trace: { jacobianNorm: decay(0.7), start: 40, length: 64, unit: 'words' } });
  assert.match(wordRun[0].message, /what lies 50 words back/);
  assert.deepEqual(fast[0].fixes, ['switchToLstm']);
  assert.deepEqual(gradientFindings({ ...base, trace: { jacobianNorm: decay(0.9), start: 0, length: 64 } }), [], '0.9^50 ≈ 5e-3 still reaches back');
  assert.deepEqual(gradientFindings({ ...base, vanishingSteps: 30, trace: { jacobianNorm: decay(0.7), start: 0, length: 64 } }), [], '0.7^30 ≈ 2e-5');
});

test('‖∂L/∂h‖ in two visible ranges is scaled by the largest over both, as the legend says', () => {
  // offsets 0…3 (first range) have 10, offsets 10…13 (second range, e.g. below a fold) have 0.02 = 2·10⁻³ × 10.
  const values = Float32Array.from({ length: 14 }, (_, i) => (i < 4 ? 10 : i >= 10 ? 0.02 : NaN));
  const ranges: [number, number][] = [[0, 4], [10, 14]];
  assert.equal(largestInRanges(values, 0, ranges), 10);
  assert.ok(Number.isNaN(largestInRanges(values, 0, [[4, 10]])));
  const runs = visibleRuns(values, 0, ranges, 'decades');
  const bySlot = Object.fromEntries(SLOTS.map((s, i) => [s, runs[i]]).filter(([, r]) => (r as unknown[]).length > 0));
  assert.deepEqual(bySlot, { heat5: [[0, 4]], heat2: [[10, 14]] }, 'the second range is not its own "largest in view"');
});

test('vanishing distance N above 63 is traced over a longer window, up to the setting\'s maximum', () => {
  assert.deepEqual(vanishingWindow(50), { steps: 50, window: 64 });
  assert.deepEqual(vanishingWindow(100), { steps: 100, window: 101 });
  assert.deepEqual(vanishingWindow(10_000), { steps: MAX_VANISHING_STEPS, window: MAX_VANISHING_STEPS + 1 });
  assert.deepEqual(vanishingWindow(0), { steps: 1, window: 64 });
  assert.deepEqual(vanishingWindow('many'), { steps: 50, window: 64 });
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { maximum?: number }> } } };
  const setting = manifest.contributes.configuration.properties['sequenceLab.rnnEditor.vanishingSteps'];
  assert.equal(setting.maximum, MAX_VANISHING_STEPS, 'Settings UI offers exactly what is traced');
  const { steps, window } = vanishingWindow(100);
  const jacobianNorm = Float32Array.from({ length: window - 1 }, (_, i) => 0.88 ** (i + 1)); // 0.88^100 ≈ 3e-6, 0.88^109 < 1e-6
  assert.deepEqual(gradientFindings({ ...base, vanishingSteps: steps, trace: { jacobianNorm, start: 0, length: window } }), [], 'not yet at 100');
  const faster = Float32Array.from({ length: window - 1 }, (_, i) => 0.85 ** (i + 1)); // 0.85^100 ≈ 9e-8
  assert.equal(gradientFindings({ ...base, vanishingSteps: steps, trace: { jacobianNorm: faster, start: 0, length: window } })[0]?.kind, 'vanishing');
});

test('exploding: only with clipping off, for a large norm or a tenfold growth', () => {
  const growing = Float32Array.from({ length: 40 }, (_, i) => 1.2 ** i);
  const grew = gradientFindings({ ...base, recentGradNorms: growing });
  assert.equal(grew[0]?.kind, 'exploding');
  assert.match(grew[0].message, /grew \d+×/);
  assert.deepEqual(grew[0].fixes, ['enableClipping', 'lowerLearningRate']);
  assert.deepEqual(gradientFindings({ ...base, clip: 5, recentGradNorms: growing }), [], 'clipping is on');
  const steady = Float32Array.from({ length: 40 }, () => 3);
  assert.deepEqual(gradientFindings({ ...base, recentGradNorms: steady }), []);
  const spike = Float32Array.from([3, 3, 250, 3]);
  assert.match(gradientFindings({ ...base, recentGradNorms: spike })[0].message, /reached 250/);
});

function inference(): TextInference {
  return {
    step: 40, length: 3,
    surprisal: Float32Array.from([NaN, 1, NaN]),
    value: Float32Array.from([0.1, 0.9, 0.2]),
    unknown: Uint8Array.from([0, 0, 1]),
    gradNorm: Float32Array.from([0.5, 0.25, NaN]),
    topIds: Int32Array.from([1, 0, -1, -1, -1, 2, 1, 0, -1, -1, 0, 1, 2, -1, -1]),
    topProbabilities: Float32Array.from([0.6, 0.3, 0, 0, 0, 0.5, 0.25, 0.125, 0, 0, 0.4, 0.3, 0.2, 0, 0]),
    vocabulary: ['\n', 'a', 'b'],
    cell: 'lstm', layers: 2, hiddenSize: 4,
    series: ['i', 'f', 'g', 'o', 'c', 'h'],
    unitValues: Float32Array.from({ length: 18 }, (_, i) => i / 20),
    pinned: { layer: 1, unit: 2 },
    summaryLayer: 1,
    activeUnits: Int32Array.from([3, 0, 1, 2, 1, -1, -1, -1, -1]),
    activeValues: Float32Array.from([0.95, -0.8, 0.1, -0.99, 0.5, 0, 0, 0, 0]),
  };
}

test('the hover: probability, top-5 with visible escapes, the pinned unit and ‖∂L/∂h_t‖; unknown characters said so', () => {
  const md = hoverMarkdown(inference(), 1, 'a', { kind: 'series', layer: 1, series: 'f', unit: 2 }, 'char LSTM on verse.txt');
  assert.match(md, /p\(x_t \| x_\\<t\) = 0\.5000, surprisal 1\.00 bits/);
  assert.match(md, /forget gate f, unit 2 of layer 2 = 0\.900/);
  assert.match(md, /\| `` b `` \| 0\.5000 \|\n\| `` a `` \| 0\.2500 \|\n\| `` ↵ \(line break\) `` \| 0\.1250 \|/);
  assert.match(md, /Unit 2 of layer 2: i 0\.300 · f 0\.350/);
  assert.match(md, /‖∂L\/∂h_t‖ \(layer 2\) = 0\.250/);
  assert.match(md, /Most active in layer 2: unit 2 \(h -0\.990\), unit 1 \(h 0\.500\)$/m);
  const unknown = hoverMarkdown(inference(), 2, '€', { kind: 'surprisal' }, 'm');
  assert.match(unknown, /`` € `` is not in the run's vocabulary/);
  assert.match(unknown, /none \(no next character/);
  assert.match(hoverMarkdown(inference(), 0, 'x', { kind: 'surprisal' }, 'm'), /no context before it/);
  assert.ok(legendLines('sigmoid').some((l) => /closed/.test(l)));
});

test('quick fixes change a live run (resuming one a fault paused) and start a new run once it has ended', () => {
  assert.deepEqual(fixPlan('enableClipping', 0.01, true, true), { kind: 'reconfigure', change: { clip: 5 }, resume: true });
  assert.deepEqual(fixPlan('lowerLearningRate', 0.01, true, false), { kind: 'reconfigure', change: { learningRate: 0.005 }, resume: false });
  assert.deepEqual(fixPlan('lowerLearningRate', 0.01, false, false), { kind: 'newRun', change: { learningRate: 0.005 }, stopOld: false });
  assert.deepEqual(fixPlan('switchToLstm', 0.01, true, false), { kind: 'newRun', change: { cell: 'lstm' }, stopOld: true });
});

test('a quantity passed to the command is checked against the model', () => {
  assert.deepEqual(quantityArgument({ kind: 'series', layer: 1, series: 'f', unit: 7 }, 'lstm', 2, 8), { kind: 'series', layer: 1, series: 'f', unit: 7 });
  assert.equal(quantityArgument({ kind: 'series', layer: 0, series: 'f', unit: 0 }, 'gru', 1, 8), undefined, 'a GRU has no forget gate');
  assert.equal(quantityArgument({ kind: 'series', layer: 0, series: 'h', unit: 8 }, 'rnn', 1, 8), undefined, 'no unit 8 of 8');
  assert.equal(quantityArgument({ kind: 'gradNorm', layer: 2 }, 'rnn', 2, 8), undefined, 'no third layer');
  assert.deepEqual(quantityArgument({ kind: 'gradNorm', layer: 1 }, 'rnn', 2, 8), { kind: 'gradNorm', layer: 1 });
  assert.equal(quantityArgument(vscodeUriLike(), 'rnn', 1, 8), undefined, 'a menu’s URI argument is not a quantity');
});

function vscodeUriLike(): unknown {
  return { scheme: 'file', path: '/x/verse.txt' };
}
