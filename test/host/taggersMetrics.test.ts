// The tagger comparison's pure parts, on cases small enough to check by hand: the confusion matrix and its scores,
// the majority baseline, the seeded split, <unk> for rare and unseen words, the HMM's parameter count, and the host's
// first look at a tagged file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareTaggerData, splitBySeed, UNK } from '../../src/worker/taggersData';
import { confusionMatrix, majorityBaseline, onlyOneRight, scoresFromConfusion, scoreTags } from '../../src/worker/taggersMetrics';
import { fitHmm, hmmParameterCount, hmmPredict } from '../../src/worker/taggersModels';
import { siblingTestPath, taggedFileProblem } from '../../src/taggers/taggedLines';

test('confusion matrix: rows are the true tags, columns the predictions', () => {
  // Tags 0 = DET, 1 = NOUN, 2 = VERB. Truth and prediction of 8 tokens.
  const truth = [0, 1, 1, 2, 2, 2, 1, 0];
  const predicted = [0, 1, 2, 2, 1, 2, 1, 0];
  assert.deepEqual(confusionMatrix(truth, predicted, 3), [
    2, 0, 0, // DET:  both right
    0, 2, 1, // NOUN: 2 right, 1 called VERB
    0, 1, 2, // VERB: 2 right, 1 called NOUN
  ]);
  assert.throws(() => confusionMatrix([0, 1], [0], 3), /2 true tags but 1 predictions/);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /outside 0..2/);
});

test('scores: accuracy = trace / total; precision by column, recall by row, F1 their harmonic mean', () => {
  const s = scoreTags([0, 1, 1, 2, 2, 2, 1, 0], [0, 1, 2, 2, 1, 2, 1, 0], 3);
  assert.equal(s.correct, 6);
  assert.equal(s.total, 8);
  assert.equal(s.accuracy, 0.75);
  assert.deepEqual(s.support, [2, 3, 3]);
  assert.deepEqual(s.precision, [1, 2 / 3, 2 / 3]);
  assert.deepEqual(s.recall, [1, 2 / 3, 2 / 3]);
  assert.deepEqual(s.f1.map((v) => Number(v!.toFixed(12))), [1, 0.666666666667, 0.666666666667]);
  // Asymmetric case: tag 0 is never predicted (precision undefined), tag 2 never occurs (recall undefined).
  // C = [[0, 2, 0], [0, 1, 1], [0, 0, 0]]: P_1 = 1/3, R_1 = 1/2, F1_1 = 2·(1/3)(1/2)/(5/6) = 0.4; P_2 = 0.
  const t = scoresFromConfusion([0, 2, 0, 0, 1, 1, 0, 0, 0], 3);
  assert.deepEqual(t.precision, [null, 1 / 3, 0]);
  assert.deepEqual(t.recall, [0, 0.5, null]);
  assert.equal(t.f1[0], null);
  assert.ok(Math.abs(t.f1[1]! - 0.4) < 1e-12);
  assert.equal(t.f1[2], null);
  assert.equal(t.accuracy, 0.25);
  assert.equal(scoresFromConfusion([0, 0, 0, 0], 2).accuracy, 0);
});

test('majority baseline: the most frequent TRAINING tag, scored on the held-out tags (lowest id on ties)', () => {
  assert.deepEqual(majorityBaseline([1, 1, 0, 2], [0, 1, 2, 2], 3), { tag: 1, accuracy: 0.25 });
  assert.deepEqual(majorityBaseline([2, 0, 2, 0], [0, 0, 0, 1], 3), { tag: 0, accuracy: 0.75 });
});

test('disagreements: tokens only one of two taggers gets right', () => {
  const truth = [0, 1, 2, 0, 1];
  // first: right, right, wrong, wrong, right; second: right, wrong, right, wrong, wrong.
  assert.deepEqual(onlyOneRight(truth, [0, 1, 0, 1, 1], [0, 0, 2, 2, 0]), { first: 2, second: 1 });
});

