// Pure (no vscode): the gradient pathologies "Colour Text by Model" reports in the Problems panel on the run's data
// file, and the fixes each offers. Unit-tested in test/host/rnnEditor.test.ts.
//
//   NaN/Inf     the run paused with a RunFault (the worker stops before the update that would use it)
//   vanishing   the reading's rule (src/shared/gradientReading.ts) on the Jacobian norm ‖∂h_T/∂h_{T−d}‖ (‖∂h_T/∂h_T‖ = 1)
//               over d ≤ N, and never beyond the run's truncation K − 1, is 'vanishing' AND falls below 1e-6 there:
//               what happens that far back no longer reaches the loss. For an LSTM the cell path (the forget gates'
//               product, ∂c_T/∂c_{T−d} along the carousel) must vanish too.
//   exploding   clipping is off (clip 0) and the gradient norm before clipping exceeds EXPLODING_NORM, or grew
//               tenfold from the first to the last quarter of the recent steps
import { byDistanceFromJacobian, formatPerStep, readGradient } from '../shared/gradientReading';
import type { RunFault } from '../shared/run';

export const VANISHING_RATIO = 1e-6;
export const EXPLODING_NORM = 100;
export const GROWTH_FACTOR = 10;
/** The clipping threshold offered (sequenceLab.training.gradientClipNorm's default). */
export const SUGGESTED_CLIP = 5;

export type Fix = 'enableClipping' | 'lowerLearningRate' | 'switchToLstm';

export interface Finding {
  kind: 'nan' | 'vanishing' | 'exploding';
  severity: 'error' | 'warning';
  message: string;
  fixes: Fix[];
  /** Code points of the data file the finding is about (the fault's chunk is not known: the whole window). */
  window?: { start: number; length: number };
}

export interface GradientEvidence {
  cell: 'rnn' | 'gru' | 'lstm';
  clip: number;
  learningRate: number;
  minLearningRate: number;
  fault?: RunFault;
  /** ‖∂h_T/∂h_{T−n}‖ at index n − 1 (the gradient trace's jacobianNorm) and the trace's window. */
  trace?: { jacobianNorm: ArrayLike<number>; start: number; length: number; unit?: 'characters' | 'words'; cellPath?: ArrayLike<number> };
  /** K of truncated BPTT (the run's truncate, else its seqLength): distances ≥ K are not read. */
  truncation?: number;
  /** Gradient norms (before clipping) of the most recent steps, oldest first. */
  recentGradNorms: ArrayLike<number>;
  /** N of the vanishing rule. */
  vanishingSteps: number;
}

export function gradientFindings(e: GradientEvidence): Finding[] {
  const out: Finding[] = [];
  const lowerLr = e.learningRate / 2 >= e.minLearningRate ? (['lowerLearningRate'] as Fix[]) : [];
  const clip = e.clip === 0 || e.clip > SUGGESTED_CLIP ? (['enableClipping'] as Fix[]) : [];
  const lstm = e.cell === 'lstm' ? [] : (['switchToLstm'] as Fix[]);
  if (e.fault) {
    const where = e.fault.timeStep === undefined ? e.fault.tensor : `${e.fault.tensor} at time step ${e.fault.timeStep} of the chunk`;
    out.push({
      kind: 'nan', severity: 'error', fixes: [...clip, ...lowerLr, ...lstm],
      message: `NaN/Inf in ${where} at training step ${e.fault.step}: the run paused at its last good state.`,
    });
  }
  const J = e.trace?.jacobianNorm;
  // The reading's one rule (src/shared/gradientReading.ts) over the distances this run backpropagates: N, but never
  // beyond the truncation (a chunk of K steps sends no gradient further than K − 1 steps back).
  const N = e.truncation !== undefined ? Math.min(e.vanishingSteps, e.truncation - 1) : e.vanishingSteps;
  if (e.trace && J && N >= 1 && J.length >= N) {
    const r = readGradient(byDistanceFromJacobian(J), { maxDistance: N, floor: VANISHING_RATIO });
    // An LSTM's long path is its cell state: only when the forget gates' product vanishes too is the gradient lost.
    const cell = e.trace.cellPath && e.trace.cellPath.length >= N ? readGradient(byDistanceFromJacobian(e.trace.cellPath), { maxDistance: N, floor: VANISHING_RATIO }) : undefined;
    if (r.regime === 'vanishing' && r.floorAt !== undefined && (!cell || (cell.regime === 'vanishing' && cell.floorAt !== undefined))) {
      const unit = e.trace.unit ?? 'characters';
      const cut = N < e.vanishingSteps ? ` (training backpropagates ${e.truncation} steps, so nothing further back is learnt from in any case)` : '';
      out.push({
        kind: 'vanishing', severity: 'warning', fixes: lstm, window: { start: e.trace.start, length: e.trace.length },
        message:
          `Vanishing gradient: ‖∂h_T/∂h_{T−${r.floorAt}}‖ = ${J[r.floorAt - 1].toExponential(1)} < ${VANISHING_RATIO.toExponential(0)} ` +
          `(below from ${r.floorAt} steps back; ×${formatPerStep(r.perStep)} per step)` +
          `${cell ? `, and the cell path's forget gates keep ${cell.kept.toExponential(1)}` : ''}: ` +
          `the model cannot learn from what lies ${N} ${unit} back${cut}.`,
      });
    }
  }
  const g = Array.from(e.recentGradNorms).filter(Number.isFinite);
  if (e.clip === 0 && g.length > 0) {
    const largest = g.reduce((a, b) => Math.max(a, b), -Infinity);
    const quarter = Math.floor(g.length / 4);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = quarter >= 5 ? mean(g.slice(0, quarter)) : NaN;
    const late = quarter >= 5 ? mean(g.slice(-quarter)) : NaN;
    const grew = late >= GROWTH_FACTOR * early;
    if (largest > EXPLODING_NORM || grew) {
      out.push({
        kind: 'exploding', severity: 'warning', fixes: [...clip, ...lowerLr],
        message: grew
          ? `Exploding gradient with clipping off: the gradient norm grew ${(late / early).toFixed(0)}× over the last ${g.length} steps (to ${late.toPrecision(3)}).`
          : `Exploding gradient with clipping off: the gradient norm reached ${largest.toPrecision(3)} (> ${EXPLODING_NORM}).`,
      });
    }
  }
  return out;
}

/** The quick fix's title. */
export function fixTitle(fix: Fix, learningRate: number): string {
  if (fix === 'enableClipping') return `Enable gradient clipping (${SUGGESTED_CLIP})`;
  if (fix === 'lowerLearningRate') return `Lower the learning rate to ${learningRate / 2}`;
  return 'Switch to LSTM (a new run on this file)';
}

/** What a quick fix does to a run: change the live run (and resume it when a fault paused it), or start a new one. */
export type FixPlan =
  | { kind: 'reconfigure'; change: { clip?: number; learningRate?: number }; resume: boolean }
  | { kind: 'newRun'; change: { clip?: number; learningRate?: number; cell?: 'lstm' }; stopOld: boolean };

/** `live`: the worker can still change the run (training or paused); `faulted`: a NaN/Inf paused it. */
export function fixPlan(fix: Fix, learningRate: number, live: boolean, faulted: boolean): FixPlan {
  if (fix === 'switchToLstm') return { kind: 'newRun', change: { cell: 'lstm' }, stopOld: live };
  const change = fix === 'enableClipping' ? { clip: SUGGESTED_CLIP } : { learningRate: learningRate / 2 };
  return live ? { kind: 'reconfigure', change, resume: faulted } : { kind: 'newRun', change, stopOld: false };
}
