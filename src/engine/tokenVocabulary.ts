// A vocabulary of whole tokens (whitespace-separated words, or tags): the sorted set of distinct strings and the maps
// id ↔ token. Characters use vocabulary.ts (code points); this is its counterpart for words and tag sets.
import { EngineInputError } from './errors';

export const DEFAULT_MAX_TOKENS = 100_000;

/** The whitespace-separated words of a text, in order. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w.length > 0);
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
