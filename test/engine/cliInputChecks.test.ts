// One set of input checks (src/shared/textChecks.ts) for the extension and the command line: a file the extension
// refuses to train on — empty, whitespace only, binary (NUL bytes), a single character, over the size limit — is
// refused by `sequence-lab train FILE` and `sequence-lab train FILE --out DIR` too, through the real entry point
// (src/cli.ts), with exit code 1, the extension's message on stderr, and nothing written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkTrainingText, DEFAULT_MAX_TRAINING_MB, fileLabelOf, utf8Length } from '../../src/shared/textChecks';
import fc from 'fast-check';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'seqlab-cli-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', cwd: root });
const LIMIT = DEFAULT_MAX_TRAINING_MB * 1024 * 1024;

const BAD: Array<[string, string | Uint8Array, RegExp]> = [
  ['empty.txt', '', /^empty\.txt is empty: there is nothing to learn from\./],
  ['blank.txt', ' \n\t\r\n   \n', /^blank\.txt is empty apart from whitespace: there is nothing to learn from\./],
  ['image.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), /^image\.png looks like a binary file \(it contains NUL bytes\)/],
  ['one.txt', 'x', /^one\.txt has a single character/],
];

for (const [name, content, expected] of BAD) {
  test(`train refuses ${name} as the extension does, with and without --out`, () => {
    const file = join(dir, name);
    writeFileSync(file, content);
    const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
    // What the extension shows (src/base/documentText.ts), minus its "Sequence Lab: " prefix.
    const verdict = checkTrainingText(text, name, LIMIT);
    assert.equal(verdict.ok, false);
    assert.match(verdict.message!, expected);
    const out = join(dir, `${name}-run`);
    for (const args of [['train', file, '--out', out, '--steps', '2'], ['train', file, '--steps', '2']]) {
      const r = cli(...args);
      assert.equal(r.status, 1, `${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
      assert.ok(r.stderr.includes(verdict.message!), `${args.join(' ')} says the extension's words:\n${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
      assert.equal(r.stdout, '', 'nothing trained');
      assert.equal(existsSync(out), false, 'nothing written');
    }
  });
}

test('train refuses a file over 20 MB, naming its size, and a good file still trains', () => {
  const big = join(dir, 'big.txt');
  writeFileSync(big, 'ab'.repeat(21 * 512 * 1024));
  const r = cli('train', big, '--out', join(dir, 'big-run'));
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /big\.txt is 21\.0 MB, over the 20\.0 MB limit for training\. Train on a smaller file\./);
  assert.doesNotMatch(r.stderr, /sequenceLab\.limits/, 'the CLI has no setting to raise');
  assert.match(checkTrainingText('ab'.repeat(21 * 512 * 1024), 'big.txt', LIMIT).message!, /Raise "sequenceLab\.limits\.maxFileSizeMB" or train on a smaller file\./);

  const good = join(dir, 'good.txt');
  writeFileSync(good, 'the cat sat on the mat. '.repeat(20));
  const ok = cli('train', good, '--out', join(dir, 'good-run'), '--model', 'rnn', '--hidden', '4', '--steps', '2');
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(existsSync(join(dir, 'good-run', 'model.safetensors')));
});

test('utf8Length counts UTF-8 bytes as TextEncoder writes them (lone surrogates as U+FFFD)', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => utf8Length(s) === new TextEncoder().encode(s).length));
  assert.equal(utf8Length('\ud800x\udc00'), 7);
  assert.equal(fileLabelOf('/a/b/c.txt'), 'c.txt');
  assert.equal(fileLabelOf('c:\\data\\c.txt'), 'c.txt');
  assert.equal(fileLabelOf('c.txt'), 'c.txt');
});
