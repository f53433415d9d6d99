// The command line on the engine: `sequence-lab train ...`, `eval`, `sample`, `trace`, `hmm ...` and `markov ...`.
// Bundled by esbuild to dist/cli.js.
// Node APIs are fine here (this is not the engine); all maths happens in src/engine.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { guarded, numberOption, oneOf, parseArgs, readRegularFileAtMost, UsageError, type CliIo, type ParsedArgs } from './cli/commands/cliIo';
import { EVAL_USAGE, run as runEval } from './cli/commands/evalModel';
import { EXPORT_PYTORCH_USAGE, run as runExportPytorch, type ExportIo } from './cli/commands/exportPytorch';
import { SAMPLE_USAGE, run as runSample } from './cli/commands/sampleModel';
import { TRACE_USAGE, run as runTrace } from './cli/commands/traceModel';
import { TRAIN_USAGE, run as runTrainModel } from './cli/commands/trainModel';
import { terminalProgress } from './cli/progressBar';
import { EngineInputError } from './engine/errors';
import { statePosteriors, viterbiPath } from './engine/hmm/discreteHmm';
import { baumWelch, estimateSupervised } from './engine/hmm/estimation';
import { gaussianBaumWelch, gaussianPosteriors, gaussianViterbi } from './engine/hmm/gaussianHmm';
import { parseHmm, stringifyDiscreteHmm, stringifyGaussianHmm } from './engine/hmm/modelJson';
import { parseCsvObservations } from './engine/hmm/csvSeries';
import { parseNumericSeries, parseObservations, parseTaggedFile, readObservations, type SymbolSplit } from './engine/hmm/parsers';
import { detokenize, NgramModel, splitTrainHeldOut, tokenize, type Smoothing, type TokenUnit } from './engine/markov/ngramModel';
import { Prng } from './engine/prng';
import { MAX_MARKOV_SURPRISAL_TOKENS, MAX_TRELLIS_NODES } from './shared/analysisLimits';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new EngineInputError(`cannot read ${file}: ${why}`);
  }
}

// ---- hmm and markov --------------------------------------------------------------------------------------------

const HMM_USAGE = `Usage: sequence-lab hmm fit DATA --states N [--seed S] [--restarts R] [--iterations I] --out MODEL.json
       sequence-lab hmm fit DATA --tagged [--alpha A] --out MODEL.json
       sequence-lab hmm fit DATA --gaussian --states N [--dimension D] [--seed S] [--restarts R] [--iterations I] --out MODEL.json
       sequence-lab hmm viterbi MODEL.json DATA
       sequence-lab hmm posterior MODEL.json DATA

fit        Baum-Welch from random starts (the best of R restarts, seeded); prints the log-likelihood per iteration
           as JSON. DATA holds symbols separated by whitespace, or a plain string of one-character symbols
           (--split auto|chars|whitespace, default auto). --tagged: supervised counts from token<TAB>tag lines
           (blank line between sequences), add-α smoothing (default α = 1). --gaussian: a numeric series
           (D numbers per line when --dimension D > 1) and normal emissions.
viterbi    the most probable state path (state names) and its log probability, as JSON.
posterior  the total log-likelihood and P(state | data) for every step, as JSON.
Defaults: --seed 1, --restarts 5, --iterations 200. Logarithms are natural.
`;

const MARKOV_USAGE = `Usage: sequence-lab markov DATA --order K [--smoothing add-alpha|kneser-ney] [--alpha A] [--discount D]
                           [--unit char|word] [--held-out F] [--sample N] [--seed S]

Trains an order-K Markov (n-gram) model (K = 0..8) on the first part of DATA and prints, as JSON, the natural log
probability of every token of the last fraction F (default 0.1; 0 scores the training text itself) and the
perplexity. Defaults: --smoothing kneser-ney, --alpha 1, --unit char. Tokens never seen in training count as <unk>;
the first K tokens are scored with the history they have (shorter contexts). --sample N adds N sampled tokens.
`;

