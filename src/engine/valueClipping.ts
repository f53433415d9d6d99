// Per-value gradient clipping, as torch.nn.utils.clip_grad_value_: g_i ← min(max(g_i, −c), c). c = 0 turns it off.

/** Clips every entry of `grads` to [−maxValue, maxValue] in place; returns how many entries were changed. */
export function clipGradientValues(grads: Float64Array, maxValue: number): number {
  if (!(maxValue > 0)) return 0;
  let changed = 0;
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    if (g > maxValue) {
      grads[i] = maxValue;
      changed++;
    } else if (g < -maxValue) {
      grads[i] = -maxValue;
      changed++;
    }
  }
  return changed;
}
