// Errors the engine raises on purpose. Both carry a message written for the user, not for a stack trace.

/** The input (text, settings) cannot be trained on; the message says why in plain words. */
export class EngineInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineInputError';
  }
}

/** What kind of number went bad: a parameter, the loss, or a gradient. */
export type NumericFaultKind = 'parameter' | 'loss' | 'gradient';

/**
 * A training step produced NaN or ±Infinity. Thrown before the update, so the parameters, the optimiser state and
 * the data cursor are exactly as they were before the failing step.
 */
export class NumericFaultError extends Error {
  constructor(
    /** e.g. "W_hh" or "loss". */
    readonly tensor: string,
    readonly kind: NumericFaultKind,
    /** The 1-based number of the step that failed. */
    readonly step: number,
    /** The offending value (NaN, Infinity or -Infinity). */
    readonly value: number,
    /** Where it first appeared, when known (e.g. "h_l0 at time step 29 of the chunk"). */
    where?: string,
  ) {
    // No word on what happens next: the extension pauses the run at its last good state, the CLI stops.
    const what = kind === 'loss' ? 'the loss' : kind === 'gradient' ? `the gradient of ${tensor}` : `the parameter ${tensor}`;
    super(
      `Step ${step} made ${what} ${String(value)}${where ? ` (first in ${where})` : ''}; the model is as it was before that step. ` +
        'Try a smaller learning rate or a lower gradient clip norm.',
    );
    this.name = 'NumericFaultError';
  }
}
