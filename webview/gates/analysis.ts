// What the Gates page computes from a trace (pure, no DOM: tested in Node): the saturation of each gate and what it
// means, units "on" across a stretch of steps (LSTMVis-style pattern selection) and where else they are on together,
// the unit list a user types, and the names of a view's chains. What the Unrolled page shares with it (reading and
// saving a GatesView, a step's label) is in webview/common/.
import type { GatesView } from '../../src/shared/protocol/gatesPanel';
import { seriesBlock } from '../common/gatesView';

/** Series of sigmoid gates, in (0, 1). The rest (g, n, c, h) are tanh-like, signed. */
const SIGMOID = new Set(['i', 'f', 'o', 'r', 'z']);

export const SERIES_TITLES: Record<string, string> = {
  i: 'input gate i', f: 'forget gate f', g: 'candidate g', o: 'output gate o', c: 'cell state c', h: 'hidden state h',
  r: 'reset gate r', z: 'update gate z', n: 'candidate n',
};

export function isSigmoid(name: string): boolean {
  return SIGMOID.has(name);
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
