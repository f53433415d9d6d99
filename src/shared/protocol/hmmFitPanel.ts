// Channel: the host (src/hmm/fitPanel.ts) ↔ the HMM Fit panel's page (webview/hmmfit/): Baum-Welch with restarts on
// one file. The host sends the fit as it runs, as plain JSON-able arrays so the page can save it with setState and
// redraw it after a reload; the page sends Cancel, Save, Decode and Sample, checked by parseHmmFitPanelMessage.
import { panelSeedSchema } from './common';
import { MAX_TRELLIS_STEP } from './trellisPanel';
import { integer, lazy, literal, object, parser, variant, type Infer } from './schema';

export interface HmmFitView {
  fileLabel: string;
  kind: 'discrete' | 'gaussian';
  /** What was fitted, in words (e.g. "characters", "whitespace words", "column \"price\""). */
  inputLabel: string;
  restarts: number;
  /** log P(o | λ^(r)) per iteration, one list per restart (filled while the fit runs). */
  logLikelihoods: number[][];
  /** Set when the fit has finished: the learned model of the best restart. */
  model?: HmmFitModelView;
}

export interface HmmFitModelView {
  best: number;
  converged: boolean;
  observations: number;
  states: string[];
  /** Discrete: the symbols. Gaussian: the column names. */
  symbols: string[];
  start: number[];
  transition: number[][];
  /** Discrete only (N×M). */
  emission: number[][];
  /** Gaussian only (N×D). */
  means: number[][];
  variances: number[][];
}

export interface HmmSampleView {
  seed: number;
  states: string[];
  /** One entry per step: the hidden state and what it emitted (a symbol, or numbers formatted by the host). */
  steps: { state: number; emitted: string }[];
}

/**
 * The fitted file's steps around the editor's cursor, decoded with the best model: steps from..from+W−1 of T, each
 * with what it reads, its Viterbi state and its posterior γ_t(i) = P(s_t = i | o) (W×N, row-major per step).
 */
export interface HmmDecodedRows {
  totalSteps: number;
  from: number;
  /** The step at the editor's cursor (inside the window). */
  selected: number;
  states: string[];
  /** What each step reads: its symbol, or a CSV row's numbers. */
  symbols: string[];
  path: number[];
  posterior: number[];
  /** log P(path, o) and log P(o) of the whole file (nats). */
  pathLogProbability: number;
  logLikelihood: number;
  /** What a step is, for the text: 'character', 'word', 'token' or 'row'. */
  stepNoun: string;
}

export type HostToHmmFitPanel =
  /** A new fit begins: the page clears its drawing. */
  | { type: 'fitStarted'; view: HmmFitView }
  /** The decoded rows around the editor's cursor (after the fit, and whenever the cursor moves in the fitted file). */
  | { type: 'decodedRows'; rows: HmmDecodedRows }
  /** New log-likelihoods of one restart from iteration fromIteration on. */
  | { type: 'fitProgress'; restart: number; fromIteration: number; logLikelihoods: number[] }
  | { type: 'fitFinished'; model: HmmFitModelView }
  /** The fit stopped (cancelled or failed); the page keeps the curves so far and shows the message. */
  | { type: 'fitStopped'; message: string }
  | { type: 'sampleResult'; sample: HmmSampleView }
  /** A message for the user (e.g. the model was saved, or the host no longer has the fit after a reload). */
  | { type: 'notice'; message: string };

/** Longest HMM sample the panel may ask for (steps). */
export const MAX_HMM_PANEL_SAMPLE = 500;

/** Unknown keys are dropped, not refused (as this channel always did). */
const strip = { unknownKeys: 'strip' } as const;

const hmmFitPanelToHostSchema = /* @__PURE__ */ lazy(() => variant('type', [
  object({ type: literal('ready') }, strip),
  /** The user pressed Cancel while the fit runs. */
  object({ type: literal('cancel') }, strip),
  object({ type: literal('saveModel') }, strip),
  object({ type: literal('decode') }, strip),
  object({ type: literal('sample'), length: integer(1, MAX_HMM_PANEL_SAMPLE), seed: panelSeedSchema }, strip),
  /** The user clicked step `step` (0-based) of the decoded rows: the host selects its text in the editor. */
  object({ type: literal('selectStep'), step: integer(0, MAX_TRELLIS_STEP) }, strip),
]));

export type HmmFitPanelToHost = Infer<typeof hmmFitPanelToHostSchema>;

/** Returns the message if it is a well-formed HmmFitPanelToHost, otherwise undefined. */
export const parseHmmFitPanelMessage = /* @__PURE__ */ parser(hmmFitPanelToHostSchema);
