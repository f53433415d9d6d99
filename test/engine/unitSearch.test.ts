// The whole-file unit search (src/engine/unitSearch.ts) against a plain sequential forward pass: with one stream it
// finds exactly the stretches where every chosen unit of h_t is ≥ the threshold; cut into streams with a warm-up and
// checked at every stream's start against the state carried from the file's start, it finds the same, also where the
// model remembers further back than any warm-up; and it ranks stretches of the selected length first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { searchUnits, type UnitSearchQuery, type UnitSearchResult } from '../../src/engine/unitSearch';

function run<T>(g: Generator<number, T>): { result: T; yields: number } {
  let yields = 0;
  for (;;) {
    const r = g.next();
    if (r.done) return { result: r.value, yields };
    yields++;
  }
}

const V = 12;
const H = 16;
const rng = new Prng(5);
const ids = Int32Array.from({ length: 3000 }, () => Math.floor(rng.next() * V));

/** h_t of `layer` at every step, one sequential forward from a zero state (the truth the search approximates). */
function sequentialHidden(model: RecurrentStack, layer: number): Float64Array[] {
  const out: Float64Array[] = [];
  const state = new Float64Array(model.hN.length);
  const cell = new Float64Array(model.cN.length);
  const lstm = model.config.cell === 'lstm';
  const chunk = model.config.maxSteps;
  for (let p = 0; p < ids.length; p += chunk) {
    const q = Math.min(ids.length, p + chunk);
    model.forward({ ids: ids.subarray(p, q) }, state, lstm ? cell : undefined);
    // Layer k's output y^k_t is h^k_t (one direction: H values per step).
    const y = model.layerOutput(layer);
    for (let t = 0; t < q - p; t++) out.push(Float64Array.from(y.subarray(t * H, (t + 1) * H)));
    state.set(model.hN);
    if (lstm) cell.set(model.cN);
  }
  return out;
}

function stretches(hs: Float64Array[], query: UnitSearchQuery): string[] {
  const out: string[] = [];
  for (let p = 0; p < hs.length;) {
    const on = (i: number) => query.units.every((j) => hs[i][j] >= query.threshold);
    if (!on(p)) {
      p++;
      continue;
    }
    let e = p;
    while (e < hs.length && on(e)) e++;
    out.push(`${p}+${e - p}`);
    p = e;
  }
  return out.sort();
}

const key = (r: UnitSearchResult) => r.matches.map((m) => `${m.start}+${m.length}`).sort();

for (const cell of ['rnn_tanh', 'lstm'] as const) {
  test(`${cell}: one stream finds the stretches a sequential forward has; streams with a warm-up, checked, the same`, () => {
    const model = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: 2, bidirectional: false, outputSize: V, maxSteps: 50 }, new Prng(9));
    const hs = sequentialHidden(model, 1);
    // The two units most often positive, on above their median: a query with many stretches of varied lengths.
    const share = (j: number) => hs.filter((h) => h[j] > 0).length;
    const [u1, u2] = Array.from({ length: H }, (_, j) => j).sort((a, b) => share(b) - share(a));
    const sorted = hs.map((h) => Math.min(h[u1], h[u2])).sort((a, b) => a - b);
    const query: UnitSearchQuery = { layer: 1, series: 'h', units: [u1, u2], threshold: sorted[Math.floor(sorted.length * 0.6)], queryLength: 3 };
    const truth = stretches(hs, query);
    assert.ok(truth.length > 20, `the query has matches (${truth.length})`);
    const one = run(searchUnits(model, ids, query, { streams: 1, chunk: 64, maxMatches: 100_000 }));
    // The search computes in float32 (the batched kernels' fast path): a value within rounding of the threshold may
    // fall on the other side, nothing else differs.
    const exact = key(one.result).filter((m) => truth.includes(m)).length;
    assert.ok(exact >= 0.99 * truth.length && Math.abs(one.result.total - truth.length) <= 0.01 * truth.length, `one stream: ${exact} of ${truth.length} stretches exact (${one.result.total} found)`);
    assert.ok(one.yields >= Math.floor(3000 / 64), 'it yields after every chunk');
    const many = run(searchUnits(model, ids, query, { streams: 8, chunk: 64, warmup: 64, maxMatches: 100_000 }));
    assert.deepEqual(key(many.result), key(one.result), '8 warmed-up streams, checked and re-read where needed, find what one stream finds');
    // The result says how its states were read (the panel tells the user).
    assert.deepEqual([one.result.pieces, one.result.warmup, one.result.reread], [1, 0, 0]);
    assert.deepEqual([many.result.pieces, many.result.warmup], [8, 64]);
    // This untrained model forgets within the warm-up: a re-read, if any, stops at the first checkpoint that agrees.
    assert.ok(many.result.reread <= 7 * 64, `re-read ${many.result.reread} steps`);
    // A warm-up of one step is far from the carried state: every piece is read again, but only until a checkpoint
    // (every 32 steps) agrees, not to its end.
    const short = run(searchUnits(model, ids, query, { streams: 8, chunk: 64, warmup: 1, checkpointEvery: 32, maxMatches: 100_000 }));
    assert.deepEqual(key(short.result), key(one.result), 'a one-step warm-up, re-read where needed: the same stretches');
    assert.ok(short.result.reread >= 7 * 32 && short.result.reread <= 7 * 4 * 32, `each of 7 pieces re-read for 1 to 4 checkpoints (${short.result.reread} steps)`);
  });
}

