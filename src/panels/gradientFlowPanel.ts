// "Sequence Lab: Show Gradient Flow": the Gradient Flow panel of the run shown in the Training panel (or the newest
// run). The worker traces the run's current model over the 64 characters before its data cursor (the trace works on
// a copy of the parameters, so training goes on unchanged); the page draws ‖∂L/∂h_t‖, the Jacobian norm by distance
// and the spectra of W_hh. Each answer also carries the run's history over training (src/worker/gradientHistory.ts:
// ‖∂L/∂h_t‖ of a fixed window every K steps, ρ and σ_max, the gradient norm before and after clipping), as typed
// arrays, so the page's history charts refresh with it. A fresh trace on "Refresh" and every ~2 s while the run
// trains, one request in flight at most, and only the answer to it is shown (the gradient problems of
// src/rnnEditor/ ask for traces of the same runs: traceRequest.ts). One panel per window; a window reload restores the page from its saved state (panel serializer).
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import { parseGradientPanelMessage, type GradientFlowView, type GradientPanelToHost, type HostToGradientPanel } from '../shared/webviewProtocol';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import { gradientFlowView } from './gradientFlowView';
import { TrainingPanel } from './trainingPanel';
import { initPanel, panelOptions } from './webviewPanels';
import { gradientTraceFiles as traceFiles, provideTraceExport, traceExportOf } from './panelExport';
import { ShownTrace } from './shownTrace';
import { LatestTraceRequest } from './traceRequest';

export const SHOW_GRADIENT_FLOW_COMMAND = 'sequenceLab.showGradientFlow';
export const GRADIENT_PANEL_VIEW_TYPE = 'sequenceLab.gradientFlow';
const TITLE = 'Sequence Lab: Gradient Flow';
/** Characters in the traced window. */
export const TRACE_LENGTH = 64;
/** While the run trains, a fresh trace at most this often. */
const AUTO_REFRESH_MS = 2000;
/** A request with no answer after this long no longer blocks the next one. */
const REQUEST_TIMEOUT_MS = 60_000;

/** What the reading must know of the run: its cell (the advice) and K of truncated BPTT (the distances read). */
const readingRun = (run: RunRecord) => ({ cell: run.info.config.model, truncation: run.info.config.truncate ?? run.info.config.seqLength });
const labelOf = (run: RunRecord) => `${run.info.modelLabel} on ${run.info.fileLabel}`;

export class GradientFlowPanel implements vscode.Disposable {
  private static current: GradientFlowPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private runId: string | undefined;
  /** This panel's request in flight: only its answer is shown. */
  private readonly requests = new LatestTraceRequest(REQUEST_TIMEOUT_MS);
  /** How long the last trace took: automatic refreshes wait at least 4× that, so tracing big models costs ≤ ~20%. */
  private readonly timer: ReturnType<typeof setInterval>;
  /** The trace the page draws ("Export Trace as CSV…/JSON…"): none after a revive, a run switch or a failed trace. */
  private readonly shownView = new ShownTrace<GradientFlowView>();

  static show(extensionUri: vscode.Uri, service: TrainingService, run: RunRecord): void {
    if (!GradientFlowPanel.current) {
      const panel = vscode.window.createWebviewPanel(
        GRADIENT_PANEL_VIEW_TYPE,
        TITLE,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        panelOptions(extensionUri),
      );
      GradientFlowPanel.current = new GradientFlowPanel(panel, extensionUri, service);
    } else {
      GradientFlowPanel.current.panel.reveal(undefined, true);
    }
    const current = GradientFlowPanel.current;
    current.runId = run.info.id;
    current.shownView.forget();
    current.requests.forget();
    current.post({ type: 'status', runLabel: labelOf(run), training: isActive(run.info) });
    current.request();
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, service: TrainingService): void {
    GradientFlowPanel.current?.dispose();
    GradientFlowPanel.current = new GradientFlowPanel(panel, extensionUri, service);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly service: TrainingService,
  ) {
    initPanel(panel, extensionUri, 'gradients', TITLE);
    provideTraceExport(panel, () => traceExportOf(this.shownView, !!this.runId && !!service.get(this.runId), traceFiles, 'Show Gradient Flow'));
    this.timer = setInterval(() => {
      const run = this.runId ? service.get(this.runId) : undefined;
      if (run && isActive(run.info) && this.panel.visible && this.requests.refreshDue(Date.now())) this.request();
    }, AUTO_REFRESH_MS);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseGradientPanelMessage(raw);
        if (message) void this.handle(message);
      }),
      service.onDidTrace((answer) => {
        if (answer.runId !== this.runId) return;
        // An answer to another asker's request (the gradient problems), or to one this panel gave up on: not shown.
        const taken = this.requests.take(answer.requestId, Date.now());
        if (!taken) return;
        const run = service.get(answer.runId);
        if ('error' in answer) {
          this.shownView.failed(answer.error);
          this.post({ type: 'detached', message: `No trace: ${answer.error}` });
        } else if (run) this.post({ type: 'showTrace', view: this.shownView.drawn(gradientFlowView(answer.trace, labelOf(run), readingRun(run))) });
      }),
      service.onDidChangeRun((run) => {
        if (run.info.id === this.runId) this.post({ type: 'status', runLabel: labelOf(run), training: isActive(run.info) });
      }),
    );
  }

  /** Asks for a fresh trace unless one is in flight. */
  private request(): void {
    const run = this.runId ? this.service.get(this.runId) : undefined;
    if (!run) {
      this.post({
        type: 'detached',
        message: 'The run this panel showed is gone (the window was reloaded). Run "Show Gradient Flow" again on a new run.',
      });
      return;
    }
    // A refresh while a trace is in flight is dropped: the answer on its way is as fresh.
    const now = Date.now();
    if (!this.requests.mayAsk({}, now)) return;
    const requestId = this.service.traceGradients(run.info.id, TRACE_LENGTH);
    if (requestId !== undefined) this.requests.sent(requestId, now);
  }

  private readonly handle = createDispatcher<GradientPanelToHost>({
    ready: () => this.request(),
    refresh: () => this.request(),
  });

  private post(message: HostToGradientPanel): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (GradientFlowPanel.current === this) GradientFlowPanel.current = undefined;
    clearInterval(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** The command and the panel serializer. */
export function registerGradientFlow(extensionUri: vscode.Uri, service: TrainingService): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(SHOW_GRADIENT_FLOW_COMMAND, () => {
      const shownId = TrainingPanel.currentRunId;
      const run = (shownId ? service.get(shownId) : undefined) ?? service.latestRun();
      if (!run) {
        void vscode.window.showInformationMessage(
          'Sequence Lab: no runs yet. Open a text file and run "Sequence Lab: Train Character Model on Active File" first.',
        );
        return;
      }
      if (run.info.status === 'failed') {
        void vscode.window.showErrorMessage(`Sequence Lab: the run ${labelOf(run)} failed; there is no model to trace.`);
        return;
      }
      GradientFlowPanel.show(extensionUri, service, run);
    }),
    vscode.window.registerWebviewPanelSerializer(GRADIENT_PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        GradientFlowPanel.revive(panel, extensionUri, service);
      },
    }),
  ];
}
