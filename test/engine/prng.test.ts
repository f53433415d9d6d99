import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/engine/prng';

test('same seed, same stream; different seed, different stream; values in [0, 1)', () => {
  const a = new Prng(123);
  const b = new Prng(123);
  const c = new Prng(124);
  const xs = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 1000 }, () => c.next()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('normal() has mean ≈ 0 and variance ≈ 1', () => {
  const r = new Prng(1);
  const n = 20000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.03, `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.05, `variance ${s2 / n}`);
});

test('choice() follows the probabilities and never picks a zero-probability index', () => {
  const r = new Prng(9);
  const probs = [0.2, 0, 0.5, 0.3];
  const counts = [0, 0, 0, 0];
  const n = 20000;
  for (let i = 0; i < n; i++) counts[r.choice(probs)]++;
  assert.equal(counts[1], 0);
  probs.forEach((p, i) => assert.ok(Math.abs(counts[i] / n - p) < 0.02, `index ${i}: ${counts[i] / n} vs ${p}`));
});
