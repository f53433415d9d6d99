// The worker's side of the vanishing/exploding gradient lab (analysis channel): builds the two models once per data,
// hidden size, seed and forget bias (building rescales every W_hh block to ρ = 1, the costly part), and then answers
// each slider move — a new ρ or T — by rescaling and running forward and backward again.
import { EngineInputError } from '../engine/errors';
import { GradientLab, LAB_MAX_STEPS, LAB_SEQUENCE_LENGTH, labSequence } from '../engine/gradientLab';
import { trainedLab } from '../engine/trainedGradients';
import { RecurrentStack } from '../engine/recurrentStack';
import { decodeSafetensors, loadIntoLayout } from '../engine/safetensors';
import { cellKindOf } from '../engine/sequenceTrainer';
import { ModelMetadataError, parameterCount, parseModelMetadata, type CheckedModelMetadata } from '../shared/modelMetadata';
import type { GradientLabAnswer, HostToAnalysisWorker, TrainedGradientLabAnswer } from '../shared/protocol/analysisWorker';

type LabRequest = Extract<HostToAnalysisWorker, { type: 'gradientLab' }>;

interface Cached {
  key: string;
  lab: GradientLab;
  generated: boolean;
}

let cached: Cached | undefined;

/** The lab for this request's data and model settings: the last one when they are the same. */
function labFor(m: LabRequest): Cached {
  const text = typeof m.text === 'string' ? m.text : '';
  const key = JSON.stringify([m.hiddenSize, m.seed, m.forgetBias, text]);
  if (cached?.key === key) return cached;
  const data = labSequence(text);
  cached = { key, lab: new GradientLab(data.ids, data.chars.length, { hiddenSize: m.hiddenSize, seed: m.seed, forgetBias: m.forgetBias }), generated: data.generated };
  return cached;
}

export function gradientLab(m: LabRequest): GradientLabAnswer {
  for (const [name, v] of [['spectral radius', m.spectralRadius], ['sequence length', m.steps], ['hidden size', m.hiddenSize], ['seed', m.seed], ['forget-gate bias', m.forgetBias]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new EngineInputError(`The ${name} must be a number, not ${String(v)}.`);
  }
  const { lab, generated } = labFor(m);
  const result = lab.run(m.spectralRadius, m.steps);
  return { ...result, hiddenSize: m.hiddenSize, seed: m.seed, forgetBias: m.forgetBias, generated, vocabularySize: lab.vocabularySize };
}

type TrainedRequest = Extract<HostToAnalysisWorker, { type: 'gradientLabTrained' }>;

interface LabModel {
  stack: RecurrentStack;
  meta: CheckedModelMetadata;
}

/**
 * A run's model.safetensors as a character model the lab reads: its description (__metadata__.sequence_lab) checked
 * by the shared schema before any weight is allocated, no more weights promised than the file holds.
 */
function labModel(bytes: unknown, which: string): LabModel {
  if (!(bytes instanceof Uint8Array)) throw new EngineInputError(`The ${which} run's checkpoint did not arrive.`);
  const unreadable = (why: string) => new EngineInputError(`The ${which} run's checkpoint cannot be read: ${why}`);
  let file: ReturnType<typeof decodeSafetensors>;
  let meta: CheckedModelMetadata;
  try {
    file = decodeSafetensors(bytes);
    const raw = file.metadata.sequence_lab;
    if (raw === undefined) throw unreadable('it has no Sequence Lab model description.');
    meta = parseModelMetadata(raw);
  } catch (e) {
    if (e instanceof EngineInputError && e.message.startsWith(`The ${which} run's`)) throw e;
    if (e instanceof EngineInputError || e instanceof ModelMetadataError) throw unreadable(e.message);
    throw e;
  }
  if (meta.task !== 'lm' || (meta.tokens ?? 'chars') !== 'chars') throw new EngineInputError(`The ${which} run is not a character language model.`);
  const held = file.tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
  if (parameterCount(meta) > held) throw unreadable(`its description promises ${parameterCount(meta)} weights but the file holds ${held}.`);
  const m = meta.model;
  const stack = new RecurrentStack({
    cell: cellKindOf(m), inputSize: meta.inputSize, hiddenSize: m.hiddenSize, layers: m.layers,
    bidirectional: m.bidirectional, outputSize: meta.outputSize, embedding: m.embedding, maxSteps: LAB_MAX_STEPS,
  });
  try {
    loadIntoLayout(file, stack.params, stack.tensors);
  } catch (e) {
    if (e instanceof EngineInputError) throw unreadable(e.message);
    throw e;
  }
  return { stack, meta };
}

/** Ids of the characters in a model's vocabulary; a character it never saw is a message naming it. */
function encodeChars(chars: readonly string[], vocabulary: readonly string[], which: string): Int32Array {
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  return Int32Array.from(chars, (c) => {
    const id = index.get(c);
    if (id === undefined) throw new EngineInputError(`The character ${JSON.stringify(c)} is not in the ${which} run's vocabulary. Was the file changed after training?`);
    return id;
  });
}

/**
 * The trained-weights mode: the first LAB_SEQUENCE_LENGTH characters of the runs' file (repeated when shorter), as
 * ids of each model's own vocabulary, through both trained models (src/engine/trainedGradients.ts).
 */
export function gradientLabTrained(m: TrainedRequest): TrainedGradientLabAnswer {
  if (typeof m.steps !== 'number' || !Number.isInteger(m.steps)) throw new EngineInputError(`The sequence length must be a whole number, not ${String(m.steps)}.`);
  const rnn = labModel(m.rnnModel, 'RNN');
  const lstm = labModel(m.lstmModel, 'LSTM');
  const text = typeof m.text === 'string' ? m.text : '';
  const chars = [...text.slice(0, 4 * LAB_SEQUENCE_LENGTH)].slice(0, LAB_SEQUENCE_LENGTH);
  if (chars.length < 2) throw new EngineInputError('The runs\' file has fewer than two characters: there is nothing to read.');
  const sequence = Array.from({ length: LAB_SEQUENCE_LENGTH }, (_, i) => chars[i % chars.length]);
  const result = trainedLab(rnn.stack, encodeChars(sequence, rnn.meta.vocabulary, 'RNN'), lstm.stack, encodeChars(sequence, lstm.meta.vocabulary, 'LSTM'), m.steps);
  // b_if + b_hf of the forget gate (PyTorch's gate order i, f, g, o): its mean over the units.
  const H = lstm.stack.config.hiddenSize;
  const bi = lstm.stack.param('rnn.bias_ih_l0');
  const bh = lstm.stack.param('rnn.bias_hh_l0');
  let bias = 0;
  for (let j = 0; j < H; j++) bias += bi[H + j] + bh[H + j];
  return { ...result, rnnHiddenSize: rnn.stack.config.hiddenSize, lstmHiddenSize: H, lstmForgetBias: bias / H };
}
