// data.path of an experiment file from a repository cannot reach files outside the workspace: realpath follows every
// symlink (in the path and in the workspace folder), ".." and backslash forms are judged where they land, and
// anything but a regular file (folder, device, FIFO) is refused. Real folders, files and symlinks in a temp dir.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { judgeDataPath, judgeVirtualDataPath } from '../../src/base/dataPathGuard';

const base = mkdtempSync(path.join(tmpdir(), 'seqlab-guard-'));
after(() => rmSync(base, { recursive: true, force: true }));
const ws = path.join(base, 'repo');
mkdirSync(path.join(ws, 'experiments'), { recursive: true });
writeFileSync(path.join(ws, 'verse.txt'), 'verse');
writeFileSync(path.join(base, 'secret.txt'), 'secret');
symlinkSync(path.join(base, 'secret.txt'), path.join(ws, 'innocent.txt'));
symlinkSync(base, path.join(ws, 'up'));
symlinkSync('/dev/zero', path.join(ws, 'zeros.txt'));
symlinkSync(path.join(base, 'gone.txt'), path.join(ws, 'dangling.txt'));
mkdirSync(path.join(ws, 'folder.txt'));
const fifo = spawnSync('mkfifo', [path.join(ws, 'pipe.txt')]).status === 0;
// The workspace opened through a symlinked path: still the same folder.
symlinkSync(ws, path.join(base, 'repo-link'));

/** The experiment folder joined with data.path as the extension joins it (both separators, "." dropped). */
const joined = (dataPath: string) => path.join(ws, 'experiments', ...dataPath.split(/[\\/]/).filter((p) => p !== '' && p !== '.'));

test('a file inside the workspace is inside, also through ".." that stays inside and through a symlinked folder', async () => {
  assert.equal((await judgeDataPath(joined('../verse.txt'), [ws])).kind, 'inside');
  assert.equal((await judgeDataPath(joined('..\\verse.txt'), [ws])).kind, 'inside');
  assert.equal((await judgeDataPath(joined('../verse.txt'), [path.join(base, 'repo-link')])).kind, 'inside');
});

test('"../../../../etc/passwd", its backslash form, and a file beside the workspace are outside, with the resolved path', async () => {
  const passwd = await judgeDataPath(joined('../../../../../../../../etc/passwd'), [ws]);
  assert.deepEqual(passwd, { kind: 'outside', resolved: '/etc/passwd' });
  assert.deepEqual(await judgeDataPath(joined('..\\..\\..\\..\\..\\..\\..\\..\\etc\\passwd'), [ws]), { kind: 'outside', resolved: '/etc/passwd' });
  assert.equal((await judgeDataPath(joined('../../secret.txt'), [ws])).kind, 'outside');
});

test('a committed symlink pointing out of the workspace is outside (file or folder link)', async () => {
  const link = await judgeDataPath(joined('../innocent.txt'), [ws]);
  assert.deepEqual(link, { kind: 'outside', resolved: path.join(await import('node:fs/promises').then((f) => f.realpath(base)), 'secret.txt') });
  assert.equal((await judgeDataPath(joined('../up/secret.txt'), [ws])).kind, 'outside');
});

test('devices, folders and FIFOs are refused; a dangling link is missing', async () => {
  assert.deepEqual(await judgeDataPath(joined('../zeros.txt'), [ws]), { kind: 'notRegular', resolved: '/dev/zero', what: 'a device' });
  assert.equal((await judgeDataPath(joined('../folder.txt'), [ws])).kind, 'notRegular');
  if (fifo) assert.deepEqual((await judgeDataPath(joined('../pipe.txt'), [ws])).kind, 'notRegular');
  assert.deepEqual(await judgeDataPath(joined('../dangling.txt'), [ws]), { kind: 'missing' });
});

test('virtual workspaces: the joined path must stay under a folder', () => {
  assert.equal(judgeVirtualDataPath('/repo/data/verse.txt', ['/repo']), 'inside');
  assert.equal(judgeVirtualDataPath('/etc/passwd', ['/repo']), 'outside');
  assert.equal(judgeVirtualDataPath('/repository/x', ['/repo']), 'outside');
});

test('the judged file is read only while it is the same file: a retargeted link or a replaced file is not', async () => {
  const { judgedFile, stillJudgedFile } = await import('../../src/base/dataPathGuard');
  const { realpath } = await import('node:fs/promises');
  const { renameSync } = await import('node:fs');
  writeFileSync(path.join(base, 'shown.txt'), 'shown');
  writeFileSync(path.join(base, 'other.txt'), 'other');
  writeFileSync(path.join(base, 'replacement.txt'), 'replacement');
  symlinkSync(path.join(base, 'shown.txt'), path.join(ws, 'swap.txt'));
  const judged = await judgedFile(await realpath(path.join(ws, 'swap.txt')));
  assert.ok(judged);
  assert.equal(await stillJudgedFile(path.join(ws, 'swap.txt'), judged), true, 'unchanged: the same file');
  assert.equal(await stillJudgedFile(judged.resolved, judged), true, 'the resolved path itself');
  rmSync(path.join(ws, 'swap.txt'));
  symlinkSync(path.join(base, 'other.txt'), path.join(ws, 'swap.txt'));
  assert.equal(await stillJudgedFile(path.join(ws, 'swap.txt'), judged), false, 'the link now leads elsewhere');
  renameSync(path.join(base, 'replacement.txt'), path.join(base, 'shown.txt'));
  assert.equal(await stillJudgedFile(judged.resolved, judged), false, 'another file (inode) at the confirmed path');
  assert.equal(await judgedFile('/dev/zero'), undefined, 'a device is no judged file');
});
