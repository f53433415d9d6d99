// The host's one worker client: every worker the host runs (training, analysis, taggers, examples) is owned by one of
// these. It starts the worker on first use, numbers requests and matches each answer to its request by id (events
// such as a fit's progress go to the request's listener, messages of no request to onDidReceive), times requests out,
// and turns a crash (an error, or an exit nobody asked for) into one rejection per pending request and one
// onDidCrash; the next use starts a new worker unless the owner said not to. dispose() ends the worker, rejects
// what is pending and is idempotent; an answer arriving later is dropped.
// The worker itself is behind a WorkerTransport (workerTransport.ts), so this file imports nothing of Node and the
// web build (issue 17) runs the same client over a Web Worker.
import type { Tagged } from '../shared/messages';
import { isTagged } from '../shared/messages';
import { Disposable, type IDisposable, toDisposable } from './disposable';
import type { StartWorker, WorkerTransport } from './workerTransport';

/** The worker died (error or unexpected exit) with the request pending; the message says which worker and how. */
export class WorkerCrashed extends Error {}
/** No answer came within the request's timeout (the worker is left running; its late answer is dropped). */
export class WorkerTimedOut extends Error {}
/** The owner cancelled the request (cancel(id)); its answer, if one still comes, is dropped. */
export class WorkerRequestCancelled extends Error {}
/** The client was disposed with the request pending, or a request was made after. */
export class WorkerShutDown extends Error {}

export interface WorkerClientOptions<In, Out extends Tagged, Id extends string | number> {
  start: StartWorker<In, Out>;
  /** The worker as the user reads it in an error, e.g. "The analysis worker" (… crashed: …, … was shut down.). */
  label: string;
  /** The id of the n-th request (n = 1, 2, …), as the channel's messages carry it. */
  newId(n: number): Id;
  /** The request a message from the worker belongs to; undefined: none (it goes to onDidReceive). */
  requestOf(message: Out): Id | undefined;
  /** Whether a request's message is its answer (it settles the request) rather than one of its events (progress). */
  isAnswer(message: Out): boolean;
  /** The error a failure answer stands for (undefined: not a failure). Without it, failures are answers like others. */
  failure?(message: Out): Error | undefined;
  /** Start a new worker on the next use after a crash (default true); false: every later use fails with the crash. */
  restartAfterCrash?: boolean;
}

export interface RequestOptions<Out> {
  /** Reject with WorkerTimedOut after this long without an answer. */
  timeoutMs?: number;
  /** The request's events (messages of its id that are not its answer), in order, before the answer settles it. */
  onEvent?(message: Out): void;
  /** Buffers whose ownership moves to the worker with the request. */
  transfer?: readonly ArrayBuffer[];
}

/** A request on its way: its id (to cancel it, or to name it in a later message) and its answer. */
export interface SentRequest<Id, A> {
  id: Id;
  answer: Promise<A>;
}

interface Pending<Out> {
  expect: readonly string[];
  resolve(message: Out): void;
  reject(error: Error): void;
  onEvent: ((message: Out) => void) | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** One started worker; the sink of a replaced or crashed worker no longer matches `current`, so its traffic is dropped. */
interface Slot<In> {
  transport: WorkerTransport<In> | undefined;
}

export class WorkerClient<In, Out extends Tagged, Id extends string | number = string> extends Disposable {
  private current: Slot<In> | undefined;
  private readonly pending = new Map<Id, Pending<Out>>();
  private nextId = 1;
  private crashReason: string | undefined;
  private readonly crashListeners = new Set<(reason: string) => void>();
  private readonly receiveListeners = new Set<(message: Out) => void>();

  constructor(private readonly options: WorkerClientOptions<In, Out, Id>) {
    super();
    this._register(toDisposable(() => {
      this.crashListeners.clear();
      this.receiveListeners.clear();
    }));
  }

  /** The worker died unexpectedly: fired once per death, after its pending requests were rejected; never after dispose. */
  onDidCrash(listener: (reason: string) => void): IDisposable {
    this.crashListeners.add(listener);
    return toDisposable(() => this.crashListeners.delete(listener));
  }

  /** A message that belongs to no request (e.g. a training run's progress). */
  onDidReceive(listener: (message: Out) => void): IDisposable {
    this.receiveListeners.add(listener);
    return toDisposable(() => this.receiveListeners.delete(listener));
  }

  /** Whether a worker is running (started and not crashed, restarted or disposed). */
  get running(): boolean {
    return this.current !== undefined;
  }

  /** How many requests wait for their answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  isPending(id: Id): boolean {
    return this.pending.has(id);
  }

  /** A fresh id for a message that needs one but expects no answer (e.g. a cancel naming another request). */
  reserveId(): Id {
    return this.options.newId(this.nextId++);
  }

  /** Posts a message that expects no answer, starting the worker if needed; ignored once disposed. */
  post(message: In, transfer?: readonly ArrayBuffer[]): void {
    if (this.isDisposed) return;
    this.ensure().post(message, transfer);
  }

