// What VS Code for the Web cannot do yet or at all (issue 17): each such command of the manifest still answers on the
// web, with a message saying why and what to use instead, rather than vanishing ("command not found") or failing.
import * as vscode from 'vscode';

/**
 * Needs the user's own machine: a terminal to run the CLI's command line in. Never on the web. (Export as PyTorch
 * Project… works there: it writes the project through workspace.fs; running its train.py needs Python, which the
 * export's message says.)
 */
const NEEDS_LOCAL_MACHINE = new Set([
  'sequenceLab.experiment.copyCommandLine',
]);

/**
 * Needs a run folder on disk (revealing a checkpoint folder), which the browser has none of. Stored runs themselves
 * work on the web (Runs view, Resume, Delete, Delete All, Duplicate with Changes…: training/webRunStore.ts), and so do
 * experiment files (src/experiments/) and opening a PyTorch model (commands/importModel.ts), through workspace.fs.
 */
const NO_FOLDER_ON_THE_WEB = new Set([
  // The checkpoints are in the extension's storage, which the browser shows no folder of.
  'sequenceLab.runs.revealCheckpointFolder',
]);

/** The web's answer to a command it cannot run, or undefined for a command it runs. */
export function webUnavailableMessage(command: string): string | undefined {
  if (NEEDS_LOCAL_MACHINE.has(command)) {
    return vscode.l10n.t('Sequence Lab: the sequence-lab command line runs in a terminal on your own computer, which VS Code for the Web does not have. Open this folder in VS Code on the desktop to use it; training and every panel work here.');
  }
  if (NO_FOLDER_ON_THE_WEB.has(command)) {
    return vscode.l10n.t('Sequence Lab: VS Code for the Web has no folder to reveal: a run\u2019s checkpoints are in the extension\u2019s storage, not on your disk. Resume, Duplicate with Changes… and Delete are in the Runs view; open this folder in VS Code on the desktop to reach the files.');
  }
  return undefined;
}

/** The commands the web build answers with a message, registered as such. */
export function registerWebUnavailable(): vscode.Disposable[] {
  return [...NEEDS_LOCAL_MACHINE, ...NO_FOLDER_ON_THE_WEB].map((command) =>
    vscode.commands.registerCommand(command, () => void vscode.window.showInformationMessage(webUnavailableMessage(command) ?? '')),
  );
}
