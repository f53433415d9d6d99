// The host's one worker client (src/base/workerClient.ts) against a fake transport the test drives by hand (answers
// in any order, errors, exits), and against the real Node transport with a tiny worker script: ids matched out of
// order, events before the answer, timeouts, cancellation, a crash rejecting what is pending and reported once, a
// restart after it, dispose idempotent, and answers arriving late dropped.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nodeWorker } from '../../src/base/nodeWorkerTransport';
import { WorkerClient, WorkerCrashed, WorkerRequestCancelled, WorkerShutDown, WorkerTimedOut } from '../../src/base/workerClient';
import type { WorkerSink } from '../../src/base/workerTransport';

type In = { type: 'square'; requestId: string; x: number } | { type: 'note'; text: string };
type Out =
  | { type: 'squared'; requestId: string; y: number }
  | { type: 'working'; requestId: string; share: number }
  | { type: 'refused'; requestId: string; message: string }
  | { type: 'halved'; requestId: string; y: number }
  | { type: 'hello'; text: string };

/** A worker the test plays: it records what was posted and every start/terminate, and answers when told. */
class FakeWorkers {
  readonly started: { sink: WorkerSink<Out>; posted: In[]; terminated: boolean }[] = [];

  readonly start = (sink: WorkerSink<Out>) => {
    const worker = { sink, posted: [] as In[], terminated: false };
    this.started.push(worker);
    return {
      post: (message: In) => {
        assert.equal(worker.terminated, false, 'nothing is posted to a terminated worker');
        worker.posted.push(message);
      },
      terminate: async () => {
        worker.terminated = true;
      },
    };
  };

  get last() {
    return this.started[this.started.length - 1];
  }

  /** The request ids posted to the current worker, in order. */
  ids(): string[] {
    return this.last.posted.flatMap((m) => (m.type === 'square' ? [m.requestId] : []));
  }
}

function client(workers: FakeWorkers, restartAfterCrash?: boolean) {
  return new WorkerClient<In, Out>({
    start: workers.start,
    label: 'The test worker',
    newId: (n) => `q${n}`,
    requestOf: (m) => ('requestId' in m ? m.requestId : undefined),
    isAnswer: (m) => m.type !== 'working',
    failure: (m) => (m.type === 'refused' ? new Error(m.message) : undefined),
    ...(restartAfterCrash === undefined ? {} : { restartAfterCrash }),
  });
}

