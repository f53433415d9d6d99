// Keeps the web's in-memory run store (memoryStoreFs.ts) and its copy in the extension's storage (workspace.fs) in
// step, so runs outlive the window in VS Code for the Web (issue 17):
// - load: at activation, the run folders under the store's root are read into memory, each file only when it is a
//   regular file (a symlink is not followed) within the bound the store reads it with (runStoreBase.ts); a file over
//   it is left in storage unread, as the desktop store leaves it on disk, and named in `skipped`.
// - write behind: each file the store changed is written whole to a temp name beside it, then renamed over it, so a
//   reload mid-write leaves the previous file whole; what the store removed is deleted. Run files (run.json, the
//   checkpoints) go out at once, metrics a little later; flush() writes everything now (deactivate).
// - a failed write is reported once until a flush succeeds again (as RunStoreBase reports), and tried again.
// No vscode: `MirrorFs` is workspace.fs over paths (webRunStore.ts adapts it), so tests run this on a fake.
import type { MemoryStoreFs } from './memoryStoreFs';
import { normalPath } from './memoryStoreFs';
import { HELD_OUT_FILE, MAX_JSONL_BYTES, MAX_MODEL_FILE_BYTES, MAX_RUN_FILE_BYTES, MAX_STATE_FILE_BYTES, METRICS_FILE, MODEL_FILE, RUN_FILE, STATE_FILE } from './runStoreBase';

/** vscode.FileType's bits. */
export const FILE = 1;
export const FOLDER = 2;
export const SYMLINK = 64;

/** What the mirror needs of vscode.workspace.fs, over POSIX paths. delete is recursive and quiet when nothing is there. */
export interface MirrorFs {
  readDirectory(path: string): Thenable<[string, number][]>;
  stat(path: string): Thenable<{ type: number; size: number }>;
  readFile(path: string): Thenable<Uint8Array>;
  writeFile(path: string, bytes: Uint8Array): Thenable<void>;
  /** Replaces `to` when it exists. */
  rename(from: string, to: string): Thenable<void>;
  delete(path: string): Thenable<void>;
  createDirectory(path: string): Thenable<void>;
}

/** The most of each file the store reads (the store's own bounds); a name not here is never read by the store. */
const BOUNDS: ReadonlyMap<string, number> = new Map([
  [RUN_FILE, MAX_RUN_FILE_BYTES],
  [METRICS_FILE, MAX_JSONL_BYTES],
  [HELD_OUT_FILE, MAX_JSONL_BYTES],
  [MODEL_FILE, MAX_MODEL_FILE_BYTES],
  [STATE_FILE, MAX_STATE_FILE_BYTES],
]);
/**
 * The most the web keeps in memory of all stored runs together (every file is also within its own bound above, but a
 * model may reach ~0.5 GB and its optimiser state three times that, and a storage folder can hold many runs): files
 * past it stay in storage unread. Each run's small files (run.json and its curves) are read first, for every run,
 * then the checkpoints of runs in turn, a model and its optimiser state together or neither.
 */
export const MAX_LOADED_BYTES = 512 * 1024 * 1024;
/** Checkpoint files: read in a second pass, as a pair. */
const CHECKPOINT_FILES: readonly string[] = [MODEL_FILE, STATE_FILE];
/** The store's own .gitignore at its root. */
const ROOT_FILES: ReadonlyMap<string, number> = new Map([['.gitignore', 4096]]);

/** How long a changed metrics file waits for more lines before it is written (run files go at once). */
export const METRICS_DELAY_MS = 2000;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

/** A temp file of an atomic write (RunStoreBase's in memory, this mirror's in storage): never stored, never loaded. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** Files written first, in this order; any other after them (-1 >>> 0 ranks last). */
const WRITE_ORDER = [STATE_FILE, MODEL_FILE, RUN_FILE];

export type FlushOp = { kind: 'write'; path: string; bytes: Uint8Array } | { kind: 'delete'; path: string };

/**
 * What to do in storage for the paths the store changed: write each file that is there now, delete each path that is
 * gone and was in storage (a folder once, not also what was in it). Deletions first: a folder removed and made again
 * loses its old files before the new ones are written.
 */
