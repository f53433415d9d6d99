// Channel: the host (src/panels/gradientFlowPanel.ts) ↔ the Gradient Flow panel's page (webview/gradientFlow/):
// ‖∂L/∂h_t‖, the Jacobian norm by distance and the W_hh spectra of one run's window. The host sends plain JSON-able
// arrays, so the page can save the view with setState and redraw it after a reload; the page sends Refresh and the
// step the user picks, checked by parseGradientPanelMessage.
import type { GradientHistorySnapshot } from './traces';
import { MAX_GATES_WINDOW } from './gatesPanel';
import { integer, lazy, literal, object, parser, variant, type Infer } from './schema';

export interface GradientFlowView {
  runLabel: string;
  step: number;
  start: number;
  layers: number;
  /** ‖∂L/∂h_t‖ per layer: gradNormH[k][t]. */
  gradNormH: number[][];
  /** ‖∂h_T/∂h_{T−n}‖ at jacobianNorm[n − 1] (first layer). */
  jacobianNorm: number[];
  spectralRadius: number[];
  largestSingularValue: number[];
  tokens: string[];
  /** The run's history over training (typed arrays, as the worker sent them; the page saves them as plain arrays). */
  history?: GradientHistorySnapshot;
  /** 'words' for a word run (a step is a whitespace word; start is a word index); 'tokens' / 'rows' as GatesView's; absent for characters. */
  tokenKind?: 'words' | 'tokens' | 'rows';
  /** D = 2 for a bidirectional run: gradNormH then has a row per chain, c = k·D + d (d = 0 h→, d = 1 h←). */
  directions?: number;
  /** The run's cell and K of truncated BPTT, for the reading (src/shared/gradientReading.ts). */
  cell?: 'rnn' | 'gru' | 'lstm';
  truncation?: number;
  /** LSTM runs, first layer: ‖∂L/∂c_t‖ per t, the carousel's ‖∂c_T/∂c_{T−n}‖ at cellPath[n − 1], the mean forget gate. */
  gradNormC?: number[];
  cellPath?: number[];
  meanForgetGate?: number;
}

export type HostToGradientPanel =
  | { type: 'showTrace'; view: GradientFlowView }
  /** Whether the run is training (the host refreshes every ~2 s then). */
  | { type: 'status'; runLabel: string; training: boolean }
  /** A trace could not be made, or the host no longer has the run (window reload): the page keeps its drawing. */
  | { type: 'detached'; message: string }
  /** The editor's cursor moved to step t of the shown window (−1: outside it). */
  | { type: 'select'; t: number };

const gradientPanelToHostSchema = /* @__PURE__ */ lazy(() => variant('type', [
  /** The page has loaded and wants a trace. */
  object({ type: literal('ready') }),
  /** The user asked for a fresh trace. */
  object({ type: literal('refresh') }),
  /** The user picked step t of the window (the worker traces at most MAX_GATES_WINDOW steps): the host selects its text. */
  object({ type: literal('revealStep'), t: integer(0, MAX_GATES_WINDOW - 1) }),
]));

export type GradientPanelToHost = Infer<typeof gradientPanelToHostSchema>;

/** Returns the message if it is a well-formed GradientPanelToHost, otherwise undefined. */
export const parseGradientPanelMessage = /* @__PURE__ */ parser(gradientPanelToHostSchema);
