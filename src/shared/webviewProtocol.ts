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
