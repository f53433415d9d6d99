// The analysis worker's Baum-Welch fits and samplers. A fit runs one EM iteration per step of the engine's step
// generators and yields to the message loop after each, so an `hmmFitCancel` is read and acts after the current
// iteration; progress goes out at most every 100 ms (≤ 10 messages/s) and at the end of every restart.
import { isCsvNumber, readCsv } from '../engine/csv';
import { EngineInputError } from '../engine/errors';
import {
  baumWelchStarts,
  baumWelchSteps,
  bestRun,
  defaultStateNames,
  gaussianBaumWelchSteps,
  gaussianFitSetup,
  gaussianViterbi,
  parseCsvSeries,
  parseHmm,
  parseTaggedFile,
  readObservations,
  sampleDiscrete,
  sampleGaussian,
  stringifyDiscreteHmm,
  stringifyGaussianHmm,
  type DiscreteHmm,
  type GaussianHmm,
} from '../engine/hmm';
import { detokenize, MAX_ORDER, NgramModel, tokenize, type Smoothing, type TokenUnit } from '../engine/markov';
import { Prng } from '../engine/prng';
import type { AnalysisWorkerToHost, HmmFitDecoding, HmmFitInput, HmmFitOptions, HmmFitResult, HmmSampleResult } from '../shared/workerProtocol';
import { decodeDiscreteFit, decodeGaussianFit, decodingTooLarge } from './fitDecoding';
import { taggedTokenSpans, tokenSpans, type Spans } from './tokenSpans';

export const MAX_FIT_STATES = 20;
export const MAX_FIT_RESTARTS = 50;
export const MAX_FIT_ITERATIONS = 10_000;
export const MAX_SAMPLE_STEPS = 2000;
/** Minimum time between two progress messages of a fit (≤ 10 per second). */
const PROGRESS_INTERVAL_MS = 100;

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Fits in flight that were asked to stop. */
const cancelled = new Set<string>();

export function cancelFit(fitRequestId: string): void {
  cancelled.add(fitRequestId);
}

function checkOptions(o: HmmFitOptions): void {
  const whole = (x: unknown, lo: number, hi: number, what: string) => {
    if (!(typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi)) {
      throw new EngineInputError(`${what} must be a whole number from ${lo} to ${hi}, not ${String(x)}.`);
    }
  };
  whole(o.states, 2, MAX_FIT_STATES, 'The number of states');
  whole(o.restarts, 1, MAX_FIT_RESTARTS, 'Restarts');
  whole(o.maxIterations, 1, MAX_FIT_ITERATIONS, 'Iterations');
  whole(o.seed, 0, 2 ** 31 - 1, 'The seed');
  if (!(typeof o.tolerance === 'number' && o.tolerance >= 0 && o.tolerance <= 1)) {
    throw new EngineInputError(`The tolerance must be a number from 0 to 1, not ${String(o.tolerance)}.`);
  }
}

/** The symbol sequences of a discrete fit and where each symbol is in the text (by the parsers' own rules). */
function discreteData(text: string, input: HmmFitInput): { symbols: string[]; sequences: Int32Array[]; spans: () => Spans } {
  if (input.kind === 'tagged') {
    const tokens = parseTaggedFile(text).map((s) => s.tokens);
    const symbols = [...new Set(tokens.flat())].sort();
    const id = new Map(symbols.map((s, i) => [s, i]));
    return { symbols, sequences: tokens.map((t) => Int32Array.from(t, (x) => id.get(x)!)), spans: () => taggedTokenSpans(text) };
  }
  if (input.kind !== 'symbols') throw new EngineInputError('internal: not a discrete input');
  const chars = input.split === 'chars';
  const { symbols, observations } = readObservations(text, chars ? 'chars' : 'whitespace');
  return { symbols, sequences: [observations], spans: () => tokenSpans(text, chars ? 'chars' : 'tokens') };
}

