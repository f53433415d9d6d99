// The data both taggers of the comparison see: one tag set, one token vocabulary with <unk>, and the same training
// and held-out sequences as ids.
//
// Unknown words: training token types seen only once are read as <unk>, and so is every held-out token never seen in
// training. <unk> therefore has emission probabilities (HMM) and an embedding (RNN) learnt from the rare words, which
// is what an unseen word most resembles (rare words are mostly open-class: nouns, adjectives, verbs).
import { EngineInputError } from '../engine/errors';
import { parseTaggedFile, type TaggedSequence } from '../engine/hmm';
import { Prng } from '../engine/prng';

export const UNK = '<unk>';

export interface IdSequence {
  ids: Int32Array;
  tags: Int32Array;
}

export interface TaggerData {
  tags: string[];
  /** Kept training tokens (sorted) and UNK last. */
  symbols: string[];
  train: IdSequence[];
  heldOut: IdSequence[];
  trainTokens: number;
  heldOutTokens: number;
  rareTypes: number;
  heldOutUnknown: number;
}

/**
 * The held-out split: the sequences shuffled by Fisher–Yates with Prng(seed), the first round(share·n) held out
 * (at least one, and at least one left to train on); both parts keep the file's order.
 */
export function splitBySeed<T>(sequences: readonly T[], share: number, seed: number): { train: T[]; heldOut: T[] } {
  const n = sequences.length;
  if (n < 2) throw new EngineInputError(`The file has ${n} tagged sequence; holding some out needs at least 2 (separate sequences by a blank line).`);
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const k = Math.min(n - 1, Math.max(1, Math.round(share * n)));
  const held = new Set(order.slice(0, k));
  return { train: sequences.filter((_, i) => !held.has(i)), heldOut: sequences.filter((_, i) => held.has(i)) };
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function prepareTaggerData(train: readonly TaggedSequence[], heldOut: readonly TaggedSequence[]): TaggerData {
  const tags = sorted([...train.flatMap((s) => s.tags), ...heldOut.flatMap((s) => s.tags)]);
  const counts = new Map<string, number>();
  for (const s of train) for (const w of s.tokens) counts.set(w, (counts.get(w) ?? 0) + 1);
  const kept = sorted([...counts].filter(([, c]) => c >= 2).map(([w]) => w));
  const symbols = [...kept, UNK];
  const symbolId = new Map(symbols.map((s, i) => [s, i]));
  const tagId = new Map(tags.map((t, i) => [t, i]));
  const unk = symbols.length - 1;
  let heldOutUnknown = 0;
  const encode = (s: TaggedSequence, counting: boolean): IdSequence => ({
    ids: Int32Array.from(s.tokens, (w) => {
      if (counting && !counts.has(w)) heldOutUnknown++;
      return symbolId.get(w) ?? unk;
    }),
    tags: Int32Array.from(s.tags, (t) => tagId.get(t)!),
  });
  const trainIds = train.map((s) => encode(s, false));
  const heldOutIds = heldOut.map((s) => encode(s, true));
  return {
    tags,
    symbols,
    train: trainIds,
    heldOut: heldOutIds,
    trainTokens: trainIds.reduce((a, s) => a + s.ids.length, 0),
    heldOutTokens: heldOutIds.reduce((a, s) => a + s.ids.length, 0),
    rareTypes: counts.size - kept.length,
    heldOutUnknown,
  };
}

/** Parses the file(s) and splits: the sibling held-out file when given, else a seeded share of the file. */
export function readTaggerData(trainText: string, heldOutText: string | undefined, share: number, seed: number): TaggerData {
  const all = parseTaggedFile(trainText);
  if (heldOutText !== undefined) {
    let heldOut: TaggedSequence[];
    try {
      heldOut = parseTaggedFile(heldOutText);
    } catch (error) {
      throw new EngineInputError(`The held-out file: ${(error as Error).message}`);
    }
    return prepareTaggerData(all, heldOut);
  }
  const { train, heldOut } = splitBySeed(all, share, seed);
  return prepareTaggerData(train, heldOut);
}
