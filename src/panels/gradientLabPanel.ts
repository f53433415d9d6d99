// "Sequence Lab: Open Vanishing/Exploding Gradient Lab": a tanh RNN and an LSTM on the same characters with W_hh at
// one spectral radius ρ; the page's sliders (ρ, T, hidden size, seed, forget bias) ask for ‖∂L_T/∂h_t‖ (and the
// LSTM's ‖∂L_T/∂c_t‖) and the analysis worker answers. The data is the active text file when the lab was opened (its
// first characters, kept in workspace state so a window reload restores the same lab) or generated letters.
// At most one computation runs at a time: a request arriving meanwhile replaces any waiting one (the page drops
// stale answers by request id, so only the latest settings are ever drawn).
import * as vscode from 'vscode';
import { AnalysisError, AnalysisWorker } from '../hmm/analysisWorker';
import { documentLabel } from '../commands/documentText';
import { errorText } from '../hmm/editorRanges';
import { createDispatcher } from '../shared/messages';
import {
  parseGradientLabPanelMessage,
  type GradientLabPanelToHost,
  type GradientLabSettings,
  type HostToGradientLabPanel,
} from '../shared/webviewProtocol';
import { gradientLabView, labData, type LabData } from './gradientLabView';
import { initPanel, panelColumn, panelOptions } from './webviewPanels';

export const OPEN_GRADIENT_LAB_COMMAND = 'sequenceLab.openGradientLab';
export const GRADIENT_LAB_VIEW_TYPE = 'sequenceLab.gradientLab';
const title = (): string => vscode.l10n.t('Sequence Lab: Vanishing/Exploding Gradient Lab');
/** workspaceState key of the lab's data, so a reloaded panel computes on the same characters. */
const DATA_KEY = 'sequenceLab.gradientLab.data';

type ComputeRequest = Extract<GradientLabPanelToHost, { type: 'compute' }>;

function storedData(memento: vscode.Memento): LabData | undefined {
  const d = memento.get<unknown>(DATA_KEY) as Partial<LabData> | undefined;
  if (typeof d !== 'object' || d === null || typeof d.text !== 'string' || typeof d.label !== 'string') return undefined;
  return { text: d.text, label: d.label, note: typeof d.note === 'string' ? d.note : undefined };
}

export class GradientLabPanel implements vscode.Disposable {
  private static current: GradientLabPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private running = false;
  private waiting: ComputeRequest | undefined;
  /** Set when the panel closes: a computation still running then must not touch `panel.webview` (it throws). */
  private disposed = false;

  static show(extensionUri: vscode.Uri, worker: AnalysisWorker, data: LabData): void {
    if (!GradientLabPanel.current) {
      const panel = vscode.window.createWebviewPanel(
        GRADIENT_LAB_VIEW_TYPE,
        title(),
        { viewColumn: panelColumn(), preserveFocus: true },
        panelOptions(extensionUri),
      );
      GradientLabPanel.current = new GradientLabPanel(panel, extensionUri, worker, data);
    } else {
      GradientLabPanel.current.data = data;
      GradientLabPanel.current.panel.reveal(undefined, true);
      GradientLabPanel.current.postDataSource();
    }
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, worker: AnalysisWorker, data: LabData): void {
    GradientLabPanel.current?.dispose();
    GradientLabPanel.current = new GradientLabPanel(panel, extensionUri, worker, data);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly worker: AnalysisWorker,
    private data: LabData,
  ) {
    initPanel(panel, extensionUri, 'lab', title());
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseGradientLabPanelMessage(raw);
        if (message) void this.handle(message);
      }),
    );
  }

  private readonly handle = createDispatcher<GradientLabPanelToHost>({
    ready: () => this.postDataSource(),
    compute: (m) => {
      this.waiting = m;
      this.drain().catch(() => undefined);
    },
  });

  private postDataSource(): void {
    this.post({ type: 'dataSource', label: this.data.label, ...(this.data.note ? { note: this.data.note } : {}) });
  }

  /** Runs the waiting request, then whatever replaced it meanwhile, one at a time. */
  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waiting && !this.disposed) {
        const m = this.waiting;
        this.waiting = undefined;
        await this.compute(m.requestId, m);
      }
    } finally {
      this.running = false;
    }
  }

  private async compute(requestId: number, settings: GradientLabSettings): Promise<void> {
    const data = this.data;
    try {
      const answer = await this.worker.gradientLab({
        text: data.text,
        spectralRadius: settings.spectralRadius,
        steps: settings.steps,
        hiddenSize: settings.hiddenSize,
        seed: settings.seed,
        forgetBias: settings.forgetBias,
      });
      this.post({ type: 'labResult', requestId, view: gradientLabView(answer, data.label) });
    } catch (error) {
      this.post({ type: 'labFailed', requestId, message: vscode.l10n.t('Cannot compute the gradients: {0}', errorText(error)) });
      if (!(error instanceof AnalysisError)) console.error(error);
    }
  }

  private post(message: HostToGradientLabPanel): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.waiting = undefined;
    if (GradientLabPanel.current === this) GradientLabPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** The data of the active text editor (or generated letters), remembered for a window reload. */
function activeData(memento: vscode.Memento): LabData {
  const document = vscode.window.activeTextEditor?.document;
  const data = document ? labData(document.getText(), documentLabel(document)) : labData(undefined, undefined);
  void memento.update(DATA_KEY, data);
  return data;
}

/** The command, the panel serializer and the lab's own analysis worker (started on the first computation). */
export function registerGradientLab(context: vscode.ExtensionContext): void {
  const worker = AnalysisWorker.forExtension(context.extensionPath);
  const uri = context.extensionUri;
  const memento = context.workspaceState;
  context.subscriptions.push(
    { dispose: () => worker.dispose() },
    vscode.commands.registerCommand(OPEN_GRADIENT_LAB_COMMAND, () => GradientLabPanel.show(uri, worker, activeData(memento))),
    vscode.window.registerWebviewPanelSerializer(GRADIENT_LAB_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        GradientLabPanel.revive(panel, uri, worker, storedData(memento) ?? labData(undefined, undefined));
      },
    }),
  );
}
