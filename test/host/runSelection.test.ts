// Runs view multi-selection: which runs a command acts on when VS Code passes (clicked node, selected nodes).
// Selecting three runs and choosing Delete must delete three, not the one that was right-clicked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distinctRuns, namedList, removeEach, selectedNodes, splitTraining, useViewSelection } from '../../src/sidebar/runSelection';

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

test('the context menu opened from the keyboard passes no clicked node: the command acts on the selection', () => {
  assert.deepEqual(selectedNodes(undefined, [a, c]), [a, c]);
});

test('with neither a clicked node nor a selection passed, the rows selected in the Runs view are used', () => {
  let inView: unknown[] = [b, c];
  useViewSelection(() => inView);
  try {
    assert.deepEqual(selectedNodes(undefined, undefined), [b, c]);
    assert.deepEqual(selectedNodes(undefined, []), [b, c]);
    assert.deepEqual(selectedNodes(a, undefined), [a], 'a clicked node still wins');
    assert.deepEqual(selectedNodes(undefined, [a]), [a], 'a passed selection still wins');
    inView = [];
    assert.deepEqual(selectedNodes(undefined, undefined), []);
  } finally {
    useViewSelection(() => []);
  }
});

test('Delete keeps the selected runs still training and removes the others', () => {
  const training = new Set(['b']);
  const { removable, training: kept } = splitTraining([a.run, b.run, c.run], (r) => training.has(r.id));
  assert.deepEqual(removable.map((r) => r.id), ['a', 'c']);
  assert.deepEqual(kept.map((r) => r.id), ['b']);
});

test('a confirmation names the first three runs and marks the rest with an ellipsis', () => {
  assert.equal(namedList(['char RNN · H=16']), 'char RNN · H=16');
  assert.equal(namedList(['x', 'y', 'z']), 'x, y, z');
  assert.equal(namedList(['x', 'y', 'z', 'w']), 'x, y, z, …');
});

test('a run that cannot be removed is reported with its reason and the later runs are still removed', () => {
  const removedIds: string[] = [];
  const { removed, failed } = removeEach([a.run, b.run, c.run], (r) => {
    if (r.id === 'b') throw new Error('EBUSY');
    removedIds.push(r.id);
  });
  assert.deepEqual(removedIds, ['a', 'c']);
  assert.deepEqual(removed.map((r) => r.id), ['a', 'c']);
  assert.deepEqual(failed.map((f) => [f.run.id, f.reason]), [['b', 'EBUSY']]);
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
