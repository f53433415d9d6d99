// A trained model as one safetensors file: the tensors under PyTorch's names (embed.weight, rnn.weight_ih_l0, …,
// head.weight, head.bias; float64) and, in __metadata__, "sequence_lab" = JSON of the model config, the task and the
// vocabulary, so eval / sample / a Python user can rebuild the exact module and its token ids.
import { RecurrentStack } from './recurrentStack';
import { encodeSafetensors, layoutToSafetensors, loadIntoLayout, type SafetensorsFile } from './safetensors';
import { cellKindOf, type SequenceModelConfig } from './sequenceTrainer';
import { splitWords } from './tokenVocabulary';
import { EngineInputError } from './errors';

export type Task = 'lm' | 'tag' | 'series';

export interface ModelMetadata {
  format: 'sequence-lab/1';
  task: Task;
  model: SequenceModelConfig;
  inputSize: number;
  outputSize: number;
  /** How text becomes tokens (lm and tag). */
  tokens?: 'chars' | 'words';
  /** vocabulary[id]: the token (lm, tag), or the column names (series). */
  vocabulary: string[];
  /** tags[id] (tag). */
  tags?: string[];
}

const KEY = 'sequence_lab';

export function encodeModel(stack: RecurrentStack, meta: ModelMetadata): Uint8Array {
  return encodeSafetensors(layoutToSafetensors(stack.params, stack.tensors, 'F64'), { [KEY]: JSON.stringify(meta), format: 'pt' });
}

/** The description a model file carries, unchecked: whoever reads a file checks it (src/shared/modelMetadata.ts). */
export function rawModelMetadata(file: SafetensorsFile): string | undefined {
  return file.metadata[KEY];
}

/**
 * The network a checked description describes, with the file's weights loaded under their PyTorch names. The caller
 * has checked `meta` (schema, limits, and that it promises no more weights than the file holds).
 */
export function buildModel(file: SafetensorsFile, meta: ModelMetadata, maxSteps = 1): RecurrentStack {
  const m = meta.model;
  const stack = new RecurrentStack({
    cell: cellKindOf(m), inputSize: meta.inputSize, hiddenSize: m.hiddenSize, layers: m.layers,
    bidirectional: m.bidirectional, outputSize: meta.outputSize, embedding: m.embedding, maxSteps,
  });
  loadIntoLayout(file, stack.params, stack.tensors);
  return stack;
}

/** The token strings of a text, as the model's tokenizer splits it. */
export function tokensOf(text: string, kind: 'chars' | 'words'): string[] {
  return kind === 'chars' ? Array.from(text) : splitWords(text);
}

/** Ids of tokens in a model's vocabulary; an unknown token is an EngineInputError naming it. */
export function encodeTokens(tokens: readonly string[], vocabulary: readonly string[]): Int32Array {
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const id = index.get(tokens[i]);
    if (id === undefined) throw new EngineInputError(`The token ${JSON.stringify(tokens[i])} is not in the model's vocabulary.`);
    ids[i] = id;
  }
  return ids;
}
