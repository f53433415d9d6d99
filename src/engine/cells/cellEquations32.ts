// GENERATED from cells/cellEquations.ts by scripts/generate-float32-engine.mjs: do not edit, edit cells/cellEquations.ts and run the script.
// The float32 path's own copy, so that V8 compiles it for Float32Arrays only (see the script).
// The equations of the three recurrent cells, written once: one time step of B streams, forward and backward. Their
// one caller is cellChain.ts, which the cells of this folder run with B = 1 (traces, bidirectional runs,
// RecurrentStack) and batchedStack.ts with the trainer's B streams; the float32 path runs the generated copies,
// cellChain32.ts and cellEquations32.ts.
//
// Layout, shared by both callers (time-major rows: row r = t·B + b is time t of stream b; G gate blocks of H):
//   P   rows r, G·H     on entry P_t = W_ih x_t + b_ih; the forward step overwrites it with the gates' pre-activations
//   q   rows b, G·H     W_hh h_{t−1} of this step, without b_hh (the caller's matrix product)
//   Z   rows r, G·H     gate values: GRU [r z n], LSTM [i f g o] (the RNN has none)
//   hs  slab t = h_{t−1}, slab t + 1 = h_t  (slab s holds rows s·B … s·B + B − 1, H each)
//   cs  LSTM: the same slabs for c;  tc  LSTM: row r = tanh(c_t);  qn  GRU: row r = Q_n + b_hn = W_hn h_{t−1} + b_hn
// Backward, per step t = T−1 … 0: dh (B × H) holds ∂L/∂h_t arriving from step t + 1, dY row r (or null) ∂L/∂h_t from
// above (the head or the next layer); the step writes δP_t (and δQ_t for the GRU; for the RNN and LSTM δQ_t = δP_t)
// and leaves in dh the direct part of ∂L/∂h_{t−1}; the caller then adds the part through the weights, δQ_t W_hh.
// dP may be P itself (the batched stack reuses it): every element of P is read before it is written.
//
// Elman RNN (torch.nn.RNN, G = 1):
//   a_t = P_t + Q_t + b_hh,  h_t = act(a_t), act = tanh or relu                                          (R1)
//   δa_t = act'(a_t) ⊙ d,  tanh' = 1 − h_t²,  relu' = [a_t > 0] = [h_t > 0] (0 at the kink, as torch)     (R2)
// GRU (torch.nn.GRU, blocks r, z, n, G = 3; b_hn sits inside the product with r, so Q_n is kept per step):
//   r_t = σ(P_r + Q_r + b_hr),  z_t = σ(P_z + Q_z + b_hz)                                                 (G1)
//   n_t = tanh(P_n + r_t ⊙ (Q_n + b_hn))                                                                  (G2)
//   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}                                                                  (G3)
//   δn = d ⊙ (1 − z) ⊙ (1 − n²)   δP_n = δn,  δQ_n = δn ⊙ r                                               (G4)
//   δz = d ⊙ (h_{t−1} − n) ⊙ z(1 − z)   δP_z = δQ_z = δz                                                  (G5)
//   δr = δn ⊙ (Q_n + b_hn) ⊙ r(1 − r)   δP_r = δQ_r = δr;   direct ∂L/∂h_{t−1} = d ⊙ z                   (G6)
// LSTM (torch.nn.LSTM, blocks i, f, g, o, G = 4):
//   [a_i; a_f; a_g; a_o] = P_t + Q_t + b_hh;  i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)          (L1)
//   c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)                                                       (L2)
//   dc ← dc + d ⊙ o ⊙ (1 − tanh²(c_t))   (dc = ∂L/∂c_t arriving from step t + 1)                          (L3)
//   δa_i = dc ⊙ g ⊙ i(1 − i)   δa_f = dc ⊙ c_{t−1} ⊙ f(1 − f)   δa_g = dc ⊙ i ⊙ (1 − g²)
//   δa_o = d ⊙ tanh(c_t) ⊙ o(1 − o)                                                                       (L4)
//   ∂L/∂c_{t−1} = dc ⊙ f;  direct ∂L/∂h_{t−1} = 0 (h_{t−1} enters only through Q_t)                       (L5)
// where d = dh + dY is the whole ∂L/∂h_t. Sums and nonlinearities run in double precision; a Float32Array rounds
// each stored value (the float32 path).
import type { Floats } from '../batchedKernels';

/** σ(a) = 1 / (1 + e^{−a}); e^{−a} overflows to +∞ for a < −709, which still gives the correct limit 0. */
export function sigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

/** (R1) for the B streams of step t. */
export function rnnForwardStep(relu: boolean, P: Floats, q: Floats, bhh: Floats, hs: Floats, t: number, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const row = (t * B + b) * H;
    const qb = b * H;
    const cur = row + B * H;
    for (let j = 0; j < H; j++) {
      const a = P[row + j] + q[qb + j] + bhh[j];
      P[row + j] = a;
      hs[cur + j] = relu ? (a > 0 ? a : 0) : Math.tanh(a);
    }
  }
}

