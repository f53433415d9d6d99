// The worker's gradient trace as the Gradient Flow page's plain JSON view (no vscode: tested in Node).
import type { GradientCell } from '../shared/gradientReading';
import type { GradientFlowView } from '../shared/protocol/gradientFlowPanel';
import type { GradientTrace } from '../shared/protocol/traces';

/** The worker's trace as the page's plain JSON view. */
export function gradientFlowView(trace: GradientTrace, runLabel: string, run?: { cell: GradientCell; truncation: number }): GradientFlowView {
  const T = trace.length;
  return {
    runLabel,
    step: trace.step,
    start: trace.start,
    layers: trace.layers,
    // One row per chain: per layer, or per layer and direction (c = k·D + d) for a bidirectional run.
    gradNormH: Array.from({ length: trace.layers * (trace.directions ?? 1) }, (_, c) => Array.from(trace.gradNormH.subarray(c * T, (c + 1) * T))),
    jacobianNorm: Array.from(trace.jacobianNorm),
    spectralRadius: [...trace.spectralRadius],
    largestSingularValue: [...trace.largestSingularValue],
    tokens: [...trace.tokens],
    ...(trace.history ? { history: trace.history } : {}),
    ...(trace.tokenStarts ? { tokenKind: trace.runKind ? (trace.runKind === 'tagged' ? 'tokens' as const : 'rows' as const) : 'words' as const } : {}),
    ...(trace.directions && trace.directions > 1 ? { directions: trace.directions } : {}),
    ...(run ? { cell: run.cell, truncation: run.truncation } : {}),
    ...(trace.cellGradNorm ? { gradNormC: Array.from(trace.cellGradNorm) } : {}),
    ...(trace.cellPath ? { cellPath: Array.from(trace.cellPath) } : {}),
    ...(trace.meanForgetGate !== undefined ? { meanForgetGate: trace.meanForgetGate } : {}),
  };
}
