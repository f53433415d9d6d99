// What the Training panel shows of a stored run no worker holds (after a window reload, or a stored run clicked in
// the Runs view): run.json as a RunInfo, metrics.jsonl as its curve, and whether Resume can continue it. Pure (no
// vscode): src/panels/trainingPanel.ts posts it, the tests build it from a real RunStore on a temporary folder.
import type { HeldOutPoint } from '../shared/run';
import { heldOutSeries } from '../shared/protocol/curves';
import type { HostToTrainingPanel } from '../shared/protocol/trainingPanel';
import type { MetricLine, StoredRun } from '../training/runStore';

export type StoredRunMessage = Extract<HostToTrainingPanel, { type: 'showStoredRun' }>;

/** The showStoredRun message of `stored`; `canResume`: the service can start a run from a checkpoint. */
export function storedRunMessage(stored: StoredRun, metrics: readonly MetricLine[], canResume: boolean, heldOut: readonly HeldOutPoint[] = []): StoredRunMessage {
  const resumable = stored.checkpointStep !== undefined && canResume;
  // An interrupted run's message already names its checkpoint (src/training/runStore.ts): say it once.
  const namesCheckpoint = stored.message?.includes(`checkpoint of step ${stored.checkpointStep}.`) === true;
  const note = !resumable
    ? 'Shown from the stored run (read-only); it has no checkpoint to resume from.'
    : namesCheckpoint
      ? 'Shown from the stored run (read-only).'
      : `Shown from the stored run (read-only); Resume continues it from the checkpoint of step ${stored.checkpointStep}.`;
  const points = metrics.filter((m) => Number.isFinite(m.step) && Number.isFinite(m.loss));
  return {
    type: 'showStoredRun',
    run: {
      id: stored.id,
      fileLabel: stored.dataLabel,
      modelLabel: stored.modelLabel,
      config: stored.config,
      status: stored.status,
      ...(stored.vocabSize !== undefined ? { vocabSize: stored.vocabSize } : {}),
      ...(stored.heldOut !== undefined ? { heldOut: stored.heldOut } : {}),
      message: stored.message ? `${stored.message} ${note}` : note,
    },
    metrics: {
      steps: Float64Array.from(points, (m) => m.step),
      losses: Float32Array.from(points, (m) => m.loss),
      gradNorms: Float32Array.from(points, (m) => (Number.isFinite(m.gradNorm) ? m.gradNorm : 0)),
    },
    resumable,
    // Runs older than held-out loss have no heldout.jsonl: their curves show as before.
    ...(heldOut.length > 0 ? { heldOut: heldOutSeries(heldOut) } : {}),
  };
}
