// Controller of the Training webview panel: one panel per window, showing one run at a time (the newest,
// or the one picked in the Runs tree). It forwards the run's progress (already batched by the worker) and
// validates every message the page sends. A run no worker holds any more (after a window reload, or a stored run
// picked in the Runs view) is shown read-only from the run store, with Resume when it has a checkpoint.
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import { heldOutSeries } from '../shared/protocol/curves';
import { parseTrainingPanelMessage, type HostToTrainingPanel, type TrainingPanelToHost } from '../shared/protocol/trainingPanel';
import type { RunPersistence } from '../training/runPersistence';
import type { StoredRun } from '../training/runStore';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import { storedRunMessage } from './storedRunView';
import { createPanel, OpenPanels, ONE_PER_WINDOW, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';

export const TRAINING_PANEL_VIEW_TYPE = 'sequenceLab.training';
const RESUME_COMMAND = 'sequenceLab.runs.resume';
export const SHOW_STORED_RUN_COMMAND = 'sequenceLab.runs.showStoredRun';

const TRAINING_PANEL: PanelKind<TrainingPanelToHost> = {
  viewType: TRAINING_PANEL_VIEW_TYPE, bundle: 'training', title: 'Sequence Lab: Training', parse: parseTrainingPanelMessage,
};

export class TrainingPanel extends PanelBase<TrainingPanelToHost, HostToTrainingPanel> {
  /** One panel per window. */
  private static readonly open = new OpenPanels<TrainingPanel>();
  /** The run store, for runs no worker holds (set by registerTrainingPanelSerializer). */
  private static persistence: RunPersistence | undefined;
  private runId: string | undefined;
  /** The stored run shown read-only (no live run of this window trains it). */
  private storedId: string | undefined;

  /** Shows the panel (creating it if needed) on `run`, or on the newest run when none is given. */
  static show(extensionUri: vscode.Uri, service: TrainingService, run?: RunRecord): TrainingPanel {
    const target = run ?? service.latestRun();
    const panel = TrainingPanel.ensure(extensionUri, service);
    if (target) panel.showRun(target);
    return panel;
  }

  /** The open panel, revealed, or a new one. */
  private static ensure(extensionUri: vscode.Uri, service: TrainingService): TrainingPanel {
    return TrainingPanel.open.show(ONE_PER_WINDOW, () => new TrainingPanel(createPanel(TRAINING_PANEL, extensionUri), extensionUri, service)).panel;
  }

  /** Shows a stored run: the live run of this window that trains it, if any, else read-only from the store. */
  static showStored(extensionUri: vscode.Uri, service: TrainingService, storedId: string): TrainingPanel | undefined {
    const persistence = TrainingPanel.persistence;
    const live = persistence?.liveRuns().get(storedId);
    if (live) return TrainingPanel.show(extensionUri, service, live);
    const stored = persistence?.store.get(storedId);
    if (!stored) return undefined;
    const panel = TrainingPanel.ensure(extensionUri, service);
    panel.showStoredRun(stored);
    return panel;
  }

  /** Called by the serializer after a window reload: the page restores itself from its saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, service: TrainingService, state: unknown): void {
    const controller = TrainingPanel.open.revive(ONE_PER_WINDOW, () => new TrainingPanel(panel, extensionUri, service));
    const saved = state as { run?: { id?: unknown }; storedRunId?: unknown } | undefined;
    const savedRunId = saved?.run?.id;
    if (typeof savedRunId === 'string' && service.get(savedRunId)) controller.runId = savedRunId;
    else {
      // The worker that trained it went with the window: show what the store kept (a resumed run's folder has the id
      // of the run it continues, hence storedRunId).
      const storedId = [saved?.storedRunId, savedRunId].find((id): id is string => typeof id === 'string' && TrainingPanel.storedRun(id) !== undefined);
      controller.storedId = storedId;
    }
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly service: TrainingService,
  ) {
    super(panel, extensionUri, TRAINING_PANEL);
    this._register(service.onDidChangeRun((run) => {
      if (run.info.id === this.runId) this.post({ type: 'status', run: run.info });
    }));
    this._register(service.onDidProgress(({ run, batch }) => {
      if (run.info.id === this.runId) this.post({ type: 'progress', ...batch });
    }));
    this._register(service.onDidSample(({ run, sample }) => {
      if (run.info.id === this.runId) this.post({ type: 'sample', ...sample });
    }));
    this._register(service.onDidScoreHeldOut(({ run, point }) => {
      if (run.info.id === this.runId) this.post({ type: 'heldOut', ...point });
    }));
  }

  static usePersistence(persistence: RunPersistence | undefined): void {
    TrainingPanel.persistence = persistence;
  }

  /** The run the open Training panel shows, if a panel is open. */
  static get currentRunId(): string | undefined {
    return TrainingPanel.open.get()?.runId;
  }

  get shownRunId(): string | undefined {
    return this.runId;
  }

  showRun(run: RunRecord): void {
    this.runId = run.info.id;
    this.storedId = undefined;
    this.sendWholeRun(run);
  }

  private sendWholeRun(run: RunRecord): void {
    const storedRunId = TrainingPanel.persistence?.storedRunOf(run.info.id)?.id;
    // A resumed run's scores before its checkpoint are in the store; this window's scores follow them.
    const stored = storedRunId !== undefined ? TrainingPanel.persistence?.store.readHeldOut(storedRunId) ?? [] : [];
    const live = run.heldOut ?? [];
    const points = [...stored.filter((p) => live.length === 0 || p.step < live[0].step), ...live];
    this.post({
      type: 'showRun', run: run.info, history: run.history.snapshot(),
      ...(storedRunId !== undefined ? { storedRunId } : {}),
      ...(points.length > 0 ? { heldOut: heldOutSeries(points) } : {}),
    });
    if (run.latestSample) this.post({ type: 'sample', ...run.latestSample });
  }

  private static storedRun(id: string): StoredRun | undefined {
    try {
      return TrainingPanel.persistence?.store.get(id);
    } catch {
      return undefined; // Not a valid run id.
    }
  }

  /** Shows a stored run read-only: its curves from metrics.jsonl, its status and message from run.json. */
  private showStoredRun(stored: StoredRun): void {
    const persistence = TrainingPanel.persistence;
    if (!persistence) return;
    this.runId = undefined;
    this.storedId = stored.id;
    this.post(storedRunMessage(stored, persistence.store.readMetrics(stored.id), persistence.canStartFromCheckpoint, persistence.store.readHeldOut(stored.id)));
  }

  protected readonly handle = createDispatcher<TrainingPanelToHost>({
    ready: () => {
      // A fresh page (first open, or re-created after being hidden) gets the whole run again.
      const stored = this.storedId !== undefined ? TrainingPanel.storedRun(this.storedId) : undefined;
      const run = this.runId ? this.service.get(this.runId) : stored ? undefined : this.service.latestRun();
      if (run) this.showRun(run);
      else if (stored) this.showStoredRun(stored);
      else
        this.post({
          type: 'detached',
          message: 'This run ended when the window was reloaded; its curves are shown as they were. Train again to continue.',
        });
    },
    stop: (m) => {
      const run = this.service.get(m.runId);
      if (run && isActive(run.info)) this.service.stop(m.runId);
    },
    pause: (m) => void this.service.pause(m.runId),
    resume: (m) => {
      if (this.service.get(m.runId)) {
        void this.service.resume(m.runId);
        return;
      }
      // A stored run shown read-only: the Runs view's Resume (it re-reads the file and shows the new live run here).
      const stored = m.runId === this.storedId ? TrainingPanel.storedRun(m.runId) : undefined;
      if (stored) void vscode.commands.executeCommand(RESUME_COMMAND, { kind: 'stored', run: stored });
    },
    step: (m) => void this.service.singleStep(m.runId),
    resample: (m) => this.service.resample(m.runId, m.temperature, m.greedy === true),
  });
}


/** The panel's serializer, and the Runs view's command showing a stored run (clicking it) read-only in the panel. */
export function registerTrainingPanelSerializer(extensionUri: vscode.Uri, service: TrainingService, persistence?: RunPersistence): vscode.Disposable {
  TrainingPanel.usePersistence(persistence);
  return vscode.Disposable.from(
    registerPanelSerializer(TRAINING_PANEL_VIEW_TYPE, (panel, state) => TrainingPanel.revive(panel, extensionUri, service, state)),
    vscode.commands.registerCommand(SHOW_STORED_RUN_COMMAND, (node?: unknown) => {
      const id = (node as { kind?: unknown; run?: { id?: unknown } } | undefined)?.run?.id;
      if ((node as { kind?: unknown } | undefined)?.kind === 'stored' && typeof id === 'string') TrainingPanel.showStored(extensionUri, service, id);
    }),
  );
}
