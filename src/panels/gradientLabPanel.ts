// "Sequence Lab: Open Vanishing/Exploding Gradient Lab": a tanh RNN and an LSTM on the same characters with W_hh at
// one spectral radius ρ; the page's sliders (ρ, T, hidden size, seed, forget bias) ask for ‖∂L_T/∂h_t‖ (and the
// LSTM's ‖∂L_T/∂c_t‖) and the analysis worker answers. The data is the active text file when the lab was opened (its
// first characters, kept in workspace state so a window reload restores the same lab) or generated letters.
// At most one computation runs at a time: a request arriving meanwhile replaces any waiting one (the page drops
// stale answers by request id, so only the latest settings are ever drawn).
// The trained-weights mode: the page asks for the finished runs it can read (a one-layer tanh RNN and a one-layer
// LSTM character model with a checkpoint, see gradientLabView.ts) and then for the curves of one of each on the same
// file; the host checks both ids against that list, reads their model.safetensors and the start of their file, and
// the analysis worker computes (the host never loads a model itself).
import * as vscode from 'vscode';
import { AnalysisError, AnalysisWorker } from '../hmm/analysisWorker';
import { documentLabel } from '../base/documentText';
import { errorText } from '../hmm/editorRanges';
import { createDispatcher } from '../shared/messages';
import { parseGradientLabPanelMessage, type GradientLabPanelToHost, type GradientLabSettings, type HostToGradientLabPanel } from '../shared/protocol/gradientLabPanel';
import type { RunStore } from '../training/runStore';
import { insideWorkspaceFolders } from '../base/dataFileAccess';
import { maxFileBytes } from '../base/settings';
import { gradientLabView, labData, LAB_TEXT_UNITS, trainedLabView, trainedRunChoices, type LabData } from './gradientLabView';
import { toDisposable } from '../base/disposable';
import { createPanel, OpenPanels, ONE_PER_WINDOW, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';

export const OPEN_GRADIENT_LAB_COMMAND = 'sequenceLab.openGradientLab';
export const GRADIENT_LAB_VIEW_TYPE = 'sequenceLab.gradientLab';
const title = (): string => vscode.l10n.t('Sequence Lab: Vanishing/Exploding Gradient Lab');
/** workspaceState key of the lab's data, so a reloaded panel computes on the same characters. */
const DATA_KEY = 'sequenceLab.gradientLab.data';

type ComputeRequest = Extract<GradientLabPanelToHost, { type: 'compute' | 'computeTrained' }>;
/** The run store of the window (it can move when the storage setting changes), or none (tests). */
export type LabRuns = () => Pick<RunStore, 'list' | 'get' | 'hasCheckpoint' | 'readCheckpoint'> | undefined;
/** Fires when stored runs change (a run finished, a checkpoint was written, a run was deleted). */
export type LabRunsChanged = vscode.Event<void>;
/** The list is sent again at most this often while runs change (a training run writes a checkpoint every few seconds). */
const RUNS_REFRESH_MS = 500;

function storedData(memento: vscode.Memento): LabData | undefined {
  const d = memento.get<unknown>(DATA_KEY) as Partial<LabData> | undefined;
  if (typeof d !== 'object' || d === null || typeof d.text !== 'string' || typeof d.label !== 'string') return undefined;
  return { text: d.text, label: d.label, note: typeof d.note === 'string' ? d.note : undefined };
}

const labPanel = (): PanelKind<GradientLabPanelToHost> => ({ viewType: GRADIENT_LAB_VIEW_TYPE, bundle: 'gradientLab', title: title(), parse: parseGradientLabPanelMessage });

export class GradientLabPanel extends PanelBase<GradientLabPanelToHost, HostToGradientLabPanel> {
  /** One panel per window. */
  private static readonly open = new OpenPanels<GradientLabPanel>();
  private running = false;
  private waiting: ComputeRequest | undefined;
  /** The page has asked for the trained runs: it gets the list again when the stored runs change. */
  private listsTrainedRuns = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  static show(extensionUri: vscode.Uri, worker: AnalysisWorker, data: LabData, runs: LabRuns = () => undefined, runsChanged?: LabRunsChanged): void {
    const { panel: current, created } = GradientLabPanel.open.show(ONE_PER_WINDOW, () => {
      const kind = labPanel();
      return new GradientLabPanel(createPanel(kind, extensionUri), kind, extensionUri, worker, data, runs, runsChanged);
    });
    if (!created) {
      current.data = data;
      current.postDataSource();
    }
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, worker: AnalysisWorker, data: LabData, runs: LabRuns = () => undefined, runsChanged?: LabRunsChanged): void {
    GradientLabPanel.open.revive(ONE_PER_WINDOW, () => new GradientLabPanel(panel, labPanel(), extensionUri, worker, data, runs, runsChanged));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    kind: PanelKind<GradientLabPanelToHost>,
    extensionUri: vscode.Uri,
    private readonly worker: AnalysisWorker,
    private data: LabData,
    private readonly runs: LabRuns,
    runsChanged?: LabRunsChanged,
  ) {
    super(panel, extensionUri, kind);
    // Closed: a computation still running finds nothing waiting behind it, and no list refresh is left to fire.
    this._register(toDisposable(() => {
      this.waiting = undefined;
      if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    }));
    if (runsChanged) {
      this._register(runsChanged(() => {
        if (!this.listsTrainedRuns || this.refreshTimer !== undefined) return;
        this.refreshTimer = setTimeout(() => {
          this.refreshTimer = undefined;
          this.postTrainedRuns();
        }, RUNS_REFRESH_MS);
      }));
    }
  }

  protected readonly handle = createDispatcher<GradientLabPanelToHost>({
    ready: () => this.postDataSource(),
    compute: (m) => {
      this.waiting = m;
      this.drain().catch(() => undefined);
    },
    listTrainedRuns: () => {
      this.listsTrainedRuns = true;
      this.postTrainedRuns();
    },
    computeTrained: (m) => {
      this.waiting = m;
      this.drain().catch(() => undefined);
    },
  });

  private trainedChoices() {
    const store = this.runs();
    return store ? trainedRunChoices(store.list(), (id) => store.hasCheckpoint(id)) : [];
  }

  private postTrainedRuns(): void {
    const runs = this.trainedChoices();
    const hasRnn = runs.some((r) => r.cell === 'rnn');
    const hasLstm = runs.some((r) => r.cell === 'lstm');
    const cells = !hasRnn && !hasLstm ? vscode.l10n.t('a tanh RNN run and an LSTM run') : !hasRnn ? vscode.l10n.t('a tanh RNN run') : vscode.l10n.t('an LSTM run');
    const missing = hasRnn && hasLstm
      ? null
      : vscode.l10n.t(
        'No finished {0} with a checkpoint yet (one layer, characters). Train {0} first: run "Sequence Lab: New Example…", choose "Embedded Reber grammar", then "Sequence Lab: Train Experiment" on reber-rnn.seqlab.json and on reber-lstm.seqlab.json, and let both finish (or stop them).',
        cells,
      );
    this.post({ type: 'trainedRuns', runs, missing });
  }

  private postDataSource(): void {
    this.post({ type: 'dataSource', label: this.data.label, ...(this.data.note ? { note: this.data.note } : {}) });
  }

  /** Runs the waiting request, then whatever replaced it meanwhile, one at a time. */
  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waiting && !this.isDisposed) {
        const m = this.waiting;
        this.waiting = undefined;
        if (m.type === 'compute') await this.compute(m.requestId, m);
        else await this.computeTrained(m);
      }
    } finally {
      this.running = false;
    }
  }

  private async compute(requestId: number, settings: GradientLabSettings): Promise<void> {
    const data = this.data;
    try {
      const answer = await this.worker.gradientLab({
        text: data.text,
        spectralRadius: settings.spectralRadius,
        steps: settings.steps,
        hiddenSize: settings.hiddenSize,
        seed: settings.seed,
        forgetBias: settings.forgetBias,
      });
      this.post({ type: 'labResult', requestId, view: gradientLabView(answer, data.label) });
    } catch (error) {
      this.post({ type: 'labFailed', requestId, message: vscode.l10n.t('Cannot compute the gradients: {0}', errorText(error)) });
      if (!(error instanceof AnalysisError)) console.error(error);
    }
  }

  /** The trained-weights mode: both ids must be runs the page could have been offered, on the same file. */
  private async computeTrained(m: Extract<ComputeRequest, { type: 'computeTrained' }>): Promise<void> {
    const fail = (message: string) => this.post({ type: 'labFailed', requestId: m.requestId, message });
    const choices = this.trainedChoices();
    const rnn = choices.find((r) => r.id === m.rnnRunId && r.cell === 'rnn');
    const lstm = choices.find((r) => r.id === m.lstmRunId && r.cell === 'lstm');
    const store = this.runs();
    const rnnRun = rnn && store?.get(rnn.id);
    const lstmRun = lstm && store?.get(lstm.id);
    if (!store || !rnn || !lstm || !rnnRun || !lstmRun) {
      fail(vscode.l10n.t('That run is no longer a finished run with a checkpoint (deleted, or training again). Pick another.'));
      this.postTrainedRuns();
      return;
    }
    if (rnn.fileKey !== lstm.fileKey) {
      fail(vscode.l10n.t('The two runs trained on different texts ({0}, {1}): pick a tanh RNN run and an LSTM run of the same file.', rnn.fileLabel, lstm.fileLabel));
      return;
    }
    try {
      const rnnModel = store.readCheckpoint(rnn.id)?.model;
      const lstmModel = store.readCheckpoint(lstm.id)?.model;
      if (!rnnModel || !lstmModel) throw new AnalysisError(vscode.l10n.t('A checkpoint could not be read from the run store.'));
      const text = await runText(rnnRun.dataUri, rnnRun.dataLabel);
      const answer = await this.worker.gradientLabTrained({ rnnModel, lstmModel, text, steps: m.steps });
      const truncation = (r: typeof rnnRun) => r.config.truncate ?? r.config.seqLength;
      const view = trainedLabView(
        answer,
        { rnn: { label: rnn.label, truncation: truncation(rnnRun) }, lstm: { label: lstm.label, truncation: truncation(lstmRun) } },
        `the first characters of ${rnnRun.dataLabel}`,
      );
      this.post({ type: 'trainedResult', requestId: m.requestId, view });
    } catch (error) {
      fail(vscode.l10n.t('Cannot compute the gradients: {0}', errorText(error)));
      if (!(error instanceof AnalysisError)) console.error(error);
    }
  }
}

