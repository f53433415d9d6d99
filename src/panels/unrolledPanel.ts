// "Sequence Lab: Show Unrolled Network": the run's network drawn unrolled over 8–16 steps around the selected step
// (the real characters as inputs, the predicted next characters as outputs, the shared W_xh, W_hh, W_hy on every
// copy). It draws the same traceActivations answers as the Gates panel, through the same host class and messages
// (the editor's cursor selects the step; clicking an input reveals the character in the editor).
import type * as vscode from 'vscode';
import type { RunPersistence } from '../training/runPersistence';
import type { TrainingService } from '../training/trainingService';
import { registerActivationPanel, type ActivationPanelKind } from './gatesPanel';

export const UNROLLED_PANEL: ActivationPanelKind = {
  command: 'sequenceLab.showUnrolled',
  viewType: 'sequenceLab.unrolled',
  bundle: 'unrolled',
  title: 'Sequence Lab: Unrolled Network',
  name: 'Show Unrolled Network',
};

export function registerUnrolled(extensionUri: vscode.Uri, service: TrainingService, persistence?: RunPersistence): vscode.Disposable[] {
  return registerActivationPanel(UNROLLED_PANEL, extensionUri, service, persistence);
}
