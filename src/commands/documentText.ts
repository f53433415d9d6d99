// The text of a document a command is about to send to the worker, or nothing (and a message in words) when it is
// empty, binary or over the size limit. Every command that reads a document goes through here.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { maxFileBytes } from '../settings';
import { checkTrainingText } from '../training/textChecks';

/** What the user calls the document: its file name, or the untitled document's name. */
export function documentLabel(document: vscode.TextDocument): string {
  return document.isUntitled ? document.uri.path : path.basename(document.uri.path);
}

export function checkedDocumentText(document: vscode.TextDocument, label: string): string | undefined {
  const text = document.getText();
  const verdict = checkTrainingText(text, label, maxFileBytes(document.uri));
  if (verdict.ok) return text;
  void vscode.window.showErrorMessage(`Sequence Lab: ${verdict.message}`);
  return undefined;
}
