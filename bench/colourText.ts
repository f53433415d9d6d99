// Issue 15's "Colour Text by Model scores a 100,000-character file in under 2 s": the worker's answer to one Colour
// Text request (src/worker/textInference.ts: the text turned into ids, the model run over it in chunks, and per
// character the surprisal, the top-5 next characters, the unit values and the most active units) over 100,000
// characters at once, timed end to end by the wall clock and this process's CPU time, for each quantity the picker
// offers. (In the editor only the visible lines and a margin are asked for, after a 512-character warm-up; this is
// the whole file in one request.) Models: the default character RNN (tanh, H 64) and a char LSTM of H 128.
// Colour Text runs in float32 (inferText's precision 'float32': BatchedStack32 with one stream, the recurrent
// products and the LSTM's whole forward step in the WebAssembly f32x4 module); 'float64' is the engine's float64
// trace, the path it took before and the reference test/host/textInferenceFloat32.test.ts holds it to.
// Run: npm run bench -- --only=colour
//   --compare=precision  instead of times, the ratio float64 path ÷ float32 path (CPU time): per case and quantity,
//                     the two run alternately, 3 rounds each, median of the per-round ratios
//   --precision=float64  time the float64 path instead
//   --matvec=compare  instead of times, the ratio JavaScript ÷ pinned WebAssembly kernel (src/engine/wasmMatvec.ts)
//                     for the recurrent products: per case and quantity, the two run alternately, 3 rounds each,
//                     median of the per-round ratios (ratios only: on a shared machine absolute times vary)
//   --matvec=js       every product in JavaScript (the kernel turned off), for a timing without it
//   --chars=N         N characters instead of 100,000 (e.g. a shorter comparison)
//
// Measured (#15; Node 20, a 2-core x86-64 VM shared with a CI run, load average 9–14, so walls ran 1.1–2.5× the CPU
// times; CPU time of one request of 100,000 characters, ranges over rounds and the three quantities):
//   before #15 (19a7d70, the float64 trace):  RNN H 64 0.88–1.08 s,  LSTM H 128 4.7–5.3 s
//   the float32 path:                         RNN H 64 0.52–0.67 s,  LSTM H 128 1.61–1.91 s (its walls in the
//                                             calmest run, load 10: 1.86–2.09 s)
//   the code of 19a7d70 ÷ this float32 path, interleaved in one process: RNN 1.6–1.75×, LSTM 2.6–2.9×
//   --compare=precision (this tree's float64 path ÷ its float32 path): RNN 1.5–1.6×, LSTM 2.6–2.8×
// Where the float32 LSTM's time goes (--cpu-prof of one request, 100,000 characters): the W_hh products forward and
// backward ~57 %, the per-character read-out (softmax, top-5, most active units, unit means) ~12 %, the head's
// products (wasmGemm) ~11 %, the LSTM step's σ and tanh in the module ~11 %, copies in and out of the module ~3 %,
// the backward step's (L3)–(L5) in the module < 1 %. Before, in float64: the products ~52 %, the cell's σ and tanh
// in JavaScript ~15 %, the forward's other JavaScript ~12 %, copying the traces ~5 %, the read-out ~5 %.
import { Prng } from '../src/engine/prng';
import { RecurrentStack } from '../src/engine/recurrentStack';
import { setWasmMatvecEnabled } from '../src/engine/wasmMatvec';
import type { TextQuantity } from '../src/shared/protocol/trainingWorker';
import { MAX_INFERENCE_TEXT, inferText, type TextPrecision } from '../src/worker/textInference';

const option = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const matvec = option('matvec') ?? 'wasm';
if (!['wasm', 'js', 'compare'].includes(matvec)) throw new Error('--matvec is wasm, js or compare');
const compare = option('compare');
if (compare !== undefined && compare !== 'precision') throw new Error('--compare is precision');
const precision = (option('precision') ?? 'float32') as TextPrecision;
if (!['float32', 'float64'].includes(precision)) throw new Error('--precision is float32 or float64');
const N = Number(option('chars') ?? 100_000);
if (!(Number.isInteger(N) && N >= 1)) throw new Error('--chars is a whole number of characters');
const alphabet = ' \n!$&\',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const rng = new Prng(15);
let text = '';
while (text.length < N) text += alphabet[Math.floor(rng.next() * alphabet.length)];
if (N > MAX_INFERENCE_TEXT) throw new Error('one request holds at most MAX_INFERENCE_TEXT characters');

