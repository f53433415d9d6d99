// The Gates page's state (main.ts): what setState keeps — the view, its values as base64, and every choice the user
// made — and the check a view passes, from the host or from saved state, before anything reads it: every array has
// the length its layers, directions, series, steps and units promise.
import type { GatesView } from '../../src/shared/webviewProtocol';
import { chainCount } from './analysis';
import type { SavedSearch } from './search';

/** What setState keeps: the view (values as base64) and every choice the user made. */
export interface SavedGates {
  view?: Omit<GatesView, 'values' | 'topProbabilities'> & { values: string; topProbabilities: string };
  choice: Choice;
  message?: string;
  search?: SavedSearch;
}

export interface Choice {
  /** Index into the dropdown: layer · S + series. */
  series: number;
  picked: number[];
  threshold: number;
  selected: number;
  stretch: [number, number] | null;
}

/** Whether `v` is a view the page can draw. */
export function isView(v: unknown): v is GatesView {
  const x = v as GatesView | undefined;
  if (typeof x !== 'object' || x === null) return false;
  const T = Array.isArray(x.tokens) ? x.tokens.length : 0;
  const S = Array.isArray(x.series) ? x.series.length : 0;
  return typeof x.runLabel === 'string' && Number.isInteger(x.layers) && x.layers >= 1 && Number.isInteger(x.hiddenSize) && x.hiddenSize >= 1 &&
    T >= 1 && S >= 1 && x.series.every((s) => typeof s === 'string') && x.tokens.every((s) => typeof s === 'string') &&
    (x.directions === undefined || x.directions === 1 || x.directions === 2) &&
    (x.values instanceof Float32Array || Array.isArray(x.values)) && x.values.length === chainCount(x) * S * T * x.hiddenSize &&
    Array.isArray(x.topChars) && x.topChars.length === T * 5 && x.topProbabilities?.length === T * 5;
}
