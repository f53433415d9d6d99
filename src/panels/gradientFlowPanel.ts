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
import { parseGradientPanelMessage, type GradientFlowView, type GradientPanelToHost, type HostToGradientPanel } from '../shared/protocol/gradientFlowPanel';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import type { RunPersistence } from '../training/runPersistence';
import { CursorFollow, selectInEditor } from './cursorFollow';
import { dataUriOf } from './gatesPanel';
import { stepAt, stepSpan, type TracedWindow } from './gatesView';
import { gradientFlowView } from './gradientFlowView';
import { TrainingPanel } from './trainingPanel';
import { toDisposable } from '../base/disposable';
import { createPanel, OpenPanels, ONE_PER_WINDOW, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';
import { provideTraceExport } from '../base/panelExport';
import { gradientTraceFiles as traceFiles, traceExportOf } from './panelTraceExport';
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
const readingRun = (run: RunRecord) => ({ cell: run.info.config.cell, truncation: run.info.config.truncate ?? run.info.config.seqLength });
const labelOf = (run: RunRecord) => `${run.info.modelLabel} on ${run.info.fileLabel}`;

const GRADIENT_PANEL: PanelKind<GradientPanelToHost> = { viewType: GRADIENT_PANEL_VIEW_TYPE, bundle: 'gradientFlow', title: TITLE, parse: parseGradientPanelMessage };

export class GradientFlowPanel extends PanelBase<GradientPanelToHost, HostToGradientPanel> {
  /** One panel per window. */
  private static readonly open = new OpenPanels<GradientFlowPanel>();
  private runId: string | undefined;
  /** This panel's request in flight: only its answer is shown. */
  private readonly requests = new LatestTraceRequest(REQUEST_TIMEOUT_MS);
  /** The trace the page draws ("Export Trace as CSV…/JSON…"): none after a revive, a run switch or a failed trace. */
  private readonly shownView = new ShownTrace<GradientFlowView>();

  /** The run's data file (the page never names files), the window drawn, and where the editor's cursor is in it. */
  private dataUri: string | undefined;
  private shown: TracedWindow | undefined;
  private readonly cursorFollow = new CursorFollow();
  /** The window last asked for around the cursor (undefined: the one before the data cursor, the worker's default). */
  private wanted: number | undefined;

  static show(extensionUri: vscode.Uri, service: TrainingService, run: RunRecord, dataUri?: string): void {
    const { panel: current } = GradientFlowPanel.open.show(ONE_PER_WINDOW, () => new GradientFlowPanel(createPanel(GRADIENT_PANEL, extensionUri), extensionUri, service));
    current.runId = run.info.id;
    current.dataUri = dataUri;
    current.shown = undefined;
    current.wanted = undefined;
    current.cursorFollow.forget();
    current.shownView.forget();
    current.requests.forget();
    current.post({ type: 'status', runLabel: labelOf(run), training: isActive(run.info) });
    const editor = vscode.window.activeTextEditor;
    if (editor && dataUri !== undefined && editor.document.uri.toString() === dataUri) current.followCursor(editor);
    else current.request();
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, service: TrainingService): void {
    GradientFlowPanel.open.revive(ONE_PER_WINDOW, () => new GradientFlowPanel(panel, extensionUri, service));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly service: TrainingService,
  ) {
    super(panel, extensionUri, GRADIENT_PANEL);
    provideTraceExport(panel, () => traceExportOf(this.shownView, !!this.runId && !!service.get(this.runId), traceFiles, 'Show Gradient Flow'));
    const timer = setInterval(() => {
      const run = this.runId ? service.get(this.runId) : undefined;
      if (run && isActive(run.info) && this.panel.visible && this.requests.refreshDue(Date.now())) this.request(this.wanted);
    }, AUTO_REFRESH_MS);
    this._register(toDisposable(() => clearInterval(timer)));
    this._register(service.onDidTrace((answer) => {
      if (answer.runId !== this.runId) return;
      // An answer to another asker's request (the gradient problems), or to one this panel gave up on: not shown.
      const taken = this.requests.take(answer.requestId, Date.now());
      if (!taken) return;
      const run = service.get(answer.runId);
      if ('error' in answer) {
        this.shownView.failed(answer.error);
        this.post({ type: 'detached', message: `No trace: ${answer.error}` });
      } else if (run) {
        this.shownStep = answer.trace.step;
        const { start, length, tokenStarts, tokenEnds } = answer.trace;
        this.shown = { start, length, ...(tokenStarts && tokenEnds ? { tokenStarts, tokenEnds } : {}) };
        this.post({ type: 'showTrace', view: this.shownView.drawn(gradientFlowView(answer.trace, labelOf(run), readingRun(run))) });
        if (this.cursor !== undefined) this.post({ type: 'select', t: stepAt(this.shown, this.cursor) });
        if (!taken.queued) this.catchUpWithEndedRun();
      }
      // The cursor moved on while this trace was made: its window next.
      if (taken.queued) this.request(taken.queued.start);
    }));
    this._register(service.onDidChangeRun((run) => {
      if (run.info.id !== this.runId) return;
      this.post({ type: 'status', runLabel: labelOf(run), training: isActive(run.info) });
      this.catchUpWithEndedRun();
    }));
    this._register(vscode.window.onDidChangeTextEditorSelection((e) => {
      if (this.dataUri !== undefined && e.textEditor.document.uri.toString() === this.dataUri) this.followCursor(e.textEditor);
    }));
  }

  /** The code point the editor's cursor is on, when the editor shows the run's data file. */
  private cursor: number | undefined;

  /** The cursor of the run's data file moved: select its step, or trace the window around it. */
  private followCursor(editor: vscode.TextEditor): void {
    const run = this.runId ? this.service.get(this.runId) : undefined;
    const { cursor, windowStart } = this.cursorFollow.locate(editor, run, TRACE_LENGTH);
    this.cursor = cursor;
    const t = this.shown ? stepAt(this.shown, cursor) : -1;
    if (t >= 0) {
      this.post({ type: 'select', t });
      return;
    }
    const start = windowStart();
    if (this.shown && start === this.shown.start) return;
    this.wanted = start;
    this.request(start);
  }

  /** Selects step t of the window drawn in the run's data file. */
  private async reveal(t: number): Promise<void> {
    const shown = this.shown;
    if (!shown || t >= shown.length || this.dataUri === undefined) return;
    const span = stepSpan(shown, t);
    await selectInEditor(this.dataUri, span.from, span.to);
  }

  /** The training step of the trace on screen (−1: none yet). */
  private shownStep = -1;

  /** A run that stopped training is traced once more when the trace on screen is older than its last step. */
  private catchUpWithEndedRun(): void {
    const run = this.runId ? this.service.get(this.runId) : undefined;
    if (!run || run.info.status === 'training' || run.info.status === 'starting' || run.info.status === 'failed') return;
    if (this.shownStep < 0 || this.shownStep >= run.history.steps || this.requests.waiting) return;
    this.request(this.wanted);
  }

  /** Asks for a fresh trace (of the window from `start`, else the one before the data cursor), or queues it behind the one in flight. */
  private request(start?: number): void {
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
    if (!this.requests.mayAsk(start === undefined ? {} : { start }, now)) return;
    const requestId = this.service.traceGradients(run.info.id, TRACE_LENGTH, start);
    if (requestId !== undefined) this.requests.sent(requestId, now);
  }

  protected readonly handle = createDispatcher<GradientPanelToHost>({
    ready: () => this.request(this.wanted),
    refresh: () => this.request(this.wanted),
    revealStep: (m) => this.reveal(m.t),
  });
}

/** The command and the panel serializer. */
export function registerGradientFlow(extensionUri: vscode.Uri, service: TrainingService, persistence?: RunPersistence): vscode.Disposable[] {
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
      GradientFlowPanel.show(extensionUri, service, run, dataUriOf(run, persistence));
    }),
    registerPanelSerializer(GRADIENT_PANEL_VIEW_TYPE, (panel) => GradientFlowPanel.revive(panel, extensionUri, service)),
  ];
}
