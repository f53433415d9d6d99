// The host↔webview channel of the Training panel. The host validates every message a webview sends
// (`parseTrainingPanelMessage`); a webview never names a file.
import type { HeldOutPoint, RunInfo, RunStatus, StepBatch, TextSample } from './run';
import { isTagged } from './messages';
import type { TaggerComparison, TaggerSettings } from './workerProtocol';
import type { GradientHistorySnapshot } from './workerProtocol';
import type { TracedOutputs } from './workerProtocol';
import type { RecurrenceTerms } from './workerProtocol';
import type { TracedInput } from './workerProtocol';
import { checkModelSettings, type ModelSettings } from './modelSettings';
import type { DataKind } from './trainingConfig';
import { LAYERS_LIMIT } from './trainingConfig';

// ── Every panel: "Export as PNG…/SVG…" (webview/common/exportImage.ts answers, src/panels/panelExport.ts saves) ──
export type ImageFormat = 'png' | 'svg';
/** Host → any panel: draw yourself as an image of this format. */
export interface ExportImageRequest {
  type: 'exportImage';
  format: ImageFormat;
}
/** Any panel → host: the image bytes (PNG, or SVG as UTF-8), or why there are none. */
export type ExportedImageMessage =
  | { type: 'exportedImage'; format: ImageFormat; bytes: Uint8Array }
  /**
   * `format`: the request it answers (an SVG and a PNG asked for together can both fail). This project's pages always
   * send it; without it the host can place the failure only when one request is in flight.
   */
  | { type: 'exportImageFailed'; format?: ImageFormat; error: string };

/** The largest image a panel may send: far above any panel at 2× (a 1280×800 page is ~1 MB as PNG). */
export const MAX_EXPORTED_IMAGE_BYTES = 20 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** An SVG document: optional XML declaration, comments or doctype, then the <svg> root element. */
const SVG_ROOT = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/;

/** Elements that run or load a document of their own; a panel's copy never has them. */
const ACTIVE_ELEMENTS = /^(script|iframe|frame|frameset|object|embed|handler|listener|base)$/i;
/** A start tag with its attributes (quoted values may hold '>'); `y` flag: must match where a tag starts. */
const START_TAG = /<([A-Za-z][^\s/>]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/y;
const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?/g;
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An attribute value as a browser reads it: character references decoded, then spaces and control characters dropped. */
function attributeValueAsRead(raw: string): string {
  const unquoted = /^["']/.test(raw) ? raw.slice(1, -1) : raw;
  return unquoted
    .replace(/&#x([0-9a-f]+);?|&#(\d+);?|&(\w+);/gi, (whole, hex?: string, dec?: string, name?: string) => {
      const code = hex ? parseInt(hex, 16) : dec ? parseInt(dec, 10) : NaN;
      if (Number.isFinite(code)) return code <= 0x10ffff ? String.fromCodePoint(code) : '';
      return XML_ENTITIES[(name ?? '').toLowerCase()] ?? whole;
    })
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0020\u007f-\u00a0]/g, '')
    .toLowerCase();
}

/**
 * Whether an exported SVG has markup that could run script when the saved file is opened in a browser: a <script>
 * (or another active element), an entity declaration (it can expand to markup), a style sheet processing
 * instruction, an on… event attribute, a javascript:/vbscript: URL in an attribute followed as a URL (href, src, …,
 * animation values, style), or a start tag that does not parse. Text the page copies is escaped (a raw '<' always starts markup), so a panel showing e.g. "one = 1" or
 * "javascript:" as text is still exported.
 */
/** Attributes whose value a browser follows as a URL, or an animation writes into one (local names). */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'data', 'to', 'from', 'by', 'values', 'style']);

