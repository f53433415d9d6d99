// The "Model" view in the Sequence Lab sidebar (webview/modelView/): a form for an experiment's data kind, model and
// training, with defaults from sequenceLab.training.* (re-sent when the settings change), bound to the active
// editor's file (or, after "Duplicate with Changes…", to a run's data file). Train starts the experiment on that
// file in the worker; "Save as Experiment File…" writes a *.seqlab.json beside it. Every message from the page is
// checked again here (parseModelViewMessage: the experiment file's own checker); the page never names a file.
import * as vscode from 'vscode';
import { documentLabel } from '../base/documentText';
import { stillAllowed, type AllowedDataFile } from '../base/dataFileAccess';
import { trainExperimentOnDocument } from '../experiments/trainExperiment';
import { Disposable, DisposableStore } from '../base/disposable';
import { receiveValidated } from '../base/panelBase';
import { initWebview } from '../base/webviewPanels';
import { readTrainingConfig } from '../base/settings';
import { EXPERIMENT_FILE_SUFFIX, isExperimentFileName, parseExperiment, type Experiment } from '../shared/experimentFile';
import { confirmedExperimentPath, experimentFilePath } from './experimentSavePath';
import { PageDelivery } from './pageDelivery';
import { createDispatcher } from '../shared/messages';
import { modelSettingsExperiment, modelSettingsFromConfig, suggestedDataKind, type ModelSettings } from '../shared/modelSettings';
import { parseModelViewMessage, type HostToModelView, type ModelViewTarget, type ModelViewToHost } from '../shared/protocol/modelView';
import type { RunPersistence } from '../training/runPersistence';
import type { RunRecord, TrainingService } from '../training/trainingService';
import { posixBasename, posixDirname, posixRelative } from '../base/uriPath';

export const MODEL_VIEW_ID = 'sequenceLab.model';
const noFile = (): string => vscode.l10n.t('Open a file in the editor to train on it.');

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function baseName(uri: vscode.Uri): string {
  return posixBasename(uri.path);
}

/** Documents that are not files a user would train on (the Output panel, settings, diffs' originals). */
function isDataDocument(document: vscode.TextDocument): boolean {
  return !['output', 'vscode-settings', 'git', 'debug', 'vscode-userdata'].includes(document.uri.scheme);
}

/**
 * Starts the experiment on `document` (ONE place, so the Model view follows how experiments are trained):
 * trainExperimentOnDocument checks the experiment, asks before stopping a running run and opens the Training panel.
 */
function startTraining(extensionUri: vscode.Uri, service: TrainingService, experiment: Experiment, document: vscode.TextDocument, persistence: RunPersistence): Promise<RunRecord | undefined> {
  return trainExperimentOnDocument(extensionUri, service, experiment, document, persistence);
}

