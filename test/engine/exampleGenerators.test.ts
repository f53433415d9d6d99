// The example generators of "Sequence Lab: New Example…": deterministic by seed, readable by the engine's own
// parsers, and each one has the property its lesson relies on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addingProblem,
  COPY_BLANK,
  COPY_DELIMITER,
  copyTask,
  embeddedReberLegalNext,
  embeddedReberText,
  EXAMPLE_IDS,
  exampleFiles,
  isEmbeddedReber,
  mackeyGlassSeries,
  parityTask,
  seriesCsv,
  sineSeries,
  verseText,
} from '../../src/engine/examples';
import { parseDiscreteHmm, parseObservations } from '../../src/engine/hmm';
import { charData, parseSeries, parseTagged } from '../../src/engine/sequenceData';

function autocorrelation(x: readonly number[], lag: number): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i] - mean) ** 2;
    if (i + lag < x.length) num += (x[i] - mean) * (x[i + lag] - mean);
  }
  return num / den;
}

test('every example is deterministic by seed and changes with the seed', () => {
  for (const id of EXAMPLE_IDS) {
    const a = exampleFiles(id, { seed: 7 });
    assert.deepEqual(exampleFiles(id, { seed: 7 }), a, id);
    assert.notDeepEqual(exampleFiles(id, { seed: 8 }), a, `${id} should depend on the seed`);
    assert.ok(a.length >= 1 && a.every((f) => f.content.length > 0 && f.content.endsWith('\n')), id);
  }
});

test('every example file is read by the engine parser its extension names', () => {
  for (const id of EXAMPLE_IDS) {
    for (const file of exampleFiles(id)) {
      if (file.name.endsWith('.csv')) parseSeries(file.content);
      else if (file.name.endsWith('.tagged.txt')) parseTagged(file.content);
      else if (file.name.endsWith('.json')) parseDiscreteHmm(file.content);
      else charData(file.content);
    }
  }
});

test('embedded Reber strings are accepted by the grammar, corrupted ones are rejected', () => {
  const lines = embeddedReberText(300, 1).trim().split('\n');
  for (const s of lines) {
    assert.ok(isEmbeddedReber(s), s);
    // The long-range dependency: the second symbol comes back just before the final E.
    assert.equal(s[s.length - 2], s[1]);
  }
  assert.ok(isEmbeddedReber('BTBTXSETE') && isEmbeddedReber('BPBPVVEPE'));
  const s = lines[0];
  const wrongEnd = s.slice(0, -2) + (s[1] === 'T' ? 'P' : 'T') + 'E';
  assert.equal(isEmbeddedReber(wrongEnd), false);
  assert.equal(isEmbeddedReber(s.slice(0, -1)), false, 'a truncated string is not complete');
  assert.equal(isEmbeddedReber('BTBTXXETE'), false);
  assert.equal(embeddedReberLegalNext('BTBQ'), undefined);
  // The legal next symbols: after BT the inner string starts; after BTBT, S or X; after the inner E, only T.
  assert.deepEqual(embeddedReberLegalNext('BTBTXSE')!.slice(1, 5), [['T', 'P'], ['B'], ['T', 'P'], ['S', 'X']]);
  assert.deepEqual(embeddedReberLegalNext('BTBTXSE')!.at(-1), ['T']);
});

test('adding problem: two markers per sequence, targets are the sums of the marked values, CSV readable', () => {
  const T = 30;
  const N = 40;
  const p = addingProblem(T, N, 3);
  const { data, columns } = parseSeries(p.csv);
  assert.deepEqual(columns, ['value', 'marker', 'target']);
  assert.equal(data.length, T * N);
  for (let n = 0; n < N; n++) {
    let sum = 0;
    let marks = 0;
    const marked: number[] = [];
    for (let t = 0; t < T; t++) {
      const r = (n * T + t) * 3;
      if (data.rows[r + 1] === 1) { sum += data.rows[r]; marks++; marked.push(t); }
      if (t < T - 1) assert.equal(data.rows[r + 2], 0);
    }
    assert.equal(marks, 2);
    assert.ok(marked[0] < T / 2 && marked[1] >= Math.floor(T / 2));
    assert.ok(Math.abs(data.rows[(n * T + T - 1) * 3 + 2] - sum) < 2e-6, `sequence ${n}`);
    assert.ok(Math.abs(p.targets[n] - sum) < 2e-6);
  }
  assert.throws(() => exampleFiles('adding', { length: 1 }), /T must be/);
  assert.throws(() => exampleFiles('adding', { length: 1001 }), /T must be/);
  assert.equal(exampleFiles('adding', { length: 1000 })[0].name, 'adding-T1000.csv');
});

