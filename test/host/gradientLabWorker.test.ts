// The gradient lab through a real bundled worker on the analysis channel: the answer equals the engine called
// directly (and, in the trained-weights mode, equals the engine recomputed from the checkpoints' weights), typed arrays arrive intact, bad settings come back as a message, and the lab still answers afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { GradientLab, labSequence } from '../../src/engine/gradientLab';
import { AnalysisError, AnalysisWorker } from '../../src/hmm/analysisWorker';
import { encodeModel } from '../../src/engine/modelFile';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { trainedLab } from '../../src/engine/trainedGradients';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const bundle = join(mkdtempSync(join(tmpdir(), 'seqlab-lab-')), 'worker.js');
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
const worker = new AnalysisWorker(nodeEngineWorkers(bundle));
after(() => worker.dispose());

const TEXT = 'To be, or not to be, that is the question:\nWhether \'tis nobler in the mind to suffer\n';

test('the worker answers with the engine\'s curves for the same text, seed and settings', async () => {
  const settings = { spectralRadius: 0.8, steps: 50, hiddenSize: 12, seed: 5, forgetBias: 1 };
  const r = await worker.gradientLab({ text: TEXT, ...settings });
  const data = labSequence(TEXT);
  const direct = new GradientLab(data.ids, data.chars.length, { hiddenSize: 12, seed: 5, forgetBias: 1 }).run(0.8, 50);
  assert.ok(r.rnnHidden instanceof Float64Array && r.lstmCell instanceof Float64Array);
  assert.equal(r.rnnHidden.length, 50);
  assert.deepEqual(r.rnnHidden, direct.rnnHidden);
  assert.deepEqual(r.lstmHidden, direct.lstmHidden);
  assert.deepEqual(r.lstmCell, direct.lstmCell);
  assert.equal(r.meanForgetGate, direct.meanForgetGate);
  assert.equal(r.generated, false);
  assert.equal(r.vocabularySize, data.chars.length);
  // A slider move (new ρ, same model) is answered from the cached models with the same result as a fresh build.
  const moved = await worker.gradientLab({ text: TEXT, ...settings, spectralRadius: 1.2 });
  const fresh = new GradientLab(data.ids, data.chars.length, { hiddenSize: 12, seed: 5, forgetBias: 1 }).run(1.2, 50);
  assert.deepEqual(moved.rnnHidden, fresh.rnnHidden);
  assert.ok(moved.rnnHidden[0] / moved.rnnHidden[49] > r.rnnHidden[0] / r.rnnHidden[49], 'a larger ρ keeps more gradient');
});

test('no text: a generated sequence; bad settings: a message, and the lab still answers afterwards', async () => {
  const generated = await worker.gradientLab({ text: '', spectralRadius: 1, steps: 20, hiddenSize: 4, seed: 1, forgetBias: 0 });
  assert.equal(generated.generated, true);
  await assert.rejects(
    worker.gradientLab({ text: TEXT, spectralRadius: 1, steps: 500, hiddenSize: 4, seed: 1, forgetBias: 0 }),
    (e: Error) => e instanceof AnalysisError && /sequence length must be a whole number from 2 to 200/.test(e.message),
  );
  await assert.rejects(
    worker.gradientLab({ text: TEXT, spectralRadius: Number.NaN, steps: 20, hiddenSize: 4, seed: 1, forgetBias: 0 }),
    (e: Error) => e instanceof AnalysisError && /spectral radius/.test(e.message),
  );
  const after = await worker.gradientLab({ text: TEXT, spectralRadius: 0.6, steps: 20, hiddenSize: 4, seed: 1, forgetBias: 0 });
  assert.equal(after.lstmCell.length, 20);
});

// ── Trained-weights mode: two runs' model.safetensors through the worker ──

