// N-gram models: distributions sum to 1 everywhere, hand-checked add-α and Kneser-Ney, unknown tokens, splits,
// context counts and seeded sampling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/engine/prng';
import {
  NgramModel,
  splitTrainHeldOut,
  tokenize,
  UNKNOWN_TOKEN,
  type Smoothing,
} from '../../src/engine/markov/ngramModel';

const close = (a: number, b: number, what: string, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

const TEXT = 'the cat sat on the mat. the dog sat on the log. a cat and a dog met on a mat.\n';

test('every distribution sums to 1: all orders, both smoothings, seen, unseen and unknown-token contexts', () => {
  for (const unit of ['char', 'word'] as const) {
    const tokens = tokenize(TEXT, unit);
    for (const smoothing of ['add-alpha', 'kneser-ney'] as Smoothing[]) {
      for (let order = 0; order <= 8; order++) {
        const model = NgramModel.train(tokens, { order, smoothing, alpha: 0.5 });
        const v = model.vocabularySize;
        const ids = model.encode(tokens);
        const histories: number[][] = [[]];
        for (let i = 1; i < ids.length; i += 7) histories.push(Array.from(ids.subarray(Math.max(0, i - 9), i)));
        histories.push([model.unknownId, ...ids.subarray(0, 3)]); // an unknown token inside the context
        histories.push(Array.from({ length: 9 }, (_, k) => (k * 5) % v)); // most likely never seen
        histories.push([model.unknownId]);
        for (const h of histories) {
          const p = model.distribution(h);
          const sum = p.reduce((a, b) => a + b, 0);
          close(sum, 1, `${unit} ${smoothing} k=${order} context [${h}]`, 1e-12);
          assert.ok(p.every((x) => x > 0), 'every token has positive probability');
          for (let w = 0; w < v; w += 3) close(model.probability(h, w), p[w], 'probability() = distribution()[w]', 1e-15);
        }
      }
    }
  }
});

// Kneser-Ney on the corpus "aaab" (characters), order 1, fixed discount D = 0.5. V = {a, b, <unk>}, |V| = 3.
// Continuation counts N1+(• w) (distinct left neighbours, start of text counting as one):
//   a: {start, a} → 2,  b: {a} → 1;  Σ = 3, distinct types 2, so λ = 0.5·2/3 = 1/3 and the uniform base is 1/3:
//   P_0(a) = (2 − 0.5)/3 + (1/3)(1/3) = 11/18,  P_0(b) = (1 − 0.5)/3 + 1/9 = 5/18,  P_0(<unk>) = 1/9 = 2/18.
// Bigram counts after "a": a 2, b 1 (total 3, 2 types, λ = 0.5·2/3 = 1/3):
//   P(a | a) = 1.5/3 + (1/3)(11/18) = 38/54,  P(b | a) = 0.5/3 + (1/3)(5/18) = 14/54,  P(<unk> | a) = 2/54.
// "b" is never followed by anything, so P(w | b) = P_0(w).
// The first token has no history: it uses the raw unigram counts a 3, b 1 (total 4, 2 types, λ = 0.5·2/4):
//   P(a) = 2.5/4 + (1/4)(1/3) = 17/24,  P(b) = 0.5/4 + 1/12 = 5/24,  P(<unk>) = 2/24.
test('Kneser-Ney on a hand-checkable toy corpus', () => {
  const model = NgramModel.train(tokenize('aaab', 'char'), { order: 1, smoothing: 'kneser-ney', discount: 0.5 });
  assert.deepEqual(model.vocabulary, ['a', 'b', UNKNOWN_TOKEN]);
  const [a, b, unk] = [0, 1, 2];
  const dist = (h: number[]) => Array.from(model.distribution(h));
  dist([a]).forEach((p, w) => close(p, [38 / 54, 14 / 54, 2 / 54][w], `P(${w} | a)`));
  dist([b]).forEach((p, w) => close(p, [11 / 18, 5 / 18, 2 / 18][w], `P(${w} | b)`));
  dist([unk]).forEach((p, w) => close(p, [11 / 18, 5 / 18, 2 / 18][w], `P(${w} | <unk>)`));
  dist([]).forEach((p, w) => close(p, [17 / 24, 5 / 24, 2 / 24][w], `P(${w})`));
  // Chain rule on "aab?" with an unseen character: P(a) P(a | a) P(b | a) P(<unk> | b).
  const s = model.score(['a', 'a', 'b', 'z']);
  const expected = [17 / 24, 38 / 54, 14 / 54, 2 / 18].map(Math.log);
  expected.forEach((l, i) => close(s.logProbs[i], l, `log P(token ${i})`));
  close(s.total, expected.reduce((x, y) => x + y, 0), 'total');
  close(s.perplexity, Math.exp(-s.total / 4), 'perplexity');
  assert.equal(s.unknownCount, 1);
});

// Add-α on "aaab", order 1, α = 1, |V| = 3: after "a" (a 2, b 1): P(a | a) = 3/6, P(b | a) = 2/6, P(<unk> | a) = 1/6;
// first token (a 3, b 1): P(a) = 4/7; after "b" (never seen as a context): uniform 1/3.
test('add-α on the same toy corpus', () => {
  const model = NgramModel.train(tokenize('aaab', 'char'), { order: 1, smoothing: 'add-alpha', alpha: 1 });
  close(model.probability([0], 0), 3 / 6, 'P(a | a)');
  close(model.probability([0], 1), 2 / 6, 'P(b | a)');
  close(model.probability([0], 2), 1 / 6, 'P(<unk> | a)');
  close(model.probability([], 0), 4 / 7, 'P(a)');
  close(model.probability([1], 1), 1 / 3, 'P(b | b)');
  const s = model.score(['a', 'a', 'b']);
  close(s.total, Math.log(4 / 7) + Math.log(3 / 6) + Math.log(2 / 6), 'chain rule');
});

test('the estimated Kneser-Ney discounts are n1 / (n1 + 2 n2), clamped', () => {
  // Word bigrams of "x y x y x z": x→y 2, y→x 2, x→z 1: n1 = 1, n2 = 2 → D = 1/5.
  const model = NgramModel.train(tokenize('x y x y x z', 'word'), { order: 1, smoothing: 'kneser-ney' });
  close(model.rawDiscounts[1], 0.2, 'D for bigrams');
  // Raw unigram counts x 3, y 2, z 1: n1 = 1, n2 = 1 → 1/3.
  close(model.rawDiscounts[0], 1 / 3, 'D for the first token');
});

test('higher orders fit the training text better; Kneser-Ney beats add-one on held-out text', () => {
  const text = TEXT.repeat(20);
  const { train, heldOut } = splitTrainHeldOut(tokenize(text, 'char'), 0.1);
  assert.equal(train.length + heldOut.length, [...text].length);
  assert.equal(heldOut.length, Math.ceil(0.1 * [...text].length));
  const ppl = (order: number, smoothing: Smoothing, data = heldOut) => NgramModel.train(train, { order, smoothing }).score(data).perplexity;
  assert.ok(ppl(2, 'kneser-ney', train) < ppl(1, 'kneser-ney', train));
  assert.ok(ppl(3, 'kneser-ney') < ppl(3, 'add-alpha'), `${ppl(3, 'kneser-ney')} vs ${ppl(3, 'add-alpha')}`);
  assert.ok(ppl(3, 'kneser-ney') < ppl(0, 'kneser-ney'));
  assert.throws(() => splitTrainHeldOut(['a'], 0.5), { name: 'EngineInputError' });
  assert.throws(() => splitTrainHeldOut(['a', 'b'], 1), { name: 'EngineInputError' });
  assert.deepEqual(splitTrainHeldOut(['a', 'b'], 0), { train: ['a', 'b'], heldOut: [] });
});

test('observed contexts against |V|^k, as a number or only as log10 when huge', () => {
  const model = NgramModel.train(tokenize('abcabd', 'char'), { order: 2, smoothing: 'add-alpha' });
  // Contexts of two characters followed by something: ab, bc, ca (ab twice) → 3 of 4² = 16.
  assert.deepEqual(model.contextStats(), { observed: 3, possible: 16, log10Possible: 2 * Math.log10(4) });
  // 10 distinct words, order 8: 10^8 possible contexts still fits in a number.
  const words = NgramModel.train(tokenize(TEXT.repeat(3), 'word'), { order: 8, smoothing: 'kneser-ney' });
  assert.equal(words.contextStats().possible, 1e8);
  // 200 distinct characters, order 8: 200^8 ≈ 2.6e18 > 2^53, so only log10 = 8 log10 200 ≈ 18.4 is given.
  let text = '';
  for (let c = 0; c < 200; c++) text += String.fromCodePoint(0x4e00 + c);
  const big = NgramModel.train(tokenize(text, 'char'), { order: 8, smoothing: 'add-alpha' }).contextStats();
  assert.equal(big.possible, null);
  close(big.log10Possible, 8 * Math.log10(200), 'log10 |V|^k');
  assert.equal(big.observed, 192);
});

test('sampling is deterministic by seed, never draws <unk>, and follows a deterministic text', () => {
  const model = NgramModel.train(tokenize('abcabcabcabc', 'char'), { order: 2, smoothing: 'kneser-ney' });
  const x = model.sample(50, new Prng(1), ['a', 'b']);
  assert.deepEqual(x, model.sample(50, new Prng(1), ['a', 'b']));
  assert.ok(!x.includes(UNKNOWN_TOKEN));
  // After "ab" the only continuation seen is "c", so most of the sample repeats abc.
  const repeats = x.join('').split('abc').length - 1;
  assert.ok(repeats > 5, x.join(''));
});

test('bad options are EngineInputErrors', () => {
  const t = tokenize('abc', 'char');
  assert.throws(() => NgramModel.train(t, { order: 9, smoothing: 'add-alpha' }), { message: 'The order must be a whole number from 0 to 8, not 9.' });
  assert.throws(() => NgramModel.train(t, { order: 1, smoothing: 'add-alpha', alpha: 0 }), { message: 'α must be a number above 0, not 0.' });
  assert.throws(() => NgramModel.train([], { order: 1, smoothing: 'kneser-ney' }), { name: 'EngineInputError' });
  assert.throws(() => NgramModel.train(t, { order: 1, smoothing: 'witten-bell' as Smoothing }), { message: /Unknown smoothing "witten-bell"/ });
});
