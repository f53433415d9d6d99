// A vocabulary of whole tokens (whitespace-separated words, or tags): the sorted set of distinct strings and the maps
// id ↔ token. Characters use vocabulary.ts (code points); this is its counterpart for words and tag sets.
import { EngineInputError } from './errors';

export const DEFAULT_MAX_TOKENS = 100_000;

/** The whitespace-separated words of a text, in order. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w.length > 0);
}

/**
 * Where each word of splitWords(text) sits in the text, in code points: word i is the code points
 * [starts[i], ends[i]). The words are the maximal runs of non-whitespace, as the split above leaves them.
 */
export function wordSpans(text: string): { starts: Int32Array; ends: Int32Array } {
  const starts: number[] = [];
  const ends: number[] = [];
  let codePoints = 0; // code points before UTF-16 offset `scanned`
  let scanned = 0;
  const advance = (to: number) => {
    for (; scanned < to; scanned++, codePoints++) {
      const c = text.charCodeAt(scanned);
      if (c >= 0xd800 && c <= 0xdbff && scanned + 1 < to) {
        const d = text.charCodeAt(scanned + 1);
        if (d >= 0xdc00 && d <= 0xdfff) scanned++;
      }
    }
  };
  for (const m of text.matchAll(/\S+/gu)) {
    advance(m.index);
    starts.push(codePoints);
    advance(m.index + m[0].length);
    ends.push(codePoints);
  }
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

export class TokenVocabulary {
  /** tokens[id]; ids follow the code-unit order of the strings (deterministic for a given set). */
  readonly tokens: readonly string[];
  private readonly idOf: Map<string, number>;

  constructor(tokens: readonly string[]) {
    this.tokens = [...tokens];
    this.idOf = new Map(this.tokens.map((t, i) => [t, i]));
    if (this.idOf.size !== this.tokens.length) throw new RangeError('TokenVocabulary: tokens must be distinct');
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The sorted distinct tokens of `tokens`; refuses more than `max` of them. */
  static fromTokens(tokens: Iterable<string>, what = 'words', max: number = DEFAULT_MAX_TOKENS): TokenVocabulary {
    const set = new Set(tokens);
    if (set.size > max) throw new EngineInputError(`The data has ${set.size} different ${what}, more than the limit of ${max}.`);
    return new TokenVocabulary([...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Id of a token, or -1. */
  idOfToken(token: string): number {
    return this.idOf.get(token) ?? -1;
  }

  encode(tokens: readonly string[], what = 'word'): Int32Array {
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const id = this.idOf.get(tokens[i]);
      if (id === undefined) throw new EngineInputError(`The ${what} ${JSON.stringify(tokens[i])} is not in the vocabulary.`);
      ids[i] = id;
    }
    return ids;
  }

  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t = this.tokens[ids[i]];
      if (t === undefined) throw new RangeError(`id ${ids[i]} is outside the vocabulary of ${this.size}`);
      out.push(t);
    }
    return out;
  }
}
