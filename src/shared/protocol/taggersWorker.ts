// Channel: the host's taggers client (src/taggers/taggersWorker.ts, for the Tagger Comparison panel) ↔ the worker
// (src/worker/taggers.ts), its own dist/worker.js instance, so comparing taggers never delays the Training panel's
// worker. One comparison at a time: it posts progress of the RNN's loss (≤ 10/s), then one result, which after
// `stopTaggers` scores the RNN as far as it got. The settings were checked where the page posted them
// (taggerComparison.ts parseTaggerSettings).
import type { TaggerComparison, TaggerSettings } from './taggerComparison';
import type { Exact } from './routing';

export type HostToTaggersWorker =
  /** Train both taggers on `trainText` and score them on `heldOutText` (or on a seeded split of `trainText`). */
  | { type: 'compareTaggers'; requestId: string; trainText: string; heldOutText?: string; settings: TaggerSettings }
  /** Stop the RNN at the next update; the result is still sent, with `rnn.stopped`. */
  | { type: 'stopTaggers'; requestId: string };

export type TaggersWorkerToHost =
  | { type: 'taggersStarted'; requestId: string; plannedSteps: number }
  /** RNN updates firstStep … firstStep + n − 1: mean cross-entropy per tag in nats. */
  | { type: 'taggersProgress'; requestId: string; firstStep: number; losses: Float32Array }
  | { type: 'taggersResult'; requestId: string; result: TaggerComparison }
  | { type: 'taggersFailed'; requestId: string; message: string };

const TAGGERS_REQUEST_TYPES = ['compareTaggers', 'stopTaggers'] as const;
/** Compiles only while the list above names every HostToTaggersWorker type and nothing else. */
const taggersTypesExact: Exact<(typeof TAGGERS_REQUEST_TYPES)[number], HostToTaggersWorker['type']> = true;
const taggersRequestTypes: ReadonlySet<string> = new Set(taggersTypesExact ? TAGGERS_REQUEST_TYPES : []);

export function isTaggersRequest(value: { type: string }): value is HostToTaggersWorker {
  return taggersRequestTypes.has(value.type);
}
