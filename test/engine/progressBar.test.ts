// The progress line of `train --out`: its text (step/total, loss, rate, ETA, bar) at a given width, the redraw with
// \r on a terminal (throttled by an injected clock, the last step always drawn, a shorter line padded over a longer
// one), and nothing at all on stderr when it is not a terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDuration, formatProgress, terminalProgress } from '../../src/cli/progressBar';

test('formatProgress: step/total, loss, chars/s and ETA from the elapsed time, with a proportional bar', () => {
  // 450 of 1000 steps in 10 s: 45 steps/s, so 550 steps left take 12.2 s; 123,456 chars in 10 s = 12,346 chars/s;
  // 45 % of a 30-wide bar = 13.5 → 14 marks.
  const line = formatProgress({ step: 450, total: 1000, loss: 1.23456, tokens: 123_456, elapsedSeconds: 10 }, 'chars', 100);
  assert.equal(line, '[##############................]   450/1000  loss 1.2346  12,346 chars/s  ETA 0:12');
  const done = formatProgress({ step: 1000, total: 1000, loss: 0.5, tokens: 2e6, elapsedSeconds: 3725 }, 'words', 100);
  assert.match(done, /^\[#{30}\] {2}1000\/1000 {2}loss 0\.5000 {2}537 words\/s {2}ETA 0:00$/);
  const start = formatProgress({ step: 0, total: 20, loss: NaN, tokens: 0, elapsedSeconds: 0 }, 'chars', 100);
  assert.match(start, /^\[\.{30}\] {3}0\/20 {2}loss NaN {2}\? chars\/s {2}ETA \?$/);
});

test('formatProgress fits the terminal width: the bar shrinks, then goes', () => {
  const p = { step: 5, total: 10, loss: 2, tokens: 500, elapsedSeconds: 1 };
  const full = formatProgress(p, 'chars', 200);
  const narrow = formatProgress(p, 'chars', 60);
  const tiny = formatProgress(p, 'chars', 40);
  assert.ok(narrow.length <= 60 && narrow.startsWith('[') && narrow.length < full.length, narrow);
  assert.equal(tiny, '5/10  loss 2.0000  500 chars/s  ETA 0:01');
  assert.equal(formatProgress(p, 'chars', 20).length, 20);
});

test('formatDuration: m:ss under an hour, h:mm:ss above', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(59.6), '1:00');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(Infinity), '?');
});

test('terminalProgress redraws one line with \\r at most every interval, always the last step, then a newline', () => {
  const writes: string[] = [];
  let clock = 0;
  const bar = terminalProgress((t) => writes.push(t), 'chars', 120, () => clock, 100);
  const at = (step: number, ms: number, loss = 1): void => {
    clock = ms;
    bar.update({ step, total: 4, loss, tokens: step * 10, elapsedSeconds: ms / 1000 });
  };
  at(1, 1000, 12.5);
  at(2, 1050); // within 100 ms of the last draw: skipped
  at(3, 1150);
  at(4, 1160); // the last step is drawn however soon
  bar.done();
  assert.equal(writes.length, 4);
  assert.ok(writes.slice(0, 3).every((w) => w.startsWith('\r') && !w.includes('\n')));
  assert.match(writes[0], /1\/4 {2}loss 12\.5000/);
  assert.match(writes[0], /10 chars\/s {2}ETA 0:03$/); // 3 steps left at 1 s a step
  assert.match(writes[1], /3\/4 {2}loss 1\.0000 {2}26 chars\/s {2}ETA 0:00 $/); // 30 chars in 1.15 s
  // "loss 12.5000" was one character longer than "loss 1.0000": padded so no stale character remains.
  assert.equal(writes[1].length, writes[0].length);
  assert.match(writes[2], /4\/4/);
  assert.equal(writes[3], '\n');
});

test('train --out with stderr not a terminal: no progress output, stdout is the one summary line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-progress-'));
  writeFileSync(join(dir, 'data.txt'), 'abcabd '.repeat(40));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'train', join(dir, 'data.txt'), '--hidden', '4', '--steps', '30', '--out', join(dir, 'run')], {
    encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..'),
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^trained 30 steps, final loss \d+\.\d{4}; wrote .*model\.safetensors, run\.json, metrics\.jsonl\n$/);
});
