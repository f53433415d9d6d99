// What the Compare Runs panel shows of each run, and the sentence comparing them. Pure (no vscode): the host feeds
// it the stored runs and their curves (src/panels/compareCurves.ts), the tests feed it made-up curves.
//
// A curve point is a mean over the `stride` steps ending at its step (src/training/runStore.ts), so a run's "final
// loss" is the mean of the points in the last 5% of its steps (at least its last point): one noisy step does not
// decide it. Runs are compared at the last step they all reached, so a run that trained longer is not favoured.
// The loss is a cross-entropy in nats per character, word or tag, or a mean squared error (series and sequence-to-one
// runs) by the run's data kind: runs whose losses are in different units are not compared.
import type { RunStatus } from '../shared/run';
import type { DataKind, TrainingConfig } from '../shared/trainingConfig';
import type { ComparedRun } from '../shared/protocol/comparePanel';

export interface CurvePoint {
  step: number;
  loss: number;
  gradNorm: number;
}

/** One run as the host knows it: a stored run (run.json), its curve, and its speed when it trains in this window. */
export interface RunCurveInput {
  id: string;
  modelLabel: string;
  fileLabel: string;
  config: TrainingConfig;
  status: RunStatus;
  step: number;
  points: readonly CurvePoint[];
  charsPerSecond?: number;
  /** Its held-out scores in step order (heldout.jsonl; none for runs older than held-out loss). */
  heldOut?: readonly { step: number; loss: number }[];
  /**
   * Why the run holds nothing out, when the worker said so (run.json's heldOut with no held-out targets: too little
   * data, or resumed from a checkpoint that trained on today's held-out part).
   */
  noHeldOut?: string;
}

/** The held-out scores with a finite loss, in step order. */
function cleanHeldOut(run: RunCurveInput): { step: number; loss: number }[] {
  return (run.heldOut ?? []).filter((p) => Number.isFinite(p.loss) && Number.isFinite(p.step)).sort((a, b) => a.step - b.step);
}

/**
 * The unit of a run's loss (the page labels it with webview/common/lossUnit.ts, same names): `name` in full, `short`
 * after a number in the sentence (plain "nats" for characters, the panel's default).
 */
export function lossUnitOf(kind: DataKind | undefined): { name: string; short: string; crossEntropy: boolean } {
  switch (kind ?? 'characters') {
    case 'words':
      return { name: 'nats/word', short: 'nats/word', crossEntropy: true };
    case 'tagged':
      return { name: 'nats/tag', short: 'nats/tag', crossEntropy: true };
    case 'series':
      return { name: 'MSE per value', short: 'MSE per value', crossEntropy: false };
    case 'sequence-to-one':
      return { name: 'MSE per sequence', short: 'MSE per sequence', crossEntropy: false };
    default:
      return { name: 'nats/char', short: 'nats', crossEntropy: true };
  }
}

/** The share of the last steps whose points average into the final loss and gradient norm. */
export const FINAL_WINDOW = 0.05;

/** Points with a finite loss, in step order (a crash can leave a NaN line; resumed runs append in order anyway). */
function cleanPoints(points: readonly CurvePoint[]): CurvePoint[] {
  return points.filter((p) => Number.isFinite(p.loss) && Number.isFinite(p.step)).sort((a, b) => a.step - b.step);
}

/**
 * Mean loss and gradient norm of the points in (S − w, S], w = max(1, FINAL_WINDOW · S); the last point at or before
 * S when the window holds none (a sparse curve). undefined when no point is at or before S.
 */
export function windowMeanAt(points: readonly CurvePoint[], step: number): { loss: number; gradNorm: number } | undefined {
  const width = Math.max(1, FINAL_WINDOW * step);
  let loss = 0;
  let grad = 0;
  let n = 0;
  let last: CurvePoint | undefined;
  for (const p of points) {
    if (p.step > step) break;
    last = p;
    if (p.step > step - width) {
      loss += p.loss;
      grad += p.gradNorm;
      n++;
    }
  }
  if (n > 0) return { loss: loss / n, gradNorm: grad / n };
  return last && { loss: last.loss, gradNorm: last.gradNorm };
}

