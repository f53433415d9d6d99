// Pure host helpers of the HMM/Markov features: offsets ↔ steps, the trellis window, surprisal buckets and the
// hover, the tagged-file test, and the validation of what the Trellis page sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeOffsetRanges } from '../../src/hmm/offsetRanges';
import { stateLabelSteps } from '../../src/hmm/stateLabels';
import { looksTagged, stepAtOffset, stepsInRange, TRELLIS_WINDOW, windowStart } from '../../src/hmm/steps';
import { characterAndContext, levelRuns, surprisalHoverMarkdown, surprisalLevel } from '../../src/hmm/surprisal';
import { sliceTrellisWindow, taggingAccuracy } from '../../src/hmm/trellisWindow';
import { MAX_TRELLIS_STEP, parseTrellisPanelMessage } from '../../src/shared/protocol/trellisPanel';
import type { HmmDecodeResult } from '../../src/shared/protocol/analysisWorker';

test('stepAtOffset: the token containing the offset, else the one before, else the first', () => {
  // Tokens "ab" at 0..2, "cd" at 3..5, "e" at 7..8 (text "ab cd  e").
  const starts = Uint32Array.from([0, 3, 7]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 100].map((o) => stepAtOffset(starts, o)), [0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
  assert.equal(stepAtOffset(Uint32Array.from([5, 9]), 2), 0, 'before the first token');
  assert.equal(stepAtOffset(new Uint32Array(0), 3), -1);
  const many = Uint32Array.from({ length: 100_000 }, (_, i) => 2 * i);
  assert.equal(stepAtOffset(many, 123_457), 61_728);
});

test('stepsInRange: the steps whose tokens start inside [from, to)', () => {
  const starts = Uint32Array.from([0, 3, 7, 12]);
  assert.deepEqual(stepsInRange(starts, 0, 100), [0, 4]);
  assert.deepEqual(stepsInRange(starts, 3, 12), [1, 3]);
  assert.deepEqual(stepsInRange(starts, 4, 7), [2, 2]);
  assert.deepEqual(stepsInRange(starts, 50, 60), [4, 4]);
});

test('windowStart keeps the window while the selection is inside it and recentres it near an edge', () => {
  assert.equal(windowStart(0, undefined, 1000), 0);
  assert.equal(windowStart(500, undefined, 1000), 480);
  assert.equal(windowStart(510, 480, 1000), 480, 'inside: no move');
  assert.equal(windowStart(517, 480, 1000), 497, 'within the margin of the right edge: recentred');
  assert.equal(windowStart(482, 480, 1000), 462, 'within the margin of the left edge: recentred');
  assert.equal(windowStart(2, 0, 1000), 0, 'the very first window never moves left');
  assert.equal(windowStart(998, 960, 1000), 960, 'the last window stays');
  assert.equal(windowStart(999, undefined, 1000), 1000 - TRELLIS_WINDOW);
  assert.equal(windowStart(5, undefined, 12), 0, 'fewer steps than a window');
});

test('looksTagged: token<TAB>tag on every non-blank line', () => {
  assert.equal(looksTagged('the\tDET\ndog\tNOUN\n\nruns\tVERB\n'), true);
  assert.equal(looksTagged('the\tDET\r\ndog\tNOUN\r\n'), true);
  assert.equal(looksTagged('the\tDET\ndog NOUN\n'), false);
  assert.equal(looksTagged('a\tb\tc\n'), false);
  assert.equal(looksTagged('\tDET\n'), false);
  assert.equal(looksTagged('HTHHTT'), false);
  assert.equal(looksTagged('\n\n'), false);
});

test('surprisal levels: uncoloured below 1 bit, five buckets above, NaN uncoloured', () => {
  assert.deepEqual([0, 0.99, 1, 1.9, 2, 3.9, 4, 5.9, 6, 8.9, 9, 40, NaN, Infinity].map(surprisalLevel), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0, 5]);
});

test('levelRuns merges equal neighbours, keeps surrogate halves with their character and is bounded', () => {
  const s = Float32Array.from([0.5, 1.5, 1.7, 5, NaN, 5, 10, 0.1]);
  const runs = levelRuns(s, 0, s.length);
  assert.deepEqual(runs, [[[1, 3]], [], [[3, 6]], [], [[6, 7]]]);
  assert.deepEqual(levelRuns(s, 2, 4), [[[2, 3]], [], [[3, 4]], [], []]);
  const big = new Float32Array(1_000_000).fill(3);
  const bounded = levelRuns(big, 0, big.length, 1000);
  assert.deepEqual(bounded[1], [[0, 1000]]);
});

