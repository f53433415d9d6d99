// One training run in the worker and its lifecycle: training ⇄ paused → finished. Steps run in slices of a few
// milliseconds with a yield to the event loop between slices, so pause / resume / step / stop act at once.
//   pause    at the next step boundary: progress, a checkpoint, `paused`
//   step     (paused only) exactly one update and its progress; it stays paused
//   resume   goes on training (`resumed`)
//   stop     works while training or paused: progress, a checkpoint, a sample, `finished`
// One update of a large model can take seconds: with an `interrupted` check (the host's shared counter of stop /
// pause requests, see src/shared/stepInterrupt.ts) the update in progress is abandoned between two of its time steps,
// changing nothing (src/engine/stepAbort.ts); the run yields, handles the request, and the checkpoint it posts is
// that of the last completed step.
// A NaN/Inf pauses the run before the bad update (the engine changes nothing on a fault): a checkpoint of that last
// good state, then `paused` with the fault, so the host can offer fixes (reconfigure) and resume.
// Checkpoints are also posted every checkpointEvery steps, but at most once per checkpointFloorMs of wall time, and
// always on pause, stop, completion and fault; never twice for the same state.
// Samples likewise: every sampleEvery steps, but at most once per sampleFloorMs of wall time (a small model takes
// thousands of steps a second, and a sample with its progress every 100 of them flooded the host and the panel with
// ~100 messages a second, so that they fell behind and a Stop took tens of seconds to show); always one at the end.
import { SequenceNumericFaultError } from '../engine/sequenceFault';
import { StepAbortedError, type AbortCheck } from '../engine/stepAbort';
import { DEFAULT_CHECKPOINT_EVERY, type TrainingConfig } from '../shared/trainingConfig';
import type { RunFault } from '../shared/run';
import type { WorkerToHost } from '../shared/protocol/trainingWorker';
import type { TrainableModel } from './trainableModel';
import { parallelThreadsFailed } from './parallelThreads';
import { ProgressBuffer } from './progressBuffer';

/** How long one slice of steps may hold the thread before yielding to messages. */
const SLICE_MS = 15;
/** How long a run's data-parallel threads may take to start before the run fails. */
export const THREADS_START_MS = 60_000;
/** The sample that closes a stopped run may take this long (a big model's 200 characters take seconds); then it ends. */
const FINAL_SAMPLE_BUDGET_MS = 200;
/** Progress is posted at most this often (the panels need no more). */
const PROGRESS_INTERVAL_MS = 100;
/**
 * The held-out part is scored when the training time since the last score is at least this many times what the
 * score took (≤ ~5% of the run's time), and at least HELD_OUT_FLOOR_MS apart; always at the start, pause and end.
 */
const HELD_OUT_COST_RATIO = 19;
const HELD_OUT_FLOOR_MS = 250;
/** Periodic checkpoints are posted at most this often (the host stores one per few seconds anyway). */
export const CHECKPOINT_FLOOR_MS = 2000;
/** Samples during training are posted at most this often (no one reads more than two a second). */
export const SAMPLE_FLOOR_MS = 500;

export type PostToHost = (message: WorkerToHost, transfer?: ArrayBuffer[]) => void;

export interface TrainingRunOptions {
  /** Wall clock in ms (default Date.now): slices, progress cadence and the checkpoint floor. */
  now?: () => number;
  /** True while a stop or pause waits to be handled: the update in progress is abandoned. */
  interrupted?: AbortCheck;
  /** Least wall time between two periodic checkpoints (default CHECKPOINT_FLOOR_MS). */
  checkpointFloorMs?: number;
  /** Least wall time between two samples posted during training (default SAMPLE_FLOOR_MS). */
  sampleFloorMs?: number;
  /** How long the model's data-parallel threads may take to start (default THREADS_START_MS). */
  threadsStartMs?: number;
}

