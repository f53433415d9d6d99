// Entry point of the extension host in VS Code for the Web (vscode.dev, github.dev; issue 17): the manifest's
// `browser` entry, bundled for the browser with no Node built-ins (dist/web/extension.js). Training runs in a Web
// Worker (dist/web/worker.js) behind the same worker client as on the desktop; the panels, HMM and Markov analysis,
// examples and the tagger comparison are the desktop's. What needs node:fs today (stored runs, experiment files, the
// gradient lab) or the user's own machine (train.py, the CLI) answers with a message saying so (webUnavailable.ts).
import * as vscode from 'vscode';
import { engineWorkers, useEngineWorkers } from './base/engineWorkers';
import { registerPanelExport } from './base/panelExport';
import { webEngineWorkers } from './base/webWorkerTransport';
import { registerTrainingCommands } from './commands/trainingCommands';
import { registerTrainingLifecycle } from './commands/trainingLifecycle';
import { registerWebUnavailable, webModelView, webRunsView } from './commands/webUnavailable';
import { registerExampleFeatures } from './examples';
import { registerHmmFeatures } from './hmm';
import { registerMarkovOrders } from './markov/markovOrdersPanel';
import { registerGates } from './panels/gatesPanel';
import { registerGradientFlow } from './panels/gradientFlowPanel';
import { registerTrainingPanelSerializer } from './panels/trainingPanel';
import { registerUnrolled } from './panels/unrolledPanel';
import { registerRnnEditor } from './rnnEditor';
import { trackTrainingState } from './statusBar';
import { registerTaggers } from './taggers/taggersPanel';
import { TrainingService } from './training/trainingService';
import { registerWalkthrough } from './walkthrough';

export function activate(context: vscode.ExtensionContext): void {
  useEngineWorkers(webEngineWorkers(workerScript(vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'worker.js'))));
  const service = new TrainingService(engineWorkers());
  const uri = context.extensionUri;
  context.subscriptions.push(
    service,
    registerTrainingPanelSerializer(uri, service),
    ...registerGradientFlow(uri, service),
    ...registerGates(uri, service),
    ...registerPanelExport(),
    ...registerUnrolled(uri, service),
    trackTrainingState(service),
    ...registerTrainingLifecycle(service),
    ...registerTrainingCommands(uri, service),
    ...registerRnnEditor(service),
    ...registerWebUnavailable(),
    webRunsView(),
    webModelView(),
  );
  const analysisWorker = registerHmmFeatures(context);
  context.subscriptions.push(...registerMarkovOrders(uri, analysisWorker));
  registerExampleFeatures(context);
  registerTaggers(context);
  registerWalkthrough(context, service);
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

export function deactivate(): void {
  // Disposables registered in activate (the workers among them) are disposed by VS Code.
}
