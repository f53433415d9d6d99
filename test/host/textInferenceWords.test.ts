// "Colour Text by Model" for a word run: the worker reads the editor's text one whitespace-separated word per step
// (surprisal −log2 p(w_t | w_<t) against the engine's own forward pass, every unit of a word carrying its step's
// values, the spans naming the words, unknown words flagged), through the real bundled worker too; and the host's
// pure parts: windows widened to whole words, the word under the cursor, unknown words underlined whole, the hover.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { traceWindow } from '../../src/engine/traces';
import { hoverMarkdown } from '../../src/rnnEditor/hoverText';
import { MIN_SCORED, scoredLimit } from '../../src/rnnEditor/inferenceWindow';
import { bitsPerWord, MAX_WORD_EXTENSION, unknownWordRanges, wordAlignedWindow, wordStepAt } from '../../src/rnnEditor/wordSteps';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { SequenceModel } from '../../src/worker/sequenceModel';
import { inferText, TEXT_TOP_K } from '../../src/worker/textInference';
import { startTrainingWorker } from './trainingWorkerHarness';

const training = 'the cat sat on the mat . the dog dug a log .\n'.repeat(30);
const config: TrainingConfig = { ...DEFAULT_CONFIG, dataKind: 'words', cell: 'lstm', hiddenSize: 8, seqLength: 8, steps: 50, sampleEvery: 1000 };

function trainedWords(): SequenceModel {
  const model = new SequenceModel(training, config);
  for (let i = 0; i < 10; i++) model.step();
  return model;
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);

test('a word run scores each word of the text: one step per word, the spans on the words, surprisal of the next word', async () => {
  const source = trainedWords().textInferenceSource();
  const text = 'the dog  sat on\tthe log .\nthe cat dug a mat';
  const words = text.split(/\s+/);
  const r = await inferText(source, { text, warmup: 0, quantity: { kind: 'surprisal' } });
  assert.equal(r.length, text.length);
  assert.ok(r.tokenStarts && r.tokenEnds, 'a word inference names its words');
  assert.deepEqual(Array.from(r.tokenStarts, (s, t) => text.slice(s, r.tokenEnds![t])), words, 'step t is word t');
  const ids = Int32Array.from(words, (w) => source.vocabulary.indexOf(w));
  assert.ok(ids.every((id) => id >= 0));
  const whole = traceWindow(source.model, { ids }, null, { jacobian: false, spectra: false });
  const K = whole.probabilities.shape[1];
  assert.equal(K, source.vocabulary.length, 'the model predicts words');
  for (let t = 0; t < words.length; t++) {
    const a: number = r.tokenStarts[t];
    const b: number = r.tokenEnds![t];
    if (t === 0) assert.ok(Number.isNaN(r.surprisal[a]), 'the first word has no context');
    else close(r.surprisal[a], -Math.log2(whole.probabilities.data[(t - 1) * K + ids[t]]), `surprisal of ${words[t]} (word ${t})`);
    for (let u = a + 1; u < b; u++) assert.ok(Object.is(r.surprisal[u], r.surprisal[a]) && r.topIds[u * TEXT_TOP_K] === r.topIds[a * TEXT_TOP_K], `unit ${u} of ${words[t]} is its word's`);
    const row: number[] = Array.from(whole.probabilities.data.subarray(t * K, (t + 1) * K));
    assert.equal(r.topIds[a * TEXT_TOP_K], row.indexOf(Math.max(...row)), `the most probable word after ${words[t]}`);
  }
  for (let u = 0; u < text.length; u++) {
    if (/\s/.test(text[u])) assert.ok(Number.isNaN(r.value[u]) && r.topIds[u * TEXT_TOP_K] === -1, `whitespace at ${u} is not coloured`);
  }
  assert.deepEqual(r.value, r.surprisal);
});

test('an unknown word is flagged over its whole span, has no surprisal, and the words after it are still scored', async () => {
  const source = trainedWords().textInferenceSource();
  const text = 'the cat zebra sat on the mat';
  const r = await inferText(source, { text, warmup: 0, quantity: { kind: 'gradNorm', layer: 0 } });
  const zebra = text.indexOf('zebra');
  assert.deepEqual([...r.unknown].flatMap((u, i) => (u ? [i] : [])), [0, 1, 2, 3, 4].map((k) => zebra + k));
  assert.ok(Number.isNaN(r.surprisal[zebra]));
  assert.ok(Number.isFinite(r.surprisal[text.indexOf('sat')]), 'the word after an unknown one has a probability');
  assert.ok(Number.isFinite(r.value[0]) && r.value[0] > 0, '‖∂L/∂h_t‖ of the first word');
});

test('a word cut by the warm-up is scored from its first scored unit; the warm-up only sets the state', async () => {
  const source = trainedWords().textInferenceSource();
  const text = 'the dog sat on the log';
  const full = await inferText(source, { text, warmup: 0, quantity: { kind: 'surprisal' } });
  const warmup = text.indexOf('sat') + 1; // inside "sat"
  const r = await inferText(source, { text, warmup, quantity: { kind: 'surprisal' } });
  const scored = text.slice(warmup);
  assert.deepEqual(Array.from(r.tokenStarts!, (s, t) => scored.slice(s, r.tokenEnds![t])), ['at', 'on', 'the', 'log'], 'the cut word: its scored part');
  close(r.surprisal[0], full.surprisal[text.indexOf('sat')], 'the cut word as in the whole text');
  close(r.surprisal[text.indexOf('log') - warmup], full.surprisal[text.indexOf('log')], 'a later word as in the whole text');
});

