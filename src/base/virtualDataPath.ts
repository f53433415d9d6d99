// Whether a data path lies under a workspace folder, for folders without a file system path (a virtual workspace,
// VS Code for the Web): the paths are URI paths, with no symlinks to follow. No Node import (the web bundle has it).
import { posixRelative } from './uriPath';

/**
 * The path, already normalised by joining (no "." or ".." left), must lie under a workspace folder's path (the same
 * test as dataPathGuard.ts's isInside on resolved local paths; a first segment beginning ".." counts as outside).
 */
export function judgeVirtualDataPath(dataPath: string, workspaceFolders: readonly string[]): 'inside' | 'outside' {
  return workspaceFolders.some((root) => !posixRelative(root, dataPath).startsWith('..')) ? 'inside' : 'outside';
}
