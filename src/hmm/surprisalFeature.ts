// "Sequence Lab: Show Markov Surprisal for Active File": the worker fits an interpolated Kneser-Ney character model
// of order k on the document and returns −log2 P(x_t | x_<t) for every character; the host colours the characters
// in a few buckets (theme colours sequenceLab.surprisalLevel1..5), shows a hover per character and the perplexity in
// the status bar. Only the visible ranges plus a margin are decorated, again on every scroll, so big files stay fast.
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import type { MarkovSurprisalResult } from '../shared/protocol/analysisWorker';
import { checkedDocumentText } from '../base/documentText';
import { AnalysisCancelled, AnalysisError, type AnalysisWorker } from './analysisWorker';
import { documentLabel, expandedVisibleOffsets, errorText } from './editorRanges';
import { LEVEL_COUNT, levelLabel, levelRuns, surprisalHoverMarkdown } from './surprisal';

export const SHOW_SURPRISAL_COMMAND = 'sequenceLab.markov.showSurprisal';
export const CLEAR_SURPRISAL_COMMAND = 'sequenceLab.markov.clearSurprisal';
const DEFAULT_ORDER = 3;

interface Scored {
  result: MarkovSurprisalResult;
  version: number;
}

export class SurprisalFeature extends Disposable {
  private readonly scored = new Map<string, Scored>();
  private readonly levels: vscode.TextEditorDecorationType[];
  private readonly status: vscode.StatusBarItem;
  private readonly timers = new Map<vscode.TextEditor, ReturnType<typeof setTimeout>>();

