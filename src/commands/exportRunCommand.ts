// The Runs view's "Export as PyTorch Project…": a stored run's checkpoint and data as a self-contained PyTorch project
// (the files come from exportRunProject.ts) written into a folder the user picks.
import * as vscode from 'vscode';
import type { RunStore, StoredRun } from '../training/runStore';
import { sha256 } from '../training/runPersistence';
import { allowDataFile, stillAllowed } from '../base/dataFileAccess';
import { checkedDocumentText } from '../base/documentText';
import { noCheckpointMessage, projectDataFile, RunExportError, runProjectFiles, type RunProjectFile } from './exportRunProject';

export async function exportRunAsPytorchProject(stored: StoredRun | undefined, store: RunStore): Promise<void> {
  if (!stored) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: this run is not stored on disk, so it has no checkpoint to export.'));
    return;
  }
  const model = store.readCheckpoint(stored.id)?.model;
  if (!model) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0}', noCheckpointMessage(stored)));
    return;
  }
  const text = await readRunData(stored, store);
  if (text === undefined) return;
  let files: RunProjectFile[];
  try {
    files = runProjectFiles(stored, model, text);
  } catch (error) {
    if (!(error instanceof RunExportError)) throw error;
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0}', error.message));
    return;
  }
  const folder = await pickEmptyFolder();
  if (!folder) return;
  try {
    for (const file of files) {
      const target = vscode.Uri.joinPath(folder, ...file.path.split('/'));
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
      await vscode.workspace.fs.writeFile(target, typeof file.contents === 'string' ? new TextEncoder().encode(file.contents) : file.contents);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: could not write the PyTorch project to {0} ({1}).', folder.fsPath, reason));
    return;
  }
  const open = 'Open Folder';
  const reveal = 'Reveal';
  // revealFileInOS needs a desktop on the same machine.
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined;
  // In VS Code for the Web the files are written (through workspace.fs), but train.py runs only where Python is.
  const web = vscode.env.uiKind === vscode.UIKind.Web;
  const exported = vscode.l10n.t('Sequence Lab: exported the run on {0} to {1} (train.py, model.safetensors, {2}, README.md).', stored.dataLabel, folder.fsPath, projectDataFile(stored));
  const choice = await vscode.window.showInformationMessage(
    web ? `${exported} ${vscode.l10n.t('Run train.py with Python and PyTorch on your own computer: its README.md says how.')}` : exported,
    ...(local ? [open, reveal] : [open]),
  );
  if (choice === open) await vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: true });
  if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', folder);
}

/** The run's data as it is now; when it changed since training, only if the user still wants it. */
async function readRunData(stored: StoredRun, store: RunStore): Promise<string | undefined> {
  // run.json may come from a repository: its dataUri is judged as an experiment's data.path is.
  const label = vscode.l10n.t('the run on {0}', stored.dataLabel);
  const allowed = await allowDataFile(vscode.Uri.parse(stored.dataUri), vscode.Uri.file(store.folder(stored.id)), label, 'export');
  if (!allowed || !(await stillAllowed(allowed, label))) return undefined;
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(allowed.uri);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot read {0}, the file this run trained on ({1}).', stored.dataLabel, reason));
    return undefined;
  }
  const text = checkedDocumentText(document, stored.dataLabel);
  if (text === undefined || sha256(text) === stored.dataSha256) return text;
  const go = 'Export Changed File';
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} has changed since this run trained on it. Export the file as it is now?', stored.dataLabel),
    { modal: true, detail: vscode.l10n.t('The project\'s train.py continues training on the data file it is exported with.') },
    go,
  );
  return choice === go ? text : undefined;
}

/** A folder from the user; a non-empty one only after a modal confirmation. */
async function pickEmptyFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Export Here',
    title: vscode.l10n.t('Folder for the PyTorch project'),
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  const folder = picked?.[0];
  if (!folder) return undefined;
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    entries = []; // A folder that does not exist yet is created by the first write.
  }
  if (entries.length === 0) return folder;
  const write = 'Write Into Folder';
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} is not empty. Write the PyTorch project into it anyway?', folder.fsPath),
    { modal: true, detail: vscode.l10n.t('Files named train.py, safetensors_io.py, torchrun_compat.py, README.md, requirements.txt, metrics.jsonl, model.safetensors and the data file are replaced.') },
    write,
  );
  return choice === write ? folder : undefined;
}