function svgCouldRunScript(text: string): boolean {
  if (/<script|<!ENTITY|<\?xml-stylesheet/i.test(text)) return true;
  for (let at = text.indexOf('<'); at >= 0; at = text.indexOf('<', at + 1)) {
    if (!/[A-Za-z]/.test(text.charAt(at + 1))) continue; // </end>, <!-- -->, <?xml ?>
    START_TAG.lastIndex = at;
    const tag = START_TAG.exec(text);
    if (!tag) return true;
    if (ACTIVE_ELEMENTS.test(tag[1].split(':').pop() ?? '')) return true;
    for (const [, name, value] of tag[2].matchAll(ATTRIBUTE)) {
      const local = (name.split(':').pop() ?? '').toLowerCase();
      if (local.startsWith('on') || local === 'srcdoc') return true;
      const read = value === undefined ? '' : attributeValueAsRead(value);
      // Only where a value is followed as a URL or set by an animation: a label or title may quote the data.
      if (URL_ATTRIBUTES.has(local) && (read.includes('javascript:') || read.includes('vbscript:'))) return true;
      if (local === 'attributename' && read.startsWith('on')) return true; // <set attributeName="onclick" …>
    }
    at = START_TAG.lastIndex - 1; // on past the tag: a '<' inside a quoted value is not a tag
  }
  return false;
}

/**
 * Returns the message if it is a well-formed exportedImage: a known format, a non-empty byte array of at most
 * MAX_EXPORTED_IMAGE_BYTES that is what it claims (PNG signature; valid UTF-8 with an <svg> root element and no
 * markup that could run script: svgCouldRunScript); or
 * exportImageFailed with a known format (or none) and a one-line error of at most 500 characters. Otherwise undefined.
 */
export function parseExportedImageMessage(raw: unknown): ExportedImageMessage | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  switch (m.type) {
    case 'exportedImage':
      break;
    case 'exportImageFailed': {
      const format = m.format === 'png' || m.format === 'svg' ? m.format : undefined;
      if (typeof m.error !== 'string' || (m.format !== undefined && !format) || Object.keys(m).length !== (format ? 3 : 2)) return undefined;
      // Shown to the user as is: one line, and nothing that reads as a path.
      // An empty reason is still a failure of that format (not an invalid image): said as such.
      const error = m.error.replace(/[\\/:]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500) || 'no reason given';
      return format ? { type: 'exportImageFailed', format, error } : { type: 'exportImageFailed', error };
    }
    default:
      return undefined;
  }
  if (m.format !== 'png' && m.format !== 'svg') return undefined;
  const format: ImageFormat = m.format;
  const bytes = m.bytes instanceof Uint8Array ? m.bytes : m.bytes instanceof ArrayBuffer ? new Uint8Array(m.bytes) : undefined;
  if (!bytes || bytes.length === 0 || bytes.length > MAX_EXPORTED_IMAGE_BYTES) return undefined;
  if (format === 'png') {
    return PNG_SIGNATURE.every((b, i) => bytes[i] === b) ? { type: 'exportedImage', format, bytes } : undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (!SVG_ROOT.test(text.slice(0, 4096)) || !/<\/svg>\s*$/.test(text) || svgCouldRunScript(text)) return undefined;
  return { type: 'exportedImage', format, bytes };
}

export type HostToTrainingPanel =
  /** Shows a run from scratch: its settings, status and every step so far (storedRunId: its folder in the run store). */
  | { type: 'showRun'; run: RunInfo; history: StepBatch; storedRunId?: string; heldOut?: HeldOutSeries }
  /**
   * Shows a stored run that no live worker holds (e.g. after a window reload), read-only: its curves from
   * metrics.jsonl (one point per `metricsStride` steps, each a mean over those steps). resumable: it has a checkpoint,
   * so the page's Resume runs the Resume command on it.
   */
  | { type: 'showStoredRun'; run: RunInfo; metrics: StoredMetrics; resumable: boolean; heldOut?: HeldOutSeries }
  | ({ type: 'progress' } & StepBatch)
  /** One more held-out score of the shown run. */
  | ({ type: 'heldOut' } & HeldOutPoint)
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
  /** The user pressed Pause, Resume or Single Step. */
  | { type: 'pause'; runId: string }
  | { type: 'resume'; runId: string }
  | { type: 'step'; runId: string }
  /** The user asked for a fresh sample at this temperature, or the argmax character at each step (greedy). */
  | { type: 'resample'; runId: string; temperature: number; greedy?: boolean };

/** A run's held-out scores: loss (and accuracy, NaN where none) after steps[i] updates, steps ascending. */
export interface HeldOutSeries {
  steps: Float64Array;
  losses: Float32Array;
  accuracies: Float32Array;
}

