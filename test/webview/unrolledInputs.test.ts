// What the Unrolled Network's hover over a first-layer hidden node says x_t is, for each run kind, from the worker's
// own traces (no browser): a character run reads its character one-hot, a word run with an embedding reads the
// word's embedding row (never "one-hot"), a tagged run reads its token one-hot or embedded as its model says, and a
// series or sequence-to-one run reads the row's numbers. The text comes from the trace's record of layer 0's input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { gatesView } from '../../src/panels/gatesView';
import type { ActivationTrace } from '../../src/shared/protocol/traces';
import { traceActivations } from '../../src/worker/activationTrace';
import { finalTargetWindow, kindActivationTrace, seriesWindow, stepPlaces, taggedWindow } from '../../src/worker/kindTraces';
import { inputShown, stepFormula } from '../../webview/unrolled/formula';

function stack(inputSize: number, outputSize: number, embedding?: number, bidirectional = false): RecurrentStack {
  const s = new RecurrentStack({ cell: 'gru', inputSize, hiddenSize: 3, layers: 1, bidirectional, outputSize, embedding, maxSteps: 64 });
  s.params.forEach((_, i) => (s.params[i] = Math.sin(i + 1) * 0.3));
  return s;
}

/** Line 2 of the hover of layer 1's node at step t ("x_t = …"). */
const xLine = (trace: ActivationTrace, t: number) => stepFormula(gatesView(trace, 'run', undefined), 0, t)[1];

test('a character run without an embedding: x_t is the character one-hot over its vocabulary', async () => {
  const chars = ['a', 'b', 'c', ' ', '.'];
  const ids = Int32Array.from('abc. cab. ab', (c) => chars.indexOf(c));
  const trace = await traceActivations({ model: stack(5, 5), ids, decode: (id) => chars[id], step: 1, dataPosition: 0 }, 8, 0);
  assert.deepEqual(trace.input, { kind: 'one-hot', vocabulary: 5 });
  assert.equal(xLine(trace, 1), 'x_t = one-hot “b” (5 entries: 1 at its id, 0 elsewhere)');
});

test('a word run with an embedding: x_t is the word\'s embedding row with its dimension, never one-hot', async () => {
  const words = ['the', 'cat', 'sat', 'on', 'mat'];
  const ids = Int32Array.from([0, 1, 2, 3, 0, 4, 0, 1, 2]);
  const trace = await traceActivations({ model: stack(5, 5, 4), ids, decode: (id) => words[id], step: 1, dataPosition: 0, unit: 'words' }, 6, 0);
  assert.deepEqual(trace.input, { kind: 'embedding', vocabulary: 5, size: 4 });
  const line = xLine({ ...trace, tokenStarts: Int32Array.from([0, 4, 8, 12, 15, 19]), tokenEnds: Int32Array.from([3, 7, 11, 14, 18, 22]) }, 1);
  assert.equal(line, 'x_t = the embedding row of “cat” (4 learned numbers: row id of the 5 × 4 table E)');
  assert.doesNotMatch(line, /one-hot/);
});

test('a tagged run reads its token one-hot or embedded, as its model does; a series or final-target run its row', () => {
  const vocabulary = ['w0', 'w1', 'w2'];
  const tags = ['D', 'N'];
  const text = 'w0\tD\nw1\tN\nw2\tN\n';
  const data = { kind: 'tagging' as const, vocabularySize: 3, tagCount: 2, sequences: [{ ids: Int32Array.from([0, 1, 2]), tags: Int32Array.from([0, 1, 1]) }] };
  const places = stepPlaces(text, 'tagged');
  for (const [embedding, expected] of [
    [undefined, 'x_t = one-hot “w1” (3 entries: 1 at its id, 0 elsewhere)'],
    [2, 'x_t = the embedding row of “w1” (2 learned numbers: row id of the 3 × 2 table E)'],
  ] as const) {
    const model = stack(3, 2, embedding, true);
    const trace = kindActivationTrace(model, taggedWindow(model, data, vocabulary, tags, places, 0), 1);
    assert.equal(trace.input?.kind, embedding === undefined ? 'one-hot' : 'embedding');
    assert.equal(xLine(trace, 1), expected);
  }

  const csv = 'x,y\n1,2\n3,4\n5,6\n7,8\n';
  const series = stack(2, 2);
  const rows = stepPlaces(csv, 'rows', 4);
  const s = kindActivationTrace(series, seriesWindow(series, { kind: 'series', rows: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), length: 4, features: 2 }, ['x', 'y'], rows, 64, rows.starts[0], 0), 1);
  assert.deepEqual(s.input, { kind: 'rows', size: 2 });
  assert.match(xLine(s, 1), /^x_t = .* \(its 2 numbers\)$/);
  assert.doesNotMatch(xLine(s, 1), /one-hot|embedding/);

  const final = stack(1, 1);
  const block = 'x,y\n0.5,0\n1.5,0\n2.5,3\n';
  const finalRows = stepPlaces(block, 'rows', 3);
  const data1 = { kind: 'final-target' as const, inputs: Float64Array.from([0.5, 1.5, 2.5]), targets: Float64Array.from([3]), count: 1, length: 3, features: 1 };
  const f = kindActivationTrace(final, finalTargetWindow(final, data1, ['x', 'y'], finalRows, undefined), 1);
  assert.deepEqual(f.input, { kind: 'rows', size: 1 });
  assert.match(xLine(f, 0), /^x_t = .* \(its one number\)$/);
});

test('a trace that does not record its input is named by its steps, never called one-hot when it may be embedded', () => {
  const base = gatesView(
    { step: 1, start: 0, length: 1, cell: 'rnn', layers: 1, hiddenSize: 1, series: ['h'], values: Float32Array.of(0.5), tokens: ['cat'], topChars: ['', '', '', '', ''], topProbabilities: new Float32Array(5) },
    'run',
    undefined,
  );
  assert.equal(inputShown(base, 0), '“cat” (one-hot)');
  assert.equal(inputShown({ ...base, tokenKind: 'words' }, 0), '“cat” (its input vector)');
});
