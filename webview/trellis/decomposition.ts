// Pure (no DOM): the numbers of the joint log probability at one trellis node (t, j) — what the best path ending
// in state j at step t adds at that step, and its running total δ_t(j). For a node on the Viterbi path these are
// the terms of log P(path, o) = log π(s_0) + Σ_t log A(s_{t−1}, s_t) + Σ_t log B(s_t, o_t).
import type { TrellisWindow } from '../../src/shared/protocol/trellisPanel';

export interface DecompositionRow {
  /** What the row is, e.g. "log A(F → L)". */
  label: string;
  /** Natural log (nats); −Infinity for log 0. */
  value: number;
  /** e^value for the model terms (π, A, B), undefined for running totals. */
  probability?: number;
  kind: 'previous' | 'term' | 'total';
}

export interface Decomposition {
  step: number;
  state: number;
  onPath: boolean;
  posterior: number;
  rows: DecompositionRow[];
}

const value = (x: number | null | undefined): number => (x === null || x === undefined ? -Infinity : x);

export function decompose(view: TrellisWindow, step: number, state: number): Decomposition | undefined {
  const n = view.states.length;
  const k = step - view.from;
  if (k < 0 || k >= view.symbols.length || state < 0 || state >= n) return undefined;
  const node = k * n + state;
  const name = view.states[state];
  const symbol = view.symbols[k];
  const logB = value(view.logEmission[node]);
  const delta = view.delta[node];
  const rows: DecompositionRow[] = [];
  if (step === 0) {
    const logPi = value(view.logStart[state]);
    rows.push({ label: `log π(${name})`, value: logPi, probability: Math.exp(logPi), kind: 'term' });
  } else {
    const prev = view.backpointer[node];
    const logA = value(view.logTransition[prev * n + state]);
    rows.push({ label: `δ(step ${step}, ${view.states[prev]}): best path so far`, value: delta - logA - logB, kind: 'previous' });
    rows.push({ label: `+ log A(${view.states[prev]} → ${name})`, value: logA, probability: Math.exp(logA), kind: 'term' });
  }
  rows.push({ label: `+ log B(${name}, “${symbol}”)`, value: logB, probability: Math.exp(logB), kind: 'term' });
  rows.push({ label: `= δ(step ${step + 1}, ${name}): running total`, value: delta, kind: 'total' });
  return { step, state, onPath: view.path[k] === state, posterior: view.posterior[node], rows };
}

/** A log probability as shown: 4 decimals, "−∞" for log 0, a real minus sign. */
export function formatLog(x: number): string {
  if (x === -Infinity) return '−∞';
  return x.toFixed(4).replace('-', '−');
}

export function formatProbability(p: number): string {
  if (p === 0) return '0';
  return p < 1e-3 ? p.toExponential(2) : p.toFixed(4);
}

/** Checks a saved or received window enough that drawing it cannot throw. */
export function isTrellisWindow(v: unknown): v is TrellisWindow {
  if (typeof v !== 'object' || v === null) return false;
  const w = v as Partial<TrellisWindow>;
  if (!Array.isArray(w.states) || !Array.isArray(w.symbols) || !Array.isArray(w.path)) return false;
  const n = w.states.length;
  const steps = w.symbols.length;
  const nodes = n * steps;
  return (
    n > 0 &&
    steps > 0 &&
    typeof w.from === 'number' &&
    typeof w.selected === 'number' &&
    typeof w.totalSteps === 'number' &&
    w.path.length === steps &&
    [w.posterior, w.backpointer, w.delta, w.logEmission].every((a) => Array.isArray(a) && a.length === nodes) &&
    Array.isArray(w.logStart) && w.logStart.length === n &&
    Array.isArray(w.logTransition) && w.logTransition.length === n * n
  );
}
