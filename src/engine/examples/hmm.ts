// Example data for HMMs, deterministic by seed (pure functions: the caller writes the files).
import { Prng } from '../prng';
import { createDiscreteHmm, createGaussianHmm, formatTaggedFile, sampleDiscrete, sampleGaussian, type DiscreteHmm, type GaussianHmm, type TaggedSequence } from '../hmm';

/**
 * The occasionally dishonest casino (Durbin et al., Biological Sequence Analysis, §3.2): a fair die F (each face
 * 1/6) and a loaded die L (a six with 1/2, each other face 1/10); the casino switches F → L with 0.05 and
 * L → F with 0.1 per roll, and starts with the fair die.
 */
export function casinoModel(): DiscreteHmm {
  return createDiscreteHmm({
    states: ['F', 'L'],
    symbols: ['1', '2', '3', '4', '5', '6'],
    start: [1, 0],
    transition: [
      [0.95, 0.05],
      [0.1, 0.9],
    ],
    emission: [
      [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6],
      [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
    ],
  });
}

export interface LabelledExample {
  model: DiscreteHmm;
  /** The emitted symbols as one string (every symbol here is one character). */
  symbols: string;
  /** The true state of each symbol, one character each (F/L, +/−). */
  states: string;
}

function labelled(model: DiscreteHmm, length: number, seed: number, stateChars: string[]): LabelledExample {
  const s = sampleDiscrete(model, length, new Prng(seed));
  let symbols = '';
  let states = '';
  for (let t = 0; t < length; t++) {
    symbols += model.symbols[s.symbols[t]];
    states += stateChars[s.states[t]];
  }
  return { model, symbols, states };
}

/** `length` casino rolls and the die used for each (F or L). */
export function casinoExample(length: number, seed: number): LabelledExample {
  return labelled(casinoModel(), length, seed, ['F', 'L']);
}

/**
 * A CpG-island-like DNA model with two states: "+" (island: C and G enriched, 0.35 each) and "-" (background:
 * A and T 0.3 each, C and G 0.2). Islands last about 100 bases (leave with 0.01), background stretches about 500
 * (enter an island with 0.002). A simplification of the 8-state model of Durbin et al. §3.3, which tracks the
 * CG dinucleotide itself.
 */
export function cpgModel(): DiscreteHmm {
  return createDiscreteHmm({
    states: ['+', '-'],
    symbols: ['A', 'C', 'G', 'T'],
    start: [0.1, 0.9],
    transition: [
      [0.99, 0.01],
      [0.002, 0.998],
    ],
    emission: [
      [0.15, 0.35, 0.35, 0.15],
      [0.3, 0.2, 0.2, 0.3],
    ],
  });
}

/** `length` bases and the state of each (+ island, - background). */
export function cpgExample(length: number, seed: number): LabelledExample {
  return labelled(cpgModel(), length, seed, ['+', '-']);
}

/** The toy lexicon: some words are ambiguous (watch, light, run, fly are nouns and verbs). */
const LEXICON: Record<string, string[]> = {
  DET: ['the', 'a', 'every', 'that'],
  ADJ: ['old', 'bright', 'quiet', 'light', 'small', 'red'],
  NOUN: ['dog', 'watch', 'light', 'river', 'run', 'fly', 'child', 'boat'],
  VERB: ['sees', 'watch', 'light', 'run', 'fly', 'likes', 'finds', 'follows'],
  ADV: ['slowly', 'again', 'today', 'quietly'],
  PREP: ['near', 'under', 'with', 'over'],
  PRON: ['they', 'we', 'you'],
};

/**
 * A toy part-of-speech grammar:
 *   S  → NP-sg VERB-sg [NP] [PP] [ADV]  |  PRON VERB-base [NP] [ADV]
 *   NP → DET [ADJ] [ADJ] NOUN,  PP → PREP NP
 * (VERB-sg are the words ending in s; VERB-base the others). Returns the sentences and their tagged-file text.
 */
export function posExample(sentences: number, seed: number): { sentences: TaggedSequence[]; text: string } {
  const rng = new Prng(seed);
  const pick = (list: string[]): string => list[Math.floor(rng.next() * list.length)];
  const out: TaggedSequence[] = [];
  for (let k = 0; k < sentences; k++) {
    const s: TaggedSequence = { tokens: [], tags: [] };
    const add = (tag: string, word = pick(LEXICON[tag])): void => {
      s.tokens.push(word);
      s.tags.push(tag);
    };
    const np = (): void => {
      add('DET');
      if (rng.next() < 0.5) add('ADJ');
      if (rng.next() < 0.2) add('ADJ');
      add('NOUN');
    };
    if (rng.next() < 0.7) {
      np();
      add('VERB', pick(LEXICON.VERB.filter((w) => w.endsWith('s'))));
      if (rng.next() < 0.7) np();
      if (rng.next() < 0.4) {
        add('PREP');
        np();
      }
    } else {
      add('PRON');
      add('VERB', pick(LEXICON.VERB.filter((w) => !w.endsWith('s'))));
      if (rng.next() < 0.6) np();
    }
    if (rng.next() < 0.3) add('ADV');
    out.push(s);
  }
  return { sentences: out, text: formatTaggedFile(out) };
}

/** Two regimes of a numeric series: "calm" N(0, 0.25) and "volatile" N(1, 4), each lasting tens of steps. */
export function regimeModel(): GaussianHmm {
  return createGaussianHmm({
    states: ['calm', 'volatile'],
    start: [0.5, 0.5],
    transition: [
      [0.97, 0.03],
      [0.05, 0.95],
    ],
    means: [[0], [1]],
    variances: [[0.25], [4]],
  });
}

/** `length` values of the regime model, one per line (6 significant digits), and the true regime of each. */
export function regimeExample(length: number, seed: number): { model: GaussianHmm; text: string; states: string[] } {
  const model = regimeModel();
  const s = sampleGaussian(model, length, new Prng(seed));
  return {
    model,
    text: Array.from(s.values, (x) => `${Number(x.toPrecision(6))}\n`).join(''),
    states: Array.from(s.states, (i) => model.states[i]),
  };
}
