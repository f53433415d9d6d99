// Training a RecurrentStack (RNN tanh/relu, GRU, LSTM; layers; bidirectional for tagging) on one of the three kinds
// of SequenceData, with B parallel streams per update, truncated BPTT, a choice of optimiser and clipping.
//
// Streams (next-token and series). The N − 1 positions that have a next value are cut into B equal segments
// (segment length S = ⌊(N − 1)/B⌋, stream b covers positions b·S … b·S + S − 1, as PyTorch's "batchify"); all
// streams advance together, and each stream carries its own hidden state from update to update.
//
// Truncated BPTT(k1, k2) (Williams & Peng): every update takes the k1 NEW positions p … p + k1 − 1 of every stream
// and backpropagates through the last k2 steps ending at p + k1:
//   window  [w, e) with e = p + k1, w = max(0, e − k2)      (forward with gradient, from the state carried to w)
//   loss    over positions max(p, w) … e − 1 only           (k2 > k1: the k2 − k1 older steps are context; their
//                                                            losses were counted by earlier updates)
//   k2 < k1: positions p … w − 1 are run forward without gradient first (their losses are not counted)
// so k1 = k2 is plain chunking. The state carried to the next update is taken at its window start
// w' = max(0, e + k1 − k2) (or at e when w' ≥ e), detached, so no step is run forward twice with different states.
// When a segment has no k1 new positions left, every stream wraps to its start with zero state (a new epoch).
//
// The batch loss is the mean over all counted steps of all streams (cross-entropy per token in nats; squared error
// per value for series), L = (1/(B·n)) Σ_b Σ_t ℓ_{b,t}; its gradient is the mean of the streams' gradients.
//
// Tagging: sequences are taken B at a time in file order (wrapping); each runs whole from a zero state (full BPTT,
// bidirectional allowed); L = Σ_b Σ_t ℓ_{b,t} / Σ_b T_b.
//
// Streamed data runs all B streams at once through BatchedStack (matrix-matrix kernels over the streams); tagging
// runs each sequence through the RecurrentStack (bidirectional allowed) and sums the weighted gradients.
//
// Each update: check parameters → forward/backward → check activations (first bad layer / time step / stream),
// loss and gradients (first bad tensor by PyTorch name) → clip by
// global norm, then per value → optimiser step. A NaN/Inf anywhere throws SequenceNumericFaultError before the
// update: parameters, optimiser state, hidden states and the cursor stay as they were.
//
// An update is a transaction: forward and backward work on copies of the carried states (hWork/cWork → hNext/cNext)
// and a zeroed gradient; only commit() and the optimiser change the trainer. So an abort check (abortCheck, polled
// between time steps) can abandon it half way by throwing StepAbortedError, leaving exportState() as it was.
//
// What the trainer is asked to train, and the engine's check of it, is sequenceTrainerConfig.ts.
import { clipGradients, globalNorm } from './clipping';
import { EngineInputError } from './errors';
import { applyInitialisation } from './initialisation';
import { createOptimizer, type Optimizer } from './optimizers';
import { Prng } from './prng';
import { RecurrentStack } from './recurrentStack';
import type { SequenceData } from './sequenceData';
import { SequenceNumericFaultError } from './sequenceFault';
import { throwIfAborted, type AbortCheck } from './stepAbort';
import { crossEntropyStep } from './stepLoss';
import { MIN_STREAMS_PER_SHARD, splitStreams, StreamShard, type ParallelShards, type ShardResult, type ShardWindow } from './streamShard';
import { findNonFinite, tensorView } from './tensorLayout';
import { clipGradientValues } from './valueClipping';
import { optimizerState, restoreOptimizerState, type TrainerState } from './trainerState';
import { cellKindOf, checkTrainerConfig, type SequenceTrainerConfig } from './sequenceTrainerConfig';

export { cellKindOf, type ModelKind, type SequenceModelConfig, type SequenceTrainerConfig } from './sequenceTrainerConfig';

export interface SequenceStepResult {
  /** 1-based number of this update. */
  step: number;
  /** Epoch this update belongs to (0-based): how many times the data has wrapped. */
  epoch: number;
  /** Mean loss of the counted steps, before the update. */
  loss: number;
  /** Counted (loss-bearing) steps over all streams. */
  tokens: number;
  /** Global L2 norm of the gradient before and after clipping. */
  gradNorm: number;
  gradNormAfterClip: number;
  /** Whether any clipping changed the gradient. */
  clipped: boolean;
  /** Entries changed by per-value clipping. */
  valuesClipped: number;
  /** ‖Δθ‖ / ‖θ‖ per tensor (by PyTorch name) for this update. */
  updateRatios: Record<string, number>;
}

