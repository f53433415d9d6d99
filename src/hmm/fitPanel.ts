// Controller of the HMM Fit webview panel (Baum-Welch on one file): log-likelihood per iteration of every restart,
// the learned matrices, and buttons to save, decode with and sample from the model. One panel per window. The host
// owns the fit (src/hmm/fitFeature.ts); the page sends validated requests. A window reload restores the page from
// its saved state (panel serializer); the host then tells it that the fit is gone.
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import { parseHmmFitPanelMessage, type HmmFitPanelToHost, type HostToHmmFitPanel } from '../shared/protocol/hmmFitPanel';
import { createPanel, OpenPanels, ONE_PER_WINDOW, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';

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
  /** The user clicked a step of the decoded rows. */
  selectStep(step: number): void;
}

const HMM_FIT_PANEL: PanelKind<HmmFitPanelToHost> = { viewType: HMM_FIT_PANEL_VIEW_TYPE, bundle: 'hmmFit', title: TITLE, parse: parseHmmFitPanelMessage };

export class HmmFitPanel extends PanelBase<HmmFitPanelToHost, HostToHmmFitPanel> {
  /** One panel per window. */
  private static readonly open = new OpenPanels<HmmFitPanel>();

  static get instance(): HmmFitPanel | undefined {
    return HmmFitPanel.open.get();
  }

  static show(extensionUri: vscode.Uri, host: FitPanelHost): HmmFitPanel {
    return HmmFitPanel.open.show(ONE_PER_WINDOW, () => new HmmFitPanel(createPanel(HMM_FIT_PANEL, extensionUri), extensionUri, host)).panel;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: FitPanelHost): void {
    HmmFitPanel.open.revive(ONE_PER_WINDOW, () => new HmmFitPanel(panel, extensionUri, host));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly host: FitPanelHost,
  ) {
    super(panel, extensionUri, HMM_FIT_PANEL);
  }

  protected readonly handle = createDispatcher<HmmFitPanelToHost>({
    ready: () => this.host.panelReady(),
    cancel: () => this.host.cancelFit(),
    saveModel: () => this.host.saveModel(),
    decode: () => this.host.decodeWithModel(),
    sample: (m) => this.host.sample(m.length, m.seed),
    selectStep: (m) => this.host.selectStep(m.step),
  });

  /** The fit feature posts the fit's progress and result. */
  override post(message: HostToHmmFitPanel): void {
    super.post(message);
  }
}

export function registerHmmFitPanelSerializer(extensionUri: vscode.Uri, host: FitPanelHost): vscode.Disposable {
  return registerPanelSerializer(HMM_FIT_PANEL_VIEW_TYPE, (panel) => HmmFitPanel.revive(panel, extensionUri, host));
}
