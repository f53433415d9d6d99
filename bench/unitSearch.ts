// Issue 13's whole-file unit search benchmark: seconds per MB of text for the worker's search (src/worker/unitSearch.ts:
// the text turned into ids, then engine/unitSearch.ts's batched forward over every step), timed end to end by the
// wall clock and this process's CPU time, on a 1 MB generated text (65 characters, like tiny-shakespeare's alphabet) and a 1 MB word text.
// Models: the default character RNN (tanh, H 64), an LSTM of H 128 and two layers of LSTM 128; a word LSTM of H 128.
// Run: npm run bench -- --only=unitsearch   (the issue asks for under 5 s per MB)
import { Prng } from '../src/engine/prng';
import { RecurrentStack } from '../src/engine/recurrentStack';
import type { UnitSearchRequest } from '../src/shared/protocol/trainingWorker';
import { runUnitSearch } from '../src/worker/unitSearch';

const MB = 1 << 20;
const rng = new Prng(13);
const alphabet = ' \n!$&\',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let chars = '';
while (chars.length < MB) chars += alphabet[Math.floor(rng.next() * alphabet.length)];
const wordList = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}`);
const parts: string[] = [];
let size = 0;
while (size < MB) {
  const w = wordList[Math.floor(rng.next() * wordList.length)];
  parts.push(w);
  size += w.length + 1;
}
const words = parts.join(' ');

interface Case { name: string; cell: 'rnn_tanh' | 'lstm'; H: number; layers: number; text: string; tokens: 'characters' | 'words'; vocabulary: string[] }
const cases: Case[] = [
  { name: 'char RNN tanh H 64 (the default run)', cell: 'rnn_tanh', H: 64, layers: 1, text: chars, tokens: 'characters', vocabulary: [...alphabet] },
  { name: 'char LSTM H 128', cell: 'lstm', H: 128, layers: 1, text: chars, tokens: 'characters', vocabulary: [...alphabet] },
  { name: 'char LSTM H 128 × 2 layers', cell: 'lstm', H: 128, layers: 2, text: chars, tokens: 'characters', vocabulary: [...alphabet] },
  { name: 'word LSTM H 128 (2000 words)', cell: 'lstm', H: 128, layers: 1, text: words, tokens: 'words', vocabulary: wordList },
];

async function main(): Promise<void> {
console.log('Whole-file unit search (Gates panel "Search whole file"), one thread, 1 MB of text each:');
for (const c of cases) {
  const V = c.vocabulary.length;
  const model = new RecurrentStack({ cell: c.cell, inputSize: V, hiddenSize: c.H, layers: c.layers, bidirectional: false, outputSize: V, maxSteps: 64 }, new Prng(3));
  const index = new Map(c.vocabulary.map((s, i) => [s, i]));
  const source = { model, idOf: (s: string) => index.get(s) ?? -1, vocabulary: c.vocabulary, step: 0, seqLength: 64, tokens: c.tokens };
  const request: UnitSearchRequest = { text: c.text, query: { layer: c.layers - 1, series: 'h', units: [1, 5], threshold: 0.3, queryLength: 4 } };
  const bytes = Buffer.byteLength(c.text, 'utf8');
  const cpu = process.cpuUsage();
  const start = performance.now();
  const answer = await runUnitSearch(source, request, () => false);
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  if (!answer) throw new Error('the search was cancelled');
  // Wall time is what the user waits; CPU time is what the search costs on a machine shared with other work.
  console.log(
    `  ${c.name.padEnd(36)} ${(wall / (bytes / MB)).toFixed(2)} s/MB wall, ${(cpuSeconds / (bytes / MB)).toFixed(2)} s/MB CPU  ` +
    `(${answer.steps} steps, ${answer.total} stretches; ${answer.pieces ?? 1} pieces, ${answer.reread ?? 0} steps re-read from the carried state)`,
  );
}
}

void main();
