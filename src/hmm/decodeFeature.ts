// "Sequence Lab: Decode Active File with HMM…": a tagged file (token<TAB>tag lines) is decoded with a supervised HMM
// fitted on it; any other file with a model JSON the user picks (the host reads the file, the worker validates it).
// The decoded state of each token is shown after it in the editor (visible ranges only), the editor cursor selects
// the step in the Trellis panel and a click on a column there selects the token in the editor.
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import type { TrellisWindow } from '../shared/protocol/trellisPanel';
import type { HmmDecodeResult, HmmModelSource } from '../shared/protocol/analysisWorker';
import { checkedDocumentText } from '../base/documentText';
import { AnalysisError, type AnalysisWorker } from './analysisWorker';
import { documentLabel, errorText, expandedVisibleOffsets } from './editorRanges';
import { looksTagged, stepAtOffset, stepsInRange, windowStart } from './steps';
import { sliceTrellisWindow, taggingAccuracy } from './trellisWindow';
import { TrellisPanel, type TrellisSource } from './trellisPanel';
import { stateLabelSteps } from './stateLabels';

export const DECODE_COMMAND = 'sequenceLab.hmm.decode';
export const SHOW_TRELLIS_COMMAND = 'sequenceLab.hmm.showTrellis';
/** Model files larger than this are refused before reading (a model JSON is kilobytes). */
const MAX_MODEL_BYTES = 50 * 1024 * 1024;
/** At most this many state labels are drawn per update. */
const MAX_LABELS = 4000;

interface Decoding {
  document: vscode.TextDocument;
  version: number;
  fileLabel: string;
  result: HmmDecodeResult;
  selected: number;
  windowFrom: number | undefined;
}