/** The decoded rows of the fitted file, or why there are none (a decoding problem never loses the fit). */
function decodedRows(steps: number, states: number, decode: () => HmmFitDecoding): Pick<HmmFitResult, 'decoding' | 'decodingNote'> {
  const tooLarge = decodingTooLarge(steps, states);
  if (tooLarge) return { decodingNote: tooLarge };
  try {
    return { decoding: decode() };
  } catch (error) {
    if (!(error instanceof EngineInputError)) throw error;
    return { decodingNote: `The decoded rows are not shown: ${error.message}` };
  }
}

/**
 * Runs `restarts` step generators one after the other, posting progress, yielding after every iteration and
 * stopping (returning undefined) when the fit is cancelled.
 */
async function runRestarts<R extends { logLikelihoods: number[] }>(
  requestId: string,
  runs: (() => Generator<number, R, void>)[],
  post: (m: AnalysisWorkerToHost) => void,
): Promise<R[] | undefined> {
  const done: R[] = [];
  let last = 0;
  for (let restart = 0; restart < runs.length; restart++) {
    const steps = runs[restart]();
    let pending: number[] = [];
    let from = 0;
    const flush = () => {
      if (pending.length === 0) return;
      post({ type: 'hmmFitProgress', requestId, restart, fromIteration: from, logLikelihoods: Float64Array.from(pending) });
      from += pending.length;
      pending = [];
      last = Date.now();
    };
    for (;;) {
      const next = steps.next();
      if (next.done) {
        flush();
        done.push(next.value);
        break;
      }
      pending.push(next.value);
      if (Date.now() - last >= PROGRESS_INTERVAL_MS) flush();
      await yieldToMessages();
      if (cancelled.has(requestId)) return undefined;
    }
  }
  return done;
}

export async function hmmFit(
  requestId: string,
  text: string,
  input: HmmFitInput,
  options: HmmFitOptions,
  post: (m: AnalysisWorkerToHost) => void,
): Promise<HmmFitResult | undefined> {
  try {
    checkOptions(options);
    const states = defaultStateNames(options.states);
    if (input.kind === 'csv') {
      const series = parseCsvSeries(text, Array.isArray(input.columns) ? input.columns : []);
      const steps = series.values.length / series.dimension;
      if (steps < options.states) {
        throw new EngineInputError(`The file has ${steps} rows of numbers: too few for ${options.states} states.`);
      }
      const setup = gaussianFitSetup(series.values, series.dimension, { ...options, states });
      const runs = await runRestarts(
        requestId,
        setup.starts.map((init) => () => gaussianBaumWelchSteps(init, series.values, setup.floor, setup.maxIterations, setup.tolerance)),
        post,
      );
      if (!runs) return undefined;
      const best = bestRun(runs);
      const model = runs[best].model;
      await yieldToMessages();
      return {
        ...gaussianResult(model, series.columns, steps, runs, best),
        path: gaussianViterbi(model, series.values).path,
        rowLines: series.lines,
        ...decodedRows(steps, model.n, () => decodeGaussianFit(model, series.values, series.lines, text)),
      };
    }
    const { symbols, sequences, spans } = discreteData(text, input);
    const starts = baumWelchStarts(states, symbols, options.restarts, options.seed);
    const runs = await runRestarts(
      requestId,
      starts.map((init) => () => baumWelchSteps(init, sequences, options.maxIterations, options.tolerance)),
      post,
    );
    if (!runs) return undefined;
    const best = bestRun(runs);
    const model = runs[best].model;
    const steps = sequences.reduce((s, q) => s + q.length, 0);
    await yieldToMessages();
    return { ...discreteResult(model, steps, runs, best), ...decodedRows(steps, model.n, () => decodeDiscreteFit(model, sequences, spans())) };
  } finally {
    cancelled.delete(requestId);
  }
}

type Runs = { logLikelihoods: number[]; converged: boolean }[];

function discreteResult(model: DiscreteHmm, observations: number, runs: Runs, best: number): HmmFitResult {
  return {
    kind: 'discrete',
    states: [...model.states],
    symbols: [...model.symbols],
    observations,
    start: model.start,
    transition: model.transition,
    emission: model.emission,
    means: new Float64Array(0),
    variances: new Float64Array(0),
    logLikelihoods: runs.map((r) => Float64Array.from(r.logLikelihoods)),
    best,
    converged: runs[best].converged,
    modelText: stringifyDiscreteHmm(model),
  };
}