export class SequenceTrainer {
  readonly config: Readonly<SequenceTrainerConfig>;
  readonly data: SequenceData;
  readonly model: RecurrentStack;
  /** k1 and k2 after clamping to the segment length (streamed data); 0 for tagging. */
  readonly k1: number;
  readonly k2: number;
  /** S: positions per stream (streamed data); 0 for tagging. */
  readonly segmentLength: number;
  readonly batch: number;

  private readonly optimizer: Optimizer;
  /** Σ over streams of the stacks' gradients (already weighted): the batch gradient. */
  readonly gradient: Float64Array;
  private readonly before: Float64Array;
  /** Carried states, stream b at row block b (B × layers·D·H), committed; work copies during an update. */
  private readonly h: Float64Array;
  private readonly c: Float64Array;
  private readonly hWork: Float64Array;
  private readonly cWork: Float64Array;
  private readonly hNext: Float64Array;
  private readonly cNext: Float64Array;
  private readonly stateSize: number;
  /** The streams this thread runs (all B, or the first shard with a parallel backend); null for tagging. */
  private readonly shard: StreamShard | null;
  /** Worker threads running the other shards of every streamed update (see streamShard.ts), or null. */
  private readonly parallel: ParallelShards | null;
  /** Threads an update runs on: this one, plus the parallel backend's shards (1 without one, or for tagging). */
  readonly threadCount: number;
  /**
   * Whether a parallel backend of two threads or more would run this trainer's updates on more than one: streamed data
   * of at least 2 · MIN_STREAMS_PER_SHARD streams (a tagger's sentences always stay on one thread).
   */
  readonly couldShard: boolean;

  /** Next new position p within every segment, and the position the carried states belong to. */
  private position = 0;
  private statePosition = 0;
  private epochs = 0;
  /** Tagging: index of the next sequence. */
  private cursor = 0;
  private steps = 0;
  private abortChecker: AbortCheck | null = null;

  /** `options.parallel`: run the streams of streamed data in shards on worker threads (src/parallel). */
  constructor(data: SequenceData, config: SequenceTrainerConfig, options: { parallel?: ParallelShards } = {}) {
    checkTrainerConfig(data, config);
    this.config = { ...config };
    this.data = data;
    const B = config.batch;
    const k1 = config.seqLength;
    const k2 = config.truncate ?? k1;
    let maxSteps: number;
    if (data.kind === 'tagging') {
      this.k1 = 0;
      this.k2 = 0;
      this.segmentLength = 0;
      // A loop, not Math.max(...): a spread of 150,000 sentences overflows the call stack.
      maxSteps = data.sequences.reduce((m, s) => Math.max(m, s.ids.length), 0);
      this.batch = B;
    } else {
      const N = data.kind === 'next-token' ? data.ids.length : data.length;
      const S = Math.floor((N - 1) / B);
      if (S < 1) throw new EngineInputError(`The data has ${N - 1} positions to predict, fewer than the ${B} streams of a batch.`);
      this.segmentLength = S;
      this.k1 = Math.min(k1, S);
      this.k2 = Math.min(k2, S);
      this.batch = B;
      maxSteps = Math.max(this.k1, this.k2);
    }
    const inputSize = data.kind === 'series' ? data.features : data.vocabularySize;
    const outputSize = data.kind === 'series' ? data.features : data.kind === 'tagging' ? data.tagCount : data.vocabularySize;
    const rng = new Prng(config.seed);
    this.model = new RecurrentStack(
      {
        cell: cellKindOf(config), inputSize, hiddenSize: config.hiddenSize, layers: config.layers,
        bidirectional: config.bidirectional, outputSize, embedding: config.embedding, maxSteps,
      },
      rng,
    );
    if (config.init) applyInitialisation(this.model, config.init, rng);
    const P = this.model.parameterCount;
    this.optimizer = createOptimizer(P, config.optimizer);
    this.gradient = new Float64Array(P);
    this.before = new Float64Array(P);
    this.stateSize = config.layers * this.model.directions * config.hiddenSize;
    const isLstm = config.cell === 'lstm';
    if (data.kind === 'tagging') {
      this.shard = null;
      this.parallel = null;
      this.threadCount = 1;
      this.couldShard = false;
    } else {
      const shards = splitStreams(B, options.parallel?.shardCount(B) ?? 1);
      const dtype = config.dtype ?? 'float64';
      this.shard = new StreamShard(this.model, data, 0, shards[0].count, this.segmentLength, maxSteps, this.gradient, dtype);
      this.parallel = shards.length > 1 ? options.parallel! : null;
      this.threadCount = shards.length;
      this.couldShard = Math.floor(B / MIN_STREAMS_PER_SHARD) >= 2;
      this.parallel?.attach({
        model: this.model.config, parameterCount: P, data, segmentLength: this.segmentLength, maxSteps, stateSize: this.stateSize,
        lstm: isLstm, dtype, ranges: shards.slice(1),
      });
    }
    const states = B * this.stateSize;
    this.h = new Float64Array(states);
    this.hWork = new Float64Array(states);
    this.hNext = new Float64Array(states);
    this.c = new Float64Array(isLstm ? states : 0);
    this.cWork = new Float64Array(isLstm ? states : 0);
    this.cNext = new Float64Array(isLstm ? states : 0);
  }

