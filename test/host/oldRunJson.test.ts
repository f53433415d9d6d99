// A run.json written before TrainingConfig took the experiment file's names (model → cell, clipNorm → clip,
// maxSteps → steps) still loads: the run store lists it with today's keys (src/training/storedRun.ts readStoredRun,
// the one place a run folder's file enters the host), the Training panel shows its settings, the training worker
// resumes it from its checkpoint and stops at the old file's step budget, and the store's next write uses the new keys.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { storedRunMessage } from '../../src/panels/storedRunView';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { MODEL_FILE, RunStore, STATE_FILE } from '../../src/training/runStore';
import { migrateStoredConfig, readStoredRun } from '../../src/training/storedRun';
import { CharModel } from '../../src/worker/charModel';
import { startTrainingWorker } from './trainingWorkerHarness';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'oldRunJson', 'run.json');
const text = 'to be or not to be that is the question. '.repeat(40);
/** The fixture's config under today's names. */
const expected: TrainingConfig = {
  ...DEFAULT_CONFIG, cell: 'gru', checkpointEvery: 200, hiddenSize: 12, seqLength: 16, learningRate: 0.01, clip: 0.5, steps: 30, sampleEvery: 1000,
};

/** A store folder holding the fixture's run.json as an older version wrote it, and a checkpoint of step 10. */
function oldRunFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-old-run-'));
  const dir = path.join(root, 'old-keys');
  fs.mkdirSync(dir);
  fs.copyFileSync(FIXTURE, path.join(dir, 'run.json'));
  const model = new CharModel(text, expected, undefined, { gradientHistory: false });
  for (let i = 0; i < 10; i++) model.step();
  const c = model.checkpoint();
  fs.writeFileSync(path.join(dir, MODEL_FILE), c.model);
  fs.writeFileSync(path.join(dir, STATE_FILE), c.state);
  return root;
}

test('the fixture is in the old format', () => {
  const config = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')).config;
  assert.deepEqual([config.model, config.clipNorm, config.maxSteps], ['gru', 0.5, 30]);
  assert.equal('cell' in config || 'clip' in config || 'steps' in config, false);
});

test('an old run.json is listed with the new keys, shown with its settings, and rewritten with the new keys', () => {
  const root = oldRunFolder();
  const store = new RunStore(root);
  const [run] = store.list();
  assert.equal(run?.id, 'old-keys', 'the old run is listed');
  assert.deepEqual(run.config, expected);
  const shown = storedRunMessage(run, [], true);
  assert.deepEqual([shown.run.config.cell, shown.run.config.clip, shown.run.config.steps], ['gru', 0.5, 30]);
  assert.match(shown.run.message ?? '', /Resume continues it from the checkpoint of step 10/);

  store.update('old-keys', { message: 'seen' });
  const written = JSON.parse(fs.readFileSync(path.join(root, 'old-keys', 'run.json'), 'utf8')).config;
  assert.deepEqual(written, expected);
  assert.deepEqual(new RunStore(root).list()[0].config, expected, 'and reads back the same');
});

test('through the training worker: the old run resumes from its checkpoint and ends at its old maxSteps', async () => {
  const root = oldRunFolder();
  const store = new RunStore(root);
  const [run] = store.list();
  const checkpoint = store.readCheckpoint(run.id);
  assert.ok(checkpoint?.state);
  const { send, next } = startTrainingWorker(60_000);
  send({ type: 'train', runId: 'resumed', text, config: run.config, restore: { model: checkpoint.model, state: checkpoint.state } });
  const started = await next('resumed', 'started');
  assert.equal(started.step, 10, 'it continues from the checkpoint');
  const finished = await next('resumed', 'finished');
  assert.deepEqual([finished.reason, finished.steps], ['completed', 30]);
});

test('migrateStoredConfig: old keys renamed, a key already under its new name wins, anything else untouched', () => {
  assert.deepEqual(migrateStoredConfig({ model: 'lstm', clipNorm: 1, maxSteps: 5, seed: 3 }), { cell: 'lstm', clip: 1, steps: 5, seed: 3 });
  assert.deepEqual(migrateStoredConfig({ model: 'lstm', cell: 'gru', steps: 7, maxSteps: 5 }), { cell: 'gru', steps: 7 });
  for (const v of [null, 3, 'x', [1, 2]]) assert.equal(migrateStoredConfig(v), v);
  // A config that is wrong under either name is still refused.
  const bad = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  bad.config.maxSteps = 0;
  assert.equal(readStoredRun(bad), undefined);
  bad.config.maxSteps = 30;
  bad.config.model = 'transformer';
  assert.equal(readStoredRun(bad), undefined);
  bad.config.model = 'gru';
  assert.deepEqual(readStoredRun(bad)?.config, expected);
});

test('a run.json whose config hides its settings under "__proto__" is refused, not read through the prototype', () => {
  // JSON.parse keeps "__proto__" as an own key. Renaming it onto a plain object by assignment made it the config's
  // prototype: every setting then passed the check through inheritance, while the config's own keys (what
  // JSON.stringify writes back and postMessage hands the worker) were empty.
  const run = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  const hostile = { ...run, config: JSON.parse(`{"__proto__": ${JSON.stringify({ ...expected })}}`) };
  assert.deepEqual(Object.keys(hostile.config), ['__proto__']);
  assert.equal(readStoredRun(hostile), undefined, 'refused');
  const migrated = migrateStoredConfig(hostile.config) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(migrated), Object.prototype, 'its prototype is untouched');
  assert.equal(migrated.cell, undefined, 'nothing is read through it');
  // The same settings as own keys are read as ever.
  assert.deepEqual(readStoredRun({ ...run, config: { ...expected } })?.config, expected);
});
