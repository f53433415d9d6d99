// Channel: the host (src/hmm/trellisPanel.ts) ↔ the Trellis panel's page (webview/trellis/): HMM decoding, states ×
// time. The host keeps the whole decoding and sends the page one window of steps at a time (never the whole
// trellis), as plain JSON-able arrays so the page can save the window with setState and redraw it after a reload.
// The page sends the step the user picks; the host checks it with parseTrellisPanelMessage.
import { integer, lazy, literal, object, parser, variant, type Infer } from './schema';

/** One window of the trellis: steps from..from+W−1 of T, N states. Matrices are row-major per step: [k·N + i]. */
export interface TrellisWindow {
  fileLabel: string;
  modelLabel: string;
  states: string[];
  /** Total number of steps T. */
  totalSteps: number;
  /** The first step of the window (0-based). */
  from: number;
  /** The selected step (0-based, inside the window). */
  selected: number;
  /** The observation symbol of each step of the window (W). */
  symbols: string[];
  /** The Viterbi state of each step of the window (W). */
  path: number[];
  /** γ_t(i) = P(s_t = i | o) (W×N). */
  posterior: number[];
  /** ψ_t(i): the best predecessor of state i at step t, −1 at t = 0 (W×N). */
  backpointer: number[];
  /** δ_t(i): log-probability of the best path ending in i at t (W×N, nats). */
  delta: number[];
  /** log B[i, o_t] (W×N) and log π_i (N); log A[i, j] at logTransition[i·N + j] (N×N). null stands for −∞. */
  logEmission: (number | null)[];
  logStart: (number | null)[];
  logTransition: (number | null)[];
  pathLogProbability: number;
  logLikelihood: number;
}

export type HostToTrellisPanel =
  /** Shows a window of the trellis with its selected step. */
  | { type: 'showWindow'; view: TrellisWindow }
  /** The host no longer has the decoding the page shows (e.g. after a window reload): the page keeps its drawing. */
  | { type: 'detached'; message: string };

/** Largest step index the panel may name (the host clamps it to the decoding's length). */
export const MAX_TRELLIS_STEP = 2 ** 31 - 1;

/** Unknown keys are dropped, not refused (as this channel always did). */
const strip = { unknownKeys: 'strip' } as const;

const trellisPanelToHostSchema = /* @__PURE__ */ lazy(() => variant('type', [
  /** The page has loaded and wants the current window. */
  object({ type: literal('ready') }, strip),
  /** The user selected step `step` (0-based) in the panel: the host moves the window and reveals the token. */
  object({ type: literal('selectStep'), step: integer(0, MAX_TRELLIS_STEP) }, strip),
]));

export type TrellisPanelToHost = Infer<typeof trellisPanelToHostSchema>;

/** Returns the message if it is a well-formed TrellisPanelToHost, otherwise undefined. */
export const parseTrellisPanelMessage = /* @__PURE__ */ parser(trellisPanelToHostSchema);