/** (R2) for the B streams of step t: δP_t (= δQ_t) into dP; dh ← 0. */
export function rnnBackwardStep(relu: boolean, hs: Floats, dY: Floats | null, dh: Floats, dP: Floats, t: number, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const row = (t * B + b) * H;
    const hb = b * H;
    const cur = row + B * H;
    for (let j = 0; j < H; j++) {
      const d = dY ? dh[hb + j] + dY[row + j] : dh[hb + j];
      const h = hs[cur + j];
      dP[row + j] = relu ? (h > 0 ? d : 0) : (1 - h * h) * d;
      dh[hb + j] = 0;
    }
  }
}

/** (G1)–(G3) for the B streams of step t. */
export function gruForwardStep(P: Floats, q: Floats, bhh: Floats, Z: Floats, qn: Floats, hs: Floats, t: number, B: number, H: number): void {
  const GH = 3 * H;
  const H2 = 2 * H;
  for (let b = 0; b < B; b++) {
    const row = (t * B + b) * GH;
    const qb = b * GH;
    const prev = (t * B + b) * H;
    const cur = prev + B * H;
    for (let g = 0; g < H2; g++) {
      const a = P[row + g] + q[qb + g] + bhh[g];
      P[row + g] = a;
      Z[row + g] = sigmoid(a);
    }
    for (let j = 0; j < H; j++) {
      const qv = q[qb + H2 + j] + bhh[H2 + j];
      qn[prev + j] = qv;
      const a = P[row + H2 + j] + Z[row + j] * qv;
      P[row + H2 + j] = a;
      const n = Math.tanh(a);
      Z[row + H2 + j] = n;
      const z = Z[row + H + j];
      hs[cur + j] = (1 - z) * n + z * hs[prev + j];
    }
  }
}

/** (G4)–(G6) for the B streams of step t: δP_t into dP, δQ_t into dQ; dh ← d ⊙ z. */
export function gruBackwardStep(
  Z: Floats, qn: Floats, hs: Floats, dY: Floats | null, dh: Floats, dP: Floats, dQ: Floats, t: number, B: number, H: number,
): void {
  const GH = 3 * H;
  const H2 = 2 * H;
  for (let b = 0; b < B; b++) {
    const row = (t * B + b) * GH;
    const prev = (t * B + b) * H;
    const hb = b * H;
    for (let j = 0; j < H; j++) {
      const d = dY ? dh[hb + j] + dY[prev + j] : dh[hb + j];
      const r = Z[row + j];
      const z = Z[row + H + j];
      const n = Z[row + H2 + j];
      const dn = d * (1 - z) * (1 - n * n);
      const dz = d * (hs[prev + j] - n) * z * (1 - z);
      const dr = dn * qn[prev + j] * r * (1 - r);
      dP[row + j] = dr;
      dQ[row + j] = dr;
      dP[row + H + j] = dz;
      dQ[row + H + j] = dz;
      dP[row + H2 + j] = dn;
      dQ[row + H2 + j] = dn * r;
      dh[hb + j] = d * z;
    }
  }
}

/** (L1)–(L2) for the B streams of step t. */
export function lstmForwardStep(
  P: Floats, q: Floats, bhh: Floats, Z: Floats, cs: Floats, tc: Floats, hs: Floats, t: number, B: number, H: number,
): void {
  const GH = 4 * H;
  for (let b = 0; b < B; b++) {
    const row = (t * B + b) * GH;
    const qb = b * GH;
    const prev = (t * B + b) * H;
    const cur = prev + B * H;
    for (let g = 0; g < GH; g++) {
      // g (rows 2H … 3H−1) through tanh, i, f, o through σ
      const a = P[row + g] + q[qb + g] + bhh[g];
      P[row + g] = a;
      Z[row + g] = g >= 2 * H && g < 3 * H ? Math.tanh(a) : sigmoid(a);
    }
    for (let j = 0; j < H; j++) {
      const c = Z[row + H + j] * cs[prev + j] + Z[row + j] * Z[row + 2 * H + j];
      cs[cur + j] = c;
      const th = Math.tanh(c);
      tc[prev + j] = th;
      hs[cur + j] = Z[row + 3 * H + j] * th;
    }
  }
}

/** (L3)–(L5) for the B streams of step t: δP_t (= δQ_t) into dP; dc ← ∂L/∂c_{t−1}, dh ← 0. */
export function lstmBackwardStep(
  Z: Floats, cs: Floats, tc: Floats, dY: Floats | null, dh: Floats, dc: Floats, dP: Floats, t: number, B: number, H: number,
): void {
  const GH = 4 * H;
  for (let b = 0; b < B; b++) {
    const row = (t * B + b) * GH;
    const prev = (t * B + b) * H;
    const hb = b * H;
    for (let j = 0; j < H; j++) {
      const d = dY ? dh[hb + j] + dY[prev + j] : dh[hb + j];
      const i = Z[row + j];
      const f = Z[row + H + j];
      const g = Z[row + 2 * H + j];
      const o = Z[row + 3 * H + j];
      const th = tc[prev + j];
      const dcj = dc[hb + j] + d * o * (1 - th * th);
      dP[row + j] = dcj * g * i * (1 - i);
      dP[row + H + j] = dcj * cs[prev + j] * f * (1 - f);
      dP[row + 2 * H + j] = dcj * i * (1 - g * g);
      dP[row + 3 * H + j] = d * th * o * (1 - o);
      dc[hb + j] = dcj * f;
      dh[hb + j] = 0;
    }
  }
}
