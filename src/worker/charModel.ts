// One character-level language model of the Training panel: the general SequenceTrainer (RNN, GRU or LSTM; stacked
// layers; Adam, SGD or RMSProp) on the characters of one text, one stream, truncated BPTT over chunks of seqLength
// characters, and text sampled from it on its own PRNG stream (the trainer `sequence-lab train` uses too).
import { EngineInputError } from '../engine/errors';
import { Prng } from '../engine/prng';
import type { ModelMetadata } from '../engine/modelFile';
import { encodeCheckpoint, restoreCheckpoint, splitAfterRestore, type HeldOutRecord, type TrainedBeside } from './checkpointFiles';
import { charData, type NextTokenData } from '../engine/sequenceData';
import { HELD_OUT_SEED, HELD_OUT_SHARE, scoreHeldOut, splitSequenceData, type HeldOutPart, type HeldOutScore } from '../engine/heldOut';
import type { HeldOutInfo } from '../shared/run';
import { sampleNextTokens } from '../engine/sequenceSampling';
import { SequenceTrainer } from '../engine/sequenceTrainer';
import type { AbortCheck } from '../engine/stepAbort';
import type { Vocabulary } from '../engine/vocabulary';
import type { TrainingConfig } from '../shared/trainingConfig';
import type { ActivationTrace, GradientTrace, RecurrenceAt } from '../shared/protocol/traces';
import { traceActivations } from './activationTrace';
import type { TaggedTextSource } from './tagText';
import type { TextInferenceSource } from './textInference';
import { createGradientHistory, type GradientHistory, type GradientHistoryOptions } from './gradientHistory';
import type { StepLike } from './progressBuffer';
import { trainerConfigOf, withVocabularyHint } from './modelTrainerConfig';
import { traceGradientWindow } from './windowGradients';
import { parallelShards } from './parallelThreads';

/** Fixed offset of the sampling PRNG's seed from the training seed, so the two streams never coincide. */
const SAMPLING_SEED_OFFSET = 0x9e3779b9;

export class CharModel {
  readonly vocabSize: number;
  /** Characters (code points) of the text. */
  readonly dataLength: number;
  readonly parameterCount: number;
  heldOut: HeldOutInfo;

  private readonly trainer: SequenceTrainer;
  /** Every character of the text (the trainer holds the training part: all but the held-out end). */
  private readonly allData: NextTokenData;
  private heldOutPart: HeldOutPart | undefined;
  /** What the checkpoints record the model trained beside (checkpointFiles.ts TrainedBeside). */
  private trainedBeside: TrainedBeside;
  private readonly vocabulary: Vocabulary;
  private readonly prime: Int32Array;
  private readonly samplingRng: Prng;
  /** The Gradient Flow panel's history over training (traces on a copy of the parameters: training is unchanged). */
  private readonly gradientHistory: GradientHistory | undefined;

  /**
   * `config` was checked where it entered the worker (parseHostToWorker). Throws EngineInputError (in words for the
   * user) for settings the engine cannot train on or text that cannot be trained on, and
   * for a checkpoint (`restore`) that does not fit them: see restoreCheckpoint.
   */
  constructor(
    text: string,
    config: TrainingConfig,
    restore?: { model: Uint8Array; state?: Uint8Array; heldOut?: HeldOutRecord },
    options: { gradientHistory?: false | Partial<Pick<GradientHistoryOptions, 'every' | 'adaptive'>> } = {},
  ) {
    const { data, vocabulary } = withVocabularyHint(() => charData(text, config.maxVocabulary));
    this.vocabulary = vocabulary;
    this.allData = data;
    // The last share of the text is held out (engine/heldOut.ts): positions of the training part are the text's.
    const split = splitSequenceData(data, HELD_OUT_SHARE, HELD_OUT_SEED, 'characters', config.batch ?? 1);
    this.heldOutPart = split.heldOut;
    // The experiment options (embedding, truncation, batch, momentum, initialisation) when the config has them.
    // Streams of a batch of 4 or more run in shards on worker threads where the worker has them (parallelThreads.ts).
    this.trainer = new SequenceTrainer(split.train, trainerConfigOf(config), { parallel: parallelShards() });
    this.heldOut = {
      description: split.description, trainCount: split.trainCount, heldOutCount: split.heldOutCount,
      stepsPerEpoch: Math.max(1, Math.floor(this.trainer.segmentLength / Math.max(1, this.trainer.k1))),
    };
    this.vocabSize = data.vocabularySize;
    this.dataLength = data.ids.length;
    this.parameterCount = this.trainer.model.parameterCount;
    this.prime = data.ids.slice(0, 1);
    this.samplingRng = new Prng((config.seed + SAMPLING_SEED_OFFSET) >>> 0);
    this.trainedBeside = this.heldOut;
    if (restore) {
      // A resumed run whose checkpoint trained beside another split (or on the whole file) holds nothing out.
      const after = splitAfterRestore(this.heldOut, this.restoreCheckpoint(restore.model, restore.state), restore.heldOut);
      this.heldOut = after.info;
      this.trainedBeside = after.beside;
      if (after.info.heldOutCount === 0) this.heldOutPart = undefined;
    }
    this.gradientHistory = options.gradientHistory === false
      ? undefined
      : createGradientHistory(this.trainer, (id) => this.vocabulary.decode([id]), options.gradientHistory);
  }

