// The gradient lab through a real bundled worker on the analysis channel: the answer equals the engine called
// directly, typed arrays arrive intact, bad settings come back as a message, and the lab still answers afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { GradientLab, labSequence } from '../../src/engine/gradientLab';
import { AnalysisError, AnalysisWorker } from '../../src/hmm/analysisWorker';

const bundle = join(mkdtempSync(join(tmpdir(), 'seqlab-lab-')), 'worker.js');
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
const worker = new AnalysisWorker(bundle);
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
