// BucketSeries: at most maxPoints exact bucket means, whatever the number of steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BucketSeries, type Point } from '../../webview/common/downsample';

test('keeps every point while there are fewer than maxPoints', () => {
  const s = new BucketSeries(1, 10);
  for (let x = 1; x <= 10; x++) s.push(x, [x * x]);
  assert.equal(s.length, 10);
  assert.deepEqual(s.fillPoints(0, []), Array.from({ length: 10 }, (_, i) => ({ x: i + 1, y: (i + 1) ** 2 })));
});

test('100k steps stay within maxPoints, each point the exact mean of its steps, nothing lost', () => {
  const s = new BucketSeries(2, 2000);
  for (let x = 1; x <= 100_000; x++) s.push(x, [x, 2 * x]);
  assert.ok(s.length <= 2000 && s.length >= 1000, `length ${s.length}`);
  assert.equal(s.total, 100_000);
  // Buckets cover consecutive steps, so the mean x equals the mean of channel 0 and half of channel 1.
  for (let i = 0; i < s.length; i++) {
    assert.ok(Math.abs(s.x(i) - s.y(0, i)) < 1e-6);
    assert.ok(Math.abs(2 * s.x(i) - s.y(1, i)) < 1e-6);
  }
  const sum = Array.from({ length: s.length }, (_, i) => s.y(0, i)).reduce((a, b) => a + b, 0);
  assert.ok(sum > 0);
});

test('averages a constant-plus-alternating signal to the constant', () => {
  const s = new BucketSeries(1, 16);
  for (let x = 0; x < 1024; x++) s.push(x, [5 + (x % 2 ? 1 : -1)]);
  for (let i = 0; i < s.length - 1; i++) assert.equal(s.y(0, i), 5);
});

test('fillPoints reuses the target objects and can skip buckets', () => {
  const s = new BucketSeries(2, 100);
  for (let x = 1; x <= 6; x++) s.push(x, [x, x % 3 === 0 ? 1 : 0]);
  const target: Point[] = [];
  s.fillPoints(0, target);
  const first = target[0];
  s.fillPoints(0, target, (i) => s.y(1, i) > 0);
  assert.equal(target[0], first, 'same object reused');
  assert.deepEqual(target, [{ x: 3, y: 3 }, { x: 6, y: 6 }]);
});

test('save/restore round-trips, and malformed saved data is refused', () => {
  const s = new BucketSeries(2, 50);
  for (let x = 1; x <= 777; x++) s.push(x, [Math.sin(x), x % 5]);
  const copy = new BucketSeries(2, 50);
  assert.equal(copy.restore(JSON.parse(JSON.stringify(s.save()))), true);
  assert.equal(copy.length, s.length);
  assert.equal(copy.total, s.total);
  for (let i = 0; i < s.length; i++) assert.ok(Math.abs(copy.y(0, i) - s.y(0, i)) < 1e-5);
  copy.push(778, [0, 0]);
  s.push(778, [0, 0]);
  assert.equal(copy.length, s.length, 'continues bucketing like the original');
  assert.equal(copy.restore({ bucketSize: 1, rows: [[1, 2]] }), false);
  assert.equal(copy.restore(undefined), false);
  assert.equal(copy.length, 0);
});
