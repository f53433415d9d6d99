// "Compare Runs": the loss curves of two or more stored runs overlaid (e.g. RNN, GRU and LSTM with the same seed on
// the same file) and a table of their final metrics, with one sentence saying which is lower by how much. Opened from
// the Runs view (select runs, right-click → Compare Runs) or the palette (a multi-select pick of the stored runs, the
// active file's picked). The host re-reads the runs' records from the run store at most 4 times a second while a
// compared run trains; a run of this window is drawn from its steps in memory, a stored run's metrics.jsonl is read
// once (src/panels/compareCurves.ts). A compared run deleted meanwhile drops out, and the page says how many did. The
// page saves only the run ids, so a window reload shows the comparison again.
import * as vscode from 'vscode';
import { createDispatcher } from '../shared/messages';
import { MAX_COMPARED_RUNS, parseComparedRunIds, parseComparePanelMessage, type ComparePanelToHost, type HostToComparePanel } from '../shared/protocol/comparePanel';
import { isStoredRunNode } from '../sidebar/runsTree';
import { selectedNodes } from '../sidebar/runSelection';
import type { RunPersistence } from '../training/runPersistence';
import type { RunStore, StoredRun } from '../training/runStore';
import type { RunRecord, TrainingService } from '../training/trainingService';
import { RunCurves } from './compareCurves';
import { comparedRuns, comparisonSummary, legendLabels, type RunCurveInput } from './compareSummary';
import { TrainingPanel } from './trainingPanel';
import { toDisposable } from '../base/disposable';
import { createPanel, OpenPanels, ONE_PER_WINDOW, PanelBase, registerPanelSerializer, type PanelKind } from '../base/panelBase';

export const COMPARE_PANEL_VIEW_TYPE = 'sequenceLab.compareRuns';
export const COMPARE_RUNS_COMMAND = 'sequenceLab.compareRuns';
export const COMPARE_SELECTED_RUNS_COMMAND = 'sequenceLab.runs.compare';
const title = (): string => vscode.l10n.t('Sequence Lab: Compare Runs');
/** The comparison is sent again at most this often while a compared run trains (4 updates a second). */
const REFRESH_MS = 250;

const comparePanel = (): PanelKind<ComparePanelToHost> => ({ viewType: COMPARE_PANEL_VIEW_TYPE, bundle: 'compare', title: title(), parse: parseComparePanelMessage });

export class CompareRunsPanel extends PanelBase<ComparePanelToHost, HostToComparePanel> {
  /** One panel per window. */
  private static readonly open = new OpenPanels<CompareRunsPanel>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly curves: RunCurves;
  /** The compared runs this panel has shown as stored: when they are all gone, they were deleted while it was open. */
  private readonly shown = new Set<string>();

  static show(extensionUri: vscode.Uri, service: TrainingService, persistence: RunPersistence, runIds: string[]): void {
    const { panel: current, created } = CompareRunsPanel.open.show(ONE_PER_WINDOW, () => {
      const kind = comparePanel();
      return new CompareRunsPanel(createPanel(kind, extensionUri), kind, extensionUri, service, persistence, runIds);
    });
    if (!created) {
      current.runIds = runIds;
      current.shown.clear();
    }
    current.send();
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, service: TrainingService, persistence: RunPersistence, state: unknown): void {
    CompareRunsPanel.open.revive(ONE_PER_WINDOW, () => new CompareRunsPanel(panel, comparePanel(), extensionUri, service, persistence, parseComparedRunIds(state) ?? []));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    kind: PanelKind<ComparePanelToHost>,
    private readonly extensionUri: vscode.Uri,
    private readonly service: TrainingService,
    private readonly persistence: RunPersistence,
    private runIds: string[],
  ) {
    super(panel, extensionUri, kind);
    this.curves = new RunCurves((id) => persistence.store.readMetrics(id));
    this._register(toDisposable(() => {
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
    }));
    this._register(service.onDidProgress(({ run, batch }) => {
      const stored = this.comparedStoredRunOf(run);
      if (!stored) return;
      this.curves.progress(stored, run.info.id, batch);
      this.refreshSoon();
    }));
    this._register(service.onDidChangeRun((run) => this.refreshIfCompared(run)));
    this._register(persistence.onDidChange(() => this.refreshSoon()));
  }