test('a view of whitespace only has no words and is not an error (the colouring goes on when scrolled past it)', async () => {
  const source = trainedWords().textInferenceSource();
  const r = await inferText(source, { text: ' \n\n\t ', warmup: 0, quantity: { kind: 'surprisal' } });
  assert.equal(r.tokenStarts!.length, 0);
  assert.ok(Array.from(r.value).every((v) => Number.isNaN(v)));
});

test('other data kinds are refused in words', () => {
  const tagged = new SequenceModel('the\tDET\ncat\tNOUN\n\na\tDET\ndog\tNOUN\n', { ...DEFAULT_CONFIG, dataKind: 'tagged', hiddenSize: 8, seqLength: 8 });
  assert.throws(() => tagged.textInferenceSource(), /character and word runs; this run trains on tagged/);
});

test('through the worker: a trained word run colours words', async () => {
  const worker = startTrainingWorker();
  worker.send({ type: 'train', runId: 'w1', text: training, config: { ...config, steps: 5 } });
  await worker.next('w1', 'finished');
  const text = 'xx the cat sat on a unicorn';
  worker.send({ type: 'inferText', runId: 'w1', requestId: 9, text, warmup: 3, quantity: { kind: 'surprisal' } });
  const answer = await worker.next('w1', 'textInference');
  const scored = text.slice(3);
  assert.deepEqual(Array.from(answer.tokenStarts!, (s, t) => scored.slice(s, answer.tokenEnds![t])), ['the', 'cat', 'sat', 'on', 'a', 'unicorn']);
  assert.equal(answer.unknown[scored.indexOf('unicorn')], 1);
  assert.ok(answer.vocabulary.includes('dog'), 'the hover names next words');
});

test('the window sent for a word run starts and ends on word boundaries', () => {
  const text = 'alpha beta gamma delta epsilon';
  const cut = wordAlignedWindow(text, { sliceStart: 2, from: text.indexOf('gamma') + 2, to: text.indexOf('delta') + 1 });
  assert.deepEqual(cut, { sliceStart: 0, from: text.indexOf('gamma'), to: text.indexOf('delta') + 5 });
  const whole = { sliceStart: text.indexOf('beta'), from: text.indexOf('gamma'), to: text.indexOf('delta') + 5 };
  assert.deepEqual(wordAlignedWindow(text, whole), whole, 'a window on boundaries stays');
  assert.ok(scoredLimit('lstm', 1, 64, 20_000) < scoredLimit('lstm', 1, 64, 50), 'a larger word vocabulary scores fewer units per request');
  assert.ok(scoredLimit('lstm', 1, 64, 20_000) >= MIN_SCORED);
  const long = 'x'.repeat(3 * MAX_WORD_EXTENSION);
  const bounded = wordAlignedWindow(long, { sliceStart: 2 * MAX_WORD_EXTENSION, from: 2 * MAX_WORD_EXTENSION + 10, to: 2 * MAX_WORD_EXTENSION + 20 });
  assert.ok(bounded.from >= MAX_WORD_EXTENSION && bounded.to - 2 * MAX_WORD_EXTENSION - 20 <= MAX_WORD_EXTENSION, 'an endless "word" is cut');
});

test('spans map to document ranges: the word under the cursor, unknown words underlined whole, bits per word', () => {
  // Scored part "ab  cde f" at document offset 100: words [0,2) [4,7) [8,9).
  const spans = { tokenStarts: Int32Array.from([0, 4, 8]), tokenEnds: Int32Array.from([2, 7, 9]) };
  assert.deepEqual([0, 1, 2, 3, 4, 6, 7, 8, 9].map((i) => wordStepAt(spans, i)), [0, 0, -1, -1, 1, 1, -1, 2, -1]);
  const unknown = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 0, 0]);
  assert.deepEqual(unknownWordRanges(spans, unknown, 100, [[90, 200]]), [[104, 107]]);
  assert.deepEqual(unknownWordRanges(spans, unknown, 100, [[106, 108]]), [[104, 107]], 'a word partly in view is underlined whole');
  assert.deepEqual(unknownWordRanges(spans, unknown, 100, [[100, 104]]), [], 'not an unknown word out of view');
  const surprisal = Float32Array.from([NaN, NaN, NaN, NaN, 3, 3, 3, NaN, 1]);
  assert.equal(bitsPerWord(spans, surprisal), 2, 'each word counted once, however long');
});

test('the hover of a word names next words', () => {
  const S = 4;
  const r = {
    step: 7, length: 3, surprisal: Float32Array.from([1, 1, 1]), value: Float32Array.from([1, 1, 1]), unknown: new Uint8Array(3),
    gradNorm: Float32Array.from([NaN, NaN, NaN]), topIds: Int32Array.from([1, 0, -1, -1, -1, 1, 0, -1, -1, -1, 1, 0, -1, -1, -1]),
    topProbabilities: Float32Array.from([0.6, 0.3, 0, 0, 0, 0.6, 0.3, 0, 0, 0, 0.6, 0.3, 0, 0, 0]), vocabulary: ['cat', 'dog'],
    cell: 'lstm' as const, layers: 1, hiddenSize: 8, series: ['i', 'f', 'g', 'o'], unitValues: new Float32Array(3 * S), pinned: null,
    summaryLayer: 0, activeUnits: new Int32Array(9).fill(-1), activeValues: new Float32Array(9),
    tokenStarts: Int32Array.from([0]), tokenEnds: Int32Array.from([3]),
  };
  const md = hoverMarkdown(r, 0, 'the', { kind: 'surprisal' }, 'LSTM on a.txt');
  assert.match(md, /`` the ``: p\(w_t \| w_\\<t\) = 0\.5000, surprisal 1\.00 bits/);
  assert.match(md, /\| next word \| p \|\n\|---\|---\|\n\| `` dog `` \| 0\.6000 \|\n\| `` cat `` \| 0\.3000 \|/);
  assert.match(md, /none \(no next word to predict\)/);
});
