// A checkpoint (model.safetensors in a run folder) written before the engine's config took the experiment file's
// names (#16): its description says model.model and model.embeddingDim. The worker resumes from it exactly as from
// today's file (same updates, bit for bit), and its next checkpoint is written with model.cell and model.embedding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSafetensors } from '../../src/engine/safetensors';
import { checkModelMetadata, migrateModelMetadata, ModelMetadataError } from '../../src/shared/modelMetadata';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { CharModel } from '../../src/worker/charModel';
import { SequenceModel } from '../../src/worker/sequenceModel';
import { withOldModelKeys } from '../fixtures/oldConfigKeys';

const WORDS = 'the cat sat on the mat and the dog sat on the log . '.repeat(8);
const CHARS = 'the quick brown fox jumps over the lazy dog. '.repeat(6);

type Resumable = { step(): { loss: number }; checkpoint(): { model: Uint8Array; state: Uint8Array } };

const description = (bytes: Uint8Array): { model: Record<string, unknown> } =>
  JSON.parse(decodeSafetensors(bytes).metadata.sequence_lab) as { model: Record<string, unknown> };

function resumesFromOldKeys(make: (restore?: { model: Uint8Array; state: Uint8Array }) => Resumable, embedding: number | undefined): void {
  const first = make();
  for (let i = 0; i < 4; i++) first.step();
  const saved = first.checkpoint();
  const old = withOldModelKeys(saved.model);
  const oldModel = description(old).model;
  assert.ok(!('cell' in oldModel) && typeof oldModel.model === 'string', 'the old file names the cell model.model');
  assert.equal(oldModel.embeddingDim, embedding);

  const fromNew = make(saved);
  const fromOld = make({ model: old, state: saved.state });
  const lossesNew = Array.from({ length: 3 }, () => fromNew.step().loss);
  const lossesOld = Array.from({ length: 3 }, () => fromOld.step().loss);
  assert.ok(lossesOld.every(Number.isFinite));
  assert.deepEqual(lossesOld, lossesNew, 'the same updates as from today\'s file');

  const resaved = fromOld.checkpoint().model;
  const model = description(resaved).model;
  assert.equal(model.cell, oldModel.model);
  assert.equal(model.embedding, embedding);
  assert.ok(!('model' in model) && !('embeddingDim' in model), 're-saved under the new names only');
  const tensors = (b: Uint8Array) => decodeSafetensors(b).tensors.map((t) => [t.name, Array.from(t.data)]);
  assert.deepEqual(tensors(resaved), tensors(fromNew.checkpoint().model), 'the same weights');
}

test('a word LSTM with an embedding resumes from an old-key checkpoint and is re-saved with the new keys', () => {
  const config: TrainingConfig = { ...DEFAULT_CONFIG, dataKind: 'words', cell: 'lstm', embedding: 4, hiddenSize: 6, seqLength: 5, batch: 2, seed: 5 };
  resumesFromOldKeys((restore) => new SequenceModel(WORDS, config, restore), 4);
});

test('a character GRU resumes from an old-key checkpoint and is re-saved with the new keys', () => {
  const config: TrainingConfig = { ...DEFAULT_CONFIG, cell: 'gru', hiddenSize: 7, seqLength: 8, seed: 3 };
  resumesFromOldKeys((restore) => new CharModel(CHARS, config, restore), undefined);
});

test('migrateModelMetadata: old keys under the new names, a new key wins, a bad value is still refused by name', () => {
  assert.deepEqual(
    migrateModelMetadata({ task: 'lm', model: { model: 'gru', embeddingDim: 3, layers: 1 } }),
    { task: 'lm', model: { cell: 'gru', embedding: 3, layers: 1 } },
  );
  assert.deepEqual(migrateModelMetadata({ model: { model: 'gru', cell: 'lstm' } }), { model: { cell: 'lstm' } });
  for (const v of [null, 'x', [1], { model: 'rnn' }]) assert.deepEqual(migrateModelMetadata(v), v);
  const base = { format: 'sequence-lab/1', task: 'lm', inputSize: 2, outputSize: 2, tokens: 'chars', vocabulary: ['a', 'b'] };
  assert.throws(() => checkModelMetadata({ ...base, model: { model: 'transformer', layers: 1, hiddenSize: 3, bidirectional: false } }), (e: unknown) =>
    e instanceof ModelMetadataError && /the cell \(model\.cell\) the text "transformer"/.test(e.message));
  assert.throws(() => checkModelMetadata({ ...base, model: { model: 'gru', layers: 1, hiddenSize: 3, bidirectional: false, embeddingDim: 0 } }), (e: unknown) =>
    e instanceof ModelMetadataError && /model\.embedding 0/.test(e.message));
});
