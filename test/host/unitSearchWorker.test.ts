// The Gates panel's whole-file unit search through the real training worker (src/worker/unitSearch.ts): matches come
// back as code-point spans of the text searched, a threshold no unit reaches finds nothing, and a newer search of the
// same run ends the older one without an answer; a cancel ends a search without one; a long search reports progress.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { runUnitSearch } from '../../src/worker/unitSearch';

const { received, send, next } = startTrainingWorker(120_000);
type Found = Extract<WorkerToHost, { type: 'unitSearch' }>;
/** The answer to search `requestId`, once it has arrived (checked after every message loop turn, 120 s at most). */
const answer = async (runId: string, requestId: number) => {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const m = received.find((r) => (r.type === 'unitSearch' || r.type === 'unitSearchFailed') && r.runId === runId && r.requestId === requestId);
    if (m) return m;
    if (Date.now() > deadline) assert.fail(`no answer to search ${requestId}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

test('a search answers with code-point spans; an impossible threshold finds nothing; a newer search ends the older', async () => {
  const text = 'the cat sat on the mat. 🐈 the dog sat on the log. '.repeat(40);
  send({ type: 'train', runId: 's', text, config: { ...DEFAULT_CONFIG, hiddenSize: 16, steps: 20, sampleEvery: 1000 } });
  await next('s', 'finished');
  const query = { layer: 0, series: 'h' as const, units: [0, 3], threshold: -2, queryLength: 5 };
  send({ type: 'searchUnits', runId: 's', requestId: 1, text, query });
  const all = (await answer('s', 1)) as Found;
  assert.equal(all.type, 'unitSearch');
  const codePoints = [...text].length;
  assert.equal(all.steps, codePoints, 'every code point is a step');
  assert.equal(all.total, 1, 'tanh is always above −2: one stretch, the whole file');
  assert.deepEqual([all.starts[0], all.ends[0]], [0, codePoints]);

  send({ type: 'searchUnits', runId: 's', requestId: 2, text, query: { ...query, threshold: 2 } });
  const none = (await answer('s', 2)) as Found;
  assert.equal(none.total, 0);

  const long = text.repeat(150); // ~300k code points: more than one slice of work
  send({ type: 'searchUnits', runId: 's', requestId: 3, text: long, query });
  send({ type: 'searchUnits', runId: 's', requestId: 4, text: long, query: { ...query, units: [1] } });
  const newer = (await answer('s', 4)) as Found;
  assert.equal(newer.type, 'unitSearch');
  assert.ok(newer.seconds > 0);
  assert.equal(received.filter((m) => m.type === 'unitSearch' && m.requestId === 3).length, 0, 'the older search ended without an answer');

  // Cancellable: a cancel sent right behind its search ends it without an answer (the worker reads it at the search's
  // first yield, after one slice of work, and checks once more before answering), and the worker answers the next
  // search. (Waiting for the search's progress before cancelling raced its end on a loaded machine: ci13.)
  send({ type: 'searchUnits', runId: 's', requestId: 5, text: long, query });
  send({ type: 'cancelUnitSearch', runId: 's', requestId: 5 });
  send({ type: 'searchUnits', runId: 's', requestId: 6, text, query });
  assert.equal((await answer('s', 6)).type, 'unitSearch');
  assert.equal(received.filter((m) => (m.type === 'unitSearch' || m.type === 'unitSearchFailed') && m.requestId === 5).length, 0, 'the cancelled search never answers');
});

test('a long search reports its share done at most every 200 ms of its clock, and a cancel between slices ends it', async () => {
  // runUnitSearch itself, on a clock that moves 50 ms at every reading: slices and progress come when the clock says,
  // whatever the machine's speed.
  const V = 12;
  const model = new RecurrentStack({ cell: 'rnn_tanh', inputSize: V, hiddenSize: 8, layers: 1, bidirectional: false, outputSize: V, maxSteps: 16 }, new Prng(4));
  const letters = 'abcdefghijkl';
  const source = { model, idOf: (ch: string) => letters.indexOf(ch), vocabulary: [...letters], step: 0, seqLength: 16 };
  const rng = new Prng(8);
  const text = Array.from({ length: 60_000 }, () => letters[Math.floor(rng.next() * V)]).join('');
  const query = { layer: 0, series: 'h' as const, units: [0], threshold: 0, queryLength: 3 };
  let clock = 0;
  const now = () => (clock += 50);
  const shares: number[] = [];
  const done = await runUnitSearch(source, { text, query }, () => false, now, (share) => shares.push(share));
  assert.ok(done && done.steps === 60_000);
  assert.ok(shares.length >= 2, `progress was reported (${shares.length} times)`);
  assert.ok(shares.every((x, i) => x > 0 && x < 1 && (i === 0 || x >= shares[i - 1])), `a growing share of the work: ${shares.join(', ')}`);
  // Cancelled once the first progress has gone out: the search ends at its next yield, without an answer.
  clock = 0;
  let reported = 0;
  const cancelled = await runUnitSearch(source, { text, query }, () => reported > 0, now, () => reported++);
  assert.equal(cancelled, undefined);
  assert.equal(reported, 1, 'nothing more after the cancel');
});
