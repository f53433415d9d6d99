// How many floating-point operations the bench's workloads cost, so that chars/s read as GFLOP/s.
/**
 * Nominal floating-point operations per character, counted as dense matrix products (as PyTorch computes them:
 * the one-hot input goes through a full product): a forward step is gates·H·(V+H) multiply-adds for the cell
 * (4 gates for the LSTM, 1 for the tanh RNN) plus V·H for the output layer, 2 FLOP each; training adds the backward
 * pass's two products of the same size (∂input and ∂weights), so it costs 3× the forward pass. Biases and
 * nonlinearities are left out (under 1% here).
 */
export function flopPerChar(cell: 'lstm' | 'rnn', mode: 'train' | 'infer', v: number, h: number): number {
  const gates = cell === 'lstm' ? 4 : 1;
  const forward = 2 * (gates * h * (v + h) + v * h);
  return mode === 'train' ? 3 * forward : forward;
}

