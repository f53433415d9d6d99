// Runs view multi-selection: which runs a command acts on when VS Code passes (clicked node, selected nodes).
// Selecting three runs and choosing Delete must delete three, not the one that was right-clicked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distinctRuns, selectedNodes } from '../../src/sidebar/runSelection';

const a = { run: { id: 'a' } };
const b = { run: { id: 'b' } };
const c = { run: { id: 'c' } };

test('a command chosen on a multi-selection acts on every selected run', () => {
  assert.deepEqual(selectedNodes(b, [a, b, c]), [a, b, c]);
});

test('a run clicked outside the selection, or alone, is the only one', () => {
  assert.deepEqual(selectedNodes(c, [a, b]), [c]);
  assert.deepEqual(selectedNodes(a, undefined), [a]);
  assert.deepEqual(selectedNodes(a, 'not a list'), [a]);
  assert.deepEqual(selectedNodes(undefined, undefined), [], 'from the Command Palette: no run');
});

test('the same run selected twice (a live row and its stored row) counts once; other nodes are skipped', () => {
  const live = { info: { id: 'a' } };
  const of = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return undefined;
    if ('run' in node) return (node as typeof a).run;
    if ('info' in node) return (node as typeof live).info;
    return undefined;
  };
  assert.deepEqual(distinctRuns([a, live, b, { folder: true }], of).map((r) => r.id), ['a', 'b']);
});
