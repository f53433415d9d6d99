// Which trace answers a panel takes (no vscode: tested in Node). The worker traces a run for several askers at once
// (the Gates and Unrolled panels, the Gradient Flow panel, the gradient problems); every answer of a run reaches every
// asker through one event, tagged with the id of the request it answers. A panel keeps the id of its latest request
// and takes only the answer to it: answers to another panel's requests, or to a request of its own that it gave up
// on (timed out, or asked for an earlier run), are dropped. One request in flight at most; a window asked for
// meanwhile waits, and only the last one asked for is sent when the answer comes.

/** A window to trace: from `start`, or (no start) the one the worker picks. */
export interface TraceWindow {
  start?: number;
}

/** What a panel does with an answer it took. */
export interface TakenAnswer {
  /** Milliseconds from the request to its answer. */
  tookMs: number;
  /** The window asked for while this request was in flight, to ask for now. */
  queued: TraceWindow | undefined;
}

export class LatestTraceRequest {
  private inFlight: { requestId: number; sentAt: number } | undefined;
  private queued: TraceWindow | undefined;
  /** How long the last answer took, and when it came (0: none yet for this run). */
  private lastTraceMs = 0;
  private lastAnswerAt = 0;

  /** @param timeoutMs a request with no answer after this long no longer blocks the next one. */
  constructor(private readonly timeoutMs: number) {}

  /** Whether a request was sent and its answer has not come (timed out or not). */
  get waiting(): boolean {
    return this.inFlight !== undefined;
  }

  /** Whether an answer came since the panel started showing this run. */
  get answered(): boolean {
    return this.lastAnswerAt !== 0;
  }

  /**
   * Whether a refresh while the run trains is due: big models take long to trace, so wait at least 4× the last trace
   * after its answer (tracing then costs the run ≤ ~20% of the worker).
   */
  refreshDue(now: number): boolean {
    return now - this.lastAnswerAt >= 4 * this.lastTraceMs;
  }

  /**
   * Whether `window` can be asked for now. If not (a request is in flight and not timed out) it is queued, replacing
   * any window queued before.
   */
  mayAsk(window: TraceWindow, now: number): boolean {
    if (this.inFlight && now - this.inFlight.sentAt < this.timeoutMs) {
      this.queued = window.start === undefined ? {} : { start: window.start };
      return false;
    }
    return true;
  }

  /** The request `requestId` was sent at `now`: from now on only its answer is taken. */
  sent(requestId: number, now: number): void {
    this.inFlight = { requestId, sentAt: now };
  }

  /** The answer to request `requestId` arrived: what to do with it, or undefined when it is not this panel's to show. */
  take(requestId: number, now: number): TakenAnswer | undefined {
    if (this.inFlight?.requestId !== requestId) return undefined;
    const taken = { tookMs: now - this.inFlight.sentAt, queued: this.queued };
    this.lastTraceMs = taken.tookMs;
    this.lastAnswerAt = now;
    this.inFlight = undefined;
    this.queued = undefined;
    return taken;
  }

  /** Forgets the request in flight and the queued window (the panel now shows another run): their answers are dropped. */
  forget(): void {
    this.inFlight = undefined;
    this.queued = undefined;
    this.lastTraceMs = 0;
    this.lastAnswerAt = 0;
  }
}
