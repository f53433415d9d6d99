// What VS Code for the Web cannot do yet or at all (issue 17): each such command of the manifest still answers on the
// web, with a message saying why and what to use instead, rather than vanishing ("command not found") or failing.
import * as vscode from 'vscode';

/** Needs the user's own machine: Python and PyTorch (train.py), a terminal (the CLI, torchrun). Never on the web. */
const NEEDS_LOCAL_MACHINE = new Set([
  'sequenceLab.runs.exportPytorch',
  'sequenceLab.experiment.copyCommandLine',
]);

/**
 * Needs a run folder on disk, or a file picked from the user's own disk (revealing a checkpoint folder, opening a
 * PyTorch model as a stored run), which this web build does not have yet. Stored runs themselves work on the web (Runs
 * view, Resume, Delete, Delete All, Duplicate with Changes…: training/webRunStore.ts), and so do experiment files
 * (read and trained through workspace.fs, src/experiments/).
 */
const NOT_YET_ON_THE_WEB = new Set([
  // Opening a PyTorch model makes a stored run of it from a file read by path.
  'sequenceLab.importModel',
  // The checkpoints are in the extension's storage, which the browser shows no folder of.
  'sequenceLab.runs.revealCheckpointFolder',
]);

/** The web's answer to a command it cannot run, or undefined for a command it runs. */
export function webUnavailableMessage(command: string): string | undefined {
  if (NEEDS_LOCAL_MACHINE.has(command)) {
    return vscode.l10n.t('Sequence Lab: this needs Python, PyTorch or a terminal on your own computer, which VS Code for the Web does not have. Open this folder in VS Code on the desktop to use it; training and every panel work here.');
  }
  if (NOT_YET_ON_THE_WEB.has(command)) {
    return vscode.l10n.t('Sequence Lab: this is not in VS Code for the Web yet (run folders and opening a PyTorch model need the desktop for now); stored runs are in the Runs view. Open this folder in VS Code on the desktop to use it.');
  }
  return undefined;
}

/** The commands the web build answers with a message, registered as such. */
export function registerWebUnavailable(): vscode.Disposable[] {
  return [...NEEDS_LOCAL_MACHINE, ...NOT_YET_ON_THE_WEB].map((command) =>
    vscode.commands.registerCommand(command, () => void vscode.window.showInformationMessage(webUnavailableMessage(command) ?? '')),
  );
}
