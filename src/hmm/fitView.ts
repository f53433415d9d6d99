// Pure (no vscode): the worker's fit and sample results as the plain JSON-able views the HMM Fit panel draws and
// saves with setState, and the settings of a fit as checked by the command's input boxes.
import type { HmmDecodedRows, HmmFitModelView, HmmSampleView } from '../shared/webviewProtocol';
import type { HmmFitDecoding, HmmFitResult, HmmSampleResult } from '../shared/workerProtocol';
import { TRELLIS_WINDOW } from './steps';

export const FIT_LIMITS = { minStates: 2, maxStates: 20, maxRestarts: 50, maxIterations: 10_000 } as const;
export const FIT_DEFAULTS = { states: 2, restarts: 5, seed: 1, maxIterations: 200, tolerance: 1e-6 } as const;

/** Row-major N×K as nested rows. */
function rows(flat: ArrayLike<number>, n: number): number[][] {
  const k = n === 0 ? 0 : flat.length / n;
  return Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => flat[i * k + j]));
}

export function fitModelView(r: HmmFitResult): HmmFitModelView {
  const n = r.states.length;
  return {
    best: r.best,
    converged: r.converged,
    observations: r.observations,
    states: [...r.states],
    symbols: [...r.symbols],
    start: Array.from(r.start),
    transition: rows(r.transition, n),
    emission: r.kind === 'discrete' ? rows(r.emission, n) : [],
    means: r.kind === 'gaussian' ? rows(r.means, n) : [],
    variances: r.kind === 'gaussian' ? rows(r.variances, n) : [],
  };
}

/** A number for a short label: up to 4 significant digits. */
export function shortNumber(x: number): string {
  return String(Number(x.toPrecision(4)));
}

export function sampleView(r: HmmSampleResult, seed: number): HmmSampleView {
  const d = r.dimension;
  return {
    seed,
    states: [...r.states],
    steps: Array.from(r.path, (state, t) => ({
      state,
      emitted: d === 0 ? r.symbols[t] : Array.from(r.values.subarray(t * d, t * d + d), shortNumber).join(', '),
    })),
  };
}

/** Checks a whole number typed into an input box: undefined when fine, else the message shown under the box. */
export function checkWhole(text: string, lo: number, hi: number, what: string): string | undefined {
  const x = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(x) || x < lo || x > hi) return `${what} must be a whole number from ${lo} to ${hi}.`;
  return undefined;
}


/**
 * The decoded rows of steps from..from+size−1 (clamped into the file) with `selected` marked: what each step reads
 * (its symbol, or its CSV row's numbers), its Viterbi state and its posteriors.
 */
export function sliceDecodedRows(
  result: Pick<HmmFitResult, 'kind' | 'states' | 'symbols'>,
  decoding: HmmFitDecoding,
  from: number,
  selected: number,
  stepNoun: string,
  size = TRELLIS_WINDOW,
): HmmDecodedRows {
  const n = result.states.length;
  const total = decoding.path.length;
  const start = Math.max(0, Math.min(from, Math.max(0, total - size)));
  const end = Math.min(total, start + size);
  const d = result.kind === 'gaussian' ? result.symbols.length : 0;
  const symbols: string[] = [];
  for (let t = start; t < end; t++) {
    symbols.push(d === 0 ? result.symbols[decoding.observations[t]] : Array.from(decoding.values.subarray(t * d, t * d + d), shortNumber).join(', '));
  }
  return {
    totalSteps: total,
    from: start,
    selected: Math.max(start, Math.min(end - 1, selected)),
    states: [...result.states],
    symbols,
    path: Array.from(decoding.path.subarray(start, end)),
    posterior: Array.from(decoding.posteriors.subarray(start * n, end * n), (p) => Number(p.toPrecision(5))),
    pathLogProbability: decoding.pathLogProbability,
    logLikelihood: decoding.logLikelihood,
    stepNoun,
  };
}
