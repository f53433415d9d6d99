// What the Gates page computes from a trace (pure, no DOM: tested in Node): the saturation of each gate and what it
// means, units "on" across a stretch of steps (LSTMVis-style pattern selection) and where else they are on together,
// the unit list a user types, and base64 for saving the values with setState.
import type { GatesView } from '../../src/shared/webviewProtocol';

/** Series of sigmoid gates, in (0, 1). The rest (g, n, c, h) are tanh-like, signed. */
const SIGMOID = new Set(['i', 'f', 'o', 'r', 'z']);

export const SERIES_TITLES: Record<string, string> = {
  i: 'input gate i', f: 'forget gate f', g: 'candidate g', o: 'output gate o', c: 'cell state c', h: 'hidden state h',
  r: 'reset gate r', z: 'update gate z', n: 'candidate n',
};

export function isSigmoid(name: string): boolean {
  return SIGMOID.has(name);
}

/** The T × H block of series s of layer k: block[t·H + j]. */
export function seriesBlock(view: GatesView, layer: number, s: number): Float32Array {
  const T = view.tokens.length;
  const H = view.hiddenSize;
  const at = (layer * view.series.length + s) * T * H;
  return view.values.subarray(at, at + T * H);
}

export interface Saturation {
  name: string;
  /** Share of values below 0.1 and above 0.9 (sigmoid gates), or of |v| > 0.9 in `high` (tanh-like; low = 0). */
  low: number;
  high: number;
}

export function saturation(view: GatesView, layer: number): Saturation[] {
  return view.series.flatMap((name, s) => {
    if (name === 'c') return [];
    const block = seriesBlock(view, layer, s);
    let low = 0;
    let high = 0;
    for (const v of block) {
      if (isSigmoid(name)) {
        if (v < 0.1) low++;
        else if (v > 0.9) high++;
      } else if (Math.abs(v) > 0.9) high++;
    }
    return [{ name, low: low / block.length, high: high / block.length }];
  });
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

/** One sentence on the gate that decides how long the layer remembers (LSTM f, GRU z), or on tanh saturation (RNN). */
export function saturationReading(view: GatesView, layer: number): string {
  const all = saturation(view, layer);
  const get = (name: string) => all.find((s) => s.name === name);
  // `layer` is a chain: a bidirectional run's reading names the direction too ("in layer 1 h← backward").
  const chain = chainTitle(view, layer);
  const where = chain ? ` in ${chain.replace(/^Layer/, 'layer')}` : '';
  // A backward chain h← carries its state from step t + 1.
  const prev = (view.directions ?? 1) > 1 && layer % (view.directions ?? 1) === 1 ? 'h_{t+1}' : 'h_{t−1}';
  if (view.cell === 'lstm') {
    const f = get('f')!;
    const i = get('i')!;
    const memory =
      f.high >= 0.5 ? 'mostly open: the cell keeps what it holds over many steps (long memory)'
      : f.low >= 0.5 ? 'mostly closed: the cell forgets within a step or two (short memory)'
      : 'neither mostly open nor mostly closed: units keep some things and drop others';
    return `The forget gate${where} is open (> 0.9) ${pct(f.high)} and closed (< 0.1) ${pct(f.low)} of the time, ${memory}. ` +
      `The input gate is closed ${pct(i.low)} of the time (then nothing new is written into c).`;
  }
  if (view.cell === 'gru') {
    const z = get('z')!;
    const r = get('r')!;
    const memory =
      z.high >= 0.5 ? `mostly near 1: h_t ≈ ${prev}, the state carries over many steps (long memory)`
      : z.low >= 0.5 ? 'mostly near 0: h_t ≈ n_t, each step overwrites the state (short memory)'
      : 'in between: units blend old state and candidate';
    return `The update gate z${where} (h_t = (1 − z) n_t + z ${prev}) is above 0.9 ${pct(z.high)} and below 0.1 ${pct(z.low)} of the time, ${memory}. ` +
      `The reset gate is below 0.1 ${pct(r.low)} of the time (then the candidate ignores the past).`;
  }
  const h = get('h')!;
  if (view.nonlinearity === 'relu') {
    // ReLU does not saturate above; its units are off (h = 0, relu′ = 0) below zero.
    let off = 0;
    const block = seriesBlock(view, layer, view.series.indexOf('h'));
    for (const v of block) if (v <= 0) off++;
    return `${pct(off / Math.max(1, block.length))} of the hidden values${where} are 0 (ReLU off: relu′ = 0 there, so no gradient passes back through them); ReLU does not saturate above.`;
  }
  return `${pct(h.high)} of the hidden values${where} are saturated (|h| > 0.9), where tanh′ ≈ 0 and little gradient passes back.`;
}

/** Units whose value exceeds `threshold` at every step from..to (inclusive) of series s of a layer. */
export function unitsOnAcross(view: GatesView, layer: number, s: number, from: number, to: number, threshold: number): number[] {
  const block = seriesBlock(view, layer, s);
  const H = view.hiddenSize;
  const units: number[] = [];
  for (let j = 0; j < H; j++) {
    let on = true;
    for (let t = from; t <= to && on; t++) on = block[t * H + j] > threshold;
    if (on) units.push(j);
  }
  return units;
}

/** Steps where every unit of `units` exceeds `threshold` together (none when `units` is empty). */
export function stepsAllOn(view: GatesView, layer: number, s: number, units: number[], threshold: number): number[] {
  if (units.length === 0) return [];
  const block = seriesBlock(view, layer, s);
  const H = view.hiddenSize;
  const steps: number[] = [];
  for (let t = 0; t < view.tokens.length; t++) if (units.every((j) => block[t * H + j] > threshold)) steps.push(t);
  return steps;
}

/** "3, 7 12-14" → [3, 7, 12, 13, 14] (1-based numbers shown to the user → 0-based units); a message when not valid. */
export function parseUnitList(text: string, hiddenSize: number, max: number): number[] | string {
  const units = new Set<number>();
  for (const part of text.split(/[\s,;]+/).filter((p) => p !== '')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return `“${part}” is not a unit number or range (e.g. 3, 7, 12-14).`;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b > hiddenSize || a > b) return `Units are numbered 1 to ${hiddenSize}.`;
    for (let u = a; u <= b; u++) units.add(u - 1);
  }
  if (units.size > max) return `Pick at most ${max} units for the line chart.`;
  return [...units].sort((x, y) => x - y);
}

