// Channel: the host (src/panels/gatesPanel.ts) ↔ the Gates panel's page (webview/gates/) and the Unrolled panel's
// page (webview/unrolled/), which speak the same messages: every gate, c_t and h_t of one run over a window of
// ≤ 256 steps, the recurrence of one step, and the Gates panel's whole-file unit search. The values travel as a
// Float32Array (the worker's, as it came). A page saves them with setState (as base64) so a reload redraws them; it
// names time steps by their index in the window only, never a file or an offset. The host checks every page message
// with parseGatesPanelMessage; the Unrolled page checks the recurrence it is sent with recurrenceFits.
import type { RecurrenceTerms, TracedInput, TracedOutputs } from './traces';
import { LAYERS_LIMIT } from '../trainingConfig';
import { array, integer, lazy, literal, number, object, parser, picklist, variant, type Infer } from './schema';

/** The longest window the Gates panel shows (the worker's limit too). */
export const MAX_GATES_WINDOW = 256;

export interface GatesView {
  runLabel: string;
  /** The training step the model was at. */
  step: number;
  /** First character of the window within the text (code points). */
  start: number;
  cell: 'rnn' | 'gru' | 'lstm';
  layers: number;
  hiddenSize: number;
  /** Series per layer: LSTM i, f, g, o, c, h; GRU r, z, n, h; RNN h. */
  series: string[];
  /** Series s of layer k at step t, unit j: values[((k·S + s)·T + t)·H + j], T = tokens.length. */
  values: Float32Array;
  tokens: string[];
  /** The 5 most probable next characters after step t at topChars[t·5 + r]. */
  topChars: string[];
  topProbabilities: Float32Array;
  /** The step of the window the editor's cursor is on, or −1. */
  cursor: number;
  /** ‖∂L/∂h_t‖ of layer k at step t at gradNormH[k·T + t] (BPTT over the window), when the worker traced it. */
  gradNormH?: Float32Array;
  /**
   * 'words' for a word run (a step reads a whitespace word; start is a word index); 'tokens' for a tagged run and
   * 'rows' for a series or sequence-to-one run (a step is a tagged token or a row; start is a code point of the file);
   * absent for characters.
   */
  tokenKind?: 'words' | 'tokens' | 'rows';
  /** D = 2 for a bidirectional run: values and gradNormH hold chain c = k·D + d where they hold layer k above (d = 1: h←). */
  directions?: number;
  /** What a tagged, series or sequence-to-one run predicts over the window (traces.ts TracedOutputs). */
  outputs?: TracedOutputs;
  /** An RNN cell's nonlinearity; absent: tanh. */
  nonlinearity?: 'tanh' | 'relu';
  /** Every term of the step the Unrolled panel asked for (its `recurrence` message), with the worker's numbers. */
  recurrence?: RecurrenceTerms;
  /** What the first layer reads at each step: one-hot, an embedding row or a data row (traces.ts TracedInput). */
  input?: TracedInput;
}

/** Most chains (layers · directions) a recurrence message may name. */
export const MAX_RECURRENCE_CHAINS = 2 * LAYERS_LIMIT.max;

/**
 * Whether `r` is a well-formed RecurrenceTerms of a view of `cell` with `chains` chains of H units over T steps: its
 * chain and step inside, every array a finite Float64Array (or array, as a saved page has it) of its length.
 */
export function recurrenceFits(r: unknown, cell: GatesView['cell'], chains: number, H: number, T: number): r is RecurrenceTerms {
  const x = r as Partial<RecurrenceTerms> | undefined;
  if (typeof x !== 'object' || x === null) return false;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const numbers = (v: unknown, n: number | undefined) =>
    (v instanceof Float64Array || Array.isArray(v)) && (n === undefined || v.length === n) && v.length <= 1 << 16 &&
    Array.prototype.every.call(v, (e: unknown) => typeof e === 'number' && Number.isFinite(e));
  const int = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v < hi;
  return int(x.chain, 0, chains) && int(x.t, 0, T) && int(x.id, -1, 1 << 24) &&
    (x.input === 'one-hot' || x.input === 'embedding' || x.input === 'rows' || x.input === 'below') &&
    numbers(x.x, x.input === 'one-hot' ? 0 : undefined) &&
    ['inputTerm', 'hiddenTerm', 'biasIh', 'biasHh', 'preActivation', 'activation'].every((k) => numbers(x[k as keyof RecurrenceTerms], G * H)) &&
    numbers(x.hPrev, H) && numbers(x.h, H) &&
    (cell === 'lstm' ? numbers(x.cPrev, H) && numbers(x.c, H) && numbers(x.tanhC, H) : x.cPrev === undefined && x.c === undefined && x.tanhC === undefined);
}

