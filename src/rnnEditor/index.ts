// Issue #4, the editor as part of the visualisation for RNN runs: colouring by the model (modelColouring.ts) and the
// run's gradient pathologies as problems with quick fixes on its data file (gradientProblems.ts).
import type * as vscode from 'vscode';
import type { RunPersistence } from '../training/runPersistence';
import type { TrainingService } from '../training/trainingService';
import { GradientProblems } from './gradientProblems';
import { ModelColouring } from './modelColouring';

export function registerRnnEditor(service: TrainingService, persistence?: RunPersistence): vscode.Disposable[] {
  const colouring = new ModelColouring(service, persistence);
  const problems = new GradientProblems(service, persistence);
  return [colouring, problems, colouring.onDidColour(({ runId, uri }) => problems.watch(runId, uri))];
}
