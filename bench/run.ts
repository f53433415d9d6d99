// Throughput benchmark (characters per second), every implementation in the same run on the same workload.
//   1. The engine's trainer (SequenceTrainer, tanh RNN, batch 1) against a naive arrays-of-arrays peer.
//   2. SequenceTrainer, char LSTM and tanh RNN (hidden 128, vocabulary 65, sequence 64, Adam, clip 5) at batch 1
//      and 32, training and inference, against @tensorflow/tfjs (cpu and wasm backends, when installed) and PyTorch
//      (when /usr/bin/python3 has torch; one thread, float32), printed as a table with ratios.
//   The engine is measured in float64 and float32 (dtype), on one thread and, for training, on every core
//   (data-parallel shards on worker threads, src/parallel/). float64 first: its kernels are measured before
//   the float32 arrays make V8's element accesses polymorphic.
// Run: npm run bench -- [seconds per measurement, default 3] [--quick] [--only=lstm/train/32] [--peers=wasm,torch]
//   (--only=load: the load benchmark in a real VS Code; --only=memory: memory over an hour of training, bench/memoryRun.ts;
//   --only=panels: panel update cost in headless Chromium, bench/panels/run.ts; --panels=gates,… picks panels;
//   --only=unitsearch: the Gates panel's whole-file unit search in s/MB, bench/unitSearch.ts;
//   --only=colour: Colour Text by Model on 100,000 characters in one request, bench/colourText.ts;
//   --only=typing: the latency Colour Text adds per keystroke on a 2 MB text in code-server, bench/typing.ts;
//   --only=defaults: the Training panel's default run in its default dtype (float32) against float64, bench/defaultRun.ts;
//   --only=web: the same run in the web's Web Worker (headless Chromium) and the desktop's worker thread, bench/webWorker.ts)
//   --quick      1 s per measurement
//   --only=S     only the rows whose key (cell/mode/batch) contains S
//   --peers=…    peers to measure, any of naive, cpu, wasm, torch (default all)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Prng } from '../src/engine/prng';
import { wasmPanelGemm32 } from '../src/engine/wasmPanelGemm';
import { makeEngineModel } from './engineModel';
import { flopPerChar as flopOf } from './flops';
import { NaiveCharRnn } from './naiveCharRnn';
import { loadTf, makeTfModel, type PeerModel } from './tfjsPeer';

