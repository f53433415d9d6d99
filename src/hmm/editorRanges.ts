// Small vscode helpers shared by the surprisal and decoding decorations.
import * as vscode from 'vscode';
import { mergeOffsetRanges } from './offsetRanges';

/** Lines decorated above and below what is visible, so short scrolls show colour at once. */
export const MARGIN_LINES = 60;

export { documentLabel } from '../base/documentText';

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The editor's visible ranges widened by MARGIN_LINES, as merged [from, to) offset ranges. */
export function expandedVisibleOffsets(editor: vscode.TextEditor): [number, number][] {
  const document = editor.document;
  const ranges = editor.visibleRanges.map((r): [number, number] => {
    const first = Math.max(0, r.start.line - MARGIN_LINES);
    const last = Math.min(document.lineCount - 1, r.end.line + MARGIN_LINES);
    return [document.offsetAt(new vscode.Position(first, 0)), document.offsetAt(document.lineAt(last).range.end) + 1];
  });
  return mergeOffsetRanges(ranges);
}
