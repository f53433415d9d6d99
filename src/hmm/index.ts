// The HMM/Markov features of the extension host: surprisal decorations, HMM decoding with editor linkage and the
// Trellis panel. The Markov Orders panel (src/markov/) shares this analysis worker and is registered beside it in
// extension.ts. All numeric work happens in the analysis worker (dist/worker.js); nothing here imports the engine.
import * as vscode from 'vscode';
import { AnalysisWorker } from './analysisWorker';
import { DecodeFeature } from './decodeFeature';
import { FitFeature } from './fitFeature';
import { SurprisalFeature } from './surprisalFeature';
import { registerTrellisPanelSerializer } from './trellisPanel';

/** Registers the HMM features; returns their analysis worker, which the Markov Orders panel (src/markov/) shares. */
export function registerHmmFeatures(context: vscode.ExtensionContext): AnalysisWorker {
  const worker = AnalysisWorker.forExtension();
  const decode = new DecodeFeature(context.extensionUri, worker);
  context.subscriptions.push(
    { dispose: () => worker.dispose() },
    new SurprisalFeature(worker),
    decode,
    new FitFeature(context.extensionUri, worker, decode),
    registerTrellisPanelSerializer(context.extensionUri, decode),
  );
  return worker;
}