  get stepCount(): number {
    return this.steps;
  }

  /**
   * Polled before an update and between the time steps of its forward and backward passes (this thread's shard; a
   * parallel backend's shards finish their part first): true abandons the update with StepAbortedError, changing
   * nothing. null: never abandon.
   */
  set abortCheck(check: AbortCheck | null) {
    this.abortChecker = check;
    if (this.shard) this.shard.abortCheck = check;
  }

  get abortCheck(): AbortCheck | null {
    return this.abortChecker;
  }

  get epoch(): number {
    return this.epochs;
  }

  /** The next new position p within every segment (streamed data; 0 for tagging). Reading it changes nothing. */
  get dataPosition(): number {
    return this.position;
  }

  /** The carried hidden states (B × layers·D·H, a view of the committed buffer). */
  get hiddenState(): Float64Array {
    return this.h;
  }

  get cellState(): Float64Array {
    return this.c;
  }

  /** One update. Throws SequenceNumericFaultError (changing nothing) on a NaN or ±Infinity. */
  step(): SequenceStepResult {
    const stepNumber = this.steps + 1;
    const model = this.model;
    throwIfAborted(this.abortChecker);
    const bad = findNonFinite(model.params, model.tensors);
    if (bad) throw new SequenceNumericFaultError(bad.tensor, 'parameter', stepNumber, bad.value);
    this.gradient.fill(0);
    const r = this.data.kind === 'tagging' ? this.tagGradient(stepNumber) : this.streamGradient(stepNumber);
    if (!Number.isFinite(r.loss)) throw new SequenceNumericFaultError('loss', 'loss', stepNumber, r.loss);
    const badGrad = findNonFinite(this.gradient, model.tensors);
    if (badGrad) throw new SequenceNumericFaultError(badGrad.tensor, 'gradient', stepNumber, badGrad.value);

    // Clipping: global norm first (torch.nn.utils.clip_grad_norm_), then per value (clip_grad_value_).
    const { norm, clipped } = clipGradients(this.gradient, this.config.clip);
    const valuesClipped = clipGradientValues(this.gradient, this.config.clipValue ?? 0);
    const after = clipped || valuesClipped > 0 ? globalNorm(this.gradient) : norm;
    this.before.set(model.params);
    this.optimizer.step(model.params, this.gradient);
    const updateRatios: Record<string, number> = {};
    for (const t of model.tensors) {
      const p = tensorView(model.params, t);
      const q = tensorView(this.before, t);
      let dd = 0;
      let pp = 0;
      for (let i = 0; i < p.length; i++) {
        const d = p[i] - q[i];
        dd += d * d;
        pp += q[i] * q[i];
      }
      updateRatios[t.name] = Math.sqrt(dd) / Math.max(Math.sqrt(pp), 1e-12);
    }
    r.commit();
    this.steps = stepNumber;
    return {
      step: stepNumber, epoch: r.epoch, loss: r.loss, tokens: r.tokens, gradNorm: norm, gradNormAfterClip: after,
      clipped: clipped || valuesClipped > 0, valuesClipped, updateRatios,
    };
  }

