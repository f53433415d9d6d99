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
// (1)–(6) and ∂L/∂c_{t-1} are cellEquations.ts (L1)–(L5), shared with the batched stack; this class runs them on a
// batch of one.
import { lstmBackwardStep, lstmForwardStep } from './cellEquations';
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
  /** The running ∂L/∂c_t during backward. */
  private readonly dc: Float64Array;

  constructor(inputSize: number, hiddenSize: number, maxSteps: number, weights: CellWeights, grads: CellWeights) {
    super('lstm', inputSize, hiddenSize, maxSteps, weights, grads, false);
    this.gateValues = new Float64Array(maxSteps * 4 * hiddenSize);
    this.cs = new Float64Array((maxSteps + 1) * hiddenSize);
    this.tanhCs = new Float64Array(maxSteps * hiddenSize);
    this.dc0 = new Float64Array(hiddenSize);
    this.dc = new Float64Array(hiddenSize);
  }

  /** c_T after the last forward pass (a view). */
  get lastCell(): Float64Array {
    return this.cs.subarray(this.steps * this.hiddenSize, (this.steps + 1) * this.hiddenSize);
  }

  protected recur(T: number, c0: Float64Array | undefined): void {
    const H = this.hiddenSize;
    const { preActivations: P, q, gateValues: Z, cs, tanhCs, hs } = this;
    const { biasHh } = this.w;
    if (c0) cs.set(c0, 0);
    else cs.fill(0, 0, H);
    for (let t = 0; t < T; t++) {
      this.hiddenProjection(t);
      lstmForwardStep(P, q, biasHh, Z, cs, tanhCs, hs, t, 1, H); // (1)–(4)
    }
  }

  protected backwardSteps(T: number, dOut: Float64Array | null, dcT: Float64Array | null): void {
    const { gateValues: Z, cs, tanhCs, dP, dh, dc } = this;
    if (dcT) dc.set(dcT);
    else dc.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      lstmBackwardStep(Z, cs, tanhCs, dOut, dh, dc, dP, t, 1, this.hiddenSize); // (5), (6), dc ← dc ⊙ f, dh ← 0
      this.addHiddenGradient(t); // (7)
    }
    this.dc0.set(dc);
  }
}
