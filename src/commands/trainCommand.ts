// "Sequence Lab: Train Character Model on Active File": checks the document and the settings, starts a run
// in the worker, opens the Training panel and shows a cancellable progress notification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TrainingPanel } from '../panels/trainingPanel';
import { maxFileBytes, readTrainingConfig } from '../settings';
import { checkTrainingText } from '../training/textChecks';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';

/** The document to train on: the one whose editor-title button was pressed, else the active (or only visible) editor. */
async function targetDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
      ?? vscode.workspace.openTextDocument(uri);
  }
  const editor = vscode.window.activeTextEditor ?? (vscode.window.visibleTextEditors.length === 1 ? vscode.window.visibleTextEditors[0] : undefined);
  return editor?.document;
}

export function documentLabel(document: vscode.TextDocument): string {
  return document.isUntitled ? document.uri.path : path.basename(document.uri.path);
}

export async function trainOnActiveFile(
  extensionUri: vscode.Uri,
  service: TrainingService,
  uri?: unknown,
): Promise<RunRecord | undefined> {
  const document = await targetDocument(uri);
  if (!document) {
    void vscode.window.showErrorMessage('Sequence Lab: open a text file in the editor first, then run "Train Character Model on Active File".');
    return undefined;
  }
  const label = documentLabel(document);

  const active = service.activeRun();
  if (active) {
    const choice = await vscode.window.showWarningMessage(
      `Sequence Lab is already training on ${active.info.fileLabel}. Stop that run and train on ${label}?`,
      'Stop and Train',
      'Cancel',
    );
    if (choice !== 'Stop and Train') return undefined;
    service.stop(active.info.id);
  }

  const { config, problems } = readTrainingConfig(document.uri);
  if (problems.length > 0) {
    const open = 'Open Settings';
    void vscode.window
      .showErrorMessage(`Sequence Lab: the training settings are out of range: ${problems.join('; ')}.`, open)
      .then((c) => c === open && vscode.commands.executeCommand('workbench.action.openSettings', 'sequenceLab'));
    return undefined;
  }

  const text = document.getText();
  const verdict = checkTrainingText(text, label, maxFileBytes(document.uri));
  if (!verdict.ok) {
    void vscode.window.showErrorMessage(`Sequence Lab: ${verdict.message}`);
    return undefined;
  }

  const run = service.start(text, label, config);
  showProgressNotification(service, run);
  try {
    TrainingPanel.show(extensionUri, service, run);
  } catch (error) {
    // Training goes on without the panel (status bar, notification and Runs view still follow it); say why.
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`Sequence Lab: the Training panel could not open: ${message}`);
  }
  return run;
}

function showProgressNotification(service: TrainingService, run: RunRecord): void {
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Sequence Lab: training ${run.info.modelLabel} on ${run.info.fileLabel}`,
      cancellable: true,
    },
    (progress, token) =>
      new Promise<void>((resolve) => {
        const id = run.info.id;
        const maxSteps = run.info.config.maxSteps;
        const subscriptions: vscode.Disposable[] = [];
        const finish = () => {
          for (const s of subscriptions) s.dispose();
          resolve();
        };
        subscriptions.push(
          token.onCancellationRequested(() => service.stop(id)),
          service.onDidProgress(({ run: r, batch }) => {
            if (r.info.id !== id) return;
            const loss = r.history.lastLoss ?? NaN;
            progress.report({
              increment: (100 * batch.losses.length) / maxSteps,
              message: `step ${r.history.steps}/${maxSteps} · loss ${loss.toFixed(3)}`,
            });
          }),
          service.onDidChangeRun((r) => {
            if (r.info.id !== id || isActive(r.info)) return;
            finish();
            if (r.info.status === 'failed') {
              void vscode.window.showErrorMessage(`Sequence Lab: training on ${r.info.fileLabel} failed: ${r.info.message ?? 'unknown error'}`);
            }
          }),
        );
      }),
  );
}
