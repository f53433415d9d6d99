// "Export Trace as CSV…/JSON…" of the Gates and Gradient Flow panels: the trace the page shows (the host's view of
// it), as text. Pure (no vscode), so it is tested in Node.
//
// CSV (RFC 4180): long format, one value per row, every index explicit (0-based layer, step t within the window,
// position = start + t in the text in code points, the character itself; for a word run `word_index` = start + t
// among the file's whitespace words and the word itself). A field with a comma, a semicolon, a tab, a quote, a line
// break or leading/trailing white space is quoted, its quotes doubled. Numbers are written in JavaScript's shortest
// round-trip form (parseFloat gives back the same value); non-finite values as NaN, Infinity, -Infinity.
// JSON: the same numbers as named flat arrays with their shape (row-major) and the names of the axes; JSON has no
// NaN, so a non-finite value is written as null (the field `nonFinite` says so).
import type { GatesView } from './protocol/gatesPanel';
import type { GradientFlowView } from './protocol/gradientFlowPanel';

export type TraceFormat = 'csv' | 'json';

/** One CSV field (text from the file is neutralised against formula injection first). */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return csvNumber(value);
  const text = neutraliseFormula(value);
  // `;` and tab are quoted too: a reader that detects the delimiter (src/engine/csv.ts) must see only commas outside
  // quotes.
  return /[",;\t\r\n]|^\s|\s$/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Text a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return before one), with a
 * leading apostrophe, as OWASP recommends: a token "=HYPERLINK(…)" from the file is shown, never evaluated. Numbers
 * are written by csvNumber and never pass here.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A number as CSV text: shortest round-trip decimal; NaN, Infinity, -Infinity as such. */
export function csvNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

export function csvRows(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A named array for JSON: row-major data of the given shape; non-finite values as null. */
interface JsonArray {
  axes: string[];
  shape: number[];
  data: (number | null)[];
}

function jsonArray(axes: string[], shape: number[], values: ArrayLike<number>): JsonArray {
  return { axes, shape, data: Array.from(values, (v) => (Number.isFinite(v) ? v : null)) };
}

const NON_FINITE = 'non-finite values (NaN, ±Infinity) are written as null';

type StepKind = { tokenKind?: 'words' | 'tokens' | 'rows' };

/**
 * The CSV columns naming a step's place and token: characters (code points of the text), words (word index), or a
 * tagged run's tokens and a series' rows (the window's start is the code point of its first step; `t` counts on).
 */
function tokenColumns(view: StepKind): [string, string] {
  return view.tokenKind === 'words' ? ['word_index', 'word'] : view.tokenKind === 'tokens' ? ['position', 'token'] : view.tokenKind === 'rows' ? ['position', 'row'] : ['position', 'char'];
}

/** What a step of the JSON's `start` and `tokens` is. */
const stepsOf = (view: StepKind) => (view.tokenKind === 'words' ? 'words' : view.tokenKind === 'tokens' ? 'tagged tokens' : view.tokenKind === 'rows' ? 'rows' : 'characters');

/** A bidirectional view's chains c = k·D + d: the CSV's layer and direction columns (direction only when D = 2). */
const chainColumns = (D: number, c: number): (string | number)[] => (D > 1 ? [Math.floor(c / D), c % D === 0 ? 'forward' : 'backward'] : [c]);

// ── Gates panel: every gate, c_t and h_t of every layer (GatesView.values[((k·S + s)·T + t)·H + j]) ──

export function gatesTraceCsv(view: GatesView): string {
  const T = view.tokens.length;
  const H = view.hiddenSize;
  const S = view.series.length;
  const D = view.directions ?? 1;
  const rows: (string | number)[][] = [];
  for (let k = 0; k < view.layers * D; k++) {
    for (let s = 0; s < S; s++) {
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) {
          rows.push([...chainColumns(D, k), view.series[s], t, view.start + t, view.tokens[t], j, view.values[((k * S + s) * T + t) * H + j]]);
        }
      }
    }
  }
  if (view.gradNormH) {
    for (let k = 0; k < view.layers * D; k++) {
      for (let t = 0; t < T; t++) rows.push([...chainColumns(D, k), 'grad_norm_h', t, view.start + t, view.tokens[t], '', view.gradNormH[k * T + t]]);
    }
  }
  return csvRows(['layer', ...(D > 1 ? ['direction'] : []), 'series', 't', ...tokenColumns(view), 'unit', 'value'], rows);
}

