// The desktop's run store: node:fs in the folder the storeInWorkspace setting names (runCommands.ts's
// runStoreFolder). The web opens its store in the extension's storage instead (training/webRunStore.ts).
import * as vscode from 'vscode';
import { RunStore } from '../training/runStore';
import { runStoreFolder } from './runCommands';

/** A store whose failures show as one error notification each time saving starts failing. */
export function openRunStore(context: vscode.ExtensionContext): RunStore {
  return new RunStore(runStoreFolder(context), {
    onError: (message) => void vscode.window.showErrorMessage(message),
  });
}