/** A model whose updates can be abandoned half way (CharModel; others train each update whole). */
interface Abortable {
  setAbortCheck(check: AbortCheck | null): void;
}

function isAbortable(model: object): model is Abortable {
  return typeof (model as Partial<Abortable>).setAbortCheck === 'function';
}

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type StepOutcome = 'done' | 'fault' | 'aborted';

export class TrainingRun {
  private stopRequested = false;
  private pauseRequested = false;
  private paused = false;
  private pendingSteps = 0;
  private wake: (() => void) | undefined;
  /** Whether the model's data-parallel threads serve (awaitThreads), and until when they may take to. */
  private threadsUp = false;
  private readonly threadsStartMs: number;
  private threadsDeadline: number | undefined;
  /** The state of the last checkpoint posted (its step and the reconfiguration count then). */
  private lastCheckpoint = '';
  private reconfigurations = 0;
  private readonly progress: ProgressBuffer;
  private readonly now: () => number;
  private readonly checkpointFloorMs: number;
  private readonly sampleFloorMs: number;
  private lastSampleAt = -Infinity;
  /** True while a stop or pause from the host waits to be handled (the shared counter; absent in some tests). */
  private readonly interrupted: AbortCheck | undefined;
  private lastPost: number;
  private lastCheckpointAt: number;
  private lastLoss = NaN;
  private config: TrainingConfig;
  /** The step of the last held-out score posted (−1: none yet), what it cost and the training time since. */
  private heldOutStep = -1;
  private heldOutMs = 0;
  private trainedMsSinceHeldOut = 0;

  constructor(
    readonly runId: string,
    readonly model: TrainableModel,
    config: TrainingConfig,
    private readonly post: PostToHost,
    options: TrainingRunOptions = {},
  ) {
    this.config = config;
    this.now = options.now ?? Date.now;
    this.checkpointFloorMs = options.checkpointFloorMs ?? CHECKPOINT_FLOOR_MS;
    this.sampleFloorMs = options.sampleFloorMs ?? SAMPLE_FLOOR_MS;
    this.threadsStartMs = options.threadsStartMs ?? THREADS_START_MS;
    this.progress = new ProgressBuffer(1, this.now());
    this.lastPost = this.now();
    this.lastCheckpointAt = this.now();
    const interrupted = options.interrupted;
    this.interrupted = interrupted;
    if (interrupted && isAbortable(model)) model.setAbortCheck(interrupted);
  }

  pause(): void {
    if (this.paused) return;
    this.pauseRequested = true;
    this.wakeUp(); // a run waiting for its threads pauses at once
  }

  resume(): void {
    this.pauseRequested = false;
    // Single steps asked while paused are not carried past the pause (they would run at the next one).
    this.pendingSteps = 0;
    if (!this.paused) return;
    this.paused = false;
    this.post({ type: 'resumed', runId: this.runId, step: this.model.stepCount });
    this.wakeUp();
  }

  singleStep(): void {
    if (!this.paused) return;
    this.pendingSteps++;
    this.wakeUp();
  }

  stop(): void {
    this.stopRequested = true;
    this.wakeUp();
  }

  /**
   * Ends the run as failed (a request on it went wrong, e.g. a sample): it stops training and then says `failed`
   * with the message, so the host never shows failed a run that still trains (nor ignores Stop on one).
   */
  fail(message: string): void {
    if (!this.running) {
      // Its loop has ended (a finished run kept for sampling): nothing trains, say it now.
      this.post({ type: 'failed', runId: this.runId, message });
      return;
    }
    this.failure ??= message;
    this.stop();
  }
  private failure: string | undefined;
  private running = false;

