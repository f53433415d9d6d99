// The Gates panel's whole-file search results as the host makes them (src/panels/unitSearchView.ts): the worker's
// code-point spans become the editor's UTF-16 ranges (characters outside the BMP count twice there), and the page's
// rows give the 1-based line:column a user finds in the editor's status bar, and a one-line preview.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineColumn, lineStarts, matchRanges, searchResults, utf16Offsets } from '../../src/panels/unitSearchView';

test('code points become UTF-16 offsets, lines and columns, with a one-line preview', () => {
  const text = 'ab🐈cd\r\nxy🐈🐈 at\tthe end';
  // Code points: a b 🐈 c d \r \n x y 🐈 🐈 ␠ a t \t …
  assert.deepEqual([...utf16Offsets(text, Int32Array.from([9, 0, 3, 12]))], [10, 0, 4, 15]);
  assert.deepEqual(lineColumn(lineStarts(text), 15), { line: 1, column: 7 });
  const answer = {
    starts: Int32Array.from([12, 2]), ends: Int32Array.from([14, 4]), lengths: Int32Array.from([2, 2]), scores: Float32Array.from([1, 1]),
    means: Float32Array.from([0.9, 0.8]), total: 2, steps: 24, seconds: 0.1,
  };
  const ranges = matchRanges(text, answer);
  assert.equal(text.slice(ranges.from[0], ranges.to[0]), 'at');
  assert.equal(text.slice(ranges.from[1], ranges.to[1]), '🐈c');
  const rows = searchResults(text, ranges, answer, 'q');
  assert.deepEqual([...rows.lines], [2, 1]);
  assert.deepEqual([...rows.columns], [8, 3]);
  assert.deepEqual(rows.previews, ['cd⏎xy🐈🐈 «at»⇥the end', 'ab«🐈c»d⏎xy🐈🐈 at']);
  assert.equal(rows.current, -1);
});
