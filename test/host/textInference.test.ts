// "Colour Text by Model": the worker's inferText. In-process against the engine's own forward/backward pass
// (traceWindow of the whole slice from a zero state): surprisal = −log2 p of the next character, the pinned unit's
// gate, ‖∂L/∂h_t‖ of a full chunk, the top-5 sorted and summing to at most 1, unknown characters flagged without a
// crash. Through the real bundled worker: a trained run answers with the announced shapes, and bad requests in words.
// inferText runs its default float32 path here, held to the float64 trace within 1e-5 (textInferenceFloat32.test.ts
// compares the two paths on trained models over thousands of characters).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charData } from '../../src/engine/sequenceData';
import { SequenceTrainer } from '../../src/engine/sequenceTrainer';
import { traceWindow } from '../../src/engine/traces';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { inferText, segmentsOf, TEXT_TOP_K, type TextInferenceSource } from '../../src/worker/textInference';
import { startTrainingWorker } from './trainingWorkerHarness';

const training = 'the cat sat on the mat. the dog dug a log. '.repeat(20);
const SEQ = 16;

function trained(cell: 'lstm' | 'gru' | 'rnn'): { trainer: SequenceTrainer; source: TextInferenceSource; encode: (s: string) => Int32Array } {
  const { data, vocabulary } = charData(training);
  const trainer = new SequenceTrainer(data, {
    cell, layers: 2, hiddenSize: 8, bidirectional: false, seqLength: SEQ, batch: 1,
    optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 7,
  });
  for (let i = 0; i < 8; i++) trainer.step();
  const source = { model: trainer.model, idOf: (ch: string) => vocabulary.idOfChar(ch), vocabulary: vocabulary.chars, step: trainer.stepCount, seqLength: SEQ };
  return { trainer, source, encode: (s) => vocabulary.encode(s) };
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);

for (const model of ['lstm', 'gru', 'rnn'] as const) {
  test(`${model}: surprisal is −log2 p(x_t | x_<t) of one forward pass over the whole text, in chunks with yields`, async () => {
    const { trainer, source, encode } = trained(model);
    const text = 'the dog sat on the log. the cat dug a mat. '.repeat(3);
    const paramsBefore = Float64Array.from(trainer.model.params);
    let pauses = 0;
    const series = model === 'lstm' ? 'f' : model === 'gru' ? 'z' : 'h';
    const r = await inferText(source, { text, warmup: 0, quantity: { kind: 'series', layer: 1, series, unit: 3 } }, async () => void pauses++);
    assert.deepEqual(trainer.model.params, paramsBefore, 'the run’s model is not touched');
    assert.equal(r.length, text.length);
    const ids = encode(text);
    const whole = traceWindow(trainer.model, { ids }, null, { jacobian: false, spectra: false });
    const K = whole.probabilities.shape[1];
    assert.ok(Number.isNaN(r.surprisal[0]), 'the first character has no context');
    for (let t = 1; t < text.length; t++) {
      close(r.surprisal[t], -Math.log2(whole.probabilities.data[(t - 1) * K + ids[t]]), `surprisal at ${t}`);
    }
    const T = ids.length;
    const G = whole.gates.shape[2];
    for (let t = 0; t < T; t++) {
      const expected = series === 'h' ? whole.hidden.data[(1 * T + t) * 8 + 3] : whole.gates.data[((1 * T + t) * G + whole.gateNames.indexOf(series)) * 8 + 3];
      close(r.value[t], expected, `${series} of unit 3, layer 2, at ${t}`);
      close(r.unitValues[t * r.series.length + r.series.indexOf(series)], expected, 'the pinned unit in the hover values');
    }
    assert.deepEqual(r.pinned, { layer: 1, unit: 3 });
    for (const t of [0, 17, T - 1]) {
      const h = Array.from(whole.hidden.data.subarray((1 * T + t) * 8, (1 * T + t + 1) * 8));
      const order = h.map((_, j) => j).sort((a, b) => Math.abs(h[b]) - Math.abs(h[a]) || a - b).slice(0, 3);
      assert.deepEqual(Array.from(r.activeUnits.subarray(t * 3, t * 3 + 3)), order, `the most active units of layer 2 at ${t}`);
    }
    assert.equal(pauses, 0, 'a small text is one piece of work');
  });
}

