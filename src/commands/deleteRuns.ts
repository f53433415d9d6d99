// The Runs view's Delete on one run or on every selected run, and the failures of "Delete All Runs…"
// (src/commands/runCommands.ts registers both). One modal confirmation names how many runs and which; runs still
// training are kept (their worker would write their folder again) and the confirmation says so; each run's folder
// goes as RunPersistence.delete removes it, and a run that cannot be deleted is named without stopping the others.
import * as vscode from 'vscode';
import { namedList, removeEach, splitTraining } from '../sidebar/runSelection';
import type { StoredRun } from '../training/runStore';
import { isActive, type RunRecord } from '../training/trainingService';

/** What deleting needs of RunPersistence. */
export interface RunDeletion {
  readonly store: { readonly root: string; folder(id: string): string };
  /** Removes the run's folder; throws when it cannot. */
  delete(storedId: string): void;
  /** Stored id → the run of this window that writes it. */
  liveRuns(): ReadonlyMap<string, RunRecord>;
}

/** What deleting needs of the Runs view. */
export interface RunRows {
  hide(liveId: string): void;
  refresh(): void;
}

/** "char RNN · H=16 on verse.txt". */
function runName(run: StoredRun): string {
  return vscode.l10n.t('{0} on {1}', run.modelLabel, run.dataLabel);
}

/** Deletes each run's folder (a failure does not stop the others); the runs that could not be deleted, with why. */
export function deleteStoredRuns(runs: StoredRun[], persistence: RunDeletion, tree: RunRows): { run: StoredRun; reason: string }[] {
  const live = persistence.liveRuns();
  const { failed } = removeEach(runs, (run) => {
    persistence.delete(run.id);
    const row = live.get(run.id);
    if (row) tree.hide(row.info.id);
  });
  tree.refresh();
  return failed;
}

/** One error notification naming every run that could not be deleted. */
export function reportDeleteFailures(failed: { run: StoredRun; reason: string }[], attempted: number): void {
  if (failed.length === 0) return;
  if (failed.length === 1) {
    const [{ run, reason }] = failed;
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: could not delete the run of {0} on {1} ({2}).', run.modelLabel, run.dataLabel, reason));
    return;
  }
  const list = failed.map((f) => vscode.l10n.t('{0} ({1})', runName(f.run), f.reason)).join('; ');
  void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0} of {1} runs could not be deleted: {2}.', failed.length, attempted, list));
}

/** Delete on `runs` (one, or the selection): confirm once, keep the ones still training, delete the rest. */
export async function deleteRuns(runs: StoredRun[], persistence: RunDeletion, tree: RunRows): Promise<void> {
  if (runs.length === 0) {
    // VS Code passed no row it still knew (e.g. the view redrew as the menu opened): say so rather than do nothing.
    void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: no run to delete. Select runs in the Runs view, then choose Delete.'));
    return;
  }
  const live = persistence.liveRuns();
  const { removable, training } = splitTraining(runs, (r) => live.has(r.id) && isActive(live.get(r.id)!.info));
  if (removable.length === 0) {
    void vscode.window.showInformationMessage(
      runs.length === 1 ? vscode.l10n.t('Sequence Lab: stop the run before deleting it.') : vscode.l10n.t('Sequence Lab: stop the runs before deleting them.'),
    );
    return;
  }
  // By file, not by its name: data.txt in two folders is two files.
  const files = new Set(removable.map((r) => r.dataUri));
  const [first] = removable;
  let message: string;
  let detail: string;
  if (removable.length === 1) {
    message = vscode.l10n.t('Delete the run of {0} on {1}?', first.modelLabel, first.dataLabel);
    detail = vscode.l10n.t('Its checkpoint and metrics are removed from {0}.', persistence.store.folder(first.id));
  } else {
    message = files.size === 1
      ? vscode.l10n.t('Delete {0} runs of {1} and their checkpoints?', removable.length, first.dataLabel)
      : vscode.l10n.t('Delete {0} runs and their checkpoints?', removable.length);
    const names = namedList(removable.map((r) => (files.size === 1 ? r.modelLabel : runName(r))));
    detail = `${names}\n\n${vscode.l10n.t('Their checkpoints and metrics are removed from {0}.', persistence.store.root)}`;
  }
  if (training.length > 0) {
    // Deleting a run its worker still trains would not stick: its next checkpoint writes the folder again.
    detail += `\n\n${vscode.l10n.t('Kept, still training or paused (stop a run before deleting it): {0}.', namedList(training.map(runName)))}`;
  }
  const del = vscode.l10n.t('Delete');
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, del);
  if (choice !== del) return;
  // A run resumed while the dialog was open is training now: it is kept too.
  const now = persistence.liveRuns();
  const still = removable.filter((r) => !(now.has(r.id) && isActive(now.get(r.id)!.info)));
  reportDeleteFailures(deleteStoredRuns(still, persistence, tree), still.length);
}
