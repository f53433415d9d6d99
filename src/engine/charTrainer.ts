// Training a CharRnn on one text by truncated backpropagation through time: the API the worker and the CLI use.
// Each step reads the next chunk of L characters, runs forward and backward through it, clips the gradient by its
// global norm and takes one Adam step. The hidden state is carried from chunk to chunk (no gradient across).
import type { CharTrainingConfig } from '../shared/trainingConfig';
import { Adam } from './adam';
import { CharRnn } from './charRnn';
import { clipGradients } from './clipping';
import { EngineInputError, NumericFaultError } from './errors';
import { Prng } from './prng';
import { findNonFinite } from './tensorLayout';
import { Vocabulary } from './vocabulary';

export type { CharTrainingConfig };

export interface StepResult {
  /** 1-based number of this step (equals stepCount after it). */
  step: number;
  /** Mean cross-entropy per character of the chunk, before the update, in nats. */
  loss: number;
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: number;
  clipped: boolean;
  /** Characters predicted in this step (the chunk length). */
  chars: number;
}

/** Fixed offset of the sampling PRNG's seed from the training seed, so the two streams never coincide. */
const SAMPLING_SEED_OFFSET = 0x9e3779b9;

export class CharTrainer {
  readonly vocabulary: Vocabulary;
  readonly model: CharRnn;
  readonly vocabSize: number;
  /** Characters (code points) of the text. */
  readonly dataLength: number;
  readonly parameterCount: number;
  /** Characters per chunk: seqLength, or dataLength − 1 for a text shorter than seqLength + 1. */
  readonly chunkLength: number;

  private readonly data: Int32Array;
  private readonly config: CharTrainingConfig;
  private readonly optimizer: Adam;
  private readonly samplingRng: Prng;
  /** Hidden state carried between chunks. */
  private h: Float64Array;
  /** Data cursor: the next chunk starts at data[cursor]. */
  private cursor = 0;
  private steps = 0;

  constructor(text: string, config: CharTrainingConfig, options?: { maxVocabulary?: number }) {
    checkConfig(config);
    this.config = { ...config };
    this.vocabulary = Vocabulary.fromText(text, options?.maxVocabulary);
    this.data = this.vocabulary.encode(text);
    this.vocabSize = this.vocabulary.size;
    this.dataLength = this.data.length;
    this.chunkLength = Math.min(config.seqLength, this.dataLength - 1);
    this.model = new CharRnn(this.vocabSize, config.hiddenSize, this.chunkLength, new Prng(config.seed));
    this.parameterCount = this.model.parameterCount;
    this.optimizer = new Adam(this.parameterCount, { learningRate: config.learningRate });
    this.samplingRng = new Prng((config.seed + SAMPLING_SEED_OFFSET) >>> 0);
    this.h = new Float64Array(config.hiddenSize);
  }

  get stepCount(): number {
    return this.steps;
  }

  /**
   * One training step on the chunk at the cursor: inputs data[p … p+L−1], targets data[p+1 … p+L]; when the chunk
   * would run past the end (p + L + 1 > length), it restarts at p = 0 with h = 0. Throws NumericFaultError (and
   * changes nothing) when a parameter, the loss or a gradient is NaN or infinite.
   */
  step(): StepResult {
    const L = this.chunkLength;
    const stepNumber = this.steps + 1;
    const model = this.model;
    let p = this.cursor;
    let hPrev = this.h;
    if (p + L + 1 > this.dataLength) {
      p = 0;
      hPrev = new Float64Array(this.model.hiddenSize);
    }

    const badParam = findNonFinite(model.params, model.tensors);
    if (badParam) throw new NumericFaultError(badParam.tensor, 'parameter', stepNumber, badParam.value);
    const { loss, hLast } = model.forwardBackward(this.data.subarray(p, p + L), this.data.subarray(p + 1, p + L + 1), hPrev);
    if (!Number.isFinite(loss)) throw new NumericFaultError('loss', 'loss', stepNumber, loss);
    const badGrad = findNonFinite(model.grads, model.tensors);
    if (badGrad) throw new NumericFaultError(badGrad.tensor, 'gradient', stepNumber, badGrad.value);

    const { norm, clipped } = clipGradients(model.grads, this.config.clipNorm);
    this.optimizer.step(model.params, model.grads);

    this.h = hLast;
    this.cursor = p + L;
    this.steps = stepNumber;
    return { step: stepNumber, loss, gradNorm: norm, clipped, chars: L };
  }

  /**
   * `length` characters sampled from the current model at softmax(y / temperature), starting from h = 0 and
   * primed with `seedText` (default: the first character of the training text). Returns only the new characters.
   * Uses its own PRNG stream, so sampling never changes the training sequence.
   */
  sample(length: number, temperature: number, seedText?: string): string {
    if (!(Number.isInteger(length) && length >= 0)) throw new EngineInputError(`The sample length must be a whole number ≥ 0 (got ${length}).`);
    if (!(temperature > 0 && Number.isFinite(temperature))) {
      throw new EngineInputError(`The sampling temperature must be a positive number (got ${temperature}).`);
    }
    const prime = seedText !== undefined && seedText.length > 0 ? this.vocabulary.encode(seedText) : this.data.subarray(0, 1);
    const model = this.model;
    let h = new Float64Array(model.hiddenSize);
    let hNext = new Float64Array(model.hiddenSize);
    const probs = new Float64Array(model.vocabSize);
    const swap = (): void => {
      const t = h;
      h = hNext;
      hNext = t;
    };
    for (let i = 0; i < prime.length; i++) {
      model.stepHidden(prime[i], h, hNext);
      swap();
    }
    const ids = new Int32Array(length);
    for (let n = 0; n < length; n++) {
      model.probabilities(h, temperature, probs);
      const id = this.samplingRng.choice(probs);
      ids[n] = id;
      model.stepHidden(id, h, hNext);
      swap();
    }
    return this.vocabulary.decode(ids);
  }
}

/** The fields the engine depends on; the full range check (validateConfig) is the caller's. */
function checkConfig(config: CharTrainingConfig): void {
  const positiveInteger = (name: keyof CharTrainingConfig): void => {
    const v = config[name];
    if (!(Number.isInteger(v) && v >= 1)) throw new EngineInputError(`${name} must be a whole number ≥ 1 (got ${String(v)}).`);
  };
  positiveInteger('hiddenSize');
  positiveInteger('seqLength');
  if (!(config.learningRate > 0 && Number.isFinite(config.learningRate))) {
    throw new EngineInputError(`learningRate must be a positive number (got ${String(config.learningRate)}).`);
  }
  if (!(config.clipNorm >= 0 && Number.isFinite(config.clipNorm))) {
    throw new EngineInputError(`clipNorm must be a number ≥ 0 (got ${String(config.clipNorm)}).`);
  }
  if (!Number.isInteger(config.seed)) throw new EngineInputError(`seed must be a whole number (got ${String(config.seed)}).`);
}
