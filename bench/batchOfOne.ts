// Issue 16, item 6: a trace's window through RecurrentStack (the batch-of-one cells: cells/cellChain.ts with one
// stream) against the batched stack at B = 1 (the same chain per layer). One forward and one backward (head included,
// ∂L/∂O given) over a window of T steps, one-hot input of V = 65, one layer, per cell kind, both paths in the same
// process on the same weights; median of runs.
// Run: node --import tsx bench/batchOfOne.ts [T, default 128] [H, default 128]
import { BatchedStack } from '../src/engine/batchedStack';
import { Prng } from '../src/engine/prng';
import { RecurrentStack } from '../src/engine/recurrentStack';

const T = Number(process.argv[2] ?? 128);
const H = Number(process.argv[3] ?? 128);
const V = 65;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Milliseconds per call of `run`, median of 15 after a warm-up of 5. */
function time(run: () => void): number {
  for (let i = 0; i < 5; i++) run();
  const ms: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    run();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

const rng = new Prng(16);
const ids = Int32Array.from({ length: T }, () => Math.floor(rng.next() * V));
const dO = Float64Array.from({ length: T * V }, () => (rng.next() - 0.5) / T);
console.log(`T = ${T}, H = ${H}, V = ${V}: ms per forward + backward (median of 15)`);
console.log('cell      cells (B = 1)   batched (B = 1)   batched / cells');
for (const cell of ['rnn_tanh', 'gru', 'lstm'] as const) {
  const stack = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: 1, bidirectional: false, outputSize: V, maxSteps: T }, new Prng(1));
  const batched = new BatchedStack(stack, 1, T, new Float64Array(stack.parameterCount));
  const cells = time(() => {
    stack.forward({ ids });
    stack.outputs.set(dO);
    stack.backwardFromOutputGradient();
  });
  const oneStream = time(() => {
    batched.forward(T, { id: (t) => ids[t] }, null, null);
    batched.outputs.set(dO);
    batched.backward();
  });
  console.log(`${cell.padEnd(10)}${cells.toFixed(2).padStart(13)}${oneStream.toFixed(2).padStart(18)}${(oneStream / cells).toFixed(2).padStart(18)}`);
}