export class DecodeFeature extends Disposable implements TrellisSource {
  private decoding: Decoding | undefined;
  private readonly labels: vscode.TextEditorDecorationType;
  private readonly selectedToken: vscode.TextEditorDecorationType;
  private readonly timers = new Map<vscode.TextEditor, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly worker: AnalysisWorker,
  ) {
    super();
    this.labels = vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorInlayHint.foreground'), fontStyle: 'italic', margin: '0 0.4em 0 0.2em' },
    });
    this.selectedToken = vscode.window.createTextEditorDecorationType({
      border: '1px solid',
      borderColor: new vscode.ThemeColor('focusBorder'),
      borderRadius: '2px',
    });
    this._register(this.labels);
    this._register(this.selectedToken);
    this._register(vscode.commands.registerCommand(DECODE_COMMAND, () => this.decodeActive()));
    this._register(vscode.commands.registerCommand(SHOW_TRELLIS_COMMAND, () => {
      if (!this.decoding) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: nothing decoded yet. Run "Decode Active File with HMM…" on a file first.'));
        return;
      }
      TrellisPanel.show(this.extensionUri, this);
    }));
    this._register(vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor)));
    this._register(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.schedule(e))));
    this._register(vscode.window.onDidChangeTextEditorSelection((e) => this.followCursor(e.textEditor)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && e.document === this.decoding?.document) this.forget('The file changed after it was decoded: decode it again to link the trellis to the editor.');
    }));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => {
      if (d === this.decoding?.document) this.forget('The decoded file was closed.');
    }));
  }

  /** Decodes `document` with a model file's text (e.g. one just fitted by Baum-Welch) and shows the trellis. */
  decodeWithModel(document: vscode.TextDocument, modelText: string, modelLabel: string): Promise<void> {
    return this.decodeActive({ document, source: { kind: 'modelJson', modelText, modelLabel } });
  }

  private async decodeActive(given?: { document: vscode.TextDocument; source: HmmModelSource }): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor && !given) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: open a file in the editor first, then decode it with an HMM.'));
      return;
    }
    const document = given?.document ?? editor!.document;
    const fileLabel = documentLabel(document);
    const text = checkedDocumentText(document, fileLabel);
    if (text === undefined) return;
    let source: HmmModelSource;
    if (given) source = given.source;
    else if (looksTagged(text)) source = { kind: 'tagged' };
    else {
      const picked = await pickModel(document);
      if (!picked) return;
      source = picked;
    }
    const version = document.version;
    let result: HmmDecodeResult;
    try {
      result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: source.kind === 'tagged' ? `Sequence Lab: fitting an HMM tagger on ${fileLabel} and decoding it` : `Sequence Lab: decoding ${fileLabel} with ${source.modelLabel}`,
        },
        () => this.worker.hmmDecode(text, source),
      );
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot decode {0}: {1}', fileLabel, errorText(error)));
      if (!(error instanceof AnalysisError)) console.error(error);
      return;
    }
    if (document.isClosed || document.version !== version) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab: {0} changed while it was being decoded; run the command again.', fileLabel));
      return;
    }
    const previous = this.decoding?.document;
    this.decoding = { document, version, fileLabel, result, selected: 0, windowFrom: undefined };
    void vscode.commands.executeCommand('setContext', 'sequenceLab.hmmDecoded', true);
    if (previous && previous !== document) this.redraw(previous);
    const cursor = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor.selection.active : undefined;
    this.select(cursor ? stepAtOffset(result.tokenStarts, document.offsetAt(cursor)) : 0);
    this.redraw(document);
    TrellisPanel.show(this.extensionUri, this);
    const accuracy = taggingAccuracy(result);
    void vscode.window.setStatusBarMessage(
      `$(check) Sequence Lab: ${result.path.length.toLocaleString('en')} steps decoded · log P(path, o) = ${result.pathLogProbability.toFixed(2)} · log P(o) = ${result.logLikelihood.toFixed(2)}` +
        (accuracy !== undefined ? ` · agrees with the file's tags on ${(100 * accuracy).toFixed(1)}%` : ''),
      15_000,
    );
  }

  // ── TrellisSource ──
  currentWindow(): TrellisWindow | undefined {
    const d = this.decoding;
    if (!d) return undefined;
    const total = d.result.path.length;
    d.windowFrom = windowStart(d.selected, d.windowFrom, total);
    return sliceTrellisWindow(d.result, d.windowFrom, d.selected, d.fileLabel);
  }

  selectStep(step: number): void {
    const d = this.decoding;
    if (!d) return;
    this.select(step);
    void this.reveal(d);
  }

  private select(step: number): void {
    const d = this.decoding;
    if (!d) return;
    d.selected = Math.max(0, Math.min(d.result.path.length - 1, step));
    TrellisPanel.instance?.refresh();
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === d.document) this.decorateSelected(editor);
  }

  /** Shows and selects the selected step's token in an editor (opening one beside the panel if none shows it). */
  private async reveal(d: Decoding): Promise<void> {
    const editor =
      vscode.window.visibleTextEditors.find((e) => e.document === d.document) ??
      (await vscode.window.showTextDocument(d.document, { viewColumn: vscode.ViewColumn.One, preserveFocus: true }));
    const range = this.tokenRange(d, d.selected);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private tokenRange(d: Decoding, step: number): vscode.Range {
    return new vscode.Range(d.document.positionAt(d.result.tokenStarts[step]), d.document.positionAt(d.result.tokenEnds[step]));
  }

  private followCursor(editor: vscode.TextEditor): void {
    const d = this.decoding;
    if (!d || editor.document !== d.document || d.document.version !== d.version) return;
    const step = stepAtOffset(d.result.tokenStarts, d.document.offsetAt(editor.selection.active));
    if (step >= 0 && step !== d.selected) this.select(step);
  }

  private forget(message: string): void {
    const d = this.decoding;
    if (!d) return;
    this.decoding = undefined;
    void vscode.commands.executeCommand('setContext', 'sequenceLab.hmmDecoded', false);
    this.redraw(d.document);
    TrellisPanel.instance?.detach(message);
  }

  private redraw(document: vscode.TextDocument): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.decorate(editor);
  }

  private schedule(editor: vscode.TextEditor): void {
    if (this.timers.has(editor)) return;
    this.timers.set(
      editor,
      setTimeout(() => {
        this.timers.delete(editor);
        this.decorate(editor);
      }, 50),
    );
  }

  private decorate(editor: vscode.TextEditor): void {
    const d = this.decoding;
    if (!d || editor.document !== d.document || d.document.version !== d.version) {
      editor.setDecorations(this.labels, []);
      editor.setDecorations(this.selectedToken, []);
      return;
    }
    const { result } = d;
    const options: vscode.DecorationOptions[] = [];
    for (const [from, to] of expandedVisibleOffsets(editor)) {
      const [lo, hi] = stepsInRange(result.tokenStarts, from, to);
      for (const t of stateLabelSteps(result.path, lo, hi, result.split === 'chars', MAX_LABELS - options.length)) {
        const end = d.document.positionAt(result.tokenEnds[t]);
        options.push({
          range: new vscode.Range(end, end),
          renderOptions: { after: { contentText: result.states[result.path[t]] } },
        });
      }
    }
    editor.setDecorations(this.labels, options);
    this.decorateSelected(editor);
  }

  private decorateSelected(editor: vscode.TextEditor): void {
    const d = this.decoding;
    if (!d) return;
    editor.setDecorations(this.selectedToken, [this.tokenRange(d, d.selected)]);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    for (const timer of this.timers.values()) clearTimeout(timer);
    super.dispose();
  }
}

/** Asks for a model JSON and reads it (the host reads files; the worker validates the text). */
async function pickModel(document: vscode.TextDocument): Promise<HmmModelSource | undefined> {
  const base = vscode.workspace.getWorkspaceFolder(document.uri)?.uri;
  const uris = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Sequence Lab: HMM model to decode the active file with'),
    openLabel: 'Decode with This Model',
    canSelectMany: false,
    defaultUri: base,
    filters: { 'HMM model (JSON)': ['json'] },
  });
  const uri = uris?.[0];
  if (!uri) return undefined;
  const label = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_MODEL_BYTES) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0} is {1} MB; a model file is expected to be far smaller.', label, (stat.size / 1024 / 1024).toFixed(1)));
      return undefined;
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    return { kind: 'modelJson', modelText: new TextDecoder('utf-8').decode(bytes), modelLabel: label };
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot read {0}: {1}', label, errorText(error)));
    return undefined;
  }
}
