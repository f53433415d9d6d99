// Colour scales of the heatmaps (Gates, Gradient Flow, Unrolled). Sigmoid gates (0 … 1): viridis, sequential and perceptually ordered (lightness
// rises monotonically, readable in every theme and by most colour-blind readers). Signed series (g, n, c, h):
// diverging from the theme's blue through the editor background (zero fades into the page) to the theme's red.
// Gradient norms (‖∂L/∂h_t‖, spanning decades): log10 on viridis between the smallest and largest value shown.

export type Rgb = [number, number, number];

const VIRIDIS: Rgb[] = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'].map(parseColour);

/** #rgb, #rrggbb or rgb(a)(r, g, b…) → [r, g, b]; grey when unknown. */
export function parseColour(text: string): Rgb {
  const t = text.trim();
  let m = /^#([0-9a-f]{6})/i.exec(t);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as Rgb;
  m = /^#([0-9a-f]{3})$/i.exec(t);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as Rgb;
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(t);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [128, 128, 128];
}

function mix(a: Rgb, b: Rgb, u: number): Rgb {
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}

function stops(list: Rgb[], u: number): Rgb {
  const x = Math.max(0, Math.min(1, u)) * (list.length - 1);
  const i = Math.min(list.length - 2, Math.floor(x));
  return mix(list[i], list[i + 1], x - i);
}

export interface ColourScale {
  kind: 'sequential' | 'diverging';
  min: number;
  max: number;
  colour(v: number): Rgb;
}

export function sequentialScale(): ColourScale {
  return { kind: 'sequential', min: 0, max: 1, colour: (v) => stops(VIRIDIS, v) };
}

/** Symmetric around 0 from −limit to +limit. */
export function divergingScale(limit: number, blue: string, background: string, red: string): ColourScale {
  const list = [parseColour(blue), parseColour(background), parseColour(red)];
  const L = limit > 0 && Number.isFinite(limit) ? limit : 1;
  return { kind: 'diverging', min: -L, max: L, colour: (v) => stops(list, (v / L + 1) / 2) };
}

export const css = (c: Rgb) => `rgb(${Math.round(c[0])}, ${Math.round(c[1])}, ${Math.round(c[2])})`;

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
