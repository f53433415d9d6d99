// The Gradient Flow panel's history over training, kept in the worker beside the run's model.
//   rows:    every `every` steps, ‖∂L/∂h_t‖ of one FIXED window (the same characters each time, so rows compare) and
//            ρ, σ_max of every W_hh. The trace runs on a copy of the parameters (traces.ts), so training is
//            bit-for-bit the same with or without the history. At most MAX_ROWS rows: when one more arrives, every
//            second row goes (the first and the newest stay) and the spacing doubles, so the rows stay evenly spaced.
//   cost:    `every` also grows until tracing costs at most COST_SHARE of the training time: with t_trace the mean
//            trace time (the first, slowed by compilation, left out) and t_step the mean step time,
//            every ≥ t_trace / (COST_SHARE · t_step). Measured on a busy 2-core machine: the default RNN (H=64,
//            64-step window) steps in ~1–1.5 ms and traces in ~10–20 ms (ρ's squarings about half) → every ≈ 150–600;
//            an LSTM 2×128 (seqLength 64) ~30–90 ms and ~200 ms → every ≈ 95–190; overhead 2–5% over long runs.
//   spectra: of the candidate block of W_hh only, cheaper than the panel's exact ones: σ_max by power iteration
//            warm-started from the previous row's vector, ρ by Gelfand's formula ρ = lim ‖A^m‖^{1/m} with
//            HISTORY_SQUARINGS squarings (m = 2^12): the error factor c^{1/m}, c ≤ n·cond(V), is < 0.2% for c ≤ 1e3.
//   clip:    every step's global gradient norm before and after clipping and whether it was clipped, in buckets of
//            `width` steps (largest norms, share clipped); at most MAX_BUCKETS: when full, neighbours merge.
import type { RecurrentStack } from '../engine/recurrentStack';
import type { SequenceData } from '../engine/sequenceData';
import { largestSingularValuePower } from '../engine/spectral';
import { traceData } from '../engine/traces';
import type { GradientHistorySnapshot } from '../shared/protocol/traces';

export const MAX_ROWS = 200;
export const MAX_BUCKETS = 1000;
/** The share of training time tracing may take (issue #4: < ~5%). */
export const COST_SHARE = 0.05;

/** One trace of the fixed window: ‖∂L/∂h_t‖ as [layers, T], and the spectra per layer. */
export interface HistoryTrace {
  gradNormH: Float32Array;
  spectralRadius: number[];
  largestSingularValue: number[];
}

export interface GradientHistoryOptions {
  /** The fixed window. */
  start: number;
  length: number;
  layers: number;
  tokens: string[];
  /** Traces the window with the model's current parameters (on a copy). */
  trace: () => HistoryTrace;
  /** The first spacing of rows (default 1: the cost rule sets the real one after the first trace). */
  every?: number;
  /** Grow `every` from measured times (default true; tests turn it off for a fixed schedule). */
  adaptive?: boolean;
  now?: () => number;
}

/** What one training step reports to the history. */
export interface HistoryStep {
  step: number;
  gradNorm: number;
  gradNormAfterClip: number;
  clipped: boolean;
}

interface Bucket {
  lastStep: number;
  count: number;
  clipped: number;
  before: number;
  after: number;
}

export class GradientHistory {
  private steps: number[] = [];
  private gradNormH: Float32Array[] = [];
  private rho: number[][] = [];
  private sigma: number[][] = [];
  private buckets: Bucket[] = [];
  private width = 1;
  private stepsSeen = 0;
  private stepsClipped = 0;
  private lastRowStep = -Infinity;
  private stepMsMean = 0;
  private traceMsMean = 0;
  private traces = 0;
  private broken = false;
  /** Row spacing from thinning: the first spacing, doubled at each thinning. */
  private spacing: number;
  /** Row spacing the cost rule asks for (follows the measured times both ways). */
  private costEvery = 1;
  private readonly now: () => number;

  constructor(private readonly options: GradientHistoryOptions) {
    this.spacing = Math.max(1, Math.floor(options.every ?? 1));
    this.now = options.now ?? (() => performance.now());
  }

  /** Steps between two rows now. */
  get every(): number {
    return Math.max(this.spacing, this.costEvery);
  }

  get rows(): number {
    return this.steps.length;
  }

