// Colour Text by Model's float32 path (the default, inferText's precision 'float32': BatchedStack32 with one stream,
// its recurrent products on the WebAssembly f32x4 kernel) against the float64 reference path ('float64': the
// engine's trace) on trained models over a few thousand characters: what a user sees stays what the float64 path shows.
//   surprisal        within 1e-4 bits (observed ≤ 2e-6: float32 rounds every stored state, and one state is
//                    carried through all the characters, yet the two stay this close on a trained model)
//   top-5 ids        the first identical unless the float64 path's first two probabilities are within 1e-4 of each
//                    other (a near tie, where either order is right to float32's precision); probabilities within
//                    1e-5 (observed ≤ 6e-7)
//   most active unit identical unless the two largest |h| are within 1e-4
//   unit values, the requested quantity   within 1e-4 absolute (gates, c, h are O(1); observed ≤ 2e-6)
//   ‖∂L/∂h_t‖        within 1e-4 relative (observed ≤ 2e-6)
// The kernel-level checks (the f32x4 kernel against the scalar product and PyTorch float32) are
// test/engine/wasmMatvec.test.ts and test/engine/float32Golden.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verseText } from '../../src/engine/examples/text';
import { charData } from '../../src/engine/sequenceData';
import { SequenceTrainer } from '../../src/engine/sequenceTrainer';
import { setWasmMatvecEnabled } from '../../src/engine/wasmMatvec';
import type { TextInference, TextQuantity } from '../../src/shared/protocol/trainingWorker';
import { inferText, TEXT_ACTIVE_UNITS, TEXT_TOP_K } from '../../src/worker/textInference';

const corpus = verseText(40, 3);
const CHARS = 3000;
const SEQ = 32;

function trainedSource(cell: 'lstm' | 'gru' | 'rnn', layers: number, embedding?: number) {
  const { data, vocabulary } = charData(corpus);
  const trainer = new SequenceTrainer(data, {
    cell, layers, hiddenSize: 32, ...(embedding ? { embedding } : {}), bidirectional: false, seqLength: SEQ, batch: 8,
    optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 11,
  });
  for (let i = 0; i < 150; i++) trainer.step();
  return { model: trainer.model, idOf: (ch: string) => vocabulary.idOfChar(ch), vocabulary: vocabulary.chars, step: trainer.stepCount, seqLength: SEQ };
}

interface Worst { surprisal: number; probability: number; values: number; quantity: number; gradNorm: number; top1: number; active: number }

function compare(a: TextInference, b: TextInference): Worst {
  const w: Worst = { surprisal: 0, probability: 0, values: 0, quantity: 0, gradNorm: 0, top1: 0, active: 0 };
  const diff = (x: number, y: number) => (Number.isNaN(x) && Number.isNaN(y) ? 0 : Math.abs(x - y));
  assert.equal(a.length, b.length);
  for (let t = 0; t < a.length; t++) {
    w.surprisal = Math.max(w.surprisal, diff(a.surprisal[t], b.surprisal[t]));
    w.quantity = Math.max(w.quantity, diff(a.value[t], b.value[t]));
    w.gradNorm = Math.max(w.gradNorm, Number.isNaN(b.gradNorm[t]) && Number.isNaN(a.gradNorm[t]) ? 0 : Math.abs(a.gradNorm[t] - b.gradNorm[t]) / b.gradNorm[t]);
    for (let k = 0; k < TEXT_TOP_K; k++) w.probability = Math.max(w.probability, Math.abs(a.topProbabilities[t * TEXT_TOP_K + k] - b.topProbabilities[t * TEXT_TOP_K + k]));
    // Top-1: a disagreement only counts when the reference's first two are not a near tie.
    const [p1, p2] = [b.topProbabilities[t * TEXT_TOP_K], b.topProbabilities[t * TEXT_TOP_K + 1]];
    if (a.topIds[t * TEXT_TOP_K] !== b.topIds[t * TEXT_TOP_K] && p1 - p2 > 1e-4) w.top1++;
    const [v1, v2] = [Math.abs(b.activeValues[t * TEXT_ACTIVE_UNITS]), Math.abs(b.activeValues[t * TEXT_ACTIVE_UNITS + 1])];
    if (a.activeUnits[t * TEXT_ACTIVE_UNITS] !== b.activeUnits[t * TEXT_ACTIVE_UNITS] && v1 - v2 > 1e-4) w.active++;
    for (let s = 0; s < a.series.length; s++) w.values = Math.max(w.values, diff(a.unitValues[t * a.series.length + s], b.unitValues[t * b.series.length + s]));
  }
  return w;
}

