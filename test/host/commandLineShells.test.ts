// "Copy Command Line" quotes for the user's shell: a data path from a repository's experiment file is one argument
// and never a command, in POSIX sh (checked by running /bin/sh), PowerShell (single quotes, every kind of single
// quote doubled) and cmd.exe (double quotes; what cannot be quoted there is refused).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { shellOf, shellWord, UnquotableError } from '../../src/shared/experimentCommandLine';

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

/**
 * How a Windows program (node.exe, through the C runtime) splits its command line into arguments: the rules of the
 * Microsoft C runtime since 2008 (backslashes are literal unless they precede a quote; 2n backslashes + quote → n
 * backslashes and a quote that opens or closes; 2n+1 → n backslashes and a literal quote; "" inside quotes → ").
 */
function crtArgs(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      if (line[i] === '\\') {
        let k = 0;
        while (line[i] === '\\') {
          k++;
          i++;
        }
        if (line[i] === '"') {
          arg += '\\'.repeat(k >> 1);
          if (k % 2 === 1) {
            arg += '"';
            i++;
          }
        } else arg += '\\'.repeat(k);
      } else if (line[i] === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else arg += line[i++];
    }
    args.push(arg);
  }
  return args;
}

/**
 * cmd.exe reading a command line (typed, or a .cmd shim's %*): double quotes toggle quoting; outside them & | < > run
 * other commands, ^ escapes; %NAME% (anywhere) and !NAME! expand. Returns the text the program gets, or what would
 * have been interpreted.
 */
function cmdRead(line: string): { text: string } | { interpreted: string } {
  // eslint-disable-next-line no-control-regex -- a NUL ends a command line
  if (/[%!\r\n\u0000]/.test(line)) return { interpreted: 'an expansion or line break' };
  let quoted = false;
  let text = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && /[&|<>()]/.test(c)) return { interpreted: c };
    else if (!quoted && c === '^') {
      text += line[++i] ?? '';
      continue;
    }
    text += c;
  }
  return { text };
}

/** PowerShell reading a single-quoted string: a pair of single-quote characters (of any of its four kinds) is one. */
function powershellValue(q: string): string {
  if (/^[A-Za-z0-9_./:=+-]+$/.test(q)) return q;
  assert.ok(q.startsWith("'") && q.endsWith("'"), `single-quoted: ${q}`);
  const inner = q.slice(1, -1);
  assert.doesNotMatch(inner.replace(/(['\u2018\u2019\u201a\u201b])\1/g, ''), /['\u2018\u2019\u201a\u201b]/, `no lone quote ends ${q} early`);
  return inner.replace(/(['\u2018\u2019\u201a\u201b])\1/g, '$1');
}

/** Windows PowerShell 5.1 and PowerShell ≤ 7.2 (and 7.3+ for .cmd/.bat): wraps a value with blanks in quotes as is; drops ''. */
const legacyPassing = (v: string): string => (v === '' ? '' : /[ \t]/.test(v) ? `"${v}"` : v);
/** PowerShell 7.3+ "Standard" passing: quotes and escapes for the C runtime itself. */
const standardPassing = (v: string): string => {
  if (v !== '' && !/[ \t"]/.test(v)) return v;
  return `"${v.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
};

const HARD = [
  ...HOSTILE, 'C:\\my dir\\', 'C:\\dir\\', 'a b\\\\', 'a\\"b', 'a\\\\"b c', '\\\\server\\share x\\', 'rock & roll.txt', 'a&calc', 'a|b', '<x>', '^x', '(x)',
  '$env:PATH', '$(calc)', '`n`calc', '@(calc)', "it's", '\u201ccurly\u201d', 'tab\there', '', ' lead', 'trail ', '-x', '--%',
];
const ARBITRARY = fc.sample(fc.string({ unit: fc.constantFrom(...'ab \t\\"\'%!^&|<>()$`@,;=\u2019\u201c\n'), maxLength: 8 }), { numRuns: 400, seed: 19 });

test('cmd.exe: every word is refused or reaches the program exactly, with nothing interpreted (trailing backslashes too)', () => {
  let accepted = 0;
  for (const w of [...HARD, ...ARBITRARY]) {
    let q: string;
    try {
      q = shellWord(w, 'cmd');
    } catch (e) {
      assert.ok(e instanceof UnquotableError);
      // eslint-disable-next-line no-control-regex -- a NUL cannot be passed
      assert.match(w, /["%!^\r\n\u0000]/, `only words cmd cannot quote are refused: ${JSON.stringify(w)}`);
      continue;
    }
    accepted++;
    const line = `${q} ${shellWord('next', 'cmd')}`;
    const read = cmdRead(line);
    assert.ok('text' in read, `cmd interprets ${'interpreted' in read ? read.interpreted : ''} in ${line}`);
    assert.deepEqual(crtArgs(read.text), [w, 'next'], `cmd: ${JSON.stringify(w)} as ${line}`);
  }
  assert.ok(accepted > 100, `most words are quoted, not refused (${accepted})`);
});

test('PowerShell: every word is refused or reaches the program exactly in each argument passing, and never runs cmd code through a .cmd shim', () => {
  let accepted = 0;
  for (const w of [...HARD, ...ARBITRARY]) {
    let q: string;
    try {
      q = shellWord(w, 'powershell');
    } catch (e) {
      assert.ok(e instanceof UnquotableError, String(e));
      continue;
    }
    accepted++;
    const value = powershellValue(q);
    assert.equal(value, w, `PowerShell reads ${q} as the word`);
    // node.exe called directly (legacy or standard passing), or the npm .cmd shim (legacy passing, then cmd.exe).
    for (const [how, pass] of [['legacy', legacyPassing], ['standard', standardPassing]] as const) {
      assert.deepEqual(crtArgs(`${pass(value)} next`), [w, 'next'], `${how} passing of ${JSON.stringify(w)}`);
    }
    const shim = cmdRead(`${legacyPassing(value)} next`);
    assert.ok('text' in shim, `the .cmd shim's cmd.exe interprets ${'interpreted' in shim ? shim.interpreted : ''} of ${JSON.stringify(w)}`);
    assert.deepEqual(crtArgs(shim.text), [w, 'next'], `through the .cmd shim: ${JSON.stringify(w)}`);
  }
  assert.ok(accepted > 60, `most words are quoted, not refused (${accepted})`);
  // What PowerShell itself would expand stays literal in single quotes.
  for (const w of ['$env:PATH', '$(calc) x', '`n`calc', '@(calc) y']) assert.equal(shellWord(w, 'powershell'), `'${w}'`);
});

test('a refusal names the shell and the character it cannot pass', () => {
  assert.throws(() => shellWord('a"b', 'powershell'), (e: Error) => e instanceof UnquotableError && /PowerShell/.test(e.message));
  assert.throws(() => shellWord('50%', 'cmd'), (e: Error) => e instanceof UnquotableError && /cmd\.exe/.test(e.message));
});
