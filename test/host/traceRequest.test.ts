// The Gates and Unrolled panels of one run each follow their own window (src/panels/traceRequest.ts): every trace
// answer of the run reaches both, and each shows only the answer to its own latest request. Played here as the
// panels do it: one id counter (TrainingService's), answers arriving in any order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatestTraceRequest, type TraceWindow } from '../../src/panels/traceRequest';

const TIMEOUT_MS = 30_000;

/** A panel as ActivationPanel drives it: asks (or queues) a window, shows the answers it takes. */
function panel(ids: { next: number }, asked: Map<number, TraceWindow>) {
  const requests = new LatestTraceRequest(TIMEOUT_MS);
  const shown: (number | undefined)[] = [];
  const ask = (window: TraceWindow, now: number) => {
    if (!requests.mayAsk(window, now)) return;
    const id = ids.next++;
    asked.set(id, window);
    requests.sent(id, now);
  };
  return {
    requests,
    shown,
    ask,
    /** Every panel hears every answer; `start` is the window the worker traced for request `id`. */
    answer(id: number, now: number) {
      const taken = requests.take(id, now);
      if (!taken) return;
      shown.push(asked.get(id)?.start);
      if (taken.queued) ask(taken.queued, now);
    },
  };
}

test('Gates around the cursor at 100 and Unrolled at 500: each shows its own window, whatever order the answers come in', () => {
  const ids = { next: 1 };
  const asked = new Map<number, TraceWindow>();
  const gates = panel(ids, asked);
  const unrolled = panel(ids, asked);
  gates.ask({ start: 36 }, 0);
  unrolled.ask({ start: 436 }, 1);
  const [gatesId, unrolledId] = [...asked.keys()];
  assert.notEqual(gatesId, unrolledId);
  for (const id of [unrolledId, gatesId]) {
    gates.answer(id, 10);
    unrolled.answer(id, 10);
  }
  assert.deepEqual(gates.shown, [36]);
  assert.deepEqual(unrolled.shown, [436]);
  assert.ok(!gates.requests.waiting && !unrolled.requests.waiting, 'both answered: neither blocks its next request');
});

test('the cursor moves twice while a trace is in flight: only the last window is asked for next, and it is shown', () => {
  const ids = { next: 1 };
  const asked = new Map<number, TraceWindow>();
  const gates = panel(ids, asked);
  gates.ask({ start: 0 }, 0);
  gates.ask({ start: 200 }, 5);
  gates.ask({ start: 400 }, 6);
  assert.equal(asked.size, 1, 'one request in flight at most');
  gates.answer(1, 50);
  assert.deepEqual([...asked.values()], [{ start: 0 }, { start: 400 }]);
  gates.answer(2, 90);
  assert.deepEqual(gates.shown, [0, 400]);
});

test('a request given up on (timed out, then asked again) is dropped when its answer comes late', () => {
  const ids = { next: 1 };
  const asked = new Map<number, TraceWindow>();
  const gates = panel(ids, asked);
  gates.ask({ start: 10 }, 0);
  gates.ask({ start: 700 }, TIMEOUT_MS + 1);
  assert.equal(asked.size, 2, 'after the timeout the old request no longer blocks');
  gates.answer(1, TIMEOUT_MS + 2);
  assert.deepEqual(gates.shown, [], 'the stale answer is not shown');
  assert.ok(gates.requests.waiting, 'and the new request is still awaited');
  gates.answer(2, TIMEOUT_MS + 3);
  assert.deepEqual(gates.shown, [700]);
});

test('the panel switched to another run: the answer to its request for the old run is dropped', () => {
  const ids = { next: 1 };
  const asked = new Map<number, TraceWindow>();
  const gates = panel(ids, asked);
  gates.ask({}, 0);
  gates.requests.forget();
  gates.ask({ start: 5 }, 1);
  assert.equal(asked.size, 2, 'the new run is asked at once');
  gates.answer(1, 2);
  gates.answer(2, 3);
  assert.deepEqual(gates.shown, [5]);
});

test('the time a trace took is measured from its own request', () => {
  const requests = new LatestTraceRequest(TIMEOUT_MS);
  requests.sent(7, 1000);
  assert.equal(requests.take(8, 1100), undefined);
  assert.deepEqual(requests.take(7, 1250), { tookMs: 250, queued: undefined });
  assert.equal(requests.take(7, 1300), undefined, 'an answer is taken once');
});
