// Pure (no vscode): the hover of one character coloured by "Colour Text by Model". Unit-tested in
// test/host/rnnEditor.test.ts.
import type { TextInference, TextQuantity } from '../shared/protocol/trainingWorker';
import { showCharacter } from '../hmm/surprisal';
import { legendLines, quantityLabel, scaleOf } from './colourScale';

const code = (s: string): string => '`` ' + s.replace(/`/g, 'ˋ') + ' ``';
const number = (v: number): string => (!Number.isFinite(v) ? String(v) : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(3));

/**
 * Markdown for the character `character` at index `i` of an inference (i = offset − the scored window's start): its
 * surprisal, the coloured quantity, the top-5 next characters after it, the gates of the pinned unit (or the mean over
 * the layer's units) and ‖∂L/∂h_t‖. `runLabel` names the model.
 */
export function hoverMarkdown(r: TextInference, i: number, character: string, quantity: TextQuantity, runLabel: string): string {
  // A word run (r.tokenStarts): `character` is the word, one step per word, and the top-5 are next words.
  const unit = r.tokenStarts ? 'word' : 'character';
  const x = r.tokenStarts ? 'w' : 'x';
  const lines = [`**${runLabel}** at step ${r.step}`, ''];
  if (r.unknown[i]) {
    lines.push(`${code(showCharacter(character))} is not in the run's vocabulary: the model reads it as a zero input and cannot give its probability.`, '');
  } else if (Number.isNaN(r.surprisal[i])) {
    lines.push(`${code(showCharacter(character))}: no context before it, no probability.`, '');
  } else {
    const bits = r.surprisal[i];
    const p = 2 ** -bits;
    lines.push(`${code(showCharacter(character))}: p(${x}_t | ${x}_\\<t) = ${p < 1e-4 ? p.toExponential(3) : p.toFixed(4)}, surprisal ${bits.toFixed(2)} bits`, '');
  }
  if (quantity.kind !== 'surprisal') lines.push(`Colour: ${quantityLabel(quantity, r.layers)} = ${number(r.value[i])}`, '');

  lines.push(`| next ${unit} | p |`, '|---|---|');
  for (let k = 0; k < 5; k++) {
    const id = r.topIds[i * 5 + k];
    if (id < 0) break;
    lines.push(`| ${code(showCharacter(r.vocabulary[id] ?? '?'))} | ${r.topProbabilities[i * 5 + k].toFixed(4)} |`);
  }
  lines.push('');
  const S = r.series.length;
  const values = r.series.map((name, s) => `${name} ${number(r.unitValues[i * S + s])}`).join(' · ');
  const layer = r.layers > 1 ? ` of layer ${(r.pinned?.layer ?? r.summaryLayer) + 1}` : '';
  lines.push(r.pinned ? `Unit ${r.pinned.unit}${layer}: ${values}` : `Mean over the ${r.hiddenSize} units${layer}: ${values}`);
  const active: string[] = [];
  for (let k = 0; k < 3; k++) {
    const unit = r.activeUnits[i * 3 + k];
    if (unit >= 0) active.push(`unit ${unit} (h ${number(r.activeValues[i * 3 + k])})`);
  }
  if (active.length > 0) lines.push('', `Most active${r.layers > 1 ? ` in layer ${r.summaryLayer + 1}` : ''}: ${active.join(', ')}`);
  const layerOfNorm = r.layers > 1 ? ` (layer ${r.summaryLayer + 1})` : '';
  lines.push('', `‖∂L/∂h_t‖${layerOfNorm} = ${Number.isNaN(r.gradNorm[i]) ? `none (no next ${unit} to predict)` : number(r.gradNorm[i])}`);
  return lines.join('\n');
}

/** The status bar tooltip: what is coloured and the legend. */
export function legendText(quantity: TextQuantity, layers: number, runLabel: string): string {
  return [`Coloured by ${quantityLabel(quantity, layers)} under ${runLabel}.`, ...legendLines(scaleOf(quantity)), 'Underlined: not in the run’s vocabulary. Click to clear.'].join('\n');
}
