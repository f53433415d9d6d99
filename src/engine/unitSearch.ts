// LSTMVis-style unit search over a whole token sequence (Strobelt et al. 2018): given units of one layer's h_t (or an
// LSTM's c_t) and a threshold, every maximal stretch of steps where ALL those units are ≥ the threshold together,
// ranked by how well its length matches the selected stretch's (score = min(ℓ, q) / max(ℓ, q), 1 for the same length),
// then by the mean of the units over it.
//
// Speed: the file is cut into S contiguous segments run as S streams of one batched forward (BatchedStack32: one
// matrix-matrix product per step over the streams), each segment read from a zero state after a warm-up of the
// `warmup` tokens before it (discarded), so a segment's states are those of the running text up to what the warm-up
// forgets; the first segment starts at the file's start exactly as a trace does. The work is a generator: it yields
// after every chunk of steps (the worker yields to its message loop there, so the search can be cancelled).
import { BatchedStack32 } from './batchedStack32';
import type { RecurrentStack } from './recurrentStack';

export interface UnitSearchQuery {
  layer: number;
  /** h_t, or c_t of an LSTM. */
  series: 'h' | 'c';
  /** Units (0-based) that must all be on. */
  units: number[];
  threshold: number;
  /** The selected stretch's length, in steps: matches of this length score 1. */
  queryLength: number;
}

export interface UnitMatch {
  /** First step (token index) of the stretch and its length in steps. */
  start: number;
  length: number;
  score: number;
  /** Mean over the stretch and the units of their value. */
  mean: number;
}

export interface UnitSearchResult {
  /** The best matches (at most maxMatches), best first. */
  matches: UnitMatch[];
  /** Every stretch found. */
  total: number;
  /** Steps searched (the whole sequence). */
  steps: number;
  /**
   * How the states were read: the file cut into `pieces` segments side by side, each (but the first) from a zero state
   * `warmup` steps before it. With one piece the states are exactly a trace's from the file's start.
   */
  pieces: number;
  warmup: number;
}

export interface UnitSearchOptions {
  streams?: number;
  /** Steps per batched forward (between two yields). */
  chunk?: number;
  warmup?: number;
  maxMatches?: number;
}

/**
 * Yields the share done (0…1) after each chunk; returns the result. Throws RangeError for a query that does not fit the
 * model (the worker turns it into a message).
 */
export function* searchUnits(model: RecurrentStack, ids: Int32Array, query: UnitSearchQuery, options: UnitSearchOptions = {}): Generator<number, UnitSearchResult> {
  const { hiddenSize: H, layers: L, cell } = model.config;
  if (model.directions !== 1) throw new RangeError('The unit search reads one-directional models.');
  if (!(Number.isInteger(query.layer) && query.layer >= 0 && query.layer < L)) throw new RangeError(`There is no layer ${query.layer + 1}.`);
  if (query.series === 'c' && cell !== 'lstm') throw new RangeError('Only an LSTM has a cell state c_t.');
  if (query.units.length === 0 || query.units.some((j) => !(Number.isInteger(j) && j >= 0 && j < H))) throw new RangeError(`Units must be 1…${H}.`);
  if (!Number.isFinite(query.threshold)) throw new RangeError('The threshold must be a number.');
  const N = ids.length;
  const warmup = options.warmup ?? 64;
  const chunk = options.chunk ?? 128;
  const maxMatches = options.maxMatches ?? 500;
  // Segments of at least 4 × warmup tokens, so the warm-up is a small share of the work.
  const S = Math.max(1, Math.min(options.streams ?? 64, Math.floor(N / (4 * Math.max(1, warmup)))));
  const seg = Math.ceil(N / S);
  const lead = (b: number) => Math.min(warmup, b * seg); // warm-up steps of stream b (none for the first)
  const total = seg + warmup;
  const stack = new BatchedStack32(model, S, Math.min(chunk, total), new Float32Array(model.parameterCount));
  const on = new Uint8Array(N);
  const sums = new Float32Array(N);
  const states = S * L * H;
  const h = new Float64Array(states);
  const c = cell === 'lstm' ? new Float64Array(states) : null;
  const units = query.units;
  const U = units.length;
  const series = query.series;
  // Stream b reads the file from firstOf(b) (its warm-up before its segment) up to its segment's end (or the file's).
  const firstOf = (b: number) => b * seg - lead(b);
  const endOf = (b: number) => Math.min(N, (b + 1) * seg);
  const input = { id: (t: number, b: number) => {
    const p = firstOf(b) + t0 + t;
    return p < endOf(b) ? Math.max(0, ids[p]) : 0;
  } };
  let t0 = 0;
  for (; t0 < total; t0 += chunk) {
    const T = Math.min(chunk, total - t0);
    stack.forward(T, input, h, c, true);
    // Read straight from the layer's buffer (no view per step): processing step t leaves h_t in slab t + 1 (slab 0
    // holds the chunk's h0), at (slab·S + b)·H.
    const buffer = stack.stateBuffer(query.layer, series);
    for (let b = 0; b < S; b++) {
      const first = firstOf(b);
      const end = endOf(b);
      const skip = lead(b);
      for (let t = 0; t < T; t++) {
        const p = first + t0 + t;
        if (p >= end) break;
        if (t0 + t < skip) continue;
        const at = ((t + 1) * S + b) * H;
        let all = 1;
        let sum = 0;
        for (let u = 0; u < U; u++) {
          const x = buffer[at + units[u]];
          if (!(x >= query.threshold)) all = 0;
          sum += x;
        }
        on[p] = all;
        sums[p] = sum / U;
      }
    }
    stack.readStates(T, h, c);
    yield Math.min(1, (t0 + T) / total);
  }
  // Maximal stretches of steps where every unit is on.
  const found: UnitMatch[] = [];
  const q = Math.max(1, query.queryLength);
  for (let p = 0; p < N;) {
    if (!on[p]) {
      p++;
      continue;
    }
    let e = p;
    let sum = 0;
    while (e < N && on[e]) sum += sums[e++];
    const length = e - p;
    found.push({ start: p, length, score: Math.min(length, q) / Math.max(length, q), mean: sum / length });
    p = e;
  }
  found.sort((a, b) => b.score - a.score || b.mean - a.mean || a.start - b.start);
  return { matches: found.slice(0, maxMatches), total: found.length, steps: N, pieces: S, warmup: S > 1 ? warmup : 0 };
}
