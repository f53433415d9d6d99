// Issue 15's "the Training panel's default run uses the fast path": characters per second of the worker's own model
// (CharModel: the trainer, the gradient history, the held-out split) with the settings' defaults, in the dtype a run
// gets when it names none (float32) against float64 (the default before). Each measurement runs in a fresh Node
// process, as each run has its own worker: float32 and float64 code in one process makes V8's element accesses
// polymorphic and slows both. The processes alternate, float64 first in each round. Each cell the
// sequenceLab.training.model setting offers, hidden size and every other setting at their defaults.
// Run: npm run bench -- --only=defaults [seconds per measurement, default 3]
import { spawnSync } from 'node:child_process';
import { Prng } from '../src/engine/prng';
import { DEFAULT_CONFIG, defaultDtype, DTYPES, MODEL_KINDS, type TrainingDtype, type TrainingModelKind } from '../src/shared/trainingConfig';
import { CharModel } from '../src/worker/charModel';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => !a.startsWith('--')) ?? 3);
const ROUNDS = 3;

/** The text: 100,000 characters of 65 kinds (like tiny-shakespeare's alphabet), the same in every process. */
function benchText(): string {
  const alphabet = ' \n!$&\',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const rng = new Prng(2024);
  let text = alphabet;
  while (text.length < 100_000) text += alphabet[Math.floor(rng.next() * alphabet.length)];
  return text;
}

/** In a child: characters per second of one CharModel over about `seconds`, after a short warm-up. */
function measureOne(cell: TrainingModelKind, dtype: TrainingDtype): number {
  const config = { ...DEFAULT_CONFIG, cell, dtype };
  const model = new CharModel(benchText(), config);
  const warm = performance.now() + 500;
  while (performance.now() < warm) model.step();
  const start = performance.now();
  let steps = 0;
  while (performance.now() - start < seconds * 1000 || steps < 2) {
    model.step();
    steps++;
  }
  return (steps * config.seqLength) / ((performance.now() - start) / 1000);
}

const child = args.find((a) => a.startsWith('--measure='))?.slice('--measure='.length);
if (child) {
  const [cell, dtype] = child.split(',') as [TrainingModelKind, TrainingDtype];
  if (!MODEL_KINDS.includes(cell) || !DTYPES.includes(dtype)) throw new Error(`--measure=${child}: not a cell,dtype`);
  console.log(JSON.stringify({ rate: measureOne(cell, dtype) }));
} else {
  const inChild = (cell: TrainingModelKind, dtype: TrainingDtype): number => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/defaultRun.ts', String(seconds), `--measure=${cell},${dtype}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the ${cell} ${dtype} measurement failed:\n${r.stderr}`);
    return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { rate: number }).rate;
  };
  console.log(`The Training panel's default run (the settings' defaults: H ${DEFAULT_CONFIG.hiddenSize}, sequence ${DEFAULT_CONFIG.seqLength}, batch 1, ${DEFAULT_CONFIG.optimizer}, clip ${DEFAULT_CONFIG.clip}) in the worker's CharModel, one thread,`);
  console.log(`100,000 characters of 65 kinds; each measurement in its own process. A run that names no dtype trains in ${defaultDtype('characters')};`);
  console.log(`float64 was the default before. Best of ${ROUNDS} alternating rounds of ${seconds} s:`);
  console.log('| cell | float32 chars/s | float64 chars/s | float32 ÷ float64 |');
  console.log('|---|---|---|---|');
  for (const cell of MODEL_KINDS) {
    const best: Record<TrainingDtype, number> = { float32: 0, float64: 0 };
    for (let round = 0; round < ROUNDS; round++) for (const dtype of ['float64', 'float32'] as const) best[dtype] = Math.max(best[dtype], inChild(cell, dtype));
    const label = cell === DEFAULT_CONFIG.cell ? `${cell} (the default)` : cell;
    console.log(`| ${label} | ${Math.round(best.float32).toLocaleString('en-US')} | ${Math.round(best.float64).toLocaleString('en-US')} | ${(best.float32 / best.float64).toFixed(2)}× |`);
  }
}