/** The series form of held-out points (what the panels are sent). */
export function heldOutSeries(points: readonly HeldOutPoint[]): HeldOutSeries {
  return {
    steps: Float64Array.from(points, (p) => p.step),
    losses: Float32Array.from(points, (p) => p.loss),
    accuracies: Float32Array.from(points, (p) => p.accuracy ?? NaN),
  };
}

/** A stored run's loss curve: points at steps[i] (ascending), loss and gradient norm means over the step's window. */
export interface StoredMetrics {
  steps: Float64Array;
  losses: Float32Array;
  gradNorms: Float32Array;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Returns the message if it is a well-formed TrainingPanelToHost, otherwise undefined. */
export function parseTrainingPanelMessage(raw: unknown): TrainingPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'stop':
    case 'pause':
    case 'resume':
    case 'step':
      return typeof m.runId === 'string' && RUN_ID.test(m.runId) ? { type: m.type, runId: m.runId } : undefined;
    case 'resample':
      if (typeof m.runId !== 'string' || !RUN_ID.test(m.runId)) return undefined;
      if (typeof m.temperature !== 'number' || !Number.isFinite(m.temperature)) return undefined;
      if (m.temperature < 0.01 || m.temperature > 10) return undefined;
      if (m.greedy !== undefined && typeof m.greedy !== 'boolean') return undefined;
      return { type: 'resample', runId: m.runId, temperature: m.temperature, ...(m.greedy === true ? { greedy: true } : {}) };
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
  | { type: 'detached'; message: string }
  /** The text sampled for the page's Sample request. */
  | { type: 'sampleResult'; order: number; smoothing: MarkovSmoothing; seed: number; text: string }
  | { type: 'sampleFailed'; message: string };

export type MarkovSmoothing = 'add-alpha' | 'kneser-ney';

export type MarkovPanelToHost =
  /** The page has loaded and wants the current view. */
  | { type: 'ready' }
  /** The user clicked order k: the host shows the order-k Markov surprisal of the file in the editor. */
  | { type: 'showSurprisal'; order: number }
  /** The user asked for `length` tokens sampled from the order-k model of the file with this smoothing and seed. */
  | { type: 'sample'; order: number; smoothing: MarkovSmoothing; seed: number; length: number };

/** Longest Markov sample the panel may ask for (tokens). */
export const MAX_MARKOV_PANEL_SAMPLE = 1000;
/** Largest seed a panel may send. */
export const MAX_PANEL_SEED = 2 ** 31 - 1;

const isWhole = (x: unknown, lo: number, hi: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;

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
    case 'sample':
      if (!isWhole(m.order, 0, MAX_MARKOV_PANEL_ORDER) || !isWhole(m.seed, 0, MAX_PANEL_SEED) || !isWhole(m.length, 1, MAX_MARKOV_PANEL_SAMPLE)) return undefined;
      if (m.smoothing !== 'add-alpha' && m.smoothing !== 'kneser-ney') return undefined;
      return { type: 'sample', order: m.order, smoothing: m.smoothing, seed: m.seed, length: m.length };
    default:
      return undefined;
  }
}

// ── The HMM Fit panel (Baum-Welch with restarts on one file) ─────────────────────────────────────────────────────
// Plain JSON-able arrays, so the page can save the fit with setState and redraw it after a reload.

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

export type HmmFitPanelToHost =
  | { type: 'ready' }
  /** The user pressed Cancel while the fit runs. */
  | { type: 'cancel' }
  | { type: 'saveModel' }
  | { type: 'decode' }
  | { type: 'sample'; length: number; seed: number }
  /** The user clicked step `step` (0-based) of the decoded rows: the host selects its text in the editor. */
  | { type: 'selectStep'; step: number };

/** Longest HMM sample the panel may ask for (steps). */
export const MAX_HMM_PANEL_SAMPLE = 500;

/** Returns the message if it is a well-formed HmmFitPanelToHost, otherwise undefined. */
export function parseHmmFitPanelMessage(raw: unknown): HmmFitPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'cancel':
    case 'saveModel':
    case 'decode':
      return { type: m.type };
    case 'sample':
      if (!isWhole(m.length, 1, MAX_HMM_PANEL_SAMPLE) || !isWhole(m.seed, 0, MAX_PANEL_SEED)) return undefined;
      return { type: 'sample', length: m.length, seed: m.seed };
    case 'selectStep':
      if (!isWhole(m.step, 0, MAX_TRELLIS_STEP)) return undefined;
      return { type: 'selectStep', step: m.step };
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

