// Where an experiment file's pieces are: the experiment document a command is about, its data file (relative to
// it), its label and the SHA-256 of its bytes on disk (what a run records, so the run can be reproduced).
import * as vscode from 'vscode';
import { isExperimentFileName } from '../shared/experimentFile';
import { sha256Hex } from '../base/sha256';

/** The experiment file a command is about: the one given (CodeLens, explorer menu), else the active editor's. */
export function experimentUri(resource: unknown): vscode.Uri | undefined {
  if (resource instanceof vscode.Uri) return resource;
  const document = vscode.window.activeTextEditor?.document;
  return document && isExperimentFileName(document.uri.path) ? document.uri : undefined;
}

/** The experiment's name for the user: its workspace-relative path (also what runs record to find it again). */
export function experimentLabel(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

export function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The data file an experiment names, relative to the experiment file's folder. */
export function dataFileUri(experiment: vscode.Uri, dataPath: string): vscode.Uri {
  return vscode.Uri.joinPath(experiment, '..', ...dataPath.split(/[\\/]/).filter((part) => part !== '' && part !== '.'));
}

export async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** SHA-256 (hex) of the file's bytes as saved. */
export async function fileSha256(uri: vscode.Uri): Promise<string> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  return sha256Hex(bytes);
}