  /**
   * New learning rate and clipping for the live trainer (optimiser state kept), from a config checked where it entered
   * the worker; throws the engine's EngineInputError (changing nothing) when the trainer refuses them.
   */
  reconfigure(config: TrainingConfig): void {
    const next = { ...this.config, learningRate: config.learningRate, clip: config.clip };
    this.model.reconfigure(next);
    this.config = next;
    this.reconfigurations++;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private flush(): void {
    const batch = this.progress.take(this.now());
    if (batch) this.post({ type: 'progress', runId: this.runId, ...batch }, [batch.losses.buffer as ArrayBuffer, batch.gradNorms.buffer as ArrayBuffer, batch.clipped.buffer as ArrayBuffer]);
    this.lastPost = this.now();
  }

  /**
   * A sample for the panel. It ends early (shorter, whole characters) when a stop or pause is waiting, and after
   * `budgetMs` when given, so sampling never holds up a request the way a whole step of a big model would.
   */
  private postSample(budgetMs?: number): void {
    const { sampleLength, temperature } = this.config;
    const deadline = budgetMs === undefined ? Infinity : this.now() + budgetMs;
    const shouldStop = () => this.interrupted?.() === true || this.now() > deadline;
    this.lastSampleAt = this.now();
    const text = this.model.sample(sampleLength, temperature, false, shouldStop);
    // Cut before its first character (a request was already waiting): keep the panel's previous sample.
    if (text === '' && sampleLength > 0) return;
    this.post({ type: 'sample', runId: this.runId, step: this.model.stepCount, temperature, text });
  }

  /** Scores the held-out part at this step (once per step; abandoned when a request waits) and posts it. */
  private scoreHeldOut(): void {
    const step = this.model.stepCount;
    if (step === this.heldOutStep || this.model.heldOut.heldOutCount === 0) return;
    const started = this.now();
    const score = this.model.scoreHeldOut(() => this.interrupted?.() === true);
    if (!score) return;
    this.heldOutMs = this.now() - started;
    this.trainedMsSinceHeldOut = 0;
    this.heldOutStep = step;
    this.post({ type: 'heldOut', runId: this.runId, step, loss: score.loss, ...(score.accuracy === undefined ? {} : { accuracy: score.accuracy }), count: score.count });
  }

  private checkpoint(): void {
    const key = `${this.model.stepCount}/${this.reconfigurations}`;
    if (key === this.lastCheckpoint) return;
    this.lastCheckpoint = key;
    this.lastCheckpointAt = this.now();
    const { model, state } = this.model.checkpoint();
    this.post({ type: 'checkpoint', runId: this.runId, step: this.model.stepCount, model, state }, [model.buffer as ArrayBuffer, state.buffer as ArrayBuffer]);
  }

  private enterPause(fault?: RunFault): void {
    this.pauseRequested = false;
    this.paused = true;
    this.flush();
    if (!fault) this.scoreHeldOut();
    this.checkpoint();
    this.post({ type: 'paused', runId: this.runId, step: this.model.stepCount, ...(fault ? { fault } : {}) });
  }

  /** One update: 'fault' on a NaN/Inf (the run is then paused at its last good state), 'aborted' when interrupted. */
  private stepOnce(): StepOutcome {
    let result;
    try {
      result = this.model.step();
    } catch (error) {
      if (error instanceof StepAbortedError) return 'aborted';
      if (!(error instanceof SequenceNumericFaultError)) throw error;
      this.enterPause({ message: error.message, tensor: error.tensor, step: error.step, ...(error.timeStep === undefined ? {} : { timeStep: error.timeStep }) });
      return 'fault';
    }
    this.lastLoss = result.loss;
    this.progress.add(result);
    if (result.step % this.config.sampleEvery === 0 && this.now() - this.lastSampleAt >= this.sampleFloorMs) {
      this.flush();
      this.postSample();
    }
    const every = this.config.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (result.step % every === 0 && this.now() - this.lastCheckpointAt >= this.checkpointFloorMs) {
      this.flush();
      this.checkpoint();
    }
    return 'done';
  }

  /**
   * Waits, before the first update, for the model's data-parallel threads to start (a browser starts nested workers
   * only while this thread is free, so no update may block on them before): until they serve, or a stop, pause,
   * resume or single step wakes the loop (which then acts on it and comes back here), for at most threadsStartMs in
   * all.
   * Threads that cannot start fail the run in words, and the worker's later runs train on one thread.
   */
  private async awaitThreads(): Promise<void> {
    this.threadsDeadline ??= this.now() + this.threadsStartMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.threadsStartMs / 1000} s`)), Math.max(0, this.threadsDeadline! - this.now()));
      });
      const woken = new Promise<'woken'>((resolve) => (this.wake = () => resolve('woken')));
      if ((await Promise.race([this.model.threadsReady(), late, woken])) !== 'woken') this.threadsUp = true;
    } catch (error) {
      parallelThreadsFailed();
      throw new Error(`The data-parallel training threads did not start (${describe(error)}). Start the run again: it will train on one thread.`, { cause: error });
    } finally {
      clearTimeout(timer);
      this.wake = undefined;
    }
  }

  /** Trains until config.steps or stop; `startPaused` waits paused at the model's step first. */
  async run(startPaused = false): Promise<void> {
    const { model, runId } = this;
    this.running = true;
    try {
      if (startPaused) {
        // The state was just restored from a checkpoint: nothing new to save.
        this.lastCheckpoint = `${model.stepCount}/0`;
        this.enterPause();
      }
      if (!startPaused) this.scoreHeldOut();
      while (!this.stopRequested) {
        if (this.paused) {
          if (this.pendingSteps > 0) {
            if (!this.threadsUp) {
              await this.awaitThreads();
              continue;
            }
            this.pendingSteps--;
            if (model.stepCount < this.config.steps) {
              const outcome = this.stepOnce();
              if (outcome === 'done') this.flush();
              if (outcome === 'aborted') {
                // Interrupted by a request not yet handled: take the step again afterwards unless it says stop.
                this.pendingSteps++;
                await yieldToMessages();
              }
            }
            continue;
          }
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        if (model.stepCount >= this.config.steps) break;
        if (!this.threadsUp) {
          if (this.pauseRequested) this.enterPause();
          else await this.awaitThreads();
          continue;
        }
        const sliceStart = this.now();
        const sliceEnd = sliceStart + SLICE_MS;
        while (!this.stopRequested && !this.pauseRequested && model.stepCount < this.config.steps && this.now() < sliceEnd) {
          if (this.stepOnce() !== 'done') break;
        }
        this.trainedMsSinceHeldOut += this.now() - sliceStart;
        if (!this.paused && !this.stopRequested && !this.pauseRequested
          && this.trainedMsSinceHeldOut >= Math.max(HELD_OUT_FLOOR_MS, HELD_OUT_COST_RATIO * this.heldOutMs)) {
          this.flush();
          this.scoreHeldOut();
        }
        if (this.paused) continue;
        if (this.pauseRequested && !this.stopRequested) {
          this.enterPause();
          continue;
        }
        if (this.now() - this.lastPost >= PROGRESS_INTERVAL_MS) this.flush();
        await yieldToMessages();
      }
      this.flush();
      if (!this.stopRequested) this.scoreHeldOut();
      this.checkpoint();
      if (this.failure === undefined) this.postSample(this.stopRequested ? FINAL_SAMPLE_BUDGET_MS : undefined);
      if (this.failure !== undefined) this.post({ type: 'failed', runId, message: this.failure });
      else this.post({ type: 'finished', runId, reason: this.stopRequested ? 'stopped' : 'completed', steps: model.stepCount, finalLoss: this.lastLoss });
    } catch (error) {
      this.flush();
      this.post({ type: 'failed', runId, message: describe(error) });
    } finally {
      this.running = false;
      if (isAbortable(model)) model.setAbortCheck(null);
      // The loop never starts again (a finished run is kept for sampling and traces, which need no threads).
      model.releaseThreads();
    }
  }
}