function gaussianResult(model: GaussianHmm, columns: string[], observations: number, runs: Runs, best: number): HmmFitResult {
  return {
    kind: 'gaussian',
    states: [...model.states],
    symbols: columns,
    observations,
    start: model.start,
    transition: model.transition,
    emission: new Float64Array(0),
    means: model.means,
    variances: model.variances,
    logLikelihoods: runs.map((r) => Float64Array.from(r.logLikelihoods)),
    best,
    converged: runs[best].converged,
    modelText: stringifyGaussianHmm(model),
  };
}

/** Samples s_0 ~ π, s_{t+1} ~ A[s_t] and an emission per step from a model file's text (seeded). */
/**
 * The columns HMM Fit offers for a CSV/TSV text, read by the one CSV reader: the header's names (or "column k") and
 * whether the first data row holds a number in each. The fit itself re-checks every cell (parseCsvSeries).
 */
export function csvColumnsOf(text: string): { names: string[]; numericInFirstRow: boolean[] } {
  const table = readCsv(text, { allowRagged: true });
  if (table.columns === 0) return { names: [], numericInFirstRow: [] };
  const names = table.header ? table.header.map((c, k) => c || `column ${k + 1}`) : Array.from({ length: table.columns }, (_, k) => `column ${k + 1}`);
  const first = table.rows[0] ?? [];
  return { names, numericInFirstRow: names.map((_, k) => isCsvNumber(first[k] ?? '')) };
}

export function hmmSample(modelText: string, length: number, seed: number): HmmSampleResult {
  if (!(Number.isInteger(length) && length >= 1 && length <= MAX_SAMPLE_STEPS)) {
    throw new EngineInputError(`The sample length must be a whole number from 1 to ${MAX_SAMPLE_STEPS}, not ${length}.`);
  }
  if (!Number.isInteger(seed)) throw new EngineInputError(`The seed must be a whole number, not ${seed}.`);
  const parsed = parseHmm(modelText);
  const rng = new Prng(seed);
  if (parsed.kind === 'discrete') {
    const s = sampleDiscrete(parsed.model, length, rng);
    return { states: [...parsed.model.states], path: s.states, symbols: Array.from(s.symbols, (k) => parsed.model.symbols[k]), values: new Float64Array(0), dimension: 0 };
  }
  const s = sampleGaussian(parsed.model, length, rng);
  return { states: [...parsed.model.states], path: s.states, symbols: [], values: s.values, dimension: parsed.model.dimension };
}

export const MAX_MARKOV_SAMPLE_LENGTH = 1000;

/** One n-gram model of order k on all of `text`, and `length` tokens sampled from it with Prng(seed). */
export function markovSample(text: string, unit: TokenUnit, order: number, smoothing: Smoothing, seed: number, length: number): string {
  if (unit !== 'char' && unit !== 'word') throw new EngineInputError(`Unknown unit "${String(unit)}": use char or word.`);
  if (!(Number.isInteger(order) && order >= 0 && order <= MAX_ORDER)) throw new EngineInputError(`The order must be a whole number from 0 to ${MAX_ORDER}, not ${order}.`);
  if (!Number.isInteger(seed)) throw new EngineInputError(`The seed must be a whole number, not ${seed}.`);
  if (!(Number.isInteger(length) && length >= 1 && length <= MAX_MARKOV_SAMPLE_LENGTH)) {
    throw new EngineInputError(`The sample length must be a whole number from 1 to ${MAX_MARKOV_SAMPLE_LENGTH}, not ${length}.`);
  }
  const tokens = tokenize(text, unit);
  if (tokens.length === 0) throw new EngineInputError('The text is empty: there is nothing to learn from.');
  const model = NgramModel.train(tokens, { order, smoothing });
  return detokenize(model.sample(length, new Prng(seed)), unit);
}
