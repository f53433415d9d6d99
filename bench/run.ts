// Throughput of CharTrainer.step (characters per second) against a naive arrays-of-arrays peer, same workload,
// same process. Run: node --import tsx bench/run.ts [seconds per implementation, default 3]
import { CharTrainer } from '../src/engine/charTrainer';
import { Prng } from '../src/engine/prng';
import { DEFAULT_CONFIG } from '../src/shared/trainingConfig';
import { NaiveCharRnn } from './naiveCharRnn';

const H = 128;
const L = 64;
const V_TARGET = 65;
const seconds = Number(process.argv[2] ?? 3);

/** A deterministic text of 65 distinct characters (like tiny-shakespeare's alphabet), ~100k chars long. */
function makeText(): string {
  const alphabet = ' \n!$&\',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const rng = new Prng(2024);
  let text = alphabet; // every character occurs at least once
  while (text.length < 100_000) text += alphabet[Math.floor(rng.next() * alphabet.length)];
  return text;
}

/** Runs `step` (returns chars processed) for about `seconds` after a short warm-up; returns chars per second. */
function measure(step: () => number): number {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) step();
  const start = performance.now();
  const end = start + seconds * 1000;
  let chars = 0;
  let now = start;
  while (now < end) {
    chars += step();
    now = performance.now();
  }
  return chars / ((now - start) / 1000);
}

const text = makeText();
const trainer = new CharTrainer(text, { ...DEFAULT_CONFIG, hiddenSize: H, seqLength: L, learningRate: 0.002, seed: 1 });
if (trainer.vocabSize !== V_TARGET) throw new Error(`vocabulary is ${trainer.vocabSize}, expected ${V_TARGET}`);
const V = trainer.vocabSize;
const engineRate = measure(() => trainer.step().chars);

const ids = Array.from(text, (c) => trainer.vocabulary.idOfChar(c));
const rng = new Prng(1);
const naive = new NaiveCharRnn(V, H, 0.002, 5, () => rng.next());
let p = 0;
const naiveRate = measure(() => {
  let reset = false;
  if (p + L + 1 > ids.length) {
    p = 0;
    reset = true;
  }
  naive.step(ids.slice(p, p + L), ids.slice(p + 1, p + L + 1), reset);
  p += L;
  return L;
});

const fmt = (x: number): string => Math.round(x).toString();
console.log(
  `char-rnn H=${H} V=${V} L=${L}: ${fmt(engineRate)} chars/s (naive peer ${fmt(naiveRate)} chars/s, ratio ${(engineRate / naiveRate).toFixed(1)}x)`,
);
