// The "Runs" tree in the Sequence Lab sidebar: every run of the workspace — this window's and those stored by earlier
// windows (src/training/runStore.ts) — grouped by data file, each with its model, status, step and loss. Inline and
// context actions show its panel, stop, resume, delete it or reveal its checkpoint folder (menus in package.json key
// off `contextValue`: `run.<status>` for a run of this window, `storedRun.<status>[.resumable]` for a stored one).
// The view allows multi-select (createTreeView canSelectMany in extension.ts): select runs → Compare Runs.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../base/disposable';
import type { RunStatus } from '../shared/run';
import type { RunPersistence } from '../training/runPersistence';
import type { StoredRun } from '../training/runStore';
import type { RunRecord, TrainingService } from '../training/trainingService';

const STATUS_ICON: Partial<Record<RunStatus, vscode.ThemeIcon>> = {
  starting: new vscode.ThemeIcon('loading~spin'),
  training: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  paused: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow')),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  interrupted: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('charts.yellow')),
};
const OTHER_ICON = new vscode.ThemeIcon('debug-pause');

export interface FileGroupNode {
  kind: 'group';
  key: string;
  label: string;
  uri?: string;
}

export interface StoredRunNode {
  kind: 'stored';
  run: StoredRun;
}

export type RunsNode = FileGroupNode | RunRecord | StoredRunNode;

export function isStoredRunNode(value: unknown): value is StoredRunNode {
  return typeof value === 'object' && value !== null && (value as StoredRunNode).kind === 'stored' && 'run' in value;
}

interface Row {
  node: RunRecord | StoredRunNode;
  group: FileGroupNode;
  time: string;
}

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<RunsNode[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs of this window whose stored folder was deleted: no longer listed. */
  private readonly hidden = new Set<string>();
  private readonly startedAt = new Map<string, string>();
  /** One node object per group and per stored run, so VS Code can refresh a row in place (it keys rows by object). */
  private readonly groupNodes = new Map<string, FileGroupNode>();
  private readonly storedNodes = new Map<string, StoredRunNode>();
  /** The groups and rows VS Code last fetched from the root, as a string (see refresh). */
  private shownShape: string | undefined;
  /** The rows VS Code has fetched under their groups since it last fetched the root: the rows it holds. */
  private handedOut = new Set<RunsNode>();

  constructor(
    private readonly service: TrainingService,
    private readonly persistence?: RunPersistence,
  ) {
    super();
    this._register(service.onDidChangeRun(() => this.refresh()));
    // Progress arrives ~10×/s; the tree's step and loss need no more than ~1 refresh a second.
    this._register(service.onDidProgress(() => this.refreshSoon()));
    if (persistence) this._register(persistence.onDidChange(() => this.refreshSoon()));
    this._register(toDisposable(() => {
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
    }));
  }

  /** Stops listing a run of this window (its stored folder was deleted). */
  hide(liveId: string): void {
    this.hidden.add(liveId);
    this.refresh();
  }

  /**
   * Redraws the view. When the groups and rows are those VS Code last fetched, only the rows are refreshed, in place: a
   * refresh from the root makes VS Code forget every row's handle until it fetches them again, and a context-menu
   * action (Compare Runs, Delete…) that lands in that moment reaches its command without the rows it was chosen on.
   * While runs train the view refreshes every second, so that moment came often.
   */
  refresh(): void {
    const rows = this.rows();
    // In place only for rows VS Code holds: a row it never fetched under its group (the group's fetch came between two
    // changes of the rows) would otherwise stay missing, every later refresh of the same shape being in place too.
    const held = this.shownShape !== undefined && shapeOf(rows) === this.shownShape && rows.every((r) => this.handedOut.has(r.node));
    if (held) this.changed.fire(rows.map((r) => r.node));
    else this.changed.fire(undefined);
  }

  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, 1000);
  }

  private rows(): Row[] {
    const rows: Row[] = [];
    const liveStored = this.persistence?.liveRuns() ?? new Map<string, RunRecord>();
    for (const run of this.service.list()) {
      if (this.hidden.has(run.info.id)) continue;
      const stored = this.persistence?.storedRunOf(run.info.id);
      if (!this.startedAt.has(run.info.id)) this.startedAt.set(run.info.id, new Date().toISOString());
      const group = stored ? this.groupNode(stored.dataUri, stored.dataLabel, stored.dataUri) : this.groupNode(`label:${run.info.fileLabel}`, run.info.fileLabel);
      rows.push({ node: run, group, time: stored?.createdAt ?? this.startedAt.get(run.info.id)! });
    }
    for (const stored of this.persistence?.store.list() ?? []) {
      if (liveStored.has(stored.id)) continue;
      rows.push({ node: this.storedNode(stored), group: this.groupNode(stored.dataUri, stored.dataLabel, stored.dataUri), time: stored.createdAt });
    }
    const listed = new Set(rows.map((r) => r.group));
    for (const [key, group] of this.groupNodes) if (!listed.has(group)) this.groupNodes.delete(key);
    const listedNodes = new Set<RunsNode>(rows.map((r) => r.node));
    for (const [id, node] of this.storedNodes) if (!listedNodes.has(node)) this.storedNodes.delete(id);
    // Newest first by start time, within each file and among files: a run's row stays where it is while it trains,
    // completes or is saved, so a click or Ctrl+click lands on the row the user aimed at.
    return rows.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  }

  private groupNode(key: string, label: string, uri?: string): FileGroupNode {
    let group = this.groupNodes.get(key);
    if (!group) this.groupNodes.set(key, (group = { kind: 'group', key, label }));
    group.label = label;
    group.uri = uri;
    return group;
  }

  private storedNode(run: StoredRun): StoredRunNode {
    let node = this.storedNodes.get(run.id);
    if (!node) this.storedNodes.set(run.id, (node = { kind: 'stored', run }));
    node.run = run;
    return node;
  }

  getChildren(element?: RunsNode): RunsNode[] {
    if (element && !('kind' in element && element.kind === 'group')) return [];
    const rows = this.rows();
    if (element) {
      const children = rows.filter((r) => r.group.key === element.key).map((r) => r.node);
      for (const node of children) this.handedOut.add(node);
      return children;
    }
    this.shownShape = shapeOf(rows);
    this.handedOut = new Set();
    const groups = new Map<string, FileGroupNode>();
    for (const r of rows) if (!groups.has(r.group.key)) groups.set(r.group.key, r.group);
    return [...groups.values()];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if ('kind' in node && node.kind === 'group') return groupItem(node);
    if ('kind' in node) return storedItem(node);
    return liveItem(node);
  }

}

