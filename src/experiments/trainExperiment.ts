// The commands behind the CodeLenses of an experiment file: "▶ Train" (save, check, read the data file it names,
// start a run with its settings, record the experiment's path and SHA-256 on the run, open the Training panel),
// "Open Data File" and "Open Panels" (the Training panel of this experiment's latest run). The worker trains every
// data kind (characters, words, tagged, series, sequence-to-one); an experiment it could not train would get the
// equivalent command line instead. trainExperimentOnDocument is the same path for the Model view: an experiment
// built in the sidebar, trained on a given document.
import * as vscode from 'vscode';
import { checkedDocumentText, documentLabel } from '../base/documentText';
import { TrainingPanel } from '../panels/trainingPanel';
import { experimentCommandLine, experimentOutDir, shellOf, UnquotableError } from '../shared/experimentCommandLine';
import { experimentTrainingConfig, parseExperiment, type Experiment } from '../shared/experimentFile';
import type { RunRecord, TrainingService } from '../training/trainingService';
import type { RunPersistence } from '../training/runPersistence';
import { allowDataFile, stillAllowed } from '../base/dataFileAccess';
import { baseName, dataFileUri, experimentLabel, experimentUri, fileExists, fileSha256 } from './experimentDocument';
import { sha256Hex } from '../base/sha256';

export const TRAIN_EXPERIMENT_COMMAND = 'sequenceLab.trainExperiment';
export const OPEN_EXPERIMENT_DATA_COMMAND = 'sequenceLab.experiment.openData';
export const OPEN_EXPERIMENT_PANELS_COMMAND = 'sequenceLab.experiment.openPanels';
export const COPY_EXPERIMENT_COMMAND_LINE = 'sequenceLab.experiment.copyCommandLine';

const NO_EXPERIMENT = 'Sequence Lab: open an experiment file (*.seqlab.json) first, or create one with "Sequence Lab: New Example…".';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The experiment document, saved (a run records the file as it is on disk), and its parsed content. */
async function readExperiment(resource: unknown): Promise<{ uri: vscode.Uri; text: string; experiment: Experiment } | undefined> {
  const uri = experimentUri(resource);
  if (!uri) {
    void vscode.window.showErrorMessage(NO_EXPERIMENT);
    return undefined;
  }
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch (error) {
    void vscode.window.showErrorMessage(`Sequence Lab: cannot open ${uri.toString(true)}: ${errorText(error)}`);
    return undefined;
  }
  const label = documentLabel(document);
  if (document.isUntitled) {
    void vscode.window.showErrorMessage(`Sequence Lab: save ${label} first: its data path is relative to where the experiment file is saved.`);
    return undefined;
  }
  if (document.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage(`Sequence Lab: could not save ${label}; a run records the experiment file as saved, so save it and try again.`);
    return undefined;
  }
  const text = document.getText();
  const result = parseExperiment(text);
  if (!result.ok) {
    const [first, ...rest] = result.problems;
    const more = rest.length > 0 ? ` (and ${rest.length} more in the Problems panel)` : '';
    const show = 'Show Problems';
    void vscode.window
      .showErrorMessage(`Sequence Lab: ${label} has ${result.problems.length === 1 ? 'a problem' : `${result.problems.length} problems`}: ${first.message}${more}.`, show)
      .then((choice) => choice === show && vscode.commands.executeCommand('workbench.actions.view.problems'));
    return undefined;
  }
  return { uri, text, experiment: result.experiment };
}