export type GradientPanelToHost =
  /** The page has loaded and wants a trace. */
  | { type: 'ready' }
  /** The user asked for a fresh trace. */
  | { type: 'refresh' }
  /** The user picked step t of the window: the host selects its text in the run's data file. */
  | { type: 'revealStep'; t: number };

/** Returns the message if it is a well-formed GradientPanelToHost, otherwise undefined. */
export function parseGradientPanelMessage(raw: unknown): GradientPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  // A step of the window (the worker traces at most MAX_GATES_WINDOW steps).
  if (m.type === 'revealStep') {
    return Object.keys(m).length === 2 && Number.isInteger(m.t) && (m.t as number) >= 0 && (m.t as number) < MAX_GATES_WINDOW ? { type: 'revealStep', t: m.t as number } : undefined;
  }
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

// ── The Tagger Comparison panel (HMM vs RNN tagger on the same tagged file) ──────────────────────────────────────
// The page holds the settings controls; the host checks every value against TAGGER_LIMITS before the worker sees it.
// Results are plain JSON-able arrays, so the page saves them with setState and redraws them after a reload.

/** Inclusive bounds of the numeric settings (whole numbers except learningRate and heldOutShare). */
export const TAGGER_LIMITS = {
  hiddenSize: { min: 1, max: 256 },
  embeddingSize: { min: 1, max: 128 },
  epochs: { min: 1, max: 200 },
  learningRate: { min: 1e-5, max: 1 },
  seed: { min: 0, max: 2147483647 },
  heldOutShare: { min: 0.05, max: 0.5 },
} as const;

export const DEFAULT_TAGGER_SETTINGS: TaggerSettings = {
  cell: 'rnn',
  bidirectional: true,
  hiddenSize: 32,
  embeddingSize: 16,
  epochs: 5,
  learningRate: 0.01,
  seed: 1,
  heldOutShare: 0.2,
  heldOut: 'split',
};

export interface TaggersPanelSetup {
  fileLabel: string;
  /** The *-test.tsv sibling of a *-train.tsv file (its name), offered as the held-out set; null when there is none. */
  siblingLabel: string | null;
  settings: TaggerSettings;
}

export type HostToTaggersPanel =
  /** The file the panel compares on, and the settings to show. */
  | { type: 'setup'; setup: TaggersPanelSetup }
  /** Training began: the HMM is fitted, the RNN will take plannedSteps updates. */
  | { type: 'started'; plannedSteps: number }
  /** RNN losses of updates firstStep … firstStep + n − 1 (nats per tag), at most 10 messages a second. */
  | { type: 'progress'; firstStep: number; losses: Float32Array }
  | { type: 'results'; fileLabel: string; heldOutLabel: string; result: TaggerComparison }
  | { type: 'failed'; message: string }
  /** The host no longer has the file the page shows (window reload): the page keeps its results. */
  | { type: 'detached'; message: string };

export type TaggersPanelToHost =
  | { type: 'ready' }
  /** Train both taggers with these settings. */
  | { type: 'train'; settings: TaggerSettings }
  /** Stop the RNN now (its scores are reported as far as it got). */
  | { type: 'stop' };

function inRange(v: unknown, limits: { min: number; max: number }, whole: boolean): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= limits.min && v <= limits.max && (!whole || Number.isInteger(v));
}

/** The settings if every field is present and in range, otherwise undefined (only the known fields are kept). */
export function parseTaggerSettings(raw: unknown): TaggerSettings | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const s = raw as Record<string, unknown>;
  const L = TAGGER_LIMITS;
  if (s.cell !== 'rnn' && s.cell !== 'gru' && s.cell !== 'lstm') return undefined;
  if (typeof s.bidirectional !== 'boolean') return undefined;
  if (s.heldOut !== 'split' && s.heldOut !== 'sibling') return undefined;
  if (!inRange(s.hiddenSize, L.hiddenSize, true) || !inRange(s.embeddingSize, L.embeddingSize, true)) return undefined;
  if (!inRange(s.epochs, L.epochs, true) || !inRange(s.seed, L.seed, true)) return undefined;
  if (!inRange(s.learningRate, L.learningRate, false) || !inRange(s.heldOutShare, L.heldOutShare, false)) return undefined;
  return {
    cell: s.cell,
    bidirectional: s.bidirectional,
    hiddenSize: s.hiddenSize,
    embeddingSize: s.embeddingSize,
    epochs: s.epochs,
    learningRate: s.learningRate,
    seed: s.seed,
    heldOutShare: s.heldOutShare,
    heldOut: s.heldOut,
  };
}

