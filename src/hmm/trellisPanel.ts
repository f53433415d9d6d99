// Controller of the Trellis webview panel (states × time of one HMM decoding). One panel per window. The host owns
// the decoding and sends a window of ~40 steps at a time; the page sends back the steps the user selects. A window
// reload restores the page from its saved state (panel serializer); the host then tells it that the decoding is gone.
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import {
  parseTrellisPanelMessage,
  type HostToTrellisPanel,
  type TrellisPanelToHost,
  type TrellisWindow,
} from '../shared/webviewProtocol';
import { initPanel, panelColumn, panelOptions } from '../base/webviewPanels';

export const TRELLIS_PANEL_VIEW_TYPE = 'sequenceLab.trellis';

/** What the panel needs from the decoding feature. */
export interface TrellisSource {
  /** The window around the selected step, or undefined when there is no decoding. */
  currentWindow(): TrellisWindow | undefined;
  /** The user selected a step in the panel. */
  selectStep(step: number): void;
}

export class TrellisPanel implements vscode.Disposable {
  private static current: TrellisPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static get instance(): TrellisPanel | undefined {
    return TrellisPanel.current;
  }

  static show(extensionUri: vscode.Uri, source: TrellisSource): TrellisPanel {
    if (TrellisPanel.current) {
      TrellisPanel.current.panel.reveal(undefined, true);
      TrellisPanel.current.refresh();
      return TrellisPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      TRELLIS_PANEL_VIEW_TYPE,
      'Sequence Lab: Trellis',
      { viewColumn: panelColumn(), preserveFocus: true },
      panelOptions(extensionUri),
    );
    TrellisPanel.current = new TrellisPanel(panel, extensionUri, source);
    return TrellisPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, source: TrellisSource): void {
    TrellisPanel.current?.dispose();
    TrellisPanel.current = new TrellisPanel(panel, extensionUri, source);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: TrellisSource,
  ) {
    initPanel(panel, extensionUri, 'trellis', 'Sequence Lab: Trellis');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseTrellisPanelMessage(raw);
        if (message) void this.handle(message);
      }),
    );
  }

  /** Sends the current window (after a new decoding or a new selection). */
  refresh(): void {
    const view = this.source.currentWindow();
    if (view) this.post({ type: 'showWindow', view });
  }

  detach(message: string): void {
    this.post({ type: 'detached', message });
  }

  private readonly handle = createDispatcher<TrellisPanelToHost>({
    ready: () => {
      const view = this.source.currentWindow();
      if (view) this.post({ type: 'showWindow', view });
      else this.detach('This decoding ended with the window reload (or the file changed): the trellis is shown as it was. Run "Decode Active File with HMM…" again to link it to the editor.');
    },
    selectStep: (m) => this.source.selectStep(m.step),
  });

  private post(message: HostToTrellisPanel): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (TrellisPanel.current === this) TrellisPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}


export function registerTrellisPanelSerializer(extensionUri: vscode.Uri, source: TrellisSource): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TRELLIS_PANEL_VIEW_TYPE, {
    async deserializeWebviewPanel(panel) {
      TrellisPanel.revive(panel, extensionUri, source);
    },
  });
}
