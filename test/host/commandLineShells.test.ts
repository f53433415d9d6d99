// "Copy Command Line" quotes for the user's shell: a data path from a repository's experiment file is one argument
// and never a command, in POSIX sh (checked by running /bin/sh), PowerShell (single quotes, every kind of single
// quote doubled) and cmd.exe (double quotes; what cannot be quoted there is refused).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { shellOf, shellWord, UnquotableError } from '../../src/shared/experimentFile';

const HOSTILE = ["a'b", '$(touch x)', '`id`', "'; rm -rf ~; '", 'a b', '%PATH%', '!x!', '"q"', 'x\u2019; calc; \u2018', '@(1)', 'a,b', '-x', '\n', 'é😀'];

test('the shell is told by the terminal program', () => {
  assert.equal(shellOf('C:\\Program Files\\PowerShell\\7\\pwsh.exe'), 'powershell');
  assert.equal(shellOf('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'), 'powershell');
  assert.equal(shellOf('C:\\Windows\\System32\\cmd.exe'), 'cmd');
  assert.equal(shellOf('/bin/bash'), 'posix');
  assert.equal(shellOf(undefined), 'posix');
});

test('POSIX: /bin/sh reads every quoted word back as exactly that one argument', () => {
  const words = [...HOSTILE, ...fc.sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), { numRuns: 100, seed: 19 }).filter((w) => !w.includes('\u0000'))];
  const line = words.map((w) => shellWord(w, 'posix')).join(' ');
  const r = spawnSync('/bin/sh', ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), words);
});

test('PowerShell: single-quoted, every single-quote character doubled, so none ends the string', () => {
  for (const w of HOSTILE) {
    const q = shellWord(w, 'powershell');
    if (q === w) {
      assert.match(w, /^[A-Za-z0-9_./:=+-]+$/);
      continue;
    }
    assert.ok(q.startsWith("'") && q.endsWith("'"));
    const inner = q.slice(1, -1);
    // Reading as PowerShell does: a quote character followed by a quote character is one literal quote.
    const read = inner.replace(/(['\u2018\u2019\u201a\u201b])\1/g, '$1');
    assert.equal(read, w);
    assert.doesNotMatch(inner.replace(/(['\u2018\u2019\u201a\u201b])\1/g, ''), /['\u2018\u2019\u201a\u201b]/, `no lone quote in ${q}`);
  }
});

test('cmd.exe: double quotes around the safe ones; quotes, %, !, ^ and line breaks are refused', () => {
  assert.equal(shellWord('a b', 'cmd'), '"a b"');
  assert.equal(shellWord('data/verse.txt', 'cmd'), 'data/verse.txt');
  for (const w of ['%PATH%', '!x!', '"q"', 'a^b', '\n']) assert.throws(() => shellWord(w, 'cmd'), UnquotableError);
});
