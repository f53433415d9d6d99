// The Gates, Unrolled Network and Gradient Flow traces of a WORD run (dataKind 'words'), through the real bundled
// worker: a few steps of training, then traces whose steps are the file's whitespace words, each with where it sits
// in the text (code points, so a word after an emoji is still found), the top-5 next words, and ‖∂L/∂h_t‖. A
// bidirectional tagger, a series run and a sequence-to-one run are traced too (both chains, each step's place in the
// file, what the run predicts); a character run's trace carries no word places.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitWords, wordSpans } from '../../src/engine/tokenVocabulary';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';

const { received, send, next } = startTrainingWorker(60_000);

// Mixed separators (runs of spaces, a tab, newlines) and a character outside the BMP, so code points ≠ UTF-16 units.
const verse = 'the cat 😀sat  on\tthe mat.\nA dog sat on a log.\n\n  the end 🎉 of it ';
const text = verse.repeat(12);
const words = splitWords(text);
const codePoints = [...text];
const wordOfSpan = (from: number, to: number) => codePoints.slice(from, to).join('');

async function trainedRun(runId: string, over: Partial<TrainingConfig>, data = text): Promise<void> {
  send({ type: 'train', runId, text: data, config: { ...DEFAULT_CONFIG, seqLength: 8, steps: 12, sampleEvery: 1000, hiddenSize: 8, ...over } });
  const finished = await next(runId, 'finished');
  assert.equal(finished.reason, 'completed');
}

test('the words tokenizer\'s places: word i is the code points [starts[i], ends[i]) of the text', () => {
  const spans = wordSpans(text);
  assert.equal(spans.starts.length, words.length);
  words.forEach((w, i) => assert.equal(wordOfSpan(spans.starts[i], spans.ends[i]), w, `word ${i}`));
  assert.deepEqual(wordSpans('  '), { starts: new Int32Array(0), ends: new Int32Array(0) });
});

test('a word LSTM: the Gates trace steps over the file\'s words, and each word\'s place points at it in the text', async () => {
  await trainedRun('words-lstm', { dataKind: 'words', cell: 'lstm', layers: 2 });
  const started = await next('words-lstm', 'started');
  assert.equal(started.dataLength, words.length, 'the run counts words');

  send({ type: 'traceActivations', requestId: 1, runId: 'words-lstm', start: 5, length: 40 });
  const t = await next('words-lstm', 'activationTrace');
  assert.equal(t.requestId, 1);
  assert.equal(t.start, 5, 'the window starts at a word index');
  assert.equal(t.length, 40);
  assert.deepEqual(t.tokens, words.slice(5, 45), 'one step per word of the file');
  assert.ok(t.tokenStarts instanceof Int32Array && t.tokenEnds instanceof Int32Array);
  assert.equal(t.tokenStarts.length, 40);
  for (let s = 0; s < 40; s++) assert.equal(wordOfSpan(t.tokenStarts[s], t.tokenEnds![s]), t.tokens[s], `step ${s} points at its word`);
  assert.ok(t.tokenStarts.some((p, s) => text.slice(p, p + t.tokens[s].length) !== t.tokens[s]), 'offsets are code points, not UTF-16 units (the text has emoji)');
  assert.equal(t.values.length, 2 * 6 * 40 * 8);
  assert.ok([...t.values].every(Number.isFinite));
  const vocabulary = new Set(words);
  assert.ok(t.topChars.every((w) => w === '' || vocabulary.has(w)), 'the top-5 next are words of the file');
  assert.ok(t.gradNormH && t.gradNormH.length === 2 * 40 && [...t.gradNormH].every((g) => g > 0 && Number.isFinite(g)));

  // Without a start: the last words trained on, with their places.
  send({ type: 'traceActivations', requestId: 2, runId: 'words-lstm', length: 16 });
  const last = (await waitFor('words-lstm', 'activationTrace', 2))!;
  assert.deepEqual(last.tokens, words.slice(last.start, last.start + 16));
  assert.equal(wordOfSpan(last.tokenStarts![15], last.tokenEnds![15]), last.tokens[15]);

  // A window past the end is moved back into the words (every step has a next word).
  send({ type: 'traceActivations', requestId: 3, runId: 'words-lstm', start: words.length - 2, length: 30 });
  const clamped = (await waitFor('words-lstm', 'activationTrace', 3))!;
  assert.equal(clamped.start, words.length - 31);
  send({ type: 'traceActivations', requestId: 4, runId: 'words-lstm', length: 1000 });
  const failed = await next('words-lstm', 'activationTraceFailed');
  assert.match(failed.message, /1 to 256 words/);
});

test('a word GRU: the Gradient Flow trace covers words too, with their places', async () => {
  await trainedRun('words-gru', { dataKind: 'words', cell: 'gru' });
  send({ type: 'traceGradients', requestId: 7, runId: 'words-gru', start: 10, length: 30 });
  const g = await next('words-gru', 'gradientTrace');
  assert.equal(g.start, 10);
  assert.deepEqual(g.tokens, words.slice(10, 40));
  for (let s = 0; s < 30; s++) assert.equal(wordOfSpan(g.tokenStarts![s], g.tokenEnds![s]), g.tokens[s]);
  assert.equal(g.gradNormH.length, 30);
  assert.equal(g.jacobianNorm.length, 29);
  assert.ok([...g.gradNormH].every((v) => v > 0 && Number.isFinite(v)));
  assert.ok(g.spectralRadius[0] > 0);
  // Its history over training, as a character run keeps one: rows of ‖∂L/∂h_t‖ over the file's first words.
  assert.ok(g.history && g.history.steps.length > 0, 'a word run keeps a gradient history');
  assert.deepEqual(g.history.tokens, words.slice(0, g.history.length));
  assert.equal(g.history.gradNormH.length, g.history.steps.length * g.history.layers * g.history.length);
});