/** The start of a run's data file: from its open editor, else read from disk (inside the workspace, a regular file, its size checked first). */
async function runText(dataUri: string, label: string): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === dataUri);
  if (open) return open.getText().slice(0, LAB_TEXT_UNITS);
  const uri = vscode.Uri.parse(dataUri);
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch {
    throw new AnalysisError(vscode.l10n.t('{0}, the file these runs trained on, cannot be found any more.', label));
  }
  if (stat.type !== vscode.FileType.File || !(await insideWorkspaceFolders(uri))) {
    throw new AnalysisError(vscode.l10n.t('{0}, the file these runs trained on, is not a file inside this workspace: open it in an editor to use these runs.', label));
  }
  const size = stat.size;
  if (size > maxFileBytes(uri)) throw new AnalysisError(vscode.l10n.t('{0} is larger than the file size limit (sequenceLab.limits.maxFileSizeMB).', label));
  const bytes = await vscode.workspace.fs.readFile(uri);
  return new TextDecoder().decode(bytes.subarray(0, 4 * LAB_TEXT_UNITS)).slice(0, LAB_TEXT_UNITS);
}

/** The data of the active text editor (or generated letters), remembered for a window reload. */
function activeData(memento: vscode.Memento): LabData {
  const document = vscode.window.activeTextEditor?.document;
  const data = document ? labData(document.getText(), documentLabel(document)) : labData(undefined, undefined);
  void memento.update(DATA_KEY, data);
  return data;
}

/** The command, the panel serializer and the lab's own analysis worker (started on the first computation). */
export function registerGradientLab(context: vscode.ExtensionContext, runs: LabRuns = () => undefined, runsChanged?: LabRunsChanged): void {
  const worker = AnalysisWorker.forExtension();
  const uri = context.extensionUri;
  const memento = context.workspaceState;
  context.subscriptions.push(
    { dispose: () => worker.dispose() },
    vscode.commands.registerCommand(OPEN_GRADIENT_LAB_COMMAND, () => GradientLabPanel.show(uri, worker, activeData(memento), runs, runsChanged)),
    registerPanelSerializer(GRADIENT_LAB_VIEW_TYPE, (panel) => GradientLabPanel.revive(panel, uri, worker, storedData(memento) ?? labData(undefined, undefined), runs, runsChanged)),
  );
}
