// The GRU cell exactly as torch.nn.GRU computes it (gate blocks r, z, n along the rows of W_ih and W_hh, G = 3):
//
//   r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr) = σ(P_r + Q_r + b_hr)                                 (1)
//   z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz) = σ(P_z + Q_z + b_hz)                                 (2)
//   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn)) = tanh(P_n + r_t ⊙ (Q_n + b_hn))           (3)
//   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}                                                                (4)
//
// b_hn sits inside the product with r_t, so Q_n + b_hn is kept per step (hiddenN) for the backward pass:
//   δn = dh ⊙ (1 − z) ⊙ (1 − n²)          δP_n = δn,  δQ_n = δn ⊙ r                                      (5)
//   δz = dh ⊙ (h_{t-1} − n) ⊙ z(1 − z)    δP_z = δQ_z = δz                                               (6)
//   δr = δn ⊙ (Q_n + b_hn) ⊙ r(1 − r)     δP_r = δQ_r = δr                                               (7)
//   ∂L/∂h_{t-1} = dh ⊙ z + W_hhᵀ δQ_t                                                                    (8)
// (1)–(7) and the direct part of (8) are cellEquations.ts (G1)–(G6), run by cellChain.ts (the batched stack's
// driver) with one stream.
import type { ChainScratch } from './cellChain';
import { RecurrentCell, type CellWeights } from './recurrentCell';

export class GruCell extends RecurrentCell {
  // preActivations row t: [P_r + Q_r + b_hr, P_z + Q_z + b_hz, P_n + r ⊙ (Q_n + b_hn)], the arguments of σ, σ,
  // tanh in (1)–(3).
  /** Row t: [r_t, z_t, n_t] (maxSteps × 3H). */
  readonly gateValues: Float64Array;
  /** Row t: Q_n + b_hn = W_hn h_{t-1} + b_hn (maxSteps × H). */
  readonly hiddenN: Float64Array;

  constructor(inputSize: number, hiddenSize: number, maxSteps: number, weights: CellWeights, grads: CellWeights, scratch?: ChainScratch) {
    super('gru', inputSize, hiddenSize, maxSteps, weights, grads, scratch);
    this.gateValues = this.chain.Z as Float64Array;
    this.hiddenN = this.chain.qn as Float64Array;
  }
}
