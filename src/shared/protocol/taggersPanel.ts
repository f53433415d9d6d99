// Channel: the host (src/taggers/taggersPanel.ts) ↔ the Tagger Comparison panel's page (webview/taggers/): an HMM
// and an RNN tagger on the same tagged file. The page holds the settings controls; the host checks every posted value
// against TAGGER_LIMITS (parseTaggersPanelMessage) before the worker sees it. Results are plain JSON-able arrays, so
// the page saves them with setState and redraws them after a reload.
import { taggerSettingsSchema, type TaggerComparison, type TaggerSettings } from './taggerComparison';
import { lazy, literal, object, parser, variant, type Infer } from './schema';

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

/** Unknown keys are dropped, not refused (as this channel always did). */
const strip = { unknownKeys: 'strip' } as const;

const taggersPanelToHostSchema = /* @__PURE__ */ lazy(() => variant('type', [
  object({ type: literal('ready') }, strip),
  /** Train both taggers with these settings. */
  object({ type: literal('train'), settings: taggerSettingsSchema }, strip),
  /** Stop the RNN now (its scores are reported as far as it got). */
  object({ type: literal('stop') }, strip),
]));

export type TaggersPanelToHost = Infer<typeof taggersPanelToHostSchema>;

/** Returns the message if it is a well-formed TaggersPanelToHost, otherwise undefined. */
export const parseTaggersPanelMessage = /* @__PURE__ */ parser(taggersPanelToHostSchema);
