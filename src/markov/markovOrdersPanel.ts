// "Sequence Lab: Compare Markov Orders on Active File": the analysis worker fits interpolated Kneser-Ney models of
// order k = 0..8 (characters or words) on the first 90% of the document and scores the last 10%; the Markov Orders
// panel plots train vs held-out perplexity and observed vs possible contexts against k and lists a sample per order.
// Clicking an order runs "Show Markov Surprisal" with that k on the document. One panel per window; a window reload
// restores the page from its saved state (panel serializer), and the host then tells it the file link is gone.
import * as vscode from 'vscode';
import { AnalysisError, type AnalysisWorker } from '../hmm/analysisWorker';
import { documentLabel, errorText } from '../hmm/editorRanges';
import { SHOW_SURPRISAL_COMMAND } from '../hmm/surprisalFeature';
import { createPanel, OpenPanels, ONE_PER_WINDOW, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';
import { createDispatcher } from '../shared/messages';
import { parseMarkovPanelMessage, type HostToMarkovPanel, type MarkovOrdersView, type MarkovPanelToHost, type MarkovSmoothing } from '../shared/protocol/markovPanel';
import { checkedDocumentText } from '../base/documentText';
import { markovOrdersView, SAMPLE_LENGTH, SAMPLE_SEED } from './ordersView';

export const COMPARE_MARKOV_ORDERS_COMMAND = 'sequenceLab.markov.compareOrders';
export const MARKOV_PANEL_VIEW_TYPE = 'sequenceLab.markovOrders';
const TITLE = 'Sequence Lab: Markov Orders';

interface Shown {
  view: MarkovOrdersView;
  uri: vscode.Uri;
}

const MARKOV_PANEL: PanelKind<MarkovPanelToHost> = { viewType: MARKOV_PANEL_VIEW_TYPE, bundle: 'markovOrders', title: TITLE, parse: parseMarkovPanelMessage };

export class MarkovOrdersPanel extends PanelBase<MarkovPanelToHost, HostToMarkovPanel> {
  /** One panel per window. */
  private static readonly open = new OpenPanels<MarkovOrdersPanel>();
  private shown: Shown | undefined;

  static show(extensionUri: vscode.Uri, worker: AnalysisWorker, shown: Shown): void {
    const { panel } = MarkovOrdersPanel.open.show(ONE_PER_WINDOW, () => new MarkovOrdersPanel(createPanel(MARKOV_PANEL, extensionUri), extensionUri, worker));
    panel.shown = shown;
    panel.post({ type: 'showOrders', view: shown.view });
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, worker: AnalysisWorker): void {
    MarkovOrdersPanel.open.revive(ONE_PER_WINDOW, () => new MarkovOrdersPanel(panel, extensionUri, worker));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly worker: AnalysisWorker,
  ) {
    super(panel, extensionUri, MARKOV_PANEL);
  }

  protected readonly handle = createDispatcher<MarkovPanelToHost>({
    ready: () => {
      if (this.shown) this.post({ type: 'showOrders', view: this.shown.view });
      else
        this.post({
          type: 'detached',
          message: vscode.l10n.t('The comparison is shown as it was before the window reload. Run "Compare Markov Orders on Active File" again to link it to the file.'),
        });
    },
    showSurprisal: (m) => {
      // After a reload the panel no longer knows its file: the surprisal goes to the active editor instead.
      void vscode.commands.executeCommand(SHOW_SURPRISAL_COMMAND, m.order, this.shown?.uri);
    },
    sample: (m) => this.sample(m.order, m.smoothing, m.seed, m.length),
  });

  /** Samples from the order-k model of the shown file (re-read, so edits since the comparison count). */
  private async sample(order: number, smoothing: MarkovSmoothing, seed: number, length: number): Promise<void> {
    const shown = this.shown;
    if (!shown) {
      this.post({ type: 'sampleFailed', message: vscode.l10n.t('After the window reload the panel no longer knows its file: run "Compare Markov Orders on Active File" again to sample.') });
      return;
    }
    try {
      const document = await vscode.workspace.openTextDocument(shown.uri);
      const text = checkedDocumentText(document, shown.view.fileLabel);
      if (text === undefined) return;
      const sample = await this.worker.markovSample(text, shown.view.unit, order, smoothing, seed, length);
      this.post({ type: 'sampleResult', order, smoothing, seed, text: sample });
    } catch (error) {
      this.post({ type: 'sampleFailed', message: vscode.l10n.t('Cannot sample: {0}', errorText(error)) });
      if (!(error instanceof AnalysisError)) console.error(error);
    }
  }
}

async function pickUnit(): Promise<'char' | 'word' | undefined> {
  const items: (vscode.QuickPickItem & { unit: 'char' | 'word' })[] = [
    { unit: 'char', label: vscode.l10n.t('Characters'), description: vscode.l10n.t('each character predicted from the k characters before it') },
    { unit: 'word', label: vscode.l10n.t('Words'), description: vscode.l10n.t('whitespace-separated words, each from the k words before it') },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Sequence Lab: Compare Markov Orders'), placeHolder: vscode.l10n.t('Model the file as…') });
  return pick?.unit;
}

async function compareOrders(extensionUri: vscode.Uri, worker: AnalysisWorker): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: open a text file in the editor first, then compare Markov orders on it.'));
    return;
  }
  const document = editor.document;
  const label = documentLabel(document);
  const text = checkedDocumentText(document, label);
  if (text === undefined) return;
  const unit = await pickUnit();
  if (!unit) return;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Sequence Lab: Markov orders 0–8 of {0}', label) },
      () => worker.markovOrders(text, unit, SAMPLE_SEED, SAMPLE_LENGTH[unit]),
    );
    MarkovOrdersPanel.show(extensionUri, worker, { view: markovOrdersView(result, label), uri: document.uri });
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot compare Markov orders on {0}: {1}', label, errorText(error)));
    if (!(error instanceof AnalysisError)) console.error(error);
  }
}

/** The command and the panel serializer. */
export function registerMarkovOrders(extensionUri: vscode.Uri, worker: AnalysisWorker): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMPARE_MARKOV_ORDERS_COMMAND, () => compareOrders(extensionUri, worker)),
    registerPanelSerializer(MARKOV_PANEL_VIEW_TYPE, (panel) => MarkovOrdersPanel.revive(panel, extensionUri, worker)),
  ];
}
