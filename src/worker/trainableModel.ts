// What a TrainingRun drives (trainingRun.ts): one model in the worker, whatever its data. CharModel (characters,
// with the Training panel's sampling and traces) and SequenceModel (words, tagged lines, numeric series,
// sequence-to-one) implement it; createTrainableModel.ts picks one by the config's data kind. This file holds only the
// interface, so the models can name it without importing the factory that imports them.
import type { HeldOutScore } from '../engine/heldOut';
import type { HeldOutInfo } from '../shared/run';
import type { TrainingConfig } from '../shared/trainingConfig';
import type { ActivationTrace, GradientTrace, RecurrenceAt } from '../shared/protocol/traces';
import type { StepLike } from './progressBuffer';
import type { TaggedTextSource } from './tagText';
import type { TextInferenceSource } from './textInference';

export interface TrainableModel {
  /** Distinct input tokens (or input columns of a series). */
  readonly vocabSize: number;
  /** Tokens, rows or values in the data. */
  readonly dataLength: number;
  readonly parameterCount: number;
  /** Threads each update runs on: 1, or more for a streamed run of several streams given worker threads. */
  readonly threadCount: number;
  /** Whether worker threads would run its updates on more than one thread (streamed data, a batch of 4 or more). */
  readonly couldUseThreads: boolean;
  /** Settles once its threads can take the first update (at once on one thread); rejects when they could not start. */
  threadsReady(): Promise<void>;
  /** Ends the run's worker threads, once its loop has ended for good (it never steps again after this). */
  releaseThreads(): void;
  readonly stepCount: number;
  /** What is held out of training (engine/heldOut.ts) and the updates of one pass over the training part. */
  readonly heldOut: HeldOutInfo;
  /** The loss on the held-out part now (undefined: nothing held out, or `shouldStop` turned true first). */
  scoreHeldOut(shouldStop?: () => boolean): HeldOutScore | undefined;
  /** One update; throws the engine's SequenceNumericFaultError (changing nothing) on a NaN or infinity. */
  step(): StepLike;
  /** Text for the Training panel: sampled text (token models), or predictions against the data with their error. */
  sample(length: number, temperature: number, greedy?: boolean, shouldStop?: () => boolean): string;
  /** model.safetensors and trainer-state.safetensors bytes of the state now. */
  checkpoint(): { model: Uint8Array; state: Uint8Array };
  /** New learning rate and clipping from the next update on (optimiser state kept). */
  reconfigure(config: Pick<TrainingConfig, 'learningRate' | 'clip'>): void;
  traceGradients(length: number, start?: number): GradientTrace;
  /** With `recurrence`, the trace also carries every term of that chain's step (RecurrenceTerms). */
  traceActivations(length: number, start?: number, recurrence?: RecurrenceAt): Promise<ActivationTrace>;
  /** The model and vocabulary for inference over an editor's text (character models; the others throw EngineInputError). */
  textInferenceSource(): TextInferenceSource;
  /** The tagger and its vocabularies for tagging an editor's token<TAB>tag text (tagged runs; the others throw EngineInputError). */
  taggedTextSource(): TaggedTextSource;
}
