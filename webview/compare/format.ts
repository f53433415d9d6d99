// Numbers as the Compare Runs table shows them ("–" for unknown). Pure.

export function formatFixed(x: number | undefined, digits = 3): string {
  return x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

export function formatSteps(step: number, steps: number): string {
  return `${Math.round(step).toLocaleString('en-US')} / ${Math.round(steps).toLocaleString('en-US')}`;
}

/** Perplexity e^loss: two decimals below 100, exponent notation when huge. */
export function formatPerplexity(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x) || x >= 1e6) return x.toExponential(2);
  return x < 100 ? x.toFixed(2) : x.toFixed(0);
}

/** 41500 → "41.5k". */
export function formatRate(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x) || x <= 0) return '–';
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)}k`;
  return x.toFixed(0);
}

export const CELL_NAMES: Record<string, string> = { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' };
