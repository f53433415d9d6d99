// What the host, the Runs tree and the panels know about one training run.
import type { TrainingConfig } from './trainingConfig';

export type RunStatus = 'starting' | 'training' | 'paused' | 'completed' | 'stopped' | 'failed'
  /** Stored run that was starting or training when its window closed (see src/training/runStore.ts). */
  | 'interrupted';

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
  /**
   * Threads each update of this window's run uses (set when it starts): more than 1 for a run of several streams on a
   * machine of several cores (the desktop); 1 on the web, or for one stream. Not stored: a stored run has none.
   */
  threads?: number;
  /** Set when this window's run could have trained data-parallel (a batch of 4 streams or more) but uses one thread. */
  oneThreadReason?: OneThreadReason;
  /** Why it failed or stopped, in words. */
  message?: string;
  /** Set while the run is paused by a NaN/Inf (cleared when it resumes). */
  fault?: RunFault;
  /** Set when the run was started from an experiment file (*.seqlab.json): its workspace-relative path and SHA-256. */
  experiment?: { label: string; sha256: string };
  /** What the worker held out of training, once it has read the data (absent for runs older than held-out loss). */
  heldOut?: HeldOutInfo;
}

/**
 * Why a run that could train data-parallel trains on one thread: the worker has no SharedArrayBuffer (a web page that
 * is not cross-origin isolated), or an earlier run's threads did not start in this worker (a browser that refused
 * nested workers).
 */
export type OneThreadReason = 'no-shared-memory' | 'threads-did-not-start';

/** The held-out part of a run's data (src/engine/heldOut.ts) and how far one pass over the training part goes. */
export interface HeldOutInfo {
  /** e.g. "the last 10% of the characters", "4 of the 40 sequences (10%), drawn with seed 42", or why none is held out. */
  description: string;
  /** Targets (tokens, tags, rows or sequences) in the training part and in the held-out part (0: none held out). */
  trainCount: number;
  heldOutCount: number;
  /** Updates of one pass (epoch) over the training part. */
  stepsPerEpoch: number;
}

/** One evaluation of the held-out part, in the training loss's unit. */
export interface HeldOutPoint {
  step: number;
  loss: number;
  /** Share of targets whose most probable class is right (token runs). */
  accuracy?: number;
  /** Targets scored. */
  count: number;
}

/** Where a NaN or infinity first appeared: the run paused before the update that would have used it. */
export interface RunFault {
  /** The engine's sentence, e.g. "Numeric fault at step 12 (h_l0 at time step 3 of the chunk): …". */
  message: string;
  /** PyTorch name of the first bad tensor (or h_l0, head output, loss). */
  tensor: string;
  /** Time step within the chunk, when known. */
  timeStep?: number;
  /** The update that went bad (the run stays at step − 1, its last good state). */
  step: number;
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
  /** The most probable character at each step (argmax), not a draw at `temperature`. */
  greedy?: boolean;
}