const GENERAL_USAGE = `${TRAIN_USAGE}\n${EVAL_USAGE}\n${SAMPLE_USAGE}\n${TRACE_USAGE}\n${EXPORT_PYTORCH_USAGE}\n${HMM_USAGE}\n${MARKOV_USAGE}`;

/** The real outside world of the command modules: stdout/stderr and the file system. */
const nodeIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: async (path) => new Uint8Array(await readFile(path)),
  writeFile: async (path, data) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  },
};

/** nodeIo plus directory listings, for export-pytorch. */
const exportIo: ExportIo = {
  ...nodeIo,
  readFileAtMost: readRegularFileAtMost,
  listDir: async (path) => {
    try {
      return await readdir(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw e;
    }
  },
};

/** The progress line of `train --out` on a terminal only (a pipe or a log gets nothing). */
const trainProgress = process.stderr.isTTY
  ? (unit: string) => terminalProgress((text) => void process.stderr.write(text), unit, process.stderr.columns || 80, () => performance.now())
  : undefined;

/** The positional arguments `names`, in order: a missing or extra one is a UsageError. */
function positionals(p: ParsedArgs, names: string[]): string[] {
  if (p.positional.length < names.length) throw new UsageError(`missing ${names[p.positional.length]}`);
  if (p.positional.length > names.length) throw new UsageError(`unexpected argument "${p.positional[names.length]}"`);
  return p.positional;
}

/** A required option's value. */
function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new UsageError(`${name} is required`);
  return value;
}

