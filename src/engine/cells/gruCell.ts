// The GRU cell exactly as torch.nn.GRU computes it (gate blocks r, z, n along the rows of W_ih and W_hh, G = 3):
//
//   r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr) = σ(P_r + Q_r)                                        (1)
//   z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz) = σ(P_z + Q_z)                                        (2)
//   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn)) = tanh(P_n + r_t ⊙ Q_n)                    (3)
//   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}                                                                (4)
//
// b_hn sits inside the product with r_t, so Q_n is kept per step (hiddenN) for the backward pass:
//   δn = dh ⊙ (1 − z) ⊙ (1 − n²)          δP_n = δn,  δQ_n = δn ⊙ r                                      (5)
//   δz = dh ⊙ (h_{t-1} − n) ⊙ z(1 − z)    δP_z = δQ_z = δz                                               (6)
//   δr = δn ⊙ Q_n ⊙ r(1 − r)              δP_r = δQ_r = δr                                               (7)
//   ∂L/∂h_{t-1} = dh ⊙ z + W_hhᵀ δQ_t                                                                    (8)
import { dot } from '../kernels';
import { RecurrentCell, sigmoid, type CellWeights } from './recurrentCell';

export class GruCell extends RecurrentCell {
  // preActivations row t: [P_r + Q_r, P_z + Q_z, P_n + r ⊙ Q_n], the arguments of σ, σ, tanh in (1)–(3).
  /** Row t: [r_t, z_t, n_t] (maxSteps × 3H). */
  readonly gateValues: Float64Array;
  /** Row t: Q_n = W_hn h_{t-1} + b_hn (maxSteps × H). */
  readonly hiddenN: Float64Array;

  constructor(inputSize: number, hiddenSize: number, maxSteps: number, weights: CellWeights, grads: CellWeights) {
    super('gru', inputSize, hiddenSize, maxSteps, weights, grads, true);
    this.gateValues = new Float64Array(maxSteps * 3 * hiddenSize);
    this.hiddenN = new Float64Array(maxSteps * hiddenSize);
  }

  protected recur(T: number): void {
    const H = this.hiddenSize;
    const H2 = 2 * H;
    const GH = 3 * H;
    const { weightHh, biasHh } = this.w;
    const { inputProjection: P, preActivations: A, gateValues: Z, hiddenN, hs } = this;
    for (let t = 0; t < T; t++) {
      const prev = t * H;
      const cur = prev + H;
      const row = t * GH;
      // (1), (2): r and z blocks together, rows 0 … 2H−1
      for (let k = 0; k < H2; k++) {
        const a = P[row + k] + biasHh[k] + dot(weightHh, k * H, hs, prev, H);
        A[row + k] = a;
        Z[row + k] = sigmoid(a);
      }
      for (let j = 0; j < H; j++) {
        // (3) n = tanh(P_n + r ⊙ Q_n)
        const q = biasHh[H2 + j] + dot(weightHh, (H2 + j) * H, hs, prev, H);
        hiddenN[prev + j] = q;
        const a = P[row + H2 + j] + Z[row + j] * q;
        A[row + H2 + j] = a;
        const n = Math.tanh(a);
        Z[row + H2 + j] = n;
        // (4) h = (1 − z) n + z h_{t-1}
        const z = Z[row + H + j];
        hs[cur + j] = (1 - z) * n + z * hs[prev + j];
      }
    }
  }

  protected backwardSteps(T: number, dOut: Float64Array | null): void {
    const H = this.hiddenSize;
    const H2 = 2 * H;
    const GH = 3 * H;
    const { gateValues: Z, hiddenN, hs, dP, dQ, dh } = this;
    for (let t = T - 1; t >= 0; t--) {
      const prev = t * H;
      const row = t * GH;
      for (let j = 0; j < H; j++) {
        const d = dOut ? dh[j] + dOut[prev + j] : dh[j];
        const r = Z[row + j];
        const z = Z[row + H + j];
        const n = Z[row + H2 + j];
        const dn = d * (1 - z) * (1 - n * n); // (5)
        const dz = d * (hs[prev + j] - n) * z * (1 - z); // (6)
        const dr = dn * hiddenN[prev + j] * r * (1 - r); // (7)
        dP[row + j] = dr;
        dQ[row + j] = dr;
        dP[row + H + j] = dz;
        dQ[row + H + j] = dz;
        dP[row + H2 + j] = dn;
        dQ[row + H2 + j] = dn * r;
        dh[j] = d * z; // (8), the direct path through z ⊙ h_{t-1}
      }
      this.addHiddenGradient(t); // (8), the path through W_hh
    }
  }
}
