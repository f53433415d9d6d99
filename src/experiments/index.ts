// Experiment files (*.seqlab.json): diagnostics, CodeLenses and their commands.
import * as vscode from 'vscode';
import type { RunPersistence } from '../training/runPersistence';
import type { TrainingService } from '../training/trainingService';
import { EXPERIMENT_SELECTOR, ExperimentCodeLensProvider } from './codeLens';
import { ExperimentDiagnostics } from './diagnostics';
import {
  COPY_EXPERIMENT_COMMAND_LINE,
  copyExperimentCommandLine,
  OPEN_EXPERIMENT_DATA_COMMAND,
  OPEN_EXPERIMENT_PANELS_COMMAND,
  TRAIN_EXPERIMENT_COMMAND,
  openExperimentData,
  openExperimentPanels,
  trainExperiment,
} from './trainExperiment';

/**
 * `commandLine` false (VS Code for the Web, which has no terminal to run it in): no "Copy Command Line" lens, and its
 * command is left to the caller (the web entry answers it with a message saying why).
 */
export function registerExperimentFeatures(context: vscode.ExtensionContext, service: TrainingService, persistence?: RunPersistence, { commandLine = true } = {}): void {
  const uri = context.extensionUri;
  const lenses = new ExperimentCodeLensProvider(service, { commandLine });
  context.subscriptions.push(
    new ExperimentDiagnostics(),
    lenses,
    vscode.languages.registerCodeLensProvider(EXPERIMENT_SELECTOR, lenses),
    // Returns the run's id (or undefined) so tests and the walkthrough can follow it.
    vscode.commands.registerCommand(TRAIN_EXPERIMENT_COMMAND, (resource?: unknown) => trainExperiment(uri, service, resource, persistence).then((run) => run?.info.id)),
    vscode.commands.registerCommand(OPEN_EXPERIMENT_DATA_COMMAND, (resource?: unknown) => openExperimentData(resource)),
    ...(commandLine ? [vscode.commands.registerCommand(COPY_EXPERIMENT_COMMAND_LINE, (resource?: unknown) => copyExperimentCommandLine(resource))] : []),
    vscode.commands.registerCommand(OPEN_EXPERIMENT_PANELS_COMMAND, (resource?: unknown) => openExperimentPanels(uri, service, resource)),
  );
}
