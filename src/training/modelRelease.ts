// Which finished runs' models the worker may drop (pure; no vscode import). The worker holds the model of every run
// it trained so panels can trace it and sample from it; a session of many runs would grow it without bound, so the
// models of finished runs beyond the newest few are released. Their checkpoints stay in the run store (Resume).
import type { RunInfo } from '../shared/run';

/** Finished runs whose models stay loaded, newest first. */
export const LOADED_FINISHED_RUNS = 4;

const HELD: ReadonlySet<RunInfo['status']> = new Set(['starting', 'training', 'paused']);

/**
 * The ids to release, given the runs in start order: finished (not failed, not training or paused) runs older than
 * the newest `keep` finished ones, skipping those released before.
 */
export function modelsToRelease(runs: readonly Pick<RunInfo, 'id' | 'status'>[], released: ReadonlySet<string>, keep = LOADED_FINISHED_RUNS): string[] {
  const finished = runs.filter((r) => !HELD.has(r.status) && r.status !== 'failed');
  return finished.slice(0, Math.max(0, finished.length - keep)).map((r) => r.id).filter((id) => !released.has(id));
}
