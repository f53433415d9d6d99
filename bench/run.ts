// Throughput benchmark (characters per second), every implementation in the same run on the same workload.
//   1. CharTrainer.step against a naive arrays-of-arrays peer (the original comparison).
//   2. SequenceTrainer, char LSTM and tanh RNN (hidden 128, vocabulary 65, sequence 64, Adam, clip 5) at batch 1
//      and 32, training and inference, against @tensorflow/tfjs (cpu and wasm backends, when installed) and PyTorch
//      (when /usr/bin/python3 has torch; one thread, float32), printed as a table with ratios.
// Run: node --import tsx bench/run.ts [seconds per measurement, default 3]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CharTrainer } from '../src/engine/charTrainer';
import { Prng } from '../src/engine/prng';
import { DEFAULT_CONFIG } from '../src/shared/trainingConfig';
import { makeEngineModel } from './engineModel';
import { NaiveCharRnn } from './naiveCharRnn';
import { loadTf, makeTfModel, type PeerModel } from './tfjsPeer';

const H = 128;
const L = 64;
const V_TARGET = 65;
const BATCHES = [1, 32];
const seconds = Number(process.argv[2] ?? 3);

/** A deterministic text of 65 distinct characters (like tiny-shakespeare's alphabet), ~100k chars long. */
function makeText(): string {
  const alphabet = ' \n!$&\',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const rng = new Prng(2024);
  let text = alphabet; // every character occurs at least once
  while (text.length < 100_000) text += alphabet[Math.floor(rng.next() * alphabet.length)];
  return text;
}

/** Runs `step` (returns chars processed) for about `secs` after a short warm-up (and at least twice). */
function measure(step: () => number, secs = seconds): number {
  const warmUntil = performance.now() + 300;
  do step();
  while (performance.now() < warmUntil);
  const start = performance.now();
  const end = start + secs * 1000;
  let chars = 0;
  let now: number;
  do {
    chars += step();
    now = performance.now();
  } while (now < end);
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

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
console.log(
  `char-rnn H=${H} V=${V} L=${L}: ${fmt(engineRate)} chars/s (naive peer ${fmt(naiveRate)} chars/s, ratio ${(engineRate / naiveRate).toFixed(1)}x)`,
);

// ---- 2. the table -------------------------------------------------------------------------------------------------
const idArray = Int32Array.from(ids);
type Key = `${'lstm' | 'rnn'}/${'train' | 'infer'}/${number}`;
const rows: Record<string, Partial<Record<Key, number>>> = { 'sequence-lab': {}, 'naive JS': {} };
const keys: Key[] = [];
for (const cell of ['lstm', 'rnn'] as const) for (const mode of ['train', 'infer'] as const) for (const B of BATCHES) keys.push(`${cell}/${mode}/${B}`);

for (const key of keys) {
  const [cell, mode, b] = key.split('/');
  const m = makeEngineModel(cell as 'lstm' | 'rnn', V, H, Number(b), L, idArray, 5);
  rows['sequence-lab'][key] = measure(mode === 'train' ? () => m.train() : () => m.infer());
}
rows['naive JS']['rnn/train/1'] = naiveRate;

async function tfjsRows(): Promise<void> {
  for (const backend of ['cpu', 'wasm'] as const) {
    const tf = await loadTf(backend);
    if (!tf) {
      console.log(`(@tensorflow/tfjs ${backend} backend not available: skipped)`);
      continue;
    }
    const name = `tfjs-${backend}`;
    rows[name] = {};
    for (const key of keys) {
      const [cell, mode, b] = key.split('/');
      const m: PeerModel = makeTfModel(tf, cell as 'lstm' | 'rnn', V, H, Number(b), L, idArray, 5);
      // The pure-JS cpu backend is slow: a shorter measurement keeps the whole run in minutes.
      rows[name][key] = measure(mode === 'train' ? () => m.train() : () => m.infer(), backend === 'cpu' ? Math.min(seconds, 1.5) : seconds);
      m.dispose();
    }
  }
}

async function main(): Promise<void> {
  await tfjsRows();
  printTable();
}

function printTable(): void {
  const python = '/usr/bin/python3';
  if (existsSync(python)) {
    const script = new URL('./torch_bench.py', import.meta.url).pathname;
    const r = spawnSync(python, [script, String(seconds), String(H), String(V), String(L), BATCHES.join(',')], { encoding: 'utf8', timeout: 600_000 });
    if (r.status === 0) {
      const out = JSON.parse(r.stdout) as { torch: string; results: Record<Key, number> };
      rows[`pytorch ${out.torch} (1 thread)`] = out.results;
    } else {
      console.log(`(PyTorch peer not run: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`);
    }
  }

  const names = Object.keys(rows);
  const header = ['chars/s', ...names.map((n) => (n === 'sequence-lab' ? n : `${n} (ratio)`))];
  const table = keys.map((key) => {
    const ours = rows['sequence-lab'][key]!;
    return [key, ...names.map((n) => {
      const v = rows[n][key];
      if (v === undefined) return '—';
      return n === 'sequence-lab' ? fmt(v) : `${fmt(v)} (${(ours / v).toFixed(2)}x)`;
    })];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`\nH=${H} V=${V} T=${L}, Adam, clip 5; ratio = sequence-lab ÷ peer (above 1: sequence-lab is faster)`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of table) console.log(line(r));
}

void main();
