// The commands that start, stop and show training runs, the same on the desktop (extension.ts) and on the web
// (extensionWeb.ts): training happens in the platform's engine worker behind TrainingService.
import * as vscode from 'vscode';
import { TrainingPanel } from '../panels/trainingPanel';
import { selectedNodes } from '../sidebar/runSelection';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import { askModelChoices, trainOnActiveFile } from './trainCommand';

export function registerTrainingCommands(uri: vscode.Uri, service: TrainingService): vscode.Disposable[] {
  const isRun = (value: unknown): value is RunRecord =>
    typeof value === 'object' && value !== null && 'info' in value && 'history' in value;
  return [
    vscode.commands.registerCommand('sequenceLab.trainCharModel', (resource?: unknown) =>
      trainOnActiveFile(uri, service, resource).then(() => undefined),
    ),
    vscode.commands.registerCommand('sequenceLab.trainModel', (resource?: unknown) =>
      trainOnActiveFile(uri, service, resource, askModelChoices).then(() => undefined),
    ),
    vscode.commands.registerCommand('sequenceLab.stopTraining', () => {
      const active = service.list().filter((r) => isActive(r.info));
      if (active.length === 0) {
        void vscode.window.showInformationMessage('Sequence Lab: no run is training.');
        return;
      }
      for (const run of active) service.stop(run.info.id);
    }),
    vscode.commands.registerCommand('sequenceLab.showTrainingPanel', () => {
      if (service.list().length === 0) {
        void vscode.window.showInformationMessage(
          'Sequence Lab: no runs yet. Open a text file and run "Sequence Lab: Train Character Model on Active File".',
        );
      }
      TrainingPanel.show(uri, service);
    }),
    vscode.commands.registerCommand('sequenceLab.runs.showPanel', (run?: unknown) =>
      TrainingPanel.show(uri, service, isRun(run) ? run : undefined),
    ),
    // With several runs selected, Stop stops every selected run that is training.
    vscode.commands.registerCommand('sequenceLab.runs.stop', (run?: unknown, selected?: unknown) => {
      for (const node of selectedNodes(run, selected)) if (isRun(node)) service.stop(node.info.id);
    }),
  ];
}