test('a long slice is read in pieces with yields in between, so the worker keeps answering', async () => {
  const { source } = trained('lstm');
  const text = 'the dog sat on the log. the cat dug a mat. '.repeat(400);
  let pauses = 0;
  const r = await inferText(source, { text, warmup: 512, quantity: { kind: 'gradNorm', layer: 1 } }, async () => void pauses++);
  assert.equal(r.length, text.length - 512);
  assert.ok(pauses >= 1, `yielded ${pauses} times over ${text.length} characters`);
  assert.ok(Array.from(r.value.subarray(0, r.length - 1)).every((v) => Number.isFinite(v) && v > 0), 'every character but the last has ‖∂L/∂h_t‖');
});

test('the top-5 are the most probable next characters, sorted, summing to at most 1', async () => {
  const { trainer, source, encode } = trained('lstm');
  const text = 'a mat. a log. a dog.';
  const r = await inferText(source, { text, warmup: 0, quantity: { kind: 'surprisal' } });
  const whole = traceWindow(trainer.model, { ids: encode(text) }, null, { jacobian: false, spectra: false });
  const K = whole.probabilities.shape[1];
  for (let t = 0; t < text.length; t++) {
    const probs = Array.from(r.topProbabilities.subarray(t * TEXT_TOP_K, (t + 1) * TEXT_TOP_K));
    const ids = Array.from(r.topIds.subarray(t * TEXT_TOP_K, (t + 1) * TEXT_TOP_K));
    for (let i = 1; i < TEXT_TOP_K; i++) assert.ok(probs[i] <= probs[i - 1], `sorted at ${t}`);
    assert.ok(probs.reduce((a, b) => a + b) <= 1 + 1e-6, `sum at ${t}`);
    const row = Array.from(whole.probabilities.data.subarray(t * K, (t + 1) * K));
    const argmax = row.indexOf(Math.max(...row));
    assert.equal(ids[0], argmax, `the first is the most probable at ${t}`);
    close(probs[0], row[argmax], `its probability at ${t}`);
  }
  assert.deepEqual(r.value, r.surprisal, 'colouring by surprisal colours by the surprisal');
});

test('characters the run never saw are flagged, have no surprisal, and do not stop the rest', async () => {
  const { source } = trained('gru');
  const text = 'the cat € sat 🐱 on';
  const r = await inferText(source, { text, warmup: 0, quantity: { kind: 'surprisal' } });
  const euro = text.indexOf('€');
  const cat = text.indexOf('🐱');
  assert.deepEqual([...r.unknown].flatMap((u, i) => (u ? [i] : [])), [euro, cat]);
  assert.ok(Number.isNaN(r.surprisal[euro]) && Number.isNaN(r.surprisal[cat]) && Number.isNaN(r.surprisal[cat + 1]));
  for (let t = 1; t < text.length; t++) {
    if (t !== euro && t !== cat && t !== cat + 1) assert.ok(Number.isFinite(r.surprisal[t]) && r.surprisal[t] >= 0, `finite surprisal at ${t}`);
  }
  assert.equal(r.topIds[(cat + 1) * TEXT_TOP_K], -1, 'the second half of a surrogate pair has no prediction');
  assert.ok(r.topIds[euro * TEXT_TOP_K] >= 0, 'after an unknown character the model still predicts');
});

