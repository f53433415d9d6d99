// What "Colour Text by Model" shows on a tagged run (src/rnnEditor/taggedText.ts): the window of whole sentences
// around the visible lines, the token under the cursor, the agreement in view, the shade by unsureness, and the
// hover's and the disagreement's words against the numbers they come from.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaggedTextInference } from '../../src/shared/protocol/trainingWorker';
import {
  agreement, disagreementText, MAX_SENTENCE_LINES, TAG_HUES, TAGGED_MARGIN_LINES, taggedHoverMarkdown, taggedLegend, taggedLineWindow, tokenAt, unsurenessLevel,
} from '../../src/rnnEditor/taggedText';

/** "the\tDET\ncat\tNOUN\n": the model tags "the" DET (0.95) and "cat" VERB (0.6, the file says NOUN). */
function answer(): TaggedTextInference {
  const tags = ['DET', 'NOUN', 'VERB'];
  return {
    step: 40, tags, count: 2,
    tokenStarts: Int32Array.of(0, 8), tokenEnds: Int32Array.of(3, 11), tagStarts: Int32Array.of(4, 12), tagEnds: Int32Array.of(7, 16),
    sentenceStarts: Int32Array.of(0, 0), predicted: Int32Array.of(0, 2), gold: Int32Array.of(0, 1), unknown: Uint8Array.of(0, 0),
    topIds: Int32Array.of(0, 1, 2, -1, -1, 2, 1, 0, -1, -1),
    topProbabilities: Float32Array.of(0.95, 0.04, 0.01, 0, 0, 0.6, 0.3, 0.1, 0, 0),
  };
}

test('the shade grows as the model is less sure of its tag, none from 90% up', () => {
  assert.deepEqual([0.99, 0.9, 0.8, 0.75, 0.6, 0.3, 0.1].map(unsurenessLevel), [0, 0, 1, 1, 2, 3, 4]);
  assert.equal(unsurenessLevel(NaN), 0, 'no probability, no shade');
});

test('the window reaches the blank lines around the visible lines plus the margin, never past the file or the cap', () => {
  // Sentences of 5 lines, a blank line every 6th (lines 5, 11, 17, …).
  const blank = (line: number) => line % 6 === 5;
  const w = taggedLineWindow(10_000, 500, 540, blank);
  assert.ok(w.first <= 500 - TAGGED_MARGIN_LINES && w.end > 540 + TAGGED_MARGIN_LINES);
  assert.ok(blank(w.first - 1) && blank(w.end), `starts after and ends at a blank line: ${w.first}…${w.end}`);
  assert.ok(w.first > 500 - TAGGED_MARGIN_LINES - 6 && w.end <= 540 + TAGGED_MARGIN_LINES + 6, 'widened no further than the sentence');
  assert.deepEqual(taggedLineWindow(30, 0, 10, blank), { first: 0, end: 30 }, 'clamped to the file');
  const noBlank = taggedLineWindow(100_000, 50_000, 50_010, () => false);
  assert.equal(noBlank.first, 50_000 - TAGGED_MARGIN_LINES - MAX_SENTENCE_LINES, 'a file without blank lines is cut at the cap');
});

test('the token under the cursor is found on its whole line, and the agreement counts the tokens in view', () => {
  const r = answer();
  assert.deepEqual([0, 3, 6, 7, 8, 15, 16, 17].map((o) => tokenAt(r, o)), [0, 0, 0, 0, 1, 1, 1, -1]);
  assert.deepEqual(agreement(r, 0, 100), { tokens: 2, agree: 1 });
  assert.deepEqual(agreement(r, 8, 100), { tokens: 1, agree: 0 });
});

test('the hover and the disagreement say the numbers of the answer', () => {
  const r = answer();
  assert.equal(disagreementText(r, 1), ' ≠ VERB 60.0%');
  const agreeing = taggedHoverMarkdown(r, 0, 'the', 'DET', 'tagger BiGRU');
  assert.match(agreeing, /\*\*tagger BiGRU\*\* at step 40/);
  assert.match(agreeing, /`` the `` → `` DET `` with p = 95\.0%; the file says `` DET `` too ✓/);
  const wrong = taggedHoverMarkdown(r, 1, 'cat', 'NOUN', 'tagger BiGRU');
  assert.match(wrong, /→ `` VERB `` with p = 60\.0%; the file says `` NOUN `` ✗/);
  const rows = wrong.split('\n').filter((l) => l.startsWith('| ``'));
  assert.deepEqual(rows, ['| `` VERB `` | 60.0% |', '| `` NOUN `` | 30.0% |', '| `` DET `` | 10.0% |'], 'the top tags, most probable first');
  const unseen = { ...r, gold: Int32Array.of(0, -1), unknown: Uint8Array.of(0, 1) };
  const hover = taggedHoverMarkdown(unseen, 1, 'c`at', 'FOO', 'm');
  assert.match(hover, /not in the run's vocabulary/);
  assert.match(hover, /the file's tag `` FOO `` is not among the run's 3 tags/);
  assert.ok(hover.includes('`` cˋat ``'), 'a backtick in a token cannot end the code span');
});

test('the legend names each of the first tags\' hue and says when hues repeat', () => {
  const few = taggedLegend(['DET', 'NOUN'], 'm');
  assert.match(few, /DET: blue · NOUN: orange/);
  assert.doesNotMatch(few, /repeat/);
  const many = taggedLegend(Array.from({ length: 12 }, (_, i) => `T${i}`), 'm');
  assert.match(many, new RegExp(`12 tags: the hues repeat from the ${TAG_HUES.length + 1}th`));
});
