// The messages the host sends each panel for one 64-step × 128-unit window, built with the worker's own code on a
// real (briefly trained) character LSTM with hidden size 128: the Gates and Unrolled panels get traceActivations'
// answer through gatesView, the Gradient Flow panel traceGradients' answer (with its history over training) through
// gradientFlowView, the Training panel progress batches of 100 steps and the Compare panel 3 runs × 2000 points through
// compareSummary. Shared by bench/panels/run.ts and test/webview/everyPanelKeyboard.test.ts (with smaller sizes).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { comparedRuns, comparisonSummary, type CurvePoint, type RunCurveInput } from '../../src/panels/compareSummary';
import { gatesView } from '../../src/panels/gatesView';
import { gradientFlowView } from '../../src/panels/gradientFlowView';
import type { RunInfo } from '../../src/shared/run';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { CharModel } from '../../src/worker/charModel';

export interface WindowSize {
  /** Steps of the traced window. */
  steps: number;
  /** Hidden units of the model. */
  hidden: number;
  /** Training steps before tracing (each one adds a row to the gradient history). */
  trainSteps: number;
}

/** 200 training steps fill the gradient history to its 200 rows (MAX_ROWS): what a long run's panel shows. */
export const BENCH_SIZE: WindowSize = { steps: 64, hidden: 128, trainSteps: 200 };

export interface PanelMessages {
  gates: object;
  gradients: object;
  /**
   * The Gradient Flow message of the i-th refresh while the run trains: the window and the clipping buckets changed,
   * and with `newRow` every history row too (as when a row was added), so the panel has all of it to draw again.
   */
  gradientsRefresh(i: number, newRow: boolean): object;
  /** Sent once before the measured progress batches. */
  trainingSetup: object;
  /** The progress batch starting at step `firstStep` (100 steps). */
  trainingProgress(firstStep: number): object;
  compare: object;
}

const TEXT = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'examples', 'verse.txt'), 'utf8');

/** A plausible loss / gradient-norm curve: loss falling from ln(65) towards 1.5, early clipping. */
export function progressBatch(firstStep: number, n: number): { firstStep: number; losses: Float32Array; gradNorms: Float32Array; clipped: Uint8Array; charsPerSecond: number } {
  const losses = new Float32Array(n);
  const gradNorms = new Float32Array(n);
  const clipped = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = firstStep + i;
    losses[i] = 1.5 + 2.67 * Math.exp(-s / 600) + 0.08 * Math.sin(s * 1.7);
    gradNorms[i] = 2 + 6 * Math.exp(-s / 700) + 0.6 * Math.sin(s * 0.9);
    clipped[i] = gradNorms[i] > DEFAULT_CONFIG.clip ? 1 : 0;
  }
  return { firstStep, losses, gradNorms, clipped, charsPerSecond: 41_500 };
}

function curve(last: number, floor: number, rate: number): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (let s = 1; s <= last; s++) points.push({ step: s, loss: floor + (Math.log(40) - floor) * Math.exp(-s / rate), gradNorm: 1 + 3 * Math.exp(-s / 300) });
  return points;
}

export async function buildPanelMessages(size: WindowSize): Promise<PanelMessages> {
  const config: TrainingConfig = { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: size.hidden, seqLength: size.steps, seed: 1 };
  const model = new CharModel(TEXT, config, undefined, { gradientHistory: { every: 1, adaptive: false } });
  for (let i = 0; i < size.trainSteps; i++) model.step();
  const label = `char LSTM · H=${size.hidden} on verse.txt`;
  const activations = await model.traceActivations(size.steps, 100);
  const gates = { type: 'showActivations', view: gatesView(activations, label, undefined) };
  const gradientTrace = model.traceGradients(size.steps, 100);
  const gradients = { type: 'showTrace', view: gradientFlowView(gradientTrace, label) };
  const gradientsRefresh = (i: number, newRow: boolean): object => {
    // Values scaled by 1 + i/1000 and steps moved on by i: the same amount of drawing as the real refresh.
    const scale = 1 + i / 1000;
    const h = gradientTrace.history;
    const history = h && {
      ...h,
      clipSteps: h.clipSteps.map((s) => s + i), gradNormBefore: h.gradNormBefore.map((v) => v * scale), gradNormAfter: h.gradNormAfter.map((v) => v * scale), stepsSeen: h.stepsSeen + i,
      ...(newRow ? { steps: h.steps.map((s) => s + i), gradNormH: h.gradNormH.map((v) => v * scale), spectralRadius: h.spectralRadius.map((v) => v * scale), largestSingularValue: h.largestSingularValue.map((v) => v * scale) } : {}),
    };
    const trace = { ...gradientTrace, step: gradientTrace.step + i, gradNormH: gradientTrace.gradNormH.map((v) => v * scale), jacobianNorm: gradientTrace.jacobianNorm.map((v) => v * scale), history };
    return { type: 'showTrace', view: gradientFlowView(trace, label) };
  };

  const run: RunInfo = {
    id: 'bench-run', fileLabel: 'verse.txt', modelLabel: `char LSTM · H=${size.hidden}`, config, status: 'training',
    vocabSize: model.vocabSize, dataLength: model.dataLength, parameterCount: model.parameterCount,
  };
  const trainingSetup = { type: 'showRun', run, history: progressBatch(1, 100) };

  const input = (id: string, kind: TrainingConfig['cell'], modelLabel: string, points: CurvePoint[]): RunCurveInput => ({
    id, modelLabel, fileLabel: 'verse.txt', config: { ...DEFAULT_CONFIG, cell: kind, seed: 7 }, status: 'completed', step: points.at(-1)!.step, points,
  });
  const inputs = [
    input('run-rnn', 'rnn', 'char RNN · tanh · H=128', curve(2000, 2.0, 400)),
    input('run-gru', 'gru', 'char GRU · H=128', curve(2000, 1.75, 300)),
    input('run-lstm', 'lstm', 'char LSTM · H=128', curve(2000, 1.6, 350)),
  ];
  const compare = { type: 'showComparison', runs: comparedRuns(inputs), summary: comparisonSummary(inputs), missing: 0 };
  return { gates, gradients, gradientsRefresh, trainingSetup, trainingProgress: (firstStep) => ({ type: 'progress', ...progressBatch(firstStep, 100) }), compare };
}
