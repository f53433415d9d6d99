// The Gradient Flow panel's check of a trace view (main.ts), whether it arrives from the host or from the page's saved
// state, and what the page saves: a view is drawn only when every array it reads has the shape its layers promise.
import type { GradientFlowView } from '../../src/shared/webviewProtocol';

export interface SavedGradients {
  view?: Omit<GradientFlowView, 'history'> & { history?: unknown };
  historyLayer?: number;
  message?: string;
  selected?: number;
}

/** Saved state is JSON: a NaN in the trace (ρ not computed for a big model) comes back as null; read it as NaN. */
export function nullsToNaN(view: unknown): unknown {
  if (typeof view !== 'object' || view === null) return view;
  const fix = (a: unknown): unknown => (Array.isArray(a) ? a.map((n: unknown) => (n === null ? NaN : Array.isArray(n) ? fix(n) : n)) : a);
  const x = view as Record<string, unknown>;
  return {
    ...x, gradNormH: fix(x.gradNormH), jacobianNorm: fix(x.jacobianNorm), spectralRadius: fix(x.spectralRadius), largestSingularValue: fix(x.largestSingularValue),
    ...(x.gradNormC ? { gradNormC: fix(x.gradNormC) } : {}), ...(x.cellPath ? { cellPath: fix(x.cellPath) } : {}),
  };
}

/** Whether `v` is a trace view main.ts can draw (a host message or saved state: checked before anything reads it). */
export function isView(v: unknown): v is GradientFlowView {
  const x = v as GradientFlowView | undefined;
  const numbers = (a: unknown) => Array.isArray(a) && a.every((n) => typeof n === 'number');
  return (
    typeof x === 'object' && x !== null && typeof x.runLabel === 'string' && typeof x.step === 'number' &&
    Number.isInteger(x.layers) && x.layers >= 1 && (x.directions === undefined || x.directions === 1 || x.directions === 2) &&
    Array.isArray(x.gradNormH) && x.gradNormH.length === x.layers * (x.directions ?? 1) &&
    x.gradNormH.every(numbers) && numbers(x.jacobianNorm) && numbers(x.spectralRadius) && numbers(x.largestSingularValue) &&
    x.spectralRadius.length === x.layers && x.largestSingularValue.length === x.layers &&
    Array.isArray(x.tokens) && x.tokens.every((s) => typeof s === 'string') &&
    (x.gradNormC === undefined || numbers(x.gradNormC)) && (x.cellPath === undefined || numbers(x.cellPath)) &&
    (x.cell === undefined || x.cell === 'rnn' || x.cell === 'gru' || x.cell === 'lstm') &&
    (x.truncation === undefined || (Number.isInteger(x.truncation) && x.truncation >= 1)) &&
    (x.meanForgetGate === undefined || typeof x.meanForgetGate === 'number')
  );
}