/** Returns the message if it is a well-formed TaggersPanelToHost, otherwise undefined. */
export function parseTaggersPanelMessage(raw: unknown): TaggersPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'stop':
      return { type: 'stop' };
    case 'train': {
      const settings = parseTaggerSettings(m.settings);
      return settings ? { type: 'train', settings } : undefined;
    }
    default:
      return undefined;
  }
}

// ── The Gates panel (every gate, c_t and h_t of one run over a window of ≤ 256 characters) ─────────────────────────
// The values travel as a Float32Array (the worker's, as it came). The page saves them with setState (as base64) so a
// reload redraws them; it names time steps by their index in the window only, never a file or an offset.

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
  /** What a tagged, series or sequence-to-one run predicts over the window (workerProtocol.ts TracedOutputs). */
  outputs?: TracedOutputs;
  /** An RNN cell's nonlinearity; absent: tanh. */
  nonlinearity?: 'tanh' | 'relu';
  /** Every term of the step the Unrolled panel asked for (its `recurrence` message), with the worker's numbers. */
  recurrence?: RecurrenceTerms;
  /** What the first layer reads at each step: one-hot, an embedding row or a data row (workerProtocol.ts TracedInput). */
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
  /** The file was read in `pieces` segments side by side, each after `warmup` steps from a zero state (absent: one). */
  pieces?: number;
  warmup?: number;
}

/** Units one whole-file search may name (a hidden size's limit). */
export const MAX_SEARCH_UNITS = 1024;

export type GatesPanelToHost =
  /** The page has loaded and wants a trace. */
  | { type: 'ready' }
  /** The user asked for a fresh trace of the same window. */
  | { type: 'refresh' }
  /** The user picked step t of the window: the host reveals and selects that character in the run's data file. */
  | { type: 'revealStep'; t: number }
  /** The Unrolled panel shows the recurrence of chain c = k·D + d at step t: the host asks the worker for its terms. */
  | { type: 'recurrence'; chain: number; t: number }
  /**
   * Search the run's whole data file for every stretch where these units (0-based) of one layer's h_t or c_t are all
   * ≥ threshold; queryLength is the selected stretch's length in steps.
   */
  | { type: 'searchFile'; layer: number; series: 'h' | 'c'; units: number[]; threshold: number; queryLength: number }
  | { type: 'cancelSearch' }
  /** Select match `index` of the results in the editor; or the next (+1) or previous (−1) one. */
  | { type: 'showMatch'; index: number }
  | { type: 'stepMatch'; direction: 1 | -1 };

/** Returns the message if it is a well-formed GatesPanelToHost, otherwise undefined. */
export function parseGatesPanelMessage(raw: unknown): GatesPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  const keys = Object.keys(m).length;
  switch (m.type) {
    case 'ready':
    case 'refresh':
      return keys === 1 ? { type: m.type } : undefined;
    case 'revealStep':
      if (keys !== 2 || typeof m.t !== 'number' || !Number.isInteger(m.t) || m.t < 0 || m.t >= MAX_GATES_WINDOW) return undefined;
      return { type: 'revealStep', t: m.t };
    case 'recurrence':
      if (keys !== 3 || typeof m.t !== 'number' || !Number.isInteger(m.t) || m.t < 0 || m.t >= MAX_GATES_WINDOW) return undefined;
      if (typeof m.chain !== 'number' || !Number.isInteger(m.chain) || m.chain < 0 || m.chain >= MAX_RECURRENCE_CHAINS) return undefined;
      return { type: 'recurrence', chain: m.chain, t: m.t };
    case 'searchFile': {
      const { layer, series, units, threshold, queryLength } = m;
      if (keys !== 6 || !Number.isInteger(layer) || (layer as number) < 0 || (layer as number) > 16) return undefined;
      if (series !== 'h' && series !== 'c') return undefined;
      if (!Array.isArray(units) || units.length === 0 || units.length > MAX_SEARCH_UNITS) return undefined;
      if (!units.every((j) => Number.isInteger(j) && j >= 0 && j < MAX_SEARCH_UNITS) || new Set(units).size !== units.length) return undefined;
      if (typeof threshold !== 'number' || !Number.isFinite(threshold) || Math.abs(threshold) > 1e6) return undefined;
      if (!Number.isInteger(queryLength) || (queryLength as number) < 1 || (queryLength as number) > MAX_GATES_WINDOW) return undefined;
      return { type: 'searchFile', layer: layer as number, series, units: [...units] as number[], threshold, queryLength: queryLength as number };
    }
    case 'cancelSearch':
      return keys === 1 ? { type: 'cancelSearch' } : undefined;
    case 'showMatch':
      if (keys !== 2 || !Number.isInteger(m.index) || (m.index as number) < 0 || (m.index as number) >= 1_000_000) return undefined;
      return { type: 'showMatch', index: m.index as number };
    case 'stepMatch':
      if (keys !== 2 || (m.direction !== 1 && m.direction !== -1)) return undefined;
      return { type: 'stepMatch', direction: m.direction };
    default:
      return undefined;
  }
}

