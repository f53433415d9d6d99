// Abandoning a training update half way (issue #7: Stop acts within a fraction of a second even when one update of a
// large model takes seconds). A caller-supplied check is polled between the time steps of the forward and the
// backward pass; when it answers true the update throws StepAbortedError before anything it would commit is written:
// parameters, optimiser state, carried hidden states and the data cursor stay as they were before the update.

/** Polled between time steps; true abandons the update in progress. */
export type AbortCheck = () => boolean;

export class StepAbortedError extends Error {
  constructor() {
    super('The training update was abandoned (stop or pause requested).');
    this.name = 'StepAbortedError';
  }
}

/** Throws StepAbortedError when the check (if any) asks to abandon the update. */
export function throwIfAborted(check: AbortCheck | null | undefined): void {
  if (check?.()) throw new StepAbortedError();
}
