// Posix path helpers for URI paths (vscode.Uri.path is always '/'-separated, on every platform and on the web), so
// the host needs no node:path for them (issue 17: the web bundle holds nothing of Node). Same results as Node's
// path.posix for absolute paths, which is what a URI's path is.

/** The last segment of `path` (trailing slashes ignored), as path.posix.basename. */
export function posixBasename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The segments of an absolute path with '.' and '..' resolved (never above the root), as path.posix.resolve does. */
function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

/** The path from absolute `from` to absolute `to`, as path.posix.relative ('' when they are the same). */
export function posixRelative(from: string, to: string): string {
  const a = segments(from);
  const b = segments(to);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

/** The folder of absolute `path`, as path.posix.dirname (trailing slashes ignored; the root's is the root). */
export function posixDirname(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  if (cut <= 0) return path.startsWith('/') ? '/' : '.';
  if (cut === 1) return '//'; // as Node: '//a' (POSIX leaves a leading '//' to the implementation)
  return trimmed.slice(0, cut);
}
