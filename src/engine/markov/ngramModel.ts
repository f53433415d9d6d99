// Markov (n-gram) models of order k = 0..8 over characters or whitespace-separated words:
//   P(w_1..w_T) = Π_i P(w_i | w_{i−k}..w_{i−1})   (the chain rule, truncated to k tokens of history).
//
// Decisions:
// - Vocabulary V: the sorted set of training tokens plus one reserved unknown token <unk> (always the last id).
//   A held-out token never seen in training is scored as <unk>: it gets the probability mass the smoothing gives
//   to <unk> (add-α: α / (c(h) + α|V|); Kneser-Ney: its share of the uniform base distribution 1/|V|), so
//   log-probabilities and perplexity stay finite. Sampling never draws <unk>.
// - The first k tokens of a sequence have fewer than k predecessors: token i (0-based, i < k) is scored with the
//   order-i model, i.e. with all i tokens before it (the first token by the unigram distribution). No padding
//   symbol, so V holds only real tokens and <unk>. The order-j counts (j < k) come from every position with at
//   least j predecessors, so the same counts serve these first tokens and the backoff of the higher orders.
// - Smoothing: add-α, or interpolated Kneser-Ney (Chen & Goodman 1998, one discount per order) below.
// Logarithms are natural (nats); perplexity = exp(−(1/T) Σ_i ln P(w_i | history)).
import { EngineInputError } from '../errors';
import type { Prng } from '../prng';

export type TokenUnit = 'char' | 'word';
export type Smoothing = 'add-alpha' | 'kneser-ney';
export const UNKNOWN_TOKEN = '<unk>';
export const MAX_ORDER = 8;

/** Characters (Unicode code points, line breaks included) or words (maximal runs of non-whitespace). */
export function tokenize(text: string, unit: TokenUnit): string[] {
  return unit === 'char' ? [...text] : text.split(/\s+/).filter((w) => w !== '');
}

/** The tokens joined back into text: characters as they are, words with single spaces. */
export function detokenize(tokens: readonly string[], unit: TokenUnit): string {
  return tokens.join(unit === 'char' ? '' : ' ');
}

/**
 * Train/held-out split at a token boundary: the last ⌈fraction·T⌉ tokens are held out (none for fraction 0),
 * so held-out text follows the training text as in the file. At least one training token is kept.
 */
export function splitTrainHeldOut<T>(tokens: readonly T[], heldOutFraction: number): { train: T[]; heldOut: T[] } {
  if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
    throw new EngineInputError(`The held-out fraction must be at least 0 and below 1, not ${heldOutFraction}.`);
  }
  const held = Math.ceil(heldOutFraction * tokens.length);
  if (tokens.length - held < 1) throw new EngineInputError('There are too few tokens to keep some for training.');
  return { train: tokens.slice(0, tokens.length - held), heldOut: tokens.slice(tokens.length - held) };
}

export interface NgramOptions {
  order: number;
  smoothing: Smoothing;
  /** Add-α pseudo-count, > 0 (default 1). */
  alpha?: number;
  /** Kneser-Ney: one fixed discount D in (0, 1] for every order, instead of the estimate n1 / (n1 + 2 n2). */
  discount?: number;
}

/** Counts of what follows one context. */
interface ContextCounts {
  total: number;
  next: Map<number, number>;
}

/** Contexts of one length j; a key lists the ids of the context nearest first: "w_{i−1},w_{i−2},…,w_{i−j}". */
type CountTable = Map<string, ContextCounts>;

function bump(table: CountTable, key: string, w: number, by = 1): void {
  let c = table.get(key);
  if (c === undefined) {
    c = { total: 0, next: new Map() };
    table.set(key, c);
  }
  c.total += by;
  c.next.set(w, (c.next.get(w) ?? 0) + by);
}

/**
 * The Kneser-Ney discount of one table, D = n1 / (n1 + 2 n2) (Ney, Essen & Kneser 1994) with n_r the number of
 * (context, token) pairs counted exactly r times, kept in [0.05, 0.95] (0.5 when there are no such pairs).
 */
function estimateDiscount(table: CountTable): number {
  let n1 = 0;
  let n2 = 0;
  for (const c of table.values()) {
    for (const x of c.next.values()) {
      if (x === 1) n1++;
      else if (x === 2) n2++;
    }
  }
  const d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  return Math.min(0.95, Math.max(0.05, d));
}

export interface ScoreResult {
  /** ln P(w_i | history) for each token. */
  logProbs: Float64Array;
  /** Σ_i ln P(w_i | history). */
  total: number;
  /** exp(−total / T) (1 for no tokens). */
  perplexity: number;
  /** How many tokens were not in the training vocabulary (scored as <unk>). */
  unknownCount: number;
}

