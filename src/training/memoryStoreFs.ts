// The run store's file system in VS Code for the Web (issue 17): RunStoreBase makes synchronous node:fs-style calls
// (runFolderFiles.ts's StoreFs), and the web has only the asynchronous vscode.workspace.fs. So the store runs on this
// in-memory tree, loaded from workspace.fs when the extension starts and written behind to it (storeMirror.ts).
// Same semantics as the node:fs calls the store makes: regular files and folders only (no symlinks, FIFOs: nothing
// can make one here), errors carry node's `code` (ENOENT, EEXIST, ENOTDIR, EISDIR), append writes at the end,
// rename replaces the target. Every path a write, rename or removal touches is remembered until the mirror takes it.
// POSIX paths (a storage URI's path), no vscode, no Node import.
import type { StoreFs, StoreOpenConstants, StoreStats } from './runFolderFiles';

interface FileNode {
  readonly kind: 'file';
  bytes: Uint8Array;
  /** Bytes in use of `bytes` (which grows by doubling as appends come). */
  size: number;
}

interface FolderNode {
  readonly kind: 'folder';
}

type Node = FileNode | FolderNode;

interface OpenFile {
  node: FileNode;
  path: string;
  append: boolean;
  writable: boolean;
  position: number;
}

/** The flag bits of this file system (Linux's values; O_NOFOLLOW and O_NONBLOCK are meaningless without symlinks or FIFOs). */
const CONSTANTS: StoreOpenConstants = { O_RDONLY: 0, O_WRONLY: 1, O_CREAT: 0o100, O_TRUNC: 0o1000, O_APPEND: 0o2000 };

