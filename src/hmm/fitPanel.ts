// Controller of the HMM Fit webview panel (Baum-Welch on one file): log-likelihood per iteration of every restart,
// the learned matrices, and buttons to save, decode with and sample from the model. One panel per window. The host
// owns the fit (src/hmm/fitFeature.ts); the page sends validated requests. A window reload restores the page from
// its saved state (panel serializer); the host then tells it that the fit is gone.
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import {
  parseHmmFitPanelMessage,
  type HmmFitPanelToHost,
  type HostToHmmFitPanel,
} from '../shared/webviewProtocol';
import { initPanel, panelColumn, panelOptions } from '../panels/webviewPanels';

export const HMM_FIT_PANEL_VIEW_TYPE = 'sequenceLab.hmmFit';
const TITLE = 'Sequence Lab: HMM Fit';

/** What the panel's buttons do (the fit feature). */
export interface FitPanelHost {
  /** The page (re)loaded: the host re-sends the fit it has, if any. */
  panelReady(): void;
  cancelFit(): void;
  saveModel(): void;
  decodeWithModel(): void;
  sample(length: number, seed: number): void;
}

export class HmmFitPanel implements vscode.Disposable {
  private static current: HmmFitPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static get instance(): HmmFitPanel | undefined {
    return HmmFitPanel.current;
  }

  static show(extensionUri: vscode.Uri, host: FitPanelHost): HmmFitPanel {
    if (HmmFitPanel.current) {
      HmmFitPanel.current.panel.reveal(undefined, true);
      return HmmFitPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      HMM_FIT_PANEL_VIEW_TYPE,
      TITLE,
      { viewColumn: panelColumn(), preserveFocus: true },
      panelOptions(extensionUri),
    );
    HmmFitPanel.current = new HmmFitPanel(panel, extensionUri, host);
    return HmmFitPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: FitPanelHost): void {
    HmmFitPanel.current?.dispose();
    HmmFitPanel.current = new HmmFitPanel(panel, extensionUri, host);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly host: FitPanelHost,
  ) {
    initPanel(panel, extensionUri, 'hmmFit', TITLE);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseHmmFitPanelMessage(raw);
        if (message) void this.handle(message);
      }),
    );
  }

  private readonly handle = createDispatcher<HmmFitPanelToHost>({
    ready: () => this.host.panelReady(),
    cancel: () => this.host.cancelFit(),
    saveModel: () => this.host.saveModel(),
    decode: () => this.host.decodeWithModel(),
    sample: (m) => this.host.sample(m.length, m.seed),
  });

  post(message: HostToHmmFitPanel): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (HmmFitPanel.current === this) HmmFitPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

export function registerHmmFitPanelSerializer(extensionUri: vscode.Uri, host: FitPanelHost): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(HMM_FIT_PANEL_VIEW_TYPE, {
    async deserializeWebviewPanel(panel) {
      HmmFitPanel.revive(panel, extensionUri, host);
    },
  });
}
