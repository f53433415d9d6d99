// The held-out part of a run's data (src/engine/heldOut.ts): its share, its seed, and that no target is in both parts;
// and that its score is the loss a plain forward pass over it gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFinalTarget } from '../../src/engine/finalTargetTrainer';
import { HELD_OUT_SHARE, scoreHeldOut, seededOrder, splitFinalTargetData, splitSequenceData } from '../../src/engine/heldOut';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { charData, parseSeries, parseTagged } from '../../src/engine/sequenceData';
import { crossEntropyStep } from '../../src/engine/stepLoss';

test('a text holds out its last 10%: the training part is the rest, and only the boundary token is read by both (as context)', () => {
  const text = 'abcdefghij'.repeat(100); // 1000 characters
  const { data } = charData(text);
  const split = splitSequenceData(data, HELD_OUT_SHARE, 7, 'characters', 1);
  assert.equal(split.heldOutCount, 100);
  assert.equal(split.trainCount, 899, 'targets 2 … 900 are trained on');
  const train = split.train as typeof data;
  assert.equal(train.ids.length, 900);
  assert.deepEqual([...train.ids], [...data.ids.subarray(0, 900)], 'the training part keeps the file’s positions');
  assert.equal(split.heldOut?.kind, 'stream');
  const held = split.heldOut!.kind === 'stream' ? split.heldOut!.ids : new Int32Array();
  assert.equal(held.length, 101, 'one context token, then the 100 held-out targets');
  assert.equal(held[0], train.ids[899], 'the first held-out id is the last training token (context, never a target)');
  // Targets: training predicts positions 1..899, held-out predicts 900..999: disjoint and together every target.
  assert.deepEqual([...held.subarray(1)], [...data.ids.subarray(900)]);
  assert.equal(split.description, 'the last 10% of the characters');
});

test('tagged sequences: a seeded 10% is held out — the same seed gives the same split, another seed another, never overlapping', () => {
  const lines: string[] = [];
  for (let s = 0; s < 50; s++) lines.push(`w${s}\tT${s % 3}`, `x${s}\tU`, '');
  const { data } = parseTagged(lines.join('\n'));
  const key = (seq: { ids: Int32Array }) => [...seq.ids].join(',');
  const splitWith = (seed: number) => splitSequenceData(data, HELD_OUT_SHARE, seed, 'tokens', 1);
  const a = splitWith(42);
  const again = splitWith(42);
  const b = splitWith(43);
  const heldKeys = (s: typeof a) => (s.heldOut?.kind === 'tagged' ? s.heldOut.sequences.map(key) : []);
  assert.equal(heldKeys(a).length, 5, '5 of 50 sequences');
  assert.deepEqual(heldKeys(again), heldKeys(a), 'seeded: the same split every time');
  assert.notDeepEqual(heldKeys(b), heldKeys(a), 'another seed draws other sequences');
  const trainKeys = (a.train as typeof data).sequences.map(key);
  assert.equal(trainKeys.length, 45);
  for (const k of heldKeys(a)) assert.ok(!trainKeys.includes(k), `held-out sequence ${k} is not trained on`);
  assert.deepEqual([...trainKeys, ...heldKeys(a)].sort(), data.sequences.map(key).sort(), 'together: every sequence once');
  assert.equal(a.heldOutCount, 10, 'tokens held out');
  assert.match(a.description, /^5 of the 50 sequences \(10%\), drawn with seed 42$/);
});

test('sequence-to-one blocks are drawn as tagged sequences are; a series holds out its last rows', () => {
  const rows = ['v,m,y'];
  for (let n = 0; n < 30; n++) for (let t = 0; t < 4; t++) rows.push(`${n},${t},${n * 10}`);
  const { data } = parseFinalTarget(rows.join('\n'), 4);
  const split = splitFinalTargetData(data, HELD_OUT_SHARE, 5);
  assert.equal(split.heldOutCount, 3);
  assert.equal(split.train.count, 27);
  const heldTargets = split.heldOut?.kind === 'final-target' ? [...split.heldOut.data.targets] : [];
  for (const y of heldTargets) assert.ok(![...split.train.targets].includes(y), `target ${y} only held out`);
  assert.deepEqual([...split.train.targets, ...heldTargets].sort((x, y) => x - y), [...data.targets]);
  // Each held-out block keeps its own rows (the input of block n is n in every row).
  if (split.heldOut?.kind === 'final-target') {
    const d = split.heldOut.data;
    for (let k = 0; k < d.count; k++) assert.equal(d.inputs[k * 4 * 2] * 10, d.targets[k]);
  }

  const series = parseSeries(['x', ...Array.from({ length: 50 }, (_, i) => String(i))].join('\n')).data;
  const s = splitSequenceData(series, HELD_OUT_SHARE, 1, 'rows', 1);
  assert.equal(s.heldOutCount, 5);
  assert.equal(s.heldOut?.kind === 'series' ? [...s.heldOut.rows].join(' ') : '', '44 45 46 47 48 49');
});