  /** After each training step (`stepMs`: how long it took). Traces the window when a row is due. */
  afterStep(result: HistoryStep, stepMs: number): void {
    this.addClip(result);
    // Mean step time, exponentially weighted over ~20 steps.
    this.stepMsMean = this.stepsSeen === 1 ? stepMs : 0.95 * this.stepMsMean + 0.05 * stepMs;
    if (this.broken || result.step - this.lastRowStep < this.every) return;
    const started = this.now();
    let trace: HistoryTrace;
    try {
      trace = this.options.trace();
    } catch (error) {
      // The history is for looking at: a trace that fails stops the history, never the training step.
      this.broken = true;
      console.error('sequence-lab worker: gradient history stopped:', error instanceof Error ? error.message : String(error));
      return;
    }
    const traceMs = this.now() - started;
    this.addRow(result.step, trace);
    this.traces++;
    if (this.traces === 1) return; // compiling: not representative
    this.traceMsMean = this.traces === 2 ? traceMs : 0.5 * this.traceMsMean + 0.5 * traceMs;
    if (this.options.adaptive !== false && this.stepMsMean > 0) {
      this.costEvery = Math.ceil(this.traceMsMean / (COST_SHARE * this.stepMsMean));
    }
  }

  private addRow(step: number, trace: HistoryTrace): void {
    this.steps.push(step);
    this.gradNormH.push(Float32Array.from(trace.gradNormH));
    this.rho.push([...trace.spectralRadius]);
    this.sigma.push([...trace.largestSingularValue]);
    this.lastRowStep = step;
    if (this.steps.length > MAX_ROWS) {
      // Keep rows 0, 2, 4, …: with MAX_ROWS even, the newest (index MAX_ROWS) is kept too.
      const n = this.steps.length;
      const keep = (_: unknown, i: number) => i % 2 === 0 || i === n - 1;
      this.steps = this.steps.filter(keep);
      this.gradNormH = this.gradNormH.filter(keep);
      this.rho = this.rho.filter(keep);
      this.sigma = this.sigma.filter(keep);
      this.spacing = 2 * Math.max(this.spacing, this.costEvery);
    }
  }

  private addClip(r: HistoryStep): void {
    this.stepsSeen++;
    if (r.clipped) this.stepsClipped++;
    let last = this.buckets[this.buckets.length - 1];
    if (!last || last.count >= this.width) {
      last = { lastStep: r.step, count: 0, clipped: 0, before: 0, after: 0 };
      this.buckets.push(last);
    }
    last.lastStep = r.step;
    last.count++;
    if (r.clipped) last.clipped++;
    last.before = Math.max(last.before, r.gradNorm);
    last.after = Math.max(last.after, r.gradNormAfterClip);
    if (this.buckets.length > MAX_BUCKETS) {
      const merged: Bucket[] = [];
      for (let i = 0; i < this.buckets.length; i += 2) {
        const a = this.buckets[i];
        const b = this.buckets[i + 1];
        merged.push(b
          ? { lastStep: b.lastStep, count: a.count + b.count, clipped: a.clipped + b.clipped, before: Math.max(a.before, b.before), after: Math.max(a.after, b.after) }
          : { ...a });
      }
      this.buckets = merged;
      this.width *= 2;
    }
  }

  snapshot(): GradientHistorySnapshot {
    const { start, length, layers, tokens } = this.options;
    const R = this.steps.length;
    const gradNormH = new Float32Array(R * layers * length);
    this.gradNormH.forEach((row, r) => gradNormH.set(row.subarray(0, layers * length), r * layers * length));
    const B = this.buckets;
    return {
      start, length, layers, tokens: [...tokens], every: this.every,
      steps: Float64Array.from(this.steps),
      gradNormH,
      spectralRadius: Float32Array.from(this.rho.flat()),
      largestSingularValue: Float32Array.from(this.sigma.flat()),
      clipSteps: Float64Array.from(B, (b) => b.lastStep),
      gradNormBefore: Float32Array.from(B, (b) => b.before),
      gradNormAfter: Float32Array.from(B, (b) => b.after),
      clippedShare: Float32Array.from(B, (b) => b.clipped / b.count),
      stepsSeen: this.stepsSeen,
      stepsClipped: this.stepsClipped,
    };
  }
}

/** Characters in the history's fixed window (the first ones of the text), at most. */
export const HISTORY_WINDOW = 64;
/** The shortest window worth a history. */
export const MIN_HISTORY_WINDOW = 8;
/**
 * Multiply-adds one history trace may take (~60 ms): it runs inside a training step, where Stop cannot interrupt it.
 * Big models get a shorter window (forward ≈ 1×, backward ≈ 2× the forward's work per step), no ρ when its
 * HISTORY_SQUARINGS H³ per layer alone is over (σ_max by power iteration stays), and no history at all below
 * MIN_HISTORY_WINDOW steps.
 */
export const HISTORY_WORK = 6e7;