/** Legend names: the model label, plus what tells runs with the same label apart (seed, optimiser, rate, file). */
export function legendLabels(runs: readonly RunCurveInput[]): string[] {
  return runs.map((run) => {
    const twins = runs.filter((r) => r.modelLabel === run.modelLabel);
    if (twins.length === 1) return run.modelLabel;
    const extras: string[] = [];
    const differs = (f: (r: RunCurveInput) => unknown) => new Set(twins.map(f)).size > 1;
    if (differs((r) => r.fileLabel)) extras.push(run.fileLabel);
    if (differs((r) => r.config.optimizer)) extras.push(run.config.optimizer);
    if (differs((r) => r.config.learningRate)) extras.push(`lr ${run.config.learningRate}`);
    if (differs((r) => r.config.seed)) extras.push(`seed ${run.config.seed}`);
    if (extras.length === 0) extras.push(`#${twins.indexOf(run) + 1}`);
    return `${run.modelLabel} (${extras.join(', ')})`;
  });
}

/** A run's row and curve for the panel. */
export function comparedRun(run: RunCurveInput, label: string): ComparedRun {
  const points = cleanPoints(run.points);
  const lastStep = points.length > 0 ? points[points.length - 1].step : 0;
  const final = points.length > 0 ? windowMeanAt(points, lastStep) : undefined;
  const best = points.length > 0 ? points.reduce((m, p) => Math.min(m, p.loss), Infinity) : undefined;
  // Perplexity e^loss and characters per second mean something only for a cross-entropy over tokens of text.
  const { crossEntropy } = lossUnitOf(run.config.dataKind);
  return {
    id: run.id,
    label,
    fileLabel: run.fileLabel,
    cell: run.config.cell,
    hiddenSize: run.config.hiddenSize,
    layers: run.config.layers,
    optimizer: run.config.optimizer,
    learningRate: run.config.learningRate,
    seed: run.config.seed,
    dataKind: run.config.dataKind ?? 'characters',
    step: Math.max(run.step, lastStep),
    steps: run.config.steps,
    status: run.status,
    ...(final ? { finalLoss: final.loss, gradNorm: final.gradNorm } : {}),
    ...(final && crossEntropy ? { perplexity: Math.exp(final.loss) } : {}),
    ...(best !== undefined ? { bestLoss: best } : {}),
    ...(crossEntropy && run.charsPerSecond !== undefined && run.charsPerSecond > 0 ? { charsPerSecond: run.charsPerSecond } : {}),
    ...heldOutOf(run),
    curve: {
      steps: Float64Array.from(points, (p) => p.step),
      losses: Float32Array.from(points, (p) => p.loss),
      gradNorms: Float32Array.from(points, (p) => p.gradNorm),
    },
  };
}

function heldOutOf(run: RunCurveInput): Pick<ComparedRun, 'heldOutLoss' | 'heldOutCurve'> {
  const held = cleanHeldOut(run);
  if (held.length === 0) return {};
  return {
    heldOutLoss: held[held.length - 1].loss,
    heldOutCurve: { steps: Float64Array.from(held, (p) => p.step), losses: Float32Array.from(held, (p) => p.loss) },
  };
}

/** Every run's row, with legend names that tell them apart. */
export function comparedRuns(runs: readonly RunCurveInput[]): ComparedRun[] {
  const labels = legendLabels(runs);
  return runs.map((run, i) => comparedRun(run, labels[i]));
}

const stepText = (s: number): string => Math.round(s).toLocaleString('en-US');

/** Two cross-entropies closer than this (nats) are called level; two mean squared errors within this share of the lower. */
const LEVEL = 0.005;

/**
 * One sentence comparing the runs at the last step they all reached S: the lowest loss there and how far each other
 * run is above it, e.g. "LSTM reaches 1.62 nats at step 2,000, 0.41 below RNN." (losses are means over the
 * points in (S − 5%·S, S], in the runs' unit). Runs whose losses are in different units are named by unit instead.
 */
