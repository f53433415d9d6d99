// Runs that outlive the window: where they are stored (workspace storage, or `.sequence-lab/runs` in the workspace
// when sequenceLab.runs.storeInWorkspace is on), and the Runs view's Resume, Reveal Checkpoint Folder and
// "Delete All Runs…" commands (Delete is in deleteRuns.ts, Export as PyTorch Project… in exportRunCommand.ts).
import * as vscode from 'vscode';
import { TrainingPanel } from '../panels/trainingPanel';
import { characterVocabulary } from '../shared/safetensorsHeader';
import { distinctRuns, selectedNodes } from '../sidebar/runSelection';
import { isStoredRunNode, type RunsTreeProvider } from '../sidebar/runsTree';
import { RunPersistence, sha256 } from '../training/runPersistence';
import type { RunStoreBase, StoredRun } from '../training/runStoreBase';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import { checkedDocumentText } from '../base/documentText';
import { deleteRuns, deleteStoredRuns, reportDeleteFailures } from './deleteRuns';
import { exportRunAsPytorchProject } from './exportRunCommand';
import { requireTrust } from '../base/trust';
import { allowDataFile, stillAllowed } from '../base/dataFileAccess';

const STORE_SETTING = 'runs.storeInWorkspace';

/** The folder runs are stored in, from the setting; workspace storage when there is no (local) workspace folder. */
export function runStoreFolder(context: vscode.ExtensionContext): string {
  const inWorkspace = vscode.workspace.getConfiguration('sequenceLab').get<boolean>(STORE_SETTING, false);
  const folder = vscode.workspace.workspaceFolders?.[0];
  // Restricted Mode: never write runs into the workspace; they go to the extension's own storage instead.
  if (inWorkspace && folder?.uri.scheme === 'file' && requireTrust('Storing runs in the workspace (sequenceLab.runs.storeInWorkspace)')) {
    return vscode.Uri.joinPath(folder.uri, '.sequence-lab', 'runs').fsPath;
  }
  const base = context.storageUri ?? context.globalStorageUri;
  return vscode.Uri.joinPath(base, 'runs').fsPath;
}

/** The stored run a Runs view node stands for (a stored run, or a run of this window that is stored). */
function storedRunOf(node: unknown, persistence: RunPersistence): StoredRun | undefined {
  if (isStoredRunNode(node)) return persistence.store.get(node.run.id) ?? node.run;
  if (isRunRecord(node)) return persistence.storedRunOf(node.info.id);
  return undefined;
}

function isRunRecord(value: unknown): value is RunRecord {
  return typeof value === 'object' && value !== null && 'info' in value && 'history' in value;
}

/**
 * The node a one-run command (Resume, Reveal, Export, Duplicate) acts on: the clicked node, or undefined after
 * saying so when it was chosen for several selected runs (rather than silently acting on one of them).
 */
export function singleRunNode(node: unknown, selected: unknown): { node: unknown } | undefined {
  const nodes = selectedNodes(node, selected);
  if (nodes.length <= 1) return { node: node ?? nodes[0] };
  void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: this command works on one run at a time; {0} runs are selected.', nodes.length));
  return undefined;
}

