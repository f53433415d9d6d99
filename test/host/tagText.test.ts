// "Colour Text by Model" on a tagged run (src/worker/tagText.ts): every token of the editor's token<TAB>tag text is
// tagged by the run's model sentence by sentence, and the answer agrees with the Gates panel's trace of the same
// sentence (kindTraces.ts, another path through the engine); a bidirectional tagger's reading of a token depends on
// the rest of its sentence and on nothing outside it; places are UTF-16 offsets of the token and the tag; unknown
// tokens, unknown tags and malformed lines are named, not fatal. Through the real worker, a character run refuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { SequenceModel } from '../../src/worker/sequenceModel';
import { tagText, taggedSentences } from '../../src/worker/tagText';
import { startTrainingWorker } from './trainingWorkerHarness';

// Tags that the future decides: "a"/"an" before a consonant or a vowel word, as the bidirectional example.
const SENTENCES = [
  ['I\tPRON', 'saw\tVERB', 'an\tDET-V', 'owl\tNOUN'],
  ['we\tPRON', 'saw\tVERB', 'a\tDET-C', 'cat\tNOUN'],
  ['a\tDET-C', '😀dog\tNOUN', 'ran\tVERB'],
  ['an\tDET-V', 'owl\tNOUN', 'ran\tVERB'],
];
const FILE = `${Array.from({ length: 6 }, () => SENTENCES.map((s) => s.join('\n')).join('\n\n')).join('\n\n')}\n`;

function trainedTagger(bidirectional: boolean): SequenceModel {
  const model = new SequenceModel(FILE, { ...DEFAULT_CONFIG, dataKind: 'tagged', cell: 'gru', bidirectional, hiddenSize: 8, seqLength: 8, steps: 30, seed: 3 });
  for (let i = 0; i < 30; i++) model.step();
  return model;
}

test('every token is tagged as the Gates trace of its sentence tags it, at the token\'s and the tag\'s UTF-16 places', async () => {
  const model = trainedTagger(true);
  const r = await tagText(model.taggedTextSource(), FILE);
  const lines = FILE.split('\n').filter((l) => l !== '');
  assert.equal(r.count, lines.length, 'one answer per token<TAB>tag line');
  for (let n = 0; n < r.count; n++) {
    const [token, tag] = lines[n].split('\t');
    assert.equal(FILE.slice(r.tokenStarts[n], r.tokenEnds[n]), token, `token ${n}'s place`);
    assert.equal(FILE.slice(r.tagStarts[n], r.tagEnds[n]), tag, `tag ${n}'s place`);
    assert.equal(r.tags[r.gold[n]], tag, 'the file\'s tag');
    assert.equal(r.unknown[n], 0);
    assert.equal(r.predicted[n], r.topIds[n * 5], 'the prediction is the most probable tag');
  }
  // The first four sentences through the Gates panel's trace (the code point of each sentence's first token).
  let n = 0;
  for (let s = 0; s < SENTENCES.length; s++) {
    const position = [...FILE.slice(0, r.sentenceStarts[n])].length;
    const trace = await model.traceActivations(128, position);
    assert.equal(trace.length, SENTENCES[s].length, `sentence ${s + 1} traced whole`);
    for (let t = 0; t < trace.length; t++, n++) {
      for (let k = 0; k < Math.min(5, r.tags.length); k++) {
        assert.equal(r.tags[r.topIds[n * 5 + k]], trace.topChars[t * 5 + k], `sentence ${s + 1}, token ${t}: tag ${k + 1}`);
        assert.ok(Math.abs(r.topProbabilities[n * 5 + k] - trace.topProbabilities[t * 5 + k]) < 1e-6, `sentence ${s + 1}, token ${t}: p of tag ${k + 1}`);
      }
    }
  }
});