  /**
   * Throws when the last forward left a non-finite hidden state (checked first, layer by layer: a ReLU maps NaN to 0,
   * so the outputs alone can look fine) or output: names the first bad layer state and its time step.
   */
  private checkForward(T: number, stepNumber: number, stream: number): void {
    const model = this.model;
    const H = model.config.hiddenSize;
    const D = model.directions;
    for (let c = 0; c < model.cells.length; c++) {
      const hs = model.cells[c].hs;
      for (let s = 1; s <= T; s++) {
        for (let j = 0; j < H; j++) {
          const v = hs[s * H + j];
          if (v - v !== 0) {
            const name = `h_l${Math.floor(c / D)}${c % D === 1 ? '_reverse' : ''}`;
            throw new SequenceNumericFaultError(name, 'loss', stepNumber, v, c % D === 1 ? T - s : s - 1, stream);
          }
        }
      }
    }
    const K = model.config.outputSize;
    const o = model.outputs;
    for (let i = 0; i < T * K; i++) {
      if (o[i] - o[i] !== 0) throw new SequenceNumericFaultError('head output', 'loss', stepNumber, o[i], Math.floor(i / K), stream);
    }
  }

  /** Adds the stack's gradient into the batch gradient. */
  private accumulate(): void {
    const g = this.gradient;
    const s = this.model.grads;
    for (let i = 0; i < g.length; i++) g[i] += s[i];
  }

  private tagGradient(stepNumber: number): { loss: number; tokens: number; epoch: number; commit: () => void } {
    const data = this.data as Extract<SequenceData, { kind: 'tagging' }>;
    const model = this.model;
    const K = model.config.outputSize;
    const n = data.sequences.length;
    let total = 0;
    for (let b = 0; b < this.batch; b++) total += data.sequences[(this.cursor + b) % n].ids.length;
    const weight = 1 / total;
    let loss = 0;
    for (let b = 0; b < this.batch; b++) {
      throwIfAborted(this.abortChecker);
      const seq = data.sequences[(this.cursor + b) % n];
      const T = seq.ids.length;
      model.forward({ ids: seq.ids });
      this.checkForward(T, stepNumber, b);
      for (let t = 0; t < T; t++) loss += crossEntropyStep(model.outputs, t, K, seq.tags[t], weight);
      model.backwardFromOutputGradient();
      this.accumulate();
    }
    const next = this.cursor + this.batch;
    const epoch = Math.floor(this.cursor / n);
    return {
      loss: loss * weight, tokens: total, epoch,
      commit: () => {
        this.cursor = next;
        this.epochs = Math.floor(next / n);
      },
    };
  }

  private streamGradient(stepNumber: number): { loss: number; tokens: number; epoch: number; commit: () => void } {
    const model = this.model;
    const { k1, k2, segmentLength: S } = this;
    const B = this.batch;
    const K = model.config.outputSize;
    const isLstm = this.config.cell === 'lstm';
    let p = this.position;
    let statePos = this.statePosition;
    let epoch = this.epochs;
    if (p + k1 > S) {
      p = 0;
      statePos = 0;
      epoch++;
      this.hWork.fill(0);
      this.cWork.fill(0);
    } else {
      this.hWork.set(this.h);
      this.cWork.set(this.c);
    }
    const e = p + k1;
    const w = Math.max(0, e - k2);
    const lossFrom = Math.max(p, w);
    const counted = e - lossFrom;
    const T = e - w;
    const nextWindow = Math.max(0, e + k1 - k2);
    const keep = Math.min(nextWindow, e) - w; // row of hs holding the state carried to the next update
    const weight = this.data.kind === 'series' ? 1 / (B * counted * K) : 1 / (B * counted);
    const win: ShardWindow = { statePosition: statePos, w, T, lossFrom, keep, weight };
    const own = this.shard!;
    const n = own.count * this.stateSize;
    const c = (buffer: Float64Array): Float64Array | null => (isLstm ? buffer.subarray(0, n) : null);
    this.parallel?.start(model.params, win, this.hWork, isLstm ? this.cWork : null);
    let ownResult: ShardResult;
    try {
      ownResult = own.run(win, this.hWork.subarray(0, n), c(this.cWork), this.hNext.subarray(0, n), c(this.cNext));
    } catch (error) {
      // Abandoned (or failed): collect the other shards' part of this update so the next one starts in step; what
      // they write (gradient, next states) is scratch until commit.
      this.parallel?.finish(this.gradient, this.hNext, isLstm ? this.cNext : null, this.abortChecker);
      throw error;
    }
    const results: ShardResult[] = [ownResult];
    // Remote gradients are added after this shard's, in shard order: the sum does not depend on timing.
    if (this.parallel) results.push(...this.parallel.finish(this.gradient, this.hNext, isLstm ? this.cNext : null, this.abortChecker));
    throwFirstFault(results, stepNumber);
    let loss = 0;
    for (const r of results) loss += r.loss;
    return {
      loss: loss * weight, tokens: B * counted, epoch,
      commit: () => {
        this.h.set(this.hNext);
        this.c.set(this.cNext);
        this.statePosition = w + keep;
        this.position = e;
        this.epochs = epoch;
      },
    };
  }

