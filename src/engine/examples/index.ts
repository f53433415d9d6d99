// Example data sets, generated deterministically from a seed (pure: the caller writes the files). The extension's
// "Sequence Lab: New Example…" command asks the worker for `exampleFiles(id, options)` and writes the result into
// the workspace; the user-facing catalogue (labels, descriptions, next steps) is src/shared/examples.ts.
import { stringifyDiscreteHmm } from '../hmm';
import { casinoExample } from './hmm';
import { embeddedReberText } from './reber';
import { mackeyGlassSeries, seriesCsv, sineSeries } from './series';
import { addingProblem, articlesTask, copyTask, parityTask } from './tasks';
import { verseText } from './text';

export * from './hmm';
export * from './reber';
export * from './series';
export * from './tasks';
export * from './text';

export const EXAMPLE_IDS = ['reber', 'adding', 'copy', 'parity', 'sine', 'mackeyGlass', 'casino', 'text', 'articles'] as const;
export type ExampleIdName = (typeof EXAMPLE_IDS)[number];

export interface ExampleFile {
  /** File name relative to the examples folder. */
  name: string;
  content: string;
}

export interface ExampleOptions {
  seed?: number;
  /** The adding problem's sequence length T (2–1000, default 50). */
  length?: number;
}

export const DEFAULT_EXAMPLE_SEED = 42;
export const ADDING_LENGTH = { min: 2, max: 1000, default: 50 } as const;

export function isExampleId(value: unknown): value is ExampleIdName {
  return typeof value === 'string' && (EXAMPLE_IDS as readonly string[]).includes(value);
}

/** Wraps a string of one-character symbols at `width` characters per line. */
function wrap(symbols: string, width = 60): string {
  const lines: string[] = [];
  for (let i = 0; i < symbols.length; i += width) lines.push(symbols.slice(i, i + width));
  return lines.join('\n') + '\n';
}

/** The files of one example; the first one is the main data file (the one opened in the editor). */
export function exampleFiles(id: ExampleIdName, options: ExampleOptions = {}): ExampleFile[] {
  const seed = options.seed ?? DEFAULT_EXAMPLE_SEED;
  switch (id) {
    case 'reber':
      return [{ name: 'embedded-reber.txt', content: embeddedReberText(1000, seed) }];
    case 'adding': {
      const T = options.length ?? ADDING_LENGTH.default;
      if (!(Number.isInteger(T) && T >= ADDING_LENGTH.min && T <= ADDING_LENGTH.max)) {
        throw new RangeError(`T must be a whole number from ${ADDING_LENGTH.min} to ${ADDING_LENGTH.max}, not ${T}.`);
      }
      // About 100 000 rows at most, whatever T.
      const count = Math.max(20, Math.min(1000, Math.floor(100_000 / T)));
      return [{ name: `adding-T${T}.csv`, content: addingProblem(T, count, seed).csv }];
    }
    case 'copy':
      return [{ name: 'copy.tagged.txt', content: copyTask(500, 5, 10, seed) }];
    case 'parity':
      return [{ name: 'parity.tagged.txt', content: parityTask(500, 20, seed) }];
    case 'sine':
      return [{ name: 'sine.csv', content: seriesCsv('sine', sineSeries(2000, 25, seed)) }];
    case 'mackeyGlass':
      return [{ name: 'mackey-glass.csv', content: seriesCsv('x', mackeyGlassSeries(2000, seed)) }];
    case 'casino': {
      const example = casinoExample(3000, seed);
      return [
        { name: 'casino-rolls.txt', content: wrap(example.symbols) },
        { name: 'casino-model.json', content: stringifyDiscreteHmm(example.model) },
        { name: 'casino-states.txt', content: wrap(example.states) },
      ];
    }
    case 'text':
      return [{ name: 'verse.txt', content: verseText(120, seed) }];
    case 'articles':
      return [{ name: 'articles.tagged.txt', content: articlesTask(600, seed) }];
  }
}
