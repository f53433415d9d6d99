// The Gradient Flow page's history over training, without the DOM (tested in Node): the history's arrays made typed
// again, and the heatmap's colour of a value: log10 ‖∂L/∂h_t‖ on viridis (sequential, perceptually ordered, readable
// in light, dark and high-contrast themes) between the smallest and largest value shown.
import type { GradientFlowView } from '../../src/shared/webviewProtocol';

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

/** FNV-1a over the array's 32-bit words, continuing from `seed`: a cheap fingerprint of its exact contents. */
function fingerprint(a: Float32Array | Float64Array, seed = 0x811c9dc5): number {
  const words = new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  let h = seed;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

/**
 * Keys of what each part of the history draws: a part is drawn again only when its key changes. The worker sends the
 * history with every trace, also when no row was added (then only the clipping buckets have changed, and only
 * while the run trains), so each key covers exactly the arrays its part draws.
 */
export function historyKeys(h: GradientHistorySnapshot, layer: number): { heatmap: string; spectra: string; clipping: string } {
  const R = h.steps.length;
  const rows = [R, h.length, h.layers, fingerprint(h.steps), h.start, h.tokens.length].join();
  return {
    heatmap: `${rows}|${layer}|${fingerprint(h.gradNormH)}`,
    spectra: `${rows}|${fingerprint(h.spectralRadius)}|${fingerprint(h.largestSingularValue)}`,
    clipping: [h.clipSteps.length, h.stepsSeen, h.stepsClipped, fingerprint(h.clipSteps), fingerprint(h.gradNormBefore), fingerprint(h.gradNormAfter), fingerprint(h.clippedShare)].join(),
  };
}

/** The clipping chart's series: per point its last step, the largest norms before and after clipping, whether any step was clipped. */
export interface ClippingPoints {
  steps: Float64Array;
  before: Float32Array;
  after: Float32Array;
  clipped: Uint8Array;
}

/**
 * The clipping buckets merged in runs of ⌈B / maxPoints⌉ neighbours, so that the chart draws at most `maxPoints`
 * points (about one per pixel of its width; the worker keeps up to 1000 buckets). A merged point is what a wider
 * bucket would have held: the run's last step, its largest norms, clipped if any of its steps was.
 */
export function clippingPoints(h: GradientHistorySnapshot, maxPoints: number): ClippingPoints {
  const B = h.clipSteps.length;
  const run = Math.max(1, Math.ceil(B / Math.max(1, Math.floor(maxPoints))));
  const n = Math.ceil(B / run);
  const out: ClippingPoints = { steps: new Float64Array(n), before: new Float32Array(n), after: new Float32Array(n), clipped: new Uint8Array(n) };
  for (let p = 0; p < n; p++) {
    let before = -Infinity;
    let after = -Infinity;
    let clipped = 0;
    const end = Math.min(B, (p + 1) * run);
    for (let i = p * run; i < end; i++) {
      // NaN (not measured) is skipped by the maxima; a run of NaN only stays NaN.
      if (h.gradNormBefore[i] > before) before = h.gradNormBefore[i];
      if (h.gradNormAfter[i] > after) after = h.gradNormAfter[i];
      if (h.clippedShare[i] > 0) clipped = 1;
    }
    out.steps[p] = h.clipSteps[end - 1];
    out.before[p] = before === -Infinity ? NaN : before;
    out.after[p] = after === -Infinity ? NaN : after;
    out.clipped[p] = clipped;
  }
  return out;
}
