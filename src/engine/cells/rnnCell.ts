// The Elman RNN cell as torch.nn.RNN computes it, nonlinearity tanh or relu (one gate block, G = 1):
//
//   a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh = P_t + Q_t + b_hh                                       (1)
//   h_t = act(a_t),  act = tanh or relu                                                                 (2)
//
// Backward, with dh = ∂L/∂h_t (from above plus from step t + 1):
//   δa_t = act'(a_t) ⊙ dh,  tanh' = 1 − h_t²,  relu' = [a_t > 0] (0 at the kink, as torch)               (3)
//   δP_t = δQ_t = δa_t,  ∂L/∂h_{t-1} = W_hhᵀ δa_t                                                        (4)
// (1)–(3) are cellEquations.ts (R1)–(R2), shared with the batched stack; this class runs them on a batch of one.
import { rnnBackwardStep, rnnForwardStep } from './cellEquations';
import { RecurrentCell, type CellWeights } from './recurrentCell';

export class RnnCell extends RecurrentCell {
  readonly nonlinearity: 'tanh' | 'relu';
  // preActivations row t holds a_t of (1).

  constructor(
    nonlinearity: 'tanh' | 'relu', inputSize: number, hiddenSize: number, maxSteps: number,
    weights: CellWeights, grads: CellWeights,
  ) {
    super(nonlinearity === 'tanh' ? 'rnn_tanh' : 'rnn_relu', inputSize, hiddenSize, maxSteps, weights, grads, false);
    this.nonlinearity = nonlinearity;
  }

  protected recur(T: number): void {
    const relu = this.nonlinearity === 'relu';
    const { preActivations: P, q, hs } = this;
    const { biasHh } = this.w;
    for (let t = 0; t < T; t++) {
      this.hiddenProjection(t);
      rnnForwardStep(relu, P, q, biasHh, hs, t, 1, this.hiddenSize); // (1), (2)
    }
  }

  protected backwardSteps(T: number, dOut: Float64Array | null): void {
    const relu = this.nonlinearity === 'relu';
    const { hs, dh, dP } = this;
    for (let t = T - 1; t >= 0; t--) {
      rnnBackwardStep(relu, hs, dOut, dh, dP, t, 1, this.hiddenSize); // (3), dh ← 0
      this.addHiddenGradient(t); // (4)
    }
  }
}
