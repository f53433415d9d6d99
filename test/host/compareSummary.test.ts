// The Compare Runs panel's numbers and sentence (src/panels/compareSummary.ts, pure) and the validation of what its
// page sends (src/shared/protocol/comparePanel.ts): final loss over the last 5% of steps, best loss, perplexity e^loss,
// runs compared at the last step they all reached, legend names that tell equal models apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparedRun, comparedRuns, comparisonSummary, legendLabels, windowMeanAt, type CurvePoint, type RunCurveInput } from '../../src/panels/compareSummary';
import { DEFAULT_CONFIG, type TrainingConfig } from '../../src/shared/trainingConfig';
import { MAX_COMPARED_RUNS, parseComparedRunIds, parseComparePanelMessage } from '../../src/shared/protocol/comparePanel';

/** One point per `stride` steps up to `last`, loss f(step), gradient norm g(step). */
function curve(last: number, stride: number, f: (s: number) => number, g: (s: number) => number = () => 1): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (let s = stride; s <= last; s += stride) points.push({ step: s, loss: f(s), gradNorm: g(s) });
  return points;
}

function run(id: string, cell: TrainingConfig['cell'], points: CurvePoint[], over: Partial<RunCurveInput> = {}, config: Partial<TrainingConfig> = {}): RunCurveInput {
  return {
    id,
    modelLabel: `char ${cell.toUpperCase()} · H=64`,
    fileLabel: 'verse.txt',
    config: { ...DEFAULT_CONFIG, cell, ...config },
    status: 'completed',
    step: points.at(-1)?.step ?? 0,
    points,
    ...over,
  };
}

test('final loss and gradient norm are means over the last 5% of the steps; best is the lowest point; perplexity is e^final', () => {
  // 1000 steps, one point each: the last 5% are steps 951..1000.
  const points = curve(1000, 1, (s) => 3 - s / 1000, (s) => s / 100);
  const r = comparedRun(run('a', 'lstm', points), 'LSTM');
  const tail = points.filter((p) => p.step > 950);
  assert.equal(tail.length, 50);
  const mean = tail.reduce((x, p) => x + p.loss, 0) / tail.length;
  assert.ok(Math.abs(r.finalLoss! - mean) < 1e-12, `${r.finalLoss} vs ${mean}`);
  assert.ok(Math.abs(r.gradNorm! - tail.reduce((x, p) => x + p.gradNorm, 0) / tail.length) < 1e-12);
  assert.equal(r.bestLoss, Math.min(...points.map((p) => p.loss)));
  assert.ok(Math.abs(r.perplexity! - Math.exp(r.finalLoss!)) < 1e-12);
  assert.equal(r.step, 1000);
  assert.equal(r.curve.steps.length, 1000);
  assert.equal(r.curve.losses[999], Math.fround(points[999].loss));
  assert.equal(r.cell, 'lstm');
  assert.equal(r.charsPerSecond, undefined, 'a stored run has no speed');
});

test('a sparse curve (one point per 64 steps) uses its last point when the 5% window holds none; NaN lines are skipped', () => {
  const points = curve(640, 64, (s) => 5 - s / 320);
  points.push({ step: 700, loss: Number.NaN, gradNorm: 1 });
  assert.deepEqual(windowMeanAt(points.slice(0, 10), 640), { loss: 3, gradNorm: 1 });
  // At step 690 the window (655.5, 690] holds no point: the last one before it (step 640) stands.
  assert.deepEqual(windowMeanAt(points.slice(0, 10), 690), { loss: 3, gradNorm: 1 });
  const r = comparedRun(run('a', 'rnn', points), 'RNN');
  assert.equal(r.finalLoss, 3);
  assert.equal(r.curve.steps.length, 10, 'the NaN point is not drawn');
  assert.equal(windowMeanAt(points, 10), undefined, 'no point at or before step 10');
});

test('a run without steps has no summary numbers', () => {
  const r = comparedRun(run('a', 'gru', [], { status: 'starting', step: 0 }), 'GRU');
  assert.equal(r.finalLoss, undefined);
  assert.equal(r.bestLoss, undefined);
  assert.equal(r.perplexity, undefined);
  assert.equal(r.curve.steps.length, 0);
});

