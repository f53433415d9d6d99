// The sequence-lab side of the benchmark table: SequenceTrainer steps (training: B streams through the batched
// engine, optionally sharded over worker threads) and forward-only chunks of the same batched engine with the state
// carried (inference).
import { BatchedStack } from '../src/engine/batchedStack';
import { BatchedStack32 } from '../src/engine/batchedStack32';
import { SequenceTrainer } from '../src/engine/sequenceTrainer';
import { crossEntropyStep } from '../src/engine/stepLoss';
import type { Dtype } from '../src/engine/streamShard';
import { WorkerShards } from '../src/parallel/workerShards';
import type { PeerModel } from './tfjsPeer';

/** `threads` > 1: data-parallel training over that many threads (the inference side stays on one thread). */
export function makeEngineModel(
  cell: 'lstm' | 'rnn', V: number, H: number, B: number, T: number, ids: Int32Array, clip: number, threads = 1, dtype: Dtype = 'float64',
): PeerModel {
  const trainer = new SequenceTrainer(
    { kind: 'next-token', ids, vocabularySize: V },
    { cell, layers: 1, hiddenSize: H, bidirectional: false, seqLength: T, batch: B, optimizer: { kind: 'adam', learningRate: 0.002 }, clip, seed: 1, dtype },
    threads > 1 ? { parallel: new WorkerShards({ threads }) } : {},
  );
  const P = trainer.model.parameterCount;
  const inference = dtype === 'float32' ? new BatchedStack32(trainer.model, B, T, new Float32Array(P)) : new BatchedStack(trainer.model, B, T, new Float64Array(P));
  const S = Math.floor((ids.length - 1) / B);
  const h = new Float64Array(B * H);
  const c = new Float64Array(B * H);
  let p = 0;
  return {
    train: () => trainer.step().tokens,
    infer(): number {
      if (p + T > S) {
        p = 0;
        h.fill(0);
        c.fill(0);
      }
      const at = p;
      const o = inference.forward(T, { id: (t, b) => ids[b * S + at + t] }, h, cell === 'lstm' ? c : null);
      let loss = 0;
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) loss += crossEntropyStep(o, t * B + b, V, ids[b * S + at + t + 1], 0);
      inference.readStates(T, h, cell === 'lstm' ? c : null);
      p += T;
      if (!Number.isFinite(loss)) throw new Error('inference loss is not finite');
      return B * T;
    },
    dispose: () => trainer.dispose(),
  };
}
