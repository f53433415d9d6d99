// The Gates panel's "Search whole file" (LSTMVis, issue 13): the host side. The page sends the units, threshold and
// stretch length it selected in its window; this asks the worker to search the run's data file as the editor holds
// it (the host knows the file: the page never names one), relays progress, lists the matches in the page, marks them
// in every editor showing the file, and selects a match in the editor on a click, Next or Previous. A new search (or
// Cancel, closing the panel, switching run) cancels the one running; an edit of the file drops the results, whose
// offsets no longer hold.
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import type { HostToGatesPanel } from '../shared/protocol/gatesPanel';
import type { UnitSearchAnswer } from '../shared/protocol/trainingWorker';
import type { TrainingService } from '../training/trainingService';
import { matchRanges, searchResults } from './unitSearchView';

/** Longest data file searched (UTF-16 units), checked before the text is sent to the worker. */
export const MAX_SEARCH_TEXT = 64 * 1024 * 1024;

export interface UnitSearchQuery {
  layer: number;
  series: 'h' | 'c';
  units: number[];
  threshold: number;
  queryLength: number;
}

export class UnitSearchSession extends Disposable {
  /** The search running: its worker request, run and the document version it read. */
  private running: { runId: string; requestId: number; version: number } | undefined;
  /** The matches on screen: UTF-16 ranges of `uri` at `version`, the one selected. */
  private found: { uri: string; version: number; from: Int32Array; to: Int32Array; current: number } | undefined;
  private readonly all = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('editor.findMatchHighlightBorder'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.findMatchForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  private readonly selected = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('editor.findMatchBorder'),
  });

  constructor(private readonly service: TrainingService, private readonly post: (m: HostToGatesPanel) => void) {
    super();
    this._register(this.all);
    this._register(this.selected);
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0 || e.document.uri.toString() !== this.found?.uri) return;
      this.clear();
      this.post({ type: 'searchEnded', message: vscode.l10n.t('The file changed since the search: its matches were cleared. Search again.') });
    }));
  }

  /** Starts a search of `dataUri` with the run's model (cancelling the one running). */
  async search(runId: string, dataUri: string | undefined, query: UnitSearchQuery, description: string): Promise<void> {
    this.cancel(true);
    this.clear();
    if (dataUri === undefined) {
      this.post({ type: 'searchEnded', message: vscode.l10n.t('The run\'s data file is not known in this window: open it and show the panel again.') });
      return;
    }
    let document: vscode.TextDocument;
    try {
      document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === dataUri) ?? await vscode.workspace.openTextDocument(vscode.Uri.parse(dataUri));
    } catch (error) {
      this.post({ type: 'searchEnded', message: vscode.l10n.t('Cannot read the run\'s data file: {0}', error instanceof Error ? error.message : String(error)) });
      return;
    }
    // A document's text is in memory already; its size is checked before a copy goes to the worker.
    const size = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
    if (size > MAX_SEARCH_TEXT) {
      this.post({ type: 'searchEnded', message: vscode.l10n.t('The data file has {0} characters; the search reads at most {1}.', size, MAX_SEARCH_TEXT) });
      return;
    }
    const text = document.getText();
    // The worker client matches the progress and the answer to this search (a cancelled one hears nothing more).
    const search = this.service.searchUnits(runId, { text, query }, (share) => this.post({ type: 'searchProgress', share }));
    if (search === undefined) {
      this.post({ type: 'searchEnded', message: vscode.l10n.t('The run has no model to search with yet.') });
      return;
    }
    const requestId = search.id;
    const version = document.version;
    this.running = { runId, requestId, version };
    this.post({ type: 'searchProgress', share: 0 });
    let answer: UnitSearchAnswer;
    try {
      answer = await search.answer;
    } catch (error) {
      // Cancelled (a newer search, Cancel, the panel closed): cancel() has told the page already, if it had to.
      if (this.running?.requestId !== requestId) return;
      this.running = undefined;
      this.post({ type: 'searchEnded', message: vscode.l10n.t('The search failed: {0}', error instanceof Error ? error.message : String(error)) });
      return;
    }
    if (this.running?.requestId !== requestId) return;
    this.running = undefined;
    if (document.version !== version) {
      this.post({ type: 'searchEnded', message: vscode.l10n.t('The file changed during the search: search again.') });
      return;
    }
    const ranges = matchRanges(text, answer);
    this.found = { uri: dataUri, version, ...ranges, current: -1 };
    this.post({ type: 'searchResults', results: searchResults(text, ranges, answer, description) });
    this.decorate();
    if (ranges.from.length > 0) await this.show(0);
  }

  /** Ends the search running, if any (the worker drops it without an answer); `quiet`: without telling the page. */
  cancel(quiet = false): void {
    if (!this.running) return;
    this.service.cancelUnitSearch(this.running.runId, this.running.requestId);
    this.running = undefined;
    if (!quiet) this.post({ type: 'searchEnded', message: vscode.l10n.t('Search cancelled.') });
  }

  /** Whether a search runs or its matches stand (the page's list means something). */
  get active(): boolean {
    return this.running !== undefined || this.found !== undefined;
  }

  /** Forgets the matches and their marks. */
  clear(): void {
    this.found = undefined;
    this.decorate();
  }

  /** Selects the next (+1) or previous (−1) match in the editor, wrapping around. False: there are none. */
  async step(direction: 1 | -1): Promise<boolean> {
    const found = this.found;
    if (!found || found.from.length === 0) return false;
    const M = found.from.length;
    const index = found.current < 0 ? (direction > 0 ? 0 : M - 1) : (found.current + direction + M) % M;
    await this.show(index);
    return true;
  }

  /** Reveals and selects match `index` in the data file. */
  async show(index: number): Promise<void> {
    const found = this.found;
    if (!found || !(index >= 0 && index < found.from.length)) return;
    found.current = index;
    this.post({ type: 'searchCurrent', index });
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === found.uri);
    try {
      const document = visible?.document ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(found.uri)));
      // Anchored at the end, cursor at the start (as the Gates panel's step selection): the status bar shows where it starts.
      const selection = new vscode.Selection(document.positionAt(found.to[index]), document.positionAt(found.from[index]));
      const editor = await vscode.window.showTextDocument(document, {
        viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: true, selection,
      });
      editor.selection = selection;
      editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      this.decorate();
    } catch (error) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab: cannot show the run\'s data file: {0}', error instanceof Error ? error.message : String(error)));
    }
  }

  private decorate(): void {
    const found = this.found;
    for (const editor of vscode.window.visibleTextEditors) {
      const mine = found && editor.document.uri.toString() === found.uri && editor.document.version === found.version;
      if (!mine) {
        editor.setDecorations(this.all, []);
        editor.setDecorations(this.selected, []);
        continue;
      }
      const range = (i: number) => new vscode.Range(editor.document.positionAt(found.from[i]), editor.document.positionAt(found.to[i]));
      editor.setDecorations(this.all, Array.from(found.from, (_, i) => range(i)));
      editor.setDecorations(this.selected, found.current >= 0 ? [range(found.current)] : []);
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.cancel(true);
    this.clear();
    super.dispose();
  }
}