test('the sentence compares at the last step every run reached, and says by how much the lowest is below the others', () => {
  // RNN flattens at 2.03 nats, LSTM at 1.62 (from step 1500 on); the LSTM trained on to step 3000 (and lower),
  // which must not count: both are compared at step 2000.
  const rnn = run('r', 'rnn', curve(2000, 10, (s) => (s > 1500 ? 2.03 : 3)));
  const lstm = run('l', 'lstm', curve(3000, 10, (s) => (s > 2500 ? 1.2 : s > 1500 ? 1.62 : 2.5)));
  assert.equal(comparisonSummary([rnn, lstm]), 'char LSTM · H=64 reaches a training loss of 1.62 nats at step 2,000, 0.41 below char RNN · H=64.');

  const gru = run('g', 'gru', curve(2000, 10, (s) => (s > 1500 ? 1.72 : 3)));
  assert.equal(
    comparisonSummary([rnn, gru, lstm]),
    'char LSTM · H=64 reaches a training loss of 1.62 nats at step 2,000, 0.10 below char GRU · H=64 and 0.41 below char RNN · H=64.',
  );
});

test('runs within 0.005 nats are called level; different files and runs without steps are said so', () => {
  const a = run('a', 'rnn', curve(500, 5, () => 1.5));
  const b = run('b', 'gru', curve(500, 5, () => 1.502));
  assert.equal(comparisonSummary([a, b]), 'char RNN · H=64 and char GRU · H=64 are level at a training loss of 1.50 nats at step 500.');
  const other = run('c', 'lstm', curve(500, 5, () => 1.2), { fileLabel: 'other.txt' });
  assert.match(comparisonSummary([a, other]), /reaches a training loss of 1\.20 nats at step 500, 0\.30 below .*different files/);
  const empty = run('d', 'lstm', [], { status: 'starting' });
  assert.match(comparisonSummary([a, b, empty]), /are level at a training loss of 1\.50 nats at step 500\. One run has no steps yet\.$/);
  assert.match(comparisonSummary([a, empty]), /^Nothing to compare yet/);
  // The other runs were deleted while the panel was open: the one left is not compared with itself.
  assert.match(comparisonSummary([a]), /^Nothing to compare: only one of the runs is left\./);
});

test('series and sequence-to-one runs report a mean squared error: no perplexity, no chars/s, the sentence names the unit', () => {
  const points = curve(1000, 10, (s) => 0.2 / (1 + s / 100));
  const series = comparedRun(run('s', 'lstm', points, { status: 'training', charsPerSecond: 900 }, { dataKind: 'series' }), 'LSTM');
  assert.equal(series.dataKind, 'series');
  assert.ok(series.finalLoss! > 0);
  assert.equal(series.perplexity, undefined, 'e^MSE is not a perplexity');
  assert.equal(series.charsPerSecond, undefined);
  const words = comparedRun(run('w', 'lstm', points, {}, { dataKind: 'words' }), 'LSTM');
  assert.ok(Math.abs(words.perplexity! - Math.exp(words.finalLoss!)) < 1e-12);

  // Mean squared errors ≪ 1: three significant digits, and level only within 0.5% of each other.
  const a = run('a', 'rnn', curve(500, 5, () => 0.0123), {}, { dataKind: 'series' });
  const b = run('b', 'gru', curve(500, 5, () => 0.0101), {}, { dataKind: 'series' });
  assert.equal(comparisonSummary([a, b]), 'char GRU · H=64 reaches a training loss of 0.0101 MSE per value at step 500, 0.00220 below char RNN · H=64.');
  const words2 = [run('a', 'rnn', curve(500, 5, () => 4.1), {}, { dataKind: 'words' }), run('b', 'gru', curve(500, 5, () => 3.9), {}, { dataKind: 'words' })];
  assert.equal(comparisonSummary(words2), 'char GRU · H=64 reaches a training loss of 3.90 nats/word at step 500, 0.20 below char RNN · H=64.');
});