/** "▶ Train": returns the run started, or undefined (after saying why) when none was. */
export async function trainExperiment(extensionUri: vscode.Uri, service: TrainingService, resource?: unknown, persistence?: RunPersistence): Promise<RunRecord | undefined> {
  const read = await readExperiment(resource);
  if (!read) return undefined;
  const { uri, experiment } = read;
  const label = baseName(uri);

  if (!(await checkTrainable(experiment, label, vscode.Uri.joinPath(uri, '..')))) return undefined;

  const dataUri = dataFileUri(uri, experiment.data.path);
  const allowed = await allowDataFile(dataUri, vscode.Uri.joinPath(uri, '..'), label, 'train');
  if (!allowed || !(await stillAllowed(allowed, label))) return undefined;
  let dataDocument: vscode.TextDocument;
  try {
    dataDocument = await vscode.workspace.openTextDocument(allowed.uri);
  } catch (error) {
    const missing = !(await fileExists(dataUri));
    void vscode.window.showErrorMessage(
      missing
        ? `Sequence Lab: ${label} trains on ${JSON.stringify(experiment.data.path)}, but there is no such file next to it (${vscode.workspace.asRelativePath(dataUri, false)}). Fix data.path, or write the example again with "New Example…".`
        : `Sequence Lab: cannot read the data file ${experiment.data.path} of ${label}: ${errorText(error)}`,
    );
    return undefined;
  }

  let sha256: string;
  try {
    sha256 = await fileSha256(uri);
  } catch (error) {
    void vscode.window.showErrorMessage(`Sequence Lab: cannot read ${label} to record its hash: ${errorText(error)}`);
    return undefined;
  }
  return startExperimentRun(extensionUri, service, experiment, dataDocument, label, { label: experimentLabel(uri), sha256 }, persistence);
}

/**
 * Trains `experiment` on `document` (the Model view's "Train": the experiment's data.path is ignored, the data is
 * the given document). Same checks and messages as "▶ Train". `record` names the experiment on the run (the
 * experiment file's workspace path and hash); without it the run records the experiment's JSON hash under "Model view".
 */
export async function trainExperimentOnDocument(
  extensionUri: vscode.Uri,
  service: TrainingService,
  experiment: Experiment,
  document: vscode.TextDocument,
  persistence?: RunPersistence,
  record?: { label: string; sha256: string },
): Promise<RunRecord | undefined> {
  const label = record?.label ?? `the experiment on ${documentLabel(document)}`;
  if (!(await checkTrainable(experiment, label, vscode.Uri.joinPath(document.uri, '..'), record?.label ?? 'experiment'))) return undefined;
  const sha256 = record?.sha256 ?? sha256Hex(JSON.stringify(experiment));
  return startExperimentRun(extensionUri, service, experiment, document, label, record ?? { label: 'Model view', sha256 }, persistence);
}

/** Whether the editor can train this experiment; if not, says so with the equivalent command line. */
async function checkTrainable(experiment: Experiment, label: string, folderUri: vscode.Uri, fileName = label): Promise<boolean> {
  const mapped = experimentTrainingConfig(experiment);
  if (mapped.ok) return true;
  let command: string;
  try {
    command = experimentCommandLine(experiment, experimentOutDir(fileName), 'sequence-lab', shellOf(vscode.env.shell));
  } catch (e) {
    if (!(e instanceof UnquotableError)) throw e;
    command = experimentCommandLine(experiment, experimentOutDir(fileName));
  }
  const folder = vscode.workspace.asRelativePath(folderUri, false);
  const copy = 'Copy Command';
  const choice = await vscode.window.showWarningMessage(
    `Sequence Lab: ${label} cannot be trained in the editor yet (${mapped.reasons.join('; ')}). Train it on the command line, in ${folder}: ${command}`,
    copy,
  );
  if (choice === copy) await vscode.env.clipboard.writeText(command);
  return false;
}

