// The user's sequenceLab.training.* settings as the Training panel reads them (src/base/settings.ts): the dtype
// setting reaches the run's config (float32 unless set; float64 when set), and a value settings.json should not hold
// is named in words instead of being trained on.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { installFakeVscode, uninstallFakeVscode } from './fakeVscode';

let values: Record<string, unknown> = {};
installFakeVscode({ workspace: { getConfiguration: () => ({ get: (key: string, fallback?: unknown) => (key in values ? values[key] : fallback) }) } });
after(uninstallFakeVscode);

test('sequenceLab.training.dtype: float32 unless set, float64 when set, anything else named as a problem', async () => {
  const { readTrainingConfig } = await import('../../src/base/settings');
  const { trainerConfigOf } = await import('../../src/worker/modelTrainerConfig');
  values = {};
  const unset = readTrainingConfig();
  assert.deepEqual(unset.problems, []);
  assert.equal(unset.config.dtype, 'float32');
  assert.equal(trainerConfigOf(unset.config).dtype, 'float32', 'the Training panel\'s default run takes the float32 path');
  values = { 'training.dtype': 'float64' };
  const set = readTrainingConfig();
  assert.deepEqual(set.problems, []);
  assert.equal(trainerConfigOf(set.config).dtype, 'float64');
  values = { 'training.dtype': 'float16' };
  assert.deepEqual(readTrainingConfig().problems, ['dtype must be float32 or float64 (got "float16")']);
});
