// What the CLI's `train` and the worker both build from a text and a few choices: the data (and its vocabulary,
// tags or column names) and the trainer's initialisation, so a run in the editor and on the command line start from
// the same model for the same file, settings and seed.
import { EngineInputError } from './errors';
import { parseFinalTarget, type FinalTargetData } from './finalTargetTrainer';
import type { InitialisationOptions } from './initialisation';
import { charData, parseSeries, parseTagged, wordData, type SequenceData } from './sequenceData';

/** characters / words: next token · tagged: a tag per token · series: next row · sequence-to-one: a target per block. */
export type TrainingDataKind = 'characters' | 'words' | 'tagged' | 'series' | 'sequence-to-one';

export type BuiltData =
  | { kind: 'characters' | 'words'; data: Extract<SequenceData, { kind: 'next-token' }>; vocabulary: string[] }
  | { kind: 'tagged'; data: Extract<SequenceData, { kind: 'tagging' }>; vocabulary: string[]; tags: string[] }
  | { kind: 'series'; data: Extract<SequenceData, { kind: 'series' }>; vocabulary: string[] }
  | { kind: 'sequence-to-one'; data: FinalTargetData; vocabulary: string[] };

/**
 * Parses `text` as `kind`; `sequenceLength` is the block length of sequence-to-one data. Throws EngineInputError
 * (one line, naming the line or row) for text that is not of that kind.
 */
export function buildTrainingData(text: string, kind: TrainingDataKind, sequenceLength: number, maxVocabulary?: number): BuiltData {
  switch (kind) {
    case 'characters': {
      const d = charData(text, maxVocabulary);
      return { kind, data: d.data, vocabulary: [...d.vocabulary.chars] };
    }
    case 'words': {
      const d = wordData(text, maxVocabulary);
      return { kind, data: d.data, vocabulary: [...d.vocabulary.tokens] };
    }
    case 'tagged': {
      const d = parseTagged(text);
      return { kind, data: d.data, vocabulary: [...d.tokens.tokens], tags: [...d.tags.tokens] };
    }
    case 'series': {
      const d = parseSeries(text);
      return { kind, data: d.data, vocabulary: d.columns };
    }
    case 'sequence-to-one': {
      const d = parseFinalTarget(text, sequenceLength);
      return { kind, data: d.data, vocabulary: d.columns };
    }
    default:
      throw new EngineInputError(`Unknown data kind ${JSON.stringify(kind)}.`);
  }
}

export type InitialisationName = 'pytorch' | 'xavier' | 'orthogonal' | 'identity';

/** The engine's initialisation options for a scheme name and an optional W_hh spectral radius (undefined: PyTorch's). */
export function initialisationOptions(name?: InitialisationName, spectralRadius?: number): InitialisationOptions | undefined {
  const options: InitialisationOptions = {};
  if (name === 'xavier') options.scheme = 'xavier';
  else if (name === 'orthogonal' || name === 'identity') options.recurrent = name;
  else if (name !== undefined && name !== 'pytorch') throw new EngineInputError(`Unknown initialisation ${JSON.stringify(name)}: use pytorch, xavier, orthogonal or identity.`);
  if (spectralRadius !== undefined) options.spectralRadius = spectralRadius;
  return Object.keys(options).length > 0 ? options : undefined;
}
