// Channel: the host's taggers client (src/taggers/taggersWorker.ts, for the Tagger Comparison panel) ↔ the worker
// (src/worker/taggers.ts), its own dist/worker.js instance, so comparing taggers never delays the Training panel's
// worker. One comparison at a time: it posts progress of the RNN's loss (≤ 10/s), then one result, which after
// `stopTaggers` scores the RNN as far as it got. The settings were checked where the page posted them
// (taggerComparison.ts parseTaggerSettings).
// The worker checks each request once more on receipt (parseHostToTaggersWorker), from the schema that gives
// HostToTaggersWorker its type.
import { taggerSettingsSchema, type TaggerComparison } from './taggerComparison';
import type { Exact } from './routing';
import { lazy, literal, object, optional, parser, string, variant, type Infer } from './schema';

/** A tagged file the host read from an editor (VS Code hands extensions no document over 50 MB). */
const MAX_TAGGERS_TEXT = 64 * 1024 * 1024;

const hostToTaggersWorkerSchema = /* @__PURE__ */ lazy(() => variant('type', [
  /** Train both taggers on `trainText` and score them on `heldOutText` (or on a seeded split of `trainText`). */
  object({
    type: literal('compareTaggers'), requestId: string({ min: 1, max: 64 }), trainText: string({ max: MAX_TAGGERS_TEXT }),
    heldOutText: optional(string({ max: MAX_TAGGERS_TEXT })), settings: taggerSettingsSchema,
  }),
  /** Stop the RNN at the next update; the result is still sent, with `rnn.stopped`. */
  object({ type: literal('stopTaggers'), requestId: string({ min: 1, max: 64 }) }),
]));

export type HostToTaggersWorker = Infer<typeof hostToTaggersWorkerSchema>;

/** The worker's check of a request on receipt: the request, or undefined when it is malformed. */
export const parseHostToTaggersWorker = /* @__PURE__ */ parser(hostToTaggersWorkerSchema);

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
