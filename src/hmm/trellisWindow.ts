// Pure (no vscode): cuts the window of the trellis the panel draws out of a whole decoding.
import type { HmmDecodeResult } from '../shared/protocol/analysisWorker';
import type { TrellisWindow } from '../shared/protocol/trellisPanel';
import { TRELLIS_WINDOW } from './steps';

/** −∞ (log 0) travels as null: JSON (setState) has no infinities. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function sliceTrellisWindow(
  result: HmmDecodeResult,
  from: number,
  selected: number,
  fileLabel: string,
  size = TRELLIS_WINDOW,
): TrellisWindow {
  const n = result.states.length;
  const m = result.symbols.length;
  const total = result.path.length;
  const start = Math.max(0, Math.min(from, Math.max(0, total - size)));
  const end = Math.min(total, start + size);
  const nodes = (array: ArrayLike<number>): number[] => Array.from({ length: (end - start) * n }, (_, k) => array[start * n + k]);
  const logEmission: (number | null)[] = [];
  for (let t = start; t < end; t++) {
    const o = result.observations[t];
    for (let i = 0; i < n; i++) logEmission.push(finite(result.logEmission[i * m + o]));
  }
  return {
    fileLabel,
    modelLabel: result.modelLabel,
    states: result.states,
    totalSteps: total,
    from: start,
    selected: Math.max(start, Math.min(end - 1, selected)),
    symbols: Array.from(result.observations.subarray(start, end), (o) => result.symbols[o]),
    path: Array.from(result.path.subarray(start, end)),
    posterior: nodes(result.posteriors).map((p) => Number(p.toPrecision(5))),
    backpointer: nodes(result.backpointers),
    delta: nodes(result.delta),
    logEmission,
    logStart: Array.from(result.logStart, finite),
    logTransition: Array.from(result.logTransition, finite),
    pathLogProbability: result.pathLogProbability,
    logLikelihood: result.logLikelihood,
  };
}

/** Fraction of steps whose Viterbi state equals the file's own tag (tagged files), or undefined. */
export function taggingAccuracy(result: HmmDecodeResult): number | undefined {
  const truth = result.trueStates;
  if (!truth || truth.length !== result.path.length || truth.length === 0) return undefined;
  let right = 0;
  for (let t = 0; t < truth.length; t++) if (truth[t] === result.path[t]) right++;
  return right / truth.length;
}
