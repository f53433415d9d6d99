// The HMM fit command's pure helpers: the checks behind its input boxes, the CSV header it offers columns from, and
// the worker's results as the panel's JSON-able views.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkWhole, fitModelView, sampleView } from '../../src/hmm/fitView';
import { csvColumnsOf, hmmFit, hmmSample } from '../../src/worker/analysisFit';

test('checkWhole: the inline message of the states box names the range', () => {
  assert.equal(checkWhole('5', 2, 20, 'The number of states'), undefined);
  assert.equal(checkWhole(' 20 ', 2, 20, 'The number of states'), undefined);
  for (const bad of ['1', '21', '2.5', '', 'two', '1e9', '-3']) {
    assert.equal(checkWhole(bad, 2, 20, 'The number of states'), 'The number of states must be a whole number from 2 to 20.', bad);
  }
});

test('csvColumnsOf (the worker answers HMM Fit\'s column pick): names from the header (or column k), which columns hold numbers in the first data row', () => {
  assert.deepEqual(csvColumnsOf('date,price,"note"\n2024-01-02,10.5,up\n'), { names: ['date', 'price', 'note'], numericInFirstRow: [false, true, false] });
  assert.deepEqual(csvColumnsOf('1\t2\n3\t4\n'), { names: ['column 1', 'column 2'], numericInFirstRow: [true, true] });
  assert.deepEqual(csvColumnsOf('a,b\n'), { names: ['a', 'b'], numericInFirstRow: [false, false] });
  assert.deepEqual(csvColumnsOf('\n\n'), { names: [], numericInFirstRow: [] });
  // The one CSV reader's dialect: a ;-file and quoted numbers offer their numeric columns.
  assert.deepEqual(csvColumnsOf('\uFEFFdate;price\r\n2024-01-02;"10.5"\r\n'), { names: ['date', 'price'], numericInFirstRow: [false, true] });
  // A tagged .tsv (token<TAB>tag) has no numeric column, so the command fits its tokens instead.
  const tagged = readFileSync(join('examples', 'hmm', 'pos-train.tsv'), 'utf8');
  assert.ok(csvColumnsOf(tagged).numericInFirstRow.every((x) => !x));
});

test('fitModelView and sampleView: nested rows of the learned model; Gaussian samples as formatted numbers', async () => {
  const rolls = readFileSync(join('examples', 'hmm', 'casino-rolls.txt'), 'utf8');
  const r = await hmmFit('t', rolls, { kind: 'symbols', split: 'chars' }, { states: 3, restarts: 1, seed: 1, maxIterations: 5, tolerance: 0 }, () => {});
  assert.ok(r);
  const v = fitModelView(r);
  assert.equal(v.transition.length, 3);
  assert.equal(v.emission.length, 3);
  assert.equal(v.emission[0].length, 6);
  for (const row of [...v.transition, ...v.emission]) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.deepEqual(v.transition.flat(), Array.from(r.transition));
  assert.deepEqual(v.means, []);
  const g = sampleView(hmmSample(readFileSync(join('examples', 'hmm', 'regimes-model.json'), 'utf8'), 10, 4), 4);
  assert.equal(g.steps.length, 10);
  assert.ok(g.steps.every((s) => Number.isFinite(Number(s.emitted)) && s.state >= 0 && s.state < g.states.length));
});
