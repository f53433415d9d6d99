// The run store in VS Code for the Web (issue 17): the desktop's RunStoreBase on an in-memory file system
// (memoryStoreFs.ts) that is read from the extension's storage (workspace storage, or global storage without a
// workspace) through vscode.workspace.fs when the extension starts and written behind to it (storeMirror.ts).
// This file is only the glue: storage paths as URIs, and workspace.fs's errors.
import * as vscode from 'vscode';
import { MemoryStoreFs } from './memoryStoreFs';
import { RunStoreBase } from './runStoreBase';
import { MAX_LOADED_BYTES, StoreMirror, type MirrorFs } from './storeMirror';

export interface WebRunStore {
  readonly store: RunStoreBase;
  readonly mirror: StoreMirror;
  /** Resolves once the stored runs are read (the store lists nothing before). */
  readonly loaded: Promise<void>;
}

/** workspace.fs over the paths of `base`'s scheme and authority. */
function mirrorFs(base: vscode.Uri): MirrorFs {
  const fs = vscode.workspace.fs;
  const at = (path: string) => base.with({ path });
  return {
    readDirectory: (path) => fs.readDirectory(at(path)),
    stat: (path) => fs.stat(at(path)),
    readFile: (path) => fs.readFile(at(path)),
    writeFile: (path, bytes) => fs.writeFile(at(path), bytes),
    rename: (from, to) => fs.rename(at(from), at(to), { overwrite: true }),
    delete: (path) => Promise.resolve(fs.delete(at(path), { recursive: true, useTrash: false })).catch((error: unknown) => {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return;
      throw error;
    }),
    createDirectory: (path) => fs.createDirectory(at(path)),
  };
}

/**
 * Opens the store under `<storage>/runs`. Failures (reading or writing storage) show as one error notification each
 * time saving starts failing, as on the desktop.
 */
export function openWebRunStore(context: vscode.ExtensionContext): WebRunStore {
  const base = context.storageUri ?? context.globalStorageUri;
  const root = vscode.Uri.joinPath(base, 'runs');
  const onError = (message: string) => void vscode.window.showErrorMessage(message);
  const memory = new MemoryStoreFs();
  const mirror = new StoreMirror(mirrorFs(base), memory, root.path, { onError, label: root.toString(true) });
  let ready = false;
  const store = new RunStoreBase(root.path, { fs: memory, onError, ready: () => ready });
  const loaded = (async () => {
    try {
      const { skipped, overBudget } = await mirror.load();
      for (const file of skipped) {
        onError(vscode.l10n.t('Sequence Lab did not read {0}: it is over the size a run\'s file can reach. Delete the run to remove it.', base.with({ path: file }).toString(true)));
      }
      if (overBudget.length > 0) {
        // One message for all of them: a storage folder of many large runs would otherwise raise one per file.
        onError(vscode.l10n.t('Sequence Lab did not read {0} stored files in {1}: on the web it keeps at most {2} MB of stored runs in memory. Runs without their checkpoint are listed but cannot be resumed here; delete old runs to make room, or open the folder in VS Code on the desktop.', overBudget.length, root.toString(true), MAX_LOADED_BYTES / 1024 / 1024));
      }
    } catch (error) {
      onError(vscode.l10n.t('Sequence Lab could not read its stored runs in {0} ({1}); runs of this window are stored from now on.', root.toString(true), error instanceof Error ? error.message : String(error)));
    } finally {
      ready = true;
    }
  })();
  return { store, mirror, loaded };
}
