// The Get Started walkthrough's commands (one per step, so each step completes on its own button): write the step's
// example through "New Example…" unless its file is already in sequence-lab-examples/, open the file, run the step's
// command on it and, for training steps, open the panel the step is about once the run has started.
import * as vscode from 'vscode';
import { EXAMPLES_FOLDER } from '../shared/examples';
import { isActive, type TrainingService } from '../training/trainingService';
import { WALKTHROUGH_ACTIONS, WALKTHROUGH_ID, type WalkthroughAction } from './steps';

export const OPEN_WALKTHROUGH_COMMAND = 'sequenceLab.openWalkthrough';
/** How long a step waits for a new run to leave "starting" before opening its panel anyway. */
const START_WAIT_MS = 15_000;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The step's file: the one already in the workspace's examples folder, else freshly written by New Example. */
async function exampleFile(action: WalkthroughAction): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder) {
    const existing = vscode.Uri.joinPath(folder, EXAMPLES_FOLDER, action.file);
    if (await exists(existing)) return existing;
  }
  // New Example writes the files only: the step opens the one it needs, once.
  const written = (await vscode.commands.executeCommand('sequenceLab.newExample', { example: action.example, open: false })) as vscode.Uri[] | undefined;
  if (!written) return undefined; // cancelled, or New Example said why
  const file = written.find((uri) => uri.path.endsWith(`/${action.file}`));
  if (!file) void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: the {0} example did not write {1}.', action.example, action.file));
  return file;
}

/** Resolves when the run has left "starting" (or ended), or after START_WAIT_MS. */
function runStarted(service: TrainingService, runId: string): Promise<void> {
  const ready = () => {
    const run = service.get(runId);
    return !run || run.info.status !== 'starting';
  };
  if (ready()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    };
    const timer = setTimeout(done, START_WAIT_MS);
    const subscription = service.onDidChangeRun((r) => {
      if (r.info.id === runId && (ready() || !isActive(r.info))) done();
    });
  });
}

async function runStep(action: WalkthroughAction, service: TrainingService): Promise<void> {
  const uri = await exampleFile(action);
  if (!uri) return;
  // Beside the walkthrough, not over it. An experiment is not opened: training opens its data file beside, once.
  if (action.then !== 'sequenceLab.trainExperiment') await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  if (action.then === 'sequenceLab.markov.showSurprisal') {
    // Order 3: each character is predicted from the three before it (the chain rule cut at k = 3).
    await vscode.commands.executeCommand(action.then, 3, uri);
    return;
  }
  if (action.then !== 'sequenceLab.trainExperiment') {
    await vscode.commands.executeCommand(action.then);
    return;
  }
  const runId = (await vscode.commands.executeCommand(action.then, uri)) as string | undefined;
  if (!runId || !action.andShow) return;
  await runStarted(service, runId);
  const commands = await vscode.commands.getCommands(true);
  const show = [action.andShow.command, action.andShow.fallback].find((c) => c !== undefined && commands.includes(c));
  if (show !== action.andShow.command) void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: {0}', action.andShow.missing));
  if (show) await vscode.commands.executeCommand(show);
  if (action.front && commands.includes(action.front)) await vscode.commands.executeCommand(action.front);
}

export function registerWalkthrough(context: vscode.ExtensionContext, service: TrainingService): void {
  context.subscriptions.push(
    ...WALKTHROUGH_ACTIONS.map((action) => vscode.commands.registerCommand(action.command, () => runStep(action, service))),
    vscode.commands.registerCommand(OPEN_WALKTHROUGH_COMMAND, () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false),
    ),
  );
}
