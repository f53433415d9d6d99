// One shard of a streamed (next-token or series) training update: the streams first … first + count − 1 of the B
// streams of SequenceTrainer, run through their own BatchedStack. The trainer runs one shard over all B streams on
// its own; with a ParallelShards backend (src/parallel/) it runs the first shard itself while worker threads
// run the others with the same parameters, and the shard gradients are then summed in shard order.
//
// Data parallelism: the batch loss is L = (1/(B·n)) Σ_b Σ_t ℓ_{b,t}, a sum over streams, so its gradient is the sum
// of the shards' gradients, each computed with the same weight 1/(B·n). Summed in a fixed order the result does not
// depend on timing (but, the additions being grouped differently, it is not bit-identical to one shard over all B).
//
// dtype 'float32' runs the shard's BatchedStack on Float32Arrays (see batchedStack.ts) and adds its float32
// gradient into the float64 gradient of the trainer, where clipping and the optimiser work as for float64.
import { BatchedStack } from './batchedStack';
import { BatchedStack32 } from './batchedStack32';
import type { RecurrentStack } from './recurrentStack';
import type { NextTokenData, SeriesData } from './sequenceData';
import { crossEntropyStep, squaredErrorStep } from './stepLoss';
import type { AbortCheck } from './stepAbort';

/** The window of one update (see the truncated-BPTT comment of sequenceTrainer.ts). */
export interface ShardWindow {
  /** Position the work states belong to; the shard runs forward without gradient from here to w. */
  statePosition: number;
  /** Window start w, length T, first counted position lossFrom, slab of hs carried to the next update. */
  w: number;
  T: number;
  lossFrom: number;
  keep: number;
  /** Weight of every counted step: 1/(B·n) (1/(B·n·K) for series). */
  weight: number;
}

/** A non-finite hidden value ([layer, t, stream]) or head output ([t, stream]), stream numbered over all B. */
export type ShardFault =
  | { where: 'hidden'; layer: number; t: number; stream: number; value: number }
  | { where: 'output'; t: number; stream: number; value: number };

export interface ShardResult {
  /** Σ of the unweighted per-step losses of the counted steps of this shard's streams. */
  loss: number;
  fault: ShardFault | null;
}

export type Dtype = 'float32' | 'float64';

export class StreamShard {
  readonly first: number;
  readonly count: number;
  private readonly batched: BatchedStack | BatchedStack32;
  private readonly grads: Float64Array;
  /** The float32 path's own gradient buffer (null for float64, which writes into grads directly). */
  private readonly grads32: Float32Array | null;

  /**
   * `segmentLength` S and `maxSteps` as the trainer's; `grads` (the stack's layout) receives this shard's gradient
   * (zeroed by run).
   */
  constructor(
    model: RecurrentStack,
    private readonly data: NextTokenData | SeriesData,
    first: number, count: number,
    private readonly segmentLength: number,
    maxSteps: number,
    grads: Float64Array,
    dtype: Dtype = 'float64',
  ) {
    this.first = first;
    this.count = count;
    this.grads = grads;
    this.grads32 = dtype === 'float32' ? new Float32Array(grads.length) : null;
    this.batched = this.grads32 ? new BatchedStack32(model, count, maxSteps, this.grads32) : new BatchedStack(model, count, maxSteps, grads);
  }

  /** Polled between the time steps of this shard's forward and backward (see stepAbort.ts). */
  set abortCheck(check: AbortCheck | null) {
    this.batched.abortCheck = check;
  }

  /** The batched input of this shard's streams at positions from + t (t < T) of their segments. */
  private input(from: number): Parameters<BatchedStack['forward']>[1] {
    const S = this.segmentLength;
    const first = this.first;
    if (this.data.kind === 'next-token') {
      const ids = this.data.ids;
      return { id: (t, b) => ids[(first + b) * S + from + t] };
    }
    const { rows, features: F } = this.data;
    return {
      row: (t, b, out, off) => {
        const at = ((first + b) * S + from + t) * F;
        for (let j = 0; j < F; j++) out[off + j] = rows[at + j];
      },
    };
  }