function fsError(code: string, call: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${call} '${path}'`), { code });
}

/** A path without '.', '..', repeated or trailing slashes ('/' for the root). */
export function normalPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

function stats(node: Node): StoreStats {
  const file = node.kind === 'file';
  return {
    size: file ? node.size : 0,
    isFile: () => file,
    isDirectory: () => !file,
    isSymbolicLink: () => false,
    isFIFO: () => false,
    isCharacterDevice: () => false,
    isBlockDevice: () => false,
    isSocket: () => false,
  };
}

export class MemoryStoreFs implements StoreFs {
  readonly constants = CONSTANTS;
  private readonly nodes = new Map<string, Node>([['/', { kind: 'folder' }]]);
  private readonly open = new Map<number, OpenFile>();
  private nextFd = 3;
  /** Paths written, renamed or removed since the last takeChanged(). */
  private changed = new Set<string>();

  /** Called after each change (a write, rename or removal), with the path it touched. */
  onChange: ((path: string) => void) | undefined;

  /** Puts a file as loaded from storage (folders on its way are made); not a change. */
  seed(path: string, bytes: Uint8Array): void {
    const p = normalPath(path);
    this.makeFolders(parentOf(p));
    this.nodes.set(p, { kind: 'file', bytes, size: bytes.length });
  }

  /** The paths changed since the last call (each once), forgotten here. */
  takeChanged(): string[] {
    const out = [...this.changed];
    this.changed = new Set();
    return out;
  }

  /** Puts paths back as changed (their write to storage failed: tried again at the next flush). */
  markChanged(paths: Iterable<string>): void {
    for (const p of paths) this.changed.add(p);
  }

  /** The bytes of the file at `path` now (a copy), or undefined when there is no file there. */
  fileBytes(path: string): Uint8Array | undefined {
    const node = this.nodes.get(normalPath(path));
    return node?.kind === 'file' ? node.bytes.slice(0, node.size) : undefined;
  }

  /** Every file under `folder` (its path and size). */
  filesUnder(folder: string): { path: string; size: number }[] {
    const prefix = normalPath(folder) + '/';
    const out: { path: string; size: number }[] = [];
    for (const [p, node] of this.nodes) if (p.startsWith(prefix) && node.kind === 'file') out.push({ path: p, size: node.size });
    return out;
  }

  mkdirSync(path: string, _options: { recursive: true }): undefined {
    this.makeFolders(normalPath(path));
    return undefined;
  }

  readdirSync(path: string): string[] {
    const p = normalPath(path);
    const node = this.nodes.get(p);
    if (!node) throw fsError('ENOENT', 'no such file or directory, scandir', path);
    if (node.kind !== 'folder') throw fsError('ENOTDIR', 'not a directory, scandir', path);
    const prefix = p === '/' ? '/' : p + '/';
    const names: string[] = [];
    for (const key of this.nodes.keys()) {
      if (key !== p && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) names.push(key.slice(prefix.length));
    }
    return names.sort();
  }

  openSync(path: string, flags: number | string, _mode?: number): number {
    const p = normalPath(path);
    const bits = typeof flags === 'number' ? flags : flags === 'r' ? CONSTANTS.O_RDONLY : flags === 'a' ? CONSTANTS.O_WRONLY | CONSTANTS.O_CREAT | CONSTANTS.O_APPEND : CONSTANTS.O_WRONLY | CONSTANTS.O_CREAT | CONSTANTS.O_TRUNC;
    const writable = (bits & CONSTANTS.O_WRONLY) !== 0;
    let node = this.nodes.get(p);
    if (node?.kind === 'folder') throw fsError('EISDIR', 'illegal operation on a directory, open', path);
    if (!node) {
      if (!(bits & CONSTANTS.O_CREAT)) throw fsError('ENOENT', 'no such file or directory, open', path);
      const parent = this.nodes.get(parentOf(p));
      if (!parent) throw fsError('ENOENT', 'no such file or directory, open', path);
      if (parent.kind !== 'folder') throw fsError('ENOTDIR', 'not a directory, open', path);
      node = { kind: 'file', bytes: new Uint8Array(0), size: 0 };
      this.nodes.set(p, node);
      this.touch(p);
    } else if (writable && bits & CONSTANTS.O_TRUNC) {
      node.size = 0;
      this.touch(p);
    }
    const fd = this.nextFd++;
    this.open.set(fd, { node, path: p, append: (bits & CONSTANTS.O_APPEND) !== 0, writable, position: 0 });
    return fd;
  }

  writeSync(fd: number, data: string): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  writeSync(fd: number, data: string | Uint8Array, offset = 0, length?: number): number {
    const file = this.file(fd, 'write');
    if (!file.writable) throw fsError('EBADF', 'bad file descriptor, write', file.path);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.subarray(offset, offset + (length ?? data.length - offset));
    const node = file.node;
    const at = file.append ? node.size : file.position;
    const end = at + bytes.length;
    if (end > node.bytes.length) {
      const grown = new Uint8Array(Math.max(end, node.bytes.length * 2, 64));
      grown.set(node.bytes.subarray(0, node.size));
      node.bytes = grown;
    }
    node.bytes.set(bytes, at);
    node.size = Math.max(node.size, end);
    file.position = end;
    this.touch(file.path);
    return bytes.length;
  }

  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    const { node } = this.file(fd, 'read');
    const n = Math.max(0, Math.min(length, node.size - position));
    buffer.set(node.bytes.subarray(position, position + n), offset);
    return n;
  }

  fsyncSync(fd: number): void {
    this.file(fd, 'fsync');
  }

  closeSync(fd: number): void {
    this.file(fd, 'close');
    this.open.delete(fd);
  }

  renameSync(from: string, to: string): void {
    const a = normalPath(from);
    const b = normalPath(to);
    const node = this.nodes.get(a);
    if (!node) throw fsError('ENOENT', 'no such file or directory, rename', from);
    if (node.kind === 'folder') throw fsError('EISDIR', 'folders are not renamed here, rename', from);
    if (this.nodes.get(b)?.kind === 'folder') throw fsError('EISDIR', 'illegal operation on a directory, rename', to);
    if (this.nodes.get(parentOf(b))?.kind !== 'folder') throw fsError('ENOENT', 'no such file or directory, rename', to);
    if (a === b) return;
    this.nodes.delete(a);
    this.nodes.set(b, node);
    this.touch(a);
    this.touch(b);
  }

  rmSync(path: string, options: { recursive?: boolean; force?: boolean }): void {
    const p = normalPath(path);
    const node = this.nodes.get(p);
    if (!node) {
      if (options.force) return;
      throw fsError('ENOENT', 'no such file or directory, rm', path);
    }
    if (p === '/') throw fsError('EPERM', 'operation not permitted, rm', path);
    if (node.kind === 'folder') {
      const prefix = p + '/';
      const inside = [...this.nodes.keys()].filter((k) => k.startsWith(prefix));
      if (inside.length > 0 && !options.recursive) throw fsError('ENOTEMPTY', 'directory not empty, rm', path);
      for (const k of inside) this.nodes.delete(k);
    }
    this.nodes.delete(p);
    this.touch(p);
  }

  lstatSync(path: string): StoreStats {
    const node = this.nodes.get(normalPath(path));
    if (!node) throw fsError('ENOENT', 'no such file or directory, lstat', path);
    return stats(node);
  }

  fstatSync(fd: number): StoreStats {
    return stats(this.file(fd, 'fstat').node);
  }

  private file(fd: number, call: string): OpenFile {
    const file = this.open.get(fd);
    if (!file) throw fsError('EBADF', `bad file descriptor, ${call}`, String(fd));
    return file;
  }

  private makeFolders(p: string): void {
    if (this.nodes.get(p)?.kind === 'folder') return;
    if (this.nodes.has(p)) throw fsError('EEXIST', 'file already exists, mkdir', p);
    this.makeFolders(parentOf(p));
    this.nodes.set(p, { kind: 'folder' });
  }

  private touch(p: string): void {
    this.changed.add(p);
    this.onChange?.(p);
  }
}
