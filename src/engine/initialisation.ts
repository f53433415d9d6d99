// Initialisation schemes for a RecurrentStack's parameters, applied in place after PyTorch's default
// (recurrent weights and biases U(−1/√H, 1/√H), head U(−1/√(H·D), 1/√(H·D)), embedding N(0, 1)):
//
//   xavier      every weight_ih / weight_hh / head.weight U(−a, a), a = √(6 / (fan_in + fan_out)) over the whole
//               tensor (fan_in = cols, fan_out = rows, as torch.nn.init.xavier_uniform_); all biases 0
//   orthogonal  each H×H gate block of every weight_hh = Q of the QR decomposition of a N(0, 1) matrix, with the
//               signs of diag(R) folded in (torch.nn.init.orthogonal_'s recipe), so Q is Haar-distributed
//   identity    each H×H gate block of every weight_hh = s·I (IRNN, Le et al. 2015: ReLU RNN, s = 1) and the
//               recurrent biases 0
//   forgetBias  LSTM only: b_ih of the forget gate (rows H … 2H−1) = value, b_hh's = 0, so b_if + b_hf = value
//   spectralRadius  each H×H gate block of every weight_hh scaled by r / ρ(block) (ρ from spectral.ts), last
import { EngineInputError } from './errors';
import type { Prng } from './prng';
import type { RecurrentStack } from './recurrentStack';
import { spectralRadius } from './spectral';

export interface InitialisationOptions {
  /** 'pytorch' (default): leave PyTorch's uniform initialisation; 'xavier': Xavier-uniform weights, zero biases. */
  scheme?: 'pytorch' | 'xavier';
  /** How W_hh starts: as the scheme says (default), orthogonal, or identity × identityScale. */
  recurrent?: 'default' | 'orthogonal' | 'identity';
  identityScale?: number;
  /** LSTM forget-gate bias (b_if + b_hf). */
  forgetBias?: number;
  /** Rescale every H×H block of W_hh to this spectral radius. */
  spectralRadius?: number;
}

/** Every name of a weight_hh tensor (all layers, both directions). */
function hiddenWeightNames(stack: RecurrentStack): string[] {
  return stack.tensors.map((t) => t.name).filter((n) => n.startsWith('rnn.weight_hh'));
}

/** Fills the n×n row-major `out` with a Haar-random orthogonal matrix: Gram–Schmidt QR of a Gaussian matrix. */
export function randomOrthogonal(out: Float64Array, n: number, rng: Prng): void {
  // Columns q_j of Q from columns a_j of A by modified Gram–Schmidt; R_jj > 0 by construction, which is the sign
  // convention that makes Q Haar-distributed.
  const a = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) a[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += a[i * n + j] * a[i * n + k];
      for (let i = 0; i < n; i++) a[i * n + j] -= d * a[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += a[i * n + j] * a[i * n + j];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) a[i * n + j] /= norm;
  }
  out.set(a);
}

export function applyInitialisation(stack: RecurrentStack, options: InitialisationOptions, rng: Prng): void {
  const H = stack.config.hiddenSize;
  const G = stack.cells[0].gates;
  const block = new Float64Array(H * H);
  if (options.scheme === 'xavier') {
    for (const t of stack.tensors) {
      if (t.name === 'embed.weight') continue;
      const v = stack.param(t.name);
      if (t.cols === 1) v.fill(0);
      else {
        const a = Math.sqrt(6 / (t.rows + t.cols));
        for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-a, a);
      }
    }
  }
  const recurrent = options.recurrent ?? 'default';
  if (recurrent !== 'default') {
    const scale = options.identityScale ?? 1;
    if (!Number.isFinite(scale)) throw new EngineInputError(`The identity scale must be a number (got ${scale}).`);
    for (const name of hiddenWeightNames(stack)) {
      const w = stack.param(name);
      for (let g = 0; g < G; g++) {
        if (recurrent === 'orthogonal') randomOrthogonal(block, H, rng);
        else {
          block.fill(0);
          for (let i = 0; i < H; i++) block[i * H + i] = scale;
        }
        w.set(block, g * H * H);
      }
      if (recurrent === 'identity') {
        stack.param(name.replace('weight_hh', 'bias_hh')).fill(0);
        stack.param(name.replace('weight_hh', 'bias_ih')).fill(0);
      }
    }
  }
  if (options.forgetBias !== undefined) {
    if (stack.config.cell !== 'lstm') throw new EngineInputError('A forget-gate bias needs an LSTM.');
    for (const name of hiddenWeightNames(stack)) {
      stack.param(name.replace('weight_hh', 'bias_ih')).fill(options.forgetBias, H, 2 * H);
      stack.param(name.replace('weight_hh', 'bias_hh')).fill(0, H, 2 * H);
    }
  }
  if (options.spectralRadius !== undefined) {
    const r = options.spectralRadius;
    if (!(r >= 0 && Number.isFinite(r))) throw new EngineInputError(`The spectral radius must be a number ≥ 0 (got ${r}).`);
    for (const name of hiddenWeightNames(stack)) {
      const w = stack.param(name);
      for (let g = 0; g < G; g++) {
        const b = w.subarray(g * H * H, (g + 1) * H * H);
        const rho = spectralRadius(b, H);
        if (rho > 0) for (let i = 0; i < b.length; i++) b[i] *= r / rho;
      }
    }
  }
}
