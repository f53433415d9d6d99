// Pure (no vscode): the distance N of the vanishing-gradient rule (sequenceLab.rnnEditor.vanishingSteps) and the
// gradient trace window that can measure it. A trace of T characters gives ‖∂h_T/∂h_{T−n}‖ for n = 1 … T − 1, so
// distance N needs T ≥ N + 1. Unit-tested in test/host/rnnEditor.test.ts.

/** The window traced when N is small: enough to show a decay, cheap to trace every few seconds while training. */
export const GRADIENT_WINDOW = 64;
/** The largest N (the setting's "maximum" in package.json): a trace of at most 512 characters stays cheap. */
export const MAX_VANISHING_STEPS = 511;

/** N from the setting's value (a user's settings.json may hold anything), and the window T = max(64, N + 1) to trace. */
export function vanishingWindow(setting: unknown): { steps: number; window: number } {
  const n = typeof setting === 'number' && Number.isFinite(setting) ? Math.round(setting) : 50;
  const steps = Math.max(1, Math.min(MAX_VANISHING_STEPS, n));
  return { steps, window: Math.max(GRADIENT_WINDOW, steps + 1) };
}