function writeText(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new EngineInputError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

const round = (x: number): number => Number(x.toPrecision(12));

/** A table file: read with the one CSV reader rather than as free-form numbers. */
const isCsvPath = (file: string): boolean => /\.(csv|tsv)$/i.test(file);

function hmmFit(args: string[]): unknown {
  const p = parseArgs(args, ['--states', '--seed', '--restarts', '--iterations', '--tolerance', '--out', '--split', '--alpha', '--dimension'], ['--tagged', '--gaussian']);
  const [file] = positionals(p, ['DATA']);
  const out = p.options.get('--out');
  if (!out) throw new UsageError('--out MODEL.json is required');
  const text = readText(file);
  if (p.flags.has('--tagged')) {
    const alpha = numberOption(p, '--alpha', 'number') ?? 1;
    const model = estimateSupervised(parseTaggedFile(text), { alpha });
    writeText(out, stringifyDiscreteHmm(model));
    return { model: out, states: model.states, symbols: model.symbols, method: 'supervised', alpha };
  }
  const states = required(numberOption(p, '--states', 'whole', 1), '--states');
  const seed = numberOption(p, '--seed', 'whole', 0) ?? 1;
  const restarts = numberOption(p, '--restarts', 'whole', 1) ?? 5;
  const maxIterations = numberOption(p, '--iterations', 'whole', 0) ?? 200;
  const tolerance = numberOption(p, '--tolerance', 'number');
  if (p.flags.has('--gaussian')) {
    // A .csv/.tsv is read by the one CSV reader (quotes, `,` `;` or tab, a header): its columns are the dimensions.
    const csv = isCsvPath(file) ? parseCsvObservations(text, numberOption(p, '--dimension', 'whole', 1)) : undefined;
    const dimension = csv ? csv.dimension : numberOption(p, '--dimension', 'whole', 1) ?? 1;
    const values = csv ? csv.values : parseNumericSeries(text, dimension);
    checkTrellis(values.length / dimension, states);
    const fit = gaussianBaumWelch(values, dimension, { states, seed, restarts, maxIterations, tolerance });
    writeText(out, stringifyGaussianHmm(fit.model));
    return {
      model: out,
      states: fit.model.states,
      method: 'baum-welch (gaussian)',
      logLikelihood: round(fit.logLikelihoods.at(-1)!),
      iterations: fit.logLikelihoods.length - 1,
      converged: fit.converged,
      bestRestart: fit.best + 1,
      restarts: fit.runs.map((r) => round(r.logLikelihoods.at(-1)!)),
      logLikelihoods: fit.logLikelihoods.map(round),
    };
  }
  const split = oneOf<SymbolSplit>(p, '--split', ['auto', 'chars', 'whitespace'], 'auto');
  const { symbols, observations } = readObservations(text, split);
  checkTrellis(observations.length, states);
  const fit = baumWelch([observations], symbols, { states, seed, restarts, maxIterations, tolerance });
  writeText(out, stringifyDiscreteHmm(fit.model));
  return {
    model: out,
    states: fit.model.states,
    symbols,
    method: 'baum-welch',
    logLikelihood: round(fit.logLikelihoods.at(-1)!),
    iterations: fit.logLikelihoods.length - 1,
    converged: fit.converged,
    bestRestart: fit.best + 1,
    restarts: fit.runs.map((r) => round(r.logLikelihoods.at(-1)!)),
    logLikelihoods: fit.logLikelihoods.map(round),
  };
}

/** The extension's bound on a trellis (steps × states), refused before δ, ψ or γ is allocated. */
function checkTrellis(steps: number, states: number): void {
  if (steps * states > MAX_TRELLIS_NODES) {
    throw new EngineInputError(
      `${steps.toLocaleString('en')} steps × ${states.toLocaleString('en')} states is over the ${MAX_TRELLIS_NODES.toLocaleString('en')} trellis nodes Sequence Lab decodes at once; use a shorter file or fewer states.`,
    );
  }
}

function hmmDecode(args: string[], what: 'viterbi' | 'posterior'): unknown {
  const p = parseArgs(args, [], []);
  const [modelFile, dataFile] = positionals(p, ['MODEL', 'DATA']);
  const parsed = parseHmm(readText(modelFile));
  const data = readText(dataFile);
  if (parsed.kind === 'discrete') {
    const obs = parseObservations(data, parsed.model.symbols);
    checkTrellis(obs.length, parsed.model.states.length);
    const names = parsed.model.states;
    if (what === 'viterbi') {
      const v = viterbiPath(parsed.model, obs);
      return { logProbability: v.logProbability, path: Array.from(v.path, (i) => names[i]) };
    }
    const r = statePosteriors(parsed.model, obs);
    return { logLikelihood: r.logLikelihood, states: names, posteriors: rows(r.gamma, names.length) };
  }
  const model = parsed.model;
  const values = isCsvPath(dataFile) ? parseCsvObservations(data, model.dimension).values : parseNumericSeries(data, model.dimension);
  checkTrellis(values.length / model.dimension, model.n);
  if (what === 'viterbi') {
    const v = gaussianViterbi(model, values);
    if (!Number.isFinite(v.logProbability)) throw new EngineInputError('The series has probability 0 under the model.');
    return { logProbability: v.logProbability, path: Array.from(v.path, (i) => model.states[i]) };
  }
  const r = gaussianPosteriors(model, values);
  return { logLikelihood: r.logLikelihood, states: model.states, posteriors: rows(r.gamma, model.n) };
}

function rows(x: Float64Array, n: number): number[][] {
  return Array.from({ length: x.length / n }, (_, t) => Array.from(x.subarray(t * n, t * n + n), round));
}

function markov(args: string[]): unknown {
  const p = parseArgs(args, ['--order', '--smoothing', '--alpha', '--discount', '--unit', '--held-out', '--sample', '--seed'], []);
  const [file] = positionals(p, ['DATA']);
  const order = required(numberOption(p, '--order', 'whole', 0), '--order');
  const smoothing = oneOf<Smoothing>(p, '--smoothing', ['add-alpha', 'kneser-ney'], 'kneser-ney');
  const unit = oneOf<TokenUnit>(p, '--unit', ['char', 'word'], 'char');
  const alpha = numberOption(p, '--alpha', 'number') ?? 1;
  const discount = numberOption(p, '--discount', 'number');
  const heldOutFraction = numberOption(p, '--held-out', 'number') ?? 0.1;
  const tokens = tokenize(readText(file), unit);
  if (tokens.length === 0) throw new EngineInputError(`${file} has no ${unit === 'char' ? 'characters' : 'words'}.`);
  if (tokens.length > MAX_MARKOV_SURPRISAL_TOKENS) {
    throw new EngineInputError(`${file} has ${tokens.length.toLocaleString('en')} ${unit === 'char' ? 'characters' : 'words'}; a Markov model is fitted on at most ${MAX_MARKOV_SURPRISAL_TOKENS.toLocaleString('en')}, as in the extension.`);
  }
  const { train: trainTokens, heldOut } = splitTrainHeldOut(tokens, heldOutFraction);
  const scored = heldOutFraction === 0 ? trainTokens : heldOut;
  const sampleLength = numberOption(p, '--sample', 'whole', 0) ?? 0;
  const seed = numberOption(p, '--seed', 'whole', 0) ?? 1;
  const model = NgramModel.train(trainTokens, { order, smoothing, alpha, discount });
  const s = model.score(scored);
  const sample = sampleLength > 0 ? { sample: detokenize(model.sample(sampleLength, new Prng(seed)), unit) } : {};
  return {
    order,
    smoothing,
    ...(smoothing === 'add-alpha' ? { alpha } : { discounts: { raw: model.rawDiscounts.map(round), continuation: model.continuationDiscounts.map(round) } }),
    unit,
    trainTokens: trainTokens.length,
    scoredTokens: scored.length,
    scored: heldOutFraction === 0 ? 'training text' : 'held-out text',
    vocabularySize: model.vocabularySize,
    contexts: model.contextStats(),
    unknownTokens: s.unknownCount,
    logProbabilityTotal: s.total,
    perplexity: s.perplexity,
    ...sample,
    tokens: scored.map((token, i) => ({ token, logProb: round(s.logProbs[i]) })),
  };
}

/** JSON with one top-level field per line and one line per row of a matrix or per item of a list of objects. */
function formatJson(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${JSON.stringify(value)}\n`;
  const fields = Object.entries(value).map(([key, v]) => {
    const nested = Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null;
    const text = nested ? `[\n${v.map((x: unknown) => `  ${JSON.stringify(x)}`).join(',\n')}\n ]` : JSON.stringify(v);
    return ` ${JSON.stringify(key)}: ${text}`;
  });
  return `{\n${fields.join(',\n')}\n}\n`;
}

/** Runs one hmm/markov command: JSON on stdout, or one line on stderr and exit code 2 (usage) or 1 (data). */
function runJsonCommand(name: string, usage: string, args: string[], run: (args: string[]) => unknown): Promise<number> {
  return guarded(nodeIo, name, async () => {
    if (args.includes('--help') || args.includes('-h')) nodeIo.stdout(usage);
    else nodeIo.stdout(formatJson(run(args)));
    return 0;
  });
}

async function hmm(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    (sub === undefined ? process.stderr : process.stdout).write(HMM_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'fit') return runJsonCommand('hmm fit', HMM_USAGE, rest, hmmFit);
  if (sub === 'viterbi') return runJsonCommand('hmm viterbi', HMM_USAGE, rest, (a) => hmmDecode(a, 'viterbi'));
  if (sub === 'posterior') return runJsonCommand('hmm posterior', HMM_USAGE, rest, (a) => hmmDecode(a, 'posterior'));
  process.stderr.write(`error: unknown command "hmm ${sub}": fit, viterbi or posterior (see sequence-lab hmm --help)\n`);
  return 2;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  // `sequence-lab hmm posterior ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  if (command === 'hmm') return hmm(rest);
  if (command === 'markov') return runJsonCommand('markov', MARKOV_USAGE, rest, markov);
  if (command === 'eval') return runEval(rest, nodeIo);
  if (command === 'sample') return runSample(rest, nodeIo);
  if (command === 'trace') return runTrace(rest, nodeIo);
  if (command === 'train') return runTrainModel(rest, nodeIo, trainProgress);
  if (command === 'export-pytorch') return runExportPytorch(rest, exportIo);
  if (command === undefined || ((command === '--help' || command === '-h') && rest.length === 0)) {
    (command === undefined ? process.stderr : process.stdout).write(GENERAL_USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`error: unknown command "${command}": train, eval, sample, trace, export-pytorch, hmm or markov (see sequence-lab --help)\n`);
  return 2;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