const cases: { name: string; cell: 'lstm' | 'gru' | 'rnn'; layers: number; embedding?: number; quantities: TextQuantity[] }[] = [
  { name: 'LSTM, 2 layers', cell: 'lstm', layers: 2, quantities: [{ kind: 'surprisal' }, { kind: 'series', layer: 0, series: 'f', unit: 5 }, { kind: 'gradNorm', layer: 0 }] },
  { name: 'GRU with an embedding', cell: 'gru', layers: 1, embedding: 8, quantities: [{ kind: 'series', layer: 0, series: 'n', unit: 2 }] },
  { name: 'RNN tanh', cell: 'rnn', layers: 1, quantities: [{ kind: 'gradNorm', layer: 0 }] },
];

for (const c of cases) {
  test(`float32 Colour Text answers as the float64 path does over ${CHARS} characters: ${c.name}`, async () => {
    const source = trainedSource(c.cell, c.layers, c.embedding);
    // Text the model has seen the like of, with a character it never saw (an unknown input) in the middle.
    const text = (verseText(30, 9).slice(0, CHARS / 2) + '¤' + verseText(30, 10)).slice(0, CHARS);
    for (const quantity of c.quantities) {
      const request = { text, warmup: 100, quantity };
      const [fast, reference] = [await inferText(source, request, undefined, 'float32'), await inferText(source, request, undefined, 'float64')];
      assert.deepEqual(Array.from(fast.unknown), Array.from(reference.unknown));
      const w = compare(fast, reference);
      const what = `${quantity.kind}: ${JSON.stringify(w)}`;
      assert.ok(w.surprisal <= 1e-4, `surprisal, ${what}`);
      assert.ok(w.probability <= 1e-5, `top-5 probabilities, ${what}`);
      assert.equal(w.top1, 0, `top-1 next character, ${what}`);
      assert.equal(w.active, 0, `most active unit, ${what}`);
      assert.ok(w.values <= 1e-4, `unit values, ${what}`);
      assert.ok(quantity.kind === 'gradNorm' ? w.quantity <= 1e-4 * Math.max(...reference.value.filter(Number.isFinite)) : w.quantity <= 1e-4, `the quantity, ${what}`);
      assert.ok(w.gradNorm <= 1e-4, `‖∂L/∂h_t‖, ${what}`);
      // And the answer is not trivially equal: a float32 path rounds (a test that cannot fail is no test).
      assert.ok(w.surprisal > 0, 'the float32 path really ran in float32');
    }
  });
}

test('the float32 path without the WebAssembly kernel (JavaScript products only) answers as the float64 path too', async () => {
  const source = trainedSource('lstm', 1);
  const text = verseText(30, 9).slice(0, 1000);
  const request = { text, warmup: 0, quantity: { kind: 'gradNorm', layer: 0 } as TextQuantity };
  setWasmMatvecEnabled(false);
  try {
    const w = compare(await inferText(source, request, undefined, 'float32'), await inferText(source, request, undefined, 'float64'));
    assert.ok(w.surprisal > 0 && w.surprisal <= 1e-4 && w.probability <= 1e-5 && w.values <= 1e-4 && w.gradNorm <= 1e-4, JSON.stringify(w));
    assert.equal(w.top1 + w.active, 0, JSON.stringify(w));
  } finally {
    setWasmMatvecEnabled(true);
  }
});
