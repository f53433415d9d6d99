// Viterbi with the whole trellis kept: δ_t(j) and the back-pointers ψ_t(j) for every node, which the Trellis panel
// shows (the engine's viterbiPath returns only the path). Same recursion and tie-breaking as the engine's:
//   δ_0(j) = log π_j + log B[j, o_0],   δ_t(j) = max_i [δ_{t−1}(i) + log A_ij] + log B[j, o_t],
//   ψ_t(j) = the maximising i (the lowest on ties), ψ_0(j) = −1.
import type { DiscreteHmm } from '../engine/hmm';

export interface Trellis {
  path: Int32Array;
  pathLogProbability: number;
  delta: Float64Array;
  backpointers: Int32Array;
}

export async function decodeTrellis(
  model: DiscreteHmm,
  observations: ArrayLike<number>,
  chunk = 20_000,
  pause: () => Promise<void> = async () => undefined,
): Promise<Trellis> {
  const { n, m } = model;
  const steps = observations.length;
  const logStart = model.start.map(Math.log);
  const logA = model.transition.map(Math.log);
  const logB = model.emission.map(Math.log);
  const delta = new Float64Array(steps * n);
  const back = new Int32Array(steps * n);
  const path = new Int32Array(steps);
  if (steps === 0) return { path, pathLogProbability: 0, delta, backpointers: back };
  for (let j = 0; j < n; j++) {
    delta[j] = logStart[j] + logB[j * m + observations[0]];
    back[j] = -1;
  }
  for (let t = 1; t < steps; t++) {
    const row = t * n;
    const prev = row - n;
    const o = observations[t];
    for (let j = 0; j < n; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < n; i++) {
        const v = delta[prev + i] + logA[i * n + j];
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      delta[row + j] = best + logB[j * m + o];
      back[row + j] = arg;
    }
    if (t % chunk === 0) await pause();
  }
  const last = (steps - 1) * n;
  let best = -Infinity;
  let arg = 0;
  for (let i = 0; i < n; i++) {
    if (delta[last + i] > best) {
      best = delta[last + i];
      arg = i;
    }
  }
  path[steps - 1] = arg;
  for (let t = steps - 1; t > 0; t--) path[t - 1] = back[t * n + path[t]];
  return { path, pathLogProbability: best, delta, backpointers: back };
}
