// The shared count of interrupting requests (stop, pause, dispose) between the host and the training worker: a
// request is pending from the moment the host counts it until the worker has handled it, one for one; a request the
// host did not count (an older host, a test posting directly) never leaves the worker believing one is pending.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countInterrupt, createInterruptCounter, InterruptReceiver, INTERRUPTING_REQUESTS } from '../../src/shared/stepInterrupt';

test('pending from the count until handled, one for one', () => {
  const counter = createInterruptCounter();
  const worker = new InterruptReceiver(counter);
  assert.equal(worker.pending(), false);
  countInterrupt(counter);
  countInterrupt(counter);
  assert.equal(worker.pending(), true);
  worker.acknowledge();
  assert.equal(worker.pending(), true, 'the second request still waits');
  worker.acknowledge();
  assert.equal(worker.pending(), false);
});

test('an uncounted request handled by the worker does not hide the next counted one', () => {
  const counter = createInterruptCounter();
  const worker = new InterruptReceiver(counter);
  worker.acknowledge();
  assert.equal(worker.pending(), false);
  countInterrupt(counter);
  assert.equal(worker.pending(), true);
});

test('without a shared counter nothing is ever pending', () => {
  const worker = new InterruptReceiver(undefined);
  worker.acknowledge();
  assert.equal(worker.pending(), false);
});

test('stop, pause and dispose interrupt; a sample or trace request does not', () => {
  for (const type of ['stop', 'pause', 'dispose']) assert.ok(INTERRUPTING_REQUESTS.has(type), type);
  for (const type of ['sample', 'traceGradients', 'resume', 'step', 'train']) assert.ok(!INTERRUPTING_REQUESTS.has(type), type);
});