/** Checks the data document, stops the active run if the user agrees, starts the run and opens the Training panel. */
async function startExperimentRun(
  extensionUri: vscode.Uri,
  service: TrainingService,
  experiment: Experiment,
  dataDocument: vscode.TextDocument,
  label: string,
  experimentRecord: { label: string; sha256: string },
  persistence?: RunPersistence,
): Promise<RunRecord | undefined> {
  const mapped = experimentTrainingConfig(experiment);
  if (!mapped.ok) return undefined;
  const dataLabel = documentLabel(dataDocument);
  const text = checkedDocumentText(dataDocument, dataLabel);
  if (text === undefined) return undefined;

  const active = service.activeRun();
  if (active) {
    const choice = await vscode.window.showWarningMessage(
      `Sequence Lab is already training on ${active.info.fileLabel}. Stop that run and train ${label}?`,
      'Stop and Train',
      'Cancel',
    );
    if (choice !== 'Stop and Train') return undefined;
    service.stop(active.info.id);
  }

  // Stored against the data file even when it is not open in an editor, with the experiment's hash.
  const start = () => service.start(text, dataLabel, mapped.config);
  const run = persistence ? persistence.startTracked({ uri: dataDocument.uri, label: dataLabel, text, experiment: experimentRecord }, start) : start();
  // Recorded before the worker answers, so every later change of the run carries it.
  run.info = { ...run.info, experiment: experimentRecord };
  try {
    TrainingPanel.show(extensionUri, service, run);
  } catch (error) {
    void vscode.window.showErrorMessage(`Sequence Lab: the Training panel could not open: ${errorText(error)}`);
  }
  return run;
}

/** "Open Data File": the data file beside the experiment, or why it cannot be opened. */
export async function openExperimentData(resource?: unknown): Promise<void> {
  const read = await readExperiment(resource);
  if (!read) return;
  const dataUri = dataFileUri(read.uri, read.experiment.data.path);
  if (!(await fileExists(dataUri))) {
    void vscode.window.showErrorMessage(`Sequence Lab: there is no data file ${vscode.workspace.asRelativePath(dataUri, false)}. Fix data.path in ${baseName(read.uri)}.`);
    return;
  }
  const allowed = await allowDataFile(dataUri, vscode.Uri.joinPath(read.uri, '..'), baseName(read.uri), 'open');
  if (!allowed || !(await stillAllowed(allowed, baseName(read.uri)))) return;
  await vscode.window.showTextDocument(allowed.uri, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

/** "Copy Command Line": the `sequence-lab train …` command that trains the same model (the same losses, for characters). */
export async function copyExperimentCommandLine(resource?: unknown): Promise<string | undefined> {
  const read = await readExperiment(resource);
  if (!read) return undefined;
  let command: string;
  try {
    command = experimentCommandLine(read.experiment, experimentOutDir(baseName(read.uri)), 'sequence-lab', shellOf(vscode.env.shell));
  } catch (e) {
    if (!(e instanceof UnquotableError)) throw e;
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: the command line of {0} {1}; rename the data file, or make a POSIX shell (Git Bash, WSL) the default terminal profile and copy it again.', baseName(read.uri), e.message));
    return undefined;
  }
  await vscode.env.clipboard.writeText(command);
  const folder = vscode.workspace.asRelativePath(vscode.Uri.joinPath(read.uri, '..'), false);
  void vscode.window.showInformationMessage(`Sequence Lab: copied; run it in ${folder} (in a checkout of Sequence Lab: node dist/cli.js instead of sequence-lab): ${command}`);
  return command;
}

/** The runs started from this experiment file, oldest first. */
export function runsOfExperiment(service: TrainingService, uri: vscode.Uri): RunRecord[] {
  const label = experimentLabel(uri);
  return service.list().filter((r) => r.info.experiment?.label === label);
}

/** "Open Panels": the Training panel showing this experiment's latest run. */
export function openExperimentPanels(extensionUri: vscode.Uri, service: TrainingService, resource?: unknown): void {
  const uri = experimentUri(resource);
  if (!uri) {
    void vscode.window.showErrorMessage(NO_EXPERIMENT);
    return;
  }
  const runs = runsOfExperiment(service, uri);
  const latest = runs[runs.length - 1];
  if (!latest) {
    void vscode.window.showInformationMessage(`Sequence Lab: ${baseName(uri)} has not been trained in this window yet. Click "▶ Train" above it first.`);
    return;
  }
  TrainingPanel.show(extensionUri, service, latest);
}
