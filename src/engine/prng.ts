// Seeded pseudo-random numbers: mulberry32 (32-bit state, period 2^32), so a run is reproducible from its seed.

export class Prng {
  private state: number;
  /** Second Box-Muller value, kept for the next normal() call. */
  private spare = NaN;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Everything the stream depends on (the mulberry32 word and the spare normal), to continue it exactly later. */
  snapshot(): { state: number; spare: number } {
    return { state: this.state, spare: this.spare };
  }

  restore(saved: { state: number; spare: number }): void {
    this.state = saved.state >>> 0;
    this.spare = saved.spare;
  }

  /** Uniform in [0, 1): the 32 output bits of mulberry32 divided by 2^32. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal by Box-Muller: z0 = sqrt(-2 ln u1) cos(2π u2), z1 = sqrt(-2 ln u1) sin(2π u2). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    const u1 = 1 - this.next(); // in (0, 1], so ln u1 is finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Index i drawn with probability probs[i] / Σ probs (inverse CDF: the first i whose cumulative sum exceeds u·Σ).
   * Reads only the first `count` entries (default: all), so a caller can reuse a larger buffer.
   */
  choice(probs: ArrayLike<number>, count: number = probs.length): number {
    let total = 0;
    for (let i = 0; i < count; i++) total += probs[i];
    const u = this.next() * total;
    let cumulative = 0;
    for (let i = 0; i < count; i++) {
      cumulative += probs[i];
      if (u < cumulative) return i;
    }
    // Rounding can leave u ≥ the last partial sum: return the last index with non-zero probability.
    for (let i = count - 1; i > 0; i--) if (probs[i] > 0) return i;
    return 0;
  }
}
