// Pure (no DOM): the plain-language readings under the Markov Orders charts and the number formats they use.
import type { MarkovOrdersView } from '../../src/shared/webviewProtocol';

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻', '.': '·',
};

export function superscript(n: number | string): string {
  return [...String(n)].map((c) => SUPERSCRIPT[c] ?? c).join('');
}

/** A positive number in two or three significant digits; very large or small ones as m × 10ⁿ. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Math.abs(x) >= 1e-4 && Math.abs(x) < 1e6) return String(Number(x.toPrecision(x >= 100 ? 3 : 2)));
  const exp = Math.floor(Math.log10(Math.abs(x)));
  const mantissa = Number((x / 10 ** exp).toPrecision(2));
  return `${mantissa} × 10${superscript(exp)}`;
}

/** 10^log10 as text, without overflowing for big exponents. */
export function formatPowerOfTen(log10: number): string {
  if (log10 < 6) return formatNumber(10 ** log10);
  const exp = Math.floor(log10);
  return `${Number((10 ** (log10 - exp)).toPrecision(2))} × 10${superscript(exp)}`;
}

/** A perplexity in three significant digits (1.60 against 1.61 must read as different). */
export function formatPerplexity(x: number): string {
  return x >= 1 && x < 1000 ? x.toPrecision(3) : formatNumber(x);
}

/** The order with the lowest held-out perplexity (the lowest k on ties). */
export function bestOrder(view: MarkovOrdersView): number {
  let best = 0;
  view.heldOutPerplexity.forEach((p, k) => {
    if (p < view.heldOutPerplexity[best]) best = k;
  });
  return best;
}

export function perplexityReading(view: MarkovOrdersView): string {
  const held = view.heldOutPerplexity;
  const train = view.trainPerplexity;
  const last = held.length - 1;
  const best = bestOrder(view);
  const lowest = `Held-out perplexity is lowest at k=${best} (${formatPerplexity(held[best])})`;
  if (best === last) {
    return `${lowest}: no order up to ${last} overfits this file yet (train perplexity ${formatPerplexity(train[last])} at k=${last}).`;
  }
  return (
    `${lowest}; above that the model memorises the training text: train perplexity keeps falling to ` +
    `${formatPerplexity(train[last])} while held-out rises to ${formatPerplexity(held[last])} at k=${last}.`
  );
}

export function contextsReading(view: MarkovOrdersView): string {
  const k = view.observedContexts.length - 1;
  const observed = view.observedContexts[k];
  const log10Possible = view.log10PossibleContexts[k];
  const percent = observed > 0 ? 10 ** (Math.log10(observed) - log10Possible + 2) : 0;
  const unit = view.unit === 'char' ? 'characters' : 'words';
  if (view.vocabularySize <= 1) {
    // One distinct symbol: one possible context of every length, always seen; nothing is uncertain.
    return `The file has a single distinct ${view.unit === 'char' ? 'character' : 'word'}: at every order there is one possible context, it always occurs, and the next ${view.unit === 'char' ? 'character' : 'word'} is certain (perplexity 1). Open a file with varied text to compare orders.`;
  }
  if (percent >= 50) {
    return (
      `At k=${k}, ${formatNumber(Math.min(100, percent))}% of the ${view.vocabularySize}${superscript(k)} ≈ ${formatPowerOfTen(log10Possible)} ` +
      `possible contexts occur (${observed.toLocaleString('en')} seen in ${view.trainTokens.toLocaleString('en')} training ${unit}): with so few distinct ${unit}, nearly every context that can occur does.`
    );
  }
  return (
    `At k=${k} only ${formatNumber(percent)}% of the ${view.vocabularySize}${superscript(k)} ≈ ${formatPowerOfTen(log10Possible)} ` +
    `possible contexts ever occur (${observed.toLocaleString('en')} seen in ${view.trainTokens.toLocaleString('en')} training ${unit}).`
  );
}
