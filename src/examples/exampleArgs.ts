// Pure helpers of "Sequence Lab: New Example…" (no vscode import, tested in test/host/examplesCommand.test.ts).
import { EXAMPLES, EXAMPLES_FOLDER, type ExampleId } from '../shared/examples';

/**
 * The command's test seam: `executeCommand('sequenceLab.newExample', { example: 'parity', folder: uri })` skips
 * the quick pick (and, for the adding problem, the input box when `length` is given); `folder` (a vscode.Uri or a
 * URI string) replaces the workspace folder; `overwrite: true` skips the modal confirmation; `seed` changes the data.
 */
export interface NewExampleArgs {
  example: ExampleId;
  folder?: unknown;
  length?: number;
  seed?: number;
  overwrite?: boolean;
  /** false: write the files without opening the main one (the walkthrough opens the file its step needs, once). */
  open?: boolean;
}

/** The seam's arguments when `value` carries a known example id, else undefined (the command then asks). */
export function readNewExampleArgs(value: unknown): NewExampleArgs | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const entry = EXAMPLES.find((e) => e.id === v.example);
  if (!entry) return undefined;
  const int = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) ? x : undefined);
  return { example: entry.id, folder: v.folder, length: int(v.length), seed: int(v.seed), overwrite: v.overwrite === true, ...(v.open === false ? { open: false } : {}) };
}

/** The quick pick's items: label, one-line description of what the example shows, and its id. */
export function exampleQuickPickItems(): { label: string; detail: string; id: ExampleId }[] {
  return EXAMPLES.map((e) => ({ label: e.label, detail: e.description, id: e.id }));
}

export function nextStepMessage(example: ExampleId, mainFile: string): string {
  const entry = EXAMPLES.find((e) => e.id === example)!;
  return `Sequence Lab: wrote ${EXAMPLES_FOLDER}/${mainFile}. Next: ${entry.nextStep}`;
}

/** The confirmation asked before files that already exist are replaced. */
export function overwriteQuestion(existing: readonly string[]): string {
  const list = existing.length <= 3 ? existing.join(', ') : `${existing.slice(0, 3).join(', ')} and ${existing.length - 3} more`;
  return `${existing.length === 1 ? 'This file already exists' : `${existing.length} files already exist`} in ${EXAMPLES_FOLDER}/: ${list}. Replace ${existing.length === 1 ? 'it' : 'them'}?`;
}
