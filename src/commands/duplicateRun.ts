// "Duplicate with Changes…" on a run in the Runs view: the Model view (src/sidebar/modelView.ts) opens filled with
// the run's settings and bound to the run's data file, so the user changes what they want and presses Train.
import * as vscode from 'vscode';
import { allowDataFile } from '../base/dataFileAccess';
import { modelSettingsFromConfig } from '../shared/modelSettings';
import type { TrainingConfig } from '../shared/trainingConfig';
import type { ModelViewProvider } from '../sidebar/modelView';
import { isStoredRunNode } from '../sidebar/runsTree';
import type { RunPersistence } from '../training/runPersistence';
import type { RunRecord } from '../training/trainingService';
import { singleRunNode } from './runCommands';

export const DUPLICATE_RUN_COMMAND = 'sequenceLab.runs.duplicate';

function isRunRecord(value: unknown): value is RunRecord {
  return typeof value === 'object' && value !== null && 'info' in value && 'history' in value;
}

/** The run a Runs view node stands for: its config, data file and a label ("char RNN · tanh · H=64 on verse.txt"). */
function runOf(node: unknown, persistence: RunPersistence): { config: TrainingConfig; dataUri: string | undefined; storedId: string | undefined; label: string } | undefined {
  if (isStoredRunNode(node)) {
    const run = node.run;
    return { config: run.config, dataUri: run.dataUri, storedId: run.id, label: vscode.l10n.t('{0} on {1}', run.modelLabel, run.dataLabel) };
  }
  if (isRunRecord(node)) {
    const { info } = node;
    const stored = persistence.storedRunOf(info.id);
    return { config: info.config, dataUri: stored?.dataUri, storedId: stored?.id, label: vscode.l10n.t('{0} on {1}', info.modelLabel, info.fileLabel) };
  }
  return undefined;
}

export function registerDuplicateRun(modelView: ModelViewProvider, persistence: RunPersistence): vscode.Disposable {
  return vscode.commands.registerCommand(DUPLICATE_RUN_COMMAND, async (node?: unknown, selected?: unknown) => {
    const one = singleRunNode(node, selected);
    if (!one) return;
    const run = runOf(one.node, persistence);
    if (!run) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: right-click a run in the Runs view and choose "Duplicate with Changes…".'));
      return;
    }
    if (!run.dataUri) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: the data file of {0} is not known, so it cannot be duplicated.', run.label));
      return;
    }
    // run.json may come from a repository: its dataUri is judged as an experiment's data.path is, now (the Model
    // view shows the file's name), and again right before Train reads it.
    const dataUri = vscode.Uri.parse(run.dataUri);
    const ownFolder = run.storedId !== undefined ? vscode.Uri.file(persistence.store.folder(run.storedId)) : vscode.Uri.joinPath(dataUri, '..');
    const allowed = await allowDataFile(dataUri, ownFolder, run.label, 'train');
    if (!allowed) return;
    await modelView.duplicate(modelSettingsFromConfig(run.config), allowed.uri, run.label, allowed);
  });
}
