// Controller of the Trellis webview panel (states × time of one HMM decoding). One panel per window. The host owns
// the decoding and sends a window of ~40 steps at a time; the page sends back the steps the user selects. A window
// reload restores the page from its saved state (panel serializer); the host then tells it that the decoding is gone.
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import { parseTrellisPanelMessage, type HostToTrellisPanel, type TrellisPanelToHost, type TrellisWindow } from '../shared/protocol/trellisPanel';
import { createPanel, OpenPanels, ONE_PER_WINDOW, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';

export const TRELLIS_PANEL_VIEW_TYPE = 'sequenceLab.trellis';

/** What the panel needs from the decoding feature. */
export interface TrellisSource {
  /** The window around the selected step, or undefined when there is no decoding. */
  currentWindow(): TrellisWindow | undefined;
  /** The user selected a step in the panel. */
  selectStep(step: number): void;
}

const TRELLIS_PANEL: PanelKind<TrellisPanelToHost> = { viewType: TRELLIS_PANEL_VIEW_TYPE, bundle: 'trellis', title: 'Sequence Lab: Trellis', parse: parseTrellisPanelMessage };

export class TrellisPanel extends PanelBase<TrellisPanelToHost, HostToTrellisPanel> {
  /** One panel per window. */
  private static readonly open = new OpenPanels<TrellisPanel>();

  static get instance(): TrellisPanel | undefined {
    return TrellisPanel.open.get();
  }

  static show(extensionUri: vscode.Uri, source: TrellisSource): TrellisPanel {
    const { panel, created } = TrellisPanel.open.show(ONE_PER_WINDOW, () => new TrellisPanel(createPanel(TRELLIS_PANEL, extensionUri), extensionUri, source));
    if (!created) panel.refresh();
    return panel;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, source: TrellisSource): void {
    TrellisPanel.open.revive(ONE_PER_WINDOW, () => new TrellisPanel(panel, extensionUri, source));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: TrellisSource,
  ) {
    super(panel, extensionUri, TRELLIS_PANEL);
  }

  /** Sends the current window (after a new decoding or a new selection). */
  refresh(): void {
    const view = this.source.currentWindow();
    if (view) this.post({ type: 'showWindow', view });
  }

  detach(message: string): void {
    this.post({ type: 'detached', message });
  }

  protected readonly handle = createDispatcher<TrellisPanelToHost>({
    ready: () => {
      const view = this.source.currentWindow();
      if (view) this.post({ type: 'showWindow', view });
      else this.detach('This decoding ended with the window reload (or the file changed): the trellis is shown as it was. Run "Decode Active File with HMM…" again to link it to the editor.');
    },
    selectStep: (m) => this.source.selectStep(m.step),
  });
}


export function registerTrellisPanelSerializer(extensionUri: vscode.Uri, source: TrellisSource): vscode.Disposable {
  return registerPanelSerializer(TRELLIS_PANEL_VIEW_TYPE, (panel) => TrellisPanel.revive(panel, extensionUri, source));
}