/** Index of the candidate block of W_hh (RNN h, GRU n, LSTM g: PyTorch's gate order), as the panel shows. */
const CANDIDATE_BLOCK: Record<string, number> = { rnn_tanh: 0, rnn_relu: 0, gru: 2, lstm: 2 };
/** Squarings in the history's ρ estimate (see the header). */
export const HISTORY_SQUARINGS = 12;

/** ρ(A) ≈ ‖A^m‖_F^{1/m}, m = 2^squarings, by normalised squaring: B_{j+1} = B_j² / ‖B_j²‖_F, ln‖A^m‖ = Σ 2^{s−j} ln s_j. */
export function gelfandRadius(a: Float64Array, n: number, squarings: number): number {
  const N = n * n;
  const norm = (m: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < N; i++) sum += m[i] * m[i];
    return Math.sqrt(sum);
  };
  const s0 = norm(a);
  if (s0 === 0) return 0;
  if (!Number.isFinite(s0)) return NaN;
  let b = new Float64Array(N);
  let next = new Float64Array(N);
  for (let i = 0; i < N; i++) b[i] = a[i] / s0;
  let logScale = Math.log(s0);
  for (let j = 1; j <= squarings; j++) {
    next.fill(0);
    for (let i = 0; i < n; i++) {
      const oi = i * n;
      for (let k = 0; k < n; k++) {
        const bik = b[oi + k];
        if (bik === 0) continue;
        const bk = k * n;
        for (let c = 0; c < n; c++) next[oi + c] += bik * b[bk + c];
      }
    }
    const s = norm(next);
    if (s === 0) return 0; // nilpotent
    for (let i = 0; i < N; i++) next[i] /= s;
    logScale = 2 * logScale + Math.log(s);
    const swap = b;
    b = next;
    next = swap;
  }
  return Math.exp(logScale / 2 ** squarings);
}

/**
 * The history of a character model's trainer over the first HISTORY_WINDOW characters of its text (fewer for big
 * models: HISTORY_WORK), or undefined when the text or that window is too short or the data is not a character stream.
 */
export function createGradientHistory(
  trainer: { model: RecurrentStack; data: SequenceData },
  decode: (id: number) => string,
  options: Partial<Pick<GradientHistoryOptions, 'every' | 'adaptive' | 'now'>> = {},
): GradientHistory | undefined {
  const data = trainer.data;
  if (data.kind !== 'next-token') return undefined;
  const { layers, hiddenSize: H, inputSize, outputSize: K, embedding } = trainer.model.config;
  const D = trainer.model.directions;
  const G = trainer.model.cells[0].gates;
  // Per step: every layer's G·H × (input + H) projections and the K × H head.
  const perStep = layers * D * G * H * (Math.max(embedding ?? inputSize, H * D) + H) + K * H * D;
  const T = Math.min(HISTORY_WINDOW, data.ids.length - 1, Math.floor(HISTORY_WORK / (3 * perStep)));
  if (T < Math.min(MIN_HISTORY_WINDOW, data.ids.length - 1) || T < 2) return undefined;
  const withRadius = HISTORY_SQUARINGS * H ** 3 * layers <= HISTORY_WORK;
  const block = CANDIDATE_BLOCK[trainer.model.config.cell] ?? 0;
  const names = trainer.model.tensors.filter((t) => t.name.startsWith('rnn.weight_hh')).map((t) => t.name);
  const starts = names.map(() => new Float64Array(H));
  return new GradientHistory({
    ...options,
    start: 0,
    length: T,
    layers,
    tokens: Array.from(data.ids.subarray(0, T), decode),
    trace: () => {
      // traceData copies the parameters; no Jacobian, no exact spectra: the history needs ‖∂L/∂h_t‖ (and its own spectra).
      const trace = traceData(trainer.model, data, 0, T, { jacobian: false, spectra: false });
      const gradNormH = new Float32Array(layers * T);
      for (let k = 0; k < layers; k++) gradNormH.set(trace.hiddenGradNorm!.data.subarray(k * D * T, k * D * T + T), k * T);
      const blocks = names.slice(0, layers * D).filter((_, c) => c % D === 0)
        .map((name) => trainer.model.param(name).slice(block * H * H, (block + 1) * H * H));
      return {
        gradNormH,
        spectralRadius: blocks.map((w) => (withRadius ? gelfandRadius(w, H, HISTORY_SQUARINGS) : NaN)),
        largestSingularValue: blocks.map((w, k) => largestSingularValuePower(w, H, H, starts[k], 100, 1e-6)),
      };
    },
  });
}
