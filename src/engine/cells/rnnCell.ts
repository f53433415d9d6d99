// The Elman RNN cell as torch.nn.RNN computes it, nonlinearity tanh or relu (one gate block, G = 1):
//
//   a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh = P_t + Q_t                                              (1)
//   h_t = act(a_t),  act = tanh or relu                                                                 (2)
//
// Backward, with dh = ∂L/∂h_t (from above plus from step t + 1):
//   δa_t = act'(a_t) ⊙ dh,  tanh' = 1 − h_t²,  relu' = [a_t > 0] (0 at the kink, as torch)               (3)
//   δP_t = δQ_t = δa_t,  ∂L/∂h_{t-1} = W_hhᵀ δa_t                                                        (4)
import { dot } from '../kernels';
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
    const H = this.hiddenSize;
    const { weightHh, biasHh } = this.w;
    const { inputProjection: P, preActivations: A, hs } = this;
    const relu = this.nonlinearity === 'relu';
    for (let t = 0; t < T; t++) {
      const prev = t * H;
      const cur = prev + H;
      for (let i = 0; i < H; i++) {
        // (1) a_t = P_t + W_hh h_{t-1} + b_hh,  (2) h_t = act(a_t)
        const a = P[prev + i] + biasHh[i] + dot(weightHh, i * H, hs, prev, H);
        A[prev + i] = a;
        hs[cur + i] = relu ? (a > 0 ? a : 0) : Math.tanh(a);
      }
    }
  }

  protected backwardSteps(T: number, dOut: Float64Array | null): void {
    const H = this.hiddenSize;
    const { preActivations: A, hs, dP, dh } = this;
    const relu = this.nonlinearity === 'relu';
    for (let t = T - 1; t >= 0; t--) {
      const row = t * H;
      for (let i = 0; i < H; i++) {
        const d = dOut ? dh[i] + dOut[row + i] : dh[i];
        const h = hs[row + H + i];
        // (3) δa_t = act'(a_t) ⊙ dh
        dP[row + i] = relu ? (A[row + i] > 0 ? d : 0) : (1 - h * h) * d;
      }
      // (4) ∂L/∂h_{t-1} = W_hhᵀ δa_t
      dh.fill(0);
      this.addHiddenGradient(t);
    }
  }
}