// ── The Compare Runs panel (loss curves and final metrics of 2+ stored runs, overlaid) ─────────────────────────────
// The host re-reads the runs from the run store (and follows live ones); the page saves only the run ids it shows.

/** At most this many runs in one comparison (one colour each). */
export const MAX_COMPARED_RUNS = 12;

/** One run of a comparison: its settings, its curve and its summary (computed by src/panels/compareSummary.ts). */
export interface ComparedRun {
  /** The stored run's id. */
  id: string;
  /** Legend name: the model label, with what tells equal labels apart (e.g. the seed). */
  label: string;
  fileLabel: string;
  cell: string;
  hiddenSize: number;
  layers: number;
  optimizer: string;
  learningRate: number;
  seed: number;
  /** What its loss is (webview/common/lossUnit.ts): nats per character, word or tag, or a mean squared error. */
  dataKind: DataKind;
  /** The last step it reached, of maxSteps. */
  step: number;
  maxSteps: number;
  status: RunStatus;
  /** Loss (in its dataKind's unit) and gradient-norm means over the last 5% of the steps; best: the lowest point. */
  finalLoss?: number;
  bestLoss?: number;
  /** e^finalLoss; none for a mean squared error. */
  perplexity?: number;
  gradNorm?: number;
  /** Only while it trains in this window, and not for a mean squared error. */
  charsPerSecond?: number;
  /** The loss on its held-out data at its last score (absent for runs older than held-out loss), and every score. */
  heldOutLoss?: number;
  heldOutCurve?: { steps: Float64Array; losses: Float32Array };
  curve: StoredMetrics;
}

export type HostToComparePanel =
  /** The whole comparison (sent again, at most a few times a second, while a compared run trains). */
  | { type: 'showComparison'; runs: ComparedRun[]; summary: string; missing: number }
  /** The host has no comparison for the page (e.g. every run was deleted): the page keeps what it shows. */
  | { type: 'detached'; message: string };

export type ComparePanelToHost =
  /** The page has loaded and wants the comparison. */
  | { type: 'ready' }
  /** The user asked for a run's Training panel. */
  | { type: 'openRun'; runId: string };

/** Returns the message if it is a well-formed ComparePanelToHost, otherwise undefined. */
export function parseComparePanelMessage(raw: unknown): ComparePanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  const keys = Object.keys(m).length;
  switch (m.type) {
    case 'ready':
      return keys === 1 ? { type: 'ready' } : undefined;
    case 'openRun':
      return keys === 2 && typeof m.runId === 'string' && RUN_ID.test(m.runId) ? { type: 'openRun', runId: m.runId } : undefined;
    default:
      return undefined;
  }
}

/** The run ids of a Compare Runs page's saved state ({ runIds: [...] }), or undefined when it is not one. */
export function parseComparedRunIds(state: unknown): string[] | undefined {
  const ids = (state as { runIds?: unknown } | undefined)?.runIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_COMPARED_RUNS) return undefined;
  if (!ids.every((id): id is string => typeof id === 'string' && RUN_ID.test(id))) return undefined;
  return [...new Set(ids)];
}

