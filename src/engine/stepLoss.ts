// The loss of ONE step t of a sequence model's outputs, with a caller-chosen weight, writing ∂(w·ℓ_t)/∂o_t into the
// row in place — the building block of masked and batch-averaged losses (truncated BPTT counts only some steps):
//   cross-entropy  ℓ_t = −log softmax(o_t)[y_t]          ∂(w ℓ_t)/∂o_t = w (softmax(o_t) − onehot(y_t))
//   squared error  ℓ_t = Σ_j (o_t[j] − y_t[j])²           ∂(w ℓ_t)/∂o_t = 2 w (o_t − y_t)
// Returns ℓ_t unweighted. A batch mean over N steps (of K outputs for MSE) uses w = 1/N (w = 1/(N·K)).

/** Cross-entropy of row `row` (offset row·K) against class y; returns ℓ_t. */
export function crossEntropyStep(o: Float64Array | Float32Array, row: number, K: number, y: number, weight: number): number {
  const base = row * K;
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (o[base + k] > max) max = o[base + k];
  const oy = o[base + y];
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(o[base + k] - max);
    o[base + k] = e;
    sum += e;
  }
  const inv = weight / sum;
  for (let k = 0; k < K; k++) o[base + k] *= inv;
  o[base + y] -= weight;
  return Math.log(sum) - (oy - max);
}

/** Squared error of row `row` against y[yOff … yOff + K); returns Σ_j e_j². */
export function squaredErrorStep(o: Float64Array | Float32Array, row: number, K: number, y: Float64Array, yOff: number, weight: number): number {
  const base = row * K;
  let loss = 0;
  for (let k = 0; k < K; k++) {
    const e = o[base + k] - y[yOff + k];
    loss += e * e;
    o[base + k] = 2 * weight * e;
  }
  return loss;
}
