// Sequence-to-one regression (the adding problem, Hochreiter & Schmidhuber 1997): the data is N sequences of T rows;
// the model reads the input columns x_1 … x_T of a sequence from a zero state and is scored on its LAST output only,
//   ℓ_n = (o_T − y_n)²                  (o_T: the head's output after the last row, y_n: the sequence's target)
//   L   = (1/B) Σ_b ℓ_b                 (B sequences per update, taken in file order, wrapping)
//   ∂L/∂o_T = 2 (o_T − y_b) / B, ∂L/∂o_t = 0 for t < T   (full BPTT through the T steps)
// As a file: numeric columns (parseSeries), the LAST column is the target, read on the last row of every block of T
// rows (the adding problem's CSV: value, marker, target). Checkpoints use the SequenceTrainer's TrainerState
// (optimiser state and counters; no carried hidden state: every sequence starts from zero).
import { clipGradients, globalNorm } from './clipping';
import { EngineInputError } from './errors';
import { applyInitialisation } from './initialisation';
import { createOptimizer, type Optimizer } from './optimizers';
import { Prng } from './prng';
import { throwIfAborted, type AbortCheck } from './stepAbort';
import { RecurrentStack } from './recurrentStack';
import { parseSeries } from './sequenceData';
import { SequenceNumericFaultError } from './sequenceFault';
import { cellKindOf, type SequenceStepResult, type SequenceTrainerConfig } from './sequenceTrainer';
import { findNonFinite } from './tensorLayout';
import { optimizerState, restoreOptimizerState, type TrainerState } from './trainerState';

export interface FinalTargetData {
  kind: 'final-target';
  /** count × length × features, row-major. */
  inputs: Float64Array;
  /** One target per sequence. */
  targets: Float64Array;
  count: number;
  length: number;
  features: number;
}

/** Reads a CSV/TSV whose last column is the target of every block of `length` rows (the other columns are inputs). */
export function parseFinalTarget(text: string, length: number): { data: FinalTargetData; columns: string[] } {
  if (!(Number.isInteger(length) && length >= 1)) throw new EngineInputError(`The sequence length must be a whole number ≥ 1 (got ${length}).`);
  const { data, columns } = parseSeries(text);
  const F = data.features - 1;
  if (F < 1) throw new EngineInputError('A final-target file needs at least two columns: the inputs, then the target.');
  if (data.length % length !== 0) {
    throw new EngineInputError(`The file has ${data.length} rows, not a multiple of the sequence length ${length}: each block of ${length} rows is one sequence.`);
  }
  const count = data.length / length;
  const inputs = new Float64Array(data.length * F);
  const targets = new Float64Array(count);
  for (let r = 0; r < data.length; r++) {
    for (let j = 0; j < F; j++) inputs[r * F + j] = data.rows[r * data.features + j];
  }
  for (let n = 0; n < count; n++) targets[n] = data.rows[((n + 1) * length - 1) * data.features + F];
  return { data: { kind: 'final-target', inputs, targets, count, length, features: F }, columns: columns.slice(0, F) };
}

export class FinalTargetTrainer {
  readonly config: Readonly<SequenceTrainerConfig>;
  readonly data: FinalTargetData;
  readonly model: RecurrentStack;
  private optimizer: Optimizer;
  private readonly gradient: Float64Array;
  private steps = 0;
  private cursor = 0;
  /** Polled between the sequences of an update: true abandons it (StepAbortedError) before anything is changed. */
  abortCheck: AbortCheck | null = null;

  constructor(data: FinalTargetData, config: SequenceTrainerConfig) {
    if (config.bidirectional) throw new EngineInputError('A sequence-to-one model here reads its sequence forwards only.');
    if (config.embedding !== undefined) throw new EngineInputError('An embedding needs token input; numeric rows enter the model directly.');
    if (!(Number.isInteger(config.batch) && config.batch >= 1)) throw new EngineInputError(`batch must be a whole number ≥ 1 (got ${config.batch}).`);
    if (data.count < 1) throw new EngineInputError('The file has no sequences.');
    this.config = { ...config };
    this.data = data;
    const rng = new Prng(config.seed);
    this.model = new RecurrentStack(
      { cell: cellKindOf(config), inputSize: data.features, hiddenSize: config.hiddenSize, layers: config.layers, bidirectional: false, outputSize: 1, maxSteps: data.length },
      rng,
    );
    if (config.init) applyInitialisation(this.model, config.init, rng);
    this.optimizer = createOptimizer(this.model.parameterCount, config.optimizer);
    this.gradient = new Float64Array(this.model.parameterCount);
  }

