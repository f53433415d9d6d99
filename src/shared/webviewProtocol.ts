// The host↔webview channel of the Training panel. The host validates every message a webview sends
// (`parseTrainingPanelMessage`); a webview never names a file.
import type { RunInfo, StepBatch, TextSample } from './run';
import { isTagged } from './messages';

export type HostToTrainingPanel =
  /** Shows a run from scratch: its settings, status and every step so far. */
  | { type: 'showRun'; run: RunInfo; history: StepBatch }
  | ({ type: 'progress' } & StepBatch)
  | ({ type: 'sample' } & TextSample)
  | { type: 'status'; run: RunInfo }
  /**
   * The host no longer has the run the page shows (the window was reloaded and the worker with it): the page keeps
   * its restored curves and marks a run that was still training as stopped, with this message.
   */
  | { type: 'detached'; message: string };

export type TrainingPanelToHost =
  /** The page has loaded and wants the current run. */
  | { type: 'ready' }
  /** The user pressed Stop. */
  | { type: 'stop'; runId: string }
  /** The user asked for a fresh sample at this temperature. */
  | { type: 'resample'; runId: string; temperature: number };

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Returns the message if it is a well-formed TrainingPanelToHost, otherwise undefined. */
export function parseTrainingPanelMessage(raw: unknown): TrainingPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'stop':
      return typeof m.runId === 'string' && RUN_ID.test(m.runId) ? { type: 'stop', runId: m.runId } : undefined;
    case 'resample':
      if (typeof m.runId !== 'string' || !RUN_ID.test(m.runId)) return undefined;
      if (typeof m.temperature !== 'number' || !Number.isFinite(m.temperature)) return undefined;
      if (m.temperature < 0.01 || m.temperature > 10) return undefined;
      return { type: 'resample', runId: m.runId, temperature: m.temperature };
    default:
      return undefined;
  }
}

// ── The Trellis panel (HMM decoding: states × time) ─────────────────────────────────────────────────────────────
// The host keeps the whole decoding and sends the page one window of steps at a time (never the whole trellis),
// as plain JSON-able arrays so the page can save the window with setState and redraw it after a reload.

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

export type TrellisPanelToHost =
  /** The page has loaded and wants the current window. */
  | { type: 'ready' }
  /** The user selected step `step` (0-based) in the panel: the host moves the window and reveals the token. */
  | { type: 'selectStep'; step: number };

/** Largest step index the panel may name (the host clamps it to the decoding's length). */
export const MAX_TRELLIS_STEP = 2 ** 31 - 1;

/** Returns the message if it is a well-formed TrellisPanelToHost, otherwise undefined. */
export function parseTrellisPanelMessage(raw: unknown): TrellisPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'selectStep':
      if (typeof m.step !== 'number' || !Number.isInteger(m.step) || m.step < 0 || m.step > MAX_TRELLIS_STEP) return undefined;
      return { type: 'selectStep', step: m.step };
    default:
      return undefined;
  }
}

// ── The Markov Orders panel (n-gram models of order k = 0..8 on one file) ───────────────────────────────────────
// Plain JSON-able arrays (index k), so the page can save the view with setState and redraw it after a reload.

export interface MarkovOrdersView {
  fileLabel: string;
  unit: 'char' | 'word';
  trainTokens: number;
  heldOutTokens: number;
  /** Distinct training tokens |V| (without <unk>). */
  vocabularySize: number;
  trainPerplexity: number[];
  heldOutPerplexity: number[];
  observedContexts: number[];
  /** log10 |V|^k. */
  log10PossibleContexts: number[];
  samples: string[];
}

export type HostToMarkovPanel =
  /** Shows the orders of one file. */
  | { type: 'showOrders'; view: MarkovOrdersView }
  /** The host no longer has the file the page shows (window reload): the page keeps its drawing. */
  | { type: 'detached'; message: string };

export type MarkovPanelToHost =
  /** The page has loaded and wants the current view. */
  | { type: 'ready' }
  /** The user clicked order k: the host shows the order-k Markov surprisal of the file in the editor. */
  | { type: 'showSurprisal'; order: number };

/** Highest order the panel may name (the engine's MAX_ORDER). */
export const MAX_MARKOV_PANEL_ORDER = 8;

/** Returns the message if it is a well-formed MarkovPanelToHost, otherwise undefined. */
export function parseMarkovPanelMessage(raw: unknown): MarkovPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'showSurprisal':
      if (typeof m.order !== 'number' || !Number.isInteger(m.order) || m.order < 0 || m.order > MAX_MARKOV_PANEL_ORDER) return undefined;
      return { type: 'showSurprisal', order: m.order };
    default:
      return undefined;
  }
}

// ── The Gradient Flow panel (‖∂L/∂h_t‖, Jacobian norm by distance and W_hh spectra of one run's window) ─────────────
// Plain JSON-able arrays, so the page can save the view with setState and redraw it after a reload.

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
}

export type HostToGradientPanel =
  | { type: 'showTrace'; view: GradientFlowView }
  /** Whether the run is training (the host refreshes every ~2 s then). */
  | { type: 'status'; runLabel: string; training: boolean }
  /** A trace could not be made, or the host no longer has the run (window reload): the page keeps its drawing. */
  | { type: 'detached'; message: string };

export type GradientPanelToHost =
  /** The page has loaded and wants a trace. */
  | { type: 'ready' }
  /** The user asked for a fresh trace. */
  | { type: 'refresh' };

/** Returns the message if it is a well-formed GradientPanelToHost, otherwise undefined. */
export function parseGradientPanelMessage(raw: unknown): GradientPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  if (Object.keys(m).length !== 1) return undefined;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'refresh':
      return { type: 'refresh' };
    default:
      return undefined;
  }
}