export class ModelViewProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  /** The listeners of the page shown now (replaced when VS Code resolves the view again). */
  private readonly viewListeners = this._register(new DisposableStore());
  /** The last text editor with a data file (kept while it is still visible, e.g. when a panel takes the focus). */
  private editor: vscode.TextEditor | undefined;
  /** After "Duplicate with Changes…": the run's data file, until the user asks for the active file again. */
  /** The data file Duplicate with Changes… bound the view to (with what was judged of it, checked again at Train). */
  private binding: { uri: vscode.Uri; runLabel: string; allowed?: AllowedDataFile } | undefined;
  /** The duplicated run's settings, until a showing page has received them (a hidden view drops messages). */
  private readonly prefill = new PageDelivery<ModelSettings>((settings) => {
    this.post({ type: 'prefill', settings });
    this.postTarget();
  });

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: TrainingService,
    private readonly persistence: RunPersistence,
  ) {
    super();
    this.followEditor(vscode.window.activeTextEditor);
    this._register(vscode.window.onDidChangeActiveTextEditor((editor) => {
      this.followEditor(editor);
      this.postTarget();
    }));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => {
      if (this.editor && !vscode.window.visibleTextEditors.includes(this.editor)) this.editor = vscode.window.activeTextEditor;
      this.postTarget();
    }));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sequenceLab.training')) this.postDefaults();
    }));
    this._register(// The status line follows the run it started: "Training …" only while it trains.
    service.onDidChangeRun((run) => {
      if (run.info.id === this.startedRun?.id) this.postRunStatus(run);
    }));
  }

  /** The run the view's Train started last, and its file's name. */
  private startedRun: { id: string; label: string } | undefined;

  private postRunStatus(run: RunRecord): void {
    const label = this.startedRun?.label ?? run.info.fileLabel;
    const model = run.info.modelLabel;
    switch (run.info.status) {
      case 'starting':
      case 'training':
        this.post({ type: 'status', message: vscode.l10n.t('Training {0} on {1}.', model, label), error: false });
        return;
      case 'paused':
        this.post({ type: 'status', message: vscode.l10n.t('{0} on {1} is paused: {2}', model, label, run.info.message ?? ''), error: false });
        return;
      case 'completed':
      case 'stopped':
        this.post({ type: 'status', message: vscode.l10n.t('{0} on {1}: {2}', model, label, run.info.message ?? run.info.status), error: false });
        return;
      case 'failed':
      case 'interrupted':
        this.post({ type: 'status', message: vscode.l10n.t('{0} on {1} failed: {2}', model, label, run.info.message ?? ''), error: true });
        return;
    }
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.viewListeners.clear();
    this.view = view;
    // Registered without retainContextWhenHidden: hiding discards the page, and a new one says `ready` when shown.
    this.prefill.pageGone();
    initWebview(view.webview, this.extensionUri, 'modelView', vscode.l10n.t('Sequence Lab: Model'));
    const refused = () => this.post({ type: 'status', message: vscode.l10n.t('Sequence Lab ignored settings it could not check; change a field and try again.'), error: true });
    this.viewListeners.add(receiveValidated(view.webview, parseModelViewMessage, (message) => this.handle(message), refused));
    this.viewListeners.add(view.onDidChangeVisibility(() => {
      if (!view.visible) this.prefill.pageGone();
    }));
    this.viewListeners.add(view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    }));
  }

  /** "Duplicate with Changes…": shows the view filled with the run's settings, bound to its data file. */
  async duplicate(settings: ModelSettings, dataUri: vscode.Uri, runLabel: string, allowed?: AllowedDataFile): Promise<void> {
    this.binding = { uri: dataUri, runLabel, ...(allowed ? { allowed } : {}) };
    this.prefill.offer(settings, this.view?.visible === true);
    await vscode.commands.executeCommand(`${MODEL_VIEW_ID}.focus`);
  }

  private followEditor(editor: vscode.TextEditor | undefined): void {
    if (editor && isDataDocument(editor.document)) this.editor = editor;
    else if (this.editor && !vscode.window.visibleTextEditors.includes(this.editor)) this.editor = undefined;
  }

  private readonly handle = createDispatcher<ModelViewToHost>({
    ready: () => {
      this.postDefaults();
      this.postTarget();
      this.prefill.pageReady();
    },
    useActiveFile: () => {
      this.binding = undefined;
      this.postTarget();
    },
    train: (m) => this.train(m.settings),
    saveExperiment: (m) => this.saveExperiment(m.settings),
  });

  private post(message: HostToModelView): void {
    void this.view?.webview.postMessage(message);
  }

  private postDefaults(): void {
    this.post({ type: 'defaults', settings: modelSettingsFromConfig(readTrainingConfig(this.targetUri()).config) });
  }

  private targetUri(): vscode.Uri | undefined {
    return this.binding?.uri ?? this.editor?.document.uri;
  }

  private target(): ModelViewTarget {
    if (this.binding) {
      return { fileLabel: baseName(this.binding.uri), suggestedKind: null, reason: null, duplicating: this.binding.runLabel };
    }
    const document = this.editor?.document;
    if (!document) return { fileLabel: null, suggestedKind: null, reason: noFile(), duplicating: null };
    const label = documentLabel(document);
    if (isExperimentFileName(label)) {
      return { fileLabel: null, suggestedKind: null, reason: vscode.l10n.t('{0} is an experiment file: train it with its ▶ Train CodeLens, or open its data file here.', label), duplicating: null };
    }
    return { fileLabel: label, suggestedKind: suggestedDataKind(label), reason: null, duplicating: null };
  }

  private postTarget(): void {
    this.post({ type: 'target', target: this.target() });
  }

  private async targetDocument(): Promise<vscode.TextDocument | undefined> {
    const uri = this.targetUri();
    const target = this.target();
    if (!uri || target.fileLabel === null) {
      this.post({ type: 'status', message: target.reason ?? noFile(), error: true });
      return undefined;
    }
    if (this.binding?.allowed && !(await stillAllowed(this.binding.allowed, this.binding.runLabel))) {
      this.post({ type: 'status', message: vscode.l10n.t('{0} changed after it was checked; it is not read.', baseName(uri)), error: true });
      return undefined;
    }
    try {
      return this.binding ? await vscode.workspace.openTextDocument(uri) : this.editor!.document;
    } catch (error) {
      this.post({ type: 'status', message: vscode.l10n.t('Cannot open {0}: {1}', baseName(uri), errorText(error)), error: true });
      return undefined;
    }
  }

  private experimentFor(settings: ModelSettings, document: vscode.TextDocument, dataPath: string): Experiment {
    const { config } = readTrainingConfig(document.uri);
    return modelSettingsExperiment(settings, dataPath, { temperature: config.temperature, every: config.sampleEvery, length: config.sampleLength });
  }

  private async train(settings: ModelSettings): Promise<void> {
    const document = await this.targetDocument();
    if (!document) return;
    const label = documentLabel(document);
    let run: RunRecord | undefined;
    try {
      run = await startTraining(this.extensionUri, this.service, this.experimentFor(settings, document, label), document, this.persistence);
    } catch (error) {
      this.post({ type: 'status', message: vscode.l10n.t('Training did not start: {0}', errorText(error)), error: true });
      return;
    }
    if (!run) {
      this.post({ type: 'status', message: vscode.l10n.t('Training did not start (see the notification).'), error: true });
      return;
    }
    this.startedRun = { id: run.info.id, label };
    this.postRunStatus(run);
  }

  private async saveExperiment(settings: ModelSettings): Promise<void> {
    const document = await this.targetDocument();
    if (!document) return;
    if (document.isUntitled) {
      this.post({ type: 'status', message: vscode.l10n.t('Save the data file first: an experiment file names its data file relative to itself.'), error: true });
      return;
    }
    const dataUri = document.uri;
    const stem = baseName(dataUri).replace(/\.[^.]*$/, '') || 'experiment';
    const chosen = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(dataUri, '..', `${stem}-${settings.model.cell}${EXPERIMENT_FILE_SUFFIX}`),
      filters: { [vscode.l10n.t('Sequence Lab experiment')]: ['json'] },
      saveLabel: vscode.l10n.t('Save Experiment'),
      title: vscode.l10n.t('Save as Experiment File'),
    });
    if (!chosen) {
      this.post({ type: 'status', message: vscode.l10n.t('Not saved.'), error: false });
      return;
    }
    // Always *.seqlab.json; a corrected name that exists is replaced only after the user confirms.
    const filePath = await confirmedExperimentPath(chosen.path, {
      exists: (p) => Promise.resolve(vscode.workspace.fs.stat(chosen.with({ path: p }))).then(() => true, () => false),
      confirmReplace: async (fileName, chosenName) => {
        const replace = vscode.l10n.t('Replace');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('{0} already exists. Replace it?', fileName),
          { modal: true, detail: vscode.l10n.t('Experiment files end in {0}, so {1} is saved as {2}.', EXPERIMENT_FILE_SUFFIX, chosenName, fileName) },
          replace,
        );
        return choice === replace;
      },
    });
    if (!filePath) {
      this.post({ type: 'status', message: vscode.l10n.t('Not saved: the existing {0} was kept.', baseName(chosen.with({ path: experimentFilePath(chosen.path) }))), error: false });
      return;
    }
    const uri = chosen.with({ path: filePath });
    if (uri.scheme !== dataUri.scheme || uri.authority !== dataUri.authority) {
      this.post({ type: 'status', message: vscode.l10n.t('Save the experiment file on the same drive as its data file.'), error: true });
      return;
    }
    const dataPath = posixRelative(posixDirname(uri.path), dataUri.path);
    const experiment = this.experimentFor(settings, document, dataPath);
    const text = `${JSON.stringify(experiment, null, 2)}\n`;
    const reread = parseExperiment(text);
    if (!reread.ok) {
      this.post({ type: 'status', message: vscode.l10n.t('Not saved: {0}.', reread.problems[0].message), error: true });
      return;
    }
    try {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    } catch (error) {
      this.post({ type: 'status', message: vscode.l10n.t('Could not save {0}: {1}', baseName(uri), errorText(error)), error: true });
      return;
    }
    this.post({ type: 'status', message: vscode.l10n.t('Saved {0}.', vscode.workspace.asRelativePath(uri, false)), error: false });
    const open = vscode.l10n.t('Open');
    void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: saved the experiment {0}.', baseName(uri)), open).then((choice) => {
      if (choice === open) void vscode.window.showTextDocument(uri);
    });
  }
}

/** Registers the Model view (extension.ts registers "Duplicate with Changes…", src/commands/duplicateRun.ts, on it). */
export function registerModelView(context: vscode.ExtensionContext, service: TrainingService, persistence: RunPersistence): ModelViewProvider {
  const provider = new ModelViewProvider(context.extensionUri, service, persistence);
  context.subscriptions.push(
    provider,
    vscode.window.registerWebviewViewProvider(MODEL_VIEW_ID, provider),
  );
  return provider;
}
