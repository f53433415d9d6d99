// One rule for every gradient reading of the extension: the Gradient Flow panel, the Gradient Lab and the Problems
// diagnostics all classify a gradient with readGradient and word it with the sentences below, so a panel's text and
// its chart are computed from the same numbers. Pure (no vscode, no DOM): webviews and the host import it.
//
// The input is a gradient norm by distance from the loss, g_0 (the reference: the last step, or ‖∂h_T/∂h_T‖ = 1 for
// a Jacobian) … g_D. Over the distances read (at most what BPTT backpropagates: a run truncated to K steps never
// sends a gradient further than K − 1 steps back, so a longer distance is no problem of that run):
//
//   kept      r = g_D / g_0                        what is left D steps back
//   per step  p = r^(1/D)                          the geometric mean factor per step, so p^D = r exactly
//   floor at  the first d with g_d / g_0 < 1e-3    where the gradient has lost three orders of magnitude
//
// and the regime: p < 0.97 vanishing, p > 1.03 exploding, holding between (a loss of 3% per step leaves 5% after
// 100 steps). Pascanu, Mikolov & Bengio (2013), for h_t = σ(W_hh h_{t−1} + …) with |σ′| ≤ γ: σ_max(W_hh) < 1/γ is
// SUFFICIENT for the gradient to vanish, σ_max(W_hh) > 1/γ NECESSARY for it to explode (γ = 1 for tanh and for a linear
// RNN). The spectral radius ρ ≤ σ_max says how a LINEAR RNN's gradient behaves far back (it grows or shrinks like ρᵈ);
// a tanh RNN's Jacobians also carry diag(1 − h²) ≤ 1, so it can vanish at any ρ.

export type GradientRegime = 'vanishing' | 'holding' | 'exploding' | 'unknown';
export type GradientCell = 'rnn' | 'gru' | 'lstm';

/** p below this is vanishing. */
export const VANISHING_PER_STEP = 0.97;
/** p above this is exploding. */
export const EXPLODING_PER_STEP = 1.03;
/** The floor the reading names: the distance where the gradient falls below 1e-3 of the reference. */
export const GRADIENT_FLOOR = 1e-3;

export interface GradientReading {
  regime: GradientRegime;
  /** D, the farthest distance read (0: nothing to read). */
  distance: number;
  /** g_D / g_0. */
  kept: number;
  /** kept^(1/D). */
  perStep: number;
  /** First distance d ≤ D with g_d / g_0 < `floor`; undefined when it stays above. */
  floorAt: number | undefined;
  floor: number;
  /** Set when the truncation stopped the reading short of the distances given. */
  truncatedTo?: number;
}

/** The rule in a sentence, for the panels that read with it. */
export const GRADIENT_RULE =
  `Rule: over the D steps read, the factor per step is (g_D/g_0)^(1/D); below ${VANISHING_PER_STEP} is vanishing, ` +
  `above ${EXPLODING_PER_STEP} exploding, between them holding.`;

/**
 * Reads `byDistance[d]` = the gradient norm d steps back from the loss (d = 0: the reference). `maxDistance` (the
 * truncation K − 1) bounds the distances read; `floor` the distance reported (default 1e-3).
 */
export function readGradient(byDistance: ArrayLike<number | null>, options: { maxDistance?: number; floor?: number } = {}): GradientReading {
  const floor = options.floor ?? GRADIENT_FLOOR;
  const available = byDistance.length - 1;
  const limit = options.maxDistance === undefined ? available : Math.max(0, Math.min(available, Math.floor(options.maxDistance)));
  const truncated = limit < available ? { truncatedTo: limit } : {};
  const g0 = byDistance[0];
  const unknown: GradientReading = { regime: 'unknown', distance: 0, kept: NaN, perStep: NaN, floorAt: undefined, floor, ...truncated };
  if (g0 === null || g0 === undefined || !(g0 > 0 && Number.isFinite(g0)) || limit < 1) return unknown;
  let D = limit;
  // A missing value at the far end (NaN from a failed norm) shortens the reading rather than hiding it.
  while (D >= 1 && (byDistance[D] === null || Number.isNaN(byDistance[D]))) D--;
  if (D < 1) return unknown;
  let floorAt: number | undefined;
  for (let d = 1; d <= D; d++) {
    const v = byDistance[d];
    if (v !== null && v / g0 < floor) {
      floorAt = d;
      break;
    }
  }
  const kept = (byDistance[D] as number) / g0;
  const perStep = kept === Infinity ? Infinity : kept ** (1 / D);
  const regime: GradientRegime = perStep < VANISHING_PER_STEP ? 'vanishing' : perStep > EXPLODING_PER_STEP ? 'exploding' : 'holding';
  return { regime, distance: D, kept, perStep, floorAt, floor, ...truncated };
}

/** A curve indexed by time t = 0 … T − 1 with the loss at T − 1, turned into distances d = T − 1 − t. */
export function byDistanceFromTime(curve: ArrayLike<number | null>): (number | null)[] {
  return Array.from({ length: curve.length }, (_, d) => curve[curve.length - 1 - d]);
}

/** A Jacobian norm ‖∂h_T/∂h_{T−n}‖ at index n − 1 (the worker's trace) with its reference ‖∂h_T/∂h_T‖ = 1 at d = 0. */
export function byDistanceFromJacobian(jacobianNorm: ArrayLike<number | null>): (number | null)[] {
  return [1, ...Array.from(jacobianNorm)];
}