test('stretches of the selected length rank first, and a query that does not fit the model is refused', () => {
  const model = new RecurrentStack({ cell: 'gru', inputSize: V, hiddenSize: H, layers: 1, bidirectional: false, outputSize: V, maxSteps: 50 }, new Prng(2));
  const { result } = run(searchUnits(model, ids, { layer: 0, series: 'h', units: [0], threshold: 0, queryLength: 4 }, { streams: 1 }));
  const scores = result.matches.map((m) => m.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'best first');
  if (result.matches.some((m) => m.length === 4)) assert.equal(result.matches[0].length, 4);
  assert.throws(() => run(searchUnits(model, ids, { layer: 1, series: 'h', units: [0], threshold: 0, queryLength: 4 })), /no layer 2/);
  assert.throws(() => run(searchUnits(model, ids, { layer: 0, series: 'c', units: [0], threshold: 0, queryLength: 4 })), /Only an LSTM/);
  assert.throws(() => run(searchUnits(model, ids, { layer: 0, series: 'h', units: [H], threshold: 0, queryLength: 4 })), /Units must be 1…16/);
});

test('a pattern planted in a generated file is found first, through many streams and chunks', () => {
  // The file: 200k random letters a–h, with "QQQQ" planted once, and shorter and longer runs of Q elsewhere.
  const letters = 'abcdefgh';
  const Q = letters.length; // id of 'Q'
  const r = new Prng(31);
  const N = 200_000;
  const file = Int32Array.from({ length: N }, () => Math.floor(r.next() * letters.length));
  const plant = (at: number, length: number) => file.fill(Q, at, at + length);
  const planted = 123_457;
  plant(planted, 4);
  for (let i = 0; i < 30; i++) plant(1000 + i * 6000, 1 + (i % 3)); // Q, QQ, QQQ: shorter stretches
  for (let i = 0; i < 10; i++) plant(3500 + i * 17_000, 9); // longer stretches
  // h_t unit 1 = tanh(5·[x_t = Q] − 2.5): ≈ +0.99 while Q is read, ≈ −0.99 otherwise (no recurrence: W_hh = 0).
  const model = new RecurrentStack({ cell: 'rnn_tanh', inputSize: Q + 1, hiddenSize: 4, layers: 1, bidirectional: false, outputSize: Q + 1, maxSteps: 16 });
  model.params.fill(0);
  model.param('rnn.weight_ih_l0')[1 * (Q + 1) + Q] = 5;
  model.param('rnn.bias_ih_l0')[1] = -2.5;
  const { result, yields } = run(searchUnits(model, file, { layer: 0, series: 'h', units: [1], threshold: 0.5, queryLength: 4 }, { streams: 16, chunk: 100 }));
  assert.deepEqual(result.matches[0], { start: planted, length: 4, score: 1, mean: result.matches[0].mean });
  assert.ok(result.matches[0].mean > 0.98);
  assert.equal(result.total, 41, 'every planted stretch is found, each once, none across a stream boundary');
  assert.equal(result.matches.filter((m) => m.score === 1).length, 1, 'only the planted stretch has the selected length');
  assert.equal(result.steps, N);
  assert.ok(yields >= Math.floor(N / 16 / 100), `it yields after every chunk (${yields})`);
});

test('a cell that never forgets: each piece is read again from the carried state, and the search finds what one read finds', () => {
  // An LSTM whose unit 0 counts the Qs read so far: f = i = σ(30) = 1 and o = 1 in float32, g = tanh(1·[x_t = Q]), so
  // c_t = (number of Qs up to t)·tanh(1). c_t ≥ 2.5·tanh(1) from the third Q on, to the end of the file: one stretch
  // through every piece after it, which no warm-up (64 steps, with no Q in it) can know of.
  const letters = 4;
  const Q = letters;
  const r = new Prng(7);
  const N = 20_000;
  const file = Int32Array.from({ length: N }, () => Math.floor(r.next() * letters));
  for (const at of [1000, 1500, 2000]) file[at] = Q;
  const model = new RecurrentStack({ cell: 'lstm', inputSize: Q + 1, hiddenSize: 2, layers: 1, bidirectional: false, outputSize: Q + 1, maxSteps: 16 });
  model.params.fill(0);
  const Hc = 2;
  const bias = model.param('rnn.bias_ih_l0'); // gates [i f g o], Hc rows each
  bias[0 * Hc] = 30; // i
  bias[1 * Hc] = 30; // f
  bias[3 * Hc] = 30; // o
  model.param('rnn.weight_ih_l0')[(2 * Hc) * (Q + 1) + Q] = 1; // g row of unit 0, column Q
  const query: UnitSearchQuery = { layer: 0, series: 'c', units: [0], threshold: 2.5 * Math.tanh(1), queryLength: 10 };
  const one = run(searchUnits(model, file, query, { streams: 1, chunk: 100 })).result;
  assert.deepEqual(one.matches.map((m) => [m.start, m.length]), [[2000, N - 2000]], 'one read: from the third Q to the end');
  const many = run(searchUnits(model, file, query, { streams: 16, chunk: 100, warmup: 64 })).result;
  assert.equal(many.pieces, 16);
  assert.deepEqual(many.matches.map((m) => [m.start, m.length]), [[2000, N - 2000]], '16 pieces: the same single stretch');
  // Every piece from the one holding the first Q on differs by a whole count: each is read again to its end.
  const seg = Math.ceil(N / 16);
  assert.equal(many.reread, N - seg * Math.ceil(1001 / seg), `re-read ${many.reread} steps`);
});