  /**
   * Settles once the parallel backend's threads can take the first update (at once without one); rejects when they
   * could not start. A browser's nested workers need this thread's event loop to start: await it before step().
   */
  threadsReady(): Promise<void> {
    return this.parallel?.ready?.() ?? Promise.resolve();
  }

  /** Stops the worker threads of a parallel backend (nothing to do otherwise). */
  dispose(): void {
    this.parallel?.dispose();
  }

  // ── Checkpoints (see trainerState.ts): the state beyond the parameters, to go on bit for bit ──

  /** Copies of the optimiser state, counters and carried states (the parameters are model.params). */
  exportState(): TrainerState {
    const o = optimizerState(this.optimizer);
    const buffers: Record<string, Float64Array> = {};
    for (const [name, b] of Object.entries(o.buffers)) buffers[name] = b.slice();
    return {
      counters: { steps: this.steps, epochs: this.epochs, position: this.position, statePosition: this.statePosition, cursor: this.cursor },
      optimizer: { ...o, buffers },
      h: this.h.slice(),
      c: this.c.slice(),
    };
  }

  /** Restores exportState's result (checked against this trainer's sizes; EngineInputError when it does not fit). */
  importState(state: TrainerState): void {
    if (state.h.length !== this.h.length || state.c.length !== this.c.length) {
      throw new EngineInputError(`The trainer state holds ${state.h.length} hidden values, but this model carries ${this.h.length}.`);
    }
    const k = state.counters;
    if (this.data.kind !== 'tagging' && (k.position > this.segmentLength || k.statePosition > k.position)) {
      throw new EngineInputError(`The trainer state's data position ${k.position} does not fit this data (${this.segmentLength} positions per stream).`);
    }
    restoreOptimizerState(this.optimizer, state.optimizer);
    this.h.set(state.h);
    this.c.set(state.c);
    this.steps = k.steps;
    this.epochs = k.epochs;
    this.position = k.position;
    this.statePosition = k.statePosition;
    this.cursor = k.cursor;
  }

  /**
   * Changes the learning rate and/or the global-norm clipping threshold from the next update on, keeping the
   * optimiser's state (moments, momentum, t) as it is.
   */
  reconfigure(change: { learningRate?: number; clip?: number }): void {
    const optimizer = { ...this.config.optimizer, learningRate: change.learningRate ?? this.config.optimizer.learningRate };
    const next = { ...this.config, optimizer, clip: change.clip ?? this.config.clip };
    checkTrainerConfig(this.data, next);
    const saved = optimizerState(this.optimizer);
    const replacement = createOptimizer(this.model.parameterCount, optimizer);
    restoreOptimizerState(replacement, saved);
    const self = this as unknown as { config: SequenceTrainerConfig; optimizer: Optimizer };
    self.config = next;
    self.optimizer = replacement;
  }
}

/** Throws the first fault of the shards as the single-thread trainer would: hidden states (layer, t, stream) first. */
function throwFirstFault(results: ShardResult[], stepNumber: number): void {
  let hidden: Extract<ShardResult['fault'], { where: 'hidden' }> | null = null;
  let output: Extract<ShardResult['fault'], { where: 'output' }> | null = null;
  for (const { fault: f } of results) {
    if (f?.where === 'hidden' && (!hidden || f.layer < hidden.layer || (f.layer === hidden.layer && (f.t < hidden.t || (f.t === hidden.t && f.stream < hidden.stream))))) hidden = f;
    if (f?.where === 'output' && (!output || f.t < output.t || (f.t === output.t && f.stream < output.stream))) output = f;
  }
  if (hidden) throw new SequenceNumericFaultError(`h_l${hidden.layer}`, 'loss', stepNumber, hidden.value, hidden.t, hidden.stream);
  if (output) throw new SequenceNumericFaultError('head output', 'loss', stepNumber, output.value, output.t, output.stream);
}
