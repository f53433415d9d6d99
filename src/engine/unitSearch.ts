// LSTMVis-style unit search over a whole token sequence (Strobelt et al. 2018): given units of one layer's h_t (or an
// LSTM's c_t) and a threshold, every maximal stretch of steps where ALL those units are ≥ the threshold together,
// ranked by how well its length matches the selected stretch's (score = min(ℓ, q) / max(ℓ, q), 1 for the same length),
// then by the mean of the units over it.
//
// Speed: the file is cut into S contiguous segments run as S streams of one batched forward (BatchedStack32: one
// matrix-matrix product per step over the streams), each segment read from a zero state after a warm-up of the
// `warmup` tokens before it; the first segment starts at the file's start exactly as a trace does.
// Exactness: a warm-up only approximates the state carried from the file's start (an LSTM's cell may remember far
// further back). So each segment's state at its start is then checked against the state the segment before it ends
// with (the true one, by induction from the first); where they differ by more than AGREE (max |Δ| over every layer's
// h and c) the segment is read again, one stream, from the true state, until at one of its checkpoints (every K
// steps, kept from the batched pass) the two agree again; from there the batched values stand. Every state is then
// the one a single sequential read of the whole file gives, to within AGREE (float32 rounding can keep two reads of
// the same text ~1e-8 apart for good, so bit equality is not asked for). The work is a generator: it yields after
// every chunk of steps (the worker yields to its message loop there, so the search can be cancelled).
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
   * `warmup` steps before it, then `reread` steps read again from the state carried from the file's start, where the
   * warm-up had not reached it. With one piece the states are exactly a trace's from the file's start.
   */
  pieces: number;
  warmup: number;
  reread: number;
}

/** Two states agree when no value of any layer's h (or c) differs by more than this. */
export const AGREE = 1e-6;
/** The batched pass keeps every segment's state every K steps in at most this many bytes (K grows to fit). */
const CHECKPOINT_BYTES = 64 << 20;

export interface UnitSearchOptions {
  streams?: number;
  /** Steps per batched forward (between two yields). */
  chunk?: number;
  warmup?: number;
  maxMatches?: number;
  /** Steps between two kept states of a segment (the re-read stops at the first that agrees); grows to fit memory. */
  checkpointEvery?: number;
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
  const LH = L * H;
  const h = new Float64Array(S * LH);
  const c = cell === 'lstm' ? new Float64Array(S * LH) : null;
  const units = query.units;
  const U = units.length;
  const series = query.series;
  // One state: every layer's h, then (an LSTM) every layer's c.
  const stateSize = (c ? 2 : 1) * LH;
  let K = Math.max(1, options.checkpointEvery ?? 64);
  while (K < seg && Math.ceil(seg / K) * S * stateSize * 4 > CHECKPOINT_BYTES) K *= 2;
  const M = Math.ceil(seg / K); // checkpoints per segment: after K, 2K, … steps of its own, the last at its end
  const marks = S > 1 ? new Float32Array(S * M * stateSize) : new Float32Array(0);
  const starts = S > 1 ? new Float32Array(S * stateSize) : new Float32Array(0);
  // Stream b reads the file from firstOf(b) (its warm-up before its segment) up to its segment's end (or the file's).
  const firstOf = (b: number) => b * seg - lead(b);
  const endOf = (b: number) => Math.min(N, (b + 1) * seg);
  /** Copies the state of stream b of `from` (B streams) at slab `slab` into `to` at `at`. */
  const keep = (from: BatchedStack32, B: number, slab: number, b: number, to: Float32Array | Float64Array, at: number) => {
    for (let k = 0; k < L; k++) {
      const src = (slab * B + b) * H;
      to.set(from.stateBuffer(k, 'h').subarray(src, src + H), at + k * H);
      if (c) to.set(from.stateBuffer(k, 'c').subarray(src, src + H), at + LH + k * H);
    }
  };
  /** Whether the state at `a[ai…]` agrees with the one at `b[bi…]`. */
  const agree = (a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number) => {
    for (let i = 0; i < stateSize; i++) if (!(Math.abs(a[ai + i] - b[bi + i]) <= AGREE)) return false;
    return true;
  };
  /** Reads the query's units at position p from slab `slab`, stream b of `from` (B streams). */
  const read = (buffer: ArrayLike<number>, B: number, slab: number, b: number, p: number) => {
    const at = (slab * B + b) * H;
    let all = 1;
    let sum = 0;
    for (let u = 0; u < U; u++) {
      const x = buffer[at + units[u]];
      if (!(x >= query.threshold)) all = 0;
      sum += x;
    }
    on[p] = all;
    sums[p] = sum / U;
  };
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
      const own = b * seg; // where its segment starts
      for (let t = 0; t < T; t++) {
        const p = first + t0 + t;
        if (p >= end) break;
        if (S > 1) {
          // After this step the stream stands at p + 1: keep its state where the segment starts and at its checkpoints.
          const at = p + 1 - own;
          if (at === 0) keep(stack, S, t + 1, b, starts, b * stateSize);
          else if (at > 0 && (at % K === 0 || p + 1 === end)) keep(stack, S, t + 1, b, marks, (b * M + Math.ceil(at / K) - 1) * stateSize);
        }
        if (t0 + t < skip) continue;
        read(buffer, S, t + 1, b, p);
      }
    }
    stack.readStates(T, h, c);
    yield Math.min(1, (t0 + T) / total) * (S > 1 ? 0.9 : 1);
  }
  // Each segment from the state the one before it ends with (the first's is exact), read again where they differ.
  let reread = 0;
  if (S > 1) {
    const one = new BatchedStack32(model, 1, Math.min(K, seg), new Float32Array(model.parameterCount));
    const h1 = new Float64Array(LH);
    const c1 = c ? new Float64Array(LH) : null;
    const state = new Float64Array(stateSize);
    // The state carried from the file's start to the end of segment b − 1.
    const carried = new Float64Array(stateSize);
    const lastMark = (b: number) => (b * M + Math.ceil((endOf(b) - b * seg) / K) - 1) * stateSize;
    carried.set(marks.subarray(lastMark(0), lastMark(0) + stateSize));
    for (let b = 1; b < S && b * seg < N; b++) {
      const own = b * seg;
      const end = endOf(b);
      if (agree(starts, b * stateSize, carried, 0)) {
        carried.set(marks.subarray(lastMark(b), lastMark(b) + stateSize));
        continue;
      }
      h1.set(carried.subarray(0, LH));
      c1?.set(carried.subarray(LH));
      let p = own;
      let met = false;
      while (p < end && !met) {
        const T = Math.min(K, end - p);
        const from = p;
        one.forward(T, { id: (t) => Math.max(0, ids[from + t]) }, h1, c1, true);
        const buffer = one.stateBuffer(query.layer, series);
        for (let t = 0; t < T; t++) read(buffer, 1, t + 1, 0, from + t);
        one.readStates(T, h1, c1);
        p += T;
        reread += T;
        state.set(h1);
        if (c1) state.set(c1, LH);
        met = agree(state, 0, marks, (b * M + Math.ceil((p - own) / K) - 1) * stateSize);
        yield 0.9 + 0.1 * (b - 1 + (p - own) / (end - own)) / (S - 1);
      }
      // Met again: from there on the batched pass read what the carried state gives; else the re-read is the truth.
      if (met) carried.set(marks.subarray(lastMark(b), lastMark(b) + stateSize));
      else carried.set(state);
    }
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
  return { matches: found.slice(0, maxMatches), total: found.length, steps: N, pieces: S, warmup: S > 1 ? warmup : 0, reread };
}
