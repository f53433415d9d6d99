// The Elman RNN cell as torch.nn.RNN computes it, nonlinearity tanh or relu (one gate block, G = 1):
//
//   a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh = P_t + Q_t + b_hh                                       (1)
//   h_t = act(a_t),  act = tanh or relu                                                                 (2)
//
// Backward, with dh = ∂L/∂h_t (from above plus from step t + 1):
//   δa_t = act'(a_t) ⊙ dh,  tanh' = 1 − h_t²,  relu' = [a_t > 0] (0 at the kink, as torch)               (3)
//   δP_t = δQ_t = δa_t,  ∂L/∂h_{t-1} = W_hhᵀ δa_t                                                        (4)
// (1)–(3) are cellEquations.ts (R1)–(R2), run by cellChain.ts (the batched stack's driver) with one stream.
import type { ChainScratch } from './cellChain';
import { RecurrentCell, type CellWeights } from './recurrentCell';

export class RnnCell extends RecurrentCell {
  readonly nonlinearity: 'tanh' | 'relu';
  // preActivations row t holds a_t of (1).

  constructor(
    nonlinearity: 'tanh' | 'relu', inputSize: number, hiddenSize: number, maxSteps: number,
    weights: CellWeights, grads: CellWeights, scratch?: ChainScratch,
  ) {
    super(nonlinearity === 'tanh' ? 'rnn_tanh' : 'rnn_relu', inputSize, hiddenSize, maxSteps, weights, grads, scratch);
    this.nonlinearity = nonlinearity;
  }
}
