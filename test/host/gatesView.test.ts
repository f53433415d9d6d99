// The Gates panel's editor linkage arithmetic (src/panels/gatesView.ts): the worker counts characters as code points,
// the editor as UTF-16 units, so a cursor after an emoji must still land on the right step and a picked step must
// select the whole character; a window around the cursor stays inside the text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codePointIndex, gatesView, utf16Span, windowAround } from '../../src/panels/gatesView';

const text = 'ab😀cd\n😀e';

test('code point index of an editor offset, and the UTF-16 span of a code point, agree with string iteration', () => {
  const chars = [...text];
  let offset = 0;
  chars.forEach((ch, i) => {
    assert.equal(codePointIndex(text, offset), i, `offset ${offset}`);
    assert.deepEqual(utf16Span(text, i), { from: offset, to: offset + ch.length });
    assert.equal(text.slice(offset, offset + ch.length), ch);
    offset += ch.length;
  });
  assert.equal(codePointIndex(text, text.length), chars.length);
  assert.deepEqual(utf16Span(text, chars.length + 3), { from: text.length, to: text.length });
});

test('a window around the cursor is centred and stays inside the predictable positions', () => {
  assert.equal(windowAround(500, 128, 10_000), 436);
  assert.equal(windowAround(3, 128, 10_000), 0);
  assert.equal(windowAround(9_990, 128, 10_000), 10_000 - 1 - 128);
  assert.equal(windowAround(50, 128, 60), 0, 'a text shorter than the window starts at 0');
});

test('the view marks the cursor step only when the cursor is inside the traced window', () => {
  const trace = {
    step: 3, start: 100, length: 4, cell: 'rnn' as const, layers: 1, hiddenSize: 2, series: ['h'],
    values: new Float32Array(8), tokens: [...'abcd'], topChars: Array(20).fill('a'), topProbabilities: new Float32Array(20),
  };
  assert.equal(gatesView(trace, 'run', 102).cursor, 2);
  assert.equal(gatesView(trace, 'run', 104).cursor, -1);
  assert.equal(gatesView(trace, 'run', 99).cursor, -1);
  assert.equal(gatesView(trace, 'run', undefined).cursor, -1);
});
