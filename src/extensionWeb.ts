// Entry point of the extension host in VS Code for the Web (vscode.dev, github.dev; issue 17): the manifest's
// `browser` entry, bundled for the browser with no Node built-ins (dist/web/extension.js). Training runs in a Web
// Worker (dist/web/worker.js) behind the same worker client as on the desktop; the panels, HMM and Markov analysis,
// examples and the tagger comparison are the desktop's. Stored runs are the desktop's store on an in-memory file
// system read from and written behind to the extension's storage through workspace.fs (training/webRunStore.ts), with
// the desktop's Runs view and its Resume, Delete, Delete All and Duplicate with Changes… (into the desktop's Model
// view), Compare Runs and the gradient lab, and experiment files (their CodeLenses, ▶ Train, Open Data File, Open
// Panels), and Open PyTorch Model…. What still needs a folder on disk (revealing a run's checkpoint folder) or the
// user's own machine (train.py, the CLI and its command line) answers with a message saying so (webUnavailable.ts).
import * as vscode from 'vscode';
import { engineWorkers, useEngineWorkers } from './base/engineWorkers';
import { registerPanelExport } from './base/panelExport';
import { webEngineWorkers } from './base/webWorkerTransport';
import { registerTrainingCommands } from './commands/trainingCommands';
import { registerDuplicateRun } from './commands/duplicateRun';
import { registerImportModel } from './commands/importModel';
import { registerRunCommands } from './commands/runCommands';
import { registerTrainingLifecycle } from './commands/trainingLifecycle';
import { registerWebUnavailable, webUnavailableMessage } from './commands/webUnavailable';
import { registerExampleFeatures } from './examples';
import { registerExperimentFeatures } from './experiments';
import { registerHmmFeatures } from './hmm';
import { registerMarkovOrders } from './markov/markovOrdersPanel';
import { registerCompareRuns } from './panels/comparePanel';
import { registerGates } from './panels/gatesPanel';
import { registerGradientLab } from './panels/gradientLabPanel';
import { registerGradientFlow } from './panels/gradientFlowPanel';
import { registerTrainingPanelSerializer } from './panels/trainingPanel';
import { registerUnrolled } from './panels/unrolledPanel';
import { registerRnnEditor } from './rnnEditor';
import { useViewSelection } from './sidebar/runSelection';
import { registerModelView } from './sidebar/modelView';
import { RunsTreeProvider } from './sidebar/runsTree';
import { trackTrainingState } from './statusBar';
import { registerTaggers } from './taggers/taggersPanel';
import { RunPersistence } from './training/runPersistence';
import { TrainingService } from './training/trainingService';
import { openWebRunStore, type WebRunStore } from './training/webRunStore';
import { registerWalkthrough } from './walkthrough';

/** The stored runs and their write-behind, flushed when the extension is deactivated (a reload, a closed tab). */
let runs: WebRunStore | undefined;
let runPersistence: RunPersistence | undefined;

export function activate(context: vscode.ExtensionContext): void {
  useEngineWorkers(webEngineWorkers(workerScript(vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'worker.js'))));
  const service = new TrainingService(engineWorkers());
  const uri = context.extensionUri;
  // Every run is stored (run.json, metrics, latest checkpoint) in the extension's storage and listed after a reload.
  runs = openWebRunStore(context);
  const persistence = new RunPersistence(runs.store, service);
  runPersistence = persistence;
  const runsTree = new RunsTreeProvider(service, persistence);
  const runsView = vscode.window.createTreeView('sequenceLab.runs', { treeDataProvider: runsTree, canSelectMany: true });
  useViewSelection(() => runsView.selection);
  const mirror = runs.mirror;
  void runs.loaded.then(() => runsTree.refresh());
  context.subscriptions.push(
    service,
    persistence,
    runsTree,
    runsView,
    // After the service and the persistence: what their disposal writes (final statuses, the newest checkpoint) too.
    { dispose: () => void mirror.flush().finally(() => mirror.dispose()) },
    ...registerRunCommands(context, service, persistence, runsTree, { registeredElsewhere: (command) => webUnavailableMessage(command) !== undefined }),
    registerTrainingPanelSerializer(uri, service, persistence),
    ...registerCompareRuns(uri, service, persistence),
    ...registerGradientFlow(uri, service, persistence),
    ...registerGates(uri, service, persistence),
    ...registerPanelExport(),
    ...registerUnrolled(uri, service, persistence),
    trackTrainingState(service),
    ...registerTrainingLifecycle(service),
    ...registerTrainingCommands(uri, service),
    ...registerRnnEditor(service, persistence),
    // Open PyTorch Model…: a .safetensors file of the workspace, read through workspace.fs, opened as a paused run.
    registerImportModel(uri, service, persistence),
    ...registerWebUnavailable(),
  );
  const analysisWorker = registerHmmFeatures(context);
  context.subscriptions.push(...registerMarkovOrders(uri, analysisWorker));
  registerExampleFeatures(context);
  registerTaggers(context);
  // Experiment files: diagnostics, CodeLenses, ▶ Train, Open Data File, Open Panels, through workspace.fs; not Copy
  // Command Line, which the web answers with a message (a command line needs a terminal on the user's own machine).
  registerExperimentFeatures(context, service, persistence, { commandLine: false });
  registerWalkthrough(context, service);
  // The gradient lab reads stored runs (their checkpoints) and their data files through workspace.fs.
  registerGradientLab(context, () => persistence.store, persistence.onDidChange);
  // The Model view trains the bound file with its form's settings; Duplicate with Changes… fills it from a run.
  const modelView = registerModelView(context, service, persistence);
  context.subscriptions.push(registerDuplicateRun(modelView, persistence));
}

/**
 * How the web worker extension host can start dist/web/worker.js. It starts an extension's nested worker from an
 * http(s) URL (vscode.dev, github.dev: the extension comes from a web server), but refuses a vscode-remote: one (an
 * extension installed on a remote, as in code-server); there the script's bytes are read through workspace.fs (once)
 * and started from a Blob URL.
 */
function workerScript(script: vscode.Uri): string | (() => Promise<string>) {
  if (script.scheme === 'http' || script.scheme === 'https') return script.toString(true);
  let made: Promise<string> | undefined;
  return () => {
    made ??= Promise.resolve(vscode.workspace.fs.readFile(script)).then((bytes) => URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' })));
    made.catch(() => {
      made = undefined; // not readable now: the next start tries again
    });
    return made;
  };
}

export function deactivate(): Promise<void> | undefined {
  // Disposables registered in activate (the workers among them) are disposed by VS Code. The newest checkpoints
  // (RunPersistence holds them back a few seconds) and what the store changed since its last write are written now.
  runPersistence?.dispose();
  return runs?.mirror.flush();
}
