// One character-level language model of the Training panel: the general SequenceTrainer (RNN, GRU or LSTM; stacked
// layers; Adam, SGD or RMSProp) on the characters of one text, one stream, truncated BPTT over chunks of seqLength
// characters, and text sampled from it on its own PRNG stream. The single-layer RNN with Adam trains as CharTrainer
// did (same chunks, same clipping, same optimiser).
import { EngineInputError } from '../engine/errors';
import { Prng } from '../engine/prng';
import { charData } from '../engine/sequenceData';
import { sampleNextTokens } from '../engine/sequenceSampling';
import { SequenceTrainer } from '../engine/sequenceTrainer';
import type { Vocabulary } from '../engine/vocabulary';
import { validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';
import type { StepLike } from './progressBuffer';

/** Fixed offset of the sampling PRNG's seed from the training seed, so the two streams never coincide. */
const SAMPLING_SEED_OFFSET = 0x9e3779b9;

export class CharModel {
  readonly vocabSize: number;
  /** Characters (code points) of the text. */
  readonly dataLength: number;
  readonly parameterCount: number;

  private readonly trainer: SequenceTrainer;
  private readonly vocabulary: Vocabulary;
  private readonly prime: Int32Array;
  private readonly samplingRng: Prng;

  /** Throws EngineInputError (in words for the user) for settings out of range or text that cannot be trained on. */
  constructor(text: string, config: TrainingConfig) {
    const problems = validateTrainingConfig(config);
    if (problems.length > 0) throw new EngineInputError(`The training settings are out of range: ${problems.join('; ')}.`);
    const { data, vocabulary } = charData(text);
    this.vocabulary = vocabulary;
    this.trainer = new SequenceTrainer(data, {
      model: config.model,
      layers: config.layers,
      hiddenSize: config.hiddenSize,
      bidirectional: false,
      seqLength: config.seqLength,
      batchSize: 1,
      optimizer: { kind: config.optimizer, learningRate: config.learningRate },
      clipNorm: config.clipNorm,
      seed: config.seed,
    });
    this.vocabSize = data.vocabularySize;
    this.dataLength = data.ids.length;
    this.parameterCount = this.trainer.model.parameterCount;
    this.prime = data.ids.slice(0, 1);
    this.samplingRng = new Prng((config.seed + SAMPLING_SEED_OFFSET) >>> 0);
  }

  get stepCount(): number {
    return this.trainer.stepCount;
  }

  /** One update; throws the engine's SequenceNumericFaultError (changing nothing) on a NaN or infinity. */
  step(): StepLike {
    const r = this.trainer.step();
    return { step: r.step, loss: r.loss, gradNorm: r.gradNorm, clipped: r.clipped, chars: r.tokens };
  }

  /** `length` characters sampled at softmax(o / temperature) after the text's first character, from a zero state. */
  sample(length: number, temperature: number): string {
    return this.vocabulary.decode(sampleNextTokens(this.trainer.model, this.prime, length, temperature, this.samplingRng));
  }
}