/** A one-layer character model of `cell` over TEXT's characters with seeded weights, as a run's checkpoint bytes. */
function checkpointOf(cell: 'rnn' | 'lstm', seed: number, hiddenSize: number): { bytes: Uint8Array; stack: RecurrentStack; vocabulary: string[] } {
  const vocabulary = [...new Set(TEXT)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const V = vocabulary.length;
  const stack = new RecurrentStack({ cell: cell === 'rnn' ? 'rnn_tanh' : 'lstm', inputSize: V, hiddenSize, layers: 1, bidirectional: false, outputSize: V, maxSteps: 200 }, new Prng(seed));
  const model = { cell, ...(cell === 'rnn' ? { nonlinearity: 'tanh' as const } : {}), layers: 1, hiddenSize, bidirectional: false };
  const bytes = encodeModel(stack, { format: 'sequence-lab/1', task: 'lm', model, inputSize: V, outputSize: V, tokens: 'chars', vocabulary });
  return { bytes, stack, vocabulary };
}

test('trained mode: the worker reads both checkpoints and the file\'s start, and answers the engine\'s curves for those weights', async () => {
  const rnn = checkpointOf('rnn', 11, 6);
  const lstm = checkpointOf('lstm', 12, 5);
  const steps = 30;
  const r = await worker.gradientLabTrained({ rnnModel: rnn.bytes, lstmModel: lstm.bytes, text: TEXT, steps });
  // Recomputed here from the same weights on the same characters (the first 201, repeated as the lab does).
  const chars = [...TEXT];
  const ids = (vocabulary: string[]) => Int32Array.from({ length: 201 }, (_, i) => vocabulary.indexOf(chars[i % chars.length]));
  const direct = trainedLab(rnn.stack, ids(rnn.vocabulary), lstm.stack, ids(lstm.vocabulary), steps);
  assert.ok(r.rnnHidden instanceof Float64Array && r.lstmCell instanceof Float64Array);
  assert.deepEqual(r.rnnHidden, direct.rnnHidden);
  assert.deepEqual(r.lstmHidden, direct.lstmHidden);
  assert.deepEqual(r.lstmCell, direct.lstmCell);
  assert.deepEqual(r.linearHidden, direct.linearHidden);
  assert.equal(r.spectralRadius, direct.spectralRadius);
  assert.equal(r.meanForgetGate, direct.meanForgetGate);
  assert.equal(r.rnnHiddenSize, 6);
  assert.equal(r.lstmHiddenSize, 5);
  // The forget bias reported is the mean of b_if + b_hf of the checkpoint (gate order i, f, g, o).
  const bi = lstm.stack.param('rnn.bias_ih_l0');
  const bh = lstm.stack.param('rnn.bias_hh_l0');
  const mean = [0, 1, 2, 3, 4].reduce((s, j) => s + bi[5 + j] + bh[5 + j], 0) / 5;
  assert.ok(Math.abs(r.lstmForgetBias - mean) < 1e-12);
});

test('trained mode: swapped runs, a file the runs never saw and garbage bytes come back as messages', async () => {
  const rnn = checkpointOf('rnn', 1, 4);
  const lstm = checkpointOf('lstm', 2, 4);
  await assert.rejects(worker.gradientLabTrained({ rnnModel: lstm.bytes, lstmModel: rnn.bytes, text: TEXT, steps: 20 }), (e: Error) => e instanceof AnalysisError && /tanh RNN/.test(e.message));
  await assert.rejects(
    worker.gradientLabTrained({ rnnModel: rnn.bytes, lstmModel: lstm.bytes, text: 'ZZZ€€€', steps: 20 }),
    (e: Error) => e instanceof AnalysisError && /not in the RNN run's vocabulary\. Was the file changed after training\?/.test(e.message),
  );
  await assert.rejects(
    worker.gradientLabTrained({ rnnModel: new Uint8Array([1, 2, 3]), lstmModel: lstm.bytes, text: TEXT, steps: 20 }),
    (e: Error) => e instanceof AnalysisError && /The RNN run's checkpoint cannot be read/.test(e.message),
  );
  const ok = await worker.gradientLabTrained({ rnnModel: rnn.bytes, lstmModel: lstm.bytes, text: TEXT, steps: 20 });
  assert.equal(ok.lstmCell.length, 20);
});
