// The Viterbi state of every row of a CSV/TSV file fitted with a Gaussian HMM, shown after the row as an inline
// label (the decoding feature's decoration style). Cleared when the file changes.
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import type { HmmFitResult } from '../shared/protocol/analysisWorker';

/** At most this many row labels are drawn. */
const MAX_ROWS = 20_000;

export class FitRowStates extends Disposable {
  private readonly labels = this._register(vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorInlayHint.foreground'), fontStyle: 'italic', margin: '0 0 0 1.5em' },
  }));
  private shown: { document: vscode.TextDocument; version: number } | undefined;

  constructor() {
    super();
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0 && e.document === this.shown?.document) this.clear();
    }));
  }

  show(editor: vscode.TextEditor, version: number, result: HmmFitResult): void {
    const { path, rowLines } = result;
    if (!path || !rowLines) return;
    if (editor.document.version !== version) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab: the file changed after the fit; fit it again to mark its rows.'));
      return;
    }
    this.clear();
    const options: vscode.DecorationOptions[] = [];
    const rows = Math.min(path.length, MAX_ROWS);
    for (let t = 0; t < rows; t++) {
      const end = editor.document.lineAt(rowLines[t]).range.end;
      options.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: `state ${result.states[path[t]]}` } } });
    }
    editor.setDecorations(this.labels, options);
    this.shown = { document: editor.document, version };
    void vscode.window.setStatusBarMessage(
      `$(check) Sequence Lab: ${path.length.toLocaleString('en')} rows marked with their Viterbi state` + (rows < path.length ? ` (labels on the first ${rows.toLocaleString('en')})` : ''),
      15_000,
    );
  }

  private clear(): void {
    const d = this.shown?.document;
    this.shown = undefined;
    if (d) for (const e of vscode.window.visibleTextEditors) if (e.document === d) e.setDecorations(this.labels, []);
  }
}