export function gatesTraceJson(view: GatesView): string {
  const T = view.tokens.length;
  const H = view.hiddenSize;
  const S = view.series.length;
  const arrays: Record<string, JsonArray> = {};
  // One array per series (i, f, g, o, c, h…), each [layer, t, unit]; a bidirectional run's [chain, t, unit], chain k·2 + d.
  const C = view.layers * (view.directions ?? 1);
  const first = (view.directions ?? 1) > 1 ? 'chain' : 'layer';
  view.series.forEach((name, s) => {
    const data = new Float64Array(C * T * H);
    for (let k = 0; k < C; k++) {
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) data[(k * T + t) * H + j] = view.values[((k * S + s) * T + t) * H + j];
      }
    }
    arrays[name] = jsonArray([first, 't', 'unit'], [C, T, H], data);
  });
  if (view.gradNormH) arrays.grad_norm_h = jsonArray([first, 't'], [C, T], view.gradNormH);
  arrays.top_probabilities = jsonArray(['t', 'rank'], [T, 5], view.topProbabilities);
  return `${JSON.stringify({
    kind: 'sequence-lab/gates-trace',
    run: view.runLabel,
    step: view.step,
    steps: stepsOf(view),
    start: view.start,
    cell: view.cell,
    layers: view.layers,
    ...(view.directions && view.directions > 1 ? { directions: view.directions, chains: 'chain c = layer·2 + direction (0 forward h→, 1 backward h←)' } : {}),
    hiddenSize: view.hiddenSize,
    series: view.series,
    tokens: view.tokens,
    topChars: view.topChars,
    nonFinite: NON_FINITE,
    arrays,
  })}\n`;
}

// ── Gradient Flow panel: ‖∂L/∂h_t‖ per layer and step, ‖∂h_T/∂h_{T−n}‖ by distance n, ρ and σ_max of W_hh ──

export function gradientTraceCsv(view: GradientFlowView): string {
  const rows: (string | number)[][] = [];
  // A bidirectional run's rows are chains c = k·2 + d: the forward chain's quantity grad_norm_h, the backward's grad_norm_h_backward.
  const D = view.directions ?? 1;
  view.gradNormH.forEach((norms, k) => {
    const quantity = D > 1 && k % D === 1 ? 'grad_norm_h_backward' : 'grad_norm_h';
    norms.forEach((value, t) => rows.push([quantity, Math.floor(k / D), t, view.start + t, view.tokens[t] ?? '', '', value]));
  });
  // jacobianNorm[n − 1] = ‖∂h_T/∂h_{T−n}‖ of the first layer.
  view.jacobianNorm.forEach((value, i) => rows.push(['jacobian_norm', 0, '', '', '', i + 1, value]));
  view.spectralRadius.forEach((value, k) => rows.push(['spectral_radius', k, '', '', '', '', value]));
  view.largestSingularValue.forEach((value, k) => rows.push(['largest_singular_value', k, '', '', '', '', value]));
  return csvRows(['quantity', 'layer', 't', ...tokenColumns(view), 'distance', 'value'], rows);
}

export function gradientTraceJson(view: GradientFlowView): string {
  const T = view.tokens.length;
  return `${JSON.stringify({
    kind: 'sequence-lab/gradient-flow-trace',
    run: view.runLabel,
    step: view.step,
    steps: stepsOf(view),
    start: view.start,
    layers: view.layers,
    ...(view.directions && view.directions > 1 ? { directions: view.directions, chains: 'chain c = layer·2 + direction (0 forward h→, 1 backward h←)' } : {}),
    tokens: view.tokens,
    nonFinite: NON_FINITE,
    arrays: {
      grad_norm_h: jsonArray([(view.directions ?? 1) > 1 ? 'chain' : 'layer', 't'], [view.gradNormH.length, T], view.gradNormH.flat()),
      jacobian_norm: jsonArray(['distance - 1'], [view.jacobianNorm.length], view.jacobianNorm),
      spectral_radius: jsonArray(['layer'], [view.spectralRadius.length], view.spectralRadius),
      largest_singular_value: jsonArray(['layer'], [view.largestSingularValue.length], view.largestSingularValue),
    },
  })}\n`;
}
