// Which runs a Runs view command acts on. With canSelectMany, VS Code calls a command with the clicked node and,
// when that node is part of a multi-selection, every selected node; a node clicked outside the selection (or a
// single selection) comes alone. No vscode import, so tests use it directly.

/** The Runs view's own selection (extension.ts sets it once the view exists). */
let viewSelection: () => readonly unknown[] = () => [];

/** Where selectedNodes looks when VS Code passes neither a node nor a selection. */
export function useViewSelection(get: () => readonly unknown[]): void {
  viewSelection = get;
}

/**
 * The nodes a Runs view command applies to: the whole selection when the clicked node is in it, else the clicked
 * node; with neither (a context menu opened from the keyboard, a keybinding), the rows selected in the view.
 */
export function selectedNodes(node: unknown, selected?: unknown): unknown[] {
  const many = Array.isArray(selected) ? (selected as unknown[]) : [];
  if (node === undefined) return many.length > 0 ? many : [...viewSelection()];
  return many.includes(node) ? many : [node];
}

/** The distinct items of `nodes` that `of` recognises (a run selected twice, as a row and a stored row, counts once). */
export function distinctRuns<R extends { id: string }>(nodes: unknown[], of: (node: unknown) => R | undefined): R[] {
  const byId = new Map<string, R>();
  for (const node of nodes) {
    const run = of(node);
    if (run && !byId.has(run.id)) byId.set(run.id, run);
  }
  return [...byId.values()];
}

/** The runs a Delete may remove now, and those it keeps because they are still training (their worker writes on). */
export function splitTraining<R>(runs: R[], training: (run: R) => boolean): { removable: R[]; training: R[] } {
  return { removable: runs.filter((r) => !training(r)), training: runs.filter(training) };
}

/** "a, b, c, …": the first `max` names a confirmation shows, and an ellipsis when there are more. */
export function namedList(names: string[], max = 3): string {
  return names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', ');
}

/** Runs `remove` on every run, in order: one that fails is reported with its reason and the others go on. */
export function removeEach<R>(runs: R[], remove: (run: R) => void): { removed: R[]; failed: { run: R; reason: string }[] } {
  const removed: R[] = [];
  const failed: { run: R; reason: string }[] = [];
  for (const run of runs) {
    try {
      remove(run);
      removed.push(run);
    } catch (error) {
      failed.push({ run, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { removed, failed };
}
