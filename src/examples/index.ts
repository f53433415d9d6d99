// "Sequence Lab: New Example…": writes generated example data into the workspace's sequence-lab-examples/ folder
// through vscode.workspace.fs (so virtual workspaces work too), opens the main data file and says what to do next.
// The data is generated in the worker (src/worker/examples.ts → src/engine/examples/); the experiment files
// (*.seqlab.json) written beside it come from exampleExperiments.ts.
import * as vscode from 'vscode';
import { ADDING_T, EXAMPLES_FOLDER, validateAddingLength, type ExampleId } from '../shared/examples';
import { exampleQuickPickItems, nextStepMessage, overwriteQuestion, readNewExampleArgs, type NewExampleArgs } from './exampleArgs';
import { exampleExperimentFiles } from './exampleExperiments';
import { generateExampleFiles } from './exampleWorker';
import { requireTrust } from '../base/trust';
import { engineWorkers } from '../base/engineWorkers';
import type { EngineWorkers } from '../base/workerTransport';

export function registerExampleFeatures(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('sequenceLab.newExample', (args?: unknown) => newExample(engineWorkers(), args)),
  );
}

function toUri(folder: unknown): vscode.Uri | undefined {
  if (folder instanceof vscode.Uri) return folder;
  if (typeof folder === 'string' && folder !== '') return /^[a-z][a-z0-9+.-]+:/i.test(folder) && !/^[a-z]:\\/i.test(folder) ? vscode.Uri.parse(folder) : vscode.Uri.file(folder);
  if (typeof folder === 'object' && folder !== null && 'scheme' in folder && 'path' in folder) return vscode.Uri.from(folder as vscode.Uri);
  return undefined;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function chooseExample(): Promise<ExampleId | undefined> {
  const picked = await vscode.window.showQuickPick(exampleQuickPickItems(), {
    title: vscode.l10n.t('Sequence Lab: New Example'),
    placeHolder: vscode.l10n.t('Pick an example data set to write into the workspace'),
    matchOnDetail: true,
  });
  return picked?.id;
}

async function askAddingLength(): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Adding problem: sequence length T'),
    prompt: vscode.l10n.t('Steps per sequence ({0}–{1}); the two marked values are T/2 steps apart on average.', ADDING_T.min, ADDING_T.max),
    value: String(ADDING_T.default),
    validateInput: validateAddingLength,
  });
  return text === undefined ? undefined : Number(text.trim());
}

async function chooseFolder(given: unknown): Promise<vscode.Uri | undefined> {
  const uri = toUri(given) ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (uri) return uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Write Example Here',
    title: vscode.l10n.t('No folder is open: choose where to create {0}/', EXAMPLES_FOLDER),
  });
  return picked?.[0];
}

/** The command; returns the URIs written (the main data file first), or undefined when cancelled. */
export async function newExample(workers: EngineWorkers, rawArgs?: unknown): Promise<vscode.Uri[] | undefined> {
  const seam: NewExampleArgs | undefined = readNewExampleArgs(rawArgs);
  if (!requireTrust('"New Example…"')) return undefined;
  const example = seam?.example ?? (await chooseExample());
  if (!example) return undefined;
  let length: number | undefined;
  if (example === 'adding') {
    length = seam?.length ?? (await askAddingLength());
    if (length === undefined) return undefined;
    const problem = validateAddingLength(String(length));
    if (problem) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: T = {0} is not allowed. {1}', length, problem));
      return undefined;
    }
  }
  const base = await chooseFolder(seam?.folder);
  if (!base) return undefined;
  const folder = vscode.Uri.joinPath(base, EXAMPLES_FOLDER);

  let files;
  try {
    files = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Sequence Lab: generating example…') },
      () => generateExampleFiles(workers, example, { seed: seam?.seed, length }),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: could not generate the example: {0}. Try again; if it keeps failing, reload the window.', error instanceof Error ? error.message : String(error)));
    return undefined;
  }

  const experiments = exampleExperimentFiles(example, files[0].name);
  const targets = [...files, ...experiments].map((f) => ({ ...f, uri: vscode.Uri.joinPath(folder, f.name) }));
  const existing: string[] = [];
  for (const t of targets) if (await exists(t.uri)) existing.push(t.name);
  if (existing.length > 0 && !seam?.overwrite) {
    const answer = await vscode.window.showWarningMessage(overwriteQuestion(existing), { modal: true }, 'Replace');
    if (answer !== 'Replace') return undefined;
  }

  try {
    await vscode.workspace.fs.createDirectory(folder);
    const encoder = new TextEncoder();
    for (const t of targets) await vscode.workspace.fs.writeFile(t.uri, encoder.encode(t.content));
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: could not write {0}: {1}. Choose a folder you can write to.', folder.toString(true), error instanceof Error ? error.message : String(error)));
    return undefined;
  }

  const main = targets[0];
  if (seam?.open !== false) await vscode.window.showTextDocument(main.uri, { preview: false });
  const experimentNote = experiments.length === 0 ? '' : ` Experiment file${experiments.length === 1 ? '' : 's'} beside it: ${experiments.map((e) => e.name).join(', ')} (open one and click "▶ Train").`;
  void vscode.window.showInformationMessage(nextStepMessage(example, main.name) + experimentNote);
  return targets.map((t) => t.uri);
}