  constructor(private readonly worker: AnalysisWorker) {
    super();
    this.levels = Array.from({ length: LEVEL_COUNT }, (_, i) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`sequenceLab.surprisalLevel${i + 1}`),
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.status = vscode.window.createStatusBarItem('sequenceLab.surprisal', vscode.StatusBarAlignment.Left, 49);
    this.status.name = 'Sequence Lab Surprisal';
    this.status.command = CLEAR_SURPRISAL_COMMAND;
    for (const item of this.levels) this._register(item);
    this._register(this.status);
    this._register(vscode.commands.registerCommand(SHOW_SURPRISAL_COMMAND, (order?: unknown, target?: unknown) => this.show(order, target)));
    this._register(vscode.commands.registerCommand(CLEAR_SURPRISAL_COMMAND, () => this.clear()));
    this._register(vscode.languages.registerHoverProvider('*', { provideHover: (d, p) => this.hover(d, p) }));
    this._register(vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor)));
    this._register(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.schedule(e))));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.refreshStatus()));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && this.scored.delete(e.document.uri.toString())) this.redrawDocument(e.document);
    }));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.scored.delete(d.uri.toString())));
  }

  /**
   * Scores the active editor's document, or `target` (a document URI, e.g. from the Markov Orders panel) shown in an
   * editor; with an `order` of 0..8 (from the panel) there is no quick pick. From menus the first argument is a URI,
   * not an order, and is ignored.
   */
  private async show(requestedOrder?: unknown, target?: unknown): Promise<void> {
    let editor = vscode.window.activeTextEditor;
    if (target instanceof vscode.Uri) {
      try {
        editor =
          vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString()) ??
          (await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.One, preview: false }));
      } catch (error) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot open {0}: {1}', target.toString(true), errorText(error)));
        return;
      }
    }
    if (!editor) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: open a text file in the editor first, then show its Markov surprisal.'));
      return;
    }
    const document = editor.document;
    const label = documentLabel(document);
    const text = checkedDocumentText(document, label);
    if (text === undefined) return;
    const order =
      typeof requestedOrder === 'number' && Number.isInteger(requestedOrder) && requestedOrder >= 0 && requestedOrder <= 8
        ? requestedOrder
        : await pickOrder();
    if (order === undefined) return;
    const version = document.version;
    let result: MarkovSurprisalResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Sequence Lab: order-{0} Markov model of {1}', order, label), cancellable: true },
        (_progress, token) => this.worker.markovSurprisal(text, order, token),
      );
    } catch (error) {
      if (error instanceof AnalysisCancelled) return;
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot score {0}: {1}', label, errorText(error)));
      if (!(error instanceof AnalysisError)) console.error(error);
      return;
    }
    if (document.isClosed || document.version !== version) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab: {0} changed while it was being scored; run the command again.', label));
      return;
    }
    this.scored.set(document.uri.toString(), { result, version });
    void vscode.commands.executeCommand('setContext', 'sequenceLab.surprisalShown', true);
    this.redrawDocument(document);
  }

  private clear(): void {
    this.scored.clear();
    void vscode.commands.executeCommand('setContext', 'sequenceLab.surprisalShown', false);
    for (const editor of vscode.window.visibleTextEditors) for (const type of this.levels) editor.setDecorations(type, []);
    this.refreshStatus();
  }

  private redrawDocument(document: vscode.TextDocument): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.decorate(editor);
    this.refreshStatus();
  }

  /** Coalesces scroll events: one decoration update per editor every 50 ms at most. */
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
    const entry = this.scored.get(editor.document.uri.toString());
    if (!entry || entry.version !== editor.document.version) {
      for (const type of this.levels) editor.setDecorations(type, []);
      return;
    }
    const document = editor.document;
    const perLevel: vscode.Range[][] = Array.from({ length: LEVEL_COUNT }, () => []);
    for (const [from, to] of expandedVisibleOffsets(editor)) {
      levelRuns(entry.result.surprisal, from, to).forEach((runs, level) => {
        for (const [a, b] of runs) perLevel[level].push(new vscode.Range(document.positionAt(a), document.positionAt(b)));
      });
    }
    this.levels.forEach((type, level) => editor.setDecorations(type, perLevel[level]));
  }

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const entry = this.scored.get(document.uri.toString());
    if (!entry || entry.version !== document.version) return undefined;
    let offset = document.offsetAt(position);
    let bits = entry.result.surprisal[offset];
    if (Number.isNaN(bits) && offset > 0) bits = entry.result.surprisal[--offset];
    if (bits === undefined || Number.isNaN(bits)) return undefined;
    // The hover needs only the few characters around the offset, not the whole document.
    const start = Math.max(0, offset - 2 * entry.result.order - 2);
    const window = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(offset + 2)));
    const markdown = new vscode.MarkdownString(surprisalHoverMarkdown(window, offset - start, bits, entry.result.order));
    const range = new vscode.Range(document.positionAt(offset), document.positionAt(offset + (window.codePointAt(offset - start)! > 0xffff ? 2 : 1)));
    return new vscode.Hover(markdown, range);
  }

  private refreshStatus(): void {
    const document = vscode.window.activeTextEditor?.document;
    const entry = document ? this.scored.get(document.uri.toString()) : undefined;
    if (!entry) {
      this.status.hide();
      return;
    }
    const r = entry.result;
    this.status.text = `$(symbol-numeric) Markov k=${r.order} · perplexity ${r.perplexity.toFixed(2)} · ${r.bitsPerCharacter.toFixed(2)} bits/char`;
    const legend = Array.from({ length: LEVEL_COUNT }, (_, i) => `level ${i + 1}: ${levelLabel(i + 1)}`).join(', ');
    this.status.tooltip =
      `Order-${r.order} interpolated Kneser-Ney character model fitted on this file: ${r.characters.toLocaleString('en')} characters, ` +
      `${r.vocabularySize} symbols (with <unk>), ${r.observedContexts.toLocaleString('en')} distinct contexts. ` +
      `Shading (${legend}). Click to clear.`;
    this.status.show();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    for (const timer of this.timers.values()) clearTimeout(timer);
    super.dispose();
  }
}

async function pickOrder(): Promise<number | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { order: number }>();
  pick.title = 'Sequence Lab: Markov surprisal';
  pick.placeholder = 'Order k: each character is predicted from the k characters before it';
  pick.items = Array.from({ length: 9 }, (_, k) => ({
    order: k,
    label: vscode.l10n.t('k = {0}', k),
    description: k === 0 ? 'unigram: character frequencies only' : k === DEFAULT_ORDER ? 'default' : `${k} characters of context`,
  }));
  pick.activeItems = [pick.items[DEFAULT_ORDER]];
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.order ?? pick.activeItems[0]?.order);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}