test('runs whose losses are in different units are not compared; the sentence says which unit each is in', () => {
  const chars = run('c', 'rnn', curve(500, 5, () => 1.5));
  const series = run('s', 'gru', curve(500, 5, () => 0.01), {}, { dataKind: 'series' });
  const seqToOne = run('q', 'lstm', curve(500, 5, () => 0.02), {}, { dataKind: 'sequence-to-one' });
  assert.equal(
    comparisonSummary([chars, series, seqToOne]),
    'Not compared: the runs\u2019 losses are in different units (char RNN · H=64 in nats/char; char GRU · H=64 in MSE per value; char LSTM · H=64 in MSE per sequence).',
  );
  assert.doesNotMatch(comparisonSummary([chars, series]), /below|level/);
});

test('legend names: the model label, plus what differs between runs of the same label', () => {
  const points = curve(10, 1, () => 2);
  const seeds = [run('a', 'lstm', points, {}, { seed: 1 }), run('b', 'lstm', points, {}, { seed: 2 }), run('c', 'rnn', points)];
  assert.deepEqual(legendLabels(seeds), ['char LSTM · H=64 (seed 1)', 'char LSTM · H=64 (seed 2)', 'char RNN · H=64']);
  const twins = [run('a', 'gru', points), run('b', 'gru', points)];
  assert.deepEqual(legendLabels(twins), ['char GRU · H=64 (#1)', 'char GRU · H=64 (#2)']);
  const rates = [run('a', 'gru', points, {}, { learningRate: 0.01, optimizer: 'sgd' }), run('b', 'gru', points, {}, { learningRate: 0.002 })];
  assert.deepEqual(legendLabels(rates), ['char GRU · H=64 (sgd, lr 0.01)', 'char GRU · H=64 (adam, lr 0.002)']);
});

test('the page may only say ready or name a run id to open; saved state holds 1..12 run ids', () => {
  assert.deepEqual(parseComparePanelMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseComparePanelMessage({ type: 'openRun', runId: 'run-abc-1' }), { type: 'openRun', runId: 'run-abc-1' });
  for (const bad of [
    { type: 'openRun', runId: '../run' }, { type: 'openRun', runId: '/etc/passwd' }, { type: 'openRun' }, { type: 'openRun', runId: 3 },
    { type: 'ready', extra: 1 }, { type: 'openRun', runId: 'a', path: '/x' }, { type: 'compare' }, null, 'ready', [],
  ]) assert.equal(parseComparePanelMessage(bad), undefined, JSON.stringify(bad));

  assert.deepEqual(parseComparedRunIds({ runIds: ['a', 'b', 'a'], logY: true }), ['a', 'b']);
  assert.equal(parseComparedRunIds({ runIds: [] }), undefined);
  assert.equal(parseComparedRunIds({ runIds: ['a', '../b'] }), undefined);
  assert.equal(parseComparedRunIds({ runIds: Array.from({ length: MAX_COMPARED_RUNS + 1 }, (_, i) => `r${i}`) }), undefined);
  assert.equal(parseComparedRunIds(undefined), undefined);
  assert.equal(parseComparedRunIds({ runIds: 'a' }), undefined);
});

test('runs with held-out scores are compared on their held-out loss: the one that memorises its training text loses', () => {
  // The big model's training loss is lower, but its held-out loss rose (it memorised); the small one generalises.
  const big = { ...run('b', 'lstm', curve(1000, 10, (s) => 3 - s / 500)), heldOut: [{ step: 0, loss: 4 }, { step: 500, loss: 1.9 }, { step: 1000, loss: 2.3 }] };
  const small = { ...run('s', 'gru', curve(1000, 10, (s) => 3 - s / 1000)), heldOut: [{ step: 0, loss: 4 }, { step: 500, loss: 2.2 }, { step: 1000, loss: 1.8 }] };
  assert.equal(comparisonSummary([big, small]), 'char GRU · H=64 reaches a held-out loss of 1.80 nats at step 1,000, 0.50 below char LSTM · H=64.');
  const rows = comparedRuns([big, small]);
  assert.equal(rows[0].heldOutLoss, 2.3);
  assert.deepEqual([...rows[1].heldOutCurve!.steps], [0, 500, 1000]);
  // A run stored before held-out loss: the comparison falls back to the training loss and says why.
  const old = run('o', 'rnn', curve(1000, 10, () => 2.5));
  assert.equal(
    comparisonSummary([small, old]),
    'char GRU · H=64 reaches a training loss of 2.02 nats at step 1,000 (not every run has a held-out loss by then), 0.48 below char RNN · H=64.',
  );
});
