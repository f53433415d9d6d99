// Workspace Trust: the manifest declares limited support in Restricted Mode, the workspace-storage setting is
// restricted, and (by a source scan) every file writing files goes through src/base/trust.ts or is a listed exception.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readLocalizedManifest } from './localizedManifest';

const manifest = readLocalizedManifest() as { // descriptions as VS Code shows them (package.nls.json)
  capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: unknown; restrictedConfigurations?: unknown } };
  contributes: { configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[] };
};

// Files that write files without asking for trust, and why that is safe.
const ALLOWED_WRITERS: Record<string, string> = {
  // The command-line tool (src/cli.ts and src/cli/, skipped by the scan) runs outside VS Code: no workspace trust.
  'src/cli.ts': 'CLI',
  // Writes only into the folder runStoreFolder (src/commands/runCommands.ts) picks, which checks trust.
  'src/training/runStore.ts': 'run store',
  // The run store's own file handling (split out of runStore.ts): the same folder.
  'src/training/runFolderFiles.ts': 'run store',
  // The run store itself (runStore.ts is it on node:fs): the same folder.
  'src/training/runStoreBase.ts': 'run store',
  // The web's run store (issue 17): memory, then the extension's own storage (context.storageUri), never the workspace.
  'src/training/memoryStoreFs.ts': 'web run store',
  'src/training/storeMirror.ts': 'web run store',
  'src/training/webRunStore.ts': 'web run store',
  // Writes only to a file the user picks in a Save dialog (like File > Save As, allowed in Restricted Mode).
  'src/hmm/fitFeature.ts': 'save dialog',
  // Panel images and traces (Export as PNG/SVG…, Export Trace as CSV/JSON…): a file the user picks in a Save dialog.
  'src/base/panelExport.ts': 'save dialog',
  // Model view's Save as Experiment File…: the *.seqlab.json the user names in a Save dialog.
  'src/sidebar/modelView.ts': 'save dialog',
  // Writes only into an empty folder the user picks in an Open dialog.
  'src/commands/exportRunCommand.ts': 'folder dialog',
};

const WRITE_CALL = /\b(?:workspace\.fs\.writeFile|fs\.writeFile|createDirectory|writeFile(?:Sync)?\s*\(|mkdir(?:Sync)?\s*\()|['"]mkdirSync['"]/;
const IMPORTS_TRUST = /from\s+['"](?:\.\.?\/)+(?:src\/)?(?:base\/)?trust['"]|from\s+['"]\.\/trust['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

test('the manifest declares limited support for untrusted workspaces, with a description', () => {
  const untrusted = manifest.capabilities?.untrustedWorkspaces;
  assert.equal(untrusted?.supported, 'limited');
  assert.equal(typeof untrusted?.description, 'string');
  assert.match(String(untrusted?.description), /Restricted Mode/);
});

test('storing runs in the workspace is a restricted setting', () => {
  const restricted = manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations;
  assert.ok(Array.isArray(restricted));
  assert.ok(restricted.includes('sequenceLab.runs.storeInWorkspace'));
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  const known = new Set(sections.flatMap((s) => Object.keys(s.properties)));
  for (const key of restricted as string[]) assert.ok(known.has(key), `${key} is a contributed setting`);
});

test("a repository's .vscode/settings.json cannot raise the limits in Restricted Mode: every sequenceLab.limits.* is restricted", () => {
  const restricted = (manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? []) as string[];
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  const limits = sections.flatMap((s) => Object.keys(s.properties)).filter((k) => k.startsWith('sequenceLab.limits.'));
  assert.ok(limits.length >= 2, 'sanity: the limits are found');
  for (const key of limits) assert.ok(restricted.includes(key), `${key} is in restrictedConfigurations`);
});

test('every source file that writes files asks for workspace trust or is a listed exception', () => {
  const writers = sourceFiles('src').filter((f) => !f.startsWith(join('src', 'cli') + '/') && WRITE_CALL.test(readFileSync(f, 'utf8')));
  assert.ok(writers.includes(join('src', 'examples', 'index.ts')), 'sanity: the scan finds New Example…');
  const unchecked = writers.filter((f) => !ALLOWED_WRITERS[f.split('\\').join('/')] && !IMPORTS_TRUST.test(readFileSync(f, 'utf8')));
  assert.deepEqual(unchecked, []);
});

test('the run store folder is chosen with a trust check', () => {
  const source = readFileSync('src/commands/runCommands.ts', 'utf8');
  assert.match(source, /requireTrust\(/);
  assert.match(readFileSync('src/base/trust.ts', 'utf8'), /workbench\.trust\.manage/);
});
