// The optimisers a sequence trainer can use, over one flat parameter buffer and its gradient buffer, each exactly as
// torch.optim computes it (no weight decay, no Nesterov):
//   SGD with momentum μ:   b ← μ b + g  (b = g at the first step)        θ ← θ − α b
//   RMSProp (smoothing ρ): v ← ρ v + (1 − ρ) g²                           θ ← θ − α g / (√v + ε)
//   Adam:                  see adam.ts
import { Adam } from './adam';

export interface Optimizer {
  readonly learningRate: number;
  /** Updates taken so far (Adam's t in its bias corrections; the others keep no count and say 0). */
  readonly stepCount: number;
  /** One update of `params` in place from `grads` (same length as the optimiser was built for). */
  step(params: Float64Array, grads: Float64Array): void;
  /** The buffers that carry over between updates, by torch's state names (views, not copies: writing restores). */
  stateBuffers(): Record<string, Float64Array>;
  /** Continues the update count of a saved state (only Adam's bias corrections depend on it). */
  restoreStepCount(t: number): void;
}

export type OptimizerKind = 'sgd' | 'rmsprop' | 'adam';

export interface OptimizerConfig {
  kind: OptimizerKind;
  learningRate: number;
  /** SGD: μ (default 0). */
  momentum?: number;
  /** RMSProp: ρ (torch's alpha, default 0.99). */
  alpha?: number;
  /** Adam: β1, β2 (defaults 0.9, 0.999). */
  beta1?: number;
  beta2?: number;
  /** RMSProp and Adam: ε (default 1e-8). */
  epsilon?: number;
}

function checkLength(expected: number, params: Float64Array, grads: Float64Array, who: string): void {
  if (params.length !== expected || grads.length !== expected) {
    throw new RangeError(`${who} was built for ${expected} parameters, got ${params.length} / ${grads.length}`);
  }
}

export class Sgd implements Optimizer {
  readonly learningRate: number;
  readonly momentum: number;
  private readonly buffer: Float64Array;

  constructor(size: number, learningRate: number, momentum = 0) {
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.buffer = new Float64Array(momentum !== 0 ? size : 0);
  }

  readonly stepCount = 0;

  stateBuffers(): Record<string, Float64Array> {
    return this.buffer.length > 0 ? { momentum_buffer: this.buffer } : {};
  }

  restoreStepCount(): void {
    // SGD's update does not depend on how many came before.
  }

  step(params: Float64Array, grads: Float64Array): void {
    const n = params.length;
    const { learningRate: lr, momentum: mu, buffer: b } = this;
    if (mu === 0) {
      if (grads.length !== n) throw new RangeError(`SGD: ${n} parameters, ${grads.length} gradients`);
      for (let i = 0; i < n; i++) params[i] -= lr * grads[i];
      return;
    }
    checkLength(b.length, params, grads, 'SGD');
    // b starts at 0, so the first step's μ·0 + g is torch's b = g.
    for (let i = 0; i < n; i++) {
      const v = mu * b[i] + grads[i];
      b[i] = v;
      params[i] -= lr * v;
    }
  }
}

export class RmsProp implements Optimizer {
  readonly learningRate: number;
  readonly alpha: number;
  readonly epsilon: number;
  private readonly v: Float64Array;

  constructor(size: number, learningRate: number, alpha = 0.99, epsilon = 1e-8) {
    this.learningRate = learningRate;
    this.alpha = alpha;
    this.epsilon = epsilon;
    this.v = new Float64Array(size);
  }

  readonly stepCount = 0;

  stateBuffers(): Record<string, Float64Array> {
    return { square_avg: this.v };
  }

  restoreStepCount(): void {
    // RMSProp's update does not depend on how many came before.
  }

  step(params: Float64Array, grads: Float64Array): void {
    const { learningRate: lr, alpha, epsilon, v } = this;
    checkLength(v.length, params, grads, 'RMSProp');
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      const vi = alpha * v[i] + (1 - alpha) * g * g;
      v[i] = vi;
      params[i] -= (lr * g) / (Math.sqrt(vi) + epsilon);
    }
  }
}

/** The optimiser of a config for `size` parameters. */
export function createOptimizer(size: number, config: OptimizerConfig): Optimizer {
  switch (config.kind) {
    case 'sgd':
      return new Sgd(size, config.learningRate, config.momentum ?? 0);
    case 'rmsprop':
      return new RmsProp(size, config.learningRate, config.alpha ?? 0.99, config.epsilon ?? 1e-8);
    case 'adam':
      return new Adam(size, { learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2, epsilon: config.epsilon });
  }
}