const H = 128;
const L = 64;
const V_TARGET = 65;
const BATCHES = [1, 32];
const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const seconds = args.includes('--quick') ? 1 : Number(args.find((a) => !a.startsWith('--')) ?? 3);
const only = option('only') ?? '';
const peers = new Set((option('peers') ?? 'naive,cpu,wasm,torch').split(','));
const threads = availableParallelism();
/** The benchmarks with an entry of their own (`--only=NAME`), each run in a child process with the same arguments. */
const OWN_ENTRIES: Record<string, { script: string; nodeArgs?: string[] }> = {
  // The extension host's event-loop delay in a real VS Code (bench/load/run.ts).
  load: { script: 'bench/load/run.ts' },
  // Heap and RSS over an hour's worth of training posts, with a full GC before each reading.
  memory: { script: 'bench/memoryRun.ts', nodeArgs: ['--expose-gc'] },
  // Issue 4's panel update cost in headless Chromium.
  panels: { script: 'bench/panels/run.ts' },
  // Issue 15's Colour Text on 100,000 characters in one request.
  colour: { script: 'bench/colourText.ts' },
  // Issue 15's latency Colour Text adds per keystroke, typed into code-server.
  typing: { script: 'bench/typing.ts' },
  // Issue 15's Training panel default run: float32 (the default dtype) against float64.
  defaults: { script: 'bench/defaultRun.ts' },
  // Issue 17's Web Worker against the desktop's worker thread, the same run through each.
  web: { script: 'bench/webWorker.ts' },
  // Issue 13's whole-file unit search, seconds per MB.
  unitsearch: { script: 'bench/unitSearch.ts' },
};
const ownEntry = Object.hasOwn(OWN_ENTRIES, only) ? OWN_ENTRIES[only] : undefined;
if (ownEntry) {
  const child = spawnSync(process.execPath, [...(ownEntry.nodeArgs ?? []), '--import', 'tsx', ownEntry.script, ...args], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

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
const alphabet = [...new Set(text)].sort();
if (alphabet.length !== V_TARGET) throw new Error(`vocabulary is ${alphabet.length}, expected ${V_TARGET}`);
const V = alphabet.length;
const idOf = new Map(alphabet.map((c, i) => [c, i]));
const ids = Array.from(text, (c) => idOf.get(c)!);
// The trainer the editor and `sequence-lab train` use, as a one-stream tanh RNN (Adam, lr 0.002, clip 5).
const single = peers.has('naive') ? makeEngineModel('rnn', V, H, 1, L, Int32Array.from(ids), 5, 1, 'float64') : undefined;
const engineRate = single ? measure(() => single.train()) : 0;
single?.dispose();

const rng = new Prng(1);
const naive = new NaiveCharRnn(V, H, 0.002, 5, () => rng.next());
let p = 0;
const naiveRate = !peers.has('naive') ? 0 : measure(() => {
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
if (peers.has('naive')) console.log(
  `char-rnn H=${H} V=${V} L=${L}: ${fmt(engineRate)} chars/s (naive peer ${fmt(naiveRate)} chars/s, ratio ${(engineRate / naiveRate).toFixed(1)}x)`,
);

// ---- 2. the table -------------------------------------------------------------------------------------------------
const idArray = Int32Array.from(ids);
type Key = `${'lstm' | 'rnn'}/${'train' | 'infer'}/${number}`;
const column = (dtype: 'float32' | 'float64', n: number): string => `sequence-lab ${dtype === 'float64' ? 'f64' : 'f32'} ${n} thread${n > 1 ? 's' : ''}`;
const ENGINE = [column('float64', 1), column('float64', threads), column('float32', 1), column('float32', threads)];
const rows: Record<string, Partial<Record<Key, number>>> = Object.fromEntries(ENGINE.map((n) => [n, {}]));
const keys: Key[] = [];
for (const cell of ['lstm', 'rnn'] as const) {
  for (const mode of ['train', 'infer'] as const) for (const B of BATCHES) if (`${cell}/${mode}/${B}`.includes(only)) keys.push(`${cell}/${mode}/${B}`);
}

for (const dtype of ['float64', 'float32'] as const) {
  for (const key of keys) {
    const [cell, mode, b] = key.split('/');
    const m = makeEngineModel(cell as 'lstm' | 'rnn', V, H, Number(b), L, idArray, 5, 1, dtype);
    rows[column(dtype, 1)][key] = measure(mode === 'train' ? () => m.train() : () => m.infer());
    m.dispose();
    if (mode === 'train' && threads > 1 && Number(b) >= 2 * threads) {
      const all = makeEngineModel(cell as 'lstm' | 'rnn', V, H, Number(b), L, idArray, 5, threads, dtype);
      rows[column(dtype, threads)][key] = measure(() => all.train());
      all.dispose();
    }
  }
}
if (peers.has('naive')) rows['naive JS'] = { 'rnn/train/1': naiveRate };

async function tfjsRows(): Promise<void> {
  for (const backend of ['cpu', 'wasm'] as const) {
    if (!peers.has(backend)) continue;
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

interface TorchPeer { torch: string; blas: { kind: string; libraries: string[]; config: string[] }; peak: Record<string, number>; results: Record<Key, number> }

function printTable(): void {
  const python = '/usr/bin/python3';
  let peer: TorchPeer | undefined;
  let peerColumn: string | undefined;
  if (peers.has('torch') && existsSync(python)) {
    const script = new URL('./torch_bench.py', import.meta.url).pathname;
    const r = spawnSync(python, [script, String(seconds), String(H), String(V), String(L), BATCHES.join(',')], { encoding: 'utf8', timeout: 900_000 });
    if (r.status === 0) {
      peer = JSON.parse(r.stdout) as TorchPeer;
      // A PyTorch on the reference BLAS is not what anyone runs: it is shown, labelled, and given no ratio.
      const reference = peer.blas.kind === 'reference' || peer.blas.kind === 'unknown';
      peerColumn = reference ? `pytorch ${peer.torch} on the REFERENCE BLAS, not a peer (1 thread)` : `pytorch ${peer.torch} + ${peer.blas.kind} (1 thread)`;
      rows[peerColumn] = peer.results;
      console.log(`PyTorch peer: torch ${peer.torch}, ${peer.blas.config.join(' ') || 'BLAS_INFO unknown'}; BLAS loaded: ${peer.blas.libraries.join(', ') || 'none found'} (${peer.blas.kind})`);
      if (reference) console.log('  The reference BLAS is loaded: install libopenblas0-pthread (apt-get install libopenblas0-pthread) for the PyTorch a user runs. No PyTorch ratio is printed.');
      console.log(`Machine peak, float32 sgemm 1024³ through that BLAS: ${Object.entries(peer.peak).map(([t, g]) => `${g.toFixed(1)} GFLOP/s on ${t} thread${t === '1' ? '' : 's'}`).join(', ')}`);
    } else {
      console.log(`(PyTorch peer not run: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`);
    }
  }

  const names = Object.keys(rows);
  const engine = (n: string): boolean => n.startsWith('sequence-lab');
  const noRatio = (n: string): boolean => n.includes('REFERENCE BLAS');
  const header = ['chars/s', ...names.map((n) => (engine(n) || noRatio(n) ? n : `${n} (ratio)`))];
  const table = keys.map((key) => {
    // The ratio is taken against the faster engine column (all cores when it was measured).
    const ours = Math.max(...ENGINE.map((n) => rows[n][key] ?? 0));
    return [key, ...names.map((n) => {
      const v = rows[n][key];
      if (v === undefined) return '—';
      return engine(n) || noRatio(n) ? fmt(v) : `${fmt(v)} (${(ours / v).toFixed(2)}x)`;
    })];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`\nH=${H} V=${V} T=${L}, Adam, clip 5; ratio = the faster sequence-lab column ÷ peer (above 1: sequence-lab is faster)`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of table) console.log(line(r));
  printFlops(peer, peerColumn);
}

/** GFLOP/s of the best engine column and of PyTorch per row, and each as a share of the measured sgemm peak. */
function printFlops(peer: TorchPeer | undefined, peerColumn: string | undefined): void {
  const peakFor = (threadCount: number): number | undefined => peer?.peak[String(threadCount)];
  console.log(`\nGFLOP/s (nominal dense FLOP per char: LSTM train ${flopOf('lstm', 'train', V, H).toLocaleString('en-US')}, infer ${flopOf('lstm', 'infer', V, H).toLocaleString('en-US')}; RNN train ${flopOf('rnn', 'train', V, H).toLocaleString('en-US')}, infer ${flopOf('rnn', 'infer', V, H).toLocaleString('en-US')}); % = share of the sgemm peak on the same thread count`);
  for (const key of keys) {
    const [cell, mode] = key.split('/') as ['lstm' | 'rnn', 'train' | 'infer'];
    const flop = flopOf(cell, mode, V, H);
    let best = ENGINE[0];
    for (const n of ENGINE) if ((rows[n][key] ?? 0) > (rows[best][key] ?? 0)) best = n;
    const ours = (rows[best][key] ?? 0) * flop / 1e9;
    const oursThreads = best.includes(' 1 thread') ? 1 : threads;
    const share = (g: number, t: number): string => (peakFor(t) ? ` (${((100 * g) / peakFor(t)!).toFixed(0)}% of ${peakFor(t)!.toFixed(1)})` : '');
    let line = `${key.padEnd(15)} ours ${ours.toFixed(2)} GFLOP/s [${best}]${share(ours, oursThreads)}`;
    const theirs = peerColumn ? rows[peerColumn][key] : undefined;
    if (theirs !== undefined) line += `; PyTorch ${((theirs * flop) / 1e9).toFixed(2)} GFLOP/s${share((theirs * flop) / 1e9, 1)}`;
    console.log(line);
  }
  printWasmCeiling(peakFor(1));
}

/**
 * What stands in the way, measured: the engine's batched product (wasmPanelGemm.ts, the kernel of the batch-32
 * steps) on one large product of the recurrence's shape, 2048 rows × 128 × 512, alone — the most this WebAssembly
 * SIMD kernel (128-bit vectors, multiply and add apart: no fused multiply-add in Node's baseline WebAssembly) gives on
 * one thread — against the sgemm peak of the BLAS PyTorch runs on (its AVX-512 or AVX2 FMA).
 */
function printWasmCeiling(peak: number | undefined): void {
  if (!wasmPanelGemm32) return;
  const M = 2048, N = 512, K = 128;
  const A = Float32Array.from({ length: M * K }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const Bm = Float32Array.from({ length: N * K }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const C = new Float32Array(M * N);
  const rate = measure(() => {
    wasmPanelGemm32!(C, 0, A, 0, M, Bm, 0, N, K, false);
    return 1;
  }, Math.min(seconds, 2));
  const gflops = (rate * 2 * M * N * K) / 1e9;
  console.log(`
The engine's WebAssembly SIMD product alone (wasmPanelGemm.ts, ${M} × ${K} by ${K} × ${N}, float32, 1 thread): ${gflops.toFixed(1)} GFLOP/s${peak ? ` = ${((100 * gflops) / peak).toFixed(0)}% of the sgemm peak (${peak.toFixed(1)})` : ''}`);
}

void main();