export function planFlush(changed: readonly string[], memory: MemoryStoreFs, stored: ReadonlySet<string>): FlushOp[] {
  const deletes: string[] = [];
  const writes: FlushOp[] = [];
  for (const path of [...new Set(changed)].sort()) {
    if (isTempName(baseName(path))) continue;
    const bytes = memory.fileBytes(path);
    if (bytes) {
      writes.push({ kind: 'write', path, bytes });
      continue;
    }
    let exists = false;
    try {
      memory.lstatSync(path); // a folder: its files are written on their own
      exists = true;
    } catch {
      // gone
    }
    if (exists) continue;
    const prefix = path + '/';
    if (stored.has(path) || [...stored].some((p) => p.startsWith(prefix))) deletes.push(path);
  }
  const outermost = deletes.filter((p) => !deletes.some((q) => q !== p && p.startsWith(q + '/')));
  // In the order the store writes a checkpoint (the optimiser state, the model, then run.json naming its step), and
  // the curves last: a reload between two of them leaves what RunStoreBase's own order would.
  const rank = (op: FlushOp) => WRITE_ORDER.indexOf(baseName(op.path)) >>> 0;
  writes.sort((a, b) => rank(a) - rank(b));
  return [...outermost.map((path): FlushOp => ({ kind: 'delete', path })), ...writes];
}

export interface StoreMirrorOptions {
  /** Called once when writing starts failing (again), with a one-line message. */
  onError?: (message: string) => void;
  /** Where the runs are, for messages. */
  label?: string;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  /** The most loaded in all (default MAX_LOADED_BYTES). */
  maxLoadedBytes?: number;
}