/** Which groups, in which order, hold which rows: what a refresh in place cannot change. */
function shapeOf(rows: Row[]): string {
  return JSON.stringify(rows.map((r) => [r.group.key, r.group.label, r.group.uri, 'info' in r.node ? r.node.info.id : `stored:${r.node.run.id}`]));
}

function groupItem(group: FileGroupNode): vscode.TreeItem {
  const item = new vscode.TreeItem(group.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `group:${group.key}`;
  item.contextValue = 'dataFile';
  item.iconPath = vscode.ThemeIcon.File;
  if (group.uri) {
    const uri = vscode.Uri.parse(group.uri);
    item.resourceUri = uri;
    const relative = vscode.workspace.asRelativePath(uri);
    if (relative !== group.label) item.description = relative;
    item.tooltip = uri.scheme === 'file' ? uri.fsPath : group.uri;
  }
  return item;
}

/** "stopped · step 1,234 · loss 1.234 · tiny.txt": status first, it is what a glance at the list is for. */
function describe(status: string, step: number, loss: number | undefined, fileLabel: string): string {
  const parts = [status, `step ${step.toLocaleString('en-US')}`];
  if (loss !== undefined) parts.push(`loss ${loss.toFixed(3)}`);
  parts.push(fileLabel);
  return parts.join(' · ');
}

function liveItem(run: RunRecord): vscode.TreeItem {
  const { info, history } = run;
  const item = new vscode.TreeItem(info.modelLabel, vscode.TreeItemCollapsibleState.None);
  item.id = info.id;
  const loss = history.lastLoss;
  item.description = describe(info.status, history.steps, loss, info.fileLabel);
  item.iconPath = STATUS_ICON[info.status] ?? OTHER_ICON;
  item.contextValue = `run.${info.status}`;
  item.tooltip = new vscode.MarkdownString(
    [
      `**${escapeMarkdown(info.fileLabel)}** — ${escapeMarkdown(info.modelLabel)}`,
      `Status: ${info.status}${info.message ? ` — ${escapeMarkdown(info.message)}` : ''}`,
      `Step ${history.steps} of ${info.config.steps}` + (loss !== undefined ? `, loss ${loss.toFixed(4)} nats/char (${(loss / Math.LN2).toFixed(3)} bits/char)` : ''),
      info.vocabSize !== undefined ? `Vocabulary ${info.vocabSize} characters, ${info.dataLength} characters of data, ${info.parameterCount} parameters` : '',
      configLine(info.config),
    ].filter(Boolean).join('\n\n'),
  );
  item.command = { command: 'sequenceLab.runs.showPanel', title: 'Show Training Panel', arguments: [run] };
  return item;
}

function storedItem(node: StoredRunNode): vscode.TreeItem {
  const run = node.run;
  const item = new vscode.TreeItem(run.modelLabel, vscode.TreeItemCollapsibleState.None);
  item.id = `stored:${run.id}`;
  item.description = describe(run.status, run.step, run.lastLoss, run.dataLabel);
  item.iconPath = STATUS_ICON[run.status] ?? OTHER_ICON;
  item.contextValue = `storedRun.${run.status}${run.checkpointStep !== undefined ? '.resumable' : ''}`;
  item.tooltip = new vscode.MarkdownString(
    [
      `**${escapeMarkdown(run.dataLabel)}** — ${escapeMarkdown(run.modelLabel)}`,
      `Status: ${run.status}${run.message ? ` — ${escapeMarkdown(run.message)}` : ''}`,
      `Step ${run.step} of ${run.config.steps}` + (run.lastLoss !== undefined ? `, loss ${run.lastLoss.toFixed(4)} nats/char` : ''),
      run.checkpointStep !== undefined ? `Checkpoint of step ${run.checkpointStep}: right-click → Resume` : 'No checkpoint saved',
      configLine(run.config),
      `Started ${new Date(run.createdAt).toLocaleString()}`,
    ].filter(Boolean).join('\n\n'),
  );
  // Its curves and metrics, read-only, in the Training panel (src/panels/trainingPanel.ts).
  item.command = { command: 'sequenceLab.runs.showStoredRun', title: 'Show Stored Run', arguments: [node] };
  return item;
}

function configLine(c: RunRecord['info']['config']): string {
  return `Sequence length ${c.seqLength}, ${c.optimizer} learning rate ${c.learningRate}, clip ${c.clip}, seed ${c.seed}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
