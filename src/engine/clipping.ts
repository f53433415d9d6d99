// Gradient clipping by global L2 norm: ‖g‖ = sqrt(Σ_i g_i²) over all parameters at once; when ‖g‖ > maxNorm,
// g ← g · maxNorm / ‖g‖ (same direction, length maxNorm). maxNorm = 0 turns clipping off.

/** sqrt(Σ g_i²). */
export function globalNorm(grads: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i] * grads[i];
  return Math.sqrt(sum);
}

/** Clips `grads` in place; `norm` is the norm before clipping. */
export function clipGradients(grads: Float64Array, maxNorm: number): { norm: number; clipped: boolean } {
  const norm = globalNorm(grads);
  if (maxNorm > 0 && norm > maxNorm) {
    const factor = maxNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= factor;
    return { norm, clipped: true };
  }
  return { norm, clipped: false };
}
