// Channel: the host (src/panels/trainingPanel.ts) ↔ the Training panel's page (webview/training/). The host sends
// a run's settings, status, curves and samples; the page sends the user's Stop, Pause, Resume, Single Step and
// Resample. The host checks every page message with parseTrainingPanelMessage; a page never names a file.
import type { HeldOutPoint, RunInfo, StepBatch, TextSample } from '../run';
import type { HeldOutSeries, StoredMetrics } from './curves';
import { runIdSchema } from './common';
import { boolean, lazy, literal, number, object, optional, parser, transform, variant, type Infer } from './schema';

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

/** Unknown keys are dropped, not refused (as this channel always did); a page never gets one past the check. */
const strip = { unknownKeys: 'strip' } as const;
const runMessage = /* @__NO_SIDE_EFFECTS__ */ <T extends string>(type: T) => object({ type: literal(type), runId: runIdSchema }, strip);

const resampleSchema = /* @__PURE__ */ lazy(() => object({
  type: literal('resample'), runId: runIdSchema, temperature: number({ min: 0.01, max: 10 }), greedy: optional(boolean()),
}, strip));

const trainingPanelToHostSchema = /* @__PURE__ */ lazy(() => variant('type', [
  /** The page has loaded and wants the current run. */
  object({ type: literal('ready') }, strip),
  /** The user pressed Stop. */
  runMessage('stop'),
  /** The user pressed Pause, Resume or Single Step. */
  runMessage('pause'),
  runMessage('resume'),
  runMessage('step'),
  /** The user asked for a fresh sample at this temperature, or the argmax character at each step (greedy). */
  transform(resampleSchema, 'greedy kept only when true', (m): Infer<typeof resampleSchema> =>
    m.greedy ? m : { type: m.type, runId: m.runId, temperature: m.temperature }),
]));

export type TrainingPanelToHost = Infer<typeof trainingPanelToHostSchema>;

/** Returns the message if it is a well-formed TrainingPanelToHost, otherwise undefined. */
export const parseTrainingPanelMessage = /* @__PURE__ */ parser(trainingPanelToHostSchema);