  protected readonly handle = createDispatcher<ComparePanelToHost>({
    ready: () => this.send(),
    openRun: (m) => {
      // A run deleted since the page drew it is not opened (the next comparison drops its row).
      if (this.runIds.includes(m.runId) && storedRun(this.persistence, m.runId)) TrainingPanel.showStored(this.extensionUri, this.service, m.runId);
    },
  });

  private refreshIfCompared(run: RunRecord): void {
    if (this.comparedStoredRunOf(run)) this.refreshSoon();
  }

  /** The stored run a run of this window writes, when it is compared. */
  private comparedStoredRunOf(run: RunRecord): StoredRun | undefined {
    const stored = this.persistence.storedRunOf(run.info.id);
    return stored && this.runIds.includes(stored.id) ? stored : undefined;
  }

  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.send();
    }, REFRESH_MS);
  }

  /**
   * Posts every compared run still stored (its record, the live run's status and speed, its curve: from memory for a
   * run of this window, metrics.jsonl read once for another); the ones deleted meanwhile are counted as missing.
   */
  /** heldout.jsonl of each compared run, read again only when its record or its live score count changed. */
  private readonly heldOutRead = new Map<string, { key: string; points: ReturnType<RunStore['readHeldOut']> }>();

  private heldOutOf(stored: StoredRun, liveScores: number): ReturnType<RunStore['readHeldOut']> {
    const key = `${stored.updatedAt}|${liveScores}`;
    const cached = this.heldOutRead.get(stored.id);
    if (cached?.key === key) return cached.points;
    const points = this.persistence.store.readHeldOut(stored.id);
    this.heldOutRead.set(stored.id, { key, points });
    return points;
  }

  private send(): void {
    const live = this.persistence.liveRuns();
    const inputs: RunCurveInput[] = [];
    for (const id of this.runIds) {
      const stored = storedRun(this.persistence, id);
      if (!stored) continue;
      const run = live.get(id);
      const points = run ? this.curves.livePoints(stored, { liveId: run.info.id, history: run.history }) : this.curves.storedPoints(stored);
      inputs.push({ ...curveInput(stored, points, run), heldOut: this.heldOutOf(stored, run?.heldOut?.length ?? 0) });
    }
    this.curves.keepOnly(inputs.map((input) => input.id));
    for (const id of this.heldOutRead.keys()) if (!inputs.some((input) => input.id === id)) this.heldOutRead.delete(id);
    if (inputs.length === 0 && this.shown.size > 0) {
      // Every run it showed was deleted: the page drops them all and says how many are gone.
      this.post({ type: 'showComparison', runs: [], summary: comparisonSummary([]), missing: this.runIds.length });
      return;
    }
    if (inputs.length === 0) {
      this.post({
        type: 'detached',
        message: vscode.l10n.t('The compared runs are no longer stored (deleted, or stored in another folder). Select runs in the Runs view and choose Compare Runs.'),
      });
      return;
    }
    for (const input of inputs) this.shown.add(input.id);
    const labels = legendLabels(inputs);
    this.post({
      type: 'showComparison',
      runs: comparedRuns(inputs),
      summary: comparisonSummary(inputs, labels),
      missing: this.runIds.length - inputs.length,
    });
  }
}

function storedRun(persistence: RunPersistence, id: string): StoredRun | undefined {
  try {
    return persistence.store.get(id);
  } catch {
    return undefined;
  }
}

/** A stored run as the summary needs it; the live run of this window, if any, gives its current status and speed. */
function curveInput(stored: StoredRun, points: RunCurveInput['points'], live: RunRecord | undefined): RunCurveInput {
  const heldOutInfo = live?.info.heldOut ?? stored.heldOut;
  return {
    id: stored.id,
    modelLabel: stored.modelLabel,
    fileLabel: stored.dataLabel,
    config: live?.info.config ?? stored.config,
    status: live?.info.status ?? stored.status,
    step: live ? Math.max(live.history.steps, stored.step) : stored.step,
    points,
    ...(live && trains(live) ? { charsPerSecond: live.history.charsPerSecond } : {}),
    ...(heldOutInfo && heldOutInfo.heldOutCount === 0 ? { noHeldOut: heldOutInfo.description } : {}),
  };
}