// ── The Vanishing/Exploding Gradient Lab (tanh RNN and LSTM at one spectral radius of W_hh, loss at the last step) ──
// The page holds the controls and asks for one computation per settled change; the host checks every value against
// GRADIENT_LAB_LIMITS before the worker sees it. Views are plain JSON-able arrays (NaN as null), saved with setState.

export const GRADIENT_LAB_LIMITS = {
  spectralRadius: { min: 0.5, max: 1.5, step: 0.05 },
  steps: { min: 10, max: 200 },
  hiddenSize: { min: 2, max: 128 },
  forgetBias: { min: 0, max: 3 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  requestId: { min: 0, max: 2 ** 31 - 1 },
} as const;

export interface GradientLabSettings {
  /** ρ(W_hh) of both models (every H×H block of the LSTM's W_hh). */
  spectralRadius: number;
  /** T: the loss is at the last of T steps. */
  steps: number;
  hiddenSize: number;
  seed: number;
  /** b_if + b_hf of the LSTM: 0 (PyTorch's default on average) … 3. */
  forgetBias: number;
}

export interface GradientLabView extends GradientLabSettings {
  /** What the models read, in words (a file label, or "a generated sequence"). */
  dataLabel: string;
  /** Index t = 0 … T−1: ‖∂L_T/∂h_t‖ of the RNN and the LSTM, ‖∂L_T/∂c_t‖ of the LSTM (null: not a finite number). */
  rnnHidden: (number | null)[];
  lstmHidden: (number | null)[];
  lstmCell: (number | null)[];
  meanForgetGate: number | null;
  /** Fitted factor per step back in time. */
  rnnDecay: number | null;
  lstmHiddenDecay: number | null;
  lstmCellDecay: number | null;
  /** ‖∂L_T/∂h_t‖ of a linear RNN with the same W_hh (closed form), σ_max(W_hh), the carousel's best factor per step. */
  linearHidden?: (number | null)[];
  largestSingularValue?: number | null;
  carouselFactor?: number | null;
}

/** A finished run the lab's trained-weights mode reads: a one-layer tanh RNN or LSTM character model with a checkpoint. */
export interface TrainedRunChoice {
  id: string;
  cell: 'rnn' | 'lstm';
  /** e.g. "char LSTM · H=32 · reber-lstm.seqlab.json · step 3000". */
  label: string;
  fileLabel: string;
  /** Equal for runs on the same text (a prefix of its SHA-256): the page pairs runs of one file. */
  fileKey: string;
}

/** The lab's curves after training (src/engine/trainedGradients.ts), with the runs they come from. */
export interface TrainedGradientLabView {
  steps: number;
  /** ρ and σ_max of the trained tanh RNN's W_hh (measured, not set). */
  spectralRadius: number;
  largestSingularValue: number | null;
  dataLabel: string;
  rnnRun: string;
  lstmRun: string;
  /** BPTT length each run trained with: the distance training ever sent a gradient. */
  rnnTruncation: number;
  lstmTruncation: number;
  rnnHidden: (number | null)[];
  lstmHidden: (number | null)[];
  lstmCell: (number | null)[];
  linearHidden: (number | null)[];
  meanForgetGate: number | null;
  carouselFactor: number | null;
  /** Mean b_if + b_hf of the trained LSTM. */
  lstmForgetBias: number | null;
}

export type HostToGradientLabPanel =
  /** The answer to the page's `compute` of the same requestId (the page drops answers older than its latest). */
  | { type: 'labResult'; requestId: number; view: GradientLabView }
  | { type: 'labFailed'; requestId: number; message: string }
  /** What the lab runs on; `note` explains a fallback (e.g. after a window reload). */
  | { type: 'dataSource'; label: string; note?: string }
  /** The runs the trained-weights mode can read; `missing` says what to train first when a cell has none. */
  | { type: 'trainedRuns'; runs: TrainedRunChoice[]; missing: string | null }
  | { type: 'trainedResult'; requestId: number; view: TrainedGradientLabView };

export type GradientLabPanelToHost =
  | { type: 'ready' }
  | ({ type: 'compute'; requestId: number } & GradientLabSettings)
  | { type: 'listTrainedRuns' }
  | { type: 'computeTrained'; requestId: number; rnnRunId: string; lstmRunId: string; steps: number };

const inLimits = (v: unknown, limits: { min: number; max: number }): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= limits.min && v <= limits.max;

/** Returns the message if it is a well-formed GradientLabPanelToHost, otherwise undefined. */
export function parseGradientLabPanelMessage(raw: unknown): GradientLabPanelToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  const L = GRADIENT_LAB_LIMITS;
  switch (m.type) {
    case 'ready':
      return Object.keys(m).length === 1 ? { type: 'ready' } : undefined;
    case 'compute': {
      if (Object.keys(m).length !== 7) return undefined;
      // ρ on the slider's grid of 0.05 (to rounding), so the worker never sees a value the page cannot show.
      const onGrid = inLimits(m.spectralRadius, L.spectralRadius) && Math.abs(Math.round(m.spectralRadius / L.spectralRadius.step) * L.spectralRadius.step - m.spectralRadius) < 1e-9;
      if (!onGrid || !isWhole(m.steps, L.steps.min, L.steps.max) || !isWhole(m.hiddenSize, L.hiddenSize.min, L.hiddenSize.max)) return undefined;
      if (!isWhole(m.seed, L.seed.min, L.seed.max) || !isWhole(m.forgetBias, L.forgetBias.min, L.forgetBias.max)) return undefined;
      if (!isWhole(m.requestId, L.requestId.min, L.requestId.max)) return undefined;
      return {
        type: 'compute', requestId: m.requestId, spectralRadius: m.spectralRadius as number, steps: m.steps,
        hiddenSize: m.hiddenSize, seed: m.seed, forgetBias: m.forgetBias,
      };
    }
    case 'listTrainedRuns':
      return Object.keys(m).length === 1 ? { type: 'listTrainedRuns' } : undefined;
    case 'computeTrained': {
      if (Object.keys(m).length !== 5) return undefined;
      if (typeof m.rnnRunId !== 'string' || !RUN_ID.test(m.rnnRunId) || typeof m.lstmRunId !== 'string' || !RUN_ID.test(m.lstmRunId)) return undefined;
      if (!isWhole(m.steps, L.steps.min, L.steps.max) || !isWhole(m.requestId, L.requestId.min, L.requestId.max)) return undefined;
      return { type: 'computeTrained', requestId: m.requestId, rnnRunId: m.rnnRunId, lstmRunId: m.lstmRunId, steps: m.steps };
    }
    default:
      return undefined;
  }
}

