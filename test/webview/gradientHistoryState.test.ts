// The Gradient Flow history after a window reload: the page saves it as JSON (vscode setState), where NaN becomes
// null. A value that was not measured (ρ and σ_max are NaN for models too big for the spectra; a step with no
// gradient) must come back as NaN — a gap in the chart, no heatmap colour — not as 0. Runs in Node (no DOM needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logRange } from '../../webview/common/colours';
import { clippingPoints, normaliseHistory, plainHistory, type GradientHistorySnapshot } from '../../webview/gradientFlow/historyData';

function history(): GradientHistorySnapshot {
  const R = 3;
  const L = 2;
  const T = 4;
  return {
    start: 0, length: T, layers: L, tokens: ['a', 'b', 'c', 'd'], every: 10,
    steps: Float64Array.from([1, 11, 21]),
    gradNormH: Float32Array.from({ length: R * L * T }, (_, i) => (i === 5 ? NaN : 0.5 + i)),
    spectralRadius: new Float32Array(R * L).fill(NaN), // not computed for a big model
    largestSingularValue: Float32Array.from([1.1, NaN, 1.2, NaN, 1.3, NaN]),
    clipSteps: Float64Array.from([3, 6]),
    gradNormBefore: Float32Array.from([4, NaN]),
    gradNormAfter: Float32Array.from([1, NaN]),
    clippedShare: Float32Array.from([0.5, 0]),
    stepsSeen: 6,
    stepsClipped: 1,
  };
}

/** What the page's saved state gives back after a reload. */
const afterReload = (h: GradientHistorySnapshot) => normaliseHistory(JSON.parse(JSON.stringify(plainHistory(h))));

test('NaN in the saved history comes back as NaN, not 0', () => {
  const before = history();
  const saved = JSON.stringify(plainHistory(before));
  assert.match(saved, /"spectralRadius":\[null,null,null,null,null,null\]/, 'JSON has no NaN');
  const restored = afterReload(before);
  assert.ok(restored, 'the saved history is still a history');
  assert.ok(Array.from(restored.spectralRadius).every(Number.isNaN), `ρ: ${Array.from(restored.spectralRadius)}`);
  assert.deepEqual(Array.from(restored.largestSingularValue).map((v) => (Number.isNaN(v) ? 'gap' : v.toFixed(1))), ['1.1', 'gap', '1.2', 'gap', '1.3', 'gap']);
  assert.ok(Number.isNaN(restored.gradNormH[5]) && Number.isNaN(restored.gradNormBefore[1]) && Number.isNaN(restored.gradNormAfter[1]));
  // Every measured value is unchanged.
  for (const key of ['steps', 'gradNormH', 'largestSingularValue', 'clipSteps', 'gradNormBefore', 'gradNormAfter', 'clippedShare'] as const) {
    assert.deepEqual(Array.from(restored[key]).map(String), Array.from(before[key]).map(String), key);
  }
  // The heatmap's legend covers the same values before and after (a 0 would be dropped by the log scale too, but the
  // spectra chart would draw it as a point at 0).
  assert.deepEqual(logRange(restored.gradNormH), logRange(before.gradNormH));
});

test('a history that is not one is still refused', () => {
  const plain = plainHistory(history());
  assert.equal(normaliseHistory({ ...plain, spectralRadius: [null] }), undefined, 'wrong length');
  assert.equal(normaliseHistory({ ...plain, steps: 'x' }), undefined);
  assert.equal(normaliseHistory(null), undefined);
});

test('the clipping chart gets at most one point per pixel: merged buckets keep the last step, the largest norms and any clip', () => {
  const B = 1000;
  const h = {
    ...history(),
    clipSteps: Float64Array.from({ length: B }, (_, i) => 2 * (i + 1)),
    gradNormBefore: Float32Array.from({ length: B }, (_, i) => (i === 500 ? 9 : 1 + (i % 7))),
    gradNormAfter: Float32Array.from({ length: B }, (_, i) => (i === 997 ? NaN : 1)),
    clippedShare: Float32Array.from({ length: B }, (_, i) => (i === 301 ? 0.5 : 0)),
  };
  const points = clippingPoints(h, 400);
  assert.equal(points.steps.length, 334, 'runs of 3 buckets');
  assert.deepEqual(Array.from(points.steps.slice(0, 3)), [6, 12, 18]);
  assert.equal(points.steps[333], 2000, 'the last point ends at the last bucket');
  assert.equal(points.before[166], 9, 'buckets 498–500 hold the largest norm 9');
  assert.equal(points.before[0], 3, 'max(1, 2, 3)');
  assert.equal(points.after[332], 1, 'a NaN among measured norms is skipped');
  assert.deepEqual([...points.clipped.keys()].filter((p) => points.clipped[p] === 1), [100], 'bucket 301 is in point 100');
  // Few enough buckets: unchanged.
  const few = clippingPoints(history(), 400);
  assert.deepEqual(Array.from(few.steps), [3, 6]);
  assert.deepEqual(Array.from(few.before).map(String), ['4', 'NaN']);
  assert.deepEqual(Array.from(few.clipped), [1, 0]);
});