const cases = [
  { name: 'char RNN tanh H 64 (the default run)', cell: 'rnn_tanh' as const, H: 64, series: 'h' },
  { name: 'char LSTM H 128', cell: 'lstm' as const, H: 128, series: 'f' },
];

async function main(): Promise<void> {
  console.log(`Colour Text by Model, one request of ${N.toLocaleString('en-US')} characters (the whole file), one thread${
    compare ? ': CPU time of the float64 path ÷ the float32 path, median of 3 interleaved rounds'
      : matvec === 'compare' ? ': time with the recurrent products in JavaScript ÷ with the pinned WebAssembly kernel, median of 3 interleaved rounds'
        : `, ${precision}${matvec === 'js' ? ', recurrent products in JavaScript' : ''}`}:`);
  setWasmMatvecEnabled(matvec !== 'js');
  for (const c of cases) {
    const V = alphabet.length;
    const model = new RecurrentStack({ cell: c.cell, inputSize: V, hiddenSize: c.H, layers: 1, bidirectional: false, outputSize: V, maxSteps: 64 }, new Prng(3));
    const index = new Map([...alphabet].map((s, i) => [s, i]));
    const source = { model, idOf: (s: string) => index.get(s) ?? -1, vocabulary: [...alphabet], step: 0, seqLength: 64 };
    const quantities: [string, TextQuantity][] = [
      ['surprisal', { kind: 'surprisal' }],
      [`unit 1 of ${c.series}`, { kind: 'series', layer: 0, series: c.series, unit: 0 }],
      ['‖∂L/∂h_t‖', { kind: 'gradNorm', layer: 0 }],
    ];
    for (const [label, quantity] of quantities) {
      /** Seconds of wall clock and of this process's CPU for one request. */
      const run = async (p: TextPrecision = precision): Promise<{ wall: number; cpu: number }> => {
        const cpu = process.cpuUsage();
        const start = performance.now();
        const answer = await inferText(source, { text, warmup: 0, quantity }, async () => undefined, p);
        const wall = (performance.now() - start) / 1000;
        const used = process.cpuUsage(cpu);
        if (answer.length !== N) throw new Error(`answered ${answer.length} characters, not ${N}`);
        return { wall, cpu: (used.user + used.system) / 1e6 };
      };
      if (compare) {
        const ratios: number[] = [];
        for (let round = 0; round < 3; round++) {
          // Alternate which path goes first, so a drift within a round favours neither.
          const order: TextPrecision[] = round % 2 === 0 ? ['float64', 'float32'] : ['float32', 'float64'];
          const cpu: Record<string, number> = {};
          for (const p of order) cpu[p] = (await run(p)).cpu;
          ratios.push(cpu.float64 / cpu.float32);
        }
        ratios.sort((a, b) => a - b);
        console.log(`  ${c.name.padEnd(36)} ${label.padEnd(14)} float64 ÷ float32 ${ratios[1].toFixed(2)}× (CPU time; rounds ${ratios.map((r) => r.toFixed(2)).join(', ')})`);
        continue;
      }
      if (matvec === 'compare') {
        const ratios: number[] = [];
        for (let round = 0; round < 3; round++) {
          // Alternate which path goes first, so a drift within a round favours neither.
          const order = round % 2 === 0 ? [false, true] : [true, false];
          const cpu: number[] = [];
          for (const on of order) {
            setWasmMatvecEnabled(on);
            cpu[on ? 1 : 0] = (await run()).cpu;
          }
          ratios.push(cpu[0] / cpu[1]);
        }
        setWasmMatvecEnabled(true);
        ratios.sort((a, b) => a - b);
        console.log(`  ${c.name.padEnd(36)} ${label.padEnd(14)} JS ÷ wasm ${ratios[1].toFixed(2)}× (CPU time; rounds ${ratios.map((r) => r.toFixed(2)).join(', ')})`);
        continue;
      }
      const { wall, cpu } = await run();
      console.log(`  ${c.name.padEnd(36)} ${label.padEnd(14)} ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU${wall < 2 ? '' : '  (over the 2 s goal)'}`);
    }
  }
}

void main();