// ── The Model view (sidebar form: data kind, model and training of an experiment; Train on the active file) ─────────
// The page checks its fields with checkModelSettings (src/shared/modelSettings.ts) for inline messages; the host
// checks every posted settings object again with the same function. The page never names a file.

/** The file "Train" will use, or why there is none; `duplicating` names the run a "Duplicate with Changes…" copies. */
export interface ModelViewTarget {
  fileLabel: string | null;
  /** The data kind the file's name suggests (the form follows it until the user picks one). */
  suggestedKind: DataKind | null;
  /** Why Train is unavailable (no file), or null. */
  reason: string | null;
  duplicating: string | null;
}

export type HostToModelView =
  /** The defaults from sequenceLab.training.* (sent again when the settings change). */
  | { type: 'defaults'; settings: ModelSettings }
  | { type: 'target'; target: ModelViewTarget }
  /** Fill the form with a run's settings (Duplicate with Changes…; the target names the run). */
  | { type: 'prefill'; settings: ModelSettings }
  /** The outcome of the last Train or Save, in one line. */
  | { type: 'status'; message: string; error: boolean };

export type ModelViewToHost =
  | { type: 'ready' }
  | { type: 'train'; settings: ModelSettings }
  | { type: 'saveExperiment'; settings: ModelSettings }
  /** Forget the duplicated run's file: train on the active editor's file again. */
  | { type: 'useActiveFile' };

/** Returns the message if it is a well-formed ModelViewToHost with settings an experiment file accepts, otherwise undefined. */
export function parseModelViewMessage(raw: unknown): ModelViewToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as unknown as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'useActiveFile':
      return Object.keys(m).length === 1 ? { type: m.type } : undefined;
    case 'train':
    case 'saveExperiment': {
      if (Object.keys(m).length !== 2) return undefined;
      const checked = checkModelSettings(m.settings);
      return checked.ok ? { type: m.type, settings: checked.settings } : undefined;
    }
    default:
      return undefined;
  }
}
