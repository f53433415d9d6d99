// Where an experiment file's data.path really leads. An experiment file may come from a repository the user did not
// write: "../../../../etc/passwd", its backslash form, or a committed symlink would otherwise make ▶ Train read (and
// show samples of, and store, and export) any local file. The path is resolved with realpath (every symlink
// followed) and must land inside one of the workspace folders (also resolved), on a regular file; anything else is
// refused or, for a regular file outside the workspace, shown to the user with its resolved path to confirm.
// Pure node:fs, no vscode, so tests run it on real folders and symlinks.
import { lstat, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';

export type DataPathVerdict =
  /** A regular file inside a workspace folder (after resolving symlinks). */
  | { kind: 'inside'; resolved: string }
  /** A regular file outside every workspace folder: only with the user's confirmation, showing `resolved`. */
  | { kind: 'outside'; resolved: string }
  /** Not a regular file (a directory, a FIFO, a device such as /dev/zero, a socket): refused. */
  | { kind: 'notRegular'; resolved: string; what: string }
  /** Nothing there (or a dangling symlink). */
  | { kind: 'missing' };

/** Whether `child` is `root` or inside it (both absolute, normalised). */
export function isInside(root: string, child: string): boolean {
  const relative = path.relative(root, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Judges the data file at `dataFsPath` (the experiment folder joined with data.path) against the workspace folders
 * (file-system paths). Symlinks are followed to the end, both in the data path and in the folders.
 */
export async function judgeDataPath(dataFsPath: string, workspaceFolders: readonly string[]): Promise<DataPathVerdict> {
  let resolved: string;
  try {
    resolved = await realpath(dataFsPath);
  } catch {
    return { kind: 'missing' };
  }
  const info = await stat(resolved);
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
    return { kind: 'notRegular', resolved, what };
  }
  const roots = await Promise.all(workspaceFolders.map((f) => realpath(f).catch(() => path.resolve(f))));
  return roots.some((root) => isInside(root, resolved)) ? { kind: 'inside', resolved } : { kind: 'outside', resolved };
}

// The same judgement for a folder without a file system path is virtualDataPath.ts (no Node import: the web has it).
export { judgeVirtualDataPath } from './virtualDataPath';

/** The regular file a judgement (and the user's confirmation) was about: its real path and its identity on disk. */
export interface JudgedFile {
  resolved: string;
  dev: number;
  ino: number;
}

/** `resolved` (a realpath from judgeDataPath) with its device and inode, or undefined when it is no regular file now. */
export async function judgedFile(resolved: string): Promise<JudgedFile | undefined> {
  try {
    const info = await lstat(resolved);
    return info.isFile() ? { resolved, dev: info.dev, ino: info.ino } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pathToRead` still leads to exactly the file that was judged (and confirmed): the same realpath, still a
 * regular file, the same device and inode. Checked right before reading, so a symlink retargeted, or a file replaced
 * by another one, after the user said yes is not read in its place.
 */
export async function stillJudgedFile(pathToRead: string, judged: JudgedFile): Promise<boolean> {
  try {
    if ((await realpath(pathToRead)) !== judged.resolved) return false;
    const now = await judgedFile(judged.resolved);
    return now !== undefined && now.dev === judged.dev && now.ino === judged.ino;
  } catch {
    return false;
  }
}
