// The "Runs" tree in the Sequence Lab sidebar: one item per run of this window with its file, model, step,
// loss and status; inline actions show its panel or stop it (menus in package.json key off `contextValue`).
import * as vscode from 'vscode';
import type { RunStatus } from '../shared/run';
import type { RunRecord, TrainingService } from '../training/trainingService';

const STATUS_ICON: Record<RunStatus, vscode.ThemeIcon> = {
  starting: new vscode.ThemeIcon('loading~spin'),
  training: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
};

export class RunsTreeProvider implements vscode.TreeDataProvider<RunRecord>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunRecord | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly service: TrainingService) {
    this.subscriptions = [
      service.onDidChangeRun(() => this.changed.fire(undefined)),
      // Progress arrives ~10×/s; the tree's step and loss need no more than ~1 refresh a second.
      service.onDidProgress(() => this.refreshSoon()),
    ];
  }

  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire(undefined);
    }, 1000);
  }

  getChildren(element?: RunRecord): RunRecord[] {
    return element ? [] : this.service.list().reverse();
  }

  getTreeItem(run: RunRecord): vscode.TreeItem {
    const { info, history } = run;
    const item = new vscode.TreeItem(info.fileLabel, vscode.TreeItemCollapsibleState.None);
    item.id = info.id;
    const loss = history.lastLoss;
    // Status first: it is what a glance at the list is for; the model last, since it is the least likely to differ.
    const parts = [info.status, `step ${history.steps.toLocaleString('en-US')}`];
    if (loss !== undefined) parts.push(`loss ${loss.toFixed(3)}`);
    parts.push(info.modelLabel);
    item.description = parts.join(' · ');
    item.iconPath = STATUS_ICON[info.status];
    item.contextValue = `run.${info.status}`;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${escapeMarkdown(info.fileLabel)}** — ${escapeMarkdown(info.modelLabel)}`,
        `Status: ${info.status}${info.message ? ` — ${escapeMarkdown(info.message)}` : ''}`,
        `Step ${history.steps} of ${info.config.maxSteps}` + (loss !== undefined ? `, loss ${loss.toFixed(4)} nats/char (${(loss / Math.LN2).toFixed(3)} bits/char)` : ''),
        info.vocabSize !== undefined ? `Vocabulary ${info.vocabSize} characters, ${info.dataLength} characters of data, ${info.parameterCount} parameters` : '',
        `Sequence length ${info.config.seqLength}, ${info.config.optimizer} learning rate ${info.config.learningRate}, clip ${info.config.clipNorm}, seed ${info.config.seed}`,
      ].filter(Boolean).join('\n\n'),
    );
    item.command = { command: 'sequenceLab.runs.showPanel', title: 'Show Training Panel', arguments: [run] };
    return item;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