export function comparisonSummary(runs: readonly RunCurveInput[], labels: readonly string[] = legendLabels(runs)): string {
  // A comparison starts with two or more runs: one left means the others were deleted while the panel was open.
  if (runs.length === 0) return 'Nothing to compare: none of the runs is left.';
  if (runs.length === 1) return 'Nothing to compare: only one of the runs is left. Select runs in the Runs view and choose Compare Runs to compare it with others.';
  const withSteps = runs
    .map((r, i) => ({ label: labels[i], points: cleanPoints(r.points), heldOut: cleanHeldOut(r), file: r.fileLabel, unit: lossUnitOf(r.config.dataKind), noHeldOut: r.noHeldOut }))
    .filter((r) => r.points.length > 0);
  const waiting = runs.length - withSteps.length;
  const waitingText = waiting > 0 ? ` ${waiting === 1 ? 'One run has' : `${waiting} runs have`} no steps yet.` : '';
  if (withSteps.length < 2) return `Nothing to compare yet: fewer than two of the runs have steps.${waitingText}`.trim();
  const units = [...new Set(withSteps.map((r) => r.unit.name))];
  if (units.length > 1) {
    const byUnit = units.map((u) => `${withSteps.filter((r) => r.unit.name === u).map((r) => r.label).join(', ')} in ${u}`);
    return `Not compared: the runs\u2019 losses are in different units (${byUnit.join('; ')}).${waitingText}`;
  }
  const { crossEntropy, short: unit } = withSteps[0].unit;
  // Nats with two decimals; a mean squared error (often ≪ 1) with three significant digits.
  const lossText = (x: number): string => (crossEntropy ? x.toFixed(2) : x.toPrecision(3));
  const common = Math.min(...withSteps.map((r) => r.points[r.points.length - 1].step));
  // The held-out loss when every run has one by the common step (each run's last score at or before it): a model that
  // memorises its training data wins on the training loss only. Else the training loss, and the sentence says so.
  const heldOutAt = (r: (typeof withSteps)[number]) => r.heldOut.filter((p) => p.step <= common).at(-1);
  const onHeldOut = withSteps.every((r) => heldOutAt(r) !== undefined);
  const at = withSteps
    .map((r) => ({ label: r.label, loss: onHeldOut ? heldOutAt(r)!.loss : windowMeanAt(r.points, common)?.loss }))
    .filter((r): r is { label: string; loss: number } => r.loss !== undefined)
    .sort((a, b) => a.loss - b.loss);
  if (at.length < 2) return `Nothing to compare yet: the runs share no steps.${waitingText}`;
  const heldOutSteps = onHeldOut ? [...new Set(withSteps.map((r) => heldOutAt(r)!.step))] : [];
  const what = onHeldOut ? 'a held-out loss of ' : 'a training loss of ';
  const heldOutNote = onHeldOut
    ? heldOutSteps.every((s) => s === common) ? '' : ' (each run\u2019s last held-out score by then)'
    : withSteps.some((r) => r.heldOut.length > 0) ? ' (not every run has a held-out loss by then)' : '';
  const [best, ...rest] = at;
  const levelGap = crossEntropy ? LEVEL : LEVEL * Math.abs(best.loss);
  const level = rest.filter((r) => r.loss - best.loss < levelGap);
  const above = rest.filter((r) => r.loss - best.loss >= levelGap);
  const where = `at step ${stepText(common)}`;
  let sentence: string;
  if (above.length === 0) {
    sentence = `${[best, ...level].map((r) => r.label).join(' and ')} are level at ${what}${lossText(best.loss)} ${unit} ${where}${heldOutNote}.`;
  } else {
    const leaders = [best, ...level].map((r) => r.label).join(' and ');
    const gaps = above.map((r) => `${lossText(r.loss - best.loss)} below ${r.label}`);
    const list = gaps.length === 1 ? gaps[0] : `${gaps.slice(0, -1).join(', ')} and ${gaps[gaps.length - 1]}`;
    sentence = `${leaders} ${level.length > 0 ? 'reach' : 'reaches'} ${what}${lossText(best.loss)} ${unit} ${where}${heldOutNote}, ${list}.`;
  }
  if (new Set(withSteps.map((r) => r.file)).size > 1) sentence += ' The runs trained on different files, so their losses measure different texts.';
  for (const r of withSteps) if (r.noHeldOut) sentence += ` ${r.label} has no held-out loss: ${r.noHeldOut}.`;
  return sentence + waitingText;
}
