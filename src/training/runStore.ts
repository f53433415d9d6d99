// The desktop's run store: RunStoreBase (runStoreBase.ts: the run folders, their files and their bounds) on node:fs.
// VS Code for the Web builds the same store on an in-memory file system written behind to workspace.fs
// (webRunStore.ts), since the web has no node:fs; the web bundle never imports this file.
import * as nodeFs from 'node:fs';
import { RunStoreBase, type RunStoreOptions } from './runStoreBase';

export * from './runStoreBase';

export class RunStore extends RunStoreBase {
  constructor(root: string, options: Partial<RunStoreOptions> = {}) {
    super(root, { tempTag: String(process.pid), ...options, fs: options.fs ?? nodeFs });
  }
}
