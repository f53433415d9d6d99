// The quick picks of "Sequence Lab: Colour Text by Model…": the quantity, then the layer and unit where needed.
import * as vscode from 'vscode';
import type { TextQuantity } from '../shared/protocol/trainingWorker';
import { cellSeries, seriesWords, type CellName } from './colourScale';

interface QuantityItem extends vscode.QuickPickItem {
  pick: { kind: 'surprisal' } | { kind: 'gradNorm' } | { kind: 'series'; series: string };
}

export async function pickQuantity(cell: CellName, layers: number, hiddenSize: number, runLabel: string): Promise<TextQuantity | undefined> {
  const items: QuantityItem[] = [
    { label: vscode.l10n.t('Surprisal'), description: vscode.l10n.t('−log₂ p(x_t | x_<t): how unexpected each character is to the model'), pick: { kind: 'surprisal' } },
    { label: '‖∂L/∂h_t‖', description: vscode.l10n.t('the gradient of the chunk’s loss reaching each step (BPTT as in training)'), pick: { kind: 'gradNorm' } },
    ...cellSeries(cell).map((series): QuantityItem => ({
      label: `${seriesWords(series)[0].toUpperCase()}${seriesWords(series).slice(1)}`,
      description: vscode.l10n.t('one unit, at the step that reads the character'),
      pick: { kind: 'series', series },
    })),
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Sequence Lab: Colour Text by Model ({0})', runLabel), placeHolder: vscode.l10n.t('Colour each character by…') });
  if (!chosen) return undefined;
  if (chosen.pick.kind === 'surprisal') return { kind: 'surprisal' };
  let layer = 0;
  if (layers > 1) {
    const picked = await vscode.window.showQuickPick(
      Array.from({ length: layers }, (_, k) => ({ label: vscode.l10n.t('Layer {0}', k + 1), description: k === 0 ? vscode.l10n.t('reads the characters') : k === layers - 1 ? vscode.l10n.t('feeds the prediction') : '', k })),
      { title: vscode.l10n.t('Sequence Lab: which layer?') },
    );
    if (!picked) return undefined;
    layer = picked.k;
  }
  if (chosen.pick.kind === 'gradNorm') return { kind: 'gradNorm', layer };
  const unit = await vscode.window.showInputBox({
    title: vscode.l10n.t('Sequence Lab: which unit of the {0}?', seriesWords(chosen.pick.series)),
    prompt: vscode.l10n.t('A unit from 0 to {0}', hiddenSize - 1),
    value: '0',
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) < hiddenSize ? undefined : vscode.l10n.t('Type a whole number from 0 to {0}.', hiddenSize - 1)),
  });
  if (unit === undefined) return undefined;
  return { kind: 'series', layer, series: chosen.pick.series, unit: Number(unit.trim()) };
}
