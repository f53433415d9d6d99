// The Unrolled Network page's state (main.ts): what setState keeps — the window as base64, the recurrence's terms as
// plain arrays, the steps shown, fold, gradients and the recurrence's layer, direction and unit — and the checks a
// view and its recurrence terms pass, from the host or from saved state, before anything reads them.
import { recurrenceFits, type GatesView } from '../../src/shared/webviewProtocol';
import type { RecurrenceTerms } from '../../src/shared/workerProtocol';

/** A step's recurrence terms as setState keeps them (plain arrays). */
export type SavedTerms = { [K in keyof RecurrenceTerms]: RecurrenceTerms[K] extends Float64Array | undefined ? number[] : RecurrenceTerms[K] };

export interface SavedUnrolled {
  view?: Omit<GatesView, 'values' | 'topProbabilities' | 'gradNormH' | 'recurrence'> & { values: string; topProbabilities: string; gradNormH?: string; recurrence?: SavedTerms };
  /** The recurrence's layer, direction and unit (absent: the most active unit at the step). */
  recurrenceLayer?: number;
  recurrenceBackward?: boolean;
  recurrenceUnit?: number;
  gradients?: boolean;
  selected: number;
  steps: number;
  folded: boolean;
  message?: string;
}

/** Chains drawn: per layer, and per direction for a bidirectional run (c = k·D + d). */
export const chains = (v: GatesView) => v.layers * (v.directions ?? 1);

/** A step's recurrence terms as plain arrays, for setState. */
export function plainTerms(r: RecurrenceTerms): SavedTerms {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(r)) out[k] = x instanceof Float64Array ? Array.from(x) : x;
  return out as SavedTerms;
}

/** The terms of a view as it came (typed arrays, or plain arrays from postMessage or a saved page), if they fit it. */
export function typedTerms(v: GatesView, r: unknown): RecurrenceTerms | undefined {
  if (!recurrenceFits(r, v.cell, chains(v), v.hiddenSize, v.tokens.length)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(r)) out[k] = Array.isArray(x) || x instanceof Float64Array ? Float64Array.from(x as number[]) : x;
  return out as unknown as RecurrenceTerms;
}

/** Whether `v` is a window the page can draw: every array as long as its chains, series, steps and units say. */
export function isView(v: unknown): v is GatesView {
  const x = v as GatesView | undefined;
  if (typeof x !== 'object' || x === null || !Array.isArray(x.tokens) || !Array.isArray(x.series)) return false;
  const T = x.tokens.length;
  return typeof x.runLabel === 'string' && Number.isInteger(x.layers) && x.layers >= 1 && Number.isInteger(x.hiddenSize) && x.hiddenSize >= 1 &&
    T >= 1 && x.series.includes('h') && (x.values instanceof Float32Array || Array.isArray(x.values)) &&
    (x.directions === undefined || x.directions === 1 || x.directions === 2) &&
    x.values.length === chains(x) * x.series.length * T * x.hiddenSize && Array.isArray(x.topChars) && x.topChars.length === T * 5 &&
    x.topProbabilities?.length === T * 5 &&
    (x.gradNormH === undefined || ((x.gradNormH instanceof Float32Array || Array.isArray(x.gradNormH)) && x.gradNormH.length === chains(x) * T));
}
