// Pure (no vscode): what "Colour Text by Model" can colour by, and how a value becomes one of the colour slots.
// Unit-tested in test/host/rnnEditor.test.ts.
//
// Slots: 'heat1'..'heat5' are the theme colours sequenceLab.surprisalLevel1..5 (one hue, stronger = more), used for
// surprisal (the Markov surprisal's levels in bits, so both features read the same) and for ‖∂L/∂h_t‖ (decades below
// the largest in view); 'pos1'..'pos3' / 'neg1'..'neg3' are sequenceLab.modelPositive1..3 / modelNegative1..3, used
// for signed activations: tanh-ranged h_t, g (LSTM), n (GRU), tanh(c_t); and a σ gate g ∈ (0, 1) read as 2g − 1, so
// a closed gate is blue, an open one orange, a half-open one uncoloured.
import type { TextQuantity } from '../shared/protocol/trainingWorker';
import { levelLabel, SURPRISAL_LEVELS, surprisalLevel } from '../hmm/surprisal';

export const SLOTS = ['heat1', 'heat2', 'heat3', 'heat4', 'heat5', 'pos1', 'pos2', 'pos3', 'neg1', 'neg2', 'neg3'] as const;
export type Slot = (typeof SLOTS)[number];

/** The theme colour id of a slot (contributed in package.json). */
export function slotColour(slot: Slot): string {
  const n = slot.slice(-1);
  if (slot.startsWith('heat')) return `sequenceLab.surprisalLevel${n}`;
  return slot.startsWith('pos') ? `sequenceLab.modelPositive${n}` : `sequenceLab.modelNegative${n}`;
}

export type CellName = 'rnn' | 'gru' | 'lstm';

/** Series of a cell, as the worker names them: the gates, then c (LSTM) and h. */
export function cellSeries(cell: CellName): string[] {
  if (cell === 'lstm') return ['i', 'f', 'g', 'o', 'c', 'h'];
  if (cell === 'gru') return ['r', 'z', 'n', 'h'];
  return ['h'];
}

const SERIES_WORDS: Record<string, string> = {
  i: 'input gate i', f: 'forget gate f', g: 'candidate g', o: 'output gate o', c: 'cell state c', h: 'hidden state h',
  r: 'reset gate r', z: 'update gate z', n: 'candidate n',
};

export function seriesWords(series: string): string {
  return SERIES_WORDS[series] ?? series;
}

/** σ gates, in (0, 1). */
const SIGMOID_SERIES = new Set(['i', 'f', 'o', 'r', 'z']);

export type Scale = 'bits' | 'sigmoid' | 'tanh' | 'cell' | 'decades';

export function scaleOf(q: TextQuantity): Scale {
  if (q.kind === 'surprisal') return 'bits';
  if (q.kind === 'gradNorm') return 'decades';
  if (q.series === 'c') return 'cell';
  return SIGMOID_SERIES.has(q.series) ? 'sigmoid' : 'tanh';
}

/** A signed value in [−1, 1] in three steps each way; |v| < 0.25 is not coloured. */
function signedSlot(v: number): Slot | undefined {
  const a = Math.abs(v);
  if (!(a >= 0.25)) return undefined;
  const step = a < 0.5 ? 1 : a < 0.75 ? 2 : 3;
  return `${v > 0 ? 'pos' : 'neg'}${step}` as Slot;
}

/** Below the largest ‖∂L/∂h‖ in view: ≥ 1/√10 of it is the strongest colour, then one slot per decade down to 10⁻⁴. */
const DECADE_BOUNDS = [-0.5, -1, -2, -3, -4];

/**
 * The slot of one value (undefined: not coloured, also for NaN). `largest` is the largest value in view, for the
 * 'decades' scale only.
 */
export function slotOf(value: number, scale: Scale, largest = NaN): Slot | undefined {
  if (Number.isNaN(value)) return undefined;
  switch (scale) {
    case 'bits': {
      const level = surprisalLevel(value);
      return level === 0 ? undefined : (`heat${level}` as Slot);
    }
    case 'sigmoid':
      return signedSlot(2 * value - 1);
    case 'tanh':
      return signedSlot(value);
    case 'cell':
      return signedSlot(Math.tanh(value));
    case 'decades': {
      if (!(value > 0 && largest > 0)) return undefined;
      const decades = Math.log10(value / largest);
      const i = DECADE_BOUNDS.findIndex((b) => decades >= b);
      return i < 0 ? undefined : (`heat${5 - i}` as Slot);
    }
  }
}

