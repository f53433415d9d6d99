// The HMM/Markov features of the extension host: surprisal decorations, HMM decoding with editor linkage and the
// Trellis panel. All numeric work happens in the analysis worker (dist/worker.js); nothing here imports the engine.
import * as vscode from 'vscode';
import { registerMarkovOrders } from '../markov/markovOrdersPanel';
import { AnalysisWorker } from './analysisWorker';
import { DecodeFeature } from './decodeFeature';
import { FitFeature } from './fitFeature';
import { SurprisalFeature } from './surprisalFeature';
import { registerTrellisPanelSerializer } from './trellisPanel';

export function registerHmmFeatures(context: vscode.ExtensionContext): void {
  const worker = AnalysisWorker.forExtension(context.extensionPath);
  const decode = new DecodeFeature(context.extensionUri, worker);
  context.subscriptions.push(
    { dispose: () => worker.dispose() },
    new SurprisalFeature(worker),
    decode,
    new FitFeature(context.extensionUri, worker, decode),
    registerTrellisPanelSerializer(context.extensionUri, decode),
    ...registerMarkovOrders(context.extensionUri, worker),
  );
}
