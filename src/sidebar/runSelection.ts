// Which runs a Runs view command acts on. With canSelectMany, VS Code calls a command with the clicked node and,
// when that node is part of a multi-selection, every selected node; a node clicked outside the selection (or a
// single selection) comes alone. No vscode import, so tests use it directly.

/** The nodes a Runs view command applies to: the whole selection when the clicked node is in it, else the clicked node. */
export function selectedNodes(node: unknown, selected?: unknown): unknown[] {
  const many = Array.isArray(selected) ? (selected as unknown[]) : [];
  if (node === undefined) return many;
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
