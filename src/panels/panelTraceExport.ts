// What "Export Trace as CSV…/JSON…" (src/base/panelExport.ts) gets from the Gates, Unrolled and Gradient Flow panels:
// the trace a panel draws (shownTrace.ts) as files, or why it has none, in words.
import * as vscode from 'vscode';
import type { TraceExport, TraceFiles } from '../base/panelExport';
import { gradientTraceCsv, gradientTraceJson } from '../shared/traceExport';
import type { GradientFlowView } from '../shared/protocol/gradientFlowPanel';
import type { ShownTrace } from './shownTrace';

/**
 * What "Export Trace" gets from a panel that keeps its shown trace in `shown`: the trace's files, or why there are none
 * (`commandName`: the command that opens the panel on a run, for the message when its run is gone).
 */
export function traceExportOf<V>(shown: ShownTrace<V>, runAlive: boolean, files: (view: V) => TraceFiles, commandName: string): TraceExport {
  const trace = shown.exportable(runAlive);
  if ('view' in trace) return files(trace.view);
  if (trace.reason === 'runGone') {
    return { unavailable: vscode.l10n.t('Sequence Lab: the run of this panel is gone (the window was reloaded or the run was deleted), so there is no trace to export. Run "{0}" again on a run.', commandName) };
  }
  if (trace.reason === 'failed') return { unavailable: vscode.l10n.t('Sequence Lab: the panel has no trace to export: {0}', trace.error) };
  return undefined; // the first trace of the run is on its way
}

/** The Gradient Flow panel's trace as files. */
export function gradientTraceFiles(view: GradientFlowView): TraceFiles {
  return { csv: () => gradientTraceCsv(view), json: () => gradientTraceJson(view) };
}
