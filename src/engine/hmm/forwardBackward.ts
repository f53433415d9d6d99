// The emission-agnostic core of every HMM here: the scaled forward and backward recursions, state posteriors,
// expected transition counts and Viterbi, on a Markov chain {π, A} over N states and a matrix of emission
// likelihoods E[t·N + i] = b_i(o_t) (t = 0..T−1), which the discrete and Gaussian models fill in.
//
// Scaling (Rabiner 1989, §V.A): with c_t the sum of the unscaled forward row at step t,
//   α̂_0(i) = π_i b_i(o_0) / c_0,                   c_0 = Σ_i π_i b_i(o_0)
//   α̂_t(j) = [Σ_i α̂_{t−1}(i) A_ij] b_j(o_t) / c_t,  c_t = Σ_j [Σ_i α̂_{t−1}(i) A_ij] b_j(o_t)
// so each α̂_t sums to 1, α̂_t(j) = P(s_t = j | o_0..o_t), c_t = P(o_t | o_0..o_{t−1}) and
//   log P(o_0..o_{T−1}) = Σ_t log c_t,
// a sum of moderate numbers instead of a product that underflows after a few hundred steps.
// A model whose emission likelihoods can themselves underflow (a Gaussian density far in its tail) passes them
// divided by e^{shift_t} (shift_t = max_i log b_i(o_t)); the shifts are added back: log P = Σ_t (log c_t + shift_t).
// The backward pass reuses the same c_t:
//   β̂_{T−1}(i) = 1,   β̂_t(i) = Σ_j A_ij b_j(o_{t+1}) β̂_{t+1}(j) / c_{t+1},
// so γ_t(i) = P(s_t = i | o) = α̂_t(i) β̂_t(i) and
//   ξ_t(i, j) = P(s_t = i, s_{t+1} = j | o) = α̂_t(i) A_ij b_j(o_{t+1}) β̂_{t+1}(j) / c_{t+1}.

/** The hidden chain: N states, start distribution π (N) and transition matrix A (N×N, row-major, A[i·N+j] = P(j | i)). */
export interface Chain {
  readonly n: number;
  readonly start: Float64Array;
  readonly transition: Float64Array;
}

export interface ForwardResult {
  /** α̂_t(i) at alpha[t·N + i]: the filtered state distribution P(s_t = i | o_0..o_t). */
  alpha: Float64Array;
  /** c_t = P(o_t | o_0..o_{t−1}) (times e^{−shift_t} when shifts were given). */
  scale: Float64Array;
  /** log P(o_0..o_{T−1}) in nats; −Infinity when some observation has probability 0 under the model. */
  logLikelihood: number;
  /** The first step t whose observation is impossible given o_0..o_{t−1} (then logLikelihood = −Infinity), or −1. */
  impossibleAt: number;
}

/**
 * Scaled forward pass over T steps. `previous`, when given, is the filtered distribution α̂ of the step just before
 * this chunk (so the chunk starts with Σ_i α̂(i) A_ij instead of π_j): chaining chunks this way gives exactly the
 * log-likelihood of the whole sequence, Σ over chunks of log P(chunk | everything before it).
 */
export function forward(
  chain: Chain,
  emission: Float64Array,
  steps: number,
  shift?: Float64Array,
  previous?: Float64Array,
): ForwardResult {
  const { n, start, transition: a } = chain;
  const alpha = new Float64Array(steps * n);
  const scale = new Float64Array(steps);
  let logLikelihood = 0;
  for (let t = 0; t < steps; t++) {
    const row = t * n;
    let c = 0;
    if (t === 0) {
      for (let j = 0; j < n; j++) {
        let predicted = 0;
        if (previous === undefined) predicted = start[j];
        else for (let i = 0; i < n; i++) predicted += previous[i] * a[i * n + j];
        const v = predicted * emission[j];
        alpha[j] = v;
        c += v;
      }
    } else {
      const prevRow = row - n;
      for (let j = 0; j < n; j++) {
        let predicted = 0;
        for (let i = 0; i < n; i++) predicted += alpha[prevRow + i] * a[i * n + j];
        const v = predicted * emission[row + j];
        alpha[row + j] = v;
        c += v;
      }
    }
    if (!(c > 0)) return { alpha, scale, logLikelihood: -Infinity, impossibleAt: t };
    const inv = 1 / c;
    for (let j = 0; j < n; j++) alpha[row + j] *= inv;
    scale[t] = c;
    logLikelihood += Math.log(c) + (shift ? shift[t] : 0);
  }
  return { alpha, scale, logLikelihood, impossibleAt: -1 };
}