/** 1.2e-7 style for small and large numbers, two digits near 1 (never "0" for a tiny positive value). */
export function formatFactor(x: number): string {
  if (!Number.isFinite(x)) return x === Infinity ? 'beyond the float range' : 'not measurable';
  if (x === 0) return '0';
  if (x >= 0.01 && x < 1000) return String(Number(x.toPrecision(2)));
  const [mantissa, exponent] = x.toExponential(0).split('e');
  return `${mantissa}e${Number(exponent)}`;
}

/** The per-step factor with three digits: 0.97 and 0.974 must not both print as "0.97" on either side of the rule. */
export function formatPerStep(p: number): string {
  if (!Number.isFinite(p)) return formatFactor(p);
  return p >= 0.001 && p < 1000 ? p.toFixed(3) : formatFactor(p);
}

/**
 * "vanishing: 40 steps back it is 2e-7 of the last step's (×0.680 per step; below 1e-3 from 18 steps back)". `unit`
 * names a step ("steps", "characters", "words").
 */
export function regimeSentence(r: GradientReading, unit = 'steps'): string {
  if (r.regime === 'unknown') return 'not measurable (the gradient is zero or not a number at the last step)';
  const floor =
    r.floorAt !== undefined
      ? `below ${formatFactor(r.floor)} from ${r.floorAt} ${unit} back`
      : `above ${formatFactor(r.floor)} over all ${r.distance} ${unit}`;
  const cut = r.truncatedTo !== undefined ? `, read only as far as training backpropagates (${r.truncatedTo} ${unit})` : '';
  return `${r.regime}: ${r.distance} ${unit} back it is ${formatFactor(r.kept)} of the last step's (×${formatPerStep(r.perStep)} per step; ${floor}${cut})`;
}

/**
 * Where a user can set the forget-gate bias. Training in Sequence Lab has no key for it (an experiment file's model
 * section has init and spectralRadius only: src/shared/experimentFile.ts), so the advice names the places that do:
 * the Gradient Lab's control and the exported PyTorch project (test/host/gradientReading.test.ts holds both names to
 * the extension's own labels).
 */
export const FORGET_BIAS_WHERE =
  'The bias is b_if + b_hf, the rows H…2H−1 of PyTorch\'s bias_ih_l0 and bias_hh_l0. Sequence Lab\'s experiment files have no key for it (model.init chooses the weight scheme only): ' +
  'compare biases with the Gradient Lab\'s "LSTM forget-gate bias", or set it in train.py after "Export as PyTorch Project…".';

/**
 * What to try, knowing the cell. An LSTM is never told to use an LSTM: its long path is the cell state, multiplied by
 * the forget gate at each step (∂L/∂c_{t−1} = f_t ⊙ ∂L/∂c_t + …), so the advice speaks of the forget gates.
 * `meanForget`: the forget gate's mean over the window read, when known.
 */
export function gradientAdvice(r: GradientReading, cell: GradientCell | undefined, meanForget?: number): string {
  const f = meanForget !== undefined && Number.isFinite(meanForget) ? ` (their mean over the window is ${meanForget.toFixed(2)})` : '';
  switch (r.regime) {
    case 'vanishing':
      if (cell === 'lstm') {
        return `In an LSTM the long path is the cell state: going back one step multiplies ∂L/∂c by the forget gate f${f}, so gates near 1 carry the gradient and gates near 0.5 halve it each step. A forget-gate bias of 1 or more, or training on dependencies that need it, opens them. ${FORGET_BIAS_WHERE}`;
      }
      if (cell === 'gru') {
        return 'In a GRU the long path is the update gate z (h_t = (1 − z) n + z h_{t−1}): units with z near 1 carry the gradient. Try an LSTM with forget-gate bias 1, or shorter dependencies.';
      }
      return 'Each step back multiplies the gradient by diag(1 − h²) W_hh, which shrinks it here. Try an LSTM (its cell path is multiplied by the forget gate instead), an orthogonal initialisation of W_hh, or shorter dependencies.';
    case 'exploding':
      return cell === 'lstm' || cell === 'gru'
        ? 'Updates can jump wildly: use gradient clipping (sequenceLab.training.gradientClipNorm) or a lower learning rate.'
        : 'Updates can jump wildly: use gradient clipping (sequenceLab.training.gradientClipNorm), a lower learning rate, or an LSTM.';
    case 'holding':
      return 'Over this distance the gradient neither vanishes nor explodes.';
    default:
      return '';
  }
}

/**
 * Pascanu, Mikolov & Bengio (2013) for a recurrence whose nonlinearity has |σ′| ≤ γ: σ_max(W_hh) < 1/γ makes the
 * gradient vanish (sufficient); σ_max(W_hh) > 1/γ is needed for it to explode (necessary, not sufficient).
 */
export function pascanuSentence(largestSingularValue: number, gamma = 1): string {
  const s = largestSingularValue.toFixed(2);
  const bound = (1 / gamma).toFixed(2);
  if (!Number.isFinite(largestSingularValue)) return '';
  return largestSingularValue < 1 / gamma
    ? `σ_max(W_hh) = ${s} < 1/γ = ${bound}: the gradient must vanish eventually, at least as fast as σ_maxᵈ (Pascanu et al. 2013: a sufficient condition).`
    : `σ_max(W_hh) = ${s} > 1/γ = ${bound}: exploding is possible but not certain (Pascanu et al. 2013: a necessary condition); saturated units (1 − h² ≪ 1) can still make it vanish.`;
}
