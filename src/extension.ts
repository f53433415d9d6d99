// Entry point of the extension host side. It wires features together and never trains: the training
// engine runs only in the worker (dist/worker.js), started on the first training request.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { useLocalDataPaths } from './base/dataFileAccess';
import { judgeDataPath, judgedFile, stillJudgedFile } from './base/dataPathGuard';
import { engineWorkers, useEngineWorkers } from './base/engineWorkers';
import { nodeEngineWorkers } from './base/nodeWorkerTransport';
import { registerImportModel } from './commands/importModel';
import { openRunStore } from './commands/desktopRunStore';
import { registerRunCommands } from './commands/runCommands';
import { shownModelPickStep } from './commands/trainCommand';
import { registerTrainingCommands } from './commands/trainingCommands';
import { registerTrainingLifecycle } from './commands/trainingLifecycle';
import { registerExampleFeatures } from './examples';
import { registerTaggers } from './taggers/taggersPanel';
import { registerExperimentFeatures } from './experiments';
import { registerHmmFeatures } from './hmm';
import { registerMarkovOrders } from './markov/markovOrdersPanel';
import { registerGradientFlow } from './panels/gradientFlowPanel';
import { registerGradientLab } from './panels/gradientLabPanel';
import { registerGates } from './panels/gatesPanel';
import { registerPanelExport } from './base/panelExport';
import { registerUnrolled } from './panels/unrolledPanel';
import { registerCompareRuns } from './panels/comparePanel';
import { registerTrainingPanelSerializer } from './panels/trainingPanel';
import type { RunInfo } from './shared/run';
import { RunsTreeProvider } from './sidebar/runsTree';
import { registerModelView } from './sidebar/modelView';
import { registerDuplicateRun } from './commands/duplicateRun';
import { useViewSelection } from './sidebar/runSelection';
import { trackTrainingState } from './statusBar';
import { RunPersistence } from './training/runPersistence';
import { TrainingService } from './training/trainingService';
import { registerWalkthrough } from './walkthrough';
import { registerRnnEditor } from './rnnEditor';

/** What `activate` returns: used by the end-to-end tests that run inside VS Code. */
export interface SequenceLabApi {
  listRuns(): RunInfo[];
  /** The step of "Train Model on Active File…"'s quick pick on screen (1 cell, 2 hidden size, 3 layers), if any. */
  shownModelPickStep(): number | undefined;
}

export function activate(context: vscode.ExtensionContext): SequenceLabApi {
  // Data files named by experiment files and run.json are judged on the local disk (symlinks resolved, inodes).
  useLocalDataPaths({ judgeDataPath, judgedFile, stillJudgedFile });
  // The desktop's engine worker: dist/worker.js in a worker thread (the web entry starts a Web Worker instead).
  useEngineWorkers(nodeEngineWorkers(path.join(context.extensionPath, 'dist', 'worker.js')));
  const service = new TrainingService(engineWorkers());
  // Every run of the workspace is stored on disk (run.json, metrics, latest checkpoint) and listed after a reload.
  const persistence = new RunPersistence(openRunStore(context), service);
  const runsTree = new RunsTreeProvider(service, persistence);
  const runsView = vscode.window.createTreeView('sequenceLab.runs', { treeDataProvider: runsTree, canSelectMany: true });
  useViewSelection(() => runsView.selection);
  const uri = context.extensionUri;

  context.subscriptions.push(
    service,
    persistence,
    runsTree,
    ...registerRunCommands(context, service, persistence, runsTree, { reopenStore: () => openRunStore(context) }),
    registerImportModel(uri, service, persistence),
    // canSelectMany: select runs, right-click → Compare Runs.
    runsView,
    registerTrainingPanelSerializer(uri, service, persistence),
    ...registerCompareRuns(uri, service, persistence),
    ...registerGradientFlow(uri, service, persistence),
    ...registerGates(uri, service, persistence),
    ...registerPanelExport(),
    ...registerUnrolled(uri, service, persistence),
    trackTrainingState(service),
    ...registerTrainingLifecycle(service),
    ...registerTrainingCommands(uri, service),
  );

  const analysisWorker = registerHmmFeatures(context);
  context.subscriptions.push(...registerMarkovOrders(uri, analysisWorker));
  registerGradientLab(context, () => persistence.store, persistence.onDidChange);
  registerExampleFeatures(context);
  registerTaggers(context);
  registerExperimentFeatures(context, service, persistence);
  registerWalkthrough(context, service);
  context.subscriptions.push(...registerRnnEditor(service, persistence));
  const modelView = registerModelView(context, service, persistence);
  context.subscriptions.push(registerDuplicateRun(modelView, persistence));

  return { listRuns: () => service.list().map((r) => r.info), shownModelPickStep };
}

export function deactivate(): void {
  // Disposables registered in activate (the worker among them) are disposed by VS Code.
}