export interface ContextStats {
  /** Distinct contexts of k tokens seen in training (followed by a token). */
  observed: number;
  /** |V_train|^k (V without <unk>), when at most 2^53; otherwise null (see log10Possible). */
  possible: number | null;
  log10Possible: number;
}

export class NgramModel {
  readonly order: number;
  readonly smoothing: Smoothing;
  readonly alpha: number;
  /** Training tokens (sorted, UTF-16 order) then <unk>; ids are indexes. */
  readonly vocabulary: readonly string[];
  readonly unknownId: number;
  readonly trainingTokens: number;
  /** raw[j]: counts c(h, w) for contexts h of j tokens (j = 0..k), from positions with ≥ j predecessors. */
  private readonly raw: CountTable[];
  /**
   * Kneser-Ney continuation counts for j = 0..k−1: cont[j][h][w] = N1+(• h w), the number of distinct tokens seen
   * just before the (j+1)-gram h w, where "start of text" counts as one more such token.
   */
  private readonly cont: CountTable[];
  /** Discounts for raw[j] and cont[j] (Kneser-Ney only). */
  readonly rawDiscounts: number[];
  readonly continuationDiscounts: number[];
  private readonly idOf: Map<string, number>;

  private constructor(tokens: readonly string[], options: NgramOptions) {
    const { order, smoothing } = options;
    if (!(Number.isInteger(order) && order >= 0 && order <= MAX_ORDER)) {
      throw new EngineInputError(`The order must be a whole number from 0 to ${MAX_ORDER}, not ${order}.`);
    }
    if (smoothing !== 'add-alpha' && smoothing !== 'kneser-ney') {
      throw new EngineInputError(`Unknown smoothing "${String(smoothing)}": use add-alpha or kneser-ney.`);
    }
    const alpha = options.alpha ?? 1;
    if (!(alpha > 0 && Number.isFinite(alpha))) throw new EngineInputError(`α must be a number above 0, not ${alpha}.`);
    if (options.discount !== undefined && !(options.discount > 0 && options.discount <= 1)) {
      throw new EngineInputError(`The Kneser-Ney discount must be in (0, 1], not ${options.discount}.`);
    }
    if (tokens.length === 0) throw new EngineInputError('There are no training tokens.');
    this.order = order;
    this.smoothing = smoothing;
    this.alpha = alpha;
    const types = [...new Set(tokens)].sort();
    this.vocabulary = [...types, UNKNOWN_TOKEN];
    this.unknownId = types.length;
    this.idOf = new Map(types.map((t, i) => [t, i]));
    this.trainingTokens = tokens.length;
    const ids = tokens.map((t) => this.idOf.get(t)!);

    this.raw = Array.from({ length: order + 1 }, () => new Map());
    for (let i = 0; i < ids.length; i++) {
      let key = '';
      for (let j = 0; j <= Math.min(order, i); j++) {
        if (j > 0) key = j === 1 ? String(ids[i - 1]) : `${key},${ids[i - j]}`;
        bump(this.raw[j], key, ids[i]);
      }
    }
    this.cont = [];
    this.rawDiscounts = this.raw.map((t) => options.discount ?? estimateDiscount(t));
    this.continuationDiscounts = [];
    if (smoothing === 'kneser-ney') {
      for (let j = 0; j < order; j++) {
        const table: CountTable = new Map();
        // Every distinct (j+1)-token context g = (h, left) followed by w adds one distinct left neighbour of h w.
        for (const [key, c] of this.raw[j + 1]) {
          const comma = key.lastIndexOf(',');
          const h = comma < 0 ? '' : key.slice(0, comma);
          for (const w of c.next.keys()) bump(table, h, w);
        }
        // The (j+1)-gram at the very start of the text has "start of text" on its left.
        if (ids.length > j) {
          let h = '';
          for (let d = 1; d <= j; d++) h = d === 1 ? String(ids[j - 1]) : `${h},${ids[j - d]}`;
          bump(table, h, ids[j]);
        }
        this.cont.push(table);
        this.continuationDiscounts.push(options.discount ?? estimateDiscount(table));
      }
    }
  }

  static train(tokens: readonly string[], options: NgramOptions): NgramModel {
    return new NgramModel(tokens, options);
  }

  get vocabularySize(): number {
    return this.vocabulary.length;
  }

  /** Ids of tokens, unknown ones as unknownId. */
  encode(tokens: readonly string[]): Int32Array {
    return Int32Array.from(tokens, (t) => this.idOf.get(t) ?? this.unknownId);
  }