  /** Threads each update runs on (SequenceTrainer.threadCount). */
  get threadCount(): number {
    return this.trainer.threadCount;
  }

  get couldUseThreads(): boolean {
    return this.trainer.couldShard;
  }

  threadsReady(): Promise<void> {
    return this.trainer.threadsReady();
  }

  /** Ends the trainer's worker threads (after the run's loop has ended for good). */
  releaseThreads(): void {
    this.trainer.dispose();
  }

  /** model.safetensors as `sequence-lab train --out` writes it: PyTorch names, config + vocabulary in __metadata__. */
  private metadata(): ModelMetadata {
    const c = this.trainer.config;
    return {
      format: 'sequence-lab/1',
      task: 'lm',
      model: { cell: c.cell, nonlinearity: c.nonlinearity, layers: c.layers, hiddenSize: c.hiddenSize, bidirectional: c.bidirectional, embedding: c.embedding },
      inputSize: this.trainer.model.config.inputSize,
      outputSize: this.trainer.model.config.outputSize,
      tokens: 'chars',
      vocabulary: [...this.vocabulary.chars],
    };
  }

  /** The run's state now: model.safetensors and trainer-state.safetensors bytes (with the sampling PRNG). */
  checkpoint(): { model: Uint8Array; state: Uint8Array } {
    return encodeCheckpoint(this.trainer, this.metadata(), this.samplingRng, this.trainedBeside);
  }

  /**
   * Loads a checkpoint's weights (checked against the settings and this text's vocabulary) and, when given, its trainer
   * state; without a state the optimiser starts afresh at step 0 (weights only, e.g. a model imported from PyTorch).
   */
  private restoreCheckpoint(modelBytes: Uint8Array, stateBytes?: Uint8Array): ReturnType<typeof restoreCheckpoint> {
    return restoreCheckpoint(this.trainer, this.samplingRng, modelBytes, stateBytes, (meta) => {
      if (meta === undefined) return;
      const want = this.metadata();
      const m = meta.model;
      if (meta.task !== 'lm' || (meta.tokens !== undefined && meta.tokens !== 'chars')) {
        throw new EngineInputError(`The checkpoint is a ${String(meta.task)} model${meta.tokens ? ` over ${meta.tokens}` : ''}, not a character language model.`);
      }
      if (!m || m.cell !== want.model.cell || m.layers !== want.model.layers || m.hiddenSize !== want.model.hiddenSize) {
        const shown = m ? `${String(m.cell).toUpperCase()}, ${m.layers} layer(s), H=${m.hiddenSize}` : 'no model';
        throw new EngineInputError(
          `The checkpoint holds ${shown}, but the settings ask for ${want.model.cell.toUpperCase()}, ${want.model.layers} layer(s), H=${want.model.hiddenSize}.`,
        );
      }
      const vocabulary = meta.vocabulary ?? [];
      if (vocabulary.length !== want.vocabulary.length || vocabulary.some((ch, i) => ch !== want.vocabulary[i])) {
        const missing = want.vocabulary.filter((ch) => !vocabulary.includes(ch));
        throw new EngineInputError(
          `The checkpoint's vocabulary (${vocabulary.length} characters) is not this text's (${want.vocabulary.length} characters)` +
            (missing.length > 0 ? `: the text has ${missing.slice(0, 5).map((ch) => JSON.stringify(ch)).join(', ')} that the model never saw.` : '.'),
        );
      }
    });
  }

