// Greedy decoding through the training worker, as the Training panel asks for it: a `sample` request with
// greedy: true answers the argmax text, flagged greedy, the same at any temperature and however often it is asked;
// a draw at a temperature (same model) still varies from request to request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { startTrainingWorker } from './trainingWorkerHarness';

const { received, send, next } = startTrainingWorker(20_000);

type Sample = Extract<WorkerToHost, { type: 'sample' }>;

const text = 'the cat sat on the mat. a dog ran to the log. '.repeat(30);

/** Sends a sample request and waits for its answer (the worker answers requests in order). */
async function sample(runId: string, temperature: number, greedy?: boolean): Promise<Sample> {
  const samples = () => received.filter((m): m is Sample => m.runId === runId && m.type === 'sample');
  const before = samples().length;
  send({ type: 'sample', runId, temperature, length: 60, ...(greedy === undefined ? {} : { greedy }) });
  while (samples().length === before) await new Promise((r) => setTimeout(r, 10));
  return samples()[before];
}

test('greedy samples are the same text at any temperature, flagged greedy; temperature draws vary', async () => {
  send({ type: 'train', runId: 'greedy', text, config: { ...DEFAULT_CONFIG, hiddenSize: 24, seqLength: 16, steps: 120, sampleEvery: 1000, sampleLength: 20 } });
  assert.equal((await next('greedy', 'finished')).reason, 'completed');

  const first = await sample('greedy', 0.5, true);
  assert.equal(first.greedy, true);
  assert.equal([...first.text].length, 60);
  for (const temperature of [0.01, 1, 3, 10]) {
    const again = await sample('greedy', temperature, true);
    assert.equal(again.text, first.text, `greedy at temperature ${temperature}`);
    assert.equal(again.greedy, true);
  }
  const draws = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const drawn = await sample('greedy', 1.5);
    assert.equal(drawn.greedy, undefined, 'a temperature draw is not flagged greedy');
    draws.add(drawn.text);
  }
  assert.ok(draws.size > 1, 'drawing at temperature 1.5 gives different texts');
});
