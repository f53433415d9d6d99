// The LSTM cell exactly as torch.nn.LSTM computes it (gate blocks i, f, g, o along the rows of W_ih and W_hh, G = 4):
//
//   [a_i; a_f; a_g; a_o] = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh = P_t + Q_t + b_hh                     (1)
//   i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)                                                 (2)
//   c_t = f ⊙ c_{t-1} + i ⊙ g                                                                            (3)
//   h_t = o ⊙ tanh(c_t)                                                                                  (4)
//
// Backward, with dh = ∂L/∂h_t and dc = ∂L/∂c_t arriving from step t + 1:
//   dc ← dc + dh ⊙ o ⊙ (1 − tanh²(c_t))                                                                  (5)
//   δa_i = dc ⊙ g ⊙ i(1 − i)   δa_f = dc ⊙ c_{t-1} ⊙ f(1 − f)   δa_g = dc ⊙ i ⊙ (1 − g²)
//   δa_o = dh ⊙ tanh(c_t) ⊙ o(1 − o)                                                                     (6)
//   δP_t = δQ_t = δa_t,  ∂L/∂h_{t-1} = W_hhᵀ δa_t,  ∂L/∂c_{t-1} = dc ⊙ f                                  (7)
// (1)–(6) and ∂L/∂c_{t-1} are cellEquations.ts (L1)–(L5), run by cellChain.ts (the batched stack's driver) with
// one stream.
import type { ChainScratch } from './cellChain';
import { RecurrentCell, type CellWeights } from './recurrentCell';

export class LstmCell extends RecurrentCell {
  // preActivations row t: [a_i, a_f, a_g, a_o] of (1).
  /** Row t: [i, f, g, o] (maxSteps × 4H). */
  readonly gateValues: Float64Array;
  /** Row 0 is c_0, row t + 1 is c_t ((maxSteps + 1) × H). */
  readonly cs: Float64Array;
  /** Row t: tanh(c_t) (maxSteps × H). */
  readonly tanhCs: Float64Array;
  /** ∂L/∂c_0, valid after backward. */
  readonly dc0: Float64Array;

  constructor(inputSize: number, hiddenSize: number, maxSteps: number, weights: CellWeights, grads: CellWeights, scratch?: ChainScratch) {
    super('lstm', inputSize, hiddenSize, maxSteps, weights, grads, scratch);
    this.gateValues = this.chain.Z as Float64Array;
    this.cs = this.chain.cs as Float64Array;
    this.tanhCs = this.chain.tc as Float64Array;
    this.dc0 = new Float64Array(hiddenSize);
  }

  /** c_T after the last forward pass (a view). */
  get lastCell(): Float64Array {
    return this.cs.subarray(this.length * this.hiddenSize, (this.length + 1) * this.hiddenSize);
  }

  protected backwardDone(): void {
    this.dc0.set(this.chain.dc);
  }
}
