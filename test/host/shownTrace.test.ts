// "Export Trace as CSV…/JSON…" exports what the Gates / Gradient Flow page draws (src/panels/shownTrace.ts): never
// the previous run's trace after the panel switched runs or a trace failed, and, after a window reload (the page
// redraws a saved trace the host never had), says the run is gone instead of "wait for it to draw one".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShownTrace } from '../../src/panels/shownTrace';

interface View { runLabel: string; step: number }

test('switching runs forgets the previous run\'s trace until the new one is drawn', () => {
  const shown = new ShownTrace<View>();
  assert.deepEqual(shown.exportable(true), { reason: 'refreshing' }, 'nothing drawn yet');
  const first = shown.drawn({ runLabel: 'LSTM on verse.txt', step: 100 });
  assert.deepEqual(shown.exportable(true), { view: first });
  shown.forget(); // "Show LSTM/GRU Gates" on another run
  assert.deepEqual(shown.exportable(true), { reason: 'refreshing' });
  const second = { runLabel: 'GRU on poem.txt', step: 5 };
  shown.drawn(second);
  assert.deepEqual(shown.exportable(true), { view: second });
});

test('a failed trace ("No trace: …" on the page) is not exported as the trace before it', () => {
  const shown = new ShownTrace<View>();
  shown.drawn({ runLabel: 'LSTM on verse.txt', step: 100 });
  shown.failed('the text is too short for a trace');
  assert.deepEqual(shown.exportable(true), { reason: 'failed', error: 'the text is too short for a trace' });
  const next = shown.drawn({ runLabel: 'LSTM on verse.txt', step: 140 });
  assert.deepEqual(shown.exportable(true), { view: next }, 'the next trace clears the error');
});

test('after a reload (revived panel, run gone) the saved picture has no trace behind it: the run is gone', () => {
  const revived = new ShownTrace<View>();
  assert.deepEqual(revived.exportable(false), { reason: 'runGone' });
  const shown = new ShownTrace<View>();
  const view = shown.drawn({ runLabel: 'LSTM on verse.txt', step: 100 });
  assert.deepEqual(shown.exportable(false), { view }, 'a trace the page draws is still exported after its run was deleted');
});
