// One training run in the worker and its lifecycle: training ⇄ paused → finished. Steps run in slices of a few
// milliseconds with a yield to the event loop between slices, so pause / resume / step / stop act at once.
//   pause    at the next step boundary: progress, a checkpoint, `paused`
//   step     (paused only) exactly one update and its progress; it stays paused
//   resume   goes on training (`resumed`)
//   stop     works while training or paused: progress, a checkpoint, a sample, `finished`
// A NaN/Inf pauses the run before the bad update (the engine changes nothing on a fault): a checkpoint of that last
// good state, then `paused` with the fault, so the host can offer fixes (reconfigure) and resume.
// Checkpoints are also posted every checkpointEvery steps and on completion; never twice for the same state.
import { SequenceNumericFaultError } from '../engine/sequenceFault';
import { EngineInputError } from '../engine/errors';
import { DEFAULT_CHECKPOINT_EVERY, validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';
import type { RunFault } from '../shared/run';
import type { WorkerToHost } from '../shared/workerProtocol';
import type { CharModel } from './charModel';
import { ProgressBuffer } from './progressBuffer';

/** How long one slice of steps may hold the thread before yielding to messages. */
const SLICE_MS = 15;
/** Progress is posted at most this often (the panels need no more). */
const PROGRESS_INTERVAL_MS = 100;

export type PostToHost = (message: WorkerToHost, transfer?: ArrayBuffer[]) => void;

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class TrainingRun {
  private stopRequested = false;
  private pauseRequested = false;
  private paused = false;
  private pendingSteps = 0;
  private wake: (() => void) | undefined;
  /** The state of the last checkpoint posted (its step and the reconfiguration count then). */
  private lastCheckpoint = '';
  private reconfigurations = 0;
  private readonly progress = new ProgressBuffer(1);
  private lastPost = Date.now();
  private lastLoss = NaN;
  private config: TrainingConfig;

  constructor(
    readonly runId: string,
    readonly model: CharModel,
    config: TrainingConfig,
    private readonly post: PostToHost,
  ) {
    this.config = config;
  }

  pause(): void {
    if (!this.paused) this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
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

  /** New learning rate and clipping for the live trainer (optimiser state kept); throws EngineInputError (changing nothing) when out of range. */
  reconfigure(config: TrainingConfig): void {
    const next = { ...this.config, learningRate: config.learningRate, clipNorm: config.clipNorm };
    const problems = validateTrainingConfig(next);
    if (problems.length > 0) throw new EngineInputError(`The new settings are out of range: ${problems.join('; ')}.`);
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
    const batch = this.progress.take(Date.now());
    if (batch) this.post({ type: 'progress', runId: this.runId, ...batch }, [batch.losses.buffer as ArrayBuffer, batch.gradNorms.buffer as ArrayBuffer, batch.clipped.buffer as ArrayBuffer]);
    this.lastPost = Date.now();
  }

  private postSample(): void {
    const { sampleLength, temperature } = this.config;
    this.post({ type: 'sample', runId: this.runId, step: this.model.stepCount, temperature, text: this.model.sample(sampleLength, temperature) });
  }

  private checkpoint(): void {
    const key = `${this.model.stepCount}/${this.reconfigurations}`;
    if (key === this.lastCheckpoint) return;
    this.lastCheckpoint = key;
    const { model, state } = this.model.checkpoint();
    this.post({ type: 'checkpoint', runId: this.runId, step: this.model.stepCount, model, state }, [model.buffer as ArrayBuffer, state.buffer as ArrayBuffer]);
  }

  private enterPause(fault?: RunFault): void {
    this.pauseRequested = false;
    this.paused = true;
    this.flush();
    this.checkpoint();
    this.post({ type: 'paused', runId: this.runId, step: this.model.stepCount, ...(fault ? { fault } : {}) });
  }

  /** One update; false when it hit a NaN/Inf (the run is then paused at its last good state). */
  private stepOnce(): boolean {
    let result;
    try {
      result = this.model.step();
    } catch (error) {
      if (!(error instanceof SequenceNumericFaultError)) throw error;
      this.enterPause({ message: error.message, tensor: error.tensor, step: error.step, ...(error.timeStep === undefined ? {} : { timeStep: error.timeStep }) });
      return false;
    }
    this.lastLoss = result.loss;
    this.progress.add(result);
    if (result.step % this.config.sampleEvery === 0) {
      this.flush();
      this.postSample();
    }
    if (result.step % (this.config.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY) === 0) {
      this.flush();
      this.checkpoint();
    }
    return true;
  }

  /** Trains until maxSteps or stop; `startPaused` waits paused at the model's step first. */
  async run(startPaused = false): Promise<void> {
    const { model, runId } = this;
    try {
      if (startPaused) {
        // The state was just restored from a checkpoint: nothing new to save.
        this.lastCheckpoint = `${model.stepCount}/0`;
        this.enterPause();
      }
      while (!this.stopRequested) {
        if (this.paused) {
          if (this.pendingSteps > 0) {
            this.pendingSteps--;
            if (model.stepCount < this.config.maxSteps && this.stepOnce()) this.flush();
            continue;
          }
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        if (model.stepCount >= this.config.maxSteps) break;
        const sliceEnd = Date.now() + SLICE_MS;
        while (!this.stopRequested && !this.pauseRequested && model.stepCount < this.config.maxSteps && Date.now() < sliceEnd) {
          if (!this.stepOnce()) break;
        }
        if (this.paused) continue;
        if (this.pauseRequested && !this.stopRequested) {
          this.enterPause();
          continue;
        }
        if (Date.now() - this.lastPost >= PROGRESS_INTERVAL_MS) this.flush();
        await yieldToMessages();
      }
      this.flush();
      this.checkpoint();
      this.postSample();
      this.post({ type: 'finished', runId, reason: this.stopRequested ? 'stopped' : 'completed', steps: model.stepCount, finalLoss: this.lastLoss });
    } catch (error) {
      this.flush();
      this.post({ type: 'failed', runId, message: describe(error) });
    }
  }
}
