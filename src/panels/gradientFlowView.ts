// The worker's gradient trace as the Gradient Flow page's plain JSON view (no vscode: tested in Node).
import type { GradientCell } from '../shared/gradientReading';
import type { GradientFlowView } from '../shared/webviewProtocol';
import type { GradientTrace } from '../shared/workerProtocol';

/** The worker's trace as the page's plain JSON view. */
export function gradientFlowView(trace: GradientTrace, runLabel: string, run?: { cell: GradientCell; truncation: number }): GradientFlowView {
  const T = trace.length;
  return {
    runLabel,
    step: trace.step,
    start: trace.start,
    layers: trace.layers,
    gradNormH: Array.from({ length: trace.layers }, (_, k) => Array.from(trace.gradNormH.subarray(k * T, (k + 1) * T))),
    jacobianNorm: Array.from(trace.jacobianNorm),
    spectralRadius: [...trace.spectralRadius],
    largestSingularValue: [...trace.largestSingularValue],
    tokens: [...trace.tokens],
    ...(trace.history ? { history: trace.history } : {}),
    ...(trace.tokenStarts ? { tokenKind: 'words' as const } : {}),
    ...(run ? { cell: run.cell, truncation: run.truncation } : {}),
    ...(trace.cellGradNorm ? { gradNormC: Array.from(trace.cellGradNorm) } : {}),
    ...(trace.cellPath ? { cellPath: Array.from(trace.cellPath) } : {}),
    ...(trace.meanForgetGate !== undefined ? { meanForgetGate: trace.meanForgetGate } : {}),
  };
}
