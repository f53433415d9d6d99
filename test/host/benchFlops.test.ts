// The bench converts chars/s into GFLOP/s with a nominal count of dense FLOP per character: checked here against a
// count made by hand for the bench's workload (H = 128, V = 65).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flopPerChar } from '../../bench/flops';

test('nominal FLOP per character of the bench workload', () => {
  // LSTM forward: 4 gates · 128 · (65 + 128) = 98,816 multiply-adds, head 65 · 128 = 8,320; ×2 FLOP; training ×3.
  assert.equal(flopPerChar('lstm', 'infer', 65, 128), 214_272);
  assert.equal(flopPerChar('lstm', 'train', 65, 128), 642_816);
  // tanh RNN: 128 · 193 = 24,704 plus the head's 8,320.
  assert.equal(flopPerChar('rnn', 'infer', 65, 128), 66_048);
  assert.equal(flopPerChar('rnn', 'train', 65, 128), 198_144);
});
