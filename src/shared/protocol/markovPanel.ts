// Channel: the host (src/markov/markovOrdersPanel.ts) ↔ the Markov Orders panel's page (webview/markov/): n-gram
// models of order k = 0..8 on one file. The host sends the orders as plain JSON-able arrays (index k), so the page
// can save the view with setState and redraw it after a reload, and the samples it asks for. The page sends the
// order the user clicks and its Sample requests; the host checks them with parseMarkovPanelMessage.
import { panelSeedSchema } from './common';
import { integer, lazy, literal, object, parser, picklist, variant, type Infer } from './schema';

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

const markovSmoothingSchema = /* @__PURE__ */ picklist(['add-alpha', 'kneser-ney']);
export type MarkovSmoothing = Infer<typeof markovSmoothingSchema>;

/** Longest Markov sample the panel may ask for (tokens). */
export const MAX_MARKOV_PANEL_SAMPLE = 1000;

/** Highest order the panel may name (the engine's MAX_ORDER). */
export const MAX_MARKOV_PANEL_ORDER = 8;

/** Unknown keys are dropped, not refused (as this channel always did). */
const strip = { unknownKeys: 'strip' } as const;
const order = /* @__PURE__ */ integer(0, MAX_MARKOV_PANEL_ORDER);

const markovPanelToHostSchema = /* @__PURE__ */ lazy(() => variant('type', [
  /** The page has loaded and wants the current view. */
  object({ type: literal('ready') }, strip),
  /** The user clicked order k: the host shows the order-k Markov surprisal of the file in the editor. */
  object({ type: literal('showSurprisal'), order }, strip),
  /** The user asked for `length` tokens sampled from the order-k model of the file with this smoothing and seed. */
  object({
    type: literal('sample'), order, smoothing: markovSmoothingSchema, seed: panelSeedSchema,
    length: integer(1, MAX_MARKOV_PANEL_SAMPLE),
  }, strip),
]));

export type MarkovPanelToHost = Infer<typeof markovPanelToHostSchema>;

/** Returns the message if it is a well-formed MarkovPanelToHost, otherwise undefined. */
export const parseMarkovPanelMessage = /* @__PURE__ */ parser(markovPanelToHostSchema);
