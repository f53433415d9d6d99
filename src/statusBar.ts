// Status bar item and context keys that follow the training runs: visible while a run trains (step, loss,
// speed, or "paused"; click to open the panel), and the `sequenceLab.training` (a run is training or paused),
// `sequenceLab.trainingRunning`, `sequenceLab.trainingPaused` and `sequenceLab.hasRuns` keys for `when` clauses.
import * as vscode from 'vscode';
import type { TrainingService } from './training/trainingService';

export function trackTrainingState(service: TrainingService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('sequenceLab.training', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('Sequence Lab Training');
  item.command = 'sequenceLab.showTrainingPanel';

  // Each setContext is a round trip to the workbench: sent only when its value changes, not with every progress
  // batch of a run (several a second, each of which used to send all four).
  const contextKeys = new Map<string, boolean>();
  const setContext = (key: string, value: boolean) => {
    if (contextKeys.get(key) === value) return;
    contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  };
  const refresh = () => {
    const active = service.activeRun();
    setContext('sequenceLab.training', active !== undefined);
    const runs = service.list();
    setContext('sequenceLab.trainingRunning', runs.some((r) => r.info.status === 'training'));
    setContext('sequenceLab.trainingPaused', runs.some((r) => r.info.status === 'paused'));
    setContext('sequenceLab.hasRuns', runs.length > 0);
    if (!active) {
      item.hide();
      return;
    }
    const { info, history } = active;
    const loss = history.lastLoss;
    const speed = history.charsPerSecond;
    const paused = info.status === 'paused';
    item.text = [
      paused ? '$(debug-pause) Sequence Lab' : '$(pulse) Sequence Lab',
      vscode.l10n.t('step {0}/{1}', history.steps, info.config.steps),
      loss !== undefined ? vscode.l10n.t('loss {0}', formatStatusLoss(loss)) : info.status,
      paused ? vscode.l10n.t('paused') : speed > 0 ? vscode.l10n.t('{0} chars/s', formatRate(speed)) : '',
    ].filter(Boolean).join(' · ');
    item.tooltip = paused
      ? vscode.l10n.t('Paused {0} on {1}. Click to show the Training panel.', info.modelLabel, info.fileLabel)
      : vscode.l10n.t('Training {0} on {1}. Click to show the Training panel.', info.modelLabel, info.fileLabel);
    item.show();
  };

  refresh();
  return vscode.Disposable.from(
    item,
    service.onDidChangeRun(refresh),
    service.onDidProgress(refresh),
  );
}

/** A loss with three decimals; one that blew up (≥ 10,000) in exponent notation, as the Training panel shows it. */
export function formatStatusLoss(loss: number): string {
  return Math.abs(loss) >= 1e4 ? loss.toExponential(2) : loss.toFixed(3);
}

export function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k` : perSecond.toFixed(0);
}