/** A run of this window that is still writing its metrics. */
function trains(run: RunRecord): boolean {
  return run.info.status === 'training' || run.info.status === 'starting';
}

/** The stored run ids of Runs view nodes (stored runs, and runs of this window that are stored). */
function storedIdsOf(nodes: unknown[], persistence: RunPersistence): string[] {
  const ids: string[] = [];
  for (const node of nodes) {
    if (isStoredRunNode(node)) ids.push(node.run.id);
    else if (typeof node === 'object' && node !== null && 'info' in node && 'history' in node) {
      const stored = persistence.storedRunOf((node as RunRecord).info.id);
      if (stored) ids.push(stored.id);
    }
  }
  return [...new Set(ids)];
}

function describeRun(run: StoredRun): string {
  const loss = run.lastLoss !== undefined ? vscode.l10n.t(' · loss {0}', run.lastLoss.toFixed(3)) : '';
  return vscode.l10n.t('{0} · step {1}{2} · {3} lr {4} · seed {5}', run.status, run.step.toLocaleString('en-US'), loss, run.config.optimizer, run.config.learningRate, run.config.seed);
}

/** A multi-select pick of the stored runs; the runs of the active file (or `preselected`) start picked. */
async function pickRuns(persistence: RunPersistence, preselected: string[] = []): Promise<string[] | undefined> {
  const runs = persistence.store.list();
  if (runs.length < 2) {
    void vscode.window.showInformationMessage(
      runs.length === 1
        ? vscode.l10n.t('Sequence Lab: Compare Runs needs at least two stored runs; there is one. Train a model on a file, then another (e.g. an RNN, then an LSTM).')
        : vscode.l10n.t('Sequence Lab: Compare Runs needs at least two stored runs; there are none. Train a model on a file, then another (e.g. an RNN, then an LSTM).'),
    );
    return undefined;
  }
  const activeUri = vscode.window.activeTextEditor?.document.uri.toString();
  const items = runs.map((run) => ({
    label: run.modelLabel,
    description: run.dataLabel,
    detail: describeRun(run),
    picked: preselected.length > 0 ? preselected.includes(run.id) : run.dataUri === activeUri,
    id: run.id,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: title(),
    canPickMany: true,
    placeHolder: vscode.l10n.t('Pick the runs to compare (2 to {0}); the runs of the active file are picked', MAX_COMPARED_RUNS),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.length < 2 || picked.length > MAX_COMPARED_RUNS) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: pick between 2 and {0} runs to compare ({1} picked).', MAX_COMPARED_RUNS, picked.length));
    return undefined;
  }
  return picked.map((p) => p.id);
}

/** The palette and Runs view commands and the panel serializer. */
export function registerCompareRuns(extensionUri: vscode.Uri, service: TrainingService, persistence: RunPersistence): vscode.Disposable[] {
  const compare = async (preselected?: string[]): Promise<void> => {
    const ids = preselected && preselected.length >= 2 && preselected.length <= MAX_COMPARED_RUNS ? preselected : await pickRuns(persistence, preselected);
    if (ids) CompareRunsPanel.show(extensionUri, service, persistence, ids);
  };
  return [
    vscode.commands.registerCommand(COMPARE_RUNS_COMMAND, () => compare()),
    // From the Runs view: VS Code passes the clicked node and every selected node.
    vscode.commands.registerCommand(COMPARE_SELECTED_RUNS_COMMAND, (node?: unknown, selected?: unknown) => {
      return compare(storedIdsOf(selectedNodes(node, selected), persistence));
    }),
    registerPanelSerializer(COMPARE_PANEL_VIEW_TYPE, (panel, state) => CompareRunsPanel.revive(panel, extensionUri, service, persistence, state)),
  ];
}