/** Settles to 'pending' if `p` has not settled once the queued microtasks ran. */
async function state<T>(p: Promise<T>): Promise<T | 'pending' | Error> {
  return Promise.race([p.catch((e: Error) => e), new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

test('answers are matched to their requests by id, in whatever order they come; events reach their own request only', async () => {
  const workers = new FakeWorkers();
  const c = client(workers);
  const events: string[] = [];
  const a = c.request((requestId) => ({ type: 'square', requestId, x: 2 }), ['squared'], { onEvent: (m) => m.type === 'working' && events.push(`a ${m.share}`) });
  const b = c.request((requestId) => ({ type: 'square', requestId, x: 3 }), ['squared'], { onEvent: (m) => m.type === 'working' && events.push(`b ${m.share}`) });
  assert.equal(workers.started.length, 1, 'one worker serves both');
  const [idA, idB] = workers.ids();
  assert.notEqual(idA, idB);
  const { sink } = workers.last;
  sink.message({ type: 'working', requestId: idB, share: 0.5 });
  sink.message({ type: 'squared', requestId: idB, y: 9 });
  sink.message({ type: 'working', requestId: idA, share: 0.25 });
  assert.equal(await state(a), 'pending', 'an event does not settle its request');
  sink.message({ type: 'squared', requestId: idA, y: 4 });
  assert.equal((await a).y, 4);
  assert.equal((await b).y, 9);
  assert.deepEqual(events, ['b 0.5', 'a 0.25']);
  assert.equal(c.pendingCount, 0);
  c.dispose();
});

test('a failure answer rejects with its message; an answer of a type the request does not expect is refused', async () => {
  const workers = new FakeWorkers();
  const c = client(workers);
  const refused = c.request((requestId) => ({ type: 'square', requestId, x: -1 }), ['squared']);
  const odd = c.request((requestId) => ({ type: 'square', requestId, x: 1 }), ['squared']);
  const [r, o] = workers.ids();
  workers.last.sink.message({ type: 'refused', requestId: r, message: 'No negative numbers.' });
  await assert.rejects(refused, /^Error: No negative numbers\.$/);
  workers.last.sink.message({ type: 'working', requestId: o, share: 1 });
  workers.last.sink.message({ type: 'hello', text: 'not an answer' });
  assert.equal(await state(odd), 'pending');
  workers.last.sink.message({ type: 'halved', requestId: o, y: 0.5 });
  await assert.rejects(odd, /unexpected answer halved/);
  c.dispose();
});

test('messages of no request go to onDidReceive; malformed messages and answers to unknown ids are dropped', () => {
  const workers = new FakeWorkers();
  const c = client(workers);
  const heard: Out[] = [];
  c.onDidReceive((m) => heard.push(m));
  c.post({ type: 'note', text: 'start' });
  const { sink } = workers.last;
  sink.message({ type: 'hello', text: 'hi' });
  sink.message({ type: 'squared', requestId: 'q99', y: 1 });
  for (const junk of [null, 42, 'text', { kind: 'no type' }]) sink.message(junk as unknown as Out);
  assert.deepEqual(heard, [{ type: 'hello', text: 'hi' }]);
  c.dispose();
});

test('a request times out with a clear message; its late answer is dropped and the worker goes on serving', async () => {
  const workers = new FakeWorkers();
  const c = client(workers);
  const slow = c.request((requestId) => ({ type: 'square', requestId, x: 5 }), ['squared'], { timeoutMs: 20 });
  await assert.rejects(slow, (e: Error) => e instanceof WorkerTimedOut && /The test worker did not answer within 0\.02 s\./.test(e.message));
  const [late] = workers.ids();
  workers.last.sink.message({ type: 'squared', requestId: late, y: 25 });
  const next = c.request((requestId) => ({ type: 'square', requestId, x: 6 }), ['squared'], { timeoutMs: 60_000 });
  workers.last.sink.message({ type: 'squared', requestId: workers.ids()[1], y: 36 });
  assert.equal((await next).y, 36, 'answered in time, so its timer never fires');
  assert.equal(workers.started.length, 1, 'a timeout does not restart the worker');
  c.dispose();
});

test('a cancelled request rejects at once and its answer, when it comes, reaches nobody', async () => {
  const workers = new FakeWorkers();
  const c = client(workers);
  const events: number[] = [];
  const sent = c.send((requestId) => ({ type: 'square', requestId, x: 7 }), ['squared'], { onEvent: (m) => m.type === 'working' && events.push(m.share) });
  assert.equal(c.isPending(sent.id), true);
  assert.equal(c.cancel(sent.id), true);
  await assert.rejects(sent.answer, WorkerRequestCancelled);
  assert.equal(c.cancel(sent.id), false, 'cancelling twice is a no-op');
  workers.last.sink.message({ type: 'working', requestId: sent.id, share: 0.5 });
  workers.last.sink.message({ type: 'squared', requestId: sent.id, y: 49 });
  assert.deepEqual(events, []);
  c.dispose();
});

test('a crash rejects every pending request with the reason, fires onDidCrash once, and the next request starts a new worker', async () => {
  const workers = new FakeWorkers();
  const c = client(workers);
  const crashes: string[] = [];
  c.onDidCrash((reason) => crashes.push(reason));
  const a = c.request((requestId) => ({ type: 'square', requestId, x: 1 }), ['squared']);
  const b = c.request((requestId) => ({ type: 'square', requestId, x: 2 }), ['squared']);
  const first = workers.last;
  const [idA] = workers.ids();
  // Node reports an uncaught error, then the exit it causes: one crash, named by the first.
  first.sink.error(new Error('boom'));
  first.sink.exit(1);
  for (const p of [a, b]) await assert.rejects(p, (e: Error) => e instanceof WorkerCrashed && e.message === 'The test worker crashed: boom');
  assert.deepEqual(crashes, ['The test worker crashed: boom']);
  assert.equal(first.terminated, true, 'the crashed worker is ended (a Web Worker outlives an uncaught error)');
  assert.equal(c.running, false);
  first.sink.message({ type: 'squared', requestId: idA, y: 1 });

  const again = c.request((requestId) => ({ type: 'square', requestId, x: 3 }), ['squared']);
  assert.equal(workers.started.length, 2, 'a new worker');
  workers.last.sink.message({ type: 'squared', requestId: workers.ids()[0], y: 9 });
  assert.equal((await again).y, 9);
  first.sink.exit(1);
  assert.equal(crashes.length, 1, 'the old worker is no longer heard');

  workers.last.sink.exit(134);
  assert.deepEqual(crashes, ['The test worker crashed: boom', 'The test worker stopped unexpectedly (exit code 134).']);
  c.dispose();
});

test('an owner that does not restart after a crash gets the crash for every later request', async () => {
  const workers = new FakeWorkers();
  const c = client(workers, false);
  c.post({ type: 'note', text: 'start' });
  workers.last.sink.exit(1);
  await assert.rejects(c.request((requestId) => ({ type: 'square', requestId, x: 1 }), ['squared']), /stopped unexpectedly \(exit code 1\)/);
  assert.throws(() => c.post({ type: 'note', text: 'again' }), WorkerCrashed);
  assert.equal(workers.started.length, 1);
  c.dispose();
});

test('restart ends the worker on purpose: no crash is reported and each pending request gets the error chosen for it', async () => {
  const workers = new FakeWorkers();
  const c = client(workers);
  const crashes: string[] = [];
  c.onDidCrash((reason) => crashes.push(reason));
  const a = c.send((requestId) => ({ type: 'square', requestId, x: 1 }), ['squared']);
  const b = c.request((requestId) => ({ type: 'square', requestId, x: 2 }), ['squared']);
  const first = workers.last;
  c.restart((id) => new Error(id === a.id ? 'you cancelled this' : 'restarted under you'));
  await assert.rejects(a.answer, /you cancelled this/);
  await assert.rejects(b, /restarted under you/);
  first.sink.exit(1);
  assert.deepEqual(crashes, []);
  assert.equal(first.terminated, true);
  c.post({ type: 'note', text: 'next' });
  assert.equal(workers.started.length, 2);
  c.dispose();
});

test('dispose ends the worker and rejects what is pending, once; later answers, exits and requests change nothing', async () => {
  const workers = new FakeWorkers();
  const c = client(workers);
  const crashes: string[] = [];
  const heard: Out[] = [];
  c.onDidCrash((reason) => crashes.push(reason));
  c.onDidReceive((m) => heard.push(m));
  const a = c.request((requestId) => ({ type: 'square', requestId, x: 1 }), ['squared'], { timeoutMs: 50 });
  const [id] = workers.ids();
  c.dispose();
  c.dispose();
  await assert.rejects(a, (e: Error) => e instanceof WorkerShutDown && e.message === 'The test worker was shut down.');
  assert.equal(workers.last.terminated, true);
  workers.last.sink.message({ type: 'squared', requestId: id, y: 1 });
  workers.last.sink.message({ type: 'hello', text: 'late' });
  workers.last.sink.exit(1);
  assert.deepEqual(crashes, []);
  assert.deepEqual(heard, []);
  await assert.rejects(c.request((requestId) => ({ type: 'square', requestId, x: 2 }), ['squared']), WorkerShutDown);
  c.post({ type: 'note', text: 'ignored' });
  assert.equal(workers.started.length, 1, 'nothing starts after dispose');
});

test('a transport that cannot start rejects the request with its error, and the next request tries again', async () => {
  let attempts = 0;
  const workers = new FakeWorkers();
  const c = new WorkerClient<In, Out>({
    start: (sink) => {
      if (++attempts === 1) throw new Error('no such script');
      return workers.start(sink);
    },
    label: 'The test worker',
    newId: (n) => `q${n}`,
    requestOf: (m) => ('requestId' in m ? m.requestId : undefined),
    isAnswer: () => true,
  });
  await assert.rejects(c.request((requestId) => ({ type: 'square', requestId, x: 1 }), ['squared']), /no such script/);
  assert.equal(c.running, false);
  const ok = c.request((requestId) => ({ type: 'square', requestId, x: 4 }), ['squared']);
  workers.last.sink.message({ type: 'squared', requestId: workers.ids()[0], y: 16 });
  assert.equal((await ok).y, 16);
  c.dispose();
});

// ── The real Node transport, with a worker script small enough to read here. ──

const dir = mkdtempSync(join(tmpdir(), 'seqlab-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const script = join(dir, 'square.cjs');
writeFileSync(script, `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.type === 'note' && m.text === 'throw') throw new Error('asked to throw');
  if (m.type === 'note' && m.text === 'exit') process.exit(3);
  if (m.type === 'note') return parentPort.postMessage({ type: 'hello', text: m.text });
  // Answers the smaller numbers first, so the answers come out of order.
  setTimeout(() => {
    if (m.x < 0) parentPort.postMessage({ type: 'refused', requestId: m.requestId, message: 'No negative numbers.' });
    else {
      parentPort.postMessage({ type: 'working', requestId: m.requestId, share: 0.5 });
      parentPort.postMessage({ type: 'squared', requestId: m.requestId, y: m.x * m.x });
    }
  }, 5 * Math.abs(m.x));
});
`);

function realClient() {
  return new WorkerClient<In, Out>({
    start: nodeWorker(script, { name: 'seqlab-test-square' }),
    label: 'The square worker',
    newId: (n) => `s${n}`,
    requestOf: (m) => ('requestId' in m ? m.requestId : undefined),
    isAnswer: (m) => m.type !== 'working',
    failure: (m) => (m.type === 'refused' ? new Error(m.message) : undefined),
  });
}

test('over a real worker thread: out-of-order answers, events, failures and broadcasts', async () => {
  const c = realClient();
  const order: number[] = [];
  const events: string[] = [];
  const xs = [40, 3, 20, 1];
  const answers = xs.map((x) =>
    c.request((requestId) => ({ type: 'square', requestId, x }), ['squared'], { onEvent: () => events.push(`${x}`) }).then((m) => {
      order.push(x);
      return m.y;
    }));
  assert.deepEqual(await Promise.all(answers), [1600, 9, 400, 1]);
  assert.deepEqual(order, [1, 3, 20, 40], 'each answer settled its own request as it came');
  assert.deepEqual(events.sort(), ['1', '20', '3', '40']);
  await assert.rejects(c.request((requestId) => ({ type: 'square', requestId, x: -2 }), ['squared']), /No negative numbers\./);
  const hello = new Promise<Out>((resolve) => c.onDidReceive(resolve));
  c.post({ type: 'note', text: 'hi' });
  assert.deepEqual(await hello, { type: 'hello', text: 'hi' });
  c.dispose();
  assert.equal(c.running, false);
});

test('over a real worker thread: a throw and an exit each crash it once, pending requests name the cause, and it restarts', async () => {
  const c = realClient();
  const crashes: string[] = [];
  let crashed: () => void = () => undefined;
  c.onDidCrash((reason) => {
    crashes.push(reason);
    crashed();
  });
  const waitCrash = () => new Promise<void>((resolve) => (crashed = resolve));

  let next = waitCrash();
  const pending = c.request((requestId) => ({ type: 'square', requestId, x: 200 }), ['squared']);
  c.post({ type: 'note', text: 'throw' });
  await assert.rejects(pending, /^Error: The square worker crashed: asked to throw$/);
  await next;

  next = waitCrash();
  assert.equal((await c.request((requestId) => ({ type: 'square', requestId, x: 4 }), ['squared'])).y, 16, 'a new worker answers');
  c.post({ type: 'note', text: 'exit' });
  await next;
  assert.deepEqual(crashes, ['The square worker crashed: asked to throw', 'The square worker stopped unexpectedly (exit code 3).']);

  next = waitCrash();
  assert.equal((await c.request((requestId) => ({ type: 'square', requestId, x: 5 }), ['squared'])).y, 25);
  await c.killForTest();
  await next;
  assert.equal(crashes.length, 3, 'a kill from outside is a crash too');
  c.dispose();
  c.dispose();
});