export type HostToGatesPanel =
  | { type: 'showActivations'; view: GatesView }
  /** The editor's cursor moved to step t of the shown window. */
  | { type: 'select'; t: number }
  /** Whether the run is training (the host refreshes at most once a second then). */
  | { type: 'status'; runLabel: string; training: boolean }
  /** A trace could not be made, or the host no longer has the run (window reload): the page keeps its drawing. */
  | { type: 'detached'; message: string }
  /** The whole-file unit search: running (share done 0…1), its results, or why there are none (unitSearchView.ts). */
  | { type: 'searchProgress'; share: number }
  | { type: 'searchResults'; results: UnitSearchResults }
  | { type: 'searchEnded'; message: string }
  /** The match selected in the editor (next/previous, a click in the list): its index in the results, −1 none. */
  | { type: 'searchCurrent'; index: number };

/**
 * The whole-file search's matches as the page lists them, best first: place (1-based line and column of the data
 * file, which the page never names), length in steps, score and a short preview; `total` stretches were found.
 */
export interface UnitSearchResults {
  lines: Int32Array;
  columns: Int32Array;
  lengths: Int32Array;
  scores: Float32Array;
  previews: string[];
  total: number;
  steps: number;
  seconds: number;
  /** What was searched, in words ("units 3, 7 of layer 1 h_t ≥ 0.5 …"). */
  query: string;
  current: number;
  /**
   * The file was read in `pieces` segments side by side, each after `warmup` steps from a zero state, then `reread`
   * steps again from the state carried from the file's start (absent: one piece, read from the start).
   */
  pieces?: number;
  warmup?: number;
  reread?: number;
}

/** Units one whole-file search may name (a hidden size's limit). */
export const MAX_SEARCH_UNITS = 1024;

const gatesPanelToHostSchema = /* @__PURE__ */ lazy(() => {
  const step = integer(0, MAX_GATES_WINDOW - 1);
  return variant('type', [
    /** The page has loaded and wants a trace. */
    object({ type: literal('ready') }),
    /** The user asked for a fresh trace of the same window. */
    object({ type: literal('refresh') }),
    /** The user picked step t of the window: the host reveals and selects that character in the run's data file. */
    object({ type: literal('revealStep'), t: step }),
    /** The Unrolled panel shows the recurrence of chain c = k·D + d at step t: the host asks the worker for its terms. */
    object({ type: literal('recurrence'), chain: integer(0, MAX_RECURRENCE_CHAINS - 1), t: step }),
    /**
     * Search the run's whole data file for every stretch where these units (0-based, each once) of one layer's h_t or
     * c_t are all ≥ threshold; queryLength is the selected stretch's length in steps.
     */
    object({
      type: literal('searchFile'),
      layer: integer(0, 16),
      series: picklist(['h', 'c']),
      units: array(integer(0, MAX_SEARCH_UNITS - 1), { min: 1, max: MAX_SEARCH_UNITS, unique: true }),
      threshold: number({ min: -1e6, max: 1e6 }),
      queryLength: integer(1, MAX_GATES_WINDOW),
    }),
    object({ type: literal('cancelSearch') }),
    /** Select match `index` of the results in the editor; or the next (+1) or previous (−1) one. */
    object({ type: literal('showMatch'), index: integer(0, 999_999) }),
    object({ type: literal('stepMatch'), direction: picklist([1, -1]) }),
  ]);
});

export type GatesPanelToHost = Infer<typeof gatesPanelToHostSchema>;

/** Returns the message if it is a well-formed GatesPanelToHost, otherwise undefined. */
export const parseGatesPanelMessage = /* @__PURE__ */ parser(gatesPanelToHostSchema);