  /** New learning rate and clipping threshold from the next update on; the optimiser's state is kept. */
  reconfigure(config: Pick<TrainingConfig, 'learningRate' | 'clip'>): void {
    this.trainer.reconfigure({ learningRate: config.learningRate, clip: config.clip });
  }

  get stepCount(): number {
    return this.trainer.stepCount;
  }

  /** Mean next-character cross-entropy (nats) and accuracy on the held-out end of the text (its first 2,048 characters). */
  scoreHeldOut(shouldStop?: () => boolean): HeldOutScore | undefined {
    return this.heldOutPart ? scoreHeldOut(this.trainer.model, this.heldOutPart, shouldStop) : undefined;
  }

  /** Polled inside every update: true abandons it (StepAbortedError, nothing changed). See engine/stepAbort.ts. */
  setAbortCheck(check: AbortCheck | null): void {
    this.trainer.abortCheck = check;
  }

  /** One update; throws the engine's SequenceNumericFaultError (changing nothing) on a NaN or infinity. */
  step(): StepLike {
    const started = performance.now();
    const r = this.trainer.step();
    this.gradientHistory?.afterStep(r, performance.now() - started);
    return { step: r.step, loss: r.loss, gradNorm: r.gradNorm, clipped: r.clipped, chars: r.tokens };
  }

  /**
   * `length` characters sampled at softmax(o / temperature) after the text's first character, from a zero state;
   * with `greedy`, the most probable character at each step (the sampling PRNG is left untouched).
   */
  sample(length: number, temperature: number, greedy = false, shouldStop?: () => boolean): string {
    return this.vocabulary.decode(sampleNextTokens(this.trainer.model, this.prime, length, temperature, this.samplingRng, greedy, shouldStop));
  }

  /**
   * ‖∂L/∂h_t‖ per layer, the first layer's Jacobian norm by distance and the spectra of W_hh over `length` characters
   * from `start` (default: the `length` before the data cursor, or the first `length`). traceData works on a copy of
   * the parameters and reads the data cursor only, so training goes on exactly as without the trace.
   */
  traceGradients(length: number, start?: number): GradientTrace {
    return {
      ...traceGradientWindow(this.trainer, (id) => this.vocabulary.decode([id]), length, start, 'characters', this.allData),
      ...(this.gradientHistory ? { history: this.gradientHistory.snapshot() } : {}),
    };
  }

  /**
   * Gates, c_t and h_t of every layer and the top-5 next characters over `length` (≤ 256) characters from `start`
   * (default: the last `length` trained on) for the Gates panel: see activationTrace.ts. Works on a copy of the
   * parameters taken at once, so training goes on exactly as without the trace.
   */
  traceActivations(length: number, start?: number, recurrence?: RecurrenceAt): Promise<ActivationTrace> {
    // The whole text, the held-out end too: the Gates window follows the editor's cursor anywhere in the file.
    const data = this.allData;
    const source = {
      model: this.trainer.model, ids: data.ids, decode: (id: number) => this.vocabulary.decode([id]),
      step: this.trainer.stepCount, dataPosition: this.trainer.dataPosition,
    };
    return traceActivations(source, length, start, undefined, recurrence);
  }

  /** What "Colour Text by Model" reads (src/worker/textInference.ts copies the parameters at once). */
  textInferenceSource(): TextInferenceSource {
    return {
      model: this.trainer.model, idOf: (ch) => this.vocabulary.idOfChar(ch), vocabulary: this.vocabulary.chars,
      step: this.trainer.stepCount, seqLength: this.trainer.config.seqLength,
    };
  }

  taggedTextSource(): TaggedTextSource {
    throw new EngineInputError('Only a tagged run tags text; this run trains on characters.');
  }
}