export function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Float32Array {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer, 0, bytes.length >> 2);
}

/** How a character is shown on the axis: whitespace made visible. */
export function showChar(c: string): string {
  return c === ' ' ? '␣' : c === '\n' ? '⏎' : c === '\t' ? '⇥' : c === '\r' ? '␍' : c;
}

/** The most code points of a word drawn where space is short (an axis tick, an Unrolled node), ellipsis included. */
export const WORD_LABEL_CHARS = 8;

/**
 * A step's text where space is short: showChar, cut to `max` code points ending in an ellipsis when longer (the page
 * puts the whole word in a title, an aria-label or the step's line).
 */
export function shortLabel(token: string, max = WORD_LABEL_CHARS): string {
  const shown = [...showChar(token)];
  return shown.length <= max ? shown.join('') : `${shown.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** A series run's outputs as typed arrays again (setState keeps a typed array as an object of its indices). */
export function typedOutputs(o: GatesView['outputs']): GatesView['outputs'] {
  if (o?.kind !== 'series') return o;
  const numbers = (a: unknown) => Float32Array.from(Object.values(a as Record<string, number>));
  return { ...o, predicted: numbers(o.predicted), actual: numbers(o.actual) };
}

/** Chains of a view: one per layer, two (h→, h←) per layer of a bidirectional run, chain c = k·D + d. */
export function chainCount(view: Pick<GatesView, 'layers' | 'directions'>): number {
  return view.layers * (view.directions ?? 1);
}

/** "Layer 2 h← · " / "h→ · " / "Layer 2 · " / "": how the dropdown and titles name chain c. */
export function chainTitle(view: Pick<GatesView, 'layers' | 'directions'>, c: number): string {
  const D = view.directions ?? 1;
  const k = Math.floor(c / D);
  const layer = view.layers > 1 ? `Layer ${k + 1}` : '';
  const direction = D > 1 ? (c % D === 1 ? 'h← backward' : 'h→ forward') : '';
  return [layer, direction].filter((x) => x !== '').join(' ');
}
