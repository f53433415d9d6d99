// Whether a data file named by a file the user did not write may be read, and reading exactly the file that was
// judged. Two kinds of files name data files: an experiment file's data.path (▶ Train, Open Data File) and a stored
// run's dataUri in its run.json (Resume, Export as PyTorch Project…, Duplicate with Changes…): both may come from a
// repository (a committed .sequence-lab/runs folder is as hostile as a committed *.seqlab.json). The path is judged
// after resolving symlinks (dataPathGuard.ts): inside a workspace folder or the naming file's own folder
// it is read; a regular file elsewhere only after the user confirms its resolved path (and then that resolved path is
// read); anything but a regular file never. In Restricted Mode every action but opening the file in an editor asks
// first. Right before reading, stillAllowed checks the path still leads to the very file judged (same realpath,
// device and inode), so a symlink swapped while the dialog was up is not followed.
import * as vscode from 'vscode';
import type { judgeDataPath, judgedFile, JudgedFile, stillJudgedFile } from './dataPathGuard';
import { judgeVirtualDataPath } from './virtualDataPath';

/** The local-file checks of dataPathGuard.ts (node:fs: realpath, lstat, inode), which the desktop entry provides. */
export interface LocalDataPaths {
  judgeDataPath: typeof judgeDataPath;
  judgedFile: typeof judgedFile;
  stillJudgedFile: typeof stillJudgedFile;
}

let local: LocalDataPaths | undefined;

/**
 * Called by the desktop entry (extension.ts) before anything is read. VS Code for the Web has no local files and
 * no node:fs: without these, a file: URI is judged by its path, as a virtual workspace's are.
 */
export function useLocalDataPaths(paths: LocalDataPaths): void {
  local = paths;
}

/**
 * Whether `uri` lies inside one of the workspace's folders: for a local file after resolving symlinks (the desktop's
 * checks), for any other file (a virtual workspace, the web) by its URI path under a folder of the same scheme and
 * authority. For readers that never ask the user (the gradient lab reading a stored run's data file): outside, or
 * not a regular file, is refused.
 */
export async function insideWorkspaceFolders(uri: vscode.Uri): Promise<boolean> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (uri.scheme === 'file' && local) {
    const roots = folders.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    return roots.length > 0 && (await local.judgeDataPath(uri.fsPath, roots)).kind === 'inside';
  }
  const roots = folders.filter((f) => f.uri.scheme === uri.scheme && f.uri.authority === uri.authority).map((f) => f.uri.path);
  return roots.length > 0 && judgeVirtualDataPath(uri.path, roots) === 'inside';
}

/** What the data file is read for: decides the question's words and whether Restricted Mode asks. */
export type DataFileAction = 'train' | 'open' | 'export';

export interface AllowedDataFile {
  /** What to read: the data file's own URI inside the workspace, the resolved path the user confirmed outside it. */
  uri: vscode.Uri;
  /** For a local file, the regular file judged (checked again by stillAllowed). Absent: no file there, or not local. */
  judged?: JudgedFile;
}

/** A path for a message: whole when short, else its start and end. */
export function shortPath(p: string): string {
  return p.length > 200 ? `${p.slice(0, 90)}…${p.slice(-90)}` : p;
}

/**
 * Whether the data file at `dataUri` may be read, named by a file in `ownFolder` (the experiment's folder, the run's
 * folder) and called `label` in messages. Undefined when it may not (after saying why, or after the user declined).
 */
export async function allowDataFile(dataUri: vscode.Uri, ownFolder: vscode.Uri, label: string, action: DataFileAction): Promise<AllowedDataFile | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  let shown = dataUri.toString(true);
  let outside: boolean;
  let judged: JudgedFile | undefined;
  if (dataUri.scheme === 'file' && local) {
    // Inside a workspace folder, or inside the naming file's own folder (both after resolving symlinks): an
    // experiment the user keeps outside the workspace (New Example into another folder) reads its data beside it
    // without asking, while a path that climbs out of both, or a link that leads out, is asked about.
    const roots = [...folders.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath), ownFolder.fsPath];
    const verdict = await local.judgeDataPath(dataUri.fsPath, roots);
    if (verdict.kind === 'missing') return { uri: dataUri }; // the caller says there is no such file
    shown = verdict.resolved;
    if (verdict.kind === 'notRegular') {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: the data file of {0} is {1} ({2}), not a regular file; it is not read.', label, verdict.what, shortPath(shown)));
      return undefined;
    }
    judged = await local.judgedFile(verdict.resolved);
    if (!judged) {
      changedMessage(label, shown);
      return undefined;
    }
    outside = verdict.kind === 'outside';
  } else if (dataUri.scheme === 'untitled') {
    outside = false; // an editor's unsaved buffer: no file is read
  } else {
    const roots = folders.filter((f) => f.uri.scheme === dataUri.scheme && f.uri.authority === dataUri.authority).map((f) => f.uri.path);
    outside = judgeVirtualDataPath(dataUri.path, roots) === 'outside';
  }
  // What is read once the user says yes: the resolved path they were shown, not the path that led there.
  const allowed: AllowedDataFile = { uri: outside && judged ? vscode.Uri.file(judged.resolved) : dataUri, ...(judged ? { judged } : {}) };
  const restricted = action !== 'open' && !vscode.workspace.isTrusted;
  if (!outside && !restricted) return allowed;
  const go = action === 'train' ? vscode.l10n.t('Train on It') : action === 'open' ? vscode.l10n.t('Open It') : vscode.l10n.t('Read It');
  const message = outside
    ? vscode.l10n.t('Sequence Lab: {0} names a data file outside the workspace folder: {1}. Read it anyway?', label, shortPath(shown))
    : action === 'train'
      ? vscode.l10n.t('Sequence Lab: this workspace is in Restricted Mode. {0} trains on {1}. Train on it?', label, shortPath(shown))
      : vscode.l10n.t('Sequence Lab: this workspace is in Restricted Mode. {0} reads {1}. Read it?', label, shortPath(shown));
  return (await vscode.window.showWarningMessage(message, { modal: true }, go)) === go ? allowed : undefined;
}

/**
 * Right before reading: whether `allowed.uri` still leads to the file that was judged (and confirmed). A file that
 * was missing must still be missing (the reader then says so); a local file must be the same regular file (same
 * realpath, device and inode). When it is not, says so and returns false: nothing is read.
 */
export async function stillAllowed(allowed: AllowedDataFile, label: string): Promise<boolean> {
  if (allowed.uri.scheme !== 'file' || !local) return true;
  if (allowed.judged ? await local.stillJudgedFile(allowed.uri.fsPath, allowed.judged) : (await local.judgeDataPath(allowed.uri.fsPath, [])).kind === 'missing') return true;
  changedMessage(label, allowed.judged?.resolved ?? allowed.uri.fsPath);
  return false;
}

function changedMessage(label: string, shown: string): void {
  void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: the data file of {0} changed after it was checked ({1}); it is not read. Try again to check it anew.', label, shortPath(shown)));
}
