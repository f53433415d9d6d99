// Channel: the host (src/panels/comparePanel.ts) ↔ the Compare Runs panel's page (webview/compare/): loss curves and
// final metrics of 2+ stored runs, overlaid. The host re-reads the runs from the run store (and follows live ones);
// the page saves only the run ids it shows and asks for a run's Training panel (parseComparePanelMessage).
import type { RunStatus } from '../run';
import type { DataKind } from '../trainingConfig';
import type { StoredMetrics } from './curves';
import { runIdSchema } from './common';
import { array, lazy, literal, object, parser, transform, variant, type Infer } from './schema';

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
  /** The last step it reached, of steps (its config's steps). */
  step: number;
  steps: number;
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

const comparePanelToHostSchema = /* @__PURE__ */ lazy(() => variant('type', [
  /** The page has loaded and wants the comparison. */
  object({ type: literal('ready') }),
  /** The user asked for a run's Training panel. */
  object({ type: literal('openRun'), runId: runIdSchema }),
]));

export type ComparePanelToHost = Infer<typeof comparePanelToHostSchema>;

/** Returns the message if it is a well-formed ComparePanelToHost, otherwise undefined. */
export const parseComparePanelMessage = /* @__PURE__ */ parser(comparePanelToHostSchema);

/** A Compare Runs page's saved state: 1…MAX_COMPARED_RUNS run ids (other keys are the page's own, and dropped). */
const comparedRunIdsSchema = /* @__PURE__ */ lazy(() => transform(
  object({ runIds: array(runIdSchema, { min: 1, max: MAX_COMPARED_RUNS }) }, { unknownKeys: 'strip' }),
  'each id once',
  (state) => [...new Set(state.runIds)],
));

/** The run ids of a Compare Runs page's saved state ({ runIds: [...] }), or undefined when it is not one. */
export const parseComparedRunIds = /* @__PURE__ */ parser(comparedRunIdsSchema);
