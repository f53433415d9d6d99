// The text of a document a command is about to send to the worker, or nothing (and a message in words) when it is
// empty, binary or over the size limit. Every command that reads a document goes through here.
import * as vscode from 'vscode';
import { posixBasename } from './uriPath';
import { maxFileBytes } from './settings';
import { checkTrainingText } from '../shared/textChecks';

/** What the user calls the document: its file name, or the untitled document's name. */
export function documentLabel(document: vscode.TextDocument): string {
  return document.isUntitled ? document.uri.path : posixBasename(document.uri.path);
}

export function checkedDocumentText(document: vscode.TextDocument, label: string): string | undefined {
  const text = document.getText();
  const verdict = checkTrainingText(text, label, maxFileBytes(document.uri));
  if (verdict.ok) return text;
  void vscode.window.showErrorMessage(`Sequence Lab: ${verdict.message}`);
  return undefined;
}

/** VS Code hands extensions no document for files over 50 MB (it syncs at most this much to the extension host). */
const EXTENSION_HOST_SYNC_LIMIT = 50 * 1024 * 1024;

/**
 * Why there is no document to work on, in words: usually nothing is open, but a file shown in the editor that VS Code
 * did not hand to extensions (over 50 MB) gets its size and what to do instead of "open a file first".
 */
export async function missingDocumentMessage(action: string): Promise<string> {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText) {
    try {
      const { size } = await vscode.workspace.fs.stat(input.uri);
      if (size > EXTENSION_HOST_SYNC_LIMIT) {
        const name = posixBasename(input.uri.path);
        return `Sequence Lab: ${name} is ${(size / 1024 / 1024).toFixed(1)} MB; VS Code does not give extensions files over 50 MB, and Sequence Lab trains on files up to the "sequenceLab.limits.maxFileSizeMB" limit. Train on a smaller part of it (for example its first few MB saved as a new file).`;
      }
    } catch {
      // Not readable: fall through to the usual message.
    }
  }
  return `Sequence Lab: open a text file in the editor first, then ${action}.`;
}
