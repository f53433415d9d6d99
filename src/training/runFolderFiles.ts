// How the run store (runStore.ts) opens a run folder's files: only regular files, never through a symlink, a FIFO
// swapped in never blocks, and a file is read only when it is within its bound (checked on the open file, before
// the buffer is allocated). A refused file throws RefusedFile, with the reason in words.
import * as nodeFs from 'node:fs';
import * as path from 'node:path';

/** The node:fs functions the store uses (tests inject failing ones). */
export type StoreFs = Pick<
  typeof nodeFs,
  'mkdirSync' | 'readdirSync' | 'readFileSync' | 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync' | 'existsSync' | 'statSync'
  | 'lstatSync' | 'fstatSync' | 'readSync'
>;

/**
 * Open flags for a run folder's files: never through a symlink (O_NOFOLLOW), and a FIFO swapped in after the lstat
 * does not block the open (O_NONBLOCK; regular files read and write as usual with it). Windows has neither flag:
 * the lstat before the open stands in there.
 */
const { O_RDONLY, O_WRONLY, O_APPEND, O_CREAT, O_TRUNC } = nodeFs.constants;
const O_NOFOLLOW = nodeFs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = nodeFs.constants.O_NONBLOCK ?? 0;
export const READ_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
export const APPEND_FLAGS = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK;
export const CREATE_FLAGS = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK;

/** What a file system entry that is not a regular file is, in words. */
function kindOf(info: nodeFs.Stats): string {
  return info.isSymbolicLink() ? 'a symbolic link' : info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
}

/** A run-folder file that is not a regular file (or over its bound): refused before it is opened or read whole. */
export class RefusedFile extends Error {}

/**
 * Opens a run-folder file with `flags` only when it is a regular file (or, with O_CREAT, not there yet): a symlink,
 * FIFO, device or folder throws RefusedFile before it is opened, and what was opened is checked again (fstat).
 */
export function openRegular(fs: StoreFs, file: string, flags: number): number {
  let before: nodeFs.Stats | undefined;
  try {
    before = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !(flags & O_CREAT)) throw error;
  }
  if (before && !before.isFile()) throw new RefusedFile(`it is ${kindOf(before)}, not a regular file`);
  let fd: number;
  try {
    fd = fs.openSync(file, flags, 0o644);
  } catch (error) {
    // O_NOFOLLOW on a symlink swapped in after the lstat.
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new RefusedFile('it is a symbolic link, not a regular file');
    throw error;
  }
  const info = fs.fstatSync(fd);
  if (!info.isFile()) {
    fs.closeSync(fd);
    throw new RefusedFile(`it is ${kindOf(info)}, not a regular file`);
  }
  return fd;
}

/**
 * The bytes of `name` in `folder`: the folder must be a real folder and the file a regular file reached without a
 * symlink, at most `maxBytes` long. Throws RefusedFile when it is not, and the system's error when it is missing.
 */
export function readRegular(fs: StoreFs, folder: string, name: string, maxBytes: number): Uint8Array {
  const info = fs.lstatSync(folder);
  if (!info.isDirectory()) throw new RefusedFile(`its run folder is ${kindOf(info)}`);
  const fd = openRegular(fs, path.join(folder, name), READ_FLAGS);
  try {
    const size = fs.fstatSync(fd).size;
    if (size > maxBytes) {
      throw new RefusedFile(`it is ${(size / 1024 / 1024).toFixed(1)} MB, over the ${(maxBytes / 1024 / 1024).toFixed(0)} MB a run's ${name} can reach`);
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, bytes, at, size - at, at);
      if (n === 0) break; // shrank since the fstat: what is there
      at += n;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    fs.closeSync(fd);
  }
}

/** Appends `text` to a run-folder file (created when absent), refusing anything but a regular file. */
export function appendRegular(fs: StoreFs, file: string, text: string): void {
  const fd = openRegular(fs, file, APPEND_FLAGS);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