  get stepCount(): number {
    return this.steps;
  }

  get batch(): number {
    return this.config.batch;
  }

  /** The model's prediction o_T for sequence n (a forward pass; the parameters are not changed). */
  predict(n: number): number {
    const { length: T, features: F } = this.data;
    const o = this.model.forward({ x: this.data.inputs.subarray(n * T * F, (n + 1) * T * F), steps: T });
    return o[T - 1];
  }

  /** Mean squared error of the final outputs over sequences [from, to). */
  meanSquaredError(from = 0, to = this.data.count): number {
    let sum = 0;
    for (let n = from; n < to; n++) {
      const e = this.predict(n) - this.data.targets[n];
      sum += e * e;
    }
    return sum / Math.max(1, to - from);
  }

  /** One update on the next B sequences. Throws SequenceNumericFaultError (changing nothing) on a NaN or ±Infinity. */
  step(): SequenceStepResult {
    const stepNumber = this.steps + 1;
    const model = this.model;
    const bad = findNonFinite(model.params, model.tensors);
    if (bad) throw new SequenceNumericFaultError(bad.tensor, 'parameter', stepNumber, bad.value);
    const { length: T, features: F, count } = this.data;
    const B = this.config.batch;
    this.gradient.fill(0);
    let loss = 0;
    for (let b = 0; b < B; b++) {
      throwIfAborted(this.abortCheck);
      const n = (this.cursor + b) % count;
      const o = model.forward({ x: this.data.inputs.subarray(n * T * F, (n + 1) * T * F), steps: T });
      const e = o[T - 1] - this.data.targets[n];
      if (!Number.isFinite(e)) throw new SequenceNumericFaultError('head output', 'loss', stepNumber, o[T - 1], T - 1, b);
      loss += (e * e) / B;
      // ∂L/∂o_t: zero except the last step, 2 e / B.
      model.outputs.fill(0, 0, T);
      model.outputs[T - 1] = (2 * e) / B;
      model.backwardFromOutputGradient();
      const g = model.grads;
      for (let i = 0; i < g.length; i++) this.gradient[i] += g[i];
    }
    const badGrad = findNonFinite(this.gradient, model.tensors);
    if (badGrad) throw new SequenceNumericFaultError(badGrad.tensor, 'gradient', stepNumber, badGrad.value);
    const { norm, clipped } = clipGradients(this.gradient, this.config.clip);
    this.optimizer.step(model.params, this.gradient);
    const epoch = Math.floor(this.cursor / count);
    this.cursor += B;
    this.steps = stepNumber;
    return {
      step: stepNumber, epoch, loss, tokens: B, gradNorm: norm, gradNormAfterClip: clipped ? globalNorm(this.gradient) : norm,
      clipped, valuesClipped: 0, updateRatios: {},
    };
  }

  exportState(): TrainerState {
    const o = optimizerState(this.optimizer);
    const buffers: Record<string, Float64Array> = {};
    for (const [name, b] of Object.entries(o.buffers)) buffers[name] = b.slice();
    return {
      counters: { steps: this.steps, epochs: Math.floor(this.cursor / this.data.count), position: 0, statePosition: 0, cursor: this.cursor },
      optimizer: { ...o, buffers },
      h: new Float64Array(0),
      c: new Float64Array(0),
    };
  }

  importState(state: TrainerState): void {
    restoreOptimizerState(this.optimizer, state.optimizer);
    this.steps = state.counters.steps;
    this.cursor = state.counters.cursor;
  }

  /** New learning rate / clipping from the next update on; the optimiser's state is kept. */
  reconfigure(change: { learningRate?: number; clip?: number }): void {
    const optimizer = { ...this.config.optimizer, learningRate: change.learningRate ?? this.config.optimizer.learningRate };
    const saved = optimizerState(this.optimizer);
    const replacement = createOptimizer(this.model.parameterCount, optimizer);
    restoreOptimizerState(replacement, saved);
    (this as { config: Readonly<SequenceTrainerConfig> }).config = { ...this.config, optimizer, clip: change.clip ?? this.config.clip };
    this.optimizer = replacement;
  }
}
