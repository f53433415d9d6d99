// How the run store (runStore.ts) opens a run folder's files: only regular files, never through a symlink, a FIFO
// swapped in never blocks, and a file is read only when it is within its bound (checked on the open file, before
// the buffer is allocated). A refused file throws RefusedFile, with the reason in words.
// No Node import: the desktop passes node:fs as the StoreFs, VS Code for the Web an in-memory one (memoryStoreFs.ts).

/** What the store asks of a file system entry (node:fs's Stats has all of it). */
export interface StoreStats {
  readonly size: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}

/** The open flags the store uses; node:fs's `constants` (O_NOFOLLOW and O_NONBLOCK are absent on Windows). */
export interface StoreOpenConstants {
  readonly O_RDONLY: number;
  readonly O_WRONLY: number;
  readonly O_APPEND: number;
  readonly O_CREAT: number;
  readonly O_TRUNC: number;
  readonly O_NOFOLLOW?: number;
  readonly O_NONBLOCK?: number;
}

/** The synchronous file calls the store makes: node:fs on the desktop (tests inject failing ones), memory on the web. */
export interface StoreFs {
  readonly constants: StoreOpenConstants;
  mkdirSync(path: string, options: { recursive: true }): unknown;
  readdirSync(path: string): string[];
  openSync(path: string, flags: number | string, mode?: number): number;
  writeSync(fd: number, data: string): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { recursive?: boolean; force?: boolean }): void;
  lstatSync(path: string): StoreStats;
  fstatSync(fd: number): StoreStats;
}

/**
 * `name` (one path segment) in `folder`: a Windows folder (drive letter or UNC, as fsPath gives them there) takes a
 * backslash, any other (POSIX, the web's URI paths) a slash. Read off the folder, so no `process` is needed.
 */
export function joinPath(folder: string, name: string): string {
  const sep = /^(?:[A-Za-z]:\\|\\\\)/.test(folder) ? '\\' : '/';
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

/**
 * Open flags for a run folder's files: never through a symlink (O_NOFOLLOW), and a FIFO swapped in after the lstat
 * does not block the open (O_NONBLOCK; regular files read and write as usual with it). Windows has neither flag:
 * the lstat before the open stands in there.
 */
export type OpenFor = 'read' | 'append' | 'create';
function flagsFor(fs: StoreFs, mode: OpenFor): number {
  const c = fs.constants;
  const guard = (c.O_NOFOLLOW ?? 0) | (c.O_NONBLOCK ?? 0);
  if (mode === 'read') return c.O_RDONLY | guard;
  if (mode === 'append') return c.O_WRONLY | c.O_APPEND | c.O_CREAT | guard;
  return c.O_WRONLY | c.O_CREAT | c.O_TRUNC | guard;
}

/** What a file system entry that is not a regular file is, in words. */
function kindOf(info: StoreStats): string {
  return info.isSymbolicLink() ? 'a symbolic link' : info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
}

/** A run-folder file that is not a regular file (or over its bound): refused before it is opened or read whole. */
export class RefusedFile extends Error {}

/**
 * Opens a run-folder file for `mode` only when it is a regular file (or, to append or create, not there yet): a
 * symlink, FIFO, device or folder throws RefusedFile before it is opened, and what was opened is checked again (fstat).
 */
export function openRegular(fs: StoreFs, file: string, mode: OpenFor): number {
  let before: StoreStats | undefined;
  try {
    before = fs.lstatSync(file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT' || mode === 'read') throw error;
  }
  if (before && !before.isFile()) throw new RefusedFile(`it is ${kindOf(before)}, not a regular file`);
  let fd: number;
  try {
    fd = fs.openSync(file, flagsFor(fs, mode), 0o644);
  } catch (error) {
    // O_NOFOLLOW on a symlink swapped in after the lstat.
    if ((error as { code?: string }).code === 'ELOOP') throw new RefusedFile('it is a symbolic link, not a regular file');
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
  const fd = openRegular(fs, joinPath(folder, name), 'read');
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
  const fd = openRegular(fs, file, 'append');
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
