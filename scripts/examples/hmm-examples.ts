// Writes example data for the hmm and markov commands into a folder, deterministic by seed:
//   node --import tsx scripts/examples/hmm-examples.ts OUT_DIR [--seed S]
// casino-rolls.txt (+ casino-states.txt, casino-model.json), cpg-dna.txt (+ cpg-states.txt, cpg-model.json),
// pos-train.tsv and pos-test.tsv (tagged files), regimes.txt (a numeric series, + regimes-states.txt, regimes-model.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { casinoExample, cpgExample, posExample, regimeExample } from '../../src/engine/examples/hmm';
import { stringifyDiscreteHmm, stringifyGaussianHmm } from '../../src/engine/hmm/modelJson';

const args = process.argv.slice(2);
const out = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--seed');
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
if (out === undefined || !Number.isInteger(seed)) {
  process.stderr.write('Usage: node --import tsx scripts/examples/hmm-examples.ts OUT_DIR [--seed S]\n');
  process.exit(1);
}
mkdirSync(out, { recursive: true });
/** Wraps a one-character-per-symbol string at 60 columns (observation files ignore line breaks). */
const wrap = (s: string): string => `${s.replace(/(.{60})/g, '$1\n').replace(/\n$/, '')}\n`;
const write = (name: string, text: string): void => {
  writeFileSync(join(out, name), text);
  process.stdout.write(`${join(out, name)}\n`);
};

const casino = casinoExample(3000, seed);
write('casino-rolls.txt', wrap(casino.symbols));
write('casino-states.txt', wrap(casino.states));
write('casino-model.json', stringifyDiscreteHmm(casino.model));
const cpg = cpgExample(20000, seed + 1);
write('cpg-dna.txt', wrap(cpg.symbols));
write('cpg-states.txt', wrap(cpg.states));
write('cpg-model.json', stringifyDiscreteHmm(cpg.model));
write('pos-train.tsv', posExample(500, seed + 2).text);
write('pos-test.tsv', posExample(50, seed + 3).text);
const regimes = regimeExample(2000, seed + 4);
write('regimes.txt', regimes.text);
write('regimes-states.txt', `${regimes.states.join('\n')}\n`);
write('regimes-model.json', stringifyGaussianHmm(regimes.model));
