// Controller of the Training webview panel: one panel per window, showing one run at a time (the newest,
// or the one picked in the Runs tree). It forwards the run's progress (already batched by the worker) and
// validates every message the page sends.
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import {
  parseTrainingPanelMessage,
  type HostToTrainingPanel,
  type TrainingPanelToHost,
} from '../shared/webviewProtocol';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import { initPanel, panelOptions } from './webviewPanels';

export const TRAINING_PANEL_VIEW_TYPE = 'sequenceLab.training';

export class TrainingPanel implements vscode.Disposable {
  private static current: TrainingPanel | undefined;
  private runId: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows the panel (creating it if needed) on `run`, or on the newest run when none is given. */
  static show(extensionUri: vscode.Uri, service: TrainingService, run?: RunRecord): TrainingPanel {
    const target = run ?? service.latestRun();
    if (TrainingPanel.current) {
      TrainingPanel.current.panel.reveal(undefined, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        TRAINING_PANEL_VIEW_TYPE,
        'Sequence Lab: Training',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        panelOptions(extensionUri),
      );
      TrainingPanel.current = new TrainingPanel(panel, extensionUri, service);
    }
    if (target) TrainingPanel.current.showRun(target);
    return TrainingPanel.current;
  }

  /** Called by the serializer after a window reload: the page restores itself from its saved state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, service: TrainingService, state: unknown) {
    TrainingPanel.current?.dispose();
    const controller = new TrainingPanel(panel, extensionUri, service);
    const savedRunId = (state as { run?: { id?: unknown } } | undefined)?.run?.id;
    if (typeof savedRunId === 'string' && service.get(savedRunId)) controller.runId = savedRunId;
    TrainingPanel.current = controller;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly service: TrainingService,
  ) {
    initPanel(panel, extensionUri, 'training', 'Sequence Lab: Training');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseTrainingPanelMessage(raw);
        if (message) void this.handle(message);
      }),
      service.onDidChangeRun((run) => {
        if (run.info.id === this.runId) this.post({ type: 'status', run: run.info });
      }),
      service.onDidProgress(({ run, batch }) => {
        if (run.info.id === this.runId) this.post({ type: 'progress', ...batch });
      }),
      service.onDidSample(({ run, sample }) => {
        if (run.info.id === this.runId) this.post({ type: 'sample', ...sample });
      }),
    );
  }

  /** The run the open Training panel shows, if a panel is open. */
  static get currentRunId(): string | undefined {
    return TrainingPanel.current?.runId;
  }

  get shownRunId(): string | undefined {
    return this.runId;
  }

  showRun(run: RunRecord): void {
    this.runId = run.info.id;
    this.sendWholeRun(run);
  }

  private sendWholeRun(run: RunRecord): void {
    this.post({ type: 'showRun', run: run.info, history: run.history.snapshot() });
    if (run.latestSample) this.post({ type: 'sample', ...run.latestSample });
  }

  private readonly handle = createDispatcher<TrainingPanelToHost>({
    ready: () => {
      // A fresh page (first open, or re-created after being hidden) gets the whole run again.
      const run = this.runId ? this.service.get(this.runId) : this.service.latestRun();
      if (run) this.showRun(run);
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
    resume: (m) => void this.service.resume(m.runId),
    step: (m) => void this.service.singleStep(m.runId),
    resample: (m) => this.service.resample(m.runId, m.temperature),
  });

  private post(message: HostToTrainingPanel): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (TrainingPanel.current === this) TrainingPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}


export function registerTrainingPanelSerializer(extensionUri: vscode.Uri, service: TrainingService): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TRAINING_PANEL_VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state) {
      TrainingPanel.revive(panel, extensionUri, service, state);
    },
  });
}