  /** Sends `make(id)` and resolves with its answer, whose type must be one of `expect`. */
  request<K extends Out['type']>(make: (id: Id) => In, expect: readonly K[], options: RequestOptions<Out> = {}): Promise<Extract<Out, { type: K }>> {
    return this.send(make, expect, options).answer;
  }

  /** As request, also giving the request's id. */
  send<K extends Out['type']>(make: (id: Id) => In, expect: readonly K[], options: RequestOptions<Out> = {}): SentRequest<Id, Extract<Out, { type: K }>> {
    const id = this.reserveId();
    const answer = new Promise<Extract<Out, { type: K }>>((resolve, reject) => {
      if (this.isDisposed) throw new WorkerShutDown(`${this.options.label} was shut down.`);
      const transport = this.ensure();
      const entry: Pending<Out> = { expect, resolve: resolve as (m: Out) => void, reject, onEvent: options.onEvent, timer: undefined };
      if (options.timeoutMs !== undefined) {
        const seconds = options.timeoutMs / 1000;
        entry.timer = setTimeout(() => this.settle(id, (p) => p.reject(new WorkerTimedOut(`${this.options.label} did not answer within ${seconds} s.`))), options.timeoutMs);
      }
      this.pending.set(id, entry);
      try {
        transport.post(make(id), options.transfer);
      } catch (error) {
        this.settle(id, () => undefined);
        throw error;
      }
    });
    return { id, answer };
  }

  /** Gives up on request `id`: it rejects with `error` (default WorkerRequestCancelled) and a later answer is dropped. */
  cancel(id: Id, error: Error = new WorkerRequestCancelled('Cancelled.')): boolean {
    return this.settle(id, (p) => p.reject(error));
  }

  /**
   * Ends the running worker on purpose (not a crash: onDidCrash does not fire); each pending request is rejected
   * with `errorFor(id)`. The next use starts a new worker.
   */
  restart(errorFor: (id: Id) => Error): void {
    const slot = this.current;
    this.current = undefined;
    this.rejectAll(errorFor);
    void slot?.transport?.terminate().catch(() => undefined);
  }

  /** Test seam: ends the worker from outside, as a crash or an out-of-memory kill would, without telling the client. */
  async killForTest(): Promise<void> {
    await this.current?.transport?.terminate();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    const slot = this.current;
    this.current = undefined;
    this.rejectAll(() => new WorkerShutDown(`${this.options.label} was shut down.`));
    void slot?.transport?.terminate().catch(() => undefined);
    super.dispose();
  }

  private ensure(): WorkerTransport<In> {
    if (this.current?.transport) return this.current.transport;
    if (this.crashReason !== undefined && this.options.restartAfterCrash === false) throw new WorkerCrashed(this.crashReason);
    const slot: Slot<In> = { transport: undefined };
    this.current = slot;
    try {
      slot.transport = this.options.start({
        message: (message) => {
          if (this.current === slot) this.receive(message);
        },
        error: (error) => this.crash(slot, `${this.options.label} crashed: ${error.message}`),
        exit: (code) => this.crash(slot, `${this.options.label} stopped unexpectedly (exit code ${code}).`),
      });
    } catch (error) {
      if (this.current === slot) this.current = undefined;
      throw error;
    }
    return slot.transport;
  }

  private receive(message: Out): void {
    // What a worker posts is structured-cloned data: anything but a tagged message is dropped, as the dispatchers do.
    if (!isTagged(message)) return;
    const id = this.options.requestOf(message);
    if (id === undefined) {
      for (const listener of [...this.receiveListeners]) listener(message);
      return;
    }
    const entry = this.pending.get(id);
    if (!entry) return; // cancelled, timed out, or another client's: dropped
    if (!this.options.isAnswer(message)) {
      entry.onEvent?.(message);
      return;
    }
    this.settle(id, (p) => {
      const failure = this.options.failure?.(message);
      if (failure) p.reject(failure);
      else if (!p.expect.includes(message.type)) p.reject(new Error(`unexpected answer ${message.type}`));
      else p.resolve(message);
    });
  }

  private crash(slot: Slot<In>, reason: string): void {
    // A Node worker's error is followed by its exit; only the first counts, and nothing after a restart or dispose.
    if (this.current !== slot) return;
    this.current = undefined;
    this.crashReason = reason;
    this.rejectAll(() => new WorkerCrashed(reason));
    // A Web Worker lives on after an uncaught error: end it, so the next use starts clean.
    void slot.transport?.terminate().catch(() => undefined);
    for (const listener of [...this.crashListeners]) listener(reason);
  }

  private settle(id: Id, action: (p: Pending<Out>) => void): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false;
    this.pending.delete(id);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    action(entry);
    return true;
  }

  private rejectAll(errorFor: (id: Id) => Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(errorFor(id)));
  }
}
