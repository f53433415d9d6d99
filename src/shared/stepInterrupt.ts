// Interrupting a training update in progress (issue #7). The worker's message loop cannot see a `stop` or `pause`
// while one long update (seconds for a large model) holds its thread, so the host also counts every such request in a
// shared Int32 (a SharedArrayBuffer given to the worker in workerData) before posting it. The worker counts the ones
// it has handled; while the two differ a request is waiting, and the trainer abandons the update in progress (it
// changes nothing: see src/engine/stepAbort.ts), yields, handles the request and acts on it.

/** The requests that interrupt an update in progress. */
export const INTERRUPTING_REQUESTS: ReadonlySet<string> = new Set(['stop', 'pause', 'dispose']);

/** workerData of the training worker. */
export interface TrainingWorkerData {
  /** One Int32: interrupting requests posted by the host so far (wrapping). */
  interrupts?: SharedArrayBuffer;
  /** Least wall time between two periodic checkpoints (default 2000 ms; 0 for tests that count checkpoints by step). */
  checkpointFloorMs?: number;
  /** Least wall time between two samples during training (default 500 ms; 0 for tests that count samples by step). */
  sampleFloorMs?: number;
}

export function createInterruptCounter(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** Host side: counts a request about to be posted (call before postMessage, so the worker never sees it uncounted). */
export function countInterrupt(counter: SharedArrayBuffer): void {
  Atomics.add(new Int32Array(counter), 0, 1);
}

/** Worker side: is an interrupting request waiting? */
export class InterruptReceiver {
  private readonly requested: Int32Array | null;
  private handled = 0;

  constructor(counter: SharedArrayBuffer | undefined) {
    // A browser page that is not cross-origin isolated has no SharedArrayBuffer at all (naming it throws): no counter.
    this.requested = typeof SharedArrayBuffer === 'function' && counter instanceof SharedArrayBuffer ? new Int32Array(counter) : null;
  }

  /** True while the host has posted more interrupting requests than this worker has handled. */
  readonly pending = (): boolean => this.requested !== null && Atomics.load(this.requested, 0) !== this.handled;

  /** One interrupting request handled (never counts past the host's count: an uncounted request changes nothing). */
  acknowledge(): void {
    if (this.requested && ((Atomics.load(this.requested, 0) - this.handled) | 0) > 0) this.handled = (this.handled + 1) | 0;
  }
}
