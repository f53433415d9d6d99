// "Sequence Lab: Compare HMM and RNN Taggers on Active File": the Tagger Comparison panel. The user picks the RNN's
// settings and the held-out set in the panel and presses Train; the host checks the message, reads the file (and
// its *-test.tsv sibling when chosen) and runs the comparison in the panel's own worker (src/taggers/taggersWorker.ts),
// forwarding the RNN's losses and then the results. One panel per window; a reload restores the page from its saved
// state (panel serializer), and the host then tells it the file link is gone until the command runs again.
import * as vscode from 'vscode';
import { checkedDocumentText, documentLabel } from '../base/documentText';
import { maxFileBytes } from '../base/settings';
import { checkTrainingText } from '../shared/textChecks';
import { toDisposable } from '../base/disposable';
import { createPanel, OpenPanels, ONE_PER_WINDOW, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';
import { createDispatcher } from '../shared/messages';
import { DEFAULT_TAGGER_SETTINGS } from '../shared/protocol/taggerComparison';
import { parseTaggersPanelMessage, type HostToTaggersPanel, type TaggersPanelToHost } from '../shared/protocol/taggersPanel';
import type { TaggerSettings } from '../shared/protocol/taggerComparison';
import type { TaggersWorkerToHost } from '../shared/protocol/taggersWorker';
import { siblingTestPath, taggedFileProblem } from './taggedLines';
import { TaggersWorker } from './taggersWorker';

export const COMPARE_TAGGERS_COMMAND = 'sequenceLab.compareTaggers';
export const TAGGERS_PANEL_VIEW_TYPE = 'sequenceLab.taggers';
const TITLE = 'Sequence Lab: Tagger Comparison';

interface Source {
  uri: vscode.Uri;
  fileLabel: string;
  sibling: { uri: vscode.Uri; label: string } | undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function findSibling(uri: vscode.Uri): Promise<Source['sibling']> {
  const siblingPath = siblingTestPath(uri.path);
  if (!siblingPath) return undefined;
  const siblingUri = uri.with({ path: siblingPath });
  try {
    await vscode.workspace.fs.stat(siblingUri);
    return { uri: siblingUri, label: siblingPath.slice(siblingPath.lastIndexOf('/') + 1) };
  } catch {
    return undefined;
  }
}

/**
 * The current text of a file (the open document's, unsaved edits included), checked like every text sent to a worker
 * (size, empty, binary) and as a tagged file; throws the reason in words.
 */
async function currentTaggedText(uri: vscode.Uri, label: string): Promise<string> {
  const text = (await vscode.workspace.openTextDocument(uri)).getText();
  const verdict = checkTrainingText(text, label, maxFileBytes(uri));
  if (!verdict.ok) throw new Error(verdict.message);
  const problem = taggedFileProblem(text, label);
  if (problem) throw new Error(problem);
  return text;
}

const TAGGERS_PANEL: PanelKind<TaggersPanelToHost> = { viewType: TAGGERS_PANEL_VIEW_TYPE, bundle: 'taggers', title: TITLE, parse: parseTaggersPanelMessage };

export class TaggersPanel extends PanelBase<TaggersPanelToHost, HostToTaggersPanel> {
  /** One panel per window. */
  private static readonly open = new OpenPanels<TaggersPanel>();
  private source: Source | undefined;
  private settings: TaggerSettings = { ...DEFAULT_TAGGER_SETTINGS };
  private worker: TaggersWorker | undefined;

  static show(extensionUri: vscode.Uri, source: Source): void {
    // The panel takes the focus: its settings are where the user goes next.
    const { panel: current } = TaggersPanel.open.show(ONE_PER_WINDOW, () => new TaggersPanel(createPanel(TAGGERS_PANEL, extensionUri, false), extensionUri), false);
    current.source = source;
    if (!source.sibling && current.settings.heldOut === 'sibling') current.settings = { ...current.settings, heldOut: 'split' };
    current.postSetup();
  }

  static disposeCurrent(): void {
    TaggersPanel.open.get()?.dispose();
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    TaggersPanel.open.revive(ONE_PER_WINDOW, () => new TaggersPanel(panel, extensionUri));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    super(panel, extensionUri, TAGGERS_PANEL);
    // The comparison's worker (started on the first Train) stops with the panel.
    this._register(toDisposable(() => {
      this.worker?.dispose();
      this.worker = undefined;
    }));
  }

  private postSetup(): void {
    if (!this.source) return;
    this.post({
      type: 'setup',
      setup: { fileLabel: this.source.fileLabel, siblingLabel: this.source.sibling?.label ?? null, settings: this.settings },
    });
  }

  protected readonly handle = createDispatcher<TaggersPanelToHost>({
    ready: () => {
      if (this.source) this.postSetup();
      else
        this.post({
          type: 'detached',
          message: vscode.l10n.t('The comparison is shown as it was before the window reload. Run "Compare HMM and RNN Taggers on Active File" again to train on a file.'),
        });
    },
    train: (m) => this.train(m.settings),
    stop: () => this.worker?.stop(),
  });

  private async train(settings: TaggerSettings): Promise<void> {
    const source = this.source;
    if (!source) {
      this.post({ type: 'failed', message: vscode.l10n.t('This panel is no longer linked to a file: run "Compare HMM and RNN Taggers on Active File" again.') });
      return;
    }
    if (settings.heldOut === 'sibling' && !source.sibling) {
      this.post({ type: 'failed', message: vscode.l10n.t('{0} has no *-test.tsv sibling; choose a held-out share instead.', source.fileLabel) });
      return;
    }
    this.settings = settings;
    let trainText: string;
    let heldOutText: string | undefined;
    try {
      trainText = await currentTaggedText(source.uri, source.fileLabel);
      if (settings.heldOut === 'sibling' && source.sibling) heldOutText = await currentTaggedText(source.sibling.uri, source.sibling.label);
    } catch (error) {
      this.post({ type: 'failed', message: errorText(error) });
      return;
    }
    if (this.isDisposed) return; // closed while the files were read: no worker for a panel that is gone
    this.worker ??= TaggersWorker.forExtension();
    const heldOutLabel =
      settings.heldOut === 'sibling' && source.sibling
        ? source.sibling.label
        : `${Math.round(settings.heldOutShare * 100)}% of ${source.fileLabel}'s sequences (seed ${settings.seed})`;
    this.worker.compare(trainText, heldOutText, settings, (m) => this.forward(m, source.fileLabel, heldOutLabel));
  }

  private forward(m: TaggersWorkerToHost, fileLabel: string, heldOutLabel: string): void {
    switch (m.type) {
      case 'taggersStarted':
        this.post({ type: 'started', plannedSteps: m.plannedSteps });
        break;
      case 'taggersProgress':
        this.post({ type: 'progress', firstStep: m.firstStep, losses: m.losses });
        break;
      case 'taggersResult':
        this.post({ type: 'results', fileLabel, heldOutLabel, result: m.result });
        break;
      case 'taggersFailed':
        this.post({ type: 'failed', message: m.message });
        break;
    }
  }
}

async function compareOnActiveFile(extensionUri: vscode.Uri): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: open a tagged file (token<TAB>tag per line) in the editor first, then compare taggers on it.'));
    return;
  }
  const document = editor.document;
  const label = documentLabel(document);
  const text = checkedDocumentText(document, label);
  if (text === undefined) return;
  const problem = taggedFileProblem(text, label);
  if (problem) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0}', problem));
    return;
  }
  const sibling = document.isUntitled ? undefined : await findSibling(document.uri);
  TaggersPanel.show(extensionUri, { uri: document.uri, fileLabel: label, sibling });
}

/** The command and the panel serializer. */
export function registerTaggers(context: vscode.ExtensionContext): void {
  const { extensionUri } = context;
  context.subscriptions.push(
    vscode.commands.registerCommand(COMPARE_TAGGERS_COMMAND, () => compareOnActiveFile(extensionUri)),
    registerPanelSerializer(TAGGERS_PANEL_VIEW_TYPE, (panel) => TaggersPanel.revive(panel, extensionUri)),
    { dispose: () => TaggersPanel.disposeCurrent() },
  );
}
