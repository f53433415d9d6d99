// Adam (Kingma & Ba 2015) over one flat parameter buffer and its gradient buffer:
//   m ← β1 m + (1 − β1) g              v ← β2 v + (1 − β2) g²
//   m̂ = m / (1 − β1^t)                 v̂ = v / (1 − β2^t)
//   θ ← θ − α m̂ / (√v̂ + ε)

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(size: number, options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** Updates taken so far (t in the bias corrections). */
  get stepCount(): number {
    return this.t;
  }

  stateBuffers(): Record<string, Float64Array> {
    return { exp_avg: this.m, exp_avg_sq: this.v };
  }

  restoreStepCount(t: number): void {
    this.t = t;
  }

  /** One update of `params` in place from `grads` (same length as the optimiser was built for). */
  step(params: Float64Array, grads: Float64Array): void {
    const { m, v, beta1, beta2, epsilon } = this;
    if (params.length !== m.length || grads.length !== m.length) {
      throw new RangeError(`Adam was built for ${m.length} parameters, got ${params.length} / ${grads.length}`);
    }
    this.t++;
    const correction1 = 1 - Math.pow(beta1, this.t);
    const correction2 = 1 - Math.pow(beta2, this.t);
    const alpha = this.learningRate;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      const mi = beta1 * m[i] + (1 - beta1) * g;
      const vi = beta2 * v[i] + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] -= (alpha * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
    }
  }
}