export function registerRunCommands(
  context: vscode.ExtensionContext,
  service: TrainingService,
  persistence: RunPersistence,
  tree: RunsTreeProvider,
  options: {
    /** The store the setting now names (desktop: desktopRunStore.ts); absent on the web, whose runs stay in its storage. */
    reopenStore?: () => RunStoreBase;
    /** Commands registered elsewhere instead (the web's answers for what it cannot do: webUnavailable.ts). */
    registeredElsewhere?: (command: string) => boolean;
  } = {},
): vscode.Disposable[] {
  const { reopenStore, registeredElsewhere = () => false } = options;
  const extensionUri = context.extensionUri;

  const resume = async (node: unknown): Promise<RunRecord | undefined> => {
    const stored = storedRunOf(node, persistence);
    if (!stored) return undefined;
    const checkpoint = persistence.store.readCheckpoint(stored.id);
    if (!checkpoint) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: the run on {0} has no saved checkpoint to resume from.', stored.dataLabel));
      return undefined;
    }
    if (!persistence.canStartFromCheckpoint) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: resuming a run needs the training worker\'s checkpoint support, which this build does not have yet.'));
      return undefined;
    }
    const previous = persistence.liveRuns().get(stored.id);
    if (previous && isActive(previous.info)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: the run on {0} is still running in this window.', stored.dataLabel));
      return undefined;
    }
    // run.json may come from a repository: its dataUri is judged as an experiment's data.path is.
    const label = vscode.l10n.t('the run on {0}', stored.dataLabel);
    const allowed = await allowDataFile(vscode.Uri.parse(stored.dataUri), vscode.Uri.file(persistence.store.folder(stored.id)), label, 'train');
    if (!allowed || !(await stillAllowed(allowed, label))) return undefined;
    const uri = allowed.uri;
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(uri);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot read {0}, the file this run trained on ({1}).', stored.dataLabel, reason));
      return undefined;
    }
    const text = checkedDocumentText(document, stored.dataLabel);
    if (text === undefined) return undefined;
    if (sha256(text) !== stored.dataSha256) {
      const go = vscode.l10n.t('Continue on Changed File');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} has changed since this run trained on it. Continue training on the changed file?', stored.dataLabel),
        { modal: true, detail: vscode.l10n.t('The model keeps what it learned; from now on it learns from the file as it is now.') },
        go,
      );
      if (choice !== go) return undefined;
    }
    const characters = characterVocabulary(text).length;
    if (stored.vocabSize !== undefined && characters !== stored.vocabSize) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Sequence Lab: {0} now has {1} distinct characters, but the model was trained on {2}; it cannot continue on this file.', stored.dataLabel, characters, stored.vocabSize),
      );
      return undefined;
    }
    const active = service.activeRun();
    if (active) {
      const stop = vscode.l10n.t('Stop and Resume');
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab is already training on {0}. Stop that run and resume this one?', active.info.fileLabel), stop, vscode.l10n.t('Cancel'));
      if (choice !== stop) return undefined;
      service.stop(active.info.id);
    }
    // A run that reached its step budget gets the same budget again, rather than ending as soon as it resumes.
    const from = stored.checkpointStep ?? stored.step;
    const budget = stored.config.steps;
    const config = from >= budget ? { ...stored.config, steps: Math.min(10_000_000, from + budget) } : stored.config;
    const run = persistence.startFromCheckpoint(
      { uri, label: stored.dataLabel, text, continues: stored.id },
      // The split the stored run trained beside: a checkpoint saved before trainer states recorded it is judged by it.
      { config, model: checkpoint.model, ...(checkpoint.state ? { state: checkpoint.state } : {}), ...(stored.heldOut ? { heldOut: stored.heldOut } : {}) },
    );
    if (!run) return undefined;
    // One row per stored run: the stopped run of this window it continues gives way to the new one.
    if (previous) tree.hide(previous.info.id);
    TrainingPanel.show(extensionUri, service, run);
    return run;
  };

  const reveal = async (node: unknown): Promise<void> => {
    const stored = storedRunOf(node, persistence);
    if (!stored) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: this run is not stored on disk.'));
      return;
    }
    const folder = vscode.Uri.file(persistence.store.folder(stored.id));
    // revealFileInOS needs a desktop on the same machine; in a browser or remote window say where it is instead.
    if (vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined) {
      await vscode.commands.executeCommand('revealFileInOS', folder);
      return;
    }
    const copy = vscode.l10n.t('Copy Path');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: the run\'s checkpoint folder is {0}', folder.fsPath), copy);
    if (choice === copy) await vscode.env.clipboard.writeText(folder.fsPath);
  };

  const deleteAll = async (): Promise<void> => {
    const live = persistence.liveRuns();
    const removable = persistence.store.list().filter((r) => !(live.has(r.id) && isActive(live.get(r.id)!.info)));
    if (removable.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: there are no stored runs to delete.'));
      return;
    }
    const del = vscode.l10n.t('Delete All');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete all {0} stored run{1} of this workspace?', removable.length, removable.length === 1 ? '' : 's'),
      { modal: true, detail: vscode.l10n.t('Their checkpoints and metrics are removed from {0}. Runs still training are kept.', persistence.store.root) },
      del,
    );
    if (choice !== del) return;
    reportDeleteFailures(deleteStoredRuns(removable, persistence, tree), removable.length);
  };

  const moved = (): void => {
    if (!reopenStore) return;
    persistence.setStore(reopenStore());
    tree.refresh();
  };

  // Runs view commands get (clicked node, selected nodes) with canSelectMany: Delete acts on every selected run
  // (and on the selection alone when the context menu, opened from the keyboard, passes no node), the one-run
  // commands say when several are selected.
  const commands: [string, (node?: unknown, selected?: unknown) => unknown][] = [
    ['sequenceLab.runs.resume', async (node, selected) => {
      const one = singleRunNode(node, selected);
      if (one) await resume(one.node);
    }],
    ['sequenceLab.runs.delete', (node, selected) =>
      deleteRuns(distinctRuns(selectedNodes(node, selected), (n) => storedRunOf(n, persistence)), persistence, tree),
    ],
    ['sequenceLab.runs.revealCheckpointFolder', async (node, selected) => {
      const one = singleRunNode(node, selected);
      if (one) await reveal(one.node);
    }],
    ['sequenceLab.runs.exportPytorch', async (node, selected) => {
      const one = singleRunNode(node, selected);
      if (one && one.node === undefined) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: right-click a run in the Runs view, then Export as PyTorch Project….'));
      } else if (one) await exportRunAsPytorchProject(storedRunOf(one.node, persistence), persistence.store);
    }],
    ['sequenceLab.runs.deleteAll', () => deleteAll()],
  ];

  return [
    ...commands.filter(([id]) => !registeredElsewhere(id)).map(([id, run]) => vscode.commands.registerCommand(id, run)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`sequenceLab.${STORE_SETTING}`)) moved();
    }),
    // Trusting the workspace lets storeInWorkspace take effect without a reload.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (vscode.workspace.getConfiguration('sequenceLab').get<boolean>(STORE_SETTING, false)) moved();
    }),
  ];
}
