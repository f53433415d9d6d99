// "Sequence Lab: Show LSTM/GRU Gates": the Gates panel of the run shown in the Training panel, the newest run, or the
// run picked in the Runs view. The worker traces the run's current model over a window of GATES_WINDOW characters
// (a copy of the parameters, so training goes on unchanged): around the editor's cursor when the run's data file is
// the active editor, else the last characters trained on. The page draws every gate, c_t and h_t as heatmaps.
//
// Editor linkage: the host keeps the run's data file URI (the page never names files). Moving the cursor in that file
// selects the step in the page (a fresh trace around the cursor when it leaves the window); picking a step in the page
// reveals and selects that character in the editor. While the run trains the window is traced again at most once a
// second, one request in flight at most. A word run's steps are its words: its trace says where each word sits
// (gatesView.ts stepAt/stepSpan), so the cursor selects the word under it and a picked step selects the whole word.
//
// The same host class (ActivationPanel) serves the Unrolled Network panel (unrolledPanel.ts): same messages, its own
// page. Each panel takes only the answer to its latest traceActivations request (traceRequest.ts), and the panels of
// one run share one window: a window one of them draws is asked for by the other (and is where one opened later starts).
import * as vscode from 'vscode';
import { documentLabel } from '../base/documentText';
import { createDispatcher } from '../shared/messages';
import { gatesTraceCsv, gatesTraceJson } from '../shared/traceExport';
import { parseGatesPanelMessage, type GatesPanelToHost, type GatesView, type HostToGatesPanel } from '../shared/protocol/gatesPanel';
import type { RecurrenceAt } from '../shared/protocol/traces';
import type { RunPersistence } from '../training/runPersistence';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import { CursorFollow, selectInEditor } from './cursorFollow';
import { GATES_WINDOW, gatesView, stepAt, stepSpan, type TracedWindow } from './gatesView';
import { TrainingPanel } from './trainingPanel';
import { provideTraceExport } from '../base/panelExport';
import { traceExportOf } from './panelTraceExport';
import { ShownTrace } from './shownTrace';
import { LatestTraceRequest } from './traceRequest';
import { UnitSearchSession } from './unitSearchSession';
import { toDisposable } from '../base/disposable';
import { createPanel, OpenPanels, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';

export const SHOW_GATES_COMMAND = 'sequenceLab.showGates';
export const GATES_PANEL_VIEW_TYPE = 'sequenceLab.gates';
/** Select the next / previous match of the Gates panel's whole-file unit search in the editor. */
export const NEXT_UNIT_MATCH_COMMAND = 'sequenceLab.nextUnitMatch';
export const PREVIOUS_UNIT_MATCH_COMMAND = 'sequenceLab.previousUnitMatch';

/** A page that draws traceActivations answers: the Gates panel, and the Unrolled Network panel (unrolledPanel.ts). */
export interface ActivationPanelKind {
  command: string;
  viewType: string;
  /** webview/<bundle>/main.ts */
  bundle: string;
  title: string;
  /** The command's name in words, for messages. */
  name: string;
}

export const GATES_PANEL: ActivationPanelKind = {
  command: SHOW_GATES_COMMAND, viewType: GATES_PANEL_VIEW_TYPE, bundle: 'gates', title: 'Sequence Lab: Gates', name: 'Show LSTM/GRU Gates',
};
/** While the run trains, a fresh trace at most this often. */
const AUTO_REFRESH_MS = 1000;
/** A request with no answer after this long no longer blocks the next one. */
const REQUEST_TIMEOUT_MS = 30_000;

const labelOf = (run: RunRecord) => `${run.info.modelLabel} on ${run.info.fileLabel}`;

/** The base's view of a kind: its page, and the Gates channel's validator (both pages speak it). */
const panelKind = (kind: ActivationPanelKind): PanelKind<GatesPanelToHost> => ({ viewType: kind.viewType, bundle: kind.bundle, title: kind.title, parse: parseGatesPanelMessage });

export class ActivationPanel extends PanelBase<GatesPanelToHost, HostToGatesPanel> {
  /** One panel of each kind per window (keyed by view type). */
  private static readonly open = new OpenPanels<ActivationPanel>();
  /**
   * The window (first step) last drawn for each run by any of these panels: panels on one run share one window (the
   * Gates and Unrolled panels showed characters 416–543 against 119–246 of the same run when one was opened later).
   */
  private static readonly windowOf = new Map<string, number>();
  private runId: string | undefined;
  /** The run's data file, as the host found it when the panel was opened for the run. */
  private dataUri: string | undefined;
  /** The window shown (undefined before the first answer: the worker picks the last window trained); a word run's with its words' places. */
  private shown: TracedWindow | undefined;
  /** This panel's request in flight (only its answer is shown) and the window queued behind it. */
  private readonly requests = new LatestTraceRequest(REQUEST_TIMEOUT_MS);
  /** The window last asked for (asked again when the run could not be traced yet). */
  private wanted: number | undefined;
  /** The code point the editor's cursor is on, when the editor shows the run's data file. */
  private cursor: number | undefined;
  /** The step whose recurrence the Unrolled page shows with its numbers (asked with every trace; the Gates page asks none). */
  private recurrence: RecurrenceAt | undefined;
  /** Where the editor's cursor is in the run's steps (shared with the other panels that follow it). */
  private readonly cursorFollow = new CursorFollow();
  /** The trace the page draws ("Export Trace as CSV…/JSON…"): none after a revive, a run switch or a failed trace. */
  private readonly shownView = new ShownTrace<GatesView>();

  static show(kind: ActivationPanelKind, extensionUri: vscode.Uri, service: TrainingService, run: RunRecord, dataUri: string | undefined): void {
    const { panel: current } = ActivationPanel.open.show(kind.viewType, () => new ActivationPanel(kind, createPanel(kind, extensionUri), extensionUri, service));
    // Another run's matches mean nothing for this one.
    if ((current.runId !== run.info.id || current.dataUri !== dataUri) && current.search?.active) {
      current.search.cancel(true);
      current.search.clear();
      current.post({ type: 'searchEnded', message: vscode.l10n.t('The panel now shows another run: search again.') });
    }
    current.runId = run.info.id;
    current.dataUri = dataUri;
    current.shown = undefined;
    current.shownView.forget();
    current.requests.forget();
    current.wanted = undefined;
    current.cursor = undefined;
    current.recurrence = undefined;
    current.cursorFollow.forget();
    current.post({ type: 'status', runLabel: labelOf(run), training: isActive(run.info) });
    const editor = vscode.window.activeTextEditor;
    if (editor && dataUri !== undefined && editor.document.uri.toString() === dataUri) current.followCursor(editor);
    // Not at the cursor: the window the run's other activation panel shows (one window per run), else the last trained.
    else current.request(ActivationPanel.windowOf.get(run.info.id));
  }

  static revive(kind: ActivationPanelKind, panel: vscode.WebviewPanel, extensionUri: vscode.Uri, service: TrainingService): void {
    ActivationPanel.open.revive(kind.viewType, () => new ActivationPanel(kind, panel, extensionUri, service));
  }

  private constructor(
    private readonly kind: ActivationPanelKind,
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly service: TrainingService,
  ) {
    super(panel, extensionUri, panelKind(kind));
    // The whole-file unit search lives in the Gates page only.
    if (kind.bundle === 'gates') this.search = this._register(new UnitSearchSession(service, (m) => this.post(m)));
    const files = (view: GatesView) => ({ csv: () => gatesTraceCsv(view), json: () => gatesTraceJson(view) });
    provideTraceExport(panel, () => traceExportOf(this.shownView, !!this.runId && !!service.get(this.runId), files, kind.name));
    const timer = setInterval(() => {
      const run = this.runId ? service.get(this.runId) : undefined;
      if (run && isActive(run.info) && this.panel.visible && this.shown && this.requests.refreshDue(Date.now())) this.request(this.shown.start);
      // Opened while the run was still starting (the worker had no model yet): ask again until there is a trace.
      else if (run && !this.shown && !this.requests.answered && !this.requests.waiting && run.info.status !== 'starting') this.request(this.wanted);
    }, AUTO_REFRESH_MS);
    this._register(toDisposable(() => clearInterval(timer)));
    this._register(service.onDidTraceActivations((answer) => {
      if (answer.runId !== this.runId) return;
      // Another panel's request, or one of this panel's that a newer one replaced: not this panel's window.
      const taken = this.requests.take(answer.requestId, Date.now());
      if (!taken) return;
      const run = service.get(answer.runId);
      if ('error' in answer) {
        this.shownView.failed(answer.error);
        this.post({ type: 'detached', message: `No trace: ${answer.error}` });
      } else if (run) {
        const { start, length, tokenStarts, tokenEnds } = answer.trace;
        this.shown = { start, length, ...(tokenStarts && tokenEnds ? { tokenStarts, tokenEnds } : {}) };
        this.shareWindow(answer.runId, start);
        this.shownStep = answer.trace.step;
        this.post({ type: 'showActivations', view: this.shownView.drawn(gatesView(answer.trace, labelOf(run), this.cursor)) });
      }
      if (taken.queued) this.request(taken.queued.start);
      else if (!('error' in answer)) this.catchUpWithEndedRun();
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

  /** The Gates page's whole-file unit search (none for the Unrolled page). */
  private readonly search: UnitSearchSession | undefined;

  /** Next (+1) / previous (−1) match of the open Gates panel's search; false when there is none to go to. */
  static async stepMatch(viewType: string, direction: 1 | -1): Promise<boolean> {
    return (await ActivationPanel.open.get(viewType)?.search?.step(direction)) ?? false;
  }

  /** Records the window this panel drew for the run, and moves the run's other activation panels to it. */
  private shareWindow(runId: string, start: number): void {
    ActivationPanel.windowOf.set(runId, start);
    for (const other of ActivationPanel.open.values()) {
      if (other !== this && other.runId === runId && other.shown && other.shown.start !== start && other.wanted !== start) other.request(start);
    }
  }

  /** The training step of the trace on screen (−1: none yet). */
  private shownStep = -1;

  /**
   * A run that stopped training (completed, stopped, paused) no longer refreshes every second: when the trace on
   * screen is of an earlier step than the run's last, the same window is traced once more, so the panel ends on the
   * final weights (it stayed at step 1669 of a run that finished at 3000).
   */
  private catchUpWithEndedRun(): void {
    const run = this.runId ? this.service.get(this.runId) : undefined;
    if (!run || run.info.status === 'training' || run.info.status === 'starting' || run.info.status === 'failed') return;
    if (!this.shown || this.shownStep >= run.history.steps || this.requests.waiting) return;
    this.request(this.shown.start);
  }

  /** The cursor of the run's data file moved: select its step (a word run: the word under it), or trace a window around it. */
  private followCursor(editor: vscode.TextEditor): void {
    const run = this.runId ? this.service.get(this.runId) : undefined;
    const { cursor, windowStart } = this.cursorFollow.locate(editor, run, GATES_WINDOW);
    this.cursor = cursor;
    const t = this.shown ? stepAt(this.shown, this.cursor) : -1;
    if (t >= 0) {
      this.post({ type: 'select', t });
      return;
    }
    const start = windowStart();
    // The window shown already is the one around the cursor (whitespace before the first word, the file's last step,
    // which no window holds): nothing new to trace; typing there must not re-trace the same window at every key.
    if (this.shown && start === this.shown.start) return;
    this.request(start);
  }

  /** Asks for a trace of the window from `start` (undefined: the last trained), or queues it behind the one in flight. */
  private request(start: number | undefined): void {
    const run = this.runId ? this.service.get(this.runId) : undefined;
    if (!run) {
      this.post({
        type: 'detached',
        message: `The run this panel showed is gone (the window was reloaded). Run "${this.kind.name}" again on a new run.`,
      });
      return;
    }
    const now = Date.now();
    if (!this.requests.mayAsk(start === undefined ? {} : { start }, now)) return;
    this.wanted = start;
    const requestId = this.service.traceActivations(run.info.id, GATES_WINDOW, start, this.recurrence);
    if (requestId !== undefined) this.requests.sent(requestId, now);
  }

  /** Reveals and selects step t of the window in the run's data file: character start + t, or a word run's word t. */
  private async reveal(t: number): Promise<void> {
    const shown = this.shown;
    if (!shown || t >= shown.length || this.dataUri === undefined) return;
    const span = stepSpan(shown, t);
    await selectInEditor(this.dataUri, span.from, span.to);
  }

  protected readonly handle = createDispatcher<GatesPanelToHost>({
    ready: () => {
      // A list the page restored that the host no longer has (a window reload): its matches cannot be shown any more.
      if (this.search && !this.search.active) this.post({ type: 'searchEnded', message: '' });
      this.request(this.shown?.start);
    },
    refresh: () => this.request(this.shown?.start),
    revealStep: (m) => this.reveal(m.t),
    recurrence: (m) => {
      // Only a step of the window on screen; the same window is traced again with that step's terms.
      if (!this.shown || m.t >= this.shown.length) return;
      this.recurrence = { chain: m.chain, t: m.t };
      this.request(this.shown.start);
    },
    searchFile: (m) => {
      const run = this.runId ? this.service.get(this.runId) : undefined;
      if (!this.search) return;
      if (!run) {
        this.post({ type: 'searchEnded', message: vscode.l10n.t('The run this panel showed is gone: show the panel again on a run.') });
        return;
      }
      const { layer, series, units, threshold, queryLength } = m;
      const shown = units.slice(0, 12).map((j) => j + 1).join(', ') + (units.length > 12 ? ', …' : '');
      const description = vscode.l10n.t('units {0} of layer {1} {2}_t all ≥ {3}, ranked by closeness to {4} steps', shown, layer + 1, series, threshold, queryLength);
      return this.search.search(run.info.id, this.dataUri, { layer, series, units, threshold, queryLength }, description);
    },
    cancelSearch: () => this.search?.cancel(),
    showMatch: (m) => this.search?.show(m.index),
    stepMatch: async (m) => {
      await this.search?.step(m.direction);
    },
  });
}

/** The run's data file: as the run store recorded it, else an open document of that name. */
export function dataUriOf(run: RunRecord, persistence: RunPersistence | undefined): string | undefined {
  const stored = persistence?.storedRunOf(run.info.id)?.dataUri;
  if (stored) return stored;
  const active = vscode.window.activeTextEditor?.document;
  if (active && documentLabel(active) === run.info.fileLabel) return active.uri.toString();
  return vscode.workspace.textDocuments.find((d) => documentLabel(d) === run.info.fileLabel)?.uri.toString();
}

/** A live run picked in the Runs view (its node is the RunRecord), if `node` is one. */
function runIdOfNode(node: unknown): string | undefined {
  const info = (node as { info?: { id?: unknown } } | undefined)?.info;
  return typeof info?.id === 'string' ? info.id : undefined;
}

/** The command (palette and Runs view) and the panel serializer of the Gates panel. */
export function registerGates(extensionUri: vscode.Uri, service: TrainingService, persistence?: RunPersistence): vscode.Disposable[] {
  const step = (direction: 1 | -1) => async () => {
    if (!(await ActivationPanel.stepMatch(GATES_PANEL_VIEW_TYPE, direction))) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: no unit search matches. In the Gates panel, drag across a stretch and press "Search whole file" first.'));
    }
  };
  return [
    ...registerActivationPanel(GATES_PANEL, extensionUri, service, persistence),
    vscode.commands.registerCommand(NEXT_UNIT_MATCH_COMMAND, step(1)),
    vscode.commands.registerCommand(PREVIOUS_UNIT_MATCH_COMMAND, step(-1)),
  ];
}

/** The command (palette and Runs view) and the panel serializer of a page of traceActivations answers. */
export function registerActivationPanel(
  kind: ActivationPanelKind, extensionUri: vscode.Uri, service: TrainingService, persistence?: RunPersistence,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(kind.command, (node?: unknown) => {
      const picked = runIdOfNode(node);
      const shownId = TrainingPanel.currentRunId;
      const run = (picked ? service.get(picked) : undefined) ?? (shownId ? service.get(shownId) : undefined) ?? service.latestRun();
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
      ActivationPanel.show(kind, extensionUri, service, run, dataUriOf(run, persistence));
    }),
    registerPanelSerializer(kind.viewType, (panel) => ActivationPanel.revive(kind, panel, extensionUri, service)),
  ];
}