/** The legend of a scale, one line per coloured slot, strongest first. */
export function legendLines(scale: Scale): string[] {
  switch (scale) {
    case 'bits':
      return SURPRISAL_LEVELS.map((_, i) => `level ${i + 1}: ${levelLabel(i + 1)}`).reverse().concat(`uncoloured: < ${SURPRISAL_LEVELS[0]} bit`);
    case 'decades':
      return ['level 5: ≥ 0.32 × the largest in view', 'level 4: 0.1–0.32 ×', 'level 3: 10⁻²–0.1 ×', 'level 2: 10⁻³–10⁻² ×', 'level 1: 10⁻⁴–10⁻³ ×', 'uncoloured: < 10⁻⁴ ×'];
    case 'sigmoid':
      return ['orange (strong → weak): open, > 0.875 / 0.75–0.875 / 0.625–0.75', 'uncoloured: 0.375–0.625', 'blue (weak → strong): 0.25–0.375 / 0.125–0.25 / < 0.125, closed'];
    case 'tanh':
    case 'cell': {
      const v = scale === 'cell' ? 'tanh(c)' : 'value';
      return [`orange (strong → weak): ${v} ≥ 0.75 / 0.5–0.75 / 0.25–0.5`, `uncoloured: |${v}| < 0.25`, `blue (weak → strong): ${v} −0.25…−0.5 / −0.5…−0.75 / ≤ −0.75`];
    }
  }
}

/** The quantity in words, e.g. "forget gate f, unit 3 of layer 1". */
export function quantityLabel(q: TextQuantity, layers: number): string {
  const layer = (k: number) => (layers > 1 ? ` of layer ${k + 1}` : '');
  if (q.kind === 'surprisal') return 'surprisal −log₂ p(x_t | x_<t)';
  if (q.kind === 'gradNorm') return `‖∂L/∂h_t‖${layer(q.layer)}`;
  return `${seriesWords(q.series)}, unit ${q.unit}${layer(q.layer)}`;
}

/** Short form for the status bar. */
export function quantityShort(q: TextQuantity): string {
  if (q.kind === 'surprisal') return 'surprisal';
  if (q.kind === 'gradNorm') return `‖∂L/∂h‖ L${q.layer + 1}`;
  return `${q.series}[${q.unit}] L${q.layer + 1}`;
}

/**
 * Runs [start, end) of offsets in [from, to) with the same slot, per slot (index as in SLOTS), for `values` indexed by
 * offset − base. The second half of a surrogate pair (`lowSurrogate`) continues the run of its first half. At most
 * `maxOffsets` offsets are looked at, so the work per update is bounded.
 */
export function slotRuns(
  values: ArrayLike<number>, base: number, from: number, to: number, scale: Scale,
  options: { largest?: number; lowSurrogate?: (offset: number) => boolean; maxOffsets?: number } = {},
): [number, number][][] {
  const { largest = NaN, lowSurrogate = () => false, maxOffsets = 200_000 } = options;
  const runs: [number, number][][] = SLOTS.map(() => []);
  const lo = Math.max(from, base);
  const hi = Math.min(to, base + values.length, lo + maxOffsets);
  let runSlot = -1;
  let runStart = lo;
  for (let offset = lo; offset <= hi; offset++) {
    let slot: number;
    if (offset === hi) slot = -1;
    else {
      const s = slotOf(values[offset - base], scale, largest);
      slot = offset > lo && lowSurrogate(offset) ? runSlot : s === undefined ? -1 : SLOTS.indexOf(s);
    }
    if (slot !== runSlot) {
      if (runSlot >= 0 && offset > runStart) runs[runSlot].push([runStart, offset]);
      runSlot = slot;
      runStart = offset;
    }
  }
  return runs;
}

/** The largest finite value of values[from − base … to − base) (for the 'decades' scale), NaN when none. */
export function largestIn(values: ArrayLike<number>, base: number, from: number, to: number): number {
  let largest = NaN;
  const hi = Math.min(to, base + values.length);
  for (let offset = Math.max(from, base); offset < hi; offset++) {
    const v = values[offset - base];
    if (Number.isFinite(v) && !(v <= largest)) largest = v;
  }
  return largest;
}

/** The quantity from a command argument (tests, other features), if it is one this model has. */
export function quantityArgument(arg: unknown, cell: CellName, layers: number, hiddenSize: number): TextQuantity | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const q = arg as Record<string, unknown>;
  const layerOk = Number.isInteger(q.layer) && (q.layer as number) >= 0 && (q.layer as number) < layers;
  if (q.kind === 'surprisal') return { kind: 'surprisal' };
  if (q.kind === 'gradNorm' && layerOk) return { kind: 'gradNorm', layer: q.layer as number };
  if (q.kind === 'series' && layerOk && typeof q.series === 'string' && cellSeries(cell).includes(q.series) &&
      Number.isInteger(q.unit) && (q.unit as number) >= 0 && (q.unit as number) < hiddenSize) {
    return { kind: 'series', layer: q.layer as number, series: q.series, unit: q.unit as number };
  }
  return undefined;
}
