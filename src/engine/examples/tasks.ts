// Synthetic sequence tasks from the long-term-dependency literature, deterministic by seed.
import { Prng } from '../prng';

/**
 * The adding problem (Hochreiter & Schmidhuber 1997, experiment 4): each sequence has T steps of (value, marker);
 * values are uniform in [0, 1), exactly two markers are 1 (one in the first half, one in the second) and the
 * target is the sum of the two marked values. What it demonstrates: the answer depends on inputs up to T steps
 * back; always predicting 1 has a mean-squared error of 1/6 ≈ 0.167 (the variance of a sum of two uniforms),
 * which an LSTM goes well below at T = 50 and a tanh RNN does not.
 *
 * Layout (chosen so the engine's series parser, parseSeries, reads it): a CSV file with the header
 * `value,marker,target` and N·T rows; rows n·T … n·T+T−1 are sequence n (no separator lines). `target` is 0 on
 * every row except the last row of a sequence, where it is that sequence's sum.
 */
export interface AddingProblem {
  csv: string;
  values: Float64Array;
  markers: Uint8Array;
  /** One target (the sum of the two marked values) per sequence. */
  targets: Float64Array;
}

export function addingProblem(length: number, count: number, seed: number): AddingProblem {
  if (!(Number.isInteger(length) && length >= 2)) throw new RangeError(`The adding problem needs T ≥ 2, not ${length}.`);
  const rng = new Prng(seed);
  const values = new Float64Array(length * count);
  const markers = new Uint8Array(length * count);
  const targets = new Float64Array(count);
  const half = Math.floor(length / 2);
  const rows = ['value,marker,target'];
  for (let n = 0; n < count; n++) {
    const base = n * length;
    // Rounded to the 6 decimals written, so the targets are exact sums of what the file says.
    for (let t = 0; t < length; t++) values[base + t] = Math.round(rng.next() * 1e6) / 1e6;
    const first = Math.floor(rng.next() * half);
    const second = half + Math.floor(rng.next() * (length - half));
    markers[base + first] = 1;
    markers[base + second] = 1;
    targets[n] = Math.round((values[base + first] + values[base + second]) * 1e6) / 1e6;
    for (let t = 0; t < length; t++) {
      const target = t === length - 1 ? targets[n].toFixed(6) : '0';
      rows.push(`${values[base + t].toFixed(6)},${markers[base + t]},${target}`);
    }
  }
  return { csv: rows.join('\n') + '\n', values, markers, targets };
}

/** The copy task's alphabet, blank and delimiter. */
export const COPY_SYMBOLS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
export const COPY_BLANK = '_';
export const COPY_DELIMITER = ':';

/**
 * The copy task (Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016): read `symbols` random symbols, wait `delay`
 * blanks, see the delimiter, then output the symbols in order. What it demonstrates: memory over `delay` steps.
 * As a tagged file (`token<TAB>target`, a blank line between sequences): the target is the blank until the
 * delimiter has been read, then the remembered symbols one per step while the input is blank.
 */
export function copyTask(count: number, symbols: number, delay: number, seed: number): string {
  const rng = new Prng(seed);
  const sequences: string[] = [];
  for (let n = 0; n < count; n++) {
    const word = Array.from({ length: symbols }, () => COPY_SYMBOLS[Math.floor(rng.next() * COPY_SYMBOLS.length)]);
    const lines: string[] = [];
    for (const s of word) lines.push(`${s}\t${COPY_BLANK}`);
    for (let t = 0; t < delay; t++) lines.push(`${COPY_BLANK}\t${COPY_BLANK}`);
    lines.push(`${COPY_DELIMITER}\t${COPY_BLANK}`);
    for (const s of word) lines.push(`${COPY_BLANK}\t${s}`);
    sequences.push(lines.join('\n') + '\n');
  }
  return sequences.join('\n');
}

/**
 * Parity: random bit strings tagged with the running parity (XOR of the bits so far). What it demonstrates: the
 * tag depends on every earlier input, so a model must carry one bit of state the whole way; a tagged file with
 * `bit<TAB>parity` lines and a blank line between strings.
 */
export function parityTask(count: number, length: number, seed: number): string {
  const rng = new Prng(seed);
  const sequences: string[] = [];
  for (let n = 0; n < count; n++) {
    let parity = 0;
    const lines: string[] = [];
    for (let t = 0; t < length; t++) {
      const bit = rng.next() < 0.5 ? 0 : 1;
      parity ^= bit;
      lines.push(`${bit}\t${parity}`);
    }
    sequences.push(lines.join('\n') + '\n');
  }
  return sequences.join('\n');
}

/** The articles task's nouns, by their first sound, and the other words of its sentences. */
export const ARTICLE_NOUNS = {
  vowel: ['apple', 'owl', 'egg', 'elephant', 'idea', 'umbrella', 'island', 'orange', 'ant', 'eagle', 'oven', 'otter'],
  consonant: ['cat', 'dog', 'pear', 'book', 'tree', 'house', 'car', 'bird', 'lamp', 'kite', 'fox', 'hat'],
} as const;
const ARTICLE_SUBJECTS = ['I', 'we', 'you', 'they', 'she', 'he'];
const ARTICLE_VERBS = ['saw', 'found', 'drew', 'wanted', 'painted', 'liked'];
const ARTICLE_PREPOSITIONS = ['near', 'under', 'behind', 'beside', 'with'];
/** The blank the tagger must fill, and its tags; every other word is tagged O. */
export const ARTICLE_BLANK = '_';
export const ARTICLE_TAGS = { a: 'A', an: 'AN', other: 'O' } as const;

/**
 * "a" or "an"? Sentences whose articles are blanked out: each blank is tagged A or AN by the noun that FOLLOWS it
 * (AN before a vowel sound), every other word O. What it demonstrates: the future decides the tag. A left-to-right
 * tagger cannot know the next word when it tags the blank (it can do no better than the more frequent of A and AN
 * there), nor can a first-order HMM (the noun is emitted by the O state after the blank, whichever article it takes);
 * a bidirectional tagger reads the next word through its backward chain h← and tags every blank. Nouns are drawn
 * half from each list, so A and AN are equally frequent. Lines "word<TAB>tag", a blank line between sentences, e.g.
 *   I saw _ owl and _ cat near _ egg .   →   O O AN O O A O O AN O O
 */
export function articlesTask(count: number, seed: number): string {
  const rng = new Prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng.next() * items.length)];
  const sentences: string[] = [];
  for (let n = 0; n < count; n++) {
    const lines: string[] = [];
    const word = (w: string, tag: string) => lines.push(`${w}\t${tag}`);
    const noun = () => {
      const vowel = rng.next() < 0.5;
      word(ARTICLE_BLANK, vowel ? ARTICLE_TAGS.an : ARTICLE_TAGS.a);
      word(pick(vowel ? ARTICLE_NOUNS.vowel : ARTICLE_NOUNS.consonant), ARTICLE_TAGS.other);
    };
    word(pick(ARTICLE_SUBJECTS), ARTICLE_TAGS.other);
    word(pick(ARTICLE_VERBS), ARTICLE_TAGS.other);
    noun();
    // One to two more nouns: "and _ noun", then maybe "near _ noun".
    if (rng.next() < 0.7) {
      word('and', ARTICLE_TAGS.other);
      noun();
    }
    if (rng.next() < 0.6) {
      word(pick(ARTICLE_PREPOSITIONS), ARTICLE_TAGS.other);
      noun();
    }
    word('.', ARTICLE_TAGS.other);
    sentences.push(lines.join('\n') + '\n');
  }
  return sentences.join('\n');
}