export class StoreMirror {
  /** Paths in storage (files and run folders): what a removal must delete there. */
  private readonly stored = new Set<string>();
  private failing = false;
  private timer: unknown;
  private due = Infinity;
  private running: Promise<void> = Promise.resolve();
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly fs: MirrorFs, private readonly memory: MemoryStoreFs, readonly root: string, private readonly options: StoreMirrorOptions = {}) {
    this.setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
    memory.onChange = (path) => this.schedule(path);
  }

  /**
   * Reads the store's files from storage into memory (before the store is first used). Returns the files left unread
   * because they are over the store's bound for them (`skipped`) or past the total the web keeps in memory
   * (`overBudget`, MAX_LOADED_BYTES); anything else odd (a symlink, a stray name, a temp file of a write a reload cut
   * short) is skipped quietly, and the temp file deleted.
   */
  async load(): Promise<{ skipped: string[]; overBudget: string[] }> {
    const root = normalPath(this.root);
    const skipped: string[] = [];
    const budget = { left: this.options.maxLoadedBytes ?? MAX_LOADED_BYTES, over: [] as string[] };
    const entries = await this.fs.readDirectory(root).then((e) => e, () => [] as [string, number][]);
    /** Each run folder's checkpoint files, read after every run's small files. */
    const checkpoints: { path: string; bound: number }[][] = [];
    for (const [name, type] of entries) {
      const path = `${root}/${name}`;
      if (type & SYMLINK) continue;
      if (type === FILE && ROOT_FILES.has(name)) await this.loadFiles([{ path, bound: ROOT_FILES.get(name)! }], skipped, budget);
      else if (type === FILE && isTempName(name)) await this.dropTemp(path);
      if (type !== FOLDER || name.startsWith('.') || !/^[A-Za-z0-9._-]+$/.test(name)) continue;
      this.stored.add(path);
      const files = await this.fs.readDirectory(path).then((e) => e, () => [] as [string, number][]);
      const pair: { path: string; bound: number }[] = [];
      for (const [fileName, fileType] of files) {
        const bound = BOUNDS.get(fileName);
        if (fileType === FILE && bound !== undefined) {
          if (CHECKPOINT_FILES.includes(fileName)) pair.push({ path: `${path}/${fileName}`, bound });
          else await this.loadFiles([{ path: `${path}/${fileName}`, bound }], skipped, budget);
        } else if (fileType === FILE && isTempName(fileName)) await this.dropTemp(`${path}/${fileName}`);
        else if (!(fileType & SYMLINK)) this.stored.add(`${path}/${fileName}`); // deleted with its run
      }
      if (pair.length) checkpoints.push(pair);
      this.memory.mkdirSync(path, { recursive: true });
    }
    for (const pair of checkpoints) await this.loadFiles(pair, skipped, budget);
    return { skipped, overBudget: budget.over };
  }

  /** Writes every change so far to storage; resolves when done (a failure is reported, not thrown). */
  flush(): Promise<void> {
    this.cancelTimer();
    this.running = this.running.then(() => this.writeChanges());
    return this.running;
  }

  dispose(): void {
    this.cancelTimer();
    this.memory.onChange = undefined;
  }

  /**
   * Reads `files` into memory, all of them or none: a file over its own bound goes to `skipped` (the others are still
   * read), and when what is left of `budget` cannot hold them all, every one goes to `budget.over`. Each size is known
   * (stat) before anything is read.
   */
  private async loadFiles(files: readonly { path: string; bound: number }[], skipped: string[], budget: { left: number; over: string[] }): Promise<void> {
    const sized: { path: string; bound: number; size: number }[] = [];
    for (const { path, bound } of files) {
      this.stored.add(path);
      try {
        const { type, size } = await this.fs.stat(path);
        if (type !== FILE) continue;
        if (size > bound) skipped.push(path);
        else sized.push({ path, bound, size });
      } catch {
        // unreadable: as if absent, as the desktop store treats it
      }
    }
    const total = sized.reduce((n, f) => n + f.size, 0);
    if (total > budget.left) {
      budget.over.push(...sized.map((f) => f.path));
      return;
    }
    budget.left -= total; // kept for these files before any is read
    for (const { path, bound, size } of sized) {
      try {
        const bytes = await this.fs.readFile(path);
        // A file that grew since the stat is kept only within its bound and what is left of the budget.
        const grown = bytes.length - size;
        if (bytes.length > bound) skipped.push(path);
        else if (grown > budget.left) budget.over.push(path);
        else {
          budget.left -= Math.max(0, grown);
          if (!this.memory.fileBytes(path)) this.memory.seed(path, bytes); // not one this window wrote meanwhile
          continue;
        }
        budget.left += size; // not kept
      } catch {
        budget.left += size; // unreadable: as if absent, as the desktop store treats it
      }
    }
  }


  private async dropTemp(path: string): Promise<void> {
    await this.fs.delete(path).then(undefined, () => undefined);
  }

  /** A change to `path`: run files are written at once (after the current burst of calls), metrics soon. */
  private schedule(path: string): void {
    const delay = path.endsWith('.jsonl') ? METRICS_DELAY_MS : 0;
    const due = Date.now() + delay;
    if (this.timer !== undefined && due >= this.due) return;
    this.cancelTimer();
    this.due = due;
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      this.due = Infinity;
      void this.flush();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.due = Infinity;
  }

  private async writeChanges(): Promise<void> {
    const ops = planFlush(this.memory.takeChanged(), this.memory, this.stored);
    let failed: unknown;
    for (const op of ops) {
      try {
        if (op.kind === 'delete') {
          await this.fs.delete(op.path);
          for (const p of [...this.stored]) if (p === op.path || p.startsWith(op.path + '/')) this.stored.delete(p);
        } else {
          await this.writeAtomic(op.path, op.bytes);
          this.stored.add(op.path);
          this.stored.add(parentOf(op.path));
        }
      } catch (error) {
        failed ??= error;
        this.memory.markChanged([op.path]); // tried again at the next flush
        if (op.kind === 'write') this.stored.delete(parentOf(op.path)); // its folder made again then, should it be gone
      }
    }
    if (failed === undefined) {
      if (ops.length > 0) this.failing = false;
      return;
    }
    if (this.failing) return;
    this.failing = true;
    const reason = failed instanceof Error ? (failed as { code?: string }).code || failed.message : String(failed);
    this.options.onError?.(
      `Sequence Lab could not save runs in ${this.options.label ?? this.root} (${reason}); what was saved before is kept. Training goes on; it tries again at the next change.`,
    );
  }

  /** temp name beside the file → rename over it: storage holds the old file or the new one, never half of one. */
  private async writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
    const folder = parentOf(path);
    const temp = `${folder}/.${baseName(path)}.${Math.random().toString(36).slice(2)}.tmp`;
    if (!this.stored.has(folder)) await this.fs.createDirectory(folder); // one round trip fewer for a folder known there
    try {
      await this.fs.writeFile(temp, bytes);
      await this.fs.rename(temp, path);
    } catch (error) {
      await this.fs.delete(temp).then(undefined, () => undefined);
      throw error;
    }
  }
}
