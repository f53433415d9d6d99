// Pure (no vscode): the gradient lab's data (the start of a file, or nothing) and the worker's typed arrays as the
// plain JSON-able view the lab panel draws and saves with setState (NaN and ±Infinity become null).
import type { GradientLabView, TrainedGradientLabView, TrainedRunChoice } from '../shared/protocol/gradientLabPanel';
import type { GradientLabAnswer, TrainedGradientLabAnswer } from '../shared/protocol/analysisWorker';
import type { StoredRun } from '../training/runStore';
import { checkTrainingText } from '../shared/textChecks';

/** UTF-16 units of the file sent to the worker: enough for the lab's 201 characters (code points up to 2 units). */
export const LAB_TEXT_UNITS = 1000;
export const GENERATED_LABEL = 'a generated sequence (random letters)';

export interface LabData {
  /** What the worker reads ('' for the generated sequence). */
  text: string;
  label: string;
  /** Why the lab fell back to the generated sequence, if it did. */
  note?: string;
}

/** The lab's data from the active document's text (undefined: no text editor), checked like a training text. */
export function labData(text: string | undefined, fileLabel: string | undefined): LabData {
  if (text === undefined || fileLabel === undefined) return { text: '', label: GENERATED_LABEL };
  const head = text.slice(0, LAB_TEXT_UNITS);
  const verdict = checkTrainingText(head, fileLabel, Number.MAX_SAFE_INTEGER);
  if (!verdict.ok) return { text: '', label: GENERATED_LABEL, note: `${verdict.message ?? `${fileLabel} cannot be used.`} The lab runs on generated letters instead.` };
  return { text: head, label: `the first characters of ${fileLabel}` };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function gradientLabView(answer: GradientLabAnswer, dataLabel: string): GradientLabView {
  return {
    spectralRadius: answer.spectralRadius,
    steps: answer.steps,
    hiddenSize: answer.hiddenSize,
    seed: answer.seed,
    forgetBias: answer.forgetBias,
    dataLabel: answer.generated ? GENERATED_LABEL : dataLabel,
    rnnHidden: Array.from(answer.rnnHidden, finite),
    lstmHidden: Array.from(answer.lstmHidden, finite),
    lstmCell: Array.from(answer.lstmCell, finite),
    meanForgetGate: finite(answer.meanForgetGate),
    rnnDecay: finite(answer.rnnDecay),
    lstmHiddenDecay: finite(answer.lstmHiddenDecay),
    lstmCellDecay: finite(answer.lstmCellDecay),
    ...(answer.linearHidden ? { linearHidden: Array.from(answer.linearHidden, finite) } : {}),
    ...(answer.largestSingularValue !== undefined ? { largestSingularValue: finite(answer.largestSingularValue) } : {}),
    ...(answer.carouselFactor !== undefined ? { carouselFactor: finite(answer.carouselFactor) } : {}),
  };
}

// ── Trained-weights mode ──

/** Statuses of a run that has finished training (its checkpoint is its final weights). */
const FINISHED: ReadonlySet<string> = new Set(['completed', 'stopped']);

/** The cell the trained-weights mode reads a run as, or undefined (not a one-layer, one-direction char tanh RNN / LSTM). */
export function trainedCellOf(run: Pick<StoredRun, 'config'>): 'rnn' | 'lstm' | undefined {
  const c = run.config;
  if ((c.dataKind ?? 'characters') !== 'characters' || c.layers !== 1 || c.bidirectional) return undefined;
  if (c.cell === 'lstm') return 'lstm';
  if (c.cell === 'rnn' && (c.nonlinearity ?? 'tanh') === 'tanh') return 'rnn';
  return undefined;
}

const baseName = (label: string): string => label.split(/[\\/]/).pop() ?? label;

/** The finished runs with a checkpoint the mode reads, newest first as given, each named for the page. */
export function trainedRunChoices(runs: readonly StoredRun[], hasCheckpoint: (id: string) => boolean): TrainedRunChoice[] {
  const out: TrainedRunChoice[] = [];
  for (const run of runs) {
    const cell = trainedCellOf(run);
    if (!cell || !FINISHED.has(run.status) || run.checkpointStep === undefined || !hasCheckpoint(run.id)) continue;
    const experiment = run.experiment ? ` · ${baseName(run.experiment.label)}` : '';
    const time = run.createdAt.slice(11, 16);
    out.push({
      id: run.id, cell, fileLabel: run.dataLabel, fileKey: run.dataSha256.slice(0, 16),
      label: `${run.modelLabel}${experiment} · step ${run.checkpointStep} · ${run.dataLabel} · ${time}`,
    });
  }
  return out;
}

/** The curves of two trained runs as the page draws and saves them (NaN and ±Infinity as null). */
export function trainedLabView(
  answer: TrainedGradientLabAnswer,
  runs: { rnn: { label: string; truncation: number }; lstm: { label: string; truncation: number } },
  dataLabel: string,
): TrainedGradientLabView {
  return {
    steps: answer.steps,
    spectralRadius: answer.spectralRadius,
    largestSingularValue: finite(answer.largestSingularValue),
    dataLabel,
    rnnRun: runs.rnn.label,
    lstmRun: runs.lstm.label,
    rnnTruncation: runs.rnn.truncation,
    lstmTruncation: runs.lstm.truncation,
    rnnHidden: Array.from(answer.rnnHidden, finite),
    lstmHidden: Array.from(answer.lstmHidden, finite),
    lstmCell: Array.from(answer.lstmCell, finite),
    linearHidden: Array.from(answer.linearHidden, finite),
    meanForgetGate: finite(answer.meanForgetGate),
    carouselFactor: finite(answer.carouselFactor),
    lstmForgetBias: finite(answer.lstmForgetBias),
  };
}
