// The worker keeps the models of the newest finished runs only (issue #7: memory bounded over a long session).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunInfo } from '../../src/shared/run';
import { LOADED_FINISHED_RUNS, modelsToRelease } from '../../src/training/modelRelease';

const run = (id: string, status: RunInfo['status']) => ({ id, status });

test('finished runs beyond the newest four are released, once; training, paused and failed runs never are', () => {
  const runs = [
    run('a', 'completed'), run('b', 'stopped'), run('c', 'paused'), run('d', 'failed'), run('e', 'interrupted'),
    run('f', 'completed'), run('g', 'completed'), run('h', 'training'), run('i', 'stopped'),
  ];
  assert.equal(LOADED_FINISHED_RUNS, 4);
  // Finished (not failed): a, b, e, f, g, i — the newest four (e, f, g, i) stay.
  assert.deepEqual(modelsToRelease(runs, new Set()), ['a', 'b']);
  assert.deepEqual(modelsToRelease(runs, new Set(['a'])), ['b'], 'a run released before is not released again');
  assert.deepEqual(modelsToRelease(runs.slice(0, 5), new Set()), [], 'three finished runs: all stay');
  assert.deepEqual(modelsToRelease(runs, new Set(), 1), ['a', 'b', 'e', 'f', 'g']);
});
