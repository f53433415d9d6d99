// Numeric series as single-column CSV files with a header (what the engine's parseSeries reads).
import { Prng } from '../prng';

/**
 * A sine wave x_t = sin(2π t / period + φ) with a seeded phase φ. What it demonstrates: the easiest next-value
 * prediction — a small RNN learns it in a few hundred steps; a baseline for the chaotic series below.
 */
export function sineSeries(length: number, period: number, seed: number): number[] {
  const phase = new Prng(seed).next() * 2 * Math.PI;
  return Array.from({ length }, (_, t) => Math.sin((2 * Math.PI * t) / period + phase));
}

/**
 * The Mackey-Glass delay differential equation dx/dt = β x(t−τ) / (1 + x(t−τ)^n) − γ x(t) with β = 0.2, γ = 0.1,
 * n = 10 and τ = 17 (chaotic). Integrated with Euler steps of dt = 0.1 (170 steps per delay), the history
 * x(t ≤ 0) = 1.2 + a seeded offset in [−0.05, 0.05); the first 500 time units (the transient) are dropped and one
 * value per time unit is kept. What it demonstrates: a bounded, aperiodic series whose next value depends on the
 * value 17 steps back — the classic benchmark for long-range series prediction.
 */
export function mackeyGlassSeries(length: number, seed: number): number[] {
  const beta = 0.2, gamma = 0.1, n = 10, tau = 17, dt = 0.1;
  const perUnit = Math.round(1 / dt);
  const lag = Math.round(tau / dt);
  const transient = 500 * perUnit;
  const x0 = 1.2 + (new Prng(seed).next() - 0.5) * 0.1;
  const total = transient + length * perUnit;
  const history = new Float64Array(lag + total + 1).fill(x0);
  const out: number[] = [];
  for (let i = lag; i < lag + total; i++) {
    const delayed = history[i - lag];
    history[i + 1] = history[i] + dt * ((beta * delayed) / (1 + delayed ** n) - gamma * history[i]);
    const step = i + 1 - lag;
    if (step > transient && (step - transient) % perUnit === 0) out.push(history[i + 1]);
  }
  return out;
}

/** A one-column CSV: a header line, then one value per line with `digits` decimals. */
export function seriesCsv(header: string, values: readonly number[], digits = 6): string {
  return `${header}\n${values.map((v) => v.toFixed(digits)).join('\n')}\n`;
}