  /** Keys of the contexts of 0..min(k, history length) tokens ending the history, shortest first. */
  private contextKeys(history: ArrayLike<number>, end = history.length): string[] {
    const top = Math.min(this.order, end);
    const keys = [''];
    let key = '';
    for (let j = 1; j <= top; j++) {
      key = j === 1 ? String(history[end - 1]) : `${key},${history[end - j]}`;
      keys.push(key);
    }
    return keys;
  }

  /**
   * P(w | history) for every w in V, with the last min(k, history length) tokens of the history (ids).
   * Add-α:  P(w | h) = (c(h, w) + α) / (c(h) + α|V|)   (uniform 1/|V| for a context never seen).
   * Interpolated Kneser-Ney, recursively from P_{−1}(w) = 1/|V|:
   *   P_j(w | h) = max(c_j(h, w) − D_j, 0) / c_j(h) + (D_j · N1+(h •) / c_j(h)) · P_{j−1}(w | h′)
   * where h′ drops the farthest token of h, N1+(h •) is the number of distinct tokens after h, c_j are the raw
   * counts at the highest order used and the continuation counts N1+(• h w) below it; a context never seen at
   * order j passes P_{j−1} through unchanged. Each level is a mixture of a distribution and the level below,
   * so Σ_w P(w | h) = 1 for every context.
   */
  distribution(history: ArrayLike<number>, end = history.length): Float64Array {
    const v = this.vocabularySize;
    const keys = this.contextKeys(history, end);
    const top = keys.length - 1;
    const p = new Float64Array(v);
    if (this.smoothing === 'add-alpha') {
      const c = this.raw[top].get(keys[top]);
      const denominator = (c?.total ?? 0) + this.alpha * v;
      p.fill(this.alpha / denominator);
      if (c) for (const [w, x] of c.next) p[w] = (x + this.alpha) / denominator;
      return p;
    }
    p.fill(1 / v);
    for (let j = 0; j <= top; j++) {
      const isTop = j === top;
      const c = (isTop ? this.raw[j] : this.cont[j]).get(keys[j]);
      if (!c || c.total === 0) continue;
      const d = isTop ? this.rawDiscounts[j] : this.continuationDiscounts[j];
      const lambda = (d * c.next.size) / c.total;
      for (let w = 0; w < v; w++) p[w] *= lambda;
      for (const [w, x] of c.next) p[w] += Math.max(x - d, 0) / c.total;
    }
    return p;
  }

  /** P(w | history) for one token (the same formulas as distribution(), without the vector). */
  probability(history: ArrayLike<number>, w: number, end = history.length): number {
    const v = this.vocabularySize;
    const keys = this.contextKeys(history, end);
    const top = keys.length - 1;
    if (this.smoothing === 'add-alpha') {
      const c = this.raw[top].get(keys[top]);
      return ((c?.next.get(w) ?? 0) + this.alpha) / ((c?.total ?? 0) + this.alpha * v);
    }
    let p = 1 / v;
    for (let j = 0; j <= top; j++) {
      const isTop = j === top;
      const c = (isTop ? this.raw[j] : this.cont[j]).get(keys[j]);
      if (!c || c.total === 0) continue;
      const d = isTop ? this.rawDiscounts[j] : this.continuationDiscounts[j];
      p = Math.max((c.next.get(w) ?? 0) - d, 0) / c.total + ((d * c.next.size) / c.total) * p;
    }
    return p;
  }

  /** Per-token log-probabilities by the chain rule (token i with its min(k, i) predecessors), and perplexity. */
  score(tokens: readonly string[]): ScoreResult {
    const ids = this.encode(tokens);
    const logProbs = new Float64Array(ids.length);
    let total = 0;
    let unknownCount = 0;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === this.unknownId) unknownCount++;
      logProbs[i] = Math.log(this.probability(ids, ids[i], i));
      total += logProbs[i];
    }
    return { logProbs, total, perplexity: ids.length > 0 ? Math.exp(-total / ids.length) : 1, unknownCount };
  }

  /** Observed contexts of k tokens against the |V_train|^k possible ones. */
  contextStats(): ContextStats {
    const types = this.vocabularySize - 1;
    const log10Possible = this.order * Math.log10(types);
    const possible = types ** this.order;
    return { observed: this.raw[this.order].size, possible: possible <= Number.MAX_SAFE_INTEGER ? possible : null, log10Possible };
  }

  /** Samples `length` tokens after an optional prompt (its unknown tokens count as <unk> in the history). */
  sample(length: number, rng: Prng, prompt: readonly string[] = []): string[] {
    const history = Array.from(this.encode(prompt));
    const out: string[] = [];
    for (let s = 0; s < length; s++) {
      const p = this.distribution(history);
      p[this.unknownId] = 0;
      const w = rng.choice(p);
      history.push(w);
      out.push(this.vocabulary[w]);
    }
    return out;
  }
}