test('a BiGRU tagger, a series and a sequence-to-one run are traced for every panel; a character trace has no word places', async () => {
  // Sequences of "token<TAB>tag" lines, an emoji token so code points ≠ UTF-16 units; the cursor asks for the 3rd sequence.
  const lines = Array.from({ length: 30 }, (_, i) => `${['a', '😀b', 'c'][i % 3]}\t${['X', 'Y'][i % 2]}${i % 6 === 5 ? '\n' : ''}`);
  const tagged = lines.join('\n');
  await trainedRun('tagged', { dataKind: 'tagged', cell: 'gru', bidirectional: true }, tagged);
  const cps = [...tagged];
  const third = [...tagged.split('\n\n').slice(0, 2).join('\n\n')].length + 3; // a code point inside sequence 3's first line
  send({ type: 'traceActivations', requestId: 8, runId: 'tagged', start: third, length: 128 });
  const a = await next('tagged', 'activationTrace');
  assert.equal(a.directions, 2, 'both chains of the bidirectional tagger');
  assert.deepEqual(a.tokens, ['a', '😀b', 'c', 'a', '😀b', 'c'], 'the whole sequence at the cursor');
  assert.equal(a.values.length, 2 * 4 * 6 * 8, 'layer 1 h→ and h←, r z n h, 6 steps, H = 8');
  for (let t = 0; t < 6; t++) assert.equal(cps.slice(a.tokenStarts![t], a.tokenEnds![t]).join(''), a.tokens[t], `step ${t}'s place`);
  assert.equal(a.start, a.tokenStarts![0]);
  assert.equal(a.outputs?.kind, 'tag');
  assert.deepEqual(a.outputs?.kind === 'tag' ? a.outputs.gold : [], ['X', 'Y', 'X', 'Y', 'X', 'Y']);
  assert.ok(a.topChars.filter((_, i) => i % 5 === 0).every((tag) => tag === 'X' || tag === 'Y'));
  assert.ok(a.gradNormH && a.gradNormH.length === 12 && [...a.gradNormH].every((g) => g > 0 && Number.isFinite(g)));
  // A refresh asks for the window's own start: the same sequence again.
  send({ type: 'traceActivations', requestId: 9, runId: 'tagged', start: a.start, length: 128 });
  assert.equal((await waitFor('tagged', 'activationTrace', 9))!.start, a.start);
  send({ type: 'traceGradients', requestId: 10, runId: 'tagged', start: third, length: 128 });
  const g = await next('tagged', 'gradientTrace');
  assert.equal(g.directions, 2);
  assert.equal(g.runKind, 'tagged');
  assert.equal(g.gradNormH.length, 12);

  const rows = Array.from({ length: 40 }, (_, r) => `${Math.sin(r / 3).toFixed(3)},${Math.cos(r / 3).toFixed(3)}`);
  await trainedRun('series', { dataKind: 'series', cell: 'lstm' }, `a,b\n${rows.join('\n')}\n`);
  send({ type: 'traceActivations', requestId: 11, runId: 'series', start: 4, length: 10 });
  const s = await next('series', 'activationTrace');
  assert.deepEqual(s.tokens, Array.from({ length: 10 }, (_, t) => `row ${t + 1}`), 'the cursor on the first row');
  assert.equal(s.outputs?.kind, 'series');
  if (s.outputs?.kind === 'series') assert.deepEqual(Array.from(s.outputs.actual.subarray(0, 2)), [Math.fround(Number(rows[1].split(',')[0])), Math.fround(Number(rows[1].split(',')[1]))], 'step 1 predicts row 2');

  const blocks = Array.from({ length: 12 }, (_, r) => `${(r % 4) / 4},${r % 2},${r % 4 === 3 ? (r / 10).toFixed(1) : 0}`);
  await trainedRun('final', { dataKind: 'sequence-to-one', cell: 'gru', seqLength: 4 }, `x,m,y\n${blocks.join('\n')}\n`);
  send({ type: 'traceActivations', requestId: 12, runId: 'final', length: 128 });
  const f = await next('final', 'activationTrace');
  assert.equal(f.length, 4, 'one block');
  assert.equal(f.outputs?.kind, 'final');
  assert.equal(f.outputs?.kind === 'final' ? f.outputs.actual : NaN, 0.3, 'block 1\'s target, on its last row');

  await trainedRun('chars', { cell: 'lstm' });
  send({ type: 'traceActivations', requestId: 10, runId: 'chars', start: 3, length: 20 });
  const c = await next('chars', 'activationTrace');
  assert.equal(c.tokenStarts, undefined);
  assert.equal(c.tokens.join(''), codePoints.slice(3, 23).join(''));
});

/** The activation trace answering request `requestId` of a run (already received, or the next one). */
async function waitFor(runId: string, type: 'activationTrace', requestId: number) {
  type M = Extract<WorkerToHost, { type: 'activationTrace' }>;
  const find = () => received.find((m): m is M => m.runId === runId && m.type === type && m.requestId === requestId);
  while (!find()) await new Promise((r) => setTimeout(r, 5));
  return find();
}