test('copy task: the target repeats the input symbols after the delimiter', () => {
  const { data, tokens, tags } = parseTagged(copyTask(20, 5, 10, 4));
  assert.equal(data.sequences.length, 20);
  for (const s of data.sequences) {
    const input = tokens.decode(Array.from(s.ids));
    const target = tags.decode(Array.from(s.tags));
    assert.equal(input.length, 5 + 10 + 1 + 5);
    assert.equal(input[15], COPY_DELIMITER);
    assert.deepEqual(target.slice(16), input.slice(0, 5));
    assert.ok(target.slice(0, 16).every((t) => t === COPY_BLANK));
  }
});

test('parity: each tag is the XOR of the bits so far', () => {
  const { data, tokens, tags } = parseTagged(parityTask(30, 20, 5));
  assert.equal(data.sequences.length, 30);
  for (const s of data.sequences) {
    const bits = tokens.decode(Array.from(s.ids)).map(Number);
    const parity = tags.decode(Array.from(s.tags)).map(Number);
    let p = 0;
    bits.forEach((b, t) => { p ^= b; assert.equal(parity[t], p); });
  }
});

test('sine: the period is right', () => {
  const x = sineSeries(1000, 25, 9);
  for (let t = 0; t + 25 < x.length; t++) assert.ok(Math.abs(x[t] - x[t + 25]) < 1e-9);
  let best = 5;
  for (let lag = 5; lag <= 60; lag++) if (autocorrelation(x, lag) > autocorrelation(x, best)) best = lag;
  assert.equal(best, 25);
  const { data, columns } = parseSeries(seriesCsv('sine', x));
  assert.deepEqual([columns, data.length, data.features], [['sine'], 1000, 1]);
});

test('Mackey-Glass (τ = 17): bounded, varied and not periodic-trivial', () => {
  const x = mackeyGlassSeries(2000, 42);
  assert.equal(x.length, 2000);
  assert.ok(x.every((v) => Number.isFinite(v) && v > 0.2 && v < 1.5), 'bounded');
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
  assert.ok(sd > 0.1, `varied (sd ${sd})`);
  // A periodic series returns to itself (autocorrelation ≈ 1 at its period); the chaotic one never does.
  let maxAcf = -1;
  for (let lag = 5; lag <= 300; lag++) maxAcf = Math.max(maxAcf, autocorrelation(x, lag));
  assert.ok(maxAcf < 0.9, `max autocorrelation ${maxAcf}`);
  assert.ok(autocorrelation(sineSeries(2000, 50, 1), 50) > 0.95, 'sanity: the sine does return to itself');
});

test('casino: rolls decode with the model file, true dice align with the rolls', () => {
  const [rolls, model, dice] = exampleFiles('casino', { seed: 11 });
  assert.deepEqual([rolls.name, model.name, dice.name], ['casino-rolls.txt', 'casino-model.json', 'casino-states.txt']);
  const hmm = parseDiscreteHmm(model.content);
  assert.deepEqual(hmm.states, ['F', 'L']);
  const observations = parseObservations(rolls.content, hmm.symbols);
  assert.equal(observations.length, 3000);
  assert.equal(dice.content.replace(/\s/g, '').length, 3000);
  assert.match(dice.content.replace(/\s/g, ''), /^[FL]+$/);
});

test('text: a verse of numbered stanzas', () => {
  const text = verseText(10, 2);
  assert.equal(text.split('\n\n').length, 10);
  assert.match(text, /^I\.\n/);
  assert.ok(charData(text).data.ids.length === text.length);
});