test('seeded split: deterministic, disjoint, complete, in file order, at least one on each side', () => {
  const items = Array.from({ length: 20 }, (_, i) => i);
  const a = splitBySeed(items, 0.2, 5);
  assert.deepEqual(splitBySeed(items, 0.2, 5), a);
  assert.equal(a.heldOut.length, 4);
  assert.deepEqual([...a.train, ...a.heldOut].sort((x, y) => x - y), items);
  assert.deepEqual(a.heldOut, [...a.heldOut].sort((x, y) => x - y));
  assert.notDeepEqual(splitBySeed(items, 0.2, 6).heldOut, a.heldOut);
  assert.equal(splitBySeed([1, 2], 0.05, 1).heldOut.length, 1);
  assert.equal(splitBySeed([1, 2], 0.5, 1).train.length, 1);
  assert.throws(() => splitBySeed([1], 0.2, 1), /at least 2/);
});

test('<unk>: training words seen once and unseen held-out words share one id; the HMM tags them from context', () => {
  const train = [
    { tokens: ['the', 'cat', 'sat'], tags: ['DET', 'NOUN', 'VERB'] },
    { tokens: ['the', 'cat', 'ran'], tags: ['DET', 'NOUN', 'VERB'] },
    { tokens: ['the', 'dog', 'sat'], tags: ['DET', 'NOUN', 'VERB'] },
    { tokens: ['a', 'cow', 'ran'], tags: ['DET', 'NOUN', 'VERB'] },
  ];
  const heldOut = [{ tokens: ['the', 'yak', 'sat'], tags: ['DET', 'NOUN', 'VERB'] }];
  const d = prepareTaggerData(train, heldOut);
  // Counts: the 3, cat 2, sat 2, ran 2; dog, a, cow once → <unk>.
  assert.deepEqual(d.symbols, ['cat', 'ran', 'sat', 'the', UNK]);
  assert.equal(d.rareTypes, 3);
  assert.equal(d.heldOutUnknown, 1);
  assert.deepEqual([...d.heldOut[0].ids], [3, 4, 2]);
  assert.deepEqual([...d.train[3].ids], [4, 4, 1]);
  assert.deepEqual(d.tags, ['DET', 'NOUN', 'VERB']);
  const hmm = fitHmm(d);
  // "yak" after "the" is a noun: <unk> was emitted by NOUN twice (dog, cow) and by DET once (a), and DET → DET never.
  assert.deepEqual([...hmmPredict(hmm, d.heldOut)], [0, 1, 2]);
  // N = 3 states, M = 5 symbols: (N−1) + N(N−1) + N(M−1) = 2 + 6 + 12.
  assert.equal(hmmParameterCount(hmm), 20);
});

test('the host names the first line that is not token<TAB>tag', () => {
  assert.equal(taggedFileProblem('the\tDET\ncat\tNOUN\n\nsat\tVERB\r\n', 'a.tsv'), undefined);
  assert.equal(
    taggedFileProblem('the\tDET\n\nThe cat sat on the mat.\n', 'notes.txt'),
    'notes.txt is not a tagged file: line 3 "The cat sat on the mat." has no tab; each line should be token<TAB>tag, with a blank line between sequences.',
  );
  assert.match(taggedFileProblem('a\tB\tC\n', 'x.tsv')!, /^x\.tsv is not a tagged file: line 1 "a\\tB\\tC" has 3 tab-separated columns/);
  assert.match(taggedFileProblem('a\tDET\n\tNOUN\n', 'x.tsv')!, /line 2 .* has no token before the tab/);
  assert.match(taggedFileProblem('a\t \n', 'x.tsv')!, /line 1 .* has no tag after the tab/);
  assert.equal(taggedFileProblem('\n  \n', 'empty.tsv'), 'empty.tsv has no token<TAB>tag lines to train a tagger on.');
  assert.equal(siblingTestPath('/w/examples/hmm/pos-train.tsv'), '/w/examples/hmm/pos-test.tsv');
  assert.equal(siblingTestPath('/w/pos.tsv'), undefined);
});
