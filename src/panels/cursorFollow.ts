// Editor linkage shared by the panels that show steps of a run's data file (Gates, Unrolled Network, Gradient Flow):
// where the editor's cursor is in the run's steps, which window to trace around it, and selecting a step's text in
// the editor. The text's positions are code points (the worker's characters) while the editor's offsets are UTF-16
// code units; a word run's steps are its whitespace words; a tagged, series or sequence-to-one run is traced at the
// cursor's code point (the worker finds the sequence, block or rows there: src/worker/kindTraces.ts).
import * as vscode from 'vscode';
import type { RunRecord } from '../training/trainingService';
import { codePointIndex, hasSurrogates, utf16Range, windowAround, wordIndexAt } from './gatesView';

export class CursorFollow {
  /** Whether the data file's UTF-16 offsets are its code points (no character outside the BMP), for one version. */
  private plainText: { version: number; plain: boolean } | undefined;

  forget(): void {
    this.plainText = undefined;
  }

  /**
   * The code point under the editor's cursor, and (computed only when asked: a word run scans the text) the first
   * step of a window of `length` steps around it.
   */
  locate(editor: vscode.TextEditor, run: RunRecord | undefined, length: number): { cursor: number; windowStart: () => number } {
    const document = editor.document;
    const offset = document.offsetAt(editor.selection.active);
    // Steps of the data: code points, or the words of a word run.
    const N = run?.info.dataLength ?? Number.MAX_SAFE_INTEGER;
    const kind = run?.info.config.dataKind;
    const words = kind === 'words';
    const atCursor = kind === 'tagged' || kind === 'series' || kind === 'sequence-to-one';
    // Without characters outside the BMP the offsets are the code points (the common case: checked once per version).
    if (this.plainText?.version !== document.version) {
      const text = document.getText();
      this.plainText = { version: document.version, plain: words || atCursor ? !hasSurrogates(text) : text.length === N };
    }
    const cursor = this.plainText.plain ? offset : codePointIndex(document.getText(), offset);
    return {
      cursor,
      windowStart: () => (atCursor ? cursor : windowAround(words ? wordIndexAt(document.getText(), offset) : cursor, length, N)),
    };
  }
}

/**
 * Reveals and selects the code points [from, to) of the data file in an editor (the one showing it, else the first
 * column), the cursor at the start. Says why in a warning when the file cannot be shown.
 */
export async function selectInEditor(dataUri: string, from: number, to: number): Promise<void> {
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === dataUri);
  try {
    const document = visible?.document ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(dataUri)));
    const range = utf16Range(document.getText(), from, to);
    const selection = new vscode.Selection(document.positionAt(range.to), document.positionAt(range.from));
    // No `selection` option here: VS Code applies it as a range with the cursor at its end, one step on, and the panels'
    // cursor-follow echoed that back as the next step before the selection below moved it back (the panel showed step
    // t+2, then t+1). The editor is shown as it is, then given the one selection, cursor at the step's start.
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: true,
    });
    editor.selection = selection;
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab: cannot show the run\'s data file: {0}', message));
  }
}
