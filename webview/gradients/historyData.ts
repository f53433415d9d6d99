// The Gradient Flow page's history over training, without the DOM (tested in Node): the history's arrays made typed
// again, and the heatmap's colour of a value: log10 ‖∂L/∂h_t‖ on viridis (sequential, perceptually ordered, readable
// in light, dark and high-contrast themes) between the smallest and largest value shown.
import type { GradientFlowView } from '../../src/shared/webviewProtocol';
import { css, sequentialScale } from '../gates/colours';

export type GradientHistorySnapshot = NonNullable<GradientFlowView['history']>;

/**
 * The history with every array as a typed array (it may arrive as plain arrays, e.g. from saved state). Saved state is
 * JSON, where NaN becomes null: null (or anything not a number) is read back as NaN — "not measured", e.g. ρ of a big
 * model, drawn as a gap — never as 0.
 */
export function normaliseHistory(h: unknown): GradientHistorySnapshot | undefined {
  const x = h as Record<string, unknown> | undefined;
  if (typeof x !== 'object' || x === null) return undefined;
  const arrayLike = (a: unknown) => Array.isArray(a) || ArrayBuffer.isView(a);
  const fields = ['steps', 'gradNormH', 'spectralRadius', 'largestSingularValue', 'clipSteps', 'gradNormBefore', 'gradNormAfter', 'clippedShare'];
  if (!fields.every((f) => arrayLike(x[f])) || !Array.isArray(x.tokens)) return undefined;
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!whole(x.length) || !whole(x.layers) || !whole(x.start) || !whole(x.stepsSeen) || !whole(x.stepsClipped) || !whole(x.every)) return undefined;
  const numbers = (a: unknown): ArrayLike<number> =>
    ArrayBuffer.isView(a) ? (a as unknown as ArrayLike<number>) : (a as unknown[]).map((v) => (typeof v === 'number' ? v : NaN));
  const f32 = (a: unknown) => Float32Array.from(numbers(a));
  const f64 = (a: unknown) => Float64Array.from(numbers(a));
  const out: GradientHistorySnapshot = {
    start: x.start as number, length: x.length as number, layers: x.layers as number, every: x.every as number,
    tokens: (x.tokens as unknown[]).map(String),
    steps: f64(x.steps), gradNormH: f32(x.gradNormH), spectralRadius: f32(x.spectralRadius), largestSingularValue: f32(x.largestSingularValue),
    clipSteps: f64(x.clipSteps), gradNormBefore: f32(x.gradNormBefore), gradNormAfter: f32(x.gradNormAfter), clippedShare: f32(x.clippedShare),
    stepsSeen: x.stepsSeen as number, stepsClipped: x.stepsClipped as number,
  };
  const R = out.steps.length;
  const B = out.clipSteps.length;
  const ok = out.gradNormH.length === R * out.layers * out.length && out.spectralRadius.length === R * out.layers &&
    out.largestSingularValue.length === R * out.layers && out.gradNormBefore.length === B && out.gradNormAfter.length === B &&
    out.clippedShare.length === B;
  return ok ? out : undefined;
}

/** The same history with plain arrays, for setState (JSON). */
export function plainHistory(h: GradientHistorySnapshot): Record<string, unknown> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v]));
}

/** The log10 range of the positive finite values, or undefined when there are none. */
export function logRange(values: ArrayLike<number>): { lo: number; hi: number } | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > 0 && Number.isFinite(v))) continue;
    const l = Math.log10(v);
    lo = Math.min(lo, l);
    hi = Math.max(hi, l);
  }
  return lo <= hi ? { lo, hi: hi > lo ? hi : lo + 1 } : undefined;
}

/** The heatmap colour of a value: viridis at (log10 v − lo) / (hi − lo). */
export function heatColour(v: number, range: { lo: number; hi: number }): string {
  return css(sequentialScale().colour((Math.log10(v) - range.lo) / (range.hi - range.lo)));
}