/** Scaled backward pass (β̂ as in the header), from the scales of a forward pass with no impossible step. */
export function backward(chain: Chain, emission: Float64Array, steps: number, scale: Float64Array): Float64Array {
  const { n, transition: a } = chain;
  const beta = new Float64Array(steps * n);
  if (steps === 0) return beta;
  beta.fill(1, (steps - 1) * n);
  const tmp = new Float64Array(n);
  for (let t = steps - 2; t >= 0; t--) {
    const next = (t + 1) * n;
    // tmp_j = b_j(o_{t+1}) β̂_{t+1}(j) / c_{t+1}
    const inv = 1 / scale[t + 1];
    for (let j = 0; j < n; j++) tmp[j] = emission[next + j] * beta[next + j] * inv;
    const row = t * n;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * tmp[j];
      beta[row + i] = s;
    }
  }
  return beta;
}

/** γ_t(i) = α̂_t(i) β̂_t(i), renormalised per step against rounding. */
export function posteriors(alpha: Float64Array, beta: Float64Array, n: number, steps: number): Float64Array {
  const gamma = new Float64Array(steps * n);
  for (let t = 0; t < steps; t++) {
    const row = t * n;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const g = alpha[row + i] * beta[row + i];
      gamma[row + i] = g;
      s += g;
    }
    const inv = s > 0 ? 1 / s : 0;
    for (let i = 0; i < n; i++) gamma[row + i] *= inv;
  }
  return gamma;
}

/** Adds Σ_t ξ_t(i, j) (t = 0..T−2) into `into` (N×N row-major): the expected number of i → j transitions. */
export function accumulateTransitions(
  chain: Chain,
  emission: Float64Array,
  steps: number,
  fb: { alpha: Float64Array; beta: Float64Array; scale: Float64Array },
  into: Float64Array,
): void {
  const { n, transition: a } = chain;
  const { alpha, beta, scale } = fb;
  const tmp = new Float64Array(n);
  for (let t = 0; t + 1 < steps; t++) {
    const row = t * n;
    const next = row + n;
    const inv = 1 / scale[t + 1];
    for (let j = 0; j < n; j++) tmp[j] = emission[next + j] * beta[next + j] * inv;
    for (let i = 0; i < n; i++) {
      const ai = alpha[row + i];
      if (ai === 0) continue;
      for (let j = 0; j < n; j++) into[i * n + j] += ai * a[i * n + j] * tmp[j];
    }
  }
}

export interface ViterbiResult {
  /** The most probable state path argmax_s P(s, o), as state indices. */
  path: Int32Array;
  /** log P(path, o) in nats (−Infinity when every path has probability 0). */
  logProbability: number;
}

/**
 * Viterbi in log space, from log emission likelihoods L[t·N + i] = log b_i(o_t):
 *   δ_0(i) = log π_i + L_0(i),   δ_t(j) = max_i [δ_{t−1}(i) + log A_ij] + L_t(j),
 * with back-pointers ψ_t(j) = the maximising i (the lowest index on ties), and the path read back from
 * argmax_i δ_{T−1}(i). log 0 = −Infinity throughout, so impossible moves are never chosen over possible ones.
 */
export function viterbi(chain: Chain, logEmission: Float64Array, steps: number): ViterbiResult {
  const { n } = chain;
  const path = new Int32Array(steps);
  if (steps === 0) return { path, logProbability: 0 };
  const logStart = chain.start.map(Math.log);
  const logA = chain.transition.map(Math.log);
  const back = new Int32Array(steps * n);
  let delta = new Float64Array(n);
  let next = new Float64Array(n);
  for (let i = 0; i < n; i++) delta[i] = logStart[i] + logEmission[i];
  for (let t = 1; t < steps; t++) {
    const row = t * n;
    for (let j = 0; j < n; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < n; i++) {
        const v = delta[i] + logA[i * n + j];
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      next[j] = best + logEmission[row + j];
      back[row + j] = arg;
    }
    [delta, next] = [next, delta];
  }
  let best = -Infinity;
  let arg = 0;
  for (let i = 0; i < n; i++) {
    if (delta[i] > best) {
      best = delta[i];
      arg = i;
    }
  }
  path[steps - 1] = arg;
  for (let t = steps - 1; t > 0; t--) path[t - 1] = back[t * n + path[t]];
  return { path, logProbability: best };
}

/** A row of non-negative weights divided by its sum (left as is when the sum is 0). */
export function normalizeInPlace(row: Float64Array, offset = 0, length = row.length - offset): void {
  let s = 0;
  for (let k = 0; k < length; k++) s += row[offset + k];
  if (!(s > 0)) return;
  for (let k = 0; k < length; k++) row[offset + k] /= s;
}
