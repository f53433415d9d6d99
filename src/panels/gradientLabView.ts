// Pure (no vscode): the gradient lab's data (the start of a file, or nothing) and the worker's typed arrays as the
// plain JSON-able view the lab panel draws and saves with setState (NaN and ±Infinity become null).
import type { GradientLabView } from '../shared/webviewProtocol';
import type { GradientLabAnswer } from '../shared/workerProtocol';
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
