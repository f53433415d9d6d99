// The command line on the engine: `sequence-lab train FILE [options]`. Bundled by esbuild to dist/cli.js.
// Node APIs are fine here (this is not the engine); all maths happens in src/engine.
import { readFileSync } from 'node:fs';
import { CharTrainer } from './engine/charTrainer';
import { EngineInputError, NumericFaultError } from './engine/errors';
import { DEFAULT_CONFIG, validateConfig, type CharTrainingConfig } from './shared/trainingConfig';

const USAGE = `Usage: sequence-lab train FILE [options]

Trains a character-level RNN on the text of FILE, printing the loss every 100 steps and a sample at the end.

Options:
  --hidden N        hidden units (default ${DEFAULT_CONFIG.hiddenSize})
  --seq N           characters per BPTT chunk (default ${DEFAULT_CONFIG.seqLength})
  --lr X            Adam learning rate (default ${DEFAULT_CONFIG.learningRate})
  --steps N         training steps (default ${DEFAULT_CONFIG.maxSteps})
  --seed N          random seed (default ${DEFAULT_CONFIG.seed})
  --clip X          gradient clip norm, 0 = off (default ${DEFAULT_CONFIG.clipNorm})
  --temperature X   sampling temperature (default ${DEFAULT_CONFIG.temperature})
  -h, --help        show this help
`;

/** Option name → config field. */
const OPTIONS: Record<string, keyof CharTrainingConfig> = {
  '--hidden': 'hiddenSize',
  '--seq': 'seqLength',
  '--lr': 'learningRate',
  '--steps': 'maxSteps',
  '--seed': 'seed',
  '--clip': 'clipNorm',
  '--temperature': 'temperature',
};

class UsageError extends Error {}

function parseArgs(args: string[]): { file: string; config: CharTrainingConfig } {
  const [command, ...rest] = args;
  if (command !== 'train') throw new UsageError(command === undefined ? 'missing command' : `unknown command "${command}"`);
  const config: CharTrainingConfig = { ...DEFAULT_CONFIG };
  let file: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const field = OPTIONS[arg];
    if (field) {
      const value = rest[++i];
      if (value === undefined || value.trim() === '' || Number.isNaN(Number(value))) {
        throw new UsageError(`${arg} needs a number`);
      }
      config[field] = Number(value);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`unexpected argument "${arg}"`);
    }
  }
  if (file === undefined) throw new UsageError('missing FILE');
  const problems = validateConfig(config);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return { file, config };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new EngineInputError(`cannot read ${file}: ${why}`);
  }
}

function main(args: string[]): number {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    (args.length === 0 ? process.stderr : process.stdout).write(USAGE);
    return args.length === 0 ? 1 : 0;
  }
  try {
    const { file, config } = parseArgs(args);
    const trainer = new CharTrainer(readText(file), config);
    console.log(
      `${file}: ${trainer.dataLength} characters, vocabulary ${trainer.vocabSize}, ` +
        `${trainer.parameterCount} parameters (H=${config.hiddenSize}, L=${trainer.chunkLength})`,
    );
    const start = performance.now();
    let chars = 0;
    for (let s = 1; s <= config.maxSteps; s++) {
      const r = trainer.step();
      chars += r.chars;
      if (s % 100 === 0 || s === config.maxSteps) {
        console.log(`step ${r.step}  loss ${r.loss.toFixed(4)}  grad norm ${r.gradNorm.toFixed(3)}${r.clipped ? ' (clipped)' : ''}`);
      }
    }
    const seconds = (performance.now() - start) / 1000;
    console.log(`${Math.round(chars / seconds)} chars/s`);
    console.log(`sample (temperature ${config.temperature}):`);
    console.log(trainer.sample(config.sampleLength, config.temperature));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`sequence-lab: ${e.message}\n\n${USAGE}`);
      return 1;
    }
    if (e instanceof EngineInputError || e instanceof NumericFaultError) {
      process.stderr.write(`sequence-lab: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