test('the hover shows the character, its probability, its surprisal and the context used', () => {
  assert.deepEqual(characterAndContext('hello world', 6, 3), { character: 'w', context: 'lo ' });
  assert.deepEqual(characterAndContext('ab', 0, 3), { character: 'a', context: '' });
  assert.deepEqual(characterAndContext('x🙂y', 3, 1), { character: 'y', context: '🙂' });
  const md = surprisalHoverMarkdown('hello world', 6, 3, 3);
  assert.match(md, /order 3/);
  assert.match(md, /`` w ``/);
  assert.match(md, /0\.1250/);
  assert.match(md, /3\.00 bits/);
  assert.match(md, /`` lo␣ `` \(3 of 3\)/);
  assert.match(surprisalHoverMarkdown('\nab', 0, 1, 2), /line break.*\n.*\n.*\n.*start of text/s);
});

test('mergeOffsetRanges and stateLabelSteps', () => {
  assert.deepEqual(mergeOffsetRanges([[10, 20], [0, 5], [5, 8], [15, 30], [40, 40]]), [[0, 8], [10, 30]]);
  const path = [0, 0, 1, 1, 1, 0];
  assert.deepEqual(stateLabelSteps(path, 0, 6, false, 100), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(stateLabelSteps(path, 0, 6, true, 100), [1, 4, 5]);
  assert.deepEqual(stateLabelSteps(path, 0, 6, false, 2), [0, 1]);
});

function fakeResult(steps: number): HmmDecodeResult {
  const n = 2;
  return {
    source: 'modelJson', modelLabel: 'casino.json', split: 'chars', states: ['F', 'L'], symbols: ['1', '6'],
    observations: Int32Array.from({ length: steps }, (_, t) => t % 2),
    tokenStarts: Uint32Array.from({ length: steps }, (_, t) => t), tokenEnds: Uint32Array.from({ length: steps }, (_, t) => t + 1),
    path: Int32Array.from({ length: steps }, (_, t) => (t > 50 ? 1 : 0)), pathLogProbability: -100, logLikelihood: -90,
    posteriors: Float32Array.from({ length: steps * n }, (_, k) => (k % 2 ? 0.25 : 0.75)),
    backpointers: Int32Array.from({ length: steps * n }, (_, k) => (k < n ? -1 : 0)),
    delta: Float64Array.from({ length: steps * n }, (_, k) => -k),
    logStart: Float64Array.from([0, -Infinity]), logTransition: Float64Array.from([-0.05, -3, -2.3, -0.1]),
    logEmission: Float64Array.from([-1.8, -1.8, -2.3, -0.69]),
    trueStates: Int32Array.from({ length: steps }, () => 0),
  };
}

test('sliceTrellisWindow cuts W steps of every matrix, with −∞ as null', () => {
  const r = fakeResult(100);
  const w = sliceTrellisWindow(r, 70, 75, 'rolls.txt');
  assert.equal(w.from, 60, 'clamped so the window is full');
  assert.equal(w.symbols.length, TRELLIS_WINDOW);
  assert.equal(w.selected, 75);
  assert.deepEqual(w.symbols.slice(0, 2), ['1', '6']);
  assert.equal(w.posterior.length, TRELLIS_WINDOW * 2);
  assert.equal(w.delta[0], -120);
  assert.deepEqual(w.logStart, [0, null]);
  assert.deepEqual(w.logEmission.slice(0, 4), [-1.8, -2.3, -1.8, -0.69]);
  assert.doesNotThrow(() => JSON.stringify(w));
  const short = sliceTrellisWindow(fakeResult(5), 0, 9, 'x');
  assert.equal(short.symbols.length, 5);
  assert.equal(short.selected, 4);
  assert.ok(Math.abs(taggingAccuracy(r)! - 51 / 100) < 1e-12);
});

test('Trellis panel messages: well-formed ones pass, malformed or hostile ones are rejected', () => {
  assert.deepEqual(parseTrellisPanelMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseTrellisPanelMessage({ type: 'selectStep', step: 12, path: '/etc/passwd' }), { type: 'selectStep', step: 12 });
  const bad: unknown[] = [
    null, undefined, 'ready', 7, [], {}, { type: 5 }, { type: 'openFile', path: '/etc/passwd' }, { type: 'selectStep' },
    { type: 'selectStep', step: '3' }, { type: 'selectStep', step: -1 }, { type: 'selectStep', step: 1.5 },
    { type: 'selectStep', step: NaN }, { type: 'selectStep', step: Infinity }, { type: 'selectStep', step: MAX_TRELLIS_STEP + 1 },
    { type: 'selectStep', step: { valueOf: () => 3 } }, { type: '__proto__' }, { type: 'constructor' },
  ];
  for (const m of bad) assert.equal(parseTrellisPanelMessage(m), undefined, JSON.stringify(m) ?? String(m));
});
