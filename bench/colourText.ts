// Issue 15's "Colour Text by Model scores a 100,000-character file in under 2 s": the worker's answer to one Colour
// Text request (src/worker/textInference.ts: the text turned into ids, the model run over it in chunks, and per
// character the surprisal, the top-5 next characters, the unit values and the most active units) over 100,000
// characters at once, timed end to end by the wall clock and this process's CPU time, for each quantity the picker
// offers. (In the editor only the visible lines and a margin are asked for, after a 512-character warm-up; this is
// the whole file in one request.) Models: the default character RNN (tanh, H 64) and a char LSTM of H 128.
// Run: npm run bench -- --only=colour
import { Prng } from '../src/engine/prng';
import { RecurrentStack } from '../src/engine/recurrentStack';
import type { TextQuantity } from '../src/shared/protocol/trainingWorker';
import { MAX_INFERENCE_TEXT, inferText } from '../src/worker/textInference';

const N = 100_000;
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
  console.log(`Colour Text by Model, one request of ${N.toLocaleString('en-US')} characters (the whole file), one thread:`);
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
      const cpu = process.cpuUsage();
      const start = performance.now();
      const answer = await inferText(source, { text, warmup: 0, quantity }, async () => undefined);
      const wall = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      if (answer.length !== N) throw new Error(`answered ${answer.length} characters, not ${N}`);
      console.log(`  ${c.name.padEnd(36)} ${label.padEnd(14)} ${wall.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU${wall < 2 ? '' : '  (over the 2 s goal)'}`);
    }
  }
}

void main();
