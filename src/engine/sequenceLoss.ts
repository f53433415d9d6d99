// The per-step losses of a sequence model, over its outputs o_t (rows of a T × K buffer), with their gradient:
//
//   cross-entropy:  L = (1/T) Σ_t −log softmax(o_t)[target_t]        ∂L/∂o_t = (softmax(o_t) − onehot(target_t)) / T
//   mean squared:   L = (1/(T·K)) Σ_t Σ_j (o_t[j] − target_t[j])²     ∂L/∂o_t = 2 (o_t − target_t) / (T·K)
//
// as torch's F.cross_entropy and F.mse_loss with reduction "mean". Next-token prediction is cross-entropy with
// the following ids as targets; per-step classification is cross-entropy with given class ids.

/** Class ids per step for cross-entropy, or target rows (T × K) for the mean squared error. */
export type LossTarget = { kind: 'cross-entropy'; targets: Int32Array } | { kind: 'mse'; targets: Float64Array };

/** Returns L and replaces each row o_t of `o` (T × K) by ∂L/∂o_t, in place (no allocation). */
export function lossAndOutputGradient(o: Float64Array, T: number, K: number, target: LossTarget): number {
  let loss = 0;
  if (target.kind === 'cross-entropy') {
    const ys = target.targets;
    if (ys.length !== T) throw new RangeError(`${ys.length} targets for ${T} steps`);
    // All checks before the first write, so a refused target leaves o unchanged.
    for (let t = 0; t < T; t++) {
      if (!(ys[t] >= 0 && ys[t] < K)) throw new RangeError(`target ${ys[t]} at step ${t} is outside the ${K} classes`);
    }
    const scale = 1 / T;
    for (let t = 0; t < T; t++) {
      const row = t * K;
      const y = ys[t];
      // −log softmax(o)[y] = log Σ_k exp(o_k − max) − (o_y − max), stable; ∂/∂o = (softmax(o) − onehot(y)) / T
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (o[row + k] > max) max = o[row + k];
      const oy = o[row + y];
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(o[row + k] - max);
        o[row + k] = e;
        sum += e;
      }
      loss += Math.log(sum) - (oy - max);
      const inv = scale / sum;
      for (let k = 0; k < K; k++) o[row + k] *= inv;
      o[row + y] -= scale;
    }
    return loss * scale;
  }
  const ys = target.targets;
  if (ys.length !== T * K) throw new RangeError(`${ys.length} target values for ${T} steps × ${K} outputs`);
  // L = (1/(T·K)) Σ e², ∂L/∂o = 2 e / (T·K), e = o − target
  const scale = 1 / (T * K);
  for (let i = 0; i < T * K; i++) {
    const e = o[i] - ys[i];
    loss += e * e;
    o[i] = 2 * scale * e;
  }
  return loss * scale;
}
