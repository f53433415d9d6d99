// Numbers as the Training panel shows them. Pure.

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345 → "12,345". */
export function formatInteger(n: number): string {
  return grouped.format(n);
}

/**
 * A loss or bits-per-char value: three decimals ("1.234"); a run that blew up, in exponent notation ("7.51e+8", never
 * "751057408.000", which runs over its card); "–" when unknown.
 */
export function formatLoss(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toFixed(3);
}

/** Perplexity: four significant digits, exponent notation when huge. */
export function formatPerplexity(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x) || x >= 1e6) return x.toExponential(2);
  return x < 100 ? x.toFixed(2) : x.toFixed(0);
}

/** 1234 → "1.23k", 2500000 → "2.50M"; "–" when unknown. */
export function formatCompact(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n) || n <= 0) return '–';
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (n >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
  return n.toFixed(0);
}

/** A temperature as typed, or undefined when it is not a number in [min, max]. */
export function parseTemperature(text: string, min = 0.01, max = 10): number | undefined {
  const trimmed = text.trim();
  if (!/^[0-9]*\.?[0-9]+$/.test(trimmed)) return undefined;
  const t = Number(trimmed);
  return Number.isFinite(t) && t >= min && t <= max ? t : undefined;
}