test('a model with a learned embedding reads unknown characters too, flagged', async () => {
  const { data, vocabulary } = charData(training);
  const trainer = new SequenceTrainer(data, {
    cell: 'gru', layers: 1, hiddenSize: 8, embedding: 4, bidirectional: false, seqLength: SEQ, batch: 1,
    optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 7,
  });
  trainer.step();
  const source = { model: trainer.model, idOf: (ch: string) => vocabulary.idOfChar(ch), vocabulary: vocabulary.chars, step: 1, seqLength: SEQ };
  const r = await inferText(source, { text: 'the ¤ cat', warmup: 0, quantity: { kind: 'surprisal' } });
  assert.deepEqual(Array.from(r.unknown), [0, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.ok(Number.isNaN(r.surprisal[4]) && Number.isFinite(r.surprisal[5]));
});

test('‖∂L/∂h_t‖ of a full chunk equals the engine’s BPTT over that chunk; the warm-up only sets the state', async () => {
  const { trainer, source, encode } = trained('lstm');
  const text = 'the dog dug a mat. the cat sat';
  assert.ok(text.length > SEQ + 1);
  const r = await inferText(source, { text, warmup: 0, quantity: { kind: 'gradNorm', layer: 0 } });
  const ids = encode(text);
  const chunk = traceWindow(trainer.model, { ids: ids.slice(0, SEQ) }, { kind: 'cross-entropy', targets: ids.slice(1, SEQ + 1) }, { jacobian: false, spectra: false });
  for (let t = 0; t < SEQ; t++) close(r.value[t], chunk.hiddenGradNorm!.data[t], `‖∂L/∂h_${t}‖ of layer 1`);
  assert.ok(Number.isNaN(r.gradNorm[text.length - 1]), 'the last character has no next one: no loss, no gradient');

  const warm = await inferText(source, { text, warmup: 10, quantity: { kind: 'surprisal' } });
  assert.equal(warm.length, text.length - 10);
  close(warm.surprisal[0], r.surprisal[10], 'the first scored character has the warm-up as context');
});

test('segments: chunks of seqLength with targets, and forward-only steps where the next character is unknown', () => {
  const segs = segmentsOf(Int32Array.from([0, 1, 2, -1, 3, 4, 5, 6, 7]), 3);
  assert.deepEqual(segs, [
    { from: 0, to: 2, withTargets: true },
    { from: 2, to: 3, withTargets: false },
    { from: 3, to: 6, withTargets: true },
    { from: 6, to: 8, withTargets: true },
    { from: 8, to: 9, withTargets: false },
  ]);
});

test('bad requests are refused in words', async () => {
  const { source } = trained('gru');
  await assert.rejects(inferText(source, { text: 'abc', warmup: 0, quantity: { kind: 'series', layer: 0, series: 'f', unit: 0 } }), /GRU has no f/);
  await assert.rejects(inferText(source, { text: 'abc', warmup: 0, quantity: { kind: 'gradNorm', layer: 2 } }), /2 layer\(s\); there is no layer 3/);
  await assert.rejects(inferText(source, { text: 'abc', warmup: 3, quantity: { kind: 'surprisal' } }), /warm-up of 3/);
});

test('through the worker: a trained run colours text and names a run it does not have', async () => {
  const worker = startTrainingWorker();
  const config: TrainingConfig = { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 8, steps: 5, seqLength: 8, sampleEvery: 1000 };
  worker.send({ type: 'train', runId: 'r1', text: training, config });
  await worker.next('r1', 'finished');
  worker.send({ type: 'inferText', runId: 'r1', requestId: 4, text: 'the cat¤', warmup: 2, quantity: { kind: 'series', layer: 0, series: 'o', unit: 1 } });
  const answer = await worker.next('r1', 'textInference');
  assert.equal(answer.requestId, 4);
  assert.equal(answer.length, 6);
  assert.equal(answer.topIds.length, 6 * TEXT_TOP_K);
  assert.deepEqual(Array.from(answer.unknown), [0, 0, 0, 0, 0, 1]);
  assert.ok(Array.from(answer.value).every((v) => v > 0 && v < 1), 'an output gate lies in (0, 1)');
  worker.send({ type: 'inferText', runId: 'nope', requestId: 5, text: 'x', warmup: 0, quantity: { kind: 'surprisal' } });
  assert.match((await worker.next('nope', 'textInferenceFailed')).message, /^This run is not in the training worker .* Resume it from the Runs view/);
});
