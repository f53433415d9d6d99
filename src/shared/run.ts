// What the host, the Runs tree and the panels know about one training run.
import type { TrainingConfig } from './trainingConfig';

export type RunStatus = 'starting' | 'training' | 'completed' | 'stopped' | 'failed';

export interface RunInfo {
  id: string;
  /** File name shown to the user (basename); the full path never leaves the host. */
  fileLabel: string;
  /** e.g. "char RNN · tanh · H=64" or "char LSTM · 2 layers · H=64" (see modelLabel in trainingConfig.ts). */
  modelLabel: string;
  config: TrainingConfig;
  status: RunStatus;
  /** Set once the worker has read the data. */
  vocabSize?: number;
  dataLength?: number;
  parameterCount?: number;
  /** Why it failed or stopped, in words. */
  message?: string;
}

/** A batch of consecutive training steps, as typed arrays (steps firstStep … firstStep+n-1). */
export interface StepBatch {
  firstStep: number;
  /** Mean cross-entropy per character, in nats. */
  losses: Float32Array;
  /** Global L2 norm of the gradient before clipping. */
  gradNorms: Float32Array;
  /** 1 where the gradient was clipped at that step. */
  clipped: Uint8Array;
  /** Training throughput over the batch. */
  charsPerSecond: number;
}

export interface TextSample {
  step: number;
  temperature: number;
  text: string;
}
