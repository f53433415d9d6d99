// What the user hears before a run starts (bad files, bad settings), and the bookkeeping of progress batches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, validateConfig } from '../../src/shared/trainingConfig';
import { StepHistory } from '../../src/training/stepHistory';
import { checkTrainingText } from '../../src/shared/textChecks';
import { ProgressBuffer } from '../../src/worker/progressBuffer';

const MB = 1024 * 1024;

test('empty, blank, binary, one-character and oversized files are refused with a reason', () => {
  assert.match(checkTrainingText('', 'a.txt', MB).message ?? '', /a\.txt is empty/);
  assert.match(checkTrainingText(' \n\t\n', 'a.txt', MB).message ?? '', /empty/);
  assert.match(checkTrainingText('abc\u0000def', 'b.bin', MB).message ?? '', /binary/);
  assert.match(checkTrainingText('x', 'one.txt', MB).message ?? '', /single character/);
  assert.match(checkTrainingText('😀', 'emoji.txt', MB).message ?? '', /single character/);
  const big = 'ab'.repeat(MB);
  const verdict = checkTrainingText(big, 'big.txt', MB);
  assert.equal(verdict.ok, false);
  assert.match(verdict.message ?? '', /2\.0 MB, over the 1\.0 MB limit/);
  assert.match(verdict.message ?? '', /sequenceLab\.limits\.maxFileSizeMB/);
});

test('ordinary text, including emoji and CJK, is accepted', () => {
  assert.deepEqual(checkTrainingText('hello world', 'a.txt', MB), { ok: true });
  assert.deepEqual(checkTrainingText('😀😁 日本語', 'a.txt', MB), { ok: true });
});

test('settings out of range are named in the message', () => {
  assert.deepEqual(validateConfig(DEFAULT_CONFIG), []);
  const problems = validateConfig({ ...DEFAULT_CONFIG, hiddenSize: 0, learningRate: NaN, seqLength: 2.5 });
  assert.equal(problems.length, 3);
  assert.match(problems.join('\n'), /hiddenSize must be between 1 and 1024 \(got 0\)/);
  assert.match(problems.join('\n'), /learningRate must be a finite number/);
  assert.match(problems.join('\n'), /seqLength must be a whole number/);
});

test('progress batches carry consecutive steps as typed arrays and the history joins them', () => {
  const buffer = new ProgressBuffer(1, 0);
  assert.equal(buffer.take(10), undefined);
  for (let step = 1; step <= 3; step++) buffer.add({ step, loss: 4 - step, gradNorm: step, clipped: step === 2, chars: 10 });
  const first = buffer.take(1000)!;
  assert.equal(first.firstStep, 1);
  assert.deepEqual([...first.losses], [3, 2, 1]);
  assert.deepEqual([...first.clipped], [0, 1, 0]);
  assert.ok(first.losses instanceof Float32Array && first.clipped instanceof Uint8Array);
  assert.equal(first.charsPerSecond, 30);
  buffer.add({ step: 4, loss: 0.5, gradNorm: 1, clipped: false, chars: 10 });
  const second = buffer.take(2000)!;
  assert.equal(second.firstStep, 4);

  const history = new StepHistory();
  for (let i = 0; i < 700; i++) {
    history.append(first);
    history.append(second);
  }
  assert.equal(history.steps, 2800);
  assert.equal(history.lastLoss, 0.5);
  const all = history.snapshot();
  assert.equal(all.losses.length, 2800);
  assert.deepEqual([...all.losses.slice(0, 4)], [3, 2, 1, 0.5]);
  assert.equal(all.clipped[2797], 1);
});
