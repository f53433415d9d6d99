// The Gates/Unrolled panels' editor linkage for a WORD run (src/panels/gatesView.ts), as the host does it: the editor
// gives UTF-16 offsets, the worker's trace says where each of its words sits in code points. Moving the cursor
// anywhere in a word selects that word's step (also right after its last letter, and after an emoji); outside the
// traced window the host asks for a window around the word under the cursor, which then holds it; picking a step
// selects exactly that word in the editor. A character trace keeps its mapping (step = code point − start).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitWords, wordSpans } from '../../src/engine/tokenVocabulary';
import {
  codePointIndex, gatesView, stepAt, stepSpan, utf16Range, windowAround, wordIndexAt, type TracedWindow,
} from '../../src/panels/gatesView';
import { gradientFlowView } from '../../src/panels/gradientFlowView';
import type { ActivationTrace, GradientTrace } from '../../src/shared/protocol/traces';

const text = 'Zwölf 😀Boxkämpfer  jagen\tViktor 🎉 quer\nüber den großen Sylter Deich. '.repeat(6);
const words = splitWords(text);
const spans = wordSpans(text);

/** The trace's window of `length` words from word `start`, as the worker sends it. */
function windowOf(start: number, length: number): TracedWindow {
  return { start, length, tokenStarts: spans.starts.slice(start, start + length), tokenEnds: spans.ends.slice(start, start + length) };
}

/** The word (index) an editor offset is in, found by hand: the last word starting at or before it. */
function expectedWord(offset: number): number {
  let index = 0;
  let at = 0;
  words.forEach((w, i) => {
    const start = text.indexOf(w, at);
    if (start <= offset) index = i;
    at = start + w.length;
  });
  return index;
}

test('every cursor offset inside the window selects the step of the word it is in or right after', () => {
  const window = windowOf(10, 20);
  const first = utf16Range(text, spans.starts[10], spans.starts[10]).from;
  const last = utf16Range(text, spans.starts[29], spans.ends[29]).to;
  for (let offset = first; offset <= last; offset++) {
    const t = stepAt(window, codePointIndex(text, offset));
    assert.equal(t, expectedWord(offset) - 10, `offset ${offset} (${JSON.stringify(text.slice(offset, offset + 6))})`);
  }
  assert.equal(stepAt(window, codePointIndex(text, first) - 1), -1, 'before the window\'s first word');
  assert.equal(stepAt(window, spans.ends[29] + 1), -1, 'past the window\'s last word');
});

test('outside the window, the window around the cursor\'s word holds that word, and a picked step selects exactly it', () => {
  for (const offset of [0, 3, text.indexOf('Viktor', 200) + 2, text.lastIndexOf('Deich'), text.length - 1]) {
    const index = wordIndexAt(text, offset);
    assert.equal(index, expectedWord(offset), `word under offset ${offset}`);
    const window = windowOf(windowAround(index, 16, words.length), 16);
    const t = stepAt(window, codePointIndex(text, offset));
    if (index < words.length - 1) {
      assert.equal(window.start + t, index, `offset ${offset}: the new window selects the word`);
      const { from, to } = utf16Range(text, stepSpan(window, t).from, stepSpan(window, t).to);
      assert.equal(text.slice(from, to), words[index], 'revealing the step selects the whole word');
    } else {
      assert.equal(t, -1, 'the last word has no next word: it is in no window');
    }
  }
  assert.equal(wordIndexAt('   two words', 1), 0, 'before the first word: word 0');
});

test('a character trace maps as before: step = code point − start, and a step selects one whole character', () => {
  const chars: TracedWindow = { start: 5, length: 10 };
  assert.equal(stepAt(chars, 7), 2);
  assert.equal(stepAt(chars, 15), -1);
  assert.equal(stepAt(chars, 4), -1);
  const emoji = stepSpan(chars, 1); // code point 6 of the text is 😀
  assert.equal(text.slice(utf16Range(text, emoji.from, emoji.to).from, utf16Range(text, emoji.from, emoji.to).to), '😀');
});

test('the view of a word trace marks the word under the cursor and says its steps are words', () => {
  const w = windowOf(3, 4);
  const trace: ActivationTrace = {
    step: 9, start: 3, length: 4, cell: 'rnn', layers: 1, hiddenSize: 2, series: ['h'], values: new Float32Array(8),
    tokens: words.slice(3, 7), topChars: Array(20).fill(''), topProbabilities: new Float32Array(20), tokenStarts: w.tokenStarts, tokenEnds: w.tokenEnds,
  };
  const inFifth = spans.starts[5] + 1;
  assert.equal(gatesView(trace, 'run', inFifth).cursor, 2);
  assert.equal(gatesView(trace, 'run', 0).cursor, -1);
  assert.equal(gatesView(trace, 'run', undefined).tokenKind, 'words');
  assert.equal(gatesView({ ...trace, tokenStarts: undefined, tokenEnds: undefined }, 'run', 4).tokenKind, undefined);
});

test('the Gradient Flow view of a word trace says its steps are words; a character trace\'s view is unchanged', () => {
  const w = windowOf(0, 3);
  const trace: GradientTrace = {
    step: 2, start: 0, length: 3, layers: 1, gradNormH: new Float32Array([1, 2, 3]), jacobianNorm: new Float32Array([1, 0.5]),
    spectralRadius: [0.9], largestSingularValue: [1.1], tokens: words.slice(0, 3), tokenStarts: w.tokenStarts, tokenEnds: w.tokenEnds,
  };
  assert.equal(gradientFlowView(trace, 'run').tokenKind, 'words');
  assert.equal('tokenKind' in gradientFlowView({ ...trace, tokenStarts: undefined, tokenEnds: undefined }, 'run'), false);
});