test('a bidirectional tagger reads a token with the rest of its sentence and nothing outside it; a forward one only the past', async () => {
  const text = 'we\tPRON\nsaw\tVERB\nan\tDET-V\nowl\tNOUN\n\na\tDET-C\ncat\tNOUN\n';
  const later = text.replace('owl\tNOUN', 'cat\tNOUN'); // the future of "an" changes
  const outside = text.replace('a\tDET-C\ncat', 'an\tDET-V\nowl'); // the next sentence changes
  const p = (r: Awaited<ReturnType<typeof tagText>>, n: number) => Array.from(r.topProbabilities.subarray(n * 5, n * 5 + 5));
  for (const bidirectional of [true, false]) {
    const source = trainedTagger(bidirectional).taggedTextSource();
    const [base, changedLater, changedOutside] = await Promise.all([tagText(source, text), tagText(source, later), tagText(source, outside)]);
    assert.deepEqual(p(changedOutside, 2), p(base, 2), 'another sentence never changes this one');
    if (bidirectional) assert.notDeepEqual(p(changedLater, 2), p(base, 2), 'h← carries the next word back to "an"');
    else assert.deepEqual(p(changedLater, 2), p(base, 2), 'a forward tagger cannot see the next word');
  }
});

test('unknown tokens and tags are flagged, a malformed line ends a sentence, CRLF and surrogate pairs keep their places', async () => {
  const source = trainedTagger(true).taggedTextSource();
  const text = 'we\tPRON\r\nzebra\tNOUN\r\nno tab here\r\n😀dog\tFOO\r\n\r\n';
  const r = await tagText(source, text);
  assert.equal(r.count, 3);
  assert.deepEqual([...r.unknown], [0, 1, 0], '"zebra" was never seen');
  assert.equal(r.gold[2], -1, 'FOO is no tag of the run');
  assert.equal(text.slice(r.tokenStarts[2], r.tokenEnds[2]), '😀dog');
  assert.equal(text.slice(r.tagStarts[1], r.tagEnds[1]), 'NOUN', 'the CR is not part of the tag');
  assert.deepEqual([...r.sentenceStarts], [0, 0, text.indexOf('😀')], 'the line without a tab ends the first sentence');
  assert.deepEqual(taggedSentences('\n\n  \n').length, 0);
  const empty = await tagText(source, 'just prose, no tabs\n');
  assert.equal(empty.count, 0, 'nothing to tag is an empty answer, not an error');
  await assert.rejects(tagText(source, ''), /no text to tag/);
});

test('through the worker: a tagged run answers tagText with typed arrays; a character run refuses in words', async () => {
  const { received, send, next } = startTrainingWorker(120_000);
  send({ type: 'train', runId: 't', text: FILE, config: { ...DEFAULT_CONFIG, dataKind: 'tagged', cell: 'gru', bidirectional: true, hiddenSize: 8, steps: 5, sampleEvery: 1000 } });
  await next('t', 'finished');
  send({ type: 'tagText', runId: 't', requestId: 7, text: FILE });
  const answer = await next('t', 'taggedText') as Extract<WorkerToHost, { type: 'taggedText' }>;
  assert.equal(answer.requestId, 7);
  assert.ok(answer.predicted instanceof Int32Array && answer.topProbabilities instanceof Float32Array);
  assert.equal(answer.count, FILE.split('\n').filter((l) => l !== '').length);
  send({ type: 'train', runId: 'c', text: 'the cat sat on the mat. '.repeat(20), config: { ...DEFAULT_CONFIG, hiddenSize: 8, steps: 3, sampleEvery: 1000 } });
  await next('c', 'finished');
  send({ type: 'tagText', runId: 'c', requestId: 8, text: 'a\tB\n' });
  const refused = await next('c', 'textInferenceFailed') as Extract<WorkerToHost, { type: 'textInferenceFailed' }>;
  assert.match(refused.message, /Only a tagged run tags text; this run trains on characters/);
  assert.ok(!received.some((m) => m.type === 'failed'), 'no run failed');
});
