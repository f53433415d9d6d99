// One character-level language model of the Training panel: the general SequenceTrainer (RNN, GRU or LSTM; stacked
// layers; Adam, SGD or RMSProp) on the characters of one text, one stream, truncated BPTT over chunks of seqLength
// characters, and text sampled from it on its own PRNG stream. The single-layer RNN with Adam trains as CharTrainer
// did (same chunks, same clipping, same optimiser).
import { EngineInputError } from '../engine/errors';
import { Prng } from '../engine/prng';
import { charData } from '../engine/sequenceData';
import { sampleNextTokens } from '../engine/sequenceSampling';
import { SequenceTrainer } from '../engine/sequenceTrainer';
import { traceData } from '../engine/traces';
import type { Vocabulary } from '../engine/vocabulary';
import { validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';
import type { GradientTrace } from '../shared/workerProtocol';
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

  /**
   * ‖∂L/∂h_t‖ per layer, the first layer's Jacobian norm by distance and the spectra of W_hh over `length` characters
   * from `start` (default: the `length` before the data cursor, or the first `length`). traceData works on a copy of
   * the parameters and reads the data cursor only, so training goes on exactly as without the trace.
   */
  traceGradients(length: number, start?: number): GradientTrace {
    const N = this.dataLength;
    if (!(Number.isInteger(length) && length >= 2)) throw new EngineInputError(`A gradient trace needs a window of at least 2 characters (got ${length}).`);
    const T = Math.min(length, N - 1);
    if (T < 2) throw new EngineInputError('The text is too short for a gradient trace.');
    const cursor = this.trainer.dataPosition;
    const from = start ?? (cursor >= T ? cursor - T : 0);
    if (!(Number.isInteger(from) && from >= 0 && from + T < N)) {
      throw new EngineInputError(`A window of ${T} characters from position ${start} does not fit the text of ${N} characters.`);
    }
    const trace = traceData(this.trainer.model, this.trainer.data, from, T);
    const L = trace.layers;
    const D = trace.directions;
    const gradNormH = new Float32Array(L * T);
    for (let k = 0; k < L; k++) gradNormH.set(trace.hiddenGradNorm!.data.subarray(k * D * T, k * D * T + T), k * T);
    const jacobianNorm = Float32Array.from(trace.jacobianNorm!.data.subarray(1, T));
    const spectra = trace.spectra;
    const block = (gates: string[]) => Math.max(0, gates.findIndex((g) => g === 'h' || g === 'n' || g === 'g'));
    const ids = this.trainer.data.kind === 'next-token' ? this.trainer.data.ids.subarray(from, from + T) : new Int32Array(0);
    return {
      step: this.trainer.stepCount,
      start: from,
      length: T,
      layers: L,
      gradNormH,
      jacobianNorm,
      spectralRadius: spectra.map((s) => s.spectralRadius[block(s.gates)]),
      largestSingularValue: spectra.map((s) => s.largestSingularValue[block(s.gates)]),
      tokens: Array.from(ids, (id) => this.vocabulary.decode([id])),
    };
  }
}