test('data too small to hold out trains on everything and says so', () => {
  const tiny = splitSequenceData(charData('abcdefghij').data, HELD_OUT_SHARE, 1, 'characters', 1);
  assert.equal(tiny.heldOut, undefined);
  assert.equal(tiny.heldOutCount, 0);
  assert.match(tiny.description, /nothing held out: 10 characters are too few/);
  const one = parseTagged('a\tA\nb\tB\n').data;
  assert.match(splitSequenceData(one, HELD_OUT_SHARE, 1, 'tokens', 1).description, /nothing held out: one sequence is too few/);
});

test('the seeded order is a permutation', () => {
  const order = [...seededOrder(100, 9)];
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
});

test('the held-out score of a stream is the mean cross-entropy of one forward pass over it, whatever the chunk length', () => {
  const { data } = charData('the quick brown fox jumps over the lazy dog. '.repeat(20));
  const split = splitSequenceData(data, HELD_OUT_SHARE, 3, 'characters', 1);
  const V = data.vocabularySize;
  const make = (maxSteps: number) => new RecurrentStack({ cell: 'lstm', inputSize: V, hiddenSize: 8, layers: 2, bidirectional: false, outputSize: V, maxSteps }, new Prng(11));
  const held = split.heldOut!.kind === 'stream' ? split.heldOut!.ids : new Int32Array();
  const whole = make(held.length);
  const o = whole.forward({ ids: held.subarray(0, held.length - 1) });
  let sum = 0;
  let right = 0;
  for (let t = 0; t < held.length - 1; t++) {
    let best = 0;
    for (let k = 1; k < V; k++) if (o[t * V + k] > o[t * V + best]) best = k;
    if (best === held[t + 1]) right++;
    sum += crossEntropyStep(o, t, V, held[t + 1], 0);
  }
  const expected = sum / (held.length - 1);
  const chunked = scoreHeldOut(make(7), split.heldOut!);
  assert.ok(chunked);
  assert.equal(chunked.count, held.length - 1);
  assert.ok(Math.abs(chunked.loss - expected) < 1e-9, `${chunked.loss} = ${expected}`);
  assert.equal(chunked.accuracy, right / (held.length - 1));
  assert.equal(scoreHeldOut(make(7), split.heldOut!, () => true), undefined, 'a waiting request abandons the score');
});

test('the longest sequence always trains: a held-out sequence never outgrows the stack built from the training ones', () => {
  // One long sentence among short ones; over many seeds the draw would hold it out about one time in ten.
  for (let seed = 0; seed < 60; seed++) {
    const lines: string[] = [];
    for (let s = 0; s < 20; s++) {
      const n = s === 7 ? 30 : 1 + (s % 3);
      for (let t = 0; t < n; t++) lines.push(`w${t}\tT${t % 2}`);
      lines.push('');
    }
    const { data } = parseTagged(lines.join('\n'));
    const split = splitSequenceData(data, HELD_OUT_SHARE, seed, 'tokens', 1);
    const held = split.heldOut?.kind === 'tagged' ? split.heldOut.sequences : [];
    const train = (split.train as typeof data).sequences;
    const longestTrain = train.reduce((m, s) => Math.max(m, s.ids.length), 0);
    assert.equal(held.length, 2, `seed ${seed}: still 10% held out`);
    assert.equal(longestTrain, 30, `seed ${seed}: the 30-token sentence trains`);
    for (const s of held) assert.ok(s.ids.length <= longestTrain, `seed ${seed}: a held-out sequence of ${s.ids.length} fits`);
    assert.equal(train.length + held.length, 20);
  }
});