  /**
   * One update's forward and backward for this shard. h / c (count × states, stream-major) hold the work states at
   * win.statePosition and are advanced in place to w; hNext / cNext receive the states carried to the next update.
   * Stops at the first non-finite hidden value or output (gradient then undefined).
   */
  run(win: ShardWindow, h: Float64Array, c: Float64Array | null, hNext: Float64Array, cNext: Float64Array | null): ShardResult {
    const batched = this.batched;
    const B = this.count;
    const K = batched.model.config.outputSize;
    const { w, T, lossFrom, keep, weight } = win;
    this.grads.fill(0);
    this.grads32?.fill(0);
    // Positions statePosition … w − 1 without gradient (k2 < k1), in pieces the stack can hold.
    for (let p = win.statePosition; p < w; p += batched.maxSteps) {
      const q = Math.min(w, p + batched.maxSteps);
      batched.forward(q - p, this.input(p), h, c);
      batched.readStates(q - p, h, c);
    }
    batched.forward(T, this.input(w), h, c);
    const bad = batched.firstNonFiniteHidden();
    if (bad) return { loss: NaN, fault: { where: 'hidden', layer: bad[0], t: bad[1], stream: this.first + bad[2], value: bad[3] } };
    const o = batched.outputs;
    for (let i = 0; i < T * B * K; i++) {
      if (o[i] - o[i] !== 0) {
        return { loss: NaN, fault: { where: 'output', t: Math.floor(i / (B * K)), stream: this.first + (Math.floor(i / K) % B), value: o[i] } };
      }
    }
    let loss = 0;
    // Context steps (before lossFrom) get no loss: zero their output gradient. Row r = t·B + b.
    o.fill(0, 0, (lossFrom - w) * B * K);
    const S = this.segmentLength;
    const data = this.data;
    for (let t = lossFrom - w; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const target = (this.first + b) * S + w + t + 1;
        loss += data.kind === 'series'
          ? squaredErrorStep(o, t * B + b, K, data.rows, target * K, weight)
          : crossEntropyStep(o, t * B + b, K, data.ids[target], weight);
      }
    }
    batched.backward();
    const g32 = this.grads32;
    if (g32) {
      const g = this.grads;
      for (let i = 0; i < g.length; i++) g[i] += g32[i];
    }
    batched.readStates(keep, hNext, cNext);
    return { loss, fault: null };
  }
}

/** Splits B streams into `parts` contiguous ranges, as equal as possible, the larger ones first. */
export function splitStreams(B: number, parts: number): { first: number; count: number }[] {
  const n = Math.max(1, Math.min(parts, B));
  const out: { first: number; count: number }[] = [];
  let first = 0;
  for (let i = 0; i < n; i++) {
    const count = Math.floor(B / n) + (i < B % n ? 1 : 0);
    out.push({ first, count });
    first += count;
  }
  return out;
}

/**
 * Streams per shard below which a backend uses no more threads: one stream per thread is not worth the copies, so a
 * batch needs 2 · MIN_STREAMS_PER_SHARD streams to run on two threads.
 */
export const MIN_STREAMS_PER_SHARD = 2;

/** What a backend needs to build the remote shards: the model's architecture, the data and the stream ranges. */
export interface ShardSpec {
  model: RecurrentStack['config'];
  parameterCount: number;
  data: NextTokenData | SeriesData;
  segmentLength: number;
  maxSteps: number;
  /** States per stream (layers · H). */
  stateSize: number;
  lstm: boolean;
  dtype: Dtype;
  /** The streams of each remote shard (the trainer runs the streams before the first range itself). */
  ranges: { first: number; count: number }[];
}

/**
 * Runs shards of a streamed update elsewhere (worker threads), synchronously for the trainer: start() hands the
 * current parameters and work states to every remote shard and returns at once, the trainer computes its own shard,
 * then finish() waits for all of them.
 */
export interface ParallelShards {
  /** How many shards in all (the trainer's own included) this backend wants for B streams. */
  shardCount(B: number): number;
  attach(spec: ShardSpec): void;
  /**
   * Settles once every remote shard can take jobs (a browser's workers start only while their creator's thread is
   * free, so the trainer must not block on them before this); rejects when one could not start.
   */
  ready?(): Promise<void>;
  /** h / c: the work states of ALL B streams (stream-major); each shard reads its rows. */
  start(params: Float64Array, win: ShardWindow, h: Float64Array, c: Float64Array | null): void;
  /**
   * Waits for every remote shard; adds their gradients into `gradient` in shard order, writes their carried states
   * into the rows of hNext / cNext (all B streams) and returns their results in shard order. A wait that outlasts a
   * second gives way to `abort` (StepAbortedError), so a thread that died cannot hold the trainer for ever.
   */
  finish(gradient: Float64Array, hNext: Float64Array, cNext: Float64Array | null, abort?: AbortCheck | null): ShardResult[];
  dispose(): void;
}
