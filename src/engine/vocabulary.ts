// The character vocabulary: the sorted set of Unicode code points of a text (so an emoji or any character outside
// the Basic Multilingual Plane is one character, not two UTF-16 halves), and the maps id ↔ character.
// A lone surrogate (half of a pair without its partner) is kept as a character of its own, U+D800–U+DFFF, exactly
// as string iteration yields it, so encode → decode is identity for every JavaScript string.
import { EngineInputError } from './errors';

export const DEFAULT_MAX_VOCABULARY = 10_000;

export class Vocabulary {
  /** chars[id] is the character (one code point, as a string) with that id; ids follow code point order. */
  readonly chars: readonly string[];
  private readonly idOf: Map<number, number>;

  private constructor(codePoints: number[]) {
    this.chars = codePoints.map((c) => String.fromCodePoint(c));
    this.idOf = new Map(codePoints.map((c, i) => [c, i]));
  }

  get size(): number {
    return this.chars.length;
  }

  /** Builds the vocabulary of `text`, refusing texts a character model cannot learn from. */
  static fromText(text: string, maxVocabulary: number = DEFAULT_MAX_VOCABULARY): Vocabulary {
    if (text.length === 0) throw new EngineInputError('The file is empty: there is nothing to learn from.');
    const seen = new Set<number>();
    let length = 0;
    for (const ch of text) {
      seen.add(ch.codePointAt(0)!);
      length++;
    }
    if (length < 2) {
      throw new EngineInputError(
        'The file has only one character: a model needs at least two to learn which character follows which.',
      );
    }
    if (seen.size > maxVocabulary) {
      throw new EngineInputError(
        `The file has ${seen.size} different characters, more than the limit of ${maxVocabulary}: ` +
          'it does not look like text a character model can learn from (is it a binary file?).',
      );
    }
    return new Vocabulary([...seen].sort((a, b) => a - b));
  }

  /** Id of one character (a single code point), or -1 when it is not in the vocabulary. */
  idOfChar(ch: string): number {
    return this.idOf.get(ch.codePointAt(0)!) ?? -1;
  }

  /** The ids of the code points of `text`, in order. Throws EngineInputError on a character not in the vocabulary. */
  encode(text: string): Int32Array {
    // Typed from the start (UTF-16 length ≥ code points): 4 bytes an id, not a JS array of numbers, for long texts.
    const ids = new Int32Array(text.length);
    let n = 0;
    for (const ch of text) {
      const id = this.idOf.get(ch.codePointAt(0)!);
      if (id === undefined) {
        throw new EngineInputError(`The character ${JSON.stringify(ch)} does not occur in the training text.`);
      }
      ids[n++] = id;
    }
    return n === ids.length ? ids : ids.slice(0, n);
  }

  /** The text whose code points have these ids. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const ch = this.chars[ids[i]];
      if (ch === undefined) throw new RangeError(`id ${ids[i]} is outside the vocabulary of ${this.size}`);
      out += ch;
    }
    return out;
  }
}
